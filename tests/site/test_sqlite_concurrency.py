"""Concurrent clicks on SQLite: writers wait their turn, nobody gets an error page."""

import threading

import pytest
from django.db import connection
from django.test import Client

from articles.models import Article, Correction
from tests.factories import make_article

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="PostgreSQL locks rows, not the database"
    ),
]

CLICKS = 8


def test_concurrent_writes_on_sqlite_wait_instead_of_failing_with_database_is_locked(
    superuser, publisher
):
    """Eight editors add a correction to one story at the same moment: every one is saved."""
    article = make_article()
    url = f"/admin/articles/article/{article.pk}/corrections/"
    start = threading.Barrier(CLICKS)
    statuses = []

    def click(number):
        client = Client(raise_request_exception=False)
        client.force_login(superuser)
        start.wait()
        response = client.post(url, {"kind": "correction", "text": f"Correction {number}."})
        statuses.append(response.status_code)
        connection.close()

    threads = [threading.Thread(target=click, args=[n]) for n in range(CLICKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302] * CLICKS
    assert Correction.objects.filter(article=article).count() == CLICKS
    assert Article.objects.get(pk=article.pk).corrections.count() == CLICKS
