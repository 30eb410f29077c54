"""Reporter and Editor: one table (articles/roles.py), applied by migrate and by sync_roles."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from articles import roles
from articles.roles import ROLES, sync_roles

pytestmark = pytest.mark.django_db


def expected(name):
    return {f"{app}.{codename}" for app, codenames in ROLES[name].items() for codename in codenames}


def granted(name):
    permissions = Group.objects.get(name=name).permissions.select_related("content_type")
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions}


def sync(*args):
    out = io.StringIO()
    call_command("sync_roles", *args, stdout=out)
    return out.getvalue()


def test_migrate_alone_makes_both_roles_with_exactly_their_permissions():
    """The test database was made by `migrate`: its post_migrate handler created the groups."""
    assert set(Group.objects.values_list("name", flat=True)) >= {"Reporter", "Editor"}
    assert granted("Reporter") == expected("Reporter")
    assert granted("Editor") == expected("Editor")


def test_only_editors_may_publish_delete_or_edit_any_story():
    editorial_powers = {
        "articles.publish_article",
        "articles.edit_any_article",
        "articles.delete_article",
    }
    assert editorial_powers <= expected("Editor")
    assert not editorial_powers & expected("Reporter")


def test_sync_roles_twice_changes_nothing():
    sync()
    first = (granted("Reporter"), granted("Editor"), Group.objects.count())
    assert "already match" in sync()
    assert (granted("Reporter"), granted("Editor"), Group.objects.count()) == first


def test_sync_roles_repairs_a_group_whose_permissions_were_changed():
    editor = Group.objects.get(name="Editor")
    editor.permissions.remove(Permission.objects.get(codename="publish_article"))
    editor.permissions.add(Permission.objects.get(codename="delete_author"))
    Group.objects.get(name="Reporter").delete()

    out = sync()

    assert "Editor: grant articles.publish_article; revoke articles.delete_author" in out
    assert "Reporter: create the group" in out
    assert granted("Editor") == expected("Editor")
    assert granted("Reporter") == expected("Reporter")


def test_dry_run_says_what_it_would_do_and_does_nothing():
    editor = Group.objects.get(name="Editor")
    editor.permissions.remove(Permission.objects.get(codename="publish_article"))

    out = sync("--dry-run")

    assert "Editor: grant articles.publish_article" in out
    assert "would change" in out
    assert "articles.publish_article" not in granted("Editor")


def test_a_permission_that_does_not_exist_is_an_error_and_changes_nothing(monkeypatch):
    broken = {**ROLES, "Editor": {**ROLES["Editor"], "articles": ["publish_artcle"]}}
    monkeypatch.setattr(roles, "ROLES", broken)
    Group.objects.get(name="Reporter").delete()

    with pytest.raises(ImproperlyConfigured, match="articles.publish_artcle"):
        sync_roles()

    assert not Group.objects.filter(name="Reporter").exists()


@pytest.mark.django_db(transaction=True)
def test_flushing_the_database_brings_the_roles_back():
    """A flush empties every table, then sends post_migrate, as migrate does."""
    Group.objects.all().delete()
    call_command("flush", interactive=False, verbosity=0)
    assert granted("Reporter") == expected("Reporter")
    assert granted("Editor") == expected("Editor")
