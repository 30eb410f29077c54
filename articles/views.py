from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from articles.models import Article, Author, Correction, PreviewLink, Publisher, Section


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
        return super().get_queryset().prefetch_related("tags", "corrections")

    def get_context_data(self, **kwargs):
        terms = self.object.republication_terms(Publisher.for_request(self.request))
        return super().get_context_data(terms=terms, **kwargs)


class ArticleRepublishView(ArticleDetailView):
    """The partner's copy of a story, with what the terms require and the photo's rights."""

    template_name = "articles/article_republish.html"


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


# --- editorial workflow (issue 3) ---


class PreviewMixin:
    """An article as it will look once published, drafts included: never cached, never indexed."""

    template_name = "articles/article_preview.html"
    context_object_name = "article"

    @method_decorator(never_cache)
    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def get_context_data(self, **kwargs):
        terms = self.object.republication_terms(Publisher.for_request(self.request))
        return super().get_context_data(terms=terms, is_preview=True, **kwargs)

    def preview_queryset(self):
        return Article.objects.with_listing_related().prefetch_related("tags", "corrections")


@method_decorator(staff_member_required, name="dispatch")
class StaffPreviewView(PreviewMixin, DetailView):
    """Staff who may see the article in the admin may preview it, whatever its state."""

    def get_queryset(self):
        return self.preview_queryset()

    def get_object(self, queryset=None):
        article = super().get_object(queryset)
        if not self.request.user.has_perm("articles.view_article"):
            raise PermissionDenied
        return article


class PreviewLinkView(PreviewMixin, DetailView):
    """Someone without an account reads a draft through a signed, unexpired, unrevoked link."""

    def get_object(self, queryset=None):
        link = PreviewLink.from_token(self.kwargs["token"])
        if link is None:
            raise Http404("This preview link has expired or was withdrawn.")
        self.preview_link = link
        return self.preview_queryset().get(pk=link.article_id)

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview_link=self.preview_link, **kwargs)


class CorrectionsView(ListView):
    """Recent corrections, clarifications and updates, on published articles only."""

    template_name = "articles/corrections.html"
    context_object_name = "corrections"

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        return (
            Correction.objects.filter(article__in=Article.objects.published())
            .select_related("article")
            .order_by("-created_at", "-pk")
        )
