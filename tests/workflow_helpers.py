"""Helpers for the workflow tests: a publishable story, the change-form data, the messages."""

import reversion
from django.contrib.auth.models import Group, User
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.factories import make_article, make_photo


def publishable_article(author, **fields):
    """A story that meets every publishing precondition, bylined to `author`.

    Saved with a first revision, as the admin would have done.
    """
    defaults = {"status": "draft", "publish_at": None, "lead_photo": make_photo()}
    with reversion.create_revision():
        return make_article(authors=[author], **(defaults | fields))


def staff_user(username, group_name):
    user = User.objects.create_user(username, f"{username}@example.org", "pw-for-tests-1")
    user.is_staff = True
    user.first_name = username.capitalize()
    user.save()
    user.groups.add(Group.objects.get(name=group_name))
    return user


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def transition_url(article, name):
    return reverse("admin:articles_article_transition", args=[article.pk, name])


def messages_of(response):
    """The messages the admin gave the user with this response, as text."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def change_form_data(article, loaded_version=None, **changes):
    """What the admin's change form posts for `article`, with `changes` applied."""
    data = {
        "kicker": article.kicker,
        "headline": article.headline,
        "slug": article.slug,
        "dek": article.dek,
        "section": article.section_id or "",
        "dateline": article.dateline,
        "body": article.body,
        "lead_photo": article.lead_photo_id or "",
        "tags": ", ".join(tag.name for tag in article.tags.all()),
        "licence": article.licence,
        "terms": article.terms,
        "loaded_version": article.version if loaded_version is None else loaded_version,
        "_continue": "Save and continue editing",
    }
    bylines = list(article.bylines.all())
    data |= {
        "bylines-TOTAL_FORMS": len(bylines),
        "bylines-INITIAL_FORMS": len(bylines),
        "bylines-MIN_NUM_FORMS": 0,
        "bylines-MAX_NUM_FORMS": 1000,
    }
    for index, byline in enumerate(bylines):
        data |= {
            f"bylines-{index}-id": byline.pk,
            f"bylines-{index}-article": article.pk,
            f"bylines-{index}-author": byline.author_id,
            f"bylines-{index}-role": byline.role,
            f"bylines-{index}-position": byline.position,
        }
    links = list(article.related_links.all())
    data |= {
        "related_links-TOTAL_FORMS": len(links),
        "related_links-INITIAL_FORMS": len(links),
        "related_links-MIN_NUM_FORMS": 0,
        "related_links-MAX_NUM_FORMS": 1000,
    }
    for index, link in enumerate(links):
        data |= {
            f"related_links-{index}-id": link.pk,
            f"related_links-{index}-article": article.pk,
            f"related_links-{index}-related": link.related_id,
            f"related_links-{index}-position": link.position,
        }
    return data | changes
