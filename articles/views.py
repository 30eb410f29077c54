from django.conf import settings
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from articles.models import Article, Author, Publisher, Section


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
