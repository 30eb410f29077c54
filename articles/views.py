import base64

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from articles.models import Article, Author, Publisher, Section
from articles.ninjs import article_as_ninjs
from articles.republication import (
    client_address,
    flush_counts,
    flush_due,
    record_hit,
    republication_context,
)


class PublishedArticlesMixin:
    """Every public view lists articles from Article.objects.published() and nothing else."""

    def get_queryset(self):
        return Article.objects.published().with_listing_related()


class FrontPageView(PublishedArticlesMixin, ListView):
    template_name = "articles/front_page.html"
    context_object_name = "articles"

    def get_queryset(self):
        return super().get_queryset()[:25]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        articles = list(context["articles"])
        context["lead"] = articles[0] if articles else None
        context["latest"] = articles[1:]
        return context


class ArticleDetailView(PublishedArticlesMixin, DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return super().get_queryset().prefetch_related("tags")

    def get_context_data(self, **kwargs):
        terms = self.object.republication_terms(Publisher.for_request(self.request))
        return super().get_context_data(terms=terms, **kwargs)


class ArticleRepublishView(ArticleDetailView):
    """The partner's copy of a story, with what the terms require and the photo's rights.

    This page is where it lives without JavaScript; the article page's dialog loads the same
    panel from ArticleRepublishPanelView, so readers' pages never carry the editors' notes.
    """

    template_name = "articles/article_republish.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["terms"].republishable:
            publisher = Publisher.for_request(self.request)
            context["republication"] = republication_context(
                self.object, publisher, context["terms"]
            )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex"
        return response


class ArticleRepublishPanelView(ArticleRepublishView):
    """The partner's panel alone, for the "Republish this story" dialog."""

    template_name = "includes/republish_panel_fragment.html"


class ArticleNinjsView(PublishedArticlesMixin, DetailView):
    """The story as IPTC ninjs 3.1 JSON for partners' systems, under the same rights rules."""

    def render_to_response(self, context, **response_kwargs):
        publisher = Publisher.for_request(self.request)
        document = article_as_ninjs(self.object, publisher)
        return JsonResponse(
            document, json_dumps_params={"ensure_ascii": False, "indent": 2}, **response_kwargs
        )


# A transparent 1x1 GIF: the smallest image every browser shows.
TRANSPARENT_GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


class PixelResponse(HttpResponse):
    """The counting pixel; when a bulk write is due it runs after the image has been sent."""

    flush_after_close = False

    def close(self):
        super().close()
        if self.flush_after_close:
            flush_counts()


@require_safe
def republication_pixel(request, article_id):
    """Counts one view of a republished copy in the cache. No database query, nothing fetched.

    The id is not looked up here: counts for ids that name no article are dropped when written.
    """
    record_hit(
        article_id,
        referer=request.headers.get("Referer", ""),
        client_address=client_address(request),
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


class FilteredListView(PublishedArticlesMixin, ListView):
    """A paginated list of published articles belonging to one object (section, tag, author)."""

    template_name = "articles/article_list.html"
    context_object_name = "articles"
    model_for_slug = None

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_object(self):
        return get_object_or_404(self.model_for_slug, slug=self.kwargs["slug"])

    def filter_articles(self, queryset, obj):
        raise NotImplementedError

    def get_queryset(self):
        self.object = self.get_object()
        return self.filter_articles(super().get_queryset(), self.object)

    def get_context_data(self, **kwargs):
        return super().get_context_data(listing=self.object, **kwargs)


class SectionView(FilteredListView):
    model_for_slug = Section

    def filter_articles(self, queryset, section):
        return queryset.filter(section=section)


class TagView(FilteredListView):
    model_for_slug = Tag

    def filter_articles(self, queryset, tag):
        return queryset.filter(tags=tag)


class AuthorView(FilteredListView):
    template_name = "articles/author_detail.html"
    model_for_slug = Author

    def filter_articles(self, queryset, author):
        return queryset.filter(authors=author)


class TermsView(TemplateView):
    template_name = "articles/terms.html"

    def get_context_data(self, **kwargs):
        terms = Publisher.for_request(self.request).republication_terms()
        return super().get_context_data(terms=terms, **kwargs)
