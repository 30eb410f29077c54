"""Whole-page caching: anonymous readers get cached pages that are never stale or personal."""

import threading
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Byline, Correction
from pagecache.tags import generation_key
from reader.pages import LISTINGS
from tests.factories import make_article, make_author, make_photo, make_section
from tests.network import closed_port

pytestmark = pytest.mark.django_db

FRONT = "/"


@pytest.fixture
def story(publisher):
    return make_article(
        headline="Harbour talks stall",
        slug="harbour-talks-stall",
        lead_photo=make_photo(caption="Cranes stand idle."),
        authors=[make_author(name="Saga Lund", slug="saga-lund")],
        tags=["Diplomacy"],
    )


@pytest.fixture
def other_story(publisher):
    return make_article(headline="Rates held", slug="rates-held")


def html(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response.content.decode()


def assert_cached(client, url, django_assert_num_queries):
    """The page is served from the cache: not a single query."""
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_second_anonymous_request_costs_no_query(client, story, django_assert_num_queries):
    for url in [
        FRONT,
        story.get_absolute_url(),
        story.section.get_absolute_url(),
        "/tag/diplomacy/",
    ]:
        first = html(client, url)
        assert assert_cached(client, url, django_assert_num_queries) == first


def test_csrf_cookie_does_not_defeat_the_cache(client, story, django_assert_num_queries):
    html(client, story.get_absolute_url())
    client.cookies["csrftoken"] = "x" * 32
    assert_cached(client, story.get_absolute_url(), django_assert_num_queries)


def test_logged_in_staff_are_never_served_or_stored(
    client, story, editor, django_assert_num_queries
):
    url = story.get_absolute_url()
    client.force_login(editor)
    staff_response = client.get(url)
    assert "private" in staff_response["Cache-Control"]
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) > 0  # rendered again, not from the cache
    client.logout()
    client.cookies.clear()
    html(client, url)  # the staff's copy was not stored: this reader's renders afresh
    assert_cached(client, url, django_assert_num_queries)


def test_publishing_refreshes_listings_but_not_other_articles(
    client, story, other_story, django_assert_num_queries
):
    html(client, FRONT)
    html(client, other_story.get_absolute_url())
    make_article(headline="Bridge reopens", section=story.section)
    assert "Bridge reopens" in html(client, FRONT)
    assert "Bridge reopens" in html(client, story.section.get_absolute_url())
    assert_cached(client, other_story.get_absolute_url(), django_assert_num_queries)


def test_draft_changes_invalidate_nothing(client, story, django_assert_num_queries):
    html(client, FRONT)
    html(client, story.get_absolute_url())
    draft = make_article(
        headline="Secret draft", status=Article.Status.DRAFT, publish_at=None, section=story.section
    )
    draft.headline = "Still secret"
    draft.save()
    assert_cached(client, FRONT, django_assert_num_queries)
    assert_cached(client, story.get_absolute_url(), django_assert_num_queries)


def test_edit_correction_and_withdrawal_show_at_once(client, story):
    url = story.get_absolute_url()
    html(client, url)
    html(client, FRONT)
    story.headline = "Harbour talks collapse"
    story.body = "<p>Corrected: the talks collapsed on Tuesday.</p>"
    story.save()
    assert "Harbour talks collapse" in html(client, url)
    assert "Corrected: the talks collapsed" in html(client, url)
    assert "Harbour talks collapse" in html(client, FRONT)

    story.status = Article.Status.WITHDRAWN
    story.save()
    gone = client.get(url)
    assert gone.status_code == 410
    assert "Harbour talks collapse" not in gone.content.decode()
    assert "Harbour talks collapse" not in html(client, FRONT)


def test_a_correction_shows_at_once_and_dates_the_story(client, story, editor):
    url = story.get_absolute_url()
    html(client, url)
    html(client, "/feeds/atom/")
    Correction.objects.create(
        article=story, kind="correction", text="The port was misnamed.", created_by=editor
    )
    assert "The port was misnamed." in html(client, url)
    story.refresh_from_db()
    assert story.last_updated is not None
    assert story.last_updated.isoformat()[:19] in html(client, "/feeds/atom/")


def test_new_slug_retires_the_old_address(client, story):
    old_url = story.get_absolute_url()
    html(client, old_url)
    story.slug = "harbour-talks-stall-again"
    story.save()
    moved = client.get(old_url)  # not the cached page: a permanent redirect to the new address
    assert (moved.status_code, moved["Location"]) == (301, story.get_absolute_url())
    assert "Harbour talks stall" in html(client, story.get_absolute_url())


def test_photo_byline_author_and_tag_changes_show_at_once(client, story):
    url = story.get_absolute_url()
    html(client, url)
    photo = story.lead_photo
    photo.caption = "Cranes idle at dawn."
    photo.save()
    assert "Cranes idle at dawn." in html(client, url)

    author = story.authors.get()
    author.name = "Saga Lund-Berg"
    author.save()
    assert "Saga Lund-Berg" in html(client, url)

    Byline.objects.create(article=story, author=make_author(name="Ola Berg"), position=1)
    assert "Ola Berg" in html(client, url)
    Byline.objects.filter(author__name="Ola Berg").delete()
    assert "Ola Berg" not in html(client, url)

    story.tags.add("Shipping")
    assert 'href="/tag/shipping/"' in html(client, url)
    Tag.objects.filter(name="Shipping").update(name="Freight")  # no signal: a bulk update
    Tag.objects.get(name="Freight").save()  # the save is what the admin does
    assert ">Freight<" in html(client, url)
    story.tags.remove("Diplomacy")
    assert 'href="/tag/diplomacy/"' not in html(client, url)


def test_section_and_publisher_changes_refresh_every_page(client, story, publisher):
    url = story.get_absolute_url()
    html(client, url)
    make_section(name="Climate", slug="climate")
    assert ">Climate<" in html(client, url)
    publisher.name = "The Evening Wire"
    publisher.save()
    assert "The Evening Wire" in html(client, url)


@pytest.mark.slow  # waits for the scheduled story's time
def test_listings_are_not_kept_past_the_next_scheduled_story(client, story, settings):
    settings.PAGE_CACHE_CDN_SECONDS = 3600
    make_article(headline="Embargoed result", publish_at=timezone.now() + timedelta(seconds=2))
    response = client.get(FRONT)
    assert "Embargoed result" not in response.content.decode()
    max_age = int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])
    assert max_age <= 2
    time.sleep(2.1)
    assert "Embargoed result" in html(client, FRONT)


@pytest.fixture
def uncacheable_views(settings):
    settings.ROOT_URLCONF = "tests.pagecache.urls"


@pytest.mark.parametrize("url", ["/test/preview/", "/test/pixel/", "/test/nonce/"])
def test_views_marked_private_or_using_a_nonce_are_never_stored(
    client, story, uncacheable_views, url
):
    assert "Harbour talks stall" in html(client, url)
    Article.objects.filter(pk=story.pk).update(headline="Harbour talks resume")  # no invalidation
    assert "Harbour talks resume" in html(client, url)


def test_etag_last_modified_and_conditional_get(client, story):
    url = story.get_absolute_url()
    for _attempt in ("miss", "hit"):
        response = client.get(url)
        assert response["ETag"].startswith('"')
        assert response["Last-Modified"].endswith("GMT")
        cache_control = response["Cache-Control"]
        assert "public" in cache_control
        assert "s-maxage=" in cache_control
        assert "stale-while-revalidate=" in cache_control
        assert client.get(url, headers={"if-none-match": response["ETag"]}).status_code == 304
        not_modified = client.get(url, headers={"if-modified-since": response["Last-Modified"]})
        assert not_modified.status_code == 304
    story.headline = "Harbour talks collapse"
    story.save()
    assert client.get(url, headers={"if-none-match": response["ETag"]}).status_code == 200


def test_pages_survive_losing_a_cache_entry(client, story):
    """A generation the cache lost starts afresh: the pages stored under the old one are gone."""
    html(client, FRONT)
    Article.objects.filter(pk=story.pk).update(headline="Harbour talks resume")  # no signal
    assert "Harbour talks stall" in html(client, FRONT)  # still the cached page
    cache.delete(generation_key(LISTINGS))  # evicted
    assert "Harbour talks resume" in html(client, FRONT)


def test_unreachable_redis_serves_pages_from_the_database(client, story, settings, editor):
    settings.CACHES = {
        "default": {
            "BACKEND": "pagecache.backends.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    assert "Harbour talks stall" in html(client, story.get_absolute_url())
    story.headline = "Harbour talks collapse"
    story.save()  # invalidation fails quietly; the save does not
    assert "Harbour talks collapse" in html(client, story.get_absolute_url())
    assert "Harbour talks collapse" in html(client, FRONT)
    assert client.get(reverse("republication:terms")).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_readers_arriving_at_once_cost_one_render(publisher):
    """A busy page just retired is rendered once, not by every reader asking before it is stored."""
    story = make_article(headline="Harbour talks stall", slug="harbour-talks-stall")
    url = story.get_absolute_url()
    renders, statuses = [], []

    def count_render(sender, template, **kwargs):
        if template.name == "reader/article_detail.html":
            renders.append(template.name)

    readers = threading.Barrier(8)

    def read():
        try:
            readers.wait()
            statuses.append(Client().get(url).status_code)
        finally:
            connection.close()

    template_rendered.connect(count_render)
    try:
        threads = [threading.Thread(target=read) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        template_rendered.disconnect(count_render)
    assert statuses == [200] * 8
    assert len(renders) == 1
