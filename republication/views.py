"""The partner's side of a story: its copy, its ninjs, the counting pixel and the terms page."""

import base64

from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import CreateView, DetailView, TemplateView

from articles.models import Article, EmbargoShare, Publisher
from newsroom.lib.http import client_ip
from newsroom.lib.urls import absolute_url
from republication.addresses import MovedOrGoneMixin, gone_page
from republication.copy import republication_context
from republication.counting import flush_due, record_hit
from republication.forms import PartnerRegistrationForm
from republication.ninjs import article_as_ninjs, withdrawn_as_ninjs
from republication.tasks import flush_soon


def publisher_for(request):
    """The publisher's settings: the request's copy where the site gave it one (one cache read
    per request), else from the database."""
    furniture = getattr(request, "site_furniture", None)
    return furniture["publisher"] if furniture is not None else Publisher.load()


class PublishedArticleMixin:
    """Partners get only what Article.objects.published() gives readers."""

    def get_queryset(self):
        return (
            Article.objects.published()
            .with_listing_related()
            .select_related("live")  # a live story's copy carries its entries
            .prefetch_related("tags", "corrections")
        )


class ArticleRepublishView(MovedOrGoneMixin, PublishedArticleMixin, DetailView):
    """The partner's copy of a story, with what the terms require and the photo's rights.

    This page is where it lives without JavaScript; the article page's dialog loads the same
    panel from ArticleRepublishPanelView, so readers' pages never carry the editors' notes.
    """

    template_name = "republication/article_republish.html"
    context_object_name = "article"

    def get_context_data(self, **kwargs):
        publisher = publisher_for(self.request)
        terms = self.object.republication_terms(publisher)
        canonical_url = absolute_url(self.object.get_absolute_url())
        context = super().get_context_data(terms=terms, canonical_url=canonical_url, **kwargs)
        if terms.republishable:
            context["republication"] = republication_context(self.object, publisher, terms)
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex"
        return response

    def gone_response(self, article):
        return gone_page(self.request, article)


class ArticleRepublishPanelView(ArticleRepublishView):
    """The partner's panel alone, for the "Republish this story" dialog."""

    template_name = "republication/republish_panel_fragment.html"


class ArticleNinjsView(MovedOrGoneMixin, PublishedArticleMixin, DetailView):
    """The story as IPTC ninjs 3.1 JSON for partners' systems, under the same rights rules."""

    def get_queryset(self):
        return Article.objects.published().with_listing_related().select_related("live")

    def render_to_response(self, context, **response_kwargs):
        publisher = publisher_for(self.request)
        return ninjs_response(article_as_ninjs(self.object, publisher), **response_kwargs)

    def gone_response(self, article):
        document = withdrawn_as_ninjs(article, publisher_for(self.request))
        return ninjs_response(document, status=410)


def ninjs_response(document, **response_kwargs):
    return JsonResponse(
        document, json_dumps_params={"ensure_ascii": False, "indent": 2}, **response_kwargs
    )


class EmbargoShareMixin:
    """A partner's signed link to a story shared ahead of publication; 404 once revoked, or when
    the story is no longer on its way to readers (back to draft, withdrawn). Never cached."""

    @method_decorator(never_cache)
    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        # The address is the partner's key: no link on the page may pass it on.
        response["Referrer-Policy"] = "no-referrer"
        return response

    def get_share(self):
        share = EmbargoShare.from_token(self.kwargs["token"])
        if share is None:
            raise Http404("This link was withdrawn.")
        return share

    def record_open(self, share):
        # The desk checking a link ("View on site") is not the partner opening it.
        if not self.request.user.is_staff:
            share.record_open()

    def get_shared_article(self, share):
        return get_object_or_404(
            Article.objects.with_listing_related()
            .select_related("live")
            .prefetch_related("tags", "corrections")
            .exclude(status__in=[Article.Status.DRAFT, Article.Status.WITHDRAWN]),
            pk=share.article_id,
        )


class EmbargoShareView(EmbargoShareMixin, TemplateView):
    """The partner's copy of a story under embargo, the embargo stated; "released" once public."""

    template_name = "republication/embargo_share.html"

    def get_context_data(self, **kwargs):
        share = self.get_share()
        article = self.get_shared_article(share)
        self.record_open(share)
        publisher = publisher_for(self.request)
        terms = article.republication_terms(publisher)
        context = super().get_context_data(
            share=share,
            article=article,
            terms=terms,
            released=share.is_released,
            ninjs_url=reverse("republication:embargo-share-ninjs", args=[self.kwargs["token"]]),
            copied_url=reverse("republication:embargo-share-copied", args=[self.kwargs["token"]]),
            **kwargs,
        )
        if terms.republishable:
            context["republication"] = republication_context(
                article, publisher, terms, share.embargo_until
            )
        return context


class EmbargoShareNinjsView(EmbargoShareMixin, TemplateView):
    """The shared story as ninjs: "withheld" with the embargo in its edNote until released."""

    def get(self, request, *args, **kwargs):
        share = self.get_share()
        article = self.get_shared_article(share)
        self.record_open(share)
        embargo = None if share.is_released else share.embargo_until
        return ninjs_response(article_as_ninjs(article, publisher_for(request), embargo))


@csrf_exempt  # the signed address is the credential; the partner's page has no form to post
@require_POST
def embargo_share_copied(request, token):
    """The partner's page reports a Copy button pressed, so the desk sees who copied the story."""
    share = EmbargoShare.from_token(token)
    if share is None:
        raise Http404("This link was withdrawn.")
    share.record_copy()
    return HttpResponse(status=204)


# A transparent 1x1 GIF: the smallest image every browser shows.
TRANSPARENT_GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


class PixelResponse(HttpResponse):
    """The counting pixel; when a bulk write is due, a worker is asked for it once the image
    has been sent (one insert into the task queue, every REPUBLICATION_FLUSH_SECONDS)."""

    flush_after_close = False

    def close(self):
        super().close()
        if self.flush_after_close:
            flush_soon()


@require_safe
def republication_pixel(request, article_id):
    """Counts one view of a republished copy in the cache. No database query, nothing fetched.

    Answers its GIF whatever it is sent, and with the cache unreachable. The id is checked to fit
    the database but not looked up here: counts for ids that name no article are dropped when
    written.
    """
    record_hit(
        article_id,
        referer=request.headers.get("Referer", ""),
        client_address=client_ip(request) or "",
        user_agent=request.headers.get("User-Agent", ""),
        request_host=request.get_host(),
    )
    response = PixelResponse(TRANSPARENT_GIF, content_type="image/gif")
    add_never_cache_headers(response)  # no-store: every view reaches us, no cache in between
    # Partners' pages load it from another origin.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["X-Robots-Tag"] = "noindex"
    response.flush_after_close = flush_due()
    return response


class TermsView(TemplateView):
    template_name = "republication/terms.html"

    def get_context_data(self, **kwargs):
        terms = publisher_for(self.request).republication_terms()
        return super().get_context_data(terms=terms, **kwargs)


class PartnerRegistrationView(CreateView):
    """A publisher asks to become a partner; an editor approves it in the desk.

    Limited per address, so the form cannot fill the desk's list; never cached (it carries a
    CSRF token).
    """

    form_class = PartnerRegistrationForm
    template_name = "republication/partner_register.html"
    REQUESTS_PER_HOUR = 5

    @method_decorator(never_cache)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        if self.too_many_requests():
            form.add_error(None, _("Too many requests from your address; try again in an hour."))
            return self.form_invalid(form)
        form.instance.registered_by_partner = True
        self.object = form.save()
        return self.render_to_response(self.get_context_data(registered=self.object))

    def too_many_requests(self):
        counter = f"partner-registrations:{client_ip(self.request)}"
        try:
            cache.add(counter, 0, timeout=3600)
            return cache.incr(counter) > self.REQUESTS_PER_HOUR
        except Exception:  # noqa: BLE001 - without its cache the form still works, unlimited
            return False
