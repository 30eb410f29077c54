"""The page cache retires the pages that show a story as related or as a series part."""

import pytest

from articles.models import Article, RelatedStory, Series, SeriesPart
from tests.factories import make_article, make_section

pytestmark = pytest.mark.django_db


def html(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def assert_cached(client, url, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


@pytest.fixture
def series(publisher):
    one = make_article(headline="The money trail", slug="the-money-trail")
    two = make_article(
        headline="The shell companies", slug="shell-companies", status=Article.Status.DRAFT
    )
    series = Series.objects.create(name="The harbour files", slug="the-harbour-files")
    SeriesPart.objects.create(series=series, article=one, position=1)
    SeriesPart.objects.create(series=series, article=two, position=2)
    return series


def test_publishing_a_part_retires_the_series_page_and_the_other_parts(client, series):
    one, two = (part.article for part in series.parts.all())
    assert "Part 1 of 1" in html(client, one.get_absolute_url())
    html(client, series.get_absolute_url())
    two.status = Article.Status.PUBLISHED
    two.save()
    assert "Part 1 of 2" in html(client, one.get_absolute_url())
    assert "The shell companies" in html(client, series.get_absolute_url())

    two.status = Article.Status.WITHDRAWN
    two.save()
    assert "The shell companies" not in html(client, one.get_absolute_url())
    assert "The shell companies" not in html(client, series.get_absolute_url())


def test_arranging_a_series_retires_its_pages(client, series):
    one = series.parts.get(position=1).article
    html(client, one.get_absolute_url())
    series.name = "The port files"
    series.save()
    assert "The port files" in html(client, one.get_absolute_url())
    other = make_article(headline="A new chapter")
    SeriesPart.objects.create(series=series, article=other, position=0)
    page = html(client, one.get_absolute_url())
    assert "Part 2 of 2" in page and "A new chapter" in page


def test_a_story_picked_as_related_leaves_the_page_when_withdrawn(
    client, publisher, django_assert_num_queries
):
    story = make_article(headline="Harbour strike")
    picked = make_article(headline="Dockers vote", section=make_section())
    bystander = make_article(headline="Rates held", section=make_section())
    html(client, bystander.get_absolute_url())
    RelatedStory.objects.create(article=story, related=picked)
    assert "Dockers vote" in html(client, story.get_absolute_url())
    picked.headline = "Dockers vote to strike"
    picked.save()
    assert "Dockers vote to strike" in html(client, story.get_absolute_url())
    picked.status = Article.Status.WITHDRAWN
    picked.save()
    assert "Dockers vote" not in html(client, story.get_absolute_url())
    assert_cached(client, bystander.get_absolute_url(), django_assert_num_queries)


def test_a_withdrawn_story_leaves_the_automatic_lists_at_once(client, publisher):
    section = make_section()
    story = make_article(headline="Harbour strike", section=section)
    neighbour = make_article(headline="Dockers vote", section=section)
    assert "Dockers vote" in html(client, story.get_absolute_url())
    neighbour.status = Article.Status.WITHDRAWN
    neighbour.save()
    assert "Dockers vote" not in html(client, story.get_absolute_url())
