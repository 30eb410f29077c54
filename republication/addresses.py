"""What a story's old or dead address answers: a permanent redirect, 410 Gone, or 404.

Looked up only after the view found no public story under the slug, so the pages readers get
every day pay nothing for it.
"""

from django.db.models import Q
from django.http import Http404, HttpResponsePermanentRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from articles.models import Article


def moved_to(slug: str) -> Article | None:
    """The public story an old slug now leads to."""
    return Article.objects.published().filter(redirects__old_slug=slug).first()


def gone(slug: str) -> Article | None:
    """The withdrawn story this slug (current or old) named while readers could see it."""
    return Article.objects.gone().filter(Q(slug=slug) | Q(redirects__old_slug=slug)).first()


class MovedOrGoneMixin:
    """For a view of one story by slug: an old slug redirects (301) to the same view of the
    story's current slug; a withdrawn story answers gone_response() (410); anything else 404."""

    def gone_response(self, article):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            slug = kwargs["slug"]
            article = moved_to(slug)
            if article is not None:
                url = reverse(request.resolver_match.view_name, kwargs={"slug": article.slug})
                query = request.META.get("QUERY_STRING")
                return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
            withdrawn = gone(slug)
            if withdrawn is not None:
                return self.gone_response(withdrawn)
            raise


def gone_page(request, article: Article) -> TemplateResponse:
    """410 Gone with the withdrawal notice: when, and why; nothing else of the story."""
    withdrawal = article.withdrawal
    response = TemplateResponse(
        request,
        "republication/article_gone.html",
        {
            "withdrawn_at": withdrawal.created_at if withdrawal else None,
            "notice": withdrawal.note if withdrawal else "",
        },
        status=410,
    )
    response["X-Robots-Tag"] = "noindex"
    return response
