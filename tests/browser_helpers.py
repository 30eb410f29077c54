"""Helpers for the browser tests, which get their pages from the `new_page` fixture."""

from django.urls import reverse

PASSWORD = "pw-for-tests-1"  # every persona's (tests/conftest.py)


def log_in(page, username, next_url="/admin/", *, visit=None):
    """Logs in through the admin's login form, as a person does, and waits for ``next_url``.

    ``visit`` opens the form instead of ``page.goto``: a watcher that checks every page it opens.
    """
    (visit or page.goto)(f"{reverse('admin:login')}?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{next_url}")
