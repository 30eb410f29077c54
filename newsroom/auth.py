"""Login lockout (django-axes) fitted to this site."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings


class LoginLockoutBackend(AxesStandaloneBackend):
    """Refuses logins for an account locked out from the requesting address.

    Axes needs the request to know the address; logins made without one (the test client,
    scripts, management commands) are not web logins and are left to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def client_ip(request):
    """The reader's address: REMOTE_ADDR, or behind our proxy the address it appended.

    Only the last X-Forwarded-For entry is written by our own proxy; anything before it is
    whatever the client claimed, and trusting it would let an attacker dodge the lockout.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")
