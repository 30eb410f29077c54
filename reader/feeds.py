"""RSS 2.0, Atom and JSON Feed 1.1 for the whole site and for each section, author and tag.

Every feed lists Article.objects.published() only. Items carry the full sanitised body, every
author, the section and tags as categories, and the lead photo as an enclosure with its credit.
Feeds are read by partners' systems too, so the body and photos are those partners may have
(republication.copy.body_for_partners): a photo in the body they may not reuse is left out, with
a note.
Guids are tag URIs made from the article's id and creation date, so they survive a change of
headline or slug and aggregators never show an updated story twice.
"""

from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.files.storage import default_storage
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from taggit.models import Tag

from articles.models import Article, Author, Publisher, Section
from newsroom.lib.urls import absolute_url
from reader.furniture import site_furniture
from reader.structured_data import iso_datetime
from republication.copy import body_for_partners

FEED_LENGTH = 30
MEDIA_NS = "http://search.yahoo.com/mrss/"
DC_NS = "http://purl.org/dc/elements/1.1/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"


def article_guid(article):
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"tag:{host},{article.created_at:%Y-%m-%d}:article:{article.pk}"


def feed_articles(queryset=None):
    queryset = Article.objects.published() if queryset is None else queryset
    return queryset.with_listing_related().prefetch_related("tags", "inline_photos")[:FEED_LENGTH]


def partner_body(article):
    """The article's body and photos as partners may have them, worked out once per item."""
    if not hasattr(article, "_partner_body"):
        article._partner_body = body_for_partners(article)
    return article._partner_body


def feed_content(article):
    """The item's HTML: the partners' body, and a note when photos of the body were left out."""
    body = partner_body(article)
    if not body.inline_omitted:
        return body.html
    note = ngettext(
        "A photo with this story may not be republished for rights reasons and has been left "
        "out; see it in the original article.",
        "%(count)d photos with this story may not be republished for rights reasons and have "
        "been left out; see them in the original article.",
        body.inline_omitted,
    ) % {"count": body.inline_omitted}
    return body.html + format_html("\n<p><em>{}</em></p>", note)


def categories(article):
    """The section, then the tags: what feed readers file a story under."""
    section = [article.section.name] if article.section else []
    return section + [tag.name for tag in article.tags.all()]


def photo_size(photo):
    """Bytes of the photo's public JPEG, for an enclosure's length (0 if storage cannot say)."""
    try:
        return default_storage.size(photo.public_rendition["name"])
    except (OSError, NotImplementedError):
        return 0


class RssWithContent(Rss201rev2Feed):
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
        handler.addQuickElement("content:encoded", item["content"])
        _add_media_credit(handler, item)


class AtomWithContent(Atom1Feed):
    """Atom with the full body as <content> and one <author> per byline."""

    def root_attributes(self):
        return super().root_attributes() | {"xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.endElement("author")
        handler.addQuickElement("content", item["content"], {"type": "html"})
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
        listing = get_object_or_404(self.listing_model, slug=slug)
        return replace(source, listing=listing, listing_url=self.listing_url(listing))

    def listing_url(self, listing):
        return listing.get_absolute_url()

    def filter_articles(self, published, listing):
        return published

    def items(self, source):
        return feed_articles(self.filter_articles(Article.objects.published(), source.listing))

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
        return absolute_url(item.get_absolute_url())

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        return item.dek or item.headline

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.last_updated or item.publish_at

    def item_guid(self, item):
        return article_guid(item)

    item_guid_is_permalink = False

    def item_author_name(self, item):
        # Every author is written by the feed classes above; this one field stays empty so the
        # first author is not named twice.
        return None

    def item_categories(self, item):
        return categories(item)

    def item_enclosures(self, item):
        photo = item.lead_photo
        if not photo or not photo.public_rendition:
            return []
        return [Enclosure(absolute_url(photo.public_url), str(photo_size(photo)), "image/jpeg")]

    def item_extra_kwargs(self, item):
        photo = item.lead_photo
        return {
            "content": feed_content(item),
            "authors": [byline.author.name for byline in item.bylines.all()],
            "photo": {
                "url": absolute_url(photo.public_url),
                "type": "image/jpeg",
                "credit": photo.credit_line,
                "caption": photo.caption,
            }
            if photo and photo.public_rendition
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
    listing_model = Tag

    def listing_url(self, tag):
        return reverse("reader:tag", args=[tag.slug])

    def filter_articles(self, published, tag):
        return published.filter(tags=tag)


class AtomArticleFeed(ArticleFeed):
    feed_type = AtomWithContent


class AtomSectionFeed(SectionFeed):
    feed_type = AtomWithContent


class AtomAuthorFeed(AuthorFeed):
    feed_type = AtomWithContent


class AtomTagFeed(TagFeed):
    feed_type = AtomWithContent


def json_feed(request):
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) of the whole site."""
    publisher = site_furniture(request)["publisher"]
    items = []
    for article in feed_articles():
        item = {
            "id": article_guid(article),
            "url": absolute_url(article.get_absolute_url()),
            "title": article.headline,
            "content_html": feed_content(article),
            "date_published": iso_datetime(article.publish_at),
            "date_modified": iso_datetime(article.last_updated or article.publish_at),
            "authors": [
                {"name": b.author.name, "url": absolute_url(b.author.get_absolute_url())}
                for b in article.bylines.all()
            ],
            "tags": categories(article),
        }
        if article.dek:
            item["summary"] = article.dek
        if article.lead_photo and article.lead_photo.public_url:
            item["image"] = absolute_url(article.lead_photo.public_url)
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
        feed,
        content_type="application/feed+json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False},
    )
