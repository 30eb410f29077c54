"""Query budgets: every public page costs a fixed, small number of queries, whatever the data.

PAGES is the list to extend when a page is added (search, feeds, sitemaps, ...): a URL name, a
function from a world (see build_world) to the URL's kwargs, an optional query string, and the
budget. Each page is measured with the page cache off (the worst case) in a small newsroom and in
a large one, and must stay within budget and cost exactly the same in both.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles.models import Article, Author, Byline, RelatedStory, Section, Series, SeriesPart
from curation.models import Arrangement, Slot
from live.models import LiveCoverage, LiveEntry
from tests.factories import make_article, make_author, make_photo, make_section

pytestmark = pytest.mark.django_db

# Each HTML page includes the breaking-news banners, read into the cache by the first page after
# a banner changes (reader/breaking_news.py), and the front and section pages the arrangement
# of their top.
ARTICLE_BUDGET = 7
# The reader's article page also reads its related stories (one query, picked or automatic),
# and the published parts of its series, if it is in one (one more); its corrections only if
# it has some (one more: tests/reader/test_views.py).
ARTICLE_PAGE_BUDGET = ARTICLE_BUDGET
SERIES_ARTICLE_BUDGET = ARTICLE_PAGE_BUDGET + 1
LISTING_BUDGET = 8
# Search reads the newest matches' ids (counted from them), the page's ranked rows and their
# bylines.
SEARCH_BUDGET = 6
# A feed also reads the inline photos of its stories (one query, whatever their number).
FEED_BUDGET = 7
ADMIN_CHANGELIST_BUDGET = 20


@dataclass
class Page:
    url_name: str
    budget: int
    kwargs: object = field(default=lambda world: {})
    query: str = ""

    def url(self, world):
        return reverse(self.url_name, kwargs=self.kwargs(world)) + self.query

    def __str__(self):
        return self.url_name + self.query


def article(world):
    return {"slug": world["article"]}


PAGES = [
    Page("reader:front-page", LISTING_BUDGET),
    Page("reader:article-detail", ARTICLE_PAGE_BUDGET, article),
    Page("reader:article-detail", ARTICLE_PAGE_BUDGET, lambda world: {"slug": world["picking"]}),
    Page("reader:article-detail", SERIES_ARTICLE_BUDGET, lambda world: {"slug": world["part"]}),
    Page("republication:article-republish", ARTICLE_BUDGET, lambda world: {"slug": world["part"]}),
    Page("republication:article-ninjs", ARTICLE_BUDGET, lambda world: {"slug": world["part"]}),
    Page("reader:series", LISTING_BUDGET, lambda world: {"slug": world["series"]}),
    Page("reader:series-rss", FEED_BUDGET, lambda world: {"slug": world["series"]}),
    Page("reader:series-atom", FEED_BUDGET, lambda world: {"slug": world["series"]}),
    Page("republication:article-republish", ARTICLE_BUDGET, article),
    Page("reader:section", LISTING_BUDGET, lambda world: {"slug": world["section"]}),
    Page("reader:section", LISTING_BUDGET, lambda world: {"slug": world["section"]}, "?page=2"),
    Page("reader:tag", LISTING_BUDGET, lambda world: {"slug": world["tag"]}),
    Page("reader:tag", LISTING_BUDGET, lambda world: {"slug": world["tag"]}, "?page=2"),
    Page("reader:author", LISTING_BUDGET, lambda world: {"slug": world["author"]}),
    Page("republication:terms", LISTING_BUDGET),
    Page("reader:corrections", LISTING_BUDGET),
    Page("reader:search", SEARCH_BUDGET, query="?q=story"),
    Page("reader:search", SEARCH_BUDGET, query="?q=story&page=2"),
    Page("republication:article-republish-panel", ARTICLE_BUDGET, article),
    Page("republication:article-ninjs", ARTICLE_BUDGET, article),
    Page("reader:feed-rss", FEED_BUDGET),
    Page("reader:feed-atom", FEED_BUDGET),
    Page("reader:feed-json", FEED_BUDGET),
    Page("reader:section-rss", FEED_BUDGET, lambda world: {"slug": world["section"]}),
    Page("reader:author-atom", FEED_BUDGET, lambda world: {"slug": world["author"]}),
    Page("reader:tag-rss", FEED_BUDGET, lambda world: {"slug": world["tag"]}),
    Page("reader:sitemap-index", FEED_BUDGET),
    *(
        Page("reader:sitemap-section", FEED_BUDGET, lambda world, name=name: {"section": name})
        for name in ["articles", "news", "sections", "authors", "tags", "series"]
    ),
    Page("reader:robots-txt", FEED_BUDGET),
]


def build_world(name, articles, people):
    """`articles` published stories, each with `people` authors and `people` tags and a photo.

    The stories share a section, and their first author and tag, whose pages list them all.
    Half of them form a series (the first story is not in it); the second story has the
    other half picked as its related stories.
    """
    section = make_section(name=f"Section {name}", slug=f"section-{name}")
    photo = make_photo()
    authors = Author.objects.bulk_create(
        Author(name=f"Author {name} {n}", slug=f"author-{name}-{n}") for n in range(people)
    )
    tags = Tag.objects.bulk_create(
        Tag(name=f"Tag {name} {n}", slug=f"tag-{name}-{n}") for n in range(people)
    )
    now = timezone.now()
    stories = Article.objects.bulk_create(
        Article(
            headline=f"Story {name} {n}",
            slug=f"story-{name}-{n}",
            dek="A standfirst.",
            body="<p>Body.</p>",
            section=section,
            lead_photo=photo,
            status=Article.Status.PUBLISHED,
            publish_at=now - timedelta(minutes=n + 1),
        )
        for n in range(articles)
    )
    Byline.objects.bulk_create(
        Byline(article=story, author=author, position=position)
        for story in stories
        for position, author in enumerate(authors)
    )
    TaggedItem.objects.bulk_create(
        TaggedItem(content_object=story, tag=tag) for story in stories for tag in tags
    )
    series = Series.objects.create(name=f"Series {name}", slug=f"series-{name}")
    half = articles // 2
    SeriesPart.objects.bulk_create(
        SeriesPart(series=series, article=story, position=position)
        for position, story in enumerate(stories[half:])
    )
    RelatedStory.objects.bulk_create(
        RelatedStory(article=stories[1], related=story, position=position)
        for position, story in enumerate(stories[2:half])
    )
    return {
        "article": stories[0].slug,
        "picking": stories[1].slug,
        "part": stories[-1].slug,
        "series": series.slug,
        "section": section.slug,
        "tag": tags[0].slug,
        "author": authors[0].slug,
    }


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.fixture
def worlds(settings, publisher):
    """A small newsroom (10 stories, 1 author and tag each) and a large one (80, 20 and 20)."""
    settings.PAGE_CACHE = False
    settings.ARTICLES_PER_PAGE = 5  # so both have a second page
    return build_world("small", articles=10, people=1), build_world("large", articles=80, people=20)


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_page_costs_the_same_small_budget_whatever_the_newsroom(
    client, worlds, page, django_assert_max_num_queries
):
    small, large = worlds
    with django_assert_max_num_queries(page.budget):
        client.get(page.url(large))
    assert count_queries(client, page.url(large)) == count_queries(client, page.url(small))


def test_cached_pages_cost_no_query(client, worlds, settings, django_assert_num_queries):
    settings.PAGE_CACHE = True
    _small, large = worlds
    for page in PAGES:
        client.get(page.url(large))
        with django_assert_num_queries(0):
            assert client.get(page.url(large)).status_code == 200


def test_admin_article_list_costs_the_same_per_page(client, superuser, publisher):
    client.force_login(superuser)
    url = reverse("admin:articles_article_changelist")
    make_article(authors=[])
    few = count_queries(client, url)
    build_world("many", articles=150, people=5)  # more than a page of 100
    many = count_queries(client, url)
    with CaptureQueriesContext(connection) as second_page:
        assert client.get(url + "?p=2").status_code == 200
    assert few == many == len(second_page) <= ADMIN_CHANGELIST_BUDGET


# A live story's page adds its entries: the pinned ones, a page of the others and their count,
# and the newest for its JSON-LD; its poll is the story and its newest entries.
LIVE_BUDGET = ARTICLE_BUDGET + 4
LIVE_POLL_BUDGET = 3


def build_live_story(name, entries, photo):
    """A published live story with `entries` published entries, every third with a photo, two
    authors taking turns and one pinned entry."""
    coverage = LiveCoverage.objects.create(
        article=make_article(slug=f"live-{name}", lead_photo=photo)
    )
    authors = [make_author(), make_author()]
    now = timezone.now()
    LiveEntry.objects.bulk_create(
        LiveEntry(
            coverage=coverage,
            text=f"<p>Update {n}.</p>",
            photo=photo if n % 3 == 0 else None,
            author=authors[n % 2],
            pinned=n == 0,
            status=LiveEntry.Status.PUBLISHED,
            published_at=now - timedelta(minutes=n),
        )
        for n in range(entries)
    )
    return coverage


@pytest.mark.parametrize("query", ["", "?page=2", "?page=25"], ids=["first", "second", "last"])
def test_live_story_with_500_entries_costs_what_one_with_30_does(
    client, publisher, settings, query
):
    settings.PAGE_CACHE = False
    photo = make_photo()
    small = build_live_story("small", entries=30, photo=photo)
    large = build_live_story("large", entries=500, photo=photo)
    page_size = settings.LIVE_ENTRIES_PER_PAGE
    # The small story's last page stands for the large one's.
    query_small = f"?page={-(-29 // page_size)}" if query == "?page=25" else query
    client.get(small.get_absolute_url())  # the site's furniture, cached for every page
    large_cost = count_queries(client, large.get_absolute_url() + query)
    assert large_cost <= LIVE_BUDGET
    assert large_cost == count_queries(client, small.get_absolute_url() + query_small)
    page = client.get(large.get_absolute_url() + query).content.decode()
    number = int(query.removeprefix("?page=") or 1)
    shown = min(page_size, 499 - (number - 1) * page_size) + (1 if number == 1 else 0)
    assert page.count("data-live-entry=") == shown
    for coverage in [small, large]:
        poll = reverse("reader:article-live", args=[coverage.article.slug])
        assert count_queries(client, poll) <= LIVE_POLL_BUDGET


def curate(world_section, stories, section=None):
    """A live arrangement of five stories (lead and four featured), each with overrides."""
    arrangement = Arrangement.objects.create(
        section=section, goes_live_at=timezone.now() - timedelta(minutes=1)
    )
    Slot.objects.bulk_create(
        Slot(
            arrangement=arrangement,
            position=n,
            article=story,
            headline=f"Override {n}",
            crop="16:9",
        )
        for n, story in enumerate(stories)
    )


@pytest.mark.parametrize("page", ["front", "section"])
def test_curated_pages_keep_the_listing_budget_whatever_the_newsroom(
    client, worlds, page, django_assert_max_num_queries
):
    """The front page and a section page with five curated slots: within the listing budget,
    and the same cost in a small and a large newsroom."""
    costs = []
    for world in worlds:
        section = Section.objects.get(slug=world["section"])
        stories = list(Article.objects.filter(section=section).order_by("pk")[2:7])
        curate(section, stories, section=section if page == "section" else None)
        url = section.get_absolute_url() if page == "section" else "/"
        with django_assert_max_num_queries(LISTING_BUDGET):
            response = client.get(url)
        assert [pick.article for pick in response.context["featured"]] == stories[1:]
        costs.append(count_queries(client, url))
    assert costs[0] == costs[1]
