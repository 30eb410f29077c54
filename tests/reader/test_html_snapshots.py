"""What readers get, byte for byte but for whitespace: the public pages against stored copies.

The pages are rendered from one fixed newsroom (fixed names, dates and photo) and compared with
the copies in tests/reader/snapshots/, runs of whitespace collapsed and the few parts that differ
between runs masked (row ids in rendition and pixel paths and feed ids, static files' content
hashes, the copyright year, a feed's build time). So a change made for speed (querysets, template
tags, caching) cannot change what a reader sees unnoticed. A change meant to alter a page
rewrites the copies with `pytest tests/reader/test_html_snapshots.py --update-snapshots`, and
the diff of the copies is reviewed with it.
"""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import F
from taggit.models import Tag

from articles.models import Article, Byline, Correction, ImageCredit
from photos.tasks import make_renditions
from tests.factories import jpeg_bytes, make_author, make_section
from tests.tasks import tasks_run_after

pytestmark = pytest.mark.django_db

SNAPSHOTS = Path(__file__).parent / "snapshots"

PAGES = {
    "front": "/",
    "article": "/articles/harbour-strike-enters-second-week/",
    "article-plain": "/articles/council-budget-vote/",
    "section": "/section/business/",
    "section-page-2": "/section/business/?page=2",
    "tag": "/tag/harbour/",
    "author": "/author/lena-holm/",
    "search": "/search/?q=harbour",
    "search-nothing": "/search/?q=zzzznothing",
    "corrections": "/corrections/",
    "feed-rss": "/feeds/rss/",
    "feed-atom": "/feeds/atom/",
    "feed-json": "/feeds/json/",
    "section-rss": "/section/business/rss/",
    "tag-atom": "/tag/harbour/atom/",
    "author-rss": "/author/lena-holm/rss/",
    "republish": "/articles/harbour-strike-enters-second-week/republish/",
}
# Search snippets come from PostgreSQL's ts_headline there and from Python elsewhere.
VENDOR_SPECIFIC = {"search"}


def at(day, hour=9):
    return datetime(2026, 3, day, hour, 0, tzinfo=UTC)


def fixed_photo():
    photo = ImageCredit(
        alt_text="Cranes at the harbour at dusk",
        caption="Cranes stand idle at the port.",
        agency="NORDPRESS",
        photographer="Lena Holm",
    )
    with tasks_run_after(make_renditions):
        photo.image.save("harbour.jpg", ContentFile(jpeg_bytes(size=(1700, 1000))))
    photo.refresh_from_db()
    return photo


def build_newsroom():
    """Three sections, three authors, two tags, 30 stories on fixed days, one correction."""
    business = make_section(name="Business", slug="business", order=1)
    politics = make_section(name="Politics", slug="politics", order=2)
    culture = make_section(name="Culture", slug="culture", order=3)
    lena = make_author(
        name="Lena Holm",
        slug="lena-holm",
        social_url="https://x.com/lenaholm",
        tips_email="lena@example.org",
    )
    omar = make_author(
        name="Omar Haddad",
        slug="omar-haddad",
        social_url="https://x.com/omar",
        tips_email="omar@example.org",
    )
    ines = make_author(
        name="Inès Duval", slug="ines-duval", job_title="", social_url="", tips_email=""
    )
    harbour, budget = Tag.objects.create(name="Harbour"), Tag.objects.create(name="Budget")
    photo = fixed_photo()
    sections = [business, politics, culture]
    stories = []
    for n in range(30):
        section = sections[n % 3]
        story = Article.objects.create(
            headline=f"Story {n} about the {section.name.lower()} desk",
            slug=f"story-{n}",
            kicker="Analysis" if n % 4 == 0 else "",
            dek=f"Standfirst {n}: what happened & why it matters." if n % 5 else "",
            body=f"<p>Story {n}, on the harbour.</p><p>Paragraph <em>two</em>.</p>",
            dateline="OSLO" if n % 2 else "",
            section=section,
            lead_photo=photo if n % 3 == 0 else None,
            status=Article.Status.PUBLISHED,
            publish_at=at(1 + n % 28, 6 + n % 12),
        )
        authors = [[lena], [omar, ines], []][n % 3]
        for position, author in enumerate(authors):
            Byline.objects.create(article=story, author=author, position=position)
        if n % 2 == 0:
            story.tags.add(harbour)
        stories.append(story)
    lead = Article.objects.create(
        headline="Harbour strike enters second week",
        slug="harbour-strike-enters-second-week",
        kicker="Ports",
        dek="Dockers say talks have stalled; shippers divert cargo.",
        body="<p>The strike at the harbour entered its second week on Monday.</p>"
        "<h2>What next</h2><p>Talks resume <strong>Thursday</strong>.</p>",
        dateline="BERGEN",
        section=business,
        lead_photo=photo,
        status=Article.Status.PUBLISHED,
        publish_at=at(29, 8),
    )
    Byline.objects.create(article=lead, author=lena, position=0)
    Byline.objects.create(article=lead, author=omar, position=1)
    lead.tags.add(harbour, budget)
    Correction.objects.create(
        article=lead, kind="correction", text="An earlier version misstated the strike's start."
    )
    plain = Article.objects.create(
        headline="Council budget vote",
        slug="council-budget-vote",
        body="<p>The council voted.</p>",
        section=politics,
        status=Article.Status.PUBLISHED,
        publish_at=at(28, 17),
    )
    Byline.objects.create(article=plain, author=ines, position=0)
    Article.objects.create(
        headline="A draft about the harbour",
        slug="a-draft",
        body="<p>Not public.</p>",
        section=business,
        status=Article.Status.DRAFT,
    )
    # Saving a correction dates its article; every other story was last touched when it went out.
    Article.objects.exclude(pk=lead.pk).filter(status=Article.Status.PUBLISHED).update(
        updated_at=F("publish_at")
    )
    Article.objects.filter(pk=lead.pk).update(updated_at=at(29, 12))
    Correction.objects.update(created_at=at(29, 12))
    Article.objects.update(created_at=at(1, 5))  # feeds' entry ids carry the day it was made


def normalised(html):
    html = re.sub(r"(renditions|republished|corrections)/\d+/", r"\1/N/", html)
    html = re.sub(r":article:\d+", ":article:N", html)
    html = re.sub(r"(/static/[^\"' ]+)\.[0-9a-f]{12}\.", r"\1.", html)
    html = re.sub(r"&copy; \d{4}", "&copy; YEAR", html)
    html = re.sub(r"<(lastBuildDate|updated)>[^<]*</", r"<\1>NOW</", html)
    return "\n".join(line for line in (" ".join(html.split()).replace("> <", ">\n<").split("\n")))


def snapshot_file(name):
    if name in VENDOR_SPECIFIC:
        return SNAPSHOTS / f"{name}-{connection.vendor}.html"
    return SNAPSHOTS / f"{name}.html"


@pytest.fixture
def newsroom(publisher, settings):
    settings.PAGE_CACHE = False
    settings.ARTICLES_PER_PAGE = 10
    settings.SITE_URL = "https://news.example.org"
    build_newsroom()


@pytest.mark.parametrize("name", PAGES)
def test_public_page_reads_exactly_as_before(client, newsroom, name, request):
    response = client.get(PAGES[name])
    assert response.status_code == 200
    page = normalised(response.content.decode())
    stored = snapshot_file(name)
    if request.config.getoption("--update-snapshots"):
        stored.parent.mkdir(exist_ok=True)
        stored.write_text(page + "\n")
    assert page + "\n" == stored.read_text(), f"{PAGES[name]} differs from {stored.name}"
