"""A published article as an IPTC ninjs 3.1 news item (https://iptc.org/standards/ninjs/)."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import ngettext

from articles.models import Article, Byline, ImageCredit, Publisher
from newsroom.lib.text import html_to_text
from newsroom.lib.urls import absolute_url
from republication.copy import corrections_url, partner_rights, series_url

NINJS_STANDARD = {
    "name": "ninjs",
    "version": "3.1",
    "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#",
}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _byline_statement(bylines: Iterable[Byline], publisher_name: str) -> str:
    statements = []
    for byline in bylines:
        affiliation = byline.author.affiliation_or(publisher_name)
        statements.append(f"{byline.role or 'By'} {byline.author.name}, {affiliation}")
    return "; ".join(statements)


def _photo_as_ninjs(photo: ImageCredit, name: str) -> dict[str, Any]:
    """A photo we may pass on, with its full credit and the agency's note to editors."""
    image_url = absolute_url(photo.public_url)
    item: dict[str, Any] = {
        "uri": image_url,
        "name": name,
        "rel": name,
        "type": "picture",
        "renditions": [
            {
                "name": f"jpeg-{width}",
                "href": absolute_url(url),
                "contentType": "image/jpeg",
                "width": width,
                "height": height,
            }
            for url, width, height in photo.sources("jpeg")
        ],
    }
    descriptions = []
    if photo.caption:
        descriptions.append(
            {"role": "caption", "contentType": "text/plain", "value": photo.caption}
        )
    if photo.alt_text:
        descriptions.append({"role": "alt", "contentType": "text/plain", "value": photo.alt_text})
    optional = {
        "descriptions": descriptions,
        "by": photo.photographer,
        # ninjs has no credit-line property; the agency's chain is who holds the rights.
        "copyrightHolder": photo.credit_line,
        "copyrightNotice": photo.copyright_notice,
        "edNote": photo.special_instructions,
        "altIds": [{"role": "agency-reference", "value": photo.reference_id}]
        if photo.reference_id
        else [],
    }
    item.update({key: value for key, value in optional.items() if value})
    return item


def article_as_ninjs(
    article: Article, publisher: Publisher, embargo_until: datetime | None = None
) -> dict[str, Any]:
    """The ninjs document for a published article; photos partners may not reuse are left out,
    and a story not for republication has no body. ``embargo_until``: shared ahead of its
    publication, it is "withheld" until then and says so."""
    rights = partner_rights(article, publisher)
    terms, photos = rights.terms, rights.photos
    canonical_url = absolute_url(article.get_absolute_url())
    bylines = list(article.bylines.all())
    partner_body = rights.body
    body_html = partner_body.html
    body_text = html_to_text(body_html)
    usage = [str(terms.plain_words)]
    if terms.text:
        usage.append(terms.text)
    if terms.required_labels and terms.republishable:
        usage.append(
            "Republished copies must include "
            + ", ".join(str(label) for label in terms.required_labels)
            + "."
        )
    if terms.contact_email:
        usage.append(f"Questions: {terms.contact_email}")
    document: dict[str, Any] = {
        "standard": NINJS_STANDARD,
        "uri": canonical_url,
        "type": "text",
        "representationType": "full" if rights.full_text else "partial",
        "profile": "text-photo" if photos else "text-only",
        "versionCreated": _iso(article.updated_at),
        "firstCreated": _iso(article.publish_at or embargo_until),
        # A story partners may not republish is "withheld" for their systems, though we show it.
        "pubStatus": "usable" if terms.republishable else "withheld",
        "language": settings.LANGUAGE_CODE,
        "headlines": [{"role": "main", "contentType": "text/plain", "value": article.headline}],
        "by": _byline_statement(bylines, publisher.name),
        "people": [
            {
                "name": byline.author.name,
                "rel": "author",
                "uri": absolute_url(byline.author.get_absolute_url()),
                "literal": byline.author.affiliation_or(publisher.name),
            }
            for byline in bylines
        ],
        "copyrightHolder": publisher.name,
        "usageTerms": " ".join(usage),
        "rightsInfo": {
            "linkedRights": terms.licence_url or absolute_url(reverse("republication:terms"))
        },
        "infoSources": [
            {"name": publisher.name, "role": "originfo", "uri": absolute_url("/")},
        ],
    }
    if rights.full_text:
        document["bodies"] = [
            {
                "role": "main",
                "contentType": "text/html",
                "value": body_html,
                "charCount": len(body_text),
                "wordCount": len(body_text.split()),
            },
            {"role": "main", "contentType": "text/plain", "value": body_text},
        ]
    if embargo_until is not None:
        document["pubStatus"] = "withheld"
        document["edNote"] = f"EMBARGOED: not to be published before {_iso(embargo_until)}."
    if article.dek:
        document["descriptions"] = [
            {"role": "summary", "contentType": "text/plain", "value": article.dek}
        ]
    if partner_body.omitted:
        omitted_note = ngettext(
            "A photo with this story may not be republished for rights reasons and has been "
            "left out.",
            "%(count)d photos with this story may not be republished for rights reasons and "
            "have been left out.",
            partner_body.omitted,
        ) % {"count": partner_body.omitted}
        document["edNote"] = " ".join(filter(None, [document.get("edNote"), omitted_note]))
    if article.dateline:
        document["located"] = article.dateline
    if article.section:
        document["subjects"] = [
            {
                "name": article.section.name,
                "rel": "section",
                "uri": absolute_url(article.section.get_absolute_url()),
            }
        ]
    tags = list(article.tags.all())
    if tags:
        document.setdefault("subjects", []).extend(
            {
                "name": tag.name,
                "rel": "tag",
                "uri": absolute_url(reverse("reader:tag", args=[tag.slug])),
            }
            for tag in tags
        )
    series = article.series
    if series is not None:
        document.setdefault("subjects", []).append(
            {"name": series.name, "rel": "series", "uri": series_url(article)}
        )
    if photos:
        document["associations"] = [
            _photo_as_ninjs(photo, "leadphoto" if photo == article.lead_photo else f"photo{n}")
            for n, photo in enumerate(photos, start=1)
        ]
    return document


def withdrawn_as_ninjs(article: Article, publisher: Publisher) -> dict[str, Any]:
    """A withdrawn story for partners' systems: its address, "canceled" and the reason, only."""
    withdrawal = article.withdrawal
    document: dict[str, Any] = {
        "standard": NINJS_STANDARD,
        # Its id-based address: the slug of a withdrawn story is not handed out again.
        "uri": corrections_url(article),
        "type": "text",
        "representationType": "partial",
        "pubStatus": "canceled",
        "copyrightHolder": publisher.name,
        "edNote": "Withdrawn. Please take down any copy of this story."
        + (f" {withdrawal.note}" if withdrawal and withdrawal.note else ""),
    }
    if withdrawal:
        document["versionCreated"] = _iso(withdrawal.created_at)
    return document
