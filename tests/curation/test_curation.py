"""Curated slots on the front and section pages: what readers see, and what the cache keeps."""

import time
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from curation.models import Arrangement, Slot, next_change
from tests.curation.helpers import arrange, make_banner
from tests.factories import make_article, make_photo, make_section

pytestmark = pytest.mark.django_db


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


@pytest.fixture
def newsroom(publisher):
    """Two sections; an old investigation and a run of newer stories."""
    world, sport = make_section(name="World", order=1), make_section(name="Sport", order=2)
    investigation = make_article(
        headline="The river investigation", section=world, publish_at=hours_ago(30)
    )
    recent = [
        make_article(headline=f"Recent {n}", section=world, publish_at=hours_ago(n))
        for n in range(1, 9)
    ]
    match = make_article(headline="Match report", section=sport, publish_at=hours_ago(40))
    return {
        "world": world,
        "sport": sport,
        "investigation": investigation,
        "recent": recent,
        "match": match,
    }


def shown_on(response):
    context = response.context
    picks = ([context["lead_pick"]] if context["lead_pick"] else []) + list(context["featured"])
    listed = list(context.get("latest", [])) + [
        article for rail in context.get("rails", []) for article in rail["articles"]
    ]
    return [pick.article.pk for pick in picks], [article.pk for article in listed]


def test_the_curated_lead_and_featured_stories_lead_the_front_page_once(client, newsroom):
    """The editor's lead and featured stories top the page, with their overrides; no story
    shown above appears again in the latest or the rails."""
    recent = newsroom["recent"]
    arrange(
        newsroom["investigation"],
        recent[5],
        newsroom["match"],
        slot0={"headline": "Months in the making: the river", "dek": "Our investigation."},
    )
    response = client.get("/")
    html = response.content.decode()
    assert response.context["lead"] == newsroom["investigation"]
    assert "Months in the making: the river" in html
    assert "Our investigation." in html
    assert "The river investigation" not in html  # the override replaces it on this page
    curated, listed = shown_on(response)
    assert curated == [newsroom["investigation"].pk, recent[5].pk, newsroom["match"].pk]
    assert not set(curated) & set(listed)
    assert len(listed) == len(set(listed)), "a story twice below the curated top"
    assert recent[0].pk in listed  # the newest is still there, under the lead


def test_without_an_arrangement_the_front_page_chooses_by_itself(client, newsroom):
    response = client.get("/")
    assert response.context["lead"] == newsroom["recent"][0]
    assert response.context["featured"] == []


def test_a_withdrawn_story_leaves_its_slot_at_once_even_on_a_cached_page(client, newsroom):
    """Withdrawn, the lead falls back to the newest story, on the very next request."""
    investigation = newsroom["investigation"]
    arrange(investigation, slot0={"headline": "Months in the making"})
    assert "Months in the making" in client.get("/").content.decode()
    assert "Months in the making" in client.get("/").content.decode()  # from the cache
    investigation.status = Article.Status.WITHDRAWN
    investigation.save()
    response = client.get("/")
    assert "Months in the making" not in response.content.decode()
    assert response.context["lead"] == newsroom["recent"][0]


@pytest.mark.parametrize(
    "state", [{"status": "draft", "publish_at": None}, {"publish_at": "tomorrow"}]
)
def test_an_unpublished_story_never_fills_a_slot(client, newsroom, state):
    if state.get("publish_at") == "tomorrow":
        state = {"publish_at": timezone.now() + timedelta(days=1)}
    secret = make_article(headline="Not yet", section=newsroom["world"], **state)
    arrange(secret, newsroom["investigation"])
    response = client.get("/")
    assert "Not yet" not in response.content.decode()
    assert response.context["lead"] == newsroom["recent"][0]  # the automatic choice
    assert [pick.article for pick in response.context["featured"]] == [newsroom["investigation"]]


def test_an_expired_slot_falls_back_and_the_page_is_kept_no_longer(client, newsroom):
    soon = timezone.now() + timedelta(seconds=2)
    arrange(newsroom["investigation"], slot0={"expires_at": soon})
    response = client.get("/")
    assert response.context["lead"] == newsroom["investigation"]
    time.sleep(max(0, (soon - timezone.now()).total_seconds()) + 0.1)
    assert client.get("/").context["lead"] == newsroom["recent"][0]


@pytest.mark.slow
def test_a_scheduled_arrangement_takes_over_at_its_time_on_a_cached_page(client, newsroom):
    """No task runs: the cached page simply is not kept past the time."""
    arrange(newsroom["recent"][3])
    at = timezone.now() + timedelta(seconds=2)
    arrange(newsroom["investigation"], goes_live_at=at)
    assert client.get("/").context["lead"] == newsroom["recent"][3]
    assert next_change() == pytest.approx(at.timestamp())
    time.sleep(max(0, (at - timezone.now()).total_seconds()) + 0.1)
    assert client.get("/").context["lead"] == newsroom["investigation"]


def test_a_draft_arrangement_is_not_shown(client, newsroom):
    arrange(newsroom["investigation"], goes_live_at=None)
    assert client.get("/").context["lead"] == newsroom["recent"][0]


def test_the_newest_live_arrangement_wins(client, newsroom):
    arrange(newsroom["investigation"], goes_live_at=hours_ago(2))
    arrange(newsroom["match"], goes_live_at=hours_ago(1))
    assert Arrangement.objects.current().slots.get().article == newsroom["match"]
    assert client.get("/").context["lead"] == newsroom["match"]


def test_a_section_page_shows_its_own_arrangement_above_its_list(client, newsroom, settings):
    settings.ARTICLES_PER_PAGE = 3
    world = newsroom["world"]
    arrange(newsroom["investigation"], newsroom["recent"][4], section=world)
    response = client.get(world.get_absolute_url())
    assert response.context["lead_pick"].article == newsroom["investigation"]
    listed = [article.pk for article in response.context["articles"]]
    assert newsroom["investigation"].pk not in listed
    assert newsroom["recent"][4].pk not in listed
    page_two = client.get(world.get_absolute_url() + "?page=2")
    assert "lead_pick" not in page_two.context
    assert newsroom["investigation"].pk not in [a.pk for a in page_two.context["articles"]]
    # The front page is not the section's.
    assert client.get("/").context["lead"] == newsroom["recent"][0]


def test_the_chosen_crop_of_the_photo_is_shown(client, newsroom):
    investigation = newsroom["investigation"]
    investigation.lead_photo = make_photo()
    investigation.save()
    arrange(investigation, slot0={"crop": Slot.Crop.SQUARE})
    html = client.get("/").content.decode()
    square = next(crop for crop in investigation.lead_photo.crops() if crop["ratio"] == "1:1")
    assert f'src="{square["url"]}"' in html


def test_changing_an_arrangement_retires_exactly_its_page(
    client, newsroom, django_assert_num_queries, django_assert_max_num_queries
):
    world, sport = newsroom["world"], newsroom["sport"]
    pages = ["/", world.get_absolute_url(), sport.get_absolute_url()]
    for url in pages:
        client.get(url)
    arrange(newsroom["investigation"], section=world)
    with django_assert_num_queries(0):
        client.get("/")
        client.get(sport.get_absolute_url())
    response = client.get(world.get_absolute_url())
    assert response.context["lead_pick"].article == newsroom["investigation"]
    arrange(newsroom["match"])
    with django_assert_num_queries(0):
        client.get(world.get_absolute_url())
        client.get(sport.get_absolute_url())
    assert client.get("/").context["lead"] == newsroom["match"]


def test_the_banner_appears_and_goes_on_a_cached_page_at_once(
    client, newsroom, django_assert_num_queries
):
    story = newsroom["match"].get_absolute_url()
    client.get(story)
    client.get("/")
    assert "breaking-news" not in client.get("/").content.decode()
    banner = make_banner("Polls have closed in the north")
    with django_assert_num_queries(1):  # the page from the cache; the banners read once
        html = client.get("/").content.decode()
    assert "Polls have closed in the north" in html
    assert 'href="https://news.example.org/live/"' in html
    with django_assert_num_queries(0):
        assert (
            "Polls have closed" in client.get(newsroom["match"].get_absolute_url()).content.decode()
        )
        assert "Polls have closed" in client.get("/").content.decode()
    banner.ends_at = timezone.now() - timedelta(seconds=1)
    banner.save()
    assert "Polls have closed" not in client.get("/").content.decode()


def test_a_banner_ends_by_itself_and_one_to_come_waits(client, newsroom):
    make_banner("Ending soon", ends_at=timezone.now() + timedelta(seconds=1))
    make_banner("Later today", starts_at=timezone.now() + timedelta(hours=1))
    assert "Ending soon" in client.get("/").content.decode()
    time.sleep(1.1)
    html = client.get("/").content.decode()
    assert "Ending soon" not in html
    assert "Later today" not in html


def test_a_readers_copy_is_not_current_once_the_banner_changes(client, newsroom):
    """The ETag names the banner too: a conditional request gets the page with the banner."""
    first = client.get("/")
    assert client.get("/", headers={"if-none-match": first["ETag"]}).status_code == 304
    make_banner("Storm warning")
    again = client.get("/", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200
    assert "Storm warning" in again.content.decode()
    assert client.get("/", headers={"if-none-match": again["ETag"]}).status_code == 304


def test_a_copy_dated_after_the_page_is_not_current_once_a_banner_shows(client, newsroom):
    """A reader asking by date alone (If-Modified-Since) gets the banner, not a 304."""
    first = client.get("/")
    since = {"if-modified-since": first["Last-Modified"]}
    assert client.get("/", headers=since).status_code == 304
    make_banner("Storm warning")
    again = client.get("/", headers=since)
    assert again.status_code == 200
    assert "Storm warning" in again.content.decode()


def test_the_banner_is_escaped(client, newsroom):
    make_banner("<script>alert(1)</script>")
    html = client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_the_banner_is_on_staff_pages_too(client, newsroom, editor):
    make_banner("Polls have closed")
    client.force_login(editor)
    assert "Polls have closed" in client.get("/").content.decode()


def test_reporters_may_not_arrange_preview_or_publish(client, reporter, newsroom):
    arrangement = arrange(newsroom["investigation"], goes_live_at=None)
    client.force_login(reporter)
    for url in [
        reverse("admin:curation_arrangement_changelist"),
        reverse("admin:curation_arrangement_add"),
        reverse("admin:curation_arrangement_change", args=[arrangement.pk]),
        reverse("admin:curation_banner_add"),
        reverse("reader:arrangement-preview", args=[arrangement.pk]),
    ]:
        assert client.get(url).status_code == 403, url
    publish = reverse("admin:curation_arrangement_publish", args=[arrangement.pk])
    assert client.post(publish).status_code == 403
    arrangement.refresh_from_db()
    assert arrangement.goes_live_at is None


def test_strangers_are_sent_to_log_in_from_a_preview(client, newsroom):
    arrangement = arrange(newsroom["investigation"], goes_live_at=None)
    response = client.get(reverse("reader:arrangement-preview", args=[arrangement.pk]))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_an_editor_previews_a_draft_as_readers_will_see_it(client, editor, newsroom):
    world = newsroom["world"]
    draft = arrange(newsroom["investigation"], goes_live_at=None, slot0={"headline": "Soon"})
    client.force_login(editor)
    response = client.get(reverse("reader:arrangement-preview", args=[draft.pk]))
    assert response.status_code == 200
    assert "Soon" in response.content.decode()
    assert "no-cache" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    section_draft = arrange(newsroom["match"], section=world, goes_live_at=None)
    response = client.get(reverse("reader:arrangement-preview", args=[section_draft.pk]))
    assert response.context["lead_pick"].article == newsroom["match"]
    assert response.context["listing"] == world
    client.logout()
    assert "Soon" not in client.get("/").content.decode()


def admin_form(arrangement_fields, slots, total=5, initial=0):
    data = {
        "slots-TOTAL_FORMS": str(total),
        "slots-INITIAL_FORMS": str(initial),
        "slots-MIN_NUM_FORMS": "0",
        "slots-MAX_NUM_FORMS": "5",
        **arrangement_fields,
    }
    for number in range(total):
        data[f"slots-{number}-position"] = str(number + 10)  # as the screen renumbers them
    for number, fields in enumerate(slots):
        data |= {f"slots-{number}-{name}": value for name, value in fields.items()}
    return data


def test_an_editor_arranges_on_one_screen_and_the_change_is_logged(client, editor, newsroom):
    """Rows are saved in the order they were sent, the first the lead; empty rows are skipped."""
    client.force_login(editor)
    data = admin_form(
        {"section": "", "goes_live_at_0": "", "goes_live_at_1": "", "note": "Election night"},
        [
            {"article": newsroom["match"].pk, "position": "7"},
            {"article": newsroom["investigation"].pk, "position": "3", "headline": "The river"},
        ],
    )
    response = client.post(reverse("admin:curation_arrangement_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    arrangement = Arrangement.objects.get(note="Election night")
    assert arrangement.created_by == editor
    assert arrangement.goes_live_at is None
    assert [(slot.position, slot.article) for slot in arrangement.slots.all()] == [
        (0, newsroom["investigation"]),
        (1, newsroom["match"]),
    ]
    assert client.get("/").context["lead"] == newsroom["recent"][0]  # a draft
    publish = reverse("admin:curation_arrangement_publish", args=[arrangement.pk])
    assert client.post(publish).status_code == 302
    client.logout()
    assert client.get("/").context["lead"] == newsroom["investigation"]
    logged = LogEntry.objects.filter(object_id=str(arrangement.pk)).values_list(
        "action_flag", flat=True
    )
    assert sorted(logged) == [1, 2]  # added, then made live


def test_an_editor_adds_a_banner_that_shows_at_once(client, editor, newsroom):
    client.get("/")  # cached
    client.force_login(editor)
    now = timezone.localtime()
    response = client.post(
        reverse("admin:curation_banner_add"),
        {
            "text": "Results are coming in",
            "url": "https://news.example.org/results/",
            "starts_at_0": now.strftime("%Y-%m-%d"),
            "starts_at_1": (now - timedelta(minutes=1)).strftime("%H:%M:%S"),
            "ends_at_0": (now + timedelta(days=1)).strftime("%Y-%m-%d"),
            "ends_at_1": now.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    assert "Results are coming in" in client.get("/").content.decode()


def test_a_banner_must_end_after_it_starts(client, editor):
    client.force_login(editor)
    now = timezone.localtime()
    response = client.post(
        reverse("admin:curation_banner_add"),
        {
            "text": "Backwards",
            "url": "https://news.example.org/",
            "starts_at_0": now.strftime("%Y-%m-%d"),
            "starts_at_1": now.strftime("%H:%M:%S"),
            "ends_at_0": (now - timedelta(days=1)).strftime("%Y-%m-%d"),
            "ends_at_1": now.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 200
    assert "A banner ends after it starts." in response.content.decode()


def test_the_demo_front_page_has_a_curated_lead(client, demo):
    response = client.get("/")
    assert response.context["lead"].slug == "sorbrae-glacier-melt-record"
    assert "A record summer of melting on the Sorbrae glacier" in response.content.decode()


def test_save_as_new_copies_the_page_and_slots_as_a_draft(client, editor, newsroom):
    """The live arrangement stays live; its copy is for the same section, a draft."""
    world = newsroom["world"]
    live = arrange(newsroom["investigation"], newsroom["match"], section=world)
    client.force_login(editor)
    when = timezone.localtime(live.goes_live_at)
    data = admin_form(
        {
            "goes_live_at_0": when.strftime("%Y-%m-%d"),
            "goes_live_at_1": when.strftime("%H:%M:%S"),
            "note": "Reworked",
            "_saveasnew": "Save as new",
        },
        [
            {"article": newsroom["match"].pk, "position": "0"},
            {"article": newsroom["investigation"].pk, "position": "1"},
        ],
    )
    url = reverse("admin:curation_arrangement_change", args=[live.pk])
    assert client.post(url, data).status_code == 302
    copy = Arrangement.objects.get(note="Reworked")
    assert copy.pk != live.pk
    assert copy.section == world
    assert copy.goes_live_at is None
    stories = [slot.article for slot in copy.slots.all()]
    assert stories == [newsroom["match"], newsroom["investigation"]]
    assert Arrangement.objects.current(world) == live


def test_the_arrangement_list_says_each_ones_state_in_a_fixed_number_of_queries(
    client, editor, newsroom
):
    world = newsroom["world"]
    arrange(newsroom["match"], goes_live_at=hours_ago(3))
    arrange(newsroom["investigation"], goes_live_at=hours_ago(2))
    arrange(newsroom["match"], section=world, goes_live_at=hours_ago(5))
    arrange(newsroom["match"], goes_live_at=None)
    arrange(newsroom["match"], goes_live_at=timezone.now() + timedelta(hours=1))
    states = {
        arrangement.pk: arrangement.state for arrangement in Arrangement.objects.with_superseded()
    }
    assert sorted(states.values()) == ["draft", "live", "live", "replaced", "scheduled"]
    assert states == {a.pk: a.state for a in Arrangement.objects.all()}  # row by row agrees
    client.force_login(editor)
    url = reverse("admin:curation_arrangement_changelist")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(5):
        arrange(newsroom["match"], goes_live_at=hours_ago(4))
    with CaptureQueriesContext(connection) as more:
        page = client.get(url).content.decode()
    assert len(few) == len(more)
    assert page.count("Replaced") == 6
