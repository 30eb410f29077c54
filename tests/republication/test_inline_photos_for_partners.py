"""Photos inside a story's body reach partners only where our rights let them reuse the photo."""

import json
import os
from pathlib import Path

import feedparser
import pytest
from django.urls import reverse

from tests.factories import make_article, make_photo

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"


@pytest.fixture
def two_photo_story(publisher):
    """A story with a republishable lead photo and two inline photos: one free, one not."""
    free = make_photo(caption="Free harbour photo.", agency="OWNPIX", may_republish=True)
    restricted = make_photo(caption="Agency quay photo.", agency="WIREAGENCY", may_republish=False)
    story = make_article(
        headline="Two photos in the body",
        slug="two-photos",
        lead_photo=make_photo(caption="Lead.", may_republish=True),
        body=(
            "<p>First paragraph.</p>"
            f'<figure data-photo-id="{free.pk}"></figure>'
            "<p>Second paragraph.</p>"
            f'<figure data-photo-id="{restricted.pk}"></figure>'
            "<p>Third paragraph.</p>"
        ),
    )
    return story, free, restricted


def image_names(photo):
    """Every public file of the photo (by its address): none may appear where it is left out."""
    sources = photo.sources("jpeg") + photo.sources("webp")
    return [url for url, _w, _h in sources] + [crop["url"] for crop in photo.crops()]


def assert_carries_only(text, free, restricted):
    assert any(name in text for name in image_names(free)), "the free photo is missing"
    assert "Free harbour photo." in text
    for name in image_names(restricted):
        assert name not in text, "a photo partners may not reuse was handed over"
    assert "Agency quay photo." not in text
    assert "WIREAGENCY" not in text


def test_partner_copy_carries_only_the_republishable_inline_photo(client, two_photo_story):
    story, free, restricted = two_photo_story
    response = client.get(reverse("republication:article-republish", args=[story.slug]))
    republication = response.context["republication"]
    for copy in (republication["snippet_html"], republication["snippet_text"]):
        assert "Second paragraph." in copy
    assert_carries_only(republication["snippet_html"], free, restricted)
    assert f'src="{SITE}{free.public_url}"' in republication["snippet_html"]
    assert republication["photos_omitted"] == 1
    page = response.content.decode()
    assert "may not be republished for rights reasons and has been left out" in page


def test_ninjs_carries_only_the_republishable_inline_photo(client, two_photo_story):
    story, free, restricted = two_photo_story
    response = client.get(reverse("republication:article-ninjs", args=[story.slug]))
    document = json.loads(response.content)
    assert_carries_only(json.dumps(document), free, restricted)
    associations = document["associations"]
    assert [item["uri"] for item in associations] == [
        SITE + story.lead_photo.public_url,
        SITE + free.public_url,
    ]
    assert "left out" in document["edNote"]


def test_ninjs_has_no_note_when_every_photo_may_be_republished(client, two_photo_story):
    story, _free, restricted = two_photo_story
    restricted.may_republish = True
    restricted.save()
    document = json.loads(
        client.get(reverse("republication:article-ninjs", args=[story.slug])).content
    )
    assert "edNote" not in document
    assert len(document["associations"]) == 3


@pytest.mark.parametrize("feed", ["reader:feed-rss", "reader:feed-atom"])
def test_feeds_carry_only_the_republishable_inline_photo(client, two_photo_story, feed):
    _story, free, restricted = two_photo_story
    parsed = feedparser.parse(client.get(reverse(feed)).content)
    assert not parsed.bozo
    content = parsed.entries[0].content[0].value
    assert "Second paragraph." in content
    assert_carries_only(content, free, restricted)
    assert "may not be republished for rights reasons and has been left out" in content


def test_json_feed_carries_only_the_republishable_inline_photo(client, two_photo_story):
    _story, free, restricted = two_photo_story
    feed = json.loads(client.get(reverse("reader:feed-json")).content)
    assert_carries_only(feed["items"][0]["content_html"], free, restricted)


def test_structured_data_offers_only_the_republishable_inline_photo(client, two_photo_story):
    story, free, restricted = two_photo_story
    page = client.get(story.get_absolute_url()).content.decode()
    json_ld = page.split('<script type="application/ld+json">')[1].split("</script>")[0]
    images = json.loads(json_ld)["image"]
    urls = json.dumps(images)
    assert any(name in urls for name in image_names(free))
    assert not any(name in urls for name in image_names(restricted))


def test_readers_see_both_inline_photos_with_caption_and_credit(client, two_photo_story):
    story, free, restricted = two_photo_story
    page = client.get(story.get_absolute_url()).content.decode()
    for photo in (free, restricted):
        assert any(name in page for name in image_names(photo))
        assert photo.caption in page
        assert photo.credit_line in page
        assert f'alt="{photo.alt_text}"' in page
    assert "data-photo-id" not in page


def test_ninjs_with_inline_photos_and_a_note_validates_against_the_iptc_schema(
    client, two_photo_story
):
    schema_path = os.environ.get("NINJS_SCHEMA")
    if not schema_path:
        pytest.skip("NINJS_SCHEMA is not set: no ninjs 3.1 schema to validate against")
    import jsonschema

    story, _free, _restricted = two_photo_story
    document = json.loads(
        client.get(reverse("republication:article-ninjs", args=[story.slug])).content
    )
    assert document["edNote"]
    validator = jsonschema.Draft202012Validator(
        json.loads(Path(schema_path).read_text()),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    assert not [error.message for error in validator.iter_errors(document)]
    assert list(validator.iter_errors(document | {"edNote": 3}))
