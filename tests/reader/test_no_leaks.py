"""No leaks: crawl everything the public site can reach and find no unpublished story in it.

Stories in every state the public must not see are present, sharing section, author and tag
with published ones. The crawler starts from the front page, robots.txt and the sitemap and
follows whatever it finds: links and link rel=alternate in HTML, URLs in XML (sitemaps, feeds)
and JSON (feeds, ninjs), absolute URLs anywhere (the partner's copy, pixels), GET forms (search,
sent each secret word), pagination — so pages added later are crawled without changing this
file. It also tries each secret story's slug and id wherever a public story's appear in a URL.
"""

import json
import re
from collections import deque
from dataclasses import dataclass, field
from datetime import timedelta
from html import unescape
from urllib.parse import quote, urlencode, urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import (
    Article,
    ArticleRedirect,
    EmbargoShare,
    ImageCredit,
    Licence,
    PreviewLink,
    RelatedStory,
    Series,
    SeriesPart,
)
from curation.models import Arrangement, Banner, Slot
from live.models import LiveCoverage, LiveEntry
from tests.factories import jpeg_bytes, make_article, make_author, make_photo, make_section
from tests.republication.partner_helpers import make_partner

pytestmark = pytest.mark.django_db

NOT_PUBLIC = {
    "draft": {"status": Article.Status.DRAFT, "publish_at": None},
    "previewed": {"status": Article.Status.DRAFT, "publish_at": None},
    "review": {"status": Article.Status.IN_REVIEW, "publish_at": None},
    "scheduled": {"status": Article.Status.PUBLISHED, "publish_at": timedelta(days=1)},
    "withdrawn": {"status": Article.Status.WITHDRAWN, "publish_at": -timedelta(days=1)},
    "embargoed": {"status": Article.Status.PUBLISHED, "publish_at": timedelta(days=1)},
    "shared": {"status": Article.Status.IN_REVIEW, "publish_at": None},
    "moved": {"status": Article.Status.PUBLISHED, "publish_at": timedelta(days=1)},
    "live": {"status": Article.Status.IN_REVIEW, "publish_at": None},
    "slotted": {"status": Article.Status.IN_REVIEW, "publish_at": None},
    "sectionslotted": {"status": Article.Status.PUBLISHED, "publish_at": timedelta(days=1)},
}
# What anyone can copy from: a partner gets no more here than the partner's copy gives.
PARTNER_SURFACES = ("/feeds/", "/rss/", "/atom/", "ninjs", "/republish")
OWN_HOSTS = {"testserver", urlsplit(settings.SITE_URL).netloc}
NOT_CRAWLED = ("/admin/", "/static/", "/media/")
MAX_PAGES = 600


@dataclass
class Secrets:
    """Words that must appear on no public URL, and words to search for."""

    words: set = field(default_factory=set)
    search_terms: set = field(default_factory=set)
    slugs: set = field(default_factory=set)
    ids: set = field(default_factory=set)
    urls: set = field(default_factory=set)  # extra starting points (e.g. expired preview links)
    # Words readers may see on the story's page, but which no partner surface may hand out.
    partner_words: set = field(default_factory=set)


def make_secret_article(state, section, author):
    """A story in ``state`` whose every part carries a word found nowhere else."""
    word = f"xyzzy{state}"
    photo = ImageCredit(caption=f"{word}caption", alt_text="A photo")
    photo.image.save(f"{word}photo.jpg", ContentFile(jpeg_bytes()))
    offset = NOT_PUBLIC[state]["publish_at"]
    article = make_article(
        headline=f"Merger talks {word}headline",
        slug=f"{word}slug",
        dek=f"{word}dek",
        body=f"<p>{word}body and {word}more.</p>",
        section=section,
        authors=[author],
        tags=["shared", f"{word}tag"],
        lead_photo=photo,
        status=NOT_PUBLIC[state]["status"],
    )
    Article.objects.filter(pk=article.pk).update(
        publish_at=timezone.now() + offset if offset is not None else None
    )
    secrets = Secrets(
        words={f"{word}{part}" for part in ["headline", "slug", "dek", "body", "more", "caption"]}
        | {f"{word}photo", f"{word}tag"},
        search_terms={f"{word}body", f"{word}headline"},
        slugs={article.slug},
        ids={str(article.pk)},
    )
    return secrets


def make_dead_preview_links(section, author):
    """A draft with an expired and a revoked shareable preview link."""
    secrets = make_secret_article("previewed", section, author)
    article = Article.objects.get(slug="xyzzypreviewedslug")
    expired = PreviewLink.objects.create(
        article=article, expires_at=timezone.now() - timedelta(minutes=1)
    )
    revoked = PreviewLink.objects.create(
        article=article,
        expires_at=timezone.now() + timedelta(days=1),
        revoked_at=timezone.now(),
    )
    secrets.urls |= {expired.get_absolute_url(), revoked.get_absolute_url()}
    return secrets


def make_embargo_shares(section, author):
    """A scheduled and an in-review story shared with partners: links revoked, and live ones
    that the public site must never lead to."""
    secrets = Secrets()
    for state in ["embargoed", "shared"]:
        add(secrets, make_secret_article(state, section, author))
        article = Article.objects.get(slug=f"xyzzy{state}slug")
        until = timezone.now() + timedelta(days=2)
        for revoked_at in [None, timezone.now()]:
            share = EmbargoShare.objects.create(
                article=article,
                recipient_name="Harbour Times",
                recipient_email="desk@harbour.example",
                embargo_until=until,
                revoked_at=revoked_at,
            )
            if revoked_at:
                secrets.urls |= {
                    share.get_absolute_url(),
                    reverse("republication:embargo-share-ninjs", args=[share.token]),
                }
    return secrets


def make_moved_secret(section, author):
    """A scheduled story with an old address: the redirect must not lead the public to it."""
    secrets = make_secret_article("moved", section, author)
    ArticleRedirect.objects.create(
        old_slug="xyzzyoldslug", article=Article.objects.get(slug="xyzzymovedslug")
    )
    secrets.words.add("xyzzyoldslug")
    secrets.urls.add("/articles/xyzzyoldslug/")
    return secrets


def make_partner_only_material(section, author):
    """Public stories readers read whole but partners may not have whole: a story not for
    republication, one in a section not for republication, and a photo partners may not reuse."""
    make_article(
        body="<p>xyzzywithheldbody.</p>", licence=Licence.NONE, section=section, authors=[author]
    )
    opinion = make_section(name="Opinion", slug="opinion", licence=Licence.NONE)
    make_article(body="<p>xyzzyopinionbody.</p>", section=opinion, authors=[author])
    photo = make_photo(caption="xyzzynoreusecaption", may_republish=False)
    make_article(lead_photo=photo, section=section, authors=[author], licence=Licence.CC_BY)
    return Secrets(
        partner_words={
            "xyzzywithheldbody",
            "xyzzyopinionbody",
            "xyzzynoreusecaption",
            f"renditions/{photo.pk}/",
        }
    )


def make_live_secrets(section, author):
    """A public live story with a draft entry and an entry whose photo partners may not reuse,
    and a live story in review whose entries are published: none of it may show."""
    public = LiveCoverage.objects.create(
        article=make_article(section=section, authors=[author], tags=["shared"])
    )
    LiveEntry.objects.create(coverage=public, text="<p>Seen by everyone.</p>")
    LiveEntry.objects.create(
        coverage=public, text="<p>xyzzydraftentry</p>", status=LiveEntry.Status.DRAFT
    )
    agency = make_photo(caption="xyzzyliveagencycaption", may_republish=False)
    LiveEntry.objects.create(coverage=public, text="<p>Agency picture.</p>", photo=agency)
    secrets = make_secret_article("live", section, author)
    hidden = LiveCoverage.objects.create(article=Article.objects.get(slug="xyzzyliveslug"))
    LiveEntry.objects.create(coverage=hidden, text="<p>xyzzyliveentry</p>")
    secrets.words |= {"xyzzydraftentry", "xyzzyliveentry"}
    secrets.urls.add(reverse("reader:article-live", args=["xyzzyliveslug"]))
    secrets.partner_words |= {"xyzzyliveagencycaption", f"renditions/{agency.pk}/"}
    return secrets


def make_series_and_related_secrets(section, author):
    """The secret stories as parts of a public series and as related stories picked for a
    public one, and a series whose every part is secret (its name too)."""
    secret = [
        Article.objects.get(slug=f"xyzzy{state}slug")
        for state in ["draft", "review", "scheduled", "withdrawn"]
    ]
    public_part = make_article(section=section, authors=[author], headline="Harbour files: one")
    files = Series.objects.create(name="The harbour files", slug="the-harbour-files")
    for position, article in enumerate([secret[0], public_part, *secret[1:]]):
        SeriesPart.objects.create(series=files, article=article, position=position)
    picking = make_article(section=section, authors=[author], headline="Harbour files: context")
    for position, article in enumerate(secret):
        RelatedStory.objects.create(article=picking, related=article, position=position)
    hidden = Series.objects.create(name="xyzzyhiddenseries", slug="xyzzyhiddenseries")
    SeriesPart.objects.create(series=hidden, article=Article.objects.get(slug="xyzzymovedslug"))
    return Secrets(
        words={"xyzzyhiddenseries"},
        urls={
            reverse("reader:series", args=[hidden.slug]),
            reverse("reader:series-rss", args=[hidden.slug]),
            reverse("reader:series-atom", args=[hidden.slug]),
        },
    )


def make_curated_secrets(section, author):
    """Unpublished stories in the live slots of the front page and of a section's page, with
    override headlines and deks, and breaking-news banners that ended or have not started."""
    secrets = Secrets()
    now = timezone.now()
    for state in ["slotted", "sectionslotted"]:
        add(secrets, make_secret_article(state, section, author))
    for state, page in [("slotted", None), ("sectionslotted", section)]:
        arrangement = Arrangement.objects.create(section=page, goes_live_at=now)
        for position, word in enumerate([f"xyzzy{state}", "xyzzydraft"]):
            Slot.objects.create(
                arrangement=arrangement,
                position=position,
                article=Article.objects.get(slug=f"{word}slug"),
                headline=f"{word}{state}slotheadline",
                dek=f"{word}{state}slotdek",
            )
            secrets.words |= {f"{word}{state}slotheadline", f"{word}{state}slotdek"}
    for word, starts, ends in [
        ("xyzzyendedbanner", now - timedelta(hours=2), now - timedelta(minutes=1)),
        ("xyzzycomingbanner", now + timedelta(hours=1), now + timedelta(hours=2)),
    ]:
        Banner.objects.create(
            text=word, url=f"https://example.org/{word}url", starts_at=starts, ends_at=ends
        )
        secrets.words |= {word, f"{word}url"}
    return secrets


# Other features add their own secret things here: a callable (section, author) that makes
# them and returns Secrets, with any URL that must reveal nothing in Secrets.urls.
EXTRA_SECRET_MAKERS = [
    make_dead_preview_links,
    make_embargo_shares,
    make_moved_secret,
    make_partner_only_material,
    make_live_secrets,
    make_series_and_related_secrets,
    make_curated_secrets,
]


@pytest.fixture
def site_with_secrets(publisher, settings):
    settings.ARTICLES_PER_PAGE = 2  # so listings have a second page to crawl
    section = make_section(name="World", slug="world")
    author = make_author(name="Saga Lund", slug="saga-lund")
    public = [
        make_article(section=section, authors=[author], tags=["shared"], lead_photo=make_photo())
        for _number in range(5)
    ]
    secrets = Secrets()
    for state in ["draft", "review", "scheduled", "withdrawn"]:
        add(secrets, make_secret_article(state, section, author))
    for maker in EXTRA_SECRET_MAKERS:
        add(secrets, maker(section, author))
    return public, secrets


def add(into, more):
    for name in ["words", "search_terms", "slugs", "ids", "urls", "partner_words"]:
        getattr(into, name).update(getattr(more, name))


class Crawler:
    def __init__(self, client, secrets, public_articles):
        self.client = client
        self.secrets = secrets
        self.public_slugs = {article.slug for article in public_articles}
        self.public_ids = {str(article.pk) for article in public_articles}
        self.visited = {}
        self.queue = deque()

    def enqueue(self, url, base="/"):
        parts = urlsplit(urljoin(base, unescape(url.strip())))
        if parts.scheme not in {"", "http", "https"} or (
            parts.netloc and parts.netloc not in OWN_HOSTS
        ):
            return
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith("/") and not path.startswith(NOT_CRAWLED) and path not in self.visited:
            self.queue.append(path)

    def run(self, seeds):
        for seed in seeds:
            self.enqueue(seed)
        while self.queue and len(self.visited) < MAX_PAGES:
            url = self.queue.popleft()
            if url in self.visited:
                continue
            response = self.client.get(url)
            self.visited[url] = response.status_code
            assert response.status_code < 500, url
            self.check(url, response)
            if response.status_code in {301, 302, 303, 307, 308}:
                self.enqueue(response["Location"], url)
            for link in self.discover(url, response):
                self.enqueue(link, url)
                self.enqueue_secret_variants(urljoin(url, link))

    def text_of(self, response):
        content_type = response.get("Content-Type", "")
        if not any(kind in content_type for kind in ["text", "xml", "json", "javascript"]):
            return ""
        return unescape(response.content.decode(errors="replace"))

    def check(self, url, response):
        text = self.text_of(response) + " " + response.get("Link", "")
        text = text.lower()
        for term in self.secrets.search_terms:
            if term in url:  # a search page may say what was searched for, and nothing more
                text = text.replace(term, "")
        words = self.secrets.words | self.secrets.slugs
        if any(surface in url for surface in PARTNER_SURFACES):
            words |= self.secrets.partner_words
        for word in words:
            assert word.lower() not in text, f"{word!r} leaks on {url}"

    def discover(self, url, response):
        text = self.text_of(response)
        if not text:
            return []
        links = re.findall(
            r"""(?:href|src|action|data-(?:[\w-]+-)?url)\s*=\s*["']([^"']+)["']""", text
        )
        links += re.findall(r"""https?://[^\s"'<>]+""", text)  # sitemaps, feeds, copy-ready HTML
        links += re.findall(r"(?m)^\s*(?:Sitemap|Allow):\s*(\S+)", text)  # robots.txt
        links += re.findall(r"<(?:loc|link|guid|id)>([^<]+)</", text)
        links += re.findall(r"<([^>]+)>;\s*rel=", response.get("Link", ""))
        if "json" in response.get("Content-Type", ""):
            links += [value for value in json_strings(json.loads(text)) if value.startswith("/")]
        links += self.search_form_urls(text, url)
        links += self.next_pages(url, text)
        return links

    def search_form_urls(self, html, url):
        """Every GET form, sent with each secret word in each of its text fields."""
        urls = []
        for attributes, body in re.findall(r"(?is)<form([^>]*)>(.*?)</form>", html):
            if re.search(r"""method\s*=\s*["']?post""", attributes, re.I):
                continue
            action = re.search(r"""action\s*=\s*["']([^"']*)["']""", attributes)
            target = urljoin(url, action.group(1) if action else url)
            for name in re.findall(
                r"""(?i)<input(?![^>]*type=["']?(?:hidden|submit|checkbox|radio))[^>]*name=["']([^"']+)["']""",
                body,
            ):
                for term in sorted(self.secrets.search_terms):
                    urls.append(f"{urlsplit(target).path}?{urlencode({name: term})}")
        return urls

    def next_pages(self, url, text):
        """?page=N links are followed as links; this also tries the page after the last one."""
        pages = [int(number) for number in re.findall(r"[?&]page=(\d+)", text)]
        if not pages:
            return []
        path = urlsplit(url).path
        return [f"{path}?page={max(pages) + 1}"]

    def enqueue_secret_variants(self, url):
        """The same kind of URL for each secret story: its slug or id instead of a public one."""
        parts = urlsplit(url)
        if parts.netloc and parts.netloc not in OWN_HOSTS:
            return
        segments = parts.path.split("/")
        for position, segment in enumerate(segments):
            if segment in self.public_slugs:
                replacements = self.secrets.slugs
            elif segment in self.public_ids:
                replacements = self.secrets.ids
            else:
                continue
            for replacement in replacements:
                variant = segments.copy()
                variant[position] = quote(replacement)
                self.enqueue("/".join(variant) + (f"?{parts.query}" if parts.query else ""))


def json_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from json_strings(item)


def test_no_unpublished_story_leaks_anywhere_on_the_public_site(client, site_with_secrets):
    public, secrets = site_with_secrets
    crawler = Crawler(client, secrets, public)
    crawler.run(["/", "/robots.txt", "/sitemap.xml", *secrets.urls])
    visited = crawler.visited
    # The crawl reached every kind of public page, and the secret stories' own addresses.
    assert visited["/"] == 200
    assert visited["/section/world/"] == 200 and visited["/section/world/?page=2"] == 200
    assert visited["/author/saga-lund/"] == 200 and visited["/tag/shared/"] == 200
    assert visited["/series/the-harbour-files/"] == 200
    assert visited["/series/the-harbour-files/rss/"] == 200
    assert all(visited[article.get_absolute_url()] == 200 for article in public)
    # A live story's poll, found on its page, and the entries it answers with.
    assert [url for url, status in visited.items() if url.endswith("/live/") and status == 200]
    assert secrets.urls <= visited.keys()  # dead preview links: visited, and revealed nothing
    assert {visited[url] for url in secrets.urls} == {404}
    for slug in secrets.slugs:
        # A withdrawn story is gone (410) and says only that; the others were never there.
        expected = 410 if slug == "xyzzywithdrawnslug" else 404
        assert visited[f"/articles/{slug}/"] == expected
        assert visited[f"/articles/{slug}/republish/"] == expected
    # The feeds and partners' pages were crawled, with the stories partners may not have whole.
    assert {"/feeds/rss/", "/feeds/atom/", "/feeds/json/", "/section/opinion/rss/"} <= set(visited)
    assert any(url.endswith("/ninjs.json") and status == 200 for url, status in visited.items())
    assert len(visited) >= 20


def test_the_crawler_notices_a_leak(client, site_with_secrets):
    """The control: publish one secret story and the crawl fails on it."""
    public, secrets = site_with_secrets
    Article.objects.filter(slug="xyzzydraftslug").update(
        status=Article.Status.PUBLISHED, publish_at=timezone.now() - timedelta(minutes=1)
    )
    crawler = Crawler(client, secrets, public)
    with pytest.raises(AssertionError, match="xyzzydraft"):
        crawler.run(["/"])


def test_the_crawler_notices_a_story_handed_out_whole_against_its_terms(client, site_with_secrets):
    """The control for partner surfaces: a feed carrying the withheld story's body fails."""
    public, secrets = site_with_secrets
    Article.objects.filter(body__contains="xyzzywithheldbody").update(licence=Licence.CC_BY)
    crawler = Crawler(client, secrets, public)
    with pytest.raises(AssertionError, match="xyzzywithheldbody"):
        crawler.run(["/feeds/rss/"])


# --- the partner API ---

PARTNER_API = "/api/partners/"


class PartnerApiCrawler(Crawler):
    """The same crawl, kept to the partner API (its documents link the public pages, which the
    crawl above covers), sent with whatever key the client carries."""

    def enqueue(self, url, base="/"):
        if urlsplit(urljoin(base, unescape(url.strip()))).path.startswith(PARTNER_API):
            super().enqueue(url, base)


def make_partner_only_secrets(section, author):
    """Public stories whose text or photo partners may not take: readers see them, the API
    must not hand them out."""
    withheld = make_article(
        headline="Column xyzzywithheldheadline",
        slug="xyzzywithheldslug",
        body="<p>xyzzywithheldbody</p>",
        section=section,
        authors=[author],
        licence=Licence.NONE,
    )
    make_article(
        headline="Port strike",
        section=section,
        authors=[author],
        lead_photo=make_photo(may_republish=False, caption="xyzzynoreusecaption"),
    )
    return Secrets(
        words={
            "xyzzywithheldheadline",
            "xyzzywithheldslug",
            "xyzzywithheldbody",
            "xyzzynoreusecaption",
        },
        ids={str(withheld.pk)},
    )


@pytest.mark.parametrize("who", ["no key", "a partner", "another partner"])
def test_nothing_unpublished_withheld_or_not_reusable_leaks_through_the_partner_api(
    site_with_secrets, settings, who
):
    settings.PARTNER_API_RATE_LIMIT = 10_000
    settings.PARTNER_API_PAGE_SIZE = 2  # so the list has pages to crawl
    public, secrets = site_with_secrets
    for article in public[:2]:
        article.lead_photo.may_republish = True
        article.lead_photo.save()
    add(secrets, make_partner_only_secrets(public[0].section, public[0].bylines.get().author))
    keys = {"a partner": make_partner()[1], "another partner": make_partner("Other Post")[1]}
    client = Client(headers={"Authorization": f"Bearer {keys[who]}"} if who in keys else {})
    crawler = PartnerApiCrawler(client, secrets, public)
    story_urls = [f"{PARTNER_API}stories/{pk}/" for pk in secrets.ids]
    public_urls = [f"{PARTNER_API}stories/{article.pk}/" for article in public]
    crawler.run(
        [
            f"{PARTNER_API}stories/",
            f"{PARTNER_API}withdrawn/?since=2000-01-01T00:00:00Z",
            *public_urls,
            *(f"{url}corrections/" for url in public_urls),
            *story_urls,
            *(f"{url}corrections/" for url in story_urls),
        ]
    )
    visited = crawler.visited
    if who == "no key":
        assert set(visited.values()) == {401}
        return
    assert (
        visited[f"{PARTNER_API}stories/"] == 200 and visited[f"{PARTNER_API}stories/?page=2"] == 200
    )
    assert all(visited[f"{PARTNER_API}stories/{article.pk}/"] == 200 for article in public)
    assert {visited[url] for url in story_urls} == {404}
    assert visited[f"{PARTNER_API}withdrawn/?since=2000-01-01T00:00:00Z"] == 200
    assert len(visited) >= 15
