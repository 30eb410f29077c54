"""The partner API: keys, rights, filters, paging, caching, limits, corrections, withdrawals."""

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, Licence, Publisher
from republication.models import PartnerKey
from republication.partners import available_to_partners
from tests.factories import make_article, make_photo, make_section
from tests.network import closed_port
from tests.republication.partner_helpers import bearer, make_partner
from tests.workflow_helpers import staff_user

pytestmark = pytest.mark.django_db

STORIES = reverse("republication:api-stories")


def story_url(article):
    return reverse("republication:api-story", args=[article.pk])


@pytest.fixture
def partner_key(publisher):
    publisher.licence = Licence.CC_BY
    publisher.save()
    return make_partner()[1]


def listed(client, key, query=""):
    response = client.get(STORIES + query, **bearer(key))
    assert response.status_code == 200, response.content
    return response.json()


def uris(document):
    return {item["uri"].rsplit("/articles/", 1)[1].strip("/") for item in document["items"]}


def test_without_a_valid_key_the_api_answers_401(client, partner_key):
    make_article(slug="open-story")
    for headers in [{}, bearer("nrp_made-up"), {"HTTP_AUTHORIZATION": partner_key}]:
        response = client.get(STORIES, **headers)
        assert response.status_code == 401
        assert "Bearer" in response["WWW-Authenticate"]
        assert b"open-story" not in response.content


def test_keys_are_stored_hashed_and_shown_once(partner_key):
    stored = PartnerKey.objects.get()
    assert partner_key not in {stored.key_hash, stored.prefix}
    assert len(stored.key_hash) == 64 and partner_key.startswith(stored.prefix)


def test_a_revoked_key_or_a_suspended_partner_is_refused_at_once(client, partner_key):
    assert client.get(STORIES, **bearer(partner_key)).status_code == 200
    key = PartnerKey.objects.get()
    partner = key.partner
    rotated = partner.issue_key()
    key.revoke()
    assert client.get(STORIES, **bearer(partner_key)).status_code == 401
    assert client.get(STORIES, **bearer(rotated)).status_code == 200
    partner.status = partner.Status.SUSPENDED
    partner.save()
    assert client.get(STORIES, **bearer(rotated)).status_code == 401


def test_a_partner_waiting_for_approval_has_no_access(client, publisher):
    partner, key = make_partner()
    partner.status = partner.Status.PENDING
    partner.save()
    assert client.get(STORIES, **bearer(key)).status_code == 401


def test_the_list_holds_only_published_stories_partners_may_take(client, partner_key):
    make_article(slug="open-story")
    make_article(slug="withheld-story", licence=Licence.NONE)
    make_article(slug="draft-story", status=Article.Status.DRAFT, publish_at=None)
    make_article(slug="later-story", publish_at=timezone.now() + timedelta(days=1))
    make_article(slug="withdrawn-story", status=Article.Status.WITHDRAWN)
    document = listed(client, partner_key)
    assert uris(document) == {"open-story"}
    assert document["count"] == 1 and document["items"][0]["pubStatus"] == "usable"


def test_photos_partners_may_not_reuse_are_left_out(client, partner_key):
    make_article(slug="free-photo", lead_photo=make_photo(may_republish=True))
    make_article(
        slug="wire-photo", lead_photo=make_photo(may_republish=False, caption="Cranesecret")
    )
    items = {item["uri"].split("/")[-2]: item for item in listed(client, partner_key)["items"]}
    assert items["free-photo"]["associations"][0]["rel"] == "leadphoto"
    assert "associations" not in items["wire-photo"]
    assert "Cranesecret" not in json.dumps(items["wire-photo"])


def test_the_list_filters_by_section_date_licence_and_update(client, partner_key):
    world = make_section(slug="world")
    old = make_article(slug="old-world", section=world, licence=Licence.CC_BY_ND)
    Article.objects.filter(pk=old.pk).update(
        publish_at=timezone.now() - timedelta(days=3),
        updated_at=timezone.now() - timedelta(days=3),
    )
    make_article(slug="new-world", section=world)
    make_article(slug="new-elsewhere")
    assert uris(listed(client, partner_key, "?section=world")) == {"old-world", "new-world"}
    day = timezone.localdate() - timedelta(days=3)
    assert uris(listed(client, partner_key, f"?date={day}")) == {"old-world"}
    assert uris(listed(client, partner_key, "?licence=cc-by-nd-4.0")) == {"old-world"}
    assert uris(listed(client, partner_key, "?licence=cc-by-4.0")) == {"new-world", "new-elsewhere"}
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert uris(listed(client, partner_key, f"?updated_since={since}")) == {
        "new-world",
        "new-elsewhere",
    }


@pytest.mark.parametrize(
    "query", ["?date=yesterday", "?updated_since=soon", "?licence=none", "?page=two"]
)
def test_a_filter_it_cannot_read_gets_a_clear_400(client, partner_key, query):
    response = client.get(STORIES + query, **bearer(partner_key))
    assert response.status_code == 400
    assert response.json()["error"]


def test_the_list_is_paged(client, partner_key, settings):
    settings.PARTNER_API_PAGE_SIZE = 2
    for number in range(5):
        make_article(slug=f"paged-{number}")
    first = listed(client, partner_key)
    assert first["count"] == 5 and first["pages"] == 3 and len(first["items"]) == 2
    assert first["previous"] is None and "page=2" in first["next"]
    last = listed(client, partner_key, "?page=3")
    assert len(last["items"]) == 1 and last["next"] is None
    seen = uris(first) | uris(listed(client, partner_key, "?page=2")) | uris(last)
    assert seen == {f"paged-{number}" for number in range(5)}
    assert client.get(STORIES + "?page=4", **bearer(partner_key)).status_code == 404


def test_one_story_and_its_corrections(client, partner_key, publisher):
    editor = staff_user("ed", "Editor")
    story = make_article(slug="corrected-story")
    workflow.add_correction(story, editor, "correction", "The minister is Ana Silva.")
    document = client.get(story_url(story), **bearer(partner_key)).json()
    assert document["uri"].endswith("/articles/corrected-story/")
    notes = [item for item in document["descriptions"] if item["role"] == "correction"]
    assert "The minister is Ana Silva." in notes[0]["value"]
    corrections = client.get(
        reverse("republication:api-story-corrections", args=[story.pk]), **bearer(partner_key)
    ).json()
    assert corrections["corrections"][0]["kind"] == "correction"
    assert corrections["corrections"][0]["text"] == "The minister is Ana Silva."


def test_a_story_partners_may_not_take_is_not_found(client, partner_key):
    withheld = make_article(licence=Licence.NONE, body="<p>withheldbody</p>")
    draft = make_article(status=Article.Status.DRAFT, publish_at=None, body="<p>draftbody</p>")
    for article in [withheld, draft]:
        for url in [
            story_url(article),
            reverse("republication:api-story-corrections", args=[article.pk]),
        ]:
            response = client.get(url, **bearer(partner_key))
            assert response.status_code == 404
            assert b"body" not in response.content


def test_a_withdrawn_story_is_canceled_with_the_reason_and_nothing_else(client, partner_key):
    editor = staff_user("ed", "Editor")
    story = make_article(slug="gone-story", body="<p>Retracted claims.</p>")
    workflow.withdraw(story, editor, None, "The central claim could not be verified.")
    response = client.get(story_url(story), **bearer(partner_key))
    document = response.json()
    assert document["pubStatus"] == "canceled"
    assert document["descriptions"] == [
        {
            "role": "withdrawal",
            "contentType": "text/plain",
            "value": "The central claim could not be verified.",
        }
    ]
    assert "Retracted" not in response.content.decode()
    assert "headlines" not in document and "bodies" not in document
    assert story.slug not in json.dumps(listed(client, partner_key))


def test_withdrawals_are_listed_for_partners_catching_up(client, partner_key):
    editor = staff_user("ed", "Editor")
    recent = make_article(slug="recent-withdrawal")
    workflow.withdraw(recent, editor, None, "Legal advice.")
    old = make_article(slug="old-withdrawal")
    workflow.withdraw(old, editor, None, "Old news.")
    old.transitions.update(created_at=timezone.now() - timedelta(days=40))
    withheld = make_article(slug="withheld-withdrawal", licence=Licence.NONE)
    workflow.withdraw(withheld, editor, None, "Not ours to give.")
    never_public = make_article(slug="never-public", status=Article.Status.WITHDRAWN)
    url = reverse("republication:api-withdrawn")
    document = client.get(url, **bearer(partner_key)).json()
    assert [item["uri"].split("/")[-2] for item in document["items"]] == ["recent-withdrawal"]
    assert document["items"][0]["pubStatus"] == "canceled"
    assert document["items"][0]["descriptions"][0]["value"] == "Legal advice."
    since = (timezone.now() - timedelta(days=60)).isoformat()
    older = client.get(url, {"since": since}, **bearer(partner_key)).json()
    assert {item["uri"].split("/")[-2] for item in older["items"]} == {
        "recent-withdrawal",
        "old-withdrawal",
    }
    assert never_public.slug not in json.dumps(older)
    assert client.get(url, {"since": "last week"}, **bearer(partner_key)).status_code == 400


def test_each_key_is_limited_per_minute(client, partner_key, settings):
    settings.PARTNER_API_RATE_LIMIT = 3
    other_key = make_partner(organisation="Other")[1]
    for _request in range(3):
        assert client.get(STORIES, **bearer(partner_key)).status_code == 200
    refused = client.get(STORIES, **bearer(partner_key))
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert client.get(STORIES, **bearer(other_key)).status_code == 200


def test_answers_are_cached_and_retired_by_a_change(
    client, partner_key, django_assert_max_num_queries
):
    story = make_article(slug="cached-story")
    listed(client, partner_key)
    with django_assert_max_num_queries(1):  # the key; the answer comes from the cache
        assert uris(listed(client, partner_key)) == {"cached-story"}
    workflow.withdraw(story, staff_user("ed", "Editor"), None, "Wrong.")
    assert uris(listed(client, partner_key)) == set()


def test_the_api_outlives_its_cache(client, partner_key, settings):
    """With Redis unreachable, saves still succeed and partners are served from the database."""
    settings.CACHES = {
        "default": {
            "BACKEND": "pagecache.backends.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    story = make_article(slug="first-headline")
    story.slug = "second-headline"
    story.save()
    assert uris(listed(client, partner_key)) == {"second-headline"}


def test_answers_are_private_to_the_key(client, partner_key, settings):
    settings.PAGE_CACHE = True
    make_article(slug="open-story")
    response = client.get(STORIES, **bearer(partner_key))
    assert "private" in response["Cache-Control"]
    assert "Authorization" in response["Vary"]
    # Neither the page cache nor the API's own cache hands a keyed answer to anyone else.
    anonymous = client.get(STORIES)
    assert anonymous.status_code == 401 and b"open-story" not in anonymous.content


@pytest.mark.parametrize("stories", [2, 20])
def test_list_and_story_queries_do_not_grow_with_the_stories(
    client, partner_key, stories, django_assert_max_num_queries
):
    editor = staff_user("ed", "Editor")
    for number in range(stories):
        article = make_article(lead_photo=make_photo(may_republish=number % 2 == 0))
        article.tags.add("harbour", f"tag-{number}")
        workflow.add_correction(article, editor, "update", "More detail.")
    # key, publisher, count, stories, bylines, tags, corrections, photos of the bodies
    with django_assert_max_num_queries(8):
        assert len(listed(client, partner_key)["items"]) == min(stories, 20)
    with django_assert_max_num_queries(7):
        response = client.get(story_url(article), **bearer(partner_key))
    assert response.status_code == 200
    for withdrawn in Article.objects.all()[: stories // 2]:
        workflow.withdraw(withdrawn, editor, None, "Withdrawn for the budget.")
    # key, publisher, count, stories, their withdrawals
    with django_assert_max_num_queries(5):
        response = client.get(reverse("republication:api-withdrawn"), **bearer(partner_key))
    assert len(response.json()["items"]) == stories // 2


@pytest.mark.parametrize(
    "licence, publisher_licence",
    [(own, default) for own in ["", *Licence.values] for default in Licence.values],
)
def test_the_partners_queryset_agrees_with_the_story_terms(licence, publisher_licence):
    publisher = Publisher.load()
    publisher.licence = publisher_licence
    publisher.save()
    story = make_article(licence=licence)
    in_queryset = available_to_partners(publisher).filter(pk=story.pk).exists()
    assert in_queryset == story.republication_terms(publisher).republishable


def test_api_ninjs_validates_against_the_iptc_schema(client, partner_key):
    schema_path = os.environ.get("NINJS_SCHEMA")
    if not schema_path:
        pytest.skip("NINJS_SCHEMA is not set: no ninjs 3.1 schema to validate against")
    import jsonschema

    validator = jsonschema.Draft202012Validator(
        json.loads(Path(schema_path).read_text()),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    editor = staff_user("ed", "Editor")
    corrected = make_article(lead_photo=make_photo(may_republish=True))
    workflow.add_correction(corrected, editor, "correction", "A date was wrong.")
    withdrawn = make_article()
    workflow.withdraw(withdrawn, editor, None, "Legal advice.")
    documents = (
        listed(client, partner_key)["items"]
        + client.get(reverse("republication:api-withdrawn"), **bearer(partner_key)).json()["items"]
        + [
            client.get(story_url(article), **bearer(partner_key)).json()
            for article in [corrected, withdrawn]
        ]
    )
    assert {document["pubStatus"] for document in documents} == {"usable", "canceled"}
    for document in documents:
        errors = [error.message for error in validator.iter_errors(document)]
        assert not errors, errors
    assert list(validator.iter_errors(documents[-1] | {"pubStatus": "withdrawn"}))


def test_a_sections_licence_decides_for_its_stories_unless_they_say_otherwise(client, partner_key):
    """Opinion not for republication: its stories are left out of the list, but for one whose
    own licence allows it; a section without a licence follows the publisher's."""
    opinion = make_section(name="Opinion", slug="opinion", licence=Licence.NONE)
    open_section = make_section(name="Open", slug="open", licence=Licence.CC_BY)
    make_article(slug="column", section=opinion)
    make_article(slug="open-column", section=opinion, licence=Licence.CC_BY_ND)
    make_article(slug="open-section-story", section=open_section)
    make_article(slug="plain-story")
    assert uris(listed(client, partner_key)) == {
        "open-column",
        "open-section-story",
        "plain-story",
    }
