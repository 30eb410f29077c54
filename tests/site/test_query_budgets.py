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

from articles.models import Article, Author, Byline
from tests.factories import make_article, make_photo, make_section

pytestmark = pytest.mark.django_db

# Each includes the breaking-news banners, read into the cache by the first page after a banner
# changes (reader/breaking_news.py), and the front and section pages the arrangement of their top.
ARTICLE_BUDGET = 7
LISTING_BUDGET = 8
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
    Page("reader:article-detail", ARTICLE_BUDGET, article),
    Page("republication:article-republish", ARTICLE_BUDGET, article),
    Page("reader:section", LISTING_BUDGET, lambda world: {"slug": world["section"]}),
    Page("reader:section", LISTING_BUDGET, lambda world: {"slug": world["section"]}, "?page=2"),
    Page("reader:tag", LISTING_BUDGET, lambda world: {"slug": world["tag"]}),
    Page("reader:tag", LISTING_BUDGET, lambda world: {"slug": world["tag"]}, "?page=2"),
    Page("reader:author", LISTING_BUDGET, lambda world: {"slug": world["author"]}),
    Page("republication:terms", LISTING_BUDGET),
    Page("reader:corrections", LISTING_BUDGET),
    Page("reader:search", LISTING_BUDGET, query="?q=story"),
    Page("reader:search", LISTING_BUDGET, query="?q=story&page=2"),
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
        for name in ["articles", "news", "sections", "authors", "tags"]
    ),
    Page("reader:robots-txt", FEED_BUDGET),
]


def build_world(name, articles, people):
    """`articles` published stories, each with `people` authors and `people` tags and a photo.

    The stories share a section, and their first author and tag, whose pages list them all.
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
    return {
        "article": stories[0].slug,
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


def curate(world_section, stories, section=None):
    """A live arrangement of five stories (lead and four featured), each with overrides."""
    from curation.models import Arrangement, Slot

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
    from articles.models import Section

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
