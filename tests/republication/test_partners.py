"""Partners as people the newsroom knows: registration, approval in the desk, keys shown once,
the delivery log, counted sites attributed to partners, and the pages shown on a correction."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import RepublicationView
from republication.models import Partner, PartnerKey, PartnerRepublication, WebhookDelivery
from republication.partners import pages_carrying
from tests.factories import make_article
from tests.republication.partner_helpers import bearer, make_partner
from tests.workflow_helpers import messages_of, transition_url

pytestmark = pytest.mark.django_db

REGISTER = reverse("republication:partner-register")
PARTNERS = reverse("admin:republication_partner_changelist")
DELIVERIES = reverse("admin:republication_webhookdelivery_changelist")
STORIES = reverse("republication:api-stories")

REQUEST = {
    "organisation": "Valley Courier",
    "contact_name": "Mia Berg",
    "contact_email": "mia@valley-courier.example",
    "hosts": "https://www.Valley-Courier.example/news\nvalleycourier.example",
    "message": "We cover the valley.",
}


def test_a_publisher_can_ask_to_become_a_partner(client):
    page = client.get(REGISTER)
    assert page.status_code == 200 and "no-cache" in page["Cache-Control"]
    response = client.post(REGISTER, REQUEST)
    assert response.status_code == 200
    assert "An editor will check it" in response.content.decode()
    partner = Partner.objects.get()
    assert partner.status == Partner.Status.PENDING and partner.registered_by_partner
    assert partner.host_list == ["valley-courier.example", "valleycourier.example"]
    assert partner.notes == "We cover the valley."
    assert not partner.keys.exists()


def test_a_bad_request_keeps_what_was_typed(client):
    response = client.post(REGISTER, REQUEST | {"hosts": "not a host", "contact_email": "mia@"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "is not a host name" in page and "Valley Courier" in page and "not a host" in page
    assert not Partner.objects.exists()


def test_registrations_are_limited_per_address(client):
    for number in range(5):
        client.post(REGISTER, REQUEST | {"organisation": f"Courier {number}"})
    response = client.post(REGISTER, REQUEST | {"organisation": "One too many"})
    assert "Too many requests" in response.content.decode()
    assert Partner.objects.count() == 5


def test_an_editor_approves_a_partner_and_sees_its_key_once(client, editor):
    partner = Partner.objects.create(organisation="Valley Courier", contact_email="a@b.example")
    client.force_login(editor)
    response = client.post(
        PARTNERS, {"action": "approve", "_selected_action": [partner.pk]}, follow=True
    )
    [key] = re.findall(r"nrp_[\w-]+", " ".join(messages_of(response)))
    partner.refresh_from_db()
    assert partner.status == Partner.Status.APPROVED and partner.approved_by == editor
    assert client.get(STORIES, **bearer(key)).status_code == 200
    # Only its hash is kept: the key appears nowhere on the partner's page again.
    page = client.get(reverse("admin:republication_partner_change", args=[partner.pk]))
    assert (
        key not in page.content.decode()
        and PartnerKey.objects.get().prefix in page.content.decode()
    )


def test_an_editor_rotates_and_revokes_keys(client, editor):
    partner, old_key = make_partner()
    client.force_login(editor)
    response = client.post(PARTNERS, {"action": "issue_key", "_selected_action": [partner.pk]})
    [new_key] = re.findall(r"nrp_[\w-]+", " ".join(messages_of(response)))
    assert client.get(STORIES, **bearer(old_key)).status_code == 200
    assert client.get(STORIES, **bearer(new_key)).status_code == 200
    client.post(PARTNERS, {"action": "revoke_keys", "_selected_action": [partner.pk]})
    assert client.get(STORIES, **bearer(old_key)).status_code == 401
    assert client.get(STORIES, **bearer(new_key)).status_code == 401


def test_a_webhook_secret_is_made_and_shown_once_when_a_webhook_is_set(client, editor):
    partner, _key = make_partner()
    client.force_login(editor)
    change = reverse("admin:republication_partner_change", args=[partner.pk])
    data = {
        "organisation": partner.organisation,
        "contact_email": partner.contact_email,
        "hosts": partner.hosts,
        "webhook_url": "https://hooks.harbour-gazette.example/newsroom",
        "status": "approved",
        "keys-TOTAL_FORMS": "1",
        "keys-INITIAL_FORMS": "1",
        "keys-0-id": str(partner.keys.get().pk),
        "keys-0-partner": str(partner.pk),
        "republications-TOTAL_FORMS": "0",
        "republications-INITIAL_FORMS": "0",
    }
    response = client.post(change, data, follow=True)
    partner.refresh_from_db()
    assert partner.webhook_secret and partner.webhook_secret in " ".join(messages_of(response))
    assert partner.webhook_secret not in client.get(change).content.decode()


def test_partners_and_deliveries_are_for_editors_only(client, reporter, editor):
    partner, _key = make_partner()
    WebhookDelivery.objects.create(partner=partner, event="published", url="https://x.example/")
    client.force_login(reporter)
    assert client.get(PARTNERS).status_code == 403
    assert client.get(DELIVERIES).status_code == 403
    assert (
        client.post(PARTNERS, {"action": "approve", "_selected_action": [partner.pk]}).status_code
        == 403
    )
    client.force_login(editor)
    assert client.get(PARTNERS).status_code == 200
    log = client.get(DELIVERIES)
    assert log.status_code == 200 and "Harbour Gazette" in log.content.decode()


def test_views_on_a_partners_sites_are_attributed_to_it(client, editor, publisher):
    partner, _key = make_partner(hosts="harbour-gazette.example")
    story = make_article()
    today = timezone.localdate()
    for site in ["www.harbour-gazette.example", "news.harbour-gazette.example", "other.example"]:
        RepublicationView.objects.create(
            article=story, day=today, site=site, page_url=f"https://{site}/story/", views=3
        )
    carried = {page["site"]: page["partner"] for page in pages_carrying(story)}
    assert carried == {
        "www.harbour-gazette.example": partner,
        "news.harbour-gazette.example": partner,
        "other.example": None,
    }
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_change", args=[story.pk])).content.decode()
    assert re.search(r"<td>www\.harbour-gazette\.example</td><td>Harbour Gazette</td>", page)


def test_a_correction_shows_the_editor_the_partner_pages_that_carry_the_story(
    client, editor, publisher
):
    partner, _key = make_partner(hosts="harbour-gazette.example")
    story = make_article()
    RepublicationView.objects.create(
        article=story,
        day=timezone.localdate() - timedelta(days=1),
        site="harbour-gazette.example",
        page_url="https://harbour-gazette.example/world/harbour/",
        views=12,
    )
    PartnerRepublication.objects.create(
        partner=partner, article=story, page_url="https://harbour-gazette.example/print/harbour/"
    )
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_correction", args=[story.pk]),
        {"kind": "correction", "text": "The port is in Varenna."},
        follow=True,
    )
    shown = " ".join(messages_of(response))
    assert "https://harbour-gazette.example/world/harbour/ — Harbour Gazette" in shown
    assert "https://harbour-gazette.example/print/harbour/" in shown


def test_a_withdrawal_shows_the_editor_the_partner_pages_too(client, editor, publisher):
    story = make_article()
    RepublicationView.objects.create(
        article=story,
        day=timezone.localdate(),
        site="other.example",
        page_url="https://other.example/a/",
    )
    client.force_login(editor)
    response = client.post(
        transition_url(story, "withdraw"),
        {"version": story.version, "note": "A source recanted."},
        follow=True,
    )
    shown = " ".join(messages_of(response))
    assert "Withdrawn" in shown or "withdrawn" in shown
    assert "https://other.example/a/" in shown


def test_a_story_nobody_carries_says_so(client, editor, publisher):
    story = make_article()
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_correction", args=[story.pk]),
        {"kind": "update", "text": "New figures."},
        follow=True,
    )
    shown = " ".join(messages_of(response))
    assert "No partner page is known to carry this story." in shown
    assert "Partners with a webhook (0) are being told." in shown


def test_a_story_not_for_republication_says_no_webhook_is_sent(client, editor, publisher):
    make_partner(webhook_url="https://hooks.example.org/n", webhook_secret="s")
    story = make_article(licence="none")
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_correction", args=[story.pk]),
        {"kind": "update", "text": "New figures."},
        follow=True,
    )
    assert "not for republication: no webhook is sent" in " ".join(messages_of(response))
