"""The partners the newsroom knows: who they are, their API keys, their republished pages and
what was pushed to them."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article

KEY_PREFIX = "nrp_"


def hash_key(key: str) -> str:
    """Keys are long random strings, so one round of SHA-256 is enough to store them safely."""
    return hashlib.sha256(key.encode()).hexdigest()


class PartnerQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Partner.Status.APPROVED)

    def with_webhook(self):
        return self.approved().exclude(webhook_url="")


class Partner(models.Model):
    """A publisher that republishes our stories, known by name, contact and sites."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        SUSPENDED = "suspended", _("Suspended")

    organisation = models.CharField(max_length=200)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField()
    hosts = models.TextField(
        _("sites"),
        blank=True,
        help_text=_(
            "The host names the partner republishes on, one a line (e.g. news.example.org). "
            "Views of copies on these sites are counted as theirs."
        ),
    )
    webhook_url = models.URLField(
        _("webhook address"),
        blank=True,
        help_text=_(
            "Where we announce published, updated, corrected and withdrawn stories "
            "(https, a public address). Empty: no announcements."
        ),
    )
    webhook_secret = models.CharField(max_length=100, blank=True, editable=False)
    notes = models.TextField(blank=True, help_text=_("For the desk only."))
    status = models.CharField(max_length=20, choices=Status, default=Status.PENDING)
    registered_by_partner = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["organisation"]

    def __str__(self):
        return self.organisation

    @property
    def host_list(self):
        return [
            host.strip().lower().removeprefix("www.")
            for host in self.hosts.splitlines()
            if host.strip()
        ]

    def approve(self, user):
        self.status = self.Status.APPROVED
        self.approved_at = timezone.now()
        self.approved_by = user
        self.save()

    def rotate_webhook_secret(self):
        """A new signing secret, returned once for the editor to hand over; the old one ends."""
        self.webhook_secret = secrets.token_urlsafe(32)
        self.save(update_fields=["webhook_secret"])
        return self.webhook_secret

    def issue_key(self, user=None):
        """A new API key: the key itself is returned once and only its hash is kept."""
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        PartnerKey.objects.create(
            partner=self, key_hash=hash_key(key), prefix=key[:12], created_by=user
        )
        return key


class PartnerKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at=None, partner__status=Partner.Status.APPROVED)


class PartnerKey(models.Model):
    """One API key of a partner, kept as a hash. Revoked keys stay listed, unusable."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="keys")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        max_length=12, editable=False, help_text=_("The key's first characters, to recognise it.")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = PartnerKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")

    def __str__(self):
        return f"{self.prefix}…"

    @classmethod
    def partner_for(cls, key):
        """The approved partner whose active key this is, or None."""
        if not key.startswith(KEY_PREFIX):
            return None
        found = cls.objects.active().select_related("partner").filter(key_hash=hash_key(key))
        match = found.first()
        return match.partner if match else None

    def revoke(self):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


class PartnerRepublication(models.Model):
    """A page where a partner says it republished one of our stories."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="republications")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    page_url = models.URLField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "article", "page_url"], name="one_registration_per_page"
            )
        ]
        verbose_name = _("registered republication")

    def __str__(self):
        return self.page_url


class WebhookDelivery(models.Model):
    """One announcement to one partner: what, where, and how each attempt went."""

    class Event(models.TextChoices):
        PUBLISHED = "published", _("Published")
        UPDATED = "updated", _("Updated")
        CORRECTED = "corrected", _("Corrected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        REFUSED = "refused", _("Refused (not a public address)")
        CANCELLED = "cancelled", _("Cancelled (no longer to announce)")

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="deliveries")
    article = models.ForeignKey(Article, null=True, on_delete=models.SET_NULL, related_name="+")
    event = models.CharField(max_length=20, choices=Event)
    url = models.URLField(max_length=500)
    status = models.CharField(max_length=20, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    payload = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self):
        return f"{self.get_event_display()} → {self.partner}: {self.get_status_display()}"
