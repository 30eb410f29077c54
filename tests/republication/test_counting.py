"""Partners' counts are never lost or inflated: hostile pixel requests, eviction, bots, caps,
an unreachable cache, and the CSV that funders' reports are made from."""

import csv
import io
import os
from datetime import timedelta

import pytest
import redis
from django.core.cache import cache, caches
from django.urls import reverse
from django.utils import timezone

from articles.models import RepublicationView
from republication import counting
from republication.counting import flush_counts
from tests.factories import make_article
from tests.republication.partner_helpers import make_partner
from tests.republication.test_republication import (
    FIREFOX,
    PARTNER_PAGE,
    SITE,
    counts,
    hit,
)

pytestmark = pytest.mark.django_db

# What real clients send; the bots' strings as their operators document them.
BOTS = {
    "Slack link preview": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Facebook": "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "X (Twitter)": "Twitterbot/1.0",
    "Googlebot": (
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Googlebot/2.1; "
        "+http://www.google.com/bot.html) Chrome/131.0.6778.204 Safari/537.36"
    ),
    "Bing": (
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; "
        "+http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36"
    ),
    "UptimeRobot": "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
    "Pingdom": "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)",
    "curl": "curl/8.5.0",
    "Wget": "Wget/1.21.4",
    "python-requests": "python-requests/2.32.3",
    "Go": "Go-http-client/2.0",
    "WhatsApp": "WhatsApp/2.23.20.0 A",
    "Telegram": "TelegramBot (like TwitterBot)",
    "Discord": "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "LinkedIn": "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Headless Chrome": (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/131.0.0.0 Safari/537.36"
    ),
    "Lighthouse": (
        "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like "
        "Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse"
    ),
    "iMessage preview": (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) "
        "Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0"
    ),
    "Skype preview": (
        "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 "
        "skype-url-preview@microsoft.com"
    ),
    "Mastodon": "Mastodon/4.3.2 (http.rb/5.2.0; +https://mastodon.social/) Bot",
    "Bluesky": "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)",
    "Applebot": (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)"
    ),
    "GPTBot": (
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; "
        "+https://openai.com/gptbot)"
    ),
    "YandexBot": "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "no User-Agent": "",
}
READERS = {
    "Chrome": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36"
    ),
    "Firefox": FIREFOX,
    "Safari on iPhone": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
    ),
    "Edge": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
    ),
    "Samsung Internet": (
        "Mozilla/5.0 (Linux; Android 14; SM-S928B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36"
    ),
    "Facebook's in-app browser": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/470.0.0.38.109;FBBV/642445474;FBDV/iPhone14,5]"
    ),
    "Instagram's in-app browser": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Mobile/15E148 Instagram 339.0.3.12.91 (iPhone14,5; iOS 17_5; en_US)"
    ),
    "Telegram's in-app browser": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Mobile Safari/537.36 Telegram-Android/11.5.3"
    ),
    "a Cubot phone": (
        "Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Mobile Safari/537.36"
    ),
}
TOO_LARGE_ID = 10**30
LONG_HOST = "https://" + "a" * 60 + "." + "b" * 60 + "." + "c" * 60 + "." + "d" * 80 + ".example/x/"


@pytest.fixture
def story(publisher):
    return make_article(headline="Harbour talks stall", slug="harbour-talks-stall")


def pixel_for_id(client, article_id, referer=PARTNER_PAGE, address="203.0.113.5"):
    return client.get(
        reverse("republication:republication-pixel", args=[article_id]),
        HTTP_REFERER=referer,
        REMOTE_ADDR=address,
        HTTP_USER_AGENT=FIREFOX,
    )


def is_gif(response):
    return response.status_code == 200 and response.content.startswith(b"GIF89a")


# --- input checked at the door ---


def test_an_article_id_too_large_for_the_database_never_blocks_other_counts(client, story):
    assert is_gif(pixel_for_id(client, TOO_LARGE_ID))
    hit(client, story, address="198.51.100.7")
    assert flush_counts() == 1
    assert counts(story) == {("partner.example", PARTNER_PAGE): 1}


def test_a_referer_host_longer_than_the_column_is_not_counted_and_blocks_nothing(client, story):
    assert len(LONG_HOST) > RepublicationView._meta.get_field("site").max_length
    assert is_gif(hit(client, story, referer=LONG_HOST))
    assert is_gif(hit(client, story, referer="https://bad_host%00.example/x/"))
    assert is_gif(hit(client, story, referer="https://partner.example/a\x00b/"))
    hit(client, story, address="198.51.100.7")
    assert flush_counts() == 1
    assert counts(story) == {("partner.example", PARTNER_PAGE): 1}


def test_counts_left_in_the_cache_by_an_unchecked_pixel_are_dropped_not_blocking_the_flush(
    client, story
):
    """Counts a pixel without these checks left behind (before an upgrade) cannot fail a flush."""
    today = timezone.localdate()
    counting._count(TOO_LARGE_ID, today, "partner.example", PARTNER_PAGE)
    counting._count(story.pk, today, "x" * 300, "")
    counting._count(story.pk, today, "partner.example", "https://partner.example/\x00/")
    hit(client, story)
    assert flush_counts() == 1
    assert flush_counts() == 0  # the dropped ones do not come back
    assert counts(story) == {("partner.example", PARTNER_PAGE): 1}


def test_the_editors_story_page_opens_after_a_hostile_pixel_request(
    client, story, editor, per_process_cache
):
    pixel_for_id(client, TOO_LARGE_ID)
    hit(client, story, referer=LONG_HOST)
    hit(client, story)
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_change", args=[story.pk]))
    assert response.status_code == 200
    assert "1 view of republished copies" in response.content.decode()


# --- eviction ---


def test_counts_survive_the_page_cache_filling_up(client, story, per_process_cache):
    hit(client, story)
    for number in range(cache._max_entries + 100):  # pages push out the oldest entries
        cache.set(f"page:{number}", "<html>")
    assert flush_counts() == 1


@pytest.fixture
def redis_counts(settings):
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("REDIS_URL is not set: no Redis to count in")
    settings.CACHES = {
        alias: {
            "BACKEND": "pagecache.backends.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "newsroom-tests-counting",
        }
        for alias in ("default", "counts")
    }
    caches["counts"].clear()
    yield redis.Redis.from_url(redis_url)
    caches["counts"].clear()


def test_on_redis_counters_never_expire_and_finished_generations_are_deleted(
    client, story, redis_counts
):
    """A Redis evicting only keys that expire (volatile-*) never drops a count; nothing piles up."""
    hit(client, story)
    counters = list(redis_counts.scan_iter(match="newsroom-tests-counting:*:republication:count:*"))
    seen = list(redis_counts.scan_iter(match="newsroom-tests-counting:*:republication:seen:*"))
    assert counters and seen
    assert all(redis_counts.ttl(key) == -1 for key in counters)  # no expiry
    assert all(redis_counts.ttl(key) > 0 for key in seen)  # dedup marks do expire
    assert flush_counts() == 1
    flush_counts()
    flush_counts()
    left = list(redis_counts.scan_iter(match="newsroom-tests-counting:*:republication:slot*"))
    left += list(redis_counts.scan_iter(match="newsroom-tests-counting:*:republication:count:*"))
    assert left == []
    assert counts(story) == {("partner.example", PARTNER_PAGE): 1}


# --- inflation ---


def test_one_address_rotating_browsers_and_inventing_sites_adds_at_most_the_limit(
    client, story, settings
):
    settings.REPUBLICATION_ADDRESS_LIMIT = 20
    other_story = make_article()
    for number in range(200):
        hit(
            client,
            story,
            referer=f"https://invented-{number}.example/story/",
            agent=f"{FIREFOX} rotation/{number}",
        )
    hit(client, story, address="198.51.100.7")  # another reader still counts
    hit(client, other_story)  # the same address, another story: a limit of its own
    flush_counts()
    assert RepublicationView.objects.filter(article=story).count() == 21
    assert sum(counts(story).values()) == 21
    assert sum(counts(other_story).values()) == 1


def test_an_ipv6_client_rotating_addresses_in_its_network_adds_at_most_the_limit(
    client, story, settings
):
    settings.REPUBLICATION_ADDRESS_LIMIT = 5
    for number in range(50):
        hit(
            client,
            story,
            referer=f"https://invented-{number}.example/",
            address=f"2001:db8::{number:x}",
        )
    hit(client, story, address="2001:db8:0:1::1")  # another network
    assert sum(counts(story).values()) == 6


def test_the_story_admin_lists_the_top_sites_and_others_in_a_few_queries_whatever_their_number(
    client, story, editor, django_assert_max_num_queries
):
    client.force_login(editor)
    today = timezone.localdate()
    single = make_article()
    RepublicationView.objects.create(article=single, day=today, site="one.example", views=1)
    single_page = reverse("admin:articles_article_change", args=[single.pk])
    client.get(single_page)  # sessions, permissions and the like warmed up
    with django_assert_max_num_queries(50) as single_site:
        client.get(single_page)
    budget = len(single_site.captured_queries)
    RepublicationView.objects.bulk_create(
        RepublicationView(
            article=story,
            day=today - timedelta(days=number % 40),
            site=f"site{number:03}.example",
            page_url=f"https://site{number:03}.example/story/",
            views=1000 - number,
        )
        for number in range(300)
    )
    page = reverse("admin:articles_article_change", args=[story.pk])
    client.get(page)  # the editor's edit session begins
    # No more queries for 300 sites than for one.
    assert budget > 10
    with django_assert_max_num_queries(budget):
        html = client.get(page).content
    panel = html.decode()[html.decode().index('class="republication-panel"') :]
    assert panel.count('href="https://site') == 50  # the 50 most read pages
    sites_table = panel[: panel.index("Republishing pages")]
    assert sites_table.count("<tr") == 1 + 20 + 1  # a header, the top 20 and the others
    assert "280 other sites" in sites_table
    assert "250 other pages" in panel


# --- bots and the unknown site ---


@pytest.mark.parametrize("agent", BOTS.values(), ids=BOTS.keys())
def test_link_previews_crawlers_monitors_and_scripts_are_not_counted(client, story, agent):
    assert is_gif(hit(client, story, agent=agent))
    assert counts(story) == {}


@pytest.mark.parametrize("agent", READERS.values(), ids=READERS.keys())
def test_browsers_and_in_app_browsers_are_counted(client, story, agent):
    hit(client, story, agent=agent)
    assert counts(story) == {("partner.example", PARTNER_PAGE): 1}


def test_extra_ignored_agents_setting_is_honoured(client, story, settings):
    settings.REPUBLICATION_IGNORED_AGENTS = ["NewsroomArchiver"]
    hit(client, story, agent=f"{FIREFOX} NewsroomArchiver/2")
    assert counts(story) == {}


def test_hits_without_a_referer_count_as_the_unknown_site(client, story, editor):
    hit(client, story, referer=None)
    hit(client, story, referer=None)  # the same reader again: a repeat
    hit(client, story, referer="", address="198.51.100.7")
    assert counts(story) == {("", ""): 2}
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_change", args=[story.pk])).content.decode()
    assert "Unknown site" in html
    assert "the browser sent no address" in html


# --- Redis unreachable ---


@pytest.fixture
def redis_unreachable(settings):
    """Every cache on a Redis that answers nothing (a closed port)."""
    settings.CACHES = {
        alias: {
            "BACKEND": "pagecache.backends.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
        for alias in ("default", "counts")
    }


def test_with_redis_unreachable_editors_open_every_story_and_the_pixel_answers(
    client, publisher, editor, redis_unreachable
):
    stories = [make_article(), make_article(status="draft")]
    RepublicationView.objects.create(
        article=stories[0], day=timezone.localdate(), site="partner.example", views=3
    )
    for story in stories:
        assert is_gif(hit(client, story))
    client.force_login(editor)
    pages = [client.get(reverse("admin:articles_article_change", args=[s.pk])) for s in stories]
    assert [page.status_code for page in pages] == [200, 200]
    assert "3 views of republished copies" in pages[0].content.decode()  # what is stored
    assert client.get(reverse("admin:articles_republishedarticle_changelist")).status_code == 200


# --- the CSV for funders' reports ---


def csv_rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_editors_export_daily_views_per_story_and_site_as_csv(client, editor, publisher):
    today = timezone.localdate()
    story = make_article(headline='=HYPERLINK("http://evil.example")', slug="harbour")
    other = make_article(headline="Quiet story", slug="quiet")
    for site, page_url, views in [
        ("partner.example", "https://partner.example/a/", 3),
        ("partner.example", "https://partner.example/b/", 2),
        ("another.example", "", 4),
        ("", "", 5),
    ]:
        RepublicationView.objects.create(
            article=story, day=today, site=site, page_url=page_url, views=views
        )
    RepublicationView.objects.create(
        article=other, day=today - timedelta(days=1), site="partner.example", views=7
    )
    RepublicationView.objects.create(  # outside the period
        article=other, day=today - timedelta(days=100), site="partner.example", views=9
    )
    make_partner(hosts="partner.example")  # its views are named as the partner's
    client.force_login(editor)
    url = reverse("admin:articles_republishedarticle_export")
    form_page = client.get(url)
    assert form_page.status_code == 200
    assert 'type="date"' in form_page.content.decode()
    response = client.get(url, {"since": "", "until": ""})  # the last 30 days
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == [
        "day",
        "story_id",
        "headline",
        "story_url",
        "site",
        "pages",
        "views",
        "partner",
    ]
    yesterday = (today - timedelta(days=1)).isoformat()
    assert [(row[0], row[1], row[4], row[5], row[6]) for row in rows[1:]] == [
        (yesterday, str(other.pk), "partner.example", "0", "7"),
        (today.isoformat(), str(story.pk), "(unknown site)", "0", "5"),
        (today.isoformat(), str(story.pk), "another.example", "0", "4"),
        (today.isoformat(), str(story.pk), "partner.example", "2", "5"),
    ]
    assert [row[7] for row in rows[1:]] == ["Harbour Gazette", "", "", "Harbour Gazette"]
    assert rows[2][2] == '\'=HYPERLINK("http://evil.example")'  # never run as a formula
    assert rows[2][3] == f"{SITE}/articles/harbour/"
    older = csv_rows(
        client.get(
            url, {"since": (today - timedelta(days=365)).isoformat(), "until": today.isoformat()}
        )
    )
    assert sum(int(row[6]) for row in older[1:]) == 30
    refused = client.get(url, {"since": today.isoformat(), "until": "2000-01-01"})
    assert refused.status_code == 200
    assert "The first day must come before the last." in refused.content.decode()


def test_the_export_action_gives_the_selected_stories_views(client, editor, publisher):
    today = timezone.localdate()
    chosen, left_out = make_article(), make_article()
    RepublicationView.objects.create(
        article=chosen, day=today - timedelta(days=400), site="a.example", views=2
    )
    RepublicationView.objects.create(article=chosen, day=today, site="a.example", views=1)
    RepublicationView.objects.create(article=left_out, day=today, site="a.example", views=5)
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_republishedarticle_changelist"),
        {"action": "export_views", "_selected_action": [chosen.pk]},
    )
    rows = csv_rows(response)
    assert [(row[1], row[6]) for row in rows[1:]] == [(str(chosen.pk), "2"), (str(chosen.pk), "1")]


def test_only_editors_export_views(client, reporter, publisher):
    story = make_article()
    RepublicationView.objects.create(
        article=story, day=timezone.localdate(), site="a.example", views=1
    )
    client.force_login(reporter)
    assert client.get(reverse("admin:articles_republishedarticle_export")).status_code == 403
    changelist = reverse("admin:articles_republishedarticle_changelist")
    html = client.get(changelist).content.decode()
    assert "Export views (CSV)" not in html
    assert "export_views" not in html
    response = client.post(changelist, {"action": "export_views", "_selected_action": [story.pk]})
    assert response.get("Content-Type") != "text/csv; charset=utf-8"
