"""The partner's copy of a story (HTML and plain text), obeying the terms in force for it.

It carries the logo, bylines with affiliations, the link back and the counting pixel, and leaves
out any photo our rights do not let partners reuse (body_for_partners decides, for every surface).
"""

import re
from dataclasses import dataclass
from datetime import datetime
from html import unescape
from typing import Any
from urllib.parse import urljoin

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.translation import gettext as _

from articles.models import Article, ImageCredit, Publisher, RepublicationTerms
from articles.sanitize import INLINE_EMBED, INLINE_PHOTO, sanitize_html
from live.models import LiveCoverage, LiveEntry, coverage_of
from newsroom.lib.text import html_to_text
from newsroom.lib.urls import absolute_url, reverse_fixed

# Sanitised HTML always has double-quoted attributes (see sanitize.py), so tags that carry a URL
# (links, and the cite of quotations) can be matched exactly even when a value contains ">".
TAG_WITH_URL = re.compile(r'<(?:a|blockquote|q)(?:\s+[\w:-]+="[^"]*")*\s*>')
URL_ATTRIBUTE = re.compile(r'(\s(?:href|cite)=")([^"]*)(")')


def absolutize_links(html: str, base_url: str) -> str:
    """Every link in sanitised story HTML made absolute, so it still works on a partner's site."""

    def absolute_attribute(match: re.Match[str]) -> str:
        absolute = urljoin(base_url, unescape(match.group(2)))
        return match.group(1) + escape(absolute) + match.group(3)

    def absolute_tag(match: re.Match[str]) -> str:
        return URL_ATTRIBUTE.sub(absolute_attribute, match.group(0))

    return TAG_WITH_URL.sub(absolute_tag, html)


def pixel_url(article: Article) -> str:
    # Named by id, the one thing about an article that never changes: copies live for years.
    return absolute_url(reverse("republication:republication-pixel", args=[article.pk]))


@dataclass(frozen=True)
class PartnerBody:
    """A story's body and photos as partners may have them."""

    # The sanitised body with links made absolute, the inline photos partners may reuse as plain
    # figures, the others gone, and embeds as links to the provider.
    html: str
    # The lead photo if partners may reuse it (and it has a public file).
    lead_photo: ImageCredit | None
    # Every photo partners get, the lead photo first, then those of the body in order.
    photos: list[ImageCredit]
    # How many photos were left out because partners may not reuse them: the lead photo's (0 or
    # 1) and the body's.
    lead_omitted: int
    inline_omitted: int

    @property
    def omitted(self) -> int:
        return self.lead_omitted + self.inline_omitted


def body_for_partners(article: Article) -> PartnerBody:
    """The one place that decides which of a story's photos partners get: copy, ninjs, feeds.

    Reads the body's photos with one query at most (Article.inline_photos_by_id); a live story
    also carries its newest entries, with their photos under the same rule.
    """
    canonical_url = absolute_url(article.get_absolute_url())
    photos_by_id = article.inline_photos_by_id
    lead = article.lead_photo
    kept: list[ImageCredit] = []
    lead_omitted = inline_omitted = 0
    if lead is not None:
        if lead.may_republish and lead.public_rendition:
            kept.append(lead)
        elif not lead.may_republish:
            lead_omitted = 1

    def inline_photo(match: re.Match[str]) -> str:
        nonlocal inline_omitted
        photo = photos_by_id.get(int(match.group(1)))
        if photo is None or not photo.public_rendition:
            return ""
        if not photo.may_republish:
            inline_omitted += 1
            return ""
        kept.append(photo)
        return render_to_string(
            "republication/inline_photo.html",
            {
                "photo": photo,
                "rendition": photo.public_rendition,
                "url": absolute_url(photo.public_url),
            },
        )

    def embed(match: re.Match[str]) -> str:
        url = unescape(match.group(1))
        return format_html('<p><a href="{}">{}</a></p>', url, url)

    # Sanitised again on the way out: even a row changed around the model's save leaves clean.
    html = INLINE_PHOTO.sub(inline_photo, sanitize_html(article.body))
    html = INLINE_EMBED.sub(embed, html)
    coverage = coverage_of(article)
    if coverage is not None:
        entries_html, entries_omitted = live_entries_for_partners(coverage, kept)
        html += entries_html
        inline_omitted += entries_omitted
    return PartnerBody(
        html=absolutize_links(html, canonical_url),
        lead_photo=lead if lead in kept else None,
        photos=list(dict.fromkeys(kept)),
        lead_omitted=lead_omitted,
        inline_omitted=inline_omitted,
    )


# A live story's copy carries its newest entries; the older ones are on the original page.
PARTNER_ENTRIES = 50


def live_entries_for_partners(coverage: LiveCoverage, kept: list[ImageCredit]) -> tuple[str, int]:
    """A live story's newest public entries as partners may have them, and how many of their
    photos were left out: each photo only if partners may reuse it (added to ``kept``)."""
    entries = list(
        LiveEntry.objects.public()
        .filter(coverage=coverage)
        .for_display()
        .newest_first()[: PARTNER_ENTRIES + 1]
    )
    if not entries:
        return "", 0
    omitted = 0
    items = []
    for entry in entries[:PARTNER_ENTRIES]:
        photo = entry.photo
        figure = None
        if photo is not None and photo.public_rendition:
            if photo.may_republish:
                kept.append(photo)
                figure = {
                    "photo": photo,
                    "rendition": photo.public_rendition,
                    "url": absolute_url(photo.public_url),
                }
            else:
                omitted += 1
        items.append({"entry": entry, "text": sanitize_html(entry.text), "figure": figure})
    html = render_to_string(
        "republication/live_entries.html",
        {
            "coverage": coverage,
            "items": items,
            "more": len(entries) > PARTNER_ENTRIES,
            "canonical_url": absolute_url(coverage.get_absolute_url()),
        },
    )
    return "\n" + html.strip(), omitted


@dataclass(frozen=True)
class PartnerRights:
    """What partners (and anything they could copy from, such as the feeds) may have of a story."""

    terms: RepublicationTerms
    body: PartnerBody

    @property
    def photos(self) -> list[ImageCredit]:
        """The photos partners may reuse, the lead photo first."""
        return self.body.photos

    @property
    def photos_omitted(self) -> int:
        return self.body.omitted

    @property
    def full_text(self) -> bool:
        """Whether the whole story may be handed out, or only its summary and a link."""
        return bool(self.terms.republishable)

    @property
    def licence_url(self) -> str:
        # Custom terms, and "not for republication", have no licence deed: our terms page says.
        return self.terms.licence_url or absolute_url(reverse_fixed("republication:terms"))


def partner_rights(article: Article, publisher: Publisher) -> PartnerRights:
    """The one decision on what of a story may leave the site for partners: copy, ninjs, feeds."""
    return PartnerRights(article.republication_terms(publisher), body_for_partners(article))


def corrections_url(article: Article) -> str:
    """A short address for the story's corrections that survives any change of slug."""
    return absolute_url(reverse("reader:article-corrections", args=[article.pk]))


def series_url(article: Article) -> str:
    """The address of the story's series page, or "" outside a series."""
    series = article.series
    return absolute_url(series.get_absolute_url()) if series is not None else ""


def republication_context(
    article: Article,
    publisher: Publisher,
    terms: RepublicationTerms,
    embargo_until: datetime | None = None,
) -> dict[str, Any]:
    """Everything the partner's copy and the notes beside it need.

    A story shared under embargo while still in review has no publication time yet: its copy is
    dated by the embargo.
    """
    canonical_url = absolute_url(article.get_absolute_url())
    partner_body = body_for_partners(article)
    lead = partner_body.lead_photo
    published = article.publish_at or embargo_until or timezone.now()
    context: dict[str, Any] = {
        "article": article,
        "publisher": publisher,
        "terms": terms,
        "canonical_url": canonical_url,
        # HTML's <time> allows at most three digits of fractional seconds: give it none.
        "published_iso": timezone.localtime(published).isoformat(timespec="seconds"),
        "published": published,
        "corrections_url": corrections_url(article),
        "series": article.series,
        "series_url": series_url(article),
        "logo_url": absolute_url(publisher.logo.url) if publisher.logo else "",
        "body": partner_body.html,
        "photos": [
            {
                "photo": lead,
                "rendition": lead.public_rendition,
                "url": absolute_url(lead.public_url),
            }
        ]
        if lead
        else [],
        "photos_omitted": partner_body.omitted,
        "pixel_url": pixel_url(article),
        # Custom terms have no licence deed: the copy links to our terms page instead.
        "licence_url": terms.licence_url or absolute_url(reverse_fixed("republication:terms")),
        "canonical_link_tag": f'<link rel="canonical" href="{escape(canonical_url)}">',
        "licence_label": terms.licence_label if terms.licence_url else _("our republication terms"),
        "bylines": list(article.bylines.all()),
    }
    context["snippet_html"] = render_to_string(
        "republication/republish_snippet.html", context
    ).strip()
    context["snippet_text"] = render_to_string(
        "republication/republish_snippet.txt",
        context | {"body_text": html_to_text(context["body"])},
    ).strip()
    return context
