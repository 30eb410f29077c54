"""Sitemaps for search engines and Google News. Only published stories, and only the sections,
authors, tags and series that have one, are listed; addresses are built from SITE_URL."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Author, Section, Series

NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000


class SiteUrlSitemap(Sitemap):
    """Addresses on SITE_URL, whatever host the request came in on."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class ArticleSitemap(SiteUrlSitemap):
    def items(self):
        return Article.objects.published().only("slug", "updated_at").order_by("-publish_at")

    def lastmod(self, article):
        return article.updated_at


class NewsSitemap(SiteUrlSitemap):
    """Google News: stories from the last two days, at most 1,000, newest first."""

    limit = NEWS_LIMIT

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        return (
            Article.objects.published()
            .filter(publish_at__gte=since)
            .only("slug", "headline", "publish_at", "updated_at")
            .order_by("-publish_at")[:NEWS_LIMIT]
        )

    def lastmod(self, article):
        return article.updated_at


class SectionSitemap(SiteUrlSitemap):
    def items(self):
        return (
            # Filtering before annotating keeps the latest date to published stories only.
            Section.objects.filter(articles__in=Article.objects.published())
            .annotate(latest=Max("articles__updated_at"))
            .order_by("order", "name")
        )

    def lastmod(self, section):
        return section.latest


class AuthorSitemap(SiteUrlSitemap):
    def items(self):
        return (
            Author.objects.filter(articles__in=Article.objects.published())
            .annotate(latest=Max("articles__updated_at"))
            .order_by("name")
        )

    def lastmod(self, author):
        return author.latest


class TagSitemap(SiteUrlSitemap):
    def items(self):
        return Article.objects.published().tags().order_by("name")

    def location(self, tag):
        return reverse("reader:tag", args=[tag.slug])


class SeriesSitemap(SiteUrlSitemap):
    def items(self):
        return (
            Series.objects.filter(parts__article__in=Article.objects.published())
            .annotate(latest=Max("parts__article__updated_at"))
            .order_by("name")
        )

    def lastmod(self, series):
        return series.latest


SITEMAPS = {
    "articles": ArticleSitemap,
    "news": NewsSitemap,
    "sections": SectionSitemap,
    "authors": AuthorSitemap,
    "tags": TagSitemap,
    "series": SeriesSitemap,
}
