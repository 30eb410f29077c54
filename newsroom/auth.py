"""Login lockout (django-axes) fitted to this site."""

from axes.backends import AxesStandaloneBackend


class LoginLockoutBackend(AxesStandaloneBackend):
    """Refuses logins for an account locked out from the requesting address.

    Axes needs the request to know the address; logins made without one (the test client,
    scripts, management commands) are not web logins and are left to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
