"""What machines read on an article page: canonical link, NewsArticle JSON-LD, social cards."""

import json
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from articles.models import Article
from reader.structured_data import schema_images
from tests.factories import make_article, make_author, make_photo, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(publisher):
    photo = make_photo(
        agency="REUTERS",
        photographer="Alexei Druzhinin",
        copyright_notice="© 2026 Reuters",
        alt_text="Cranes at dusk",
    )
    story = make_article(
        headline="Harbour talks stall",
        slug="harbour-talks-stall",
        dek="No deal in sight.",
        section=make_section(name="World"),
        authors=[
            make_author(name="Saga Lund", slug="saga-lund", job_title="Correspondent"),
            make_author(name="Ola Berg", slug="ola-berg"),
        ],
        tags=["Diplomacy", "Fisheries"],
        lead_photo=photo,
    )
    # Changed after publication: dateModified must say so.
    Article.objects.filter(pk=story.pk).update(updated_at=timezone.now() + timedelta(minutes=5))
    return Article.objects.get(pk=story.pk)


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def test_article_page_has_canonical_link(client, story):
    html = client.get(story.get_absolute_url()).content.decode()
    assert (
        f'<link rel="canonical" href="{settings.SITE_URL}/articles/harbour-talks-stall/">' in html
    )


def test_news_article_json_ld(client, story):
    html = client.get(story.get_absolute_url()).content.decode()
    (data,) = json_ld(html)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Harbour talks stall"
    iso_with_zone = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$"
    assert re.match(iso_with_zone, data["datePublished"])
    assert re.match(iso_with_zone, data["dateModified"])
    assert data["dateModified"] > data["datePublished"]
    assert data["author"] == [
        {"@type": "Person", "name": "Saga Lund", "url": f"{settings.SITE_URL}/author/saga-lund/"},
        {"@type": "Person", "name": "Ola Berg", "url": f"{settings.SITE_URL}/author/ola-berg/"},
    ]
    assert data["publisher"]["@type"] == "Organization"
    assert data["publisher"]["name"] == "The Test Wire"
    assert data["publisher"]["logo"]["url"].startswith(settings.SITE_URL)
    assert data["articleSection"] == "World"
    assert set(data["keywords"]) == {"Diplomacy", "Fisheries"}
    image = data["image"][0]
    assert image["creditText"] == "REUTERS/Alexei Druzhinin"
    assert image["creator"] == {"@type": "Person", "name": "Alexei Druzhinin"}
    assert image["copyrightNotice"] == "© 2026 Reuters"
    assert image["url"].startswith(settings.SITE_URL)
    for version in data["image"]:
        assert version["width"] * version["height"] >= 50_000


def test_image_versions_come_from_one_function(story):
    versions = schema_images(story.lead_photo)
    assert versions and {"ratio", "url", "width", "height"} <= set(versions[0])
    assert schema_images(None) == []


def test_json_ld_cannot_break_out_of_its_script_block(client, publisher):
    story = make_article(headline="</script><script>alert(1)</script>")
    html = client.get(story.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in html
    (data,) = json_ld(html)
    assert data["headline"] == "</script><script>alert(1)</script>"


def test_open_graph_and_twitter_cards(client, story):
    html = client.get(story.get_absolute_url()).content.decode()
    for expected in [
        '<meta property="og:type" content="article">',
        '<meta property="og:title" content="Harbour talks stall">',
        '<meta property="og:description" content="No deal in sight.">',
        f'<meta property="og:url" content="{settings.SITE_URL}/articles/harbour-talks-stall/">',
        '<meta property="og:site_name" content="The Test Wire">',
        f'<meta property="og:image" content="{settings.SITE_URL}/media/',
        '<meta property="og:image:alt" content="Cranes at dusk">',
        '<meta property="article:section" content="World">',
        '<meta property="article:tag" content="Diplomacy">',
        '<meta name="twitter:card" content="summary_large_image">',
        '<meta name="twitter:title" content="Harbour talks stall">',
    ]:
        assert expected in html, expected


def test_story_without_photo_gets_a_plain_card(client, publisher):
    story = make_article()
    html = client.get(story.get_absolute_url()).content.decode()
    assert '<meta name="twitter:card" content="summary">' in html
    (data,) = json_ld(html)
    assert "image" not in data


def test_json_ld_offers_each_crop_of_the_photo_with_its_credit(client, story):
    crops = story.lead_photo.crops()
    assert [crop["ratio"] for crop in crops] == ["16:9", "4:3", "1:1"]
    html = client.get(story.get_absolute_url()).content.decode()
    (data,) = json_ld(html)
    assert [(image["url"], image["width"], image["height"]) for image in data["image"]] == [
        (f"{settings.SITE_URL}{crop['url']}", crop["width"], crop["height"]) for crop in crops
    ]
    assert all(image["creditText"] == "REUTERS/Alexei Druzhinin" for image in data["image"])
    first = f"{settings.SITE_URL}{crops[0]['url']}"
    assert f'<meta property="og:image" content="{first}">' in html


def test_listing_pages_have_canonical_links_and_author_pages_a_profile(client, story, settings):
    settings.ARTICLES_PER_PAGE = 1
    make_article(section=story.section)
    section_page = client.get(story.section.get_absolute_url() + "?page=2").content.decode()
    canonical = f"{settings.SITE_URL}{story.section.get_absolute_url()}?page=2"
    assert f'<link rel="canonical" href="{canonical}">' in section_page
    html = client.get("/author/saga-lund/").content.decode()
    assert f'<link rel="canonical" href="{settings.SITE_URL}/author/saga-lund/">' in html
    (profile,) = json_ld(html)
    assert profile["@type"] == "ProfilePage"
    person = profile["mainEntity"]
    assert person["name"] == "Saga Lund"
    assert person["jobTitle"] == "Correspondent"
    assert person["worksFor"]["name"] == "The Test Wire"
    assert person["sameAs"][0].startswith("https://x.com/reporter")
