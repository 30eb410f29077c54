"""Shared personas (reader, reporter, editor) and fixtures for the whole suite."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.core.management import call_command

from articles.models import Publisher
from tests.factories import jpeg_bytes, make_author


@pytest.fixture(scope="session", autouse=True)
def collected_static():
    """Tests run as production does: hashed, compressed static files served by whitenoise."""
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded files go to a temporary folder, never the developer's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def publisher(db):
    publisher = Publisher.load()
    publisher.name = "The Test Wire"
    publisher.licensing_email = "licensing@test.example"
    publisher.terms = "Free to republish with our logo, byline and affiliation."
    publisher.logo.save("logo.png", ContentFile(jpeg_bytes((200, 40))), save=False)
    publisher.save()
    return publisher


def _staff(username, group_name):
    user = User.objects.create_user(
        username, f"{username}@example.org", "pw-for-tests-1", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def reporter(db):
    """A reporter with their own author profile."""
    user = _staff("rita", "Reporter")
    make_author(name="Rita Reporter", slug="rita-reporter", user=user)
    return user


@pytest.fixture
def editor(db):
    return _staff("eddie", "Editor")


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("sue", "sue@example.org", "pw-for-tests-1")
