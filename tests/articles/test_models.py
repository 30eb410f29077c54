"""The data model: credit lines, slugs, bylines, terms and the published() matrix."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from articles.models import Article, ImageCredit, Licence, Publisher
from tests.factories import make_article, make_author, make_photo

pytestmark = pytest.mark.django_db


def test_credit_line_joins_agency_photographer_providers_and_suffix():
    photo = ImageCredit(
        agency="REUTERS",
        photographer="Alexei Druzhinin",
        providers="RIA Novosti/Kremlin",
        suffix="Files",
    )
    assert photo.credit_line == "REUTERS/Alexei Druzhinin/RIA Novosti/Kremlin/Files"


def test_credit_line_skips_empty_parts():
    assert (
        ImageCredit(photographer="Lena Holm", suffix="Handout").credit_line == "Lena Holm/Handout"
    )
    assert ImageCredit().credit_line == ""


def test_credit_override_replaces_the_built_line():
    photo = ImageCredit(
        agency="AGENCY", photographer="Someone", credit_override="Courtesy of the family"
    )
    assert photo.credit_line == "Courtesy of the family"


def test_photo_records_its_dimensions():
    photo = make_photo()
    assert (photo.width, photo.height) == (640, 400)


def test_slugs_are_unique():
    make_article(slug="same-slug")
    with pytest.raises(IntegrityError):
        make_article(slug="same-slug")


def test_bylines_keep_their_chosen_order_and_roles():
    first, second = make_author(name="Zed"), make_author(name="Amy")
    article = make_article(authors=[first, second])
    article.bylines.filter(author=second).update(role="Additional reporting by")
    bylines = list(article.bylines.all())
    assert [b.author.name for b in bylines] == ["Zed", "Amy"]
    assert bylines[1].role == "Additional reporting by"


NOW = timezone.now()
PAST, FUTURE = NOW - timedelta(hours=1), NOW + timedelta(hours=1)


@pytest.mark.parametrize(
    ("status", "publish_at", "visible"),
    [
        (Article.Status.DRAFT, None, False),
        (Article.Status.DRAFT, PAST, False),
        (Article.Status.IN_REVIEW, PAST, False),
        (Article.Status.PUBLISHED, PAST, True),
        (Article.Status.PUBLISHED, FUTURE, False),
        (Article.Status.WITHDRAWN, PAST, False),
        (Article.Status.WITHDRAWN, FUTURE, False),
    ],
)
def test_published_matrix(status, publish_at, visible):
    article = make_article(status=status, publish_at=publish_at)
    if status != Article.Status.PUBLISHED:
        # save() fills publish_at only for published stories; keep the case as given.
        Article.objects.filter(pk=article.pk).update(publish_at=publish_at)
    assert Article.objects.published().filter(pk=article.pk).exists() is visible


def test_publishing_without_a_time_means_now():
    article = make_article(publish_at=None)
    assert article.publish_at is not None
    assert Article.objects.published().filter(pk=article.pk).exists()


def test_body_is_sanitised_on_every_save():
    article = make_article(body='<p onclick="steal()">Hi<script>alert(1)</script></p>')
    article.refresh_from_db()
    assert article.body == "<p>Hi</p>"
    Article.objects.filter(pk=article.pk).update(body="<p>x</p>")
    article.body = '<img src=x onerror="alert(1)"><p>Again</p>'
    article.save()
    article.refresh_from_db()
    assert article.body == "<p>Again</p>"


def test_article_terms_override_the_publishers():
    publisher = Publisher.load()
    publisher.terms = "House terms."
    publisher.licence = Licence.CUSTOM
    publisher.save()
    article = make_article()
    assert article.republication_terms(publisher).text == "House terms."
    article.licence, article.terms = Licence.CC_BY_ND, "Special terms."
    terms = article.republication_terms(publisher)
    assert terms.text == "Special terms."
    assert terms.licence_url == "https://creativecommons.org/licenses/by-nd/4.0/"


def test_last_updated_only_after_a_real_change():
    article = make_article()
    Article.objects.filter(pk=article.pk).update(updated_at=article.publish_at)
    article.refresh_from_db()
    assert article.last_updated is None
    article.save()
    assert article.last_updated == article.updated_at


def test_publisher_settings_are_a_single_row():
    assert Publisher.load().pk == Publisher.load().pk == 1
    assert Publisher.objects.count() == 1
