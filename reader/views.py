import logging
import math
import time

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.contrib.sitemaps.views import x_robots_tag
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, prefetch_related_objects
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from articles.models import (
    Article,
    Author,
    Correction,
    PreviewLink,
    Section,
    Series,
    card_bylines,
)
from articles.search import (
    MAX_QUERY_LENGTH,
    QueryTooLong,
    clean_query,
    search_articles,
    snippet,
)
from curation.models import Arrangement, Pick, current_picks
from newsroom.lib.http import client_ip
from reader.furniture import site_furniture
from reader.sitemaps import SITEMAPS
from republication.addresses import MovedOrGoneMixin, gone_page

logger = logging.getLogger(__name__)


class PublishedArticlesMixin:
    """Every public view lists articles from Article.objects.published() and nothing else."""

    def get_queryset(self):
        return Article.objects.published().with_listing_related()


class CuratedTopMixin:
    """The top of a page as editors arranged it (curation/): a lead and featured stories.

    ``self.section`` names the page (None: the front page). A preview shows a given arrangement
    instead of the one live now.
    """

    section = None
    arrangement = None  # a preview's

    def curated_top(self):
        if not hasattr(self, "_curated_top"):
            if self.arrangement is not None:
                self._curated_top = self.arrangement.picks()
            else:
                self._curated_top = current_picks(self.section)
        return self._curated_top

    def curated_articles(self):
        top = self.curated_top()
        picks = ([top["lead"]] if top["lead"] else []) + top["featured"]
        return [pick.article for pick in picks]


class FrontPageView(CuratedTopMixin, PublishedArticlesMixin, ListView):
    """The lead story (an editor's choice, else the newest), the featured stories, the latest,
    then a rail of each section's newest stories: no story twice."""

    template_name = "reader/front_page.html"
    context_object_name = "articles"
    latest_count = 6
    rail_length = 4

    def get_queryset(self):
        curated = self.curated_articles()
        automatic = self.latest_count + (0 if self.curated_top()["lead"] else 1)
        return (
            Article.objects.published()
            .exclude(pk__in=[article.pk for article in curated])
            .card_columns()[:automatic]
        )

    def section_rails(self, shown):
        """Each section's newest stories not shown above: exactly the cards the rails show."""
        sections = site_furniture(self.request)["sections"]
        articles = (
            Article.objects.published()
            .newest_in_each_section(
                sections, self.rail_length, exclude=[article.pk for article in shown]
            )
            .card_columns()
        )
        rails = {}
        for article in articles:
            rails.setdefault(article.section_id, []).append(article)
        return [
            {"section": section, "articles": rails[section.pk]}
            for section in sections
            if section.pk in rails
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        articles = list(context["articles"])
        top = self.curated_top()
        curated = self.curated_articles()
        rails = self.section_rails(curated + articles)
        # One bylines query for every card on the page.
        prefetch_related_objects(
            curated + articles + [article for rail in rails for article in rail["articles"]],
            card_bylines(),
        )
        lead = top["lead"]
        if lead is None and articles:
            lead = Pick.of(articles.pop(0), is_lead=True)
        context["lead_pick"] = lead
        context["lead"] = lead.article if lead else None
        context["featured"] = top["featured"]
        context["latest"] = articles
        context["rails"] = rails
        return context


class ArticleDetailView(MovedOrGoneMixin, PublishedArticlesMixin, DetailView):
    template_name = "reader/article_detail.html"
    context_object_name = "article"

    def gone_response(self, article):
        return gone_page(self.request, article)

    def get_queryset(self):
        # A live story's coverage comes with it (reader/live.py): no query for other stories.
        return (
            super()
            .get_queryset()
            .select_related("live")
            .prefetch_related("tags")
            .with_related_picks_noted()
            .with_corrections_noted()
        )

    def get_object(self, queryset=None):
        article = super().get_object(queryset)
        article.read_corrections()
        return article

    def get_context_data(self, **kwargs):
        article = self.object
        terms = article.republication_terms(site_furniture(self.request)["publisher"])
        return super().get_context_data(
            terms=terms,
            series_place=article.series_place(),
            related_stories=Article.objects.published()
            .only("headline", "slug", "publish_at")
            .related_to(article),
            **kwargs,
        )


class FilteredListView(PublishedArticlesMixin, ListView):
    """A paginated list of published articles belonging to one object (section, tag, author)."""

    template_name = "reader/article_list.html"
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
        return self.filter_articles(Article.objects.published().as_cards(), self.object)

    feed_names = None  # (rss url name, atom url name) of this listing's feeds

    def get_context_data(self, **kwargs):
        feeds = None
        if self.feed_names:
            feeds = [reverse(name, args=[self.object.slug]) for name in self.feed_names]
        return super().get_context_data(listing=self.object, listing_feeds=feeds, **kwargs)


class SectionView(CuratedTopMixin, FilteredListView):
    """A section's stories, newest first, under the lead and featured ones its editors chose."""

    model_for_slug = Section
    feed_names = ("reader:section-rss", "reader:section-atom")

    def get_object(self):
        self.section = super().get_object()
        return self.section

    def get_context_data(self, **kwargs):
        context = super().get_context_data(current_section=self.object, **kwargs)
        listed = list(context["articles"])
        curated = []
        if context["page_obj"].number == 1:
            top = self.curated_top()
            curated = self.curated_articles()
            context["lead_pick"], context["featured"] = top["lead"], top["featured"]
        # One bylines query for every card on the page.
        prefetch_related_objects(curated + listed, card_bylines())
        context["articles"] = context["object_list"] = listed
        return context

    def filter_articles(self, queryset, section):
        # The stories at the top are not listed again below them, on any page; the cards'
        # bylines are read with the curated ones' (get_context_data).
        shown = [article.pk for article in self.curated_articles()]
        listed = queryset.prefetch_related(None).filter(section=section)
        return listed.exclude(pk__in=shown)


class TagView(FilteredListView):
    """A tag's page exists for the public only while a published story carries the tag."""

    feed_names = ("reader:tag-rss", "reader:tag-atom")

    def get_object(self):
        return get_object_or_404(Article.objects.published().tags(), slug=self.kwargs["slug"])

    def filter_articles(self, queryset, tag):
        return queryset.filter(tags=tag)


class AuthorView(FilteredListView):
    template_name = "reader/author_detail.html"
    model_for_slug = Author
    feed_names = ("reader:author-rss", "reader:author-atom")

    def filter_articles(self, queryset, author):
        return queryset.filter(authors=author)


class SeriesView(ListView):
    """A series' published stories in its order; the page exists while one of them is public."""

    template_name = "reader/series_detail.html"
    context_object_name = "articles"

    def get_queryset(self):
        self.series = get_object_or_404(Series.objects.public(), slug=self.kwargs["slug"])
        return self.series.published_parts().as_cards()

    def get_context_data(self, **kwargs):
        feeds = [
            reverse(name, args=[self.series.slug])
            for name in ("reader:series-rss", "reader:series-atom")
        ]
        return super().get_context_data(listing=self.series, listing_feeds=feeds, **kwargs)


class SearchView(PublishedArticlesMixin, ListView):
    """Full-text search over published stories; odd, empty or over-long queries get a message."""

    template_name = "reader/search.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    rate_window = 60  # seconds; SEARCH_RATE_LIMIT searches per address in each

    def get(self, request, *args, **kwargs):
        retry_after = self.seconds_until_allowed() if request.GET.get("q") else 0
        if retry_after:
            self.query, self.error = (
                clean_query(request.GET["q"][:MAX_QUERY_LENGTH]),
                _("You have searched a lot in the last minute. Please try again in a moment."),
            )
            response = TemplateResponse(
                request,
                self.template_name,
                {"query": self.query, "error": self.error, "results": []},
                status=429,
            )
            response["Retry-After"] = str(retry_after)
            return response
        return super().get(request, *args, **kwargs)

    def seconds_until_allowed(self):
        """0 while this address may search; else how long until its window starts again.

        Only searches that reach this view count: the page cache answers repeated ones first.
        A fixed window per address in the cache (shared by every worker with Redis).
        """
        limit = settings.SEARCH_RATE_LIMIT
        if not limit:
            return 0
        now = time.time()
        window = int(now // self.rate_window)
        key = f"search-rate:{client_ip(self.request)}:{window}"
        try:
            cache.add(key, 0, timeout=self.rate_window + 1)
            searches = cache.incr(key)
        except ValueError:  # expired between add and incr: a new window
            return 0
        except Exception:  # noqa: BLE001 - the site outlives its cache: search unlimited
            logger.warning("Search rate limit not applied: the cache is unreachable.")
            return 0
        if searches <= limit:
            return 0
        return max(1, math.ceil((window + 1) * self.rate_window - now))

    def get_queryset(self):
        self.error = ""
        try:
            self.query = clean_query(self.request.GET.get("q", ""))
        except QueryTooLong as too_long:
            self.query = too_long.args[0]  # shown back in the form, not searched
            self.error = _("That search is too long. Try a few words.")
        if not self.query or self.error:
            return Article.objects.none()
        return search_articles(Article.objects.published().as_search_results(), self.query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(query=self.query, error=self.error, **kwargs)
        context["results"] = [
            (article, snippet(article, self.query)) for article in context["articles"]
        ]
        return context


@require_safe
@x_robots_tag
def sitemap_index(request):
    """The sitemap index: one entry per sitemap (and per page of the articles sitemap)."""
    articles = Article.objects.published().aggregate(total=Count("pk"), latest=Max("updated_at"))
    pages = max(1, math.ceil(articles["total"] / SITEMAPS["articles"].limit))
    entries = []
    for name in SITEMAPS:
        url = f"{settings.SITE_URL}{reverse('reader:sitemap-section', args=[name])}"
        lastmod = articles["latest"] if name in ("articles", "news") else None
        entries.append({"location": url, "lastmod": lastmod})
        if name == "articles":
            for page in range(2, pages + 1):
                entries.append({"location": f"{url}?p={page}", "lastmod": lastmod})
    return TemplateResponse(
        request, "reader/sitemaps/index.xml", {"sitemaps": entries}, content_type="application/xml"
    )


@require_safe
def sitemap_section(request, section):
    if section not in SITEMAPS:
        raise Http404("No such sitemap.")
    template = "reader/sitemaps/news.xml" if section == "news" else "reader/sitemaps/urlset.xml"
    return django_sitemap(request, SITEMAPS, section=section, template_name=template)


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", ""]
    lines.append(f"Sitemap: {settings.SITE_URL}{reverse('reader:sitemap-index')}")
    for name in SITEMAPS:
        lines.append(
            f"Sitemap: {settings.SITE_URL}{reverse('reader:sitemap-section', args=[name])}"
        )
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


class PreviewMixin:
    """An article as it will look once published, drafts included: never cached, never indexed."""

    template_name = "reader/article_preview.html"
    context_object_name = "article"

    @method_decorator(never_cache)
    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def get_context_data(self, **kwargs):
        terms = self.object.republication_terms(site_furniture(self.request)["publisher"])
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


class ArrangementPreviewMixin:
    """An arrangement as readers will see it once live, drafts and scheduled ones included:
    for staff who may see arrangements; never cached, never indexed."""

    @method_decorator(never_cache)
    @method_decorator(staff_member_required)
    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("curation.view_arrangement"):
            raise PermissionDenied
        self.arrangement = get_object_or_404(
            Arrangement.objects.select_related("section"), pk=kwargs["pk"]
        )
        if self.arrangement.section is not None:
            kwargs["slug"] = self.kwargs["slug"] = self.arrangement.section.slug
        response = super().dispatch(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(arrangement_preview=self.arrangement, **kwargs)


class FrontPagePreviewView(ArrangementPreviewMixin, FrontPageView):
    pass


class SectionPreviewView(ArrangementPreviewMixin, SectionView):
    pass


def arrangement_preview(request, pk):
    """The front page's or a section's preview, whichever page the arrangement is for."""
    section_id = Arrangement.objects.filter(pk=pk).values_list("section_id", flat=True).first()
    view = SectionPreviewView if section_id else FrontPagePreviewView
    return view.as_view()(request, pk=pk)


class CorrectionsView(ListView):
    """Recent corrections, clarifications and updates, on published articles only."""

    template_name = "reader/corrections.html"
    context_object_name = "corrections"

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        return (
            Correction.objects.filter(article__in=Article.objects.published())
            .select_related("article")
            .order_by("-created_at", "-pk")
        )


@require_safe
def article_corrections(request, pk):
    """The short address partners' copies link to: the story's corrections wherever it now is.

    Named by id, which never changes, so copies pasted years ago still lead to the corrections
    after a change of slug; a withdrawn story answers with its withdrawal notice.
    """
    article = Article.objects.published().filter(pk=pk).only("slug").first()
    if article is not None:
        return HttpResponseRedirect(f"{article.get_absolute_url()}#corrections")
    withdrawn = Article.objects.gone().filter(pk=pk).first()
    if withdrawn is not None:
        return gone_page(request, withdrawn)
    raise Http404("No such story.")
