"""What machines read about a story or the newsroom: schema.org JSON-LD and Open Graph."""

import json
from contextlib import suppress

from django.conf import settings
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from live.models import coverage_of
from newsroom.lib.text import html_to_text
from newsroom.lib.urls import absolute_url
from reader.live import POLL_ENTRIES, public_entries

# The characters that could end a <script> block or open a comment inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def iso_datetime(moment):
    """ISO 8601 in the newsroom's time zone, to the second, with its offset."""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def json_ld_script(data):
    """A <script type="application/ld+json"> block; never executed, so strict CSP allows it."""
    payload = json.dumps(data, ensure_ascii=False, sort_keys=False).translate(_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308


def schema_images(photo):
    """The versions of a photo offered to machines: [{"ratio", "url", "width", "height"}].

    The one place structured data and social cards take images from. Google asks for 16:9, 4:3
    and 1:1 versions of at least 50,000 pixels each: photo renditions (photo.crops()) provide
    them; a photo without crops offers its largest public rendition.
    """
    if photo is None:
        return []
    try:
        versions = photo.crops()
        rendition = photo.public_rendition
    except OSError:  # the media storage is failing: the page goes out without its images
        return []
    if not versions and rendition:
        versions = [
            {"ratio": "original"} | {key: rendition[key] for key in ("url", "width", "height")}
        ]
    return [version | {"url": absolute_url(version["url"])} for version in versions]


def _image_objects(photo):
    creator = photo.photographer or photo.agency
    credit = photo.credit_line
    objects = []
    for version in schema_images(photo):
        image = {
            "@type": "ImageObject",
            "url": version["url"],
            "contentUrl": version["url"],
            "width": version["width"],
            "height": version["height"],
        }
        if photo.caption:
            image["caption"] = photo.caption
        if credit:
            image["creditText"] = credit
        if creator:
            image["creator"] = {
                "@type": "Person" if photo.photographer else "Organization",
                "name": creator,
            }
        if photo.copyright_notice:
            image["copyrightNotice"] = photo.copyright_notice
        objects.append(image)
    return objects


def organization(publisher):
    data = {
        "@type": "Organization",
        "name": publisher.name,
        "url": f"{settings.SITE_URL}/",
    }
    if publisher.logo:
        with suppress(OSError):  # a failing media storage costs the logo, not the page
            data["logo"] = {"@type": "ImageObject", "url": absolute_url(publisher.logo.url)}
    return data


def organization_json_ld(publisher):
    return json_ld_script({"@context": "https://schema.org", **organization(publisher)})


def author_profile(author, publisher):
    """schema.org ProfilePage for an author's page: who they are and where else to find them."""
    person = {
        "@type": "Person",
        "name": author.name,
        "url": absolute_url(author.get_absolute_url()),
        "worksFor": {"@type": "Organization", "name": author.affiliation_or(publisher.name)},
    }
    if author.job_title:
        person["jobTitle"] = author.job_title
    if author.bio:
        person["description"] = author.bio
    if author.photo:
        with suppress(OSError):
            person["image"] = absolute_url(author.photo.url)
    if author.social_url:
        person["sameAs"] = [author.social_url]
    return {"@context": "https://schema.org", "@type": "ProfilePage", "mainEntity": person}


def news_article(article, publisher):
    """schema.org NewsArticle (LiveBlogPosting for a live story) for one published story
    (bylines, section, tags prefetched)."""
    url = absolute_url(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.search_headline,
        "datePublished": iso_datetime(article.publish_at),
        "dateModified": iso_datetime(article.last_updated or article.publish_at),
        "author": [
            {
                "@type": "Person",
                "name": byline.author.name,
                "url": absolute_url(byline.author.get_absolute_url()),
            }
            for byline in article.bylines.all()
        ],
        "publisher": organization(publisher),
        "inLanguage": settings.LANGUAGE_CODE,
    }
    if article.search_description:
        data["description"] = article.search_description
    if article.section:
        data["articleSection"] = article.section.name
    keywords = [tag.name for tag in article.tags.all()]
    if keywords:
        data["keywords"] = keywords
    series = article.series
    if series is not None:
        data["isPartOf"] = {
            "@type": "CreativeWorkSeries",
            "name": series.name,
            "url": absolute_url(series.get_absolute_url()),
        }
    images = _image_objects(article.share_photo) if article.share_photo else []
    # Photos of the body only where partners may reuse them: machines pass images on.
    for photo in article.inline_photos_by_id.values():
        if photo.may_republish and photo.renditions_ready:
            images.extend(_image_objects(photo))
    if images:
        data["image"] = images
    coverage = coverage_of(article)
    if coverage is not None:
        data.update(live_blog(coverage))
    return data


def live_blog(coverage):
    """What makes a live story's NewsArticle a LiveBlogPosting: its coverage times and its
    newest public entries, each a BlogPosting (photos are the story's, above)."""
    data = {
        "@type": "LiveBlogPosting",
        "coverageStartTime": iso_datetime(coverage.started_at),
    }
    if coverage.ended_at:
        data["coverageEndTime"] = iso_datetime(coverage.ended_at)
    url = absolute_url(coverage.get_absolute_url())
    updates = []
    for entry in public_entries(coverage)[:POLL_ENTRIES]:
        text = html_to_text(entry.text)
        update = {
            "@type": "BlogPosting",
            "headline": Truncator(text).chars(110) or coverage.article.headline,
            "url": f"{url}#{entry.anchor}",
            "datePublished": iso_datetime(entry.published_at),
            "dateModified": iso_datetime(max(entry.updated_at, entry.published_at)),
            "articleBody": text,
        }
        if entry.author:
            update["author"] = {
                "@type": "Person",
                "name": entry.author.name,
                "url": absolute_url(entry.author.get_absolute_url()),
            }
        updates.append(update)
    data["liveBlogUpdate"] = updates
    return data


def news_article_json_ld(article, publisher):
    return json_ld_script(news_article(article, publisher))
