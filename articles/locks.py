"""
Soft edit locks: "NAME has been editing this since HH:MM".

The edit page sends a heartbeat every few seconds (static/js/edit-heartbeat.js); a session whose
last heartbeat is older than EDIT_LOCK_TIMEOUT seconds has ended. Sessions live in the database,
so every process and server sees the same ones. Nobody is ever blocked: the lock only warns.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from articles.models import EditSession


def _cutoff():
    return timezone.now() - timedelta(seconds=settings.EDIT_LOCK_TIMEOUT)


def others_editing(article, user):
    """The live edit sessions on this article by anyone but `user`, earliest first."""
    return (
        EditSession.objects.filter(article=article, last_seen_at__gte=_cutoff())
        .exclude(user=user)
        .select_related("user")
        .order_by("started_at")
    )


def heartbeat(article, user):
    """`user` still has the article open; returns the others who have it open too."""
    now = timezone.now()
    session, created = EditSession.objects.get_or_create(
        article=article, user=user, defaults={"started_at": now, "last_seen_at": now}
    )
    if not created:
        if session.last_seen_at < _cutoff():
            session.started_at = now  # the earlier session had ended: a new one begins
        session.last_seen_at = now
        session.save(update_fields=["started_at", "last_seen_at"])
    return others_editing(article, user)
