"""Read replica routing, enabled by DATABASE_REPLICA_URL.

Anonymous readers' queries go to the replica. Writes, and every query made while answering staff
(a request with a session cookie) or a form post, go to the primary, so editors always read back
what they just saved, whatever the replication lag.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

_use_primary = ContextVar("use_primary", default=False)
# Read only on the primary: the task queue, which workers lock rows of (SELECT … FOR UPDATE)
# in a transaction on the database they read it from.
PRIMARY_ONLY_APPS = {"django_tasks_database"}


@contextmanager
def primary_only():
    """Every read inside goes to the primary database."""
    token = _use_primary.set(True)
    try:
        yield
    finally:
        _use_primary.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _use_primary.get() or model._meta.app_label in PRIMARY_ONLY_APPS:
            return "default"
        return "replica"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"


class PrimaryForStaffMiddleware:
    """Pins staff requests and form posts to the primary database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        ):
            return self.get_response(request)
        with primary_only():
            return self.get_response(request)
