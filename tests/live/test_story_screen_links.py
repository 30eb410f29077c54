"""The story's screen leads to its live coverage: open it (editors), add an entry, see it."""

import pytest
from django.urls import reverse

from live.models import LiveCoverage
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def change_page(client, user, article):
    client.force_login(user)
    return client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()


def test_an_editor_may_run_a_story_as_live_coverage_from_its_screen(client, editor):
    article = make_article()
    page = change_page(client, editor, article)
    opening = reverse("admin:live_livecoverage_add") + f"?article={article.pk}"
    assert f'href="{opening}"' in page
    coverage = LiveCoverage.objects.create(article=article)
    page = change_page(client, editor, article)
    assert "Run as live coverage" not in page
    assert reverse("admin:live_livecoverage_change", args=[coverage.pk]) in page
    assert reverse("admin:live_liveentry_add") + f"?coverage={coverage.pk}" in page


def test_a_reporter_sees_only_what_they_may_do(client, reporter):
    article = make_article()
    page = change_page(client, reporter, article)
    assert "Run as live coverage" not in page
    coverage = LiveCoverage.objects.create(article=article, reporters_may_add=False)
    page = change_page(client, reporter, article)
    assert "Add a live entry" not in page
    assert reverse("admin:live_livecoverage_change", args=[coverage.pk]) not in page
    coverage.reporters_may_add = True
    coverage.save()
    page = change_page(client, reporter, article)
    assert reverse("admin:live_liveentry_add") + f"?coverage={coverage.pk}" in page
