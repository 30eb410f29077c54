"""The demo newsroom loads, covers every state, and loads again without duplicating."""

import ast
import io
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

import articles
from articles.models import Article, Author, ImageCredit, Publisher, Section

pytestmark = pytest.mark.django_db


def load(settings, debug):
    settings.DEBUG = debug
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())


def test_load_demo_builds_a_whole_newsroom(demo):
    """The session's demo (tests/conftest.py) is what load_demo makes with DEBUG off."""
    assert Article.objects.published().count() >= 12
    assert Section.objects.filter(articles__in=Article.objects.published()).distinct().count() >= 3
    assert (
        Author.objects.exclude(job_title="").exclude(social_url="").exclude(tips_email="").count()
        >= 4
    )
    statuses = set(Article.objects.values_list("status", flat=True))
    assert statuses == {"draft", "in_review", "published", "withdrawn"}
    scheduled = Article.objects.filter(status="published", publish_at__gt=timezone.now())
    assert scheduled.count() == 1
    assert ImageCredit.objects.exclude(special_instructions="").exists()
    assert ImageCredit.objects.filter(may_republish=True).exists()
    assert Publisher.load().logo
    assert Article.objects.published().filter(body__contains="<blockquote>").exists()
    assert not User.objects.exists()  # no logins without DEBUG


def test_load_demo_twice_changes_nothing(demo, settings):
    load(settings, debug=True)  # over the demo: adds the logins
    counts = [m.objects.count() for m in (Article, Author, ImageCredit, Section, User)]
    load(settings, debug=True)
    assert [m.objects.count() for m in (Article, Author, ImageCredit, Section, User)] == counts


def test_demo_logins_are_printed_only_with_debug(demo, settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    assert "reporter / reporter-demo-2026" in capsys.readouterr().out
    assert User.objects.get(username="reporter").groups.filter(name="Reporter").exists()
    assert User.objects.get(username="editor").groups.filter(name="Editor").exists()
    settings.DEBUG = False
    call_command("load_demo")
    assert "reporter-demo-2026" not in capsys.readouterr().out


def test_if_empty_leaves_an_existing_newsroom_alone(demo):
    Article.objects.filter(slug="port-talks-stall-fishing-rights").delete()
    call_command("load_demo", "--if-empty", stdout=io.StringIO())
    assert not Article.objects.filter(slug="port-talks-stall-fishing-rights").exists()


def test_the_tests_that_follow_the_demo_start_from_an_empty_database():
    """The demo's tests above leave nothing behind: their rows are rolled back."""
    for model in (Article, Author, ImageCredit, Section, Publisher, User):
        assert not model.objects.exists(), model


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_migrations_apply_to_an_empty_database_and_back():
    executor = MigrationExecutor(connection)
    executor.migrate([("articles", None)])
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert "articles_article" in connection.introspection.table_names()


def test_no_model_changes_lack_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_migrations_name_no_app_code_but_the_photo_storage_callable():
    """Migrations name Django (and taggit's field); of ours only the callable Django serialises."""
    ours = {"articles", "photos", "pagecache", "republication", "reader", "desk", "newsroom"}
    imported, used = set(), set()
    for path in (Path(articles.__file__).parent / "migrations").glob("0*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                imported.add(node.module)
            elif isinstance(node, ast.Attribute):
                used.add(ast.unparse(node))
    assert {name for name in imported if name.split(".")[0] in ours} == {"photos.storage"}
    assert {name for name in used if name.startswith("photos.")} == {
        "photos.storage",
        "photos.storage.originals_storage",
    }
