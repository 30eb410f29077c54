"""The partner's side of a story: its copy, its ninjs, the counting pixel and the terms page."""

import base64

from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import CreateView, DetailView, TemplateView

from articles.models import Article, Publisher
from newsroom.lib.http import client_ip
from republication.copy import republication_context
from republication.counting import flush_due, record_hit
from republication.forms import PartnerRegistrationForm
from republication.ninjs import article_as_ninjs
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
            .prefetch_related("tags", "corrections")
        )


class ArticleRepublishView(PublishedArticleMixin, DetailView):
    """The partner's copy of a story, with what the terms require and the photo's rights.

    This page is where it lives without JavaScript; the article page's dialog loads the same
    panel from ArticleRepublishPanelView, so readers' pages never carry the editors' notes.
    """

    template_name = "republication/article_republish.html"
    context_object_name = "article"

    def get_context_data(self, **kwargs):
        publisher = publisher_for(self.request)
        terms = self.object.republication_terms(publisher)
        context = super().get_context_data(terms=terms, **kwargs)
        if terms.republishable:
            context["republication"] = republication_context(self.object, publisher, terms)
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex"
        return response


class ArticleRepublishPanelView(ArticleRepublishView):
    """The partner's panel alone, for the "Republish this story" dialog."""

    template_name = "republication/republish_panel_fragment.html"


class ArticleNinjsView(PublishedArticleMixin, DetailView):
    """The story as IPTC ninjs 3.1 JSON for partners' systems, under the same rights rules."""

    def get_queryset(self):
        return Article.objects.published().with_listing_related()

    def render_to_response(self, context, **response_kwargs):
        publisher = publisher_for(self.request)
        document = article_as_ninjs(self.object, publisher)
        return JsonResponse(
            document, json_dumps_params={"ensure_ascii": False, "indent": 2}, **response_kwargs
        )


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

    The id is not looked up here: counts for ids that name no article are dropped when written.
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
