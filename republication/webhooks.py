"""Webhooks: partners' systems are told when a story they may take is published, updated,
corrected or withdrawn.

Each announcement is a background task queued when the change commits; it writes one
WebhookDelivery per partner with a webhook (the log editors read) and queues its delivery.
A delivery is signed with the partner's secret (HMAC-SHA256 over "<timestamp>.<body>", the
timestamp sent beside it so receivers can refuse replays), sent only to a public address — the
host is resolved, every address checked, and the connection made to a checked address, so a
DNS answer cannot change between check and use — and never follows a redirect. A 5xx, 408, 429
or a network failure is retried after WEBHOOK_RETRY_DELAYS.
"""

import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import ssl
import time
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from articles.models import Article, ArticleTransition, Correction, Publisher
from newsroom.lib.tasks import retry_later
from republication.models import Partner, WebhookDelivery
from republication.partners import may_be_republished
from republication.updates import story_as_ninjs, withdrawal, withdrawal_as_ninjs

Event = WebhookDelivery.Event
RETRIED_STATUSES = {408, 429}
# An edit is announced this long after it is saved, so edits saved in a row make one update.
UPDATE_QUIET_SECONDS = 60
SIGNATURE_HEADER = "X-Newsroom-Signature"
TIMESTAMP_HEADER = "X-Newsroom-Timestamp"


# --- when to announce ---


def announce_on_commit(article_id: int, event: str, run_after: datetime | None = None) -> None:
    def enqueue() -> None:
        if not Partner.objects.with_webhook().exists():
            return  # nobody to tell: no task at all
        announcement = announce_story.using(run_after=run_after) if run_after else announce_story
        announcement.enqueue(article_id, event)

    transaction.on_commit(enqueue)


def on_transition(sender: Any, instance: ArticleTransition, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    if instance.name in {"publish", "schedule"} and instance.publish_at:
        later = instance.publish_at if instance.publish_at > timezone.now() else None
        announce_on_commit(instance.article_id, Event.PUBLISHED, run_after=later)
    elif instance.name == "withdraw":
        announce_on_commit(instance.article_id, Event.WITHDRAWN)


def on_correction(sender: Any, instance: Correction, created: bool, **kwargs: Any) -> None:
    if created:
        announce_on_commit(instance.article_id, Event.CORRECTED)


def on_article_saved(sender: Any, instance: Article, created: bool, **kwargs: Any) -> None:
    """An edit to a story already out (after the minute's grace that the site's own "Updated"
    line allows); publishing and withdrawing are announced from their transitions."""
    visible = instance.status == Article.Status.PUBLISHED and not instance.is_scheduled
    if not created and visible and instance.last_updated is not None:
        quiet = timezone.now() + timedelta(seconds=UPDATE_QUIET_SECONDS)
        announce_on_commit(instance.pk, Event.UPDATED, run_after=quiet)


# --- what to announce ---


def payload_for(article: Article, event: str, publisher: Publisher) -> dict[str, Any] | None:
    """The announcement's body, or None when there is nothing partners may be told any more."""
    if not may_be_republished(article, publisher):
        return None
    if event == Event.WITHDRAWN:
        step = withdrawal(article)
        if step is None:
            return None
        document = withdrawal_as_ninjs(article, step, publisher)
    else:
        if not Article.objects.published().filter(pk=article.pk).exists():
            return None
        document = story_as_ninjs(article, publisher)
    return {"event": event, "sent": timezone.now().isoformat(), "item": document}


def already_announced(article: Article, event: str) -> bool:
    """Whether partners already have what this announcement would tell them.

    A story published early ("publish now" after it was scheduled) is announced then, not
    again at the time it had been scheduled for. An update sent after the story's last change
    carried it: the edits an editor saves in a row reach partners as one update, built when it
    is sent.
    """
    since = {Event.PUBLISHED: article.publish_at, Event.UPDATED: article.updated_at}.get(
        Event(event)
    )
    return (
        since is not None
        and WebhookDelivery.objects.filter(
            article=article, event=event, created_at__gte=since
        ).exists()
    )


@task()
def announce_story(article_id: int, event: str) -> int:
    """One delivery per partner with a webhook, each queued; returns how many."""
    article = (
        Article.objects.with_listing_related()
        .prefetch_related("tags", "corrections")
        .filter(pk=article_id)
        .first()
    )
    if article is None or already_announced(article, event):
        return 0
    payload = payload_for(article, event, Publisher.load())
    if payload is None:
        return 0
    deliveries = [
        WebhookDelivery.objects.create(
            partner=partner, article=article, event=event, url=partner.webhook_url, payload=payload
        )
        for partner in Partner.objects.with_webhook()
    ]
    for delivery in deliveries:
        transaction.on_commit(partial(deliver_webhook.enqueue, delivery.pk))
    return len(deliveries)


# --- how to deliver ---


class RefusedTarget(Exception):
    """A webhook address we will not call."""


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def checked_addresses(url: str) -> tuple[str, int, list[str]]:
    """(host, port, addresses to connect to) for a webhook URL, or RefusedTarget.

    Every address the host resolves to must be public, unless that exact address:port is in
    WEBHOOK_ALLOWED_PRIVATE_TARGETS.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise RefusedTarget("Only http and https addresses are called.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError) as problem:
        raise RefusedTarget(f"The host cannot be resolved: {problem}") from None
    addresses = sorted({str(info[4][0]) for info in found})
    allowed = set(settings.WEBHOOK_ALLOWED_PRIVATE_TARGETS)
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        pair = f"[{ip}]:{port}" if ip.version == 6 else f"{ip}:{port}"
        if not ip.is_global and pair not in allowed:
            raise RefusedTarget(f"{parts.hostname} resolves to {ip}, which is not public.")
        if ip.is_multicast:
            raise RefusedTarget(f"{parts.hostname} resolves to a multicast address.")
    if not addresses:
        raise RefusedTarget("The host has no address.")
    return parts.hostname, port, addresses


class PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to an address already checked, whatever the host name resolves to now."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As above, over TLS: the certificate is checked against the host name."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


def post(url: str, headers: dict[str, str], body: bytes) -> int:
    """POST once to a checked address; the status code. Redirects are not followed."""
    host, port, addresses = checked_addresses(url)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection_class = PinnedHTTPSConnection if parts.scheme == "https" else PinnedHTTPConnection
    connection = connection_class(host, port, addresses[0], settings.WEBHOOK_TIMEOUT_SECONDS)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(65536)
        return response.status
    finally:
        connection.close()


@task()
def deliver_webhook(delivery_id: int, attempt: int = 1) -> str:
    """Send one delivery; retried with backoff while the partner's server fails. Returns the
    delivery's status."""
    delivery = WebhookDelivery.objects.select_related("partner").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return delivery.status if delivery else "gone"
    partner = delivery.partner
    if partner.status != Partner.Status.APPROVED or not partner.webhook_secret:
        return finish(delivery, WebhookDelivery.Status.CANCELLED, "The partner is not active.")
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Newsroom-Webhooks/1",
        "X-Newsroom-Event": delivery.event,
        "X-Newsroom-Delivery": str(delivery.pk),
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(partner.webhook_secret, timestamp, body),
    }
    delivery.attempts = attempt
    delivery.last_attempt_at = timezone.now()
    try:
        status = post(delivery.url, headers, body)
    except RefusedTarget as refusal:
        return finish(delivery, WebhookDelivery.Status.REFUSED, str(refusal))
    except (OSError, http.client.HTTPException) as problem:
        return retry_or_fail(delivery, attempt, f"{type(problem).__name__}: {problem}", None)
    if 200 <= status < 300:
        return finish(delivery, WebhookDelivery.Status.DELIVERED, "", status)
    if 300 <= status < 400:
        return finish(
            delivery, WebhookDelivery.Status.FAILED, "Redirects are not followed.", status
        )
    if status >= 500 or status in RETRIED_STATUSES:
        return retry_or_fail(delivery, attempt, f"The partner's server answered {status}.", status)
    return finish(delivery, WebhookDelivery.Status.FAILED, f"Refused with {status}.", status)


def finish(
    delivery: WebhookDelivery, status: str, message: str, response_status: int | None = None
) -> str:
    delivery.status = status
    delivery.error = message
    delivery.response_status = response_status
    delivery.save()
    return status


def retry_or_fail(
    delivery: WebhookDelivery, attempt: int, message: str, response_status: int | None
) -> str:
    retried = retry_later(
        deliver_webhook, delivery.pk, attempt=attempt, delays=settings.WEBHOOK_RETRY_DELAYS
    )
    status = WebhookDelivery.Status.PENDING if retried else WebhookDelivery.Status.FAILED
    return finish(delivery, status, message, response_status)
