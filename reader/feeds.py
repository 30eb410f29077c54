"""RSS 2.0, Atom and JSON Feed 1.1 for the whole site and each section, author, tag and series.

Every feed lists Article.objects.published() only. Anyone may copy from a feed, so it hands out
no more than a partner's copy does (republication.copy.partner_rights, built on
body_for_partners): the full sanitised body only of stories that may be republished (the others:
their summary and link, enough to read), with any photo of the body partners may not reuse left
out with a note, the lead photo only if partners may reuse it, and each item's licence. Every
item carries every author, and the section and tags as categories.
Guids are tag URIs made from the article's id and creation date, so they survive a change of
headline or slug and aggregators never show an updated story twice.
"""

import io
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.syndication.views import Feed
from django.core.files.storage import default_storage
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape, format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from taggit.models import Tag, TaggedItem

from articles.models import Article, Author, Byline, Publisher, Section, Series
from newsroom.lib.text import clean_text
from newsroom.lib.urls import absolute_url, reverse_slug
from reader.furniture import site_furniture
from reader.structured_data import iso_datetime
from republication.copy import partner_rights

FEED_LENGTH = 30
MEDIA_NS = "http://search.yahoo.com/mrss/"
DC_NS = "http://purl.org/dc/elements/1.1/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"


def article_guid(article):
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"tag:{host},{article.created_at:%Y-%m-%d}:article:{article.pk}"


def feed_articles(publisher, queryset=None):
    """The newest published stories, each with what partners may have of it (``.rights``) and
    what its feed entry shows (``.entry``), worked out once per story."""
    queryset = Article.objects.published() if queryset is None else queryset
    # A live story carries its entries (republication/copy.py).
    articles = list(queryset.select_related("section", "lead_photo", "live")[:FEED_LENGTH])
    # The bylines' authors, the tags and the body's photos are read below, one query each: each
    # story's managers, prefetched, would cost a queryset built per story.
    Article.read_inline_photos(articles)
    authors = byline_authors(articles)
    names = tag_names(articles)
    for article in articles:
        article.rights = partner_rights(article, publisher)
        article.entry = FeedEntry.of(
            article, authors.get(article.pk, []), names.get(article.pk, [])
        )
    return articles


def tag_names(articles):
    """{article pk: its tags' names} in one query, in the order of the story page (the tags'
    ids), without building a tags query for every story as taggit's prefetch does."""
    rows = (
        TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Article),
            object_id__in=[article.pk for article in articles],
        )
        .order_by("tag_id")
        .values_list("object_id", "tag__name")
    )
    names = {}
    for article_pk, name in rows:
        names.setdefault(article_pk, []).append(name)
    return names


def byline_authors(articles):
    """{article pk: [(name, slug) of each author, in byline order]} in one query."""
    rows = (
        Byline.objects.filter(article__in=articles)
        .order_by("position", "pk")
        .values_list("article_id", "author__name", "author__slug")
    )
    authors = {}
    for article_pk, name, slug in rows:
        authors.setdefault(article_pk, []).append((name, slug))
    return authors


@dataclass(frozen=True)
class FeedEntry:
    """What every feed format shows of one story, worked out once (the syndication framework
    asks for some of it more than once per item)."""

    link: str
    categories: list
    authors: list  # (name, slug) of each
    photo: object  # the lead photo partners may reuse (feed_photo), or None
    photo_url: str
    content: str
    licence: str
    licence_url: str

    @classmethod
    def of(cls, article, authors, tag_names):
        photo = feed_photo(article)
        licence_url = article.rights.licence_url
        return cls(
            link=absolute_url(article.get_absolute_url()),
            categories=([article.section.name] if article.section else []) + tag_names,
            authors=authors,
            photo=photo,
            photo_url=absolute_url(photo.public_url) if photo else "",
            content=feed_content(article),
            licence=f"{article.rights.terms.licence_label}: {licence_url}",
            licence_url=licence_url,
        )


def feed_photo(article):
    """The lead photo, if partners may reuse it and it has a public rendition; else None."""
    photo = article.lead_photo
    if photo in article.rights.photos and photo.public_rendition:
        return photo
    return None


def feed_content(article):
    """The item's HTML: the partners' body (only of stories that may be republished), with a
    note when photos of the body were left out."""
    if not article.rights.full_text:
        return ""
    body = article.rights.body
    html = body.html
    if not body.inline_omitted:
        return html
    note = ngettext(
        "A photo with this story may not be republished for rights reasons and has been left "
        "out; see it in the original article.",
        "%(count)d photos with this story may not be republished for rights reasons and have "
        "been left out; see them in the original article.",
        body.inline_omitted,
    ) % {"count": body.inline_omitted}
    return html + format_html("\n<p><em>{}</em></p>", note)


def whole_seconds(moment):
    """Feed dates to the second, as every other machine-readable date on the site."""
    return moment.replace(microsecond=0) if moment else moment


def photo_size(photo):
    """Bytes of the photo's public JPEG, for an enclosure's length (0 if storage cannot say)."""
    try:
        return default_storage.size(photo.public_rendition["name"])
    except (OSError, NotImplementedError):
        return 0


def xml_safe(value):
    """`value` (a string, or a list, tuple or dict of them) without the characters XML 1.0
    cannot carry. Stored text is cleaned on save already; this keeps a feed whole whatever
    reaches it (rows written before, or around, the model's cleaning)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list | tuple):
        return type(value)(xml_safe(part) for part in value)
    if isinstance(value, dict):
        return {key: xml_safe(part) for key, part in value.items()}
    return value


class XmlSafeFeed:
    """A feed generator that writes only characters XML allows (Django's raises on others).

    The XML is written to a string and handed to the response once: written straight to the
    response, each of its thousands of pieces would be encoded and appended on its own.
    """

    def write(self, outfile, encoding):
        self.feed = xml_safe(self.feed)
        self.items = [xml_safe(item) for item in self.items]
        text = io.StringIO()
        super().write(text, encoding)
        outfile.write(text.getvalue())


class RssWithContent(XmlSafeFeed, Rss201rev2Feed):
    """RSS 2.0 with the full body (content:encoded), every author (dc:creator) and photo credit."""

    def rss_attributes(self):
        return super().rss_attributes() | {
            "xmlns:content": CONTENT_NS,
            "xmlns:dc": DC_NS,
            "xmlns:media": MEDIA_NS,
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item["authors"]:
            handler.addQuickElement("dc:creator", name)
        if item["content"]:
            handler.addQuickElement("content:encoded", item["content"])
        handler.addQuickElement("dc:rights", item["licence"])
        _add_media_credit(handler, item)


class AtomWithContent(XmlSafeFeed, Atom1Feed):
    """Atom with the full body as <content> and one <author> per byline."""

    def root_attributes(self):
        return super().root_attributes() | {"xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.endElement("author")
        if item["content"]:
            handler.addQuickElement("content", item["content"], {"type": "html"})
        handler.addQuickElement("link", "", {"rel": "license", "href": item["licence_url"]})
        handler.addQuickElement("rights", item["licence"])
        _add_media_credit(handler, item)


def _add_media_credit(handler, item):
    photo = item["photo"]
    if not photo:
        return
    handler.startElement(
        "media:content",
        {"url": photo["url"], "medium": "image", "type": photo["type"]},
    )
    if photo["credit"]:
        handler.addQuickElement("media:credit", photo["credit"])
    if photo["caption"]:
        handler.addQuickElement("media:description", photo["caption"])
    handler.endElement("media:content")


@dataclass(frozen=True)
class FeedSource:
    """What one request's feed is about. Feed views are shared between requests (and threads),
    so everything request-specific travels in this object, never on the view."""

    publisher: Publisher
    path: str
    listing: object = None  # a Section, Author or Tag; None for the whole site
    listing_url: str = ""


class ArticleFeed(Feed):
    """The whole site's latest published stories."""

    feed_type = RssWithContent
    listing_model = None

    def get_object(self, request, slug=None):
        source = FeedSource(site_furniture(request)["publisher"], request.path)
        if self.listing_model is None:
            return source
        listing = get_object_or_404(self.listings(), slug=slug)
        return replace(source, listing=listing, listing_url=self.listing_url(listing))

    def listings(self):
        return self.listing_model._default_manager.all()

    def listing_url(self, listing):
        return listing.get_absolute_url()

    def filter_articles(self, published, listing):
        return published

    def items(self, source):
        published = self.filter_articles(Article.objects.published(), source.listing)
        return feed_articles(source.publisher, published)

    def title(self, source):
        if source.listing is None:
            return source.publisher.name
        return f"{source.listing} — {source.publisher.name}"

    def link(self, source):
        return absolute_url(source.listing_url or reverse("reader:front-page"))

    def feed_url(self, source):
        return absolute_url(source.path)

    def description(self, source):
        return _("The latest stories from %(name)s.") % {"name": self.title(source)}

    def subtitle(self, source):  # Atom's name for the description
        return self.description(source)

    def author_name(self, source):
        # Atom needs an author for every entry; the newsroom stands in for a story without byline.
        return source.publisher.name

    def feed_copyright(self, source):
        return f"© {source.publisher.name}"

    def item_link(self, item):
        return item.entry.link

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        # RSS <description> and Atom <summary type="html"> are HTML; the dek is plain text.
        return escape(item.dek or item.headline)

    def item_pubdate(self, item):
        return whole_seconds(item.publish_at)

    def item_updateddate(self, item):
        return whole_seconds(item.last_updated or item.publish_at)

    def item_guid(self, item):
        return article_guid(item)

    item_guid_is_permalink = False

    def item_author_name(self, item):
        # Every author is written by the feed classes above; this one field stays empty so the
        # first author is not named twice.
        return None

    def item_categories(self, item):
        return item.entry.categories

    def item_enclosures(self, item):
        entry = item.entry
        if entry.photo is None:
            return []
        return [Enclosure(entry.photo_url, str(photo_size(entry.photo)), "image/jpeg")]

    def item_extra_kwargs(self, item):
        entry = item.entry
        photo = entry.photo
        return {
            # A story not for republication: its summary (the description) and link only.
            "content": entry.content,
            "licence": entry.licence,
            "licence_url": entry.licence_url,
            "authors": [name for name, _slug in entry.authors],
            "photo": {
                "url": entry.photo_url,
                "type": "image/jpeg",
                "credit": photo.credit_line,
                "caption": photo.caption,
            }
            if photo
            else None,
        }


class SectionFeed(ArticleFeed):
    listing_model = Section

    def filter_articles(self, published, section):
        return published.filter(section=section)


class AuthorFeed(ArticleFeed):
    listing_model = Author

    def filter_articles(self, published, author):
        return published.filter(authors=author)


class TagFeed(ArticleFeed):
    """As the tag's page: only while a published story carries the tag."""

    listing_model = Tag

    def listings(self):
        return Article.objects.published().tags()

    def listing_url(self, tag):
        return reverse("reader:tag", args=[tag.slug])

    def filter_articles(self, published, tag):
        return published.filter(tags=tag)


class SeriesFeed(ArticleFeed):
    """As the series' page: only while one of its stories is published."""

    listing_model = Series

    def listings(self):
        return Series.objects.public()

    def filter_articles(self, published, series):
        return published.filter(series_part__series=series)


class AtomArticleFeed(ArticleFeed):
    feed_type = AtomWithContent


class AtomSectionFeed(SectionFeed):
    feed_type = AtomWithContent


class AtomAuthorFeed(AuthorFeed):
    feed_type = AtomWithContent


class AtomTagFeed(TagFeed):
    feed_type = AtomWithContent


class AtomSeriesFeed(SeriesFeed):
    feed_type = AtomWithContent


def json_feed(request):
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) of the whole site."""
    publisher = site_furniture(request)["publisher"]
    items = []
    for article in feed_articles(publisher):
        rights, entry = article.rights, article.entry
        item = {
            "id": article_guid(article),
            "url": entry.link,
            "title": article.headline,
            "date_published": iso_datetime(article.publish_at),
            "date_modified": iso_datetime(article.last_updated or article.publish_at),
            "authors": [
                {"name": name, "url": absolute_url(reverse_slug("reader:author", slug))}
                for name, slug in entry.authors
            ],
            "tags": entry.categories,
            # JSON Feed's extensions start with an underscore.
            "_rights": {
                "licence": rights.terms.licence_label,
                "url": rights.licence_url,
                "full_text": rights.full_text,
            },
        }
        if rights.full_text:
            item["content_html"] = entry.content
        else:
            item["content_text"] = article.dek or article.headline
        if article.dek:
            item["summary"] = article.dek
        if entry.photo is not None:
            item["image"] = entry.photo_url
        items.append(item)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": publisher.name,
        "home_page_url": f"{settings.SITE_URL}/",
        "feed_url": absolute_url(reverse("reader:feed-json")),
        "language": settings.LANGUAGE_CODE,
        "items": items,
    }
    if publisher.logo:
        feed["icon"] = absolute_url(publisher.logo.url)
    return JsonResponse(
        xml_safe(feed),
        content_type="application/feed+json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False},
    )
