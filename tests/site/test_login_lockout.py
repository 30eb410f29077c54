"""Admin login lockout: real POSTs to the login form, as an attacker would send them."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


def log_in(client, password, address="203.0.113.7", username="sue"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail_until_locked(client, **kwargs):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = log_in(client, "wrong-password", **kwargs)
    return response


def test_failed_logins_under_the_limit_just_show_the_form_again(client, superuser):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = log_in(client, "wrong-password")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    assert log_in(client, "pw-for-tests-1").status_code == 302


def test_repeated_failures_lock_the_account_from_that_address_with_a_clear_message(
    client, superuser
):
    response = fail_until_locked(client)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed logins for this account from your address" in html
    assert "locked for 15 minutes" in html
    assert response["Retry-After"] == "900"
    # Now even the right password is refused from that address…
    locked = log_in(client, "pw-for-tests-1")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
    # …but the account's owner, elsewhere, is not locked out by someone else's guessing.
    assert log_in(client, "pw-for-tests-1", address="198.51.100.20").status_code == 302


def test_lockout_ends_after_the_cool_off(client, superuser):
    fail_until_locked(client)
    assert log_in(client, "pw-for-tests-1").status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time.replace(year=2000)
    )
    assert log_in(client, "pw-for-tests-1").status_code == 302


def test_a_successful_login_resets_the_count(client, superuser):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "wrong-password")
    assert log_in(client, "pw-for-tests-1").status_code == 302
    client.logout()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "wrong-password").status_code == 200
    assert log_in(client, "pw-for-tests-1").status_code == 302


def test_a_spoofed_forwarded_for_header_does_not_dodge_the_lockout(client, superuser):
    """Without BEHIND_PROXY, X-Forwarded-For is the client's own claim and is ignored."""
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": "sue", "password": "wrong"},
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{attempt}",
        )
    assert log_in(client, "pw-for-tests-1").status_code == 429


def test_behind_a_proxy_the_address_is_the_one_the_proxy_appended(client, superuser, settings):
    settings.BEHIND_PROXY = True
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": "sue", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7",
        )
    from_attacker = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    from_reporter = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.20"}
    credentials = {"username": "sue", "password": "pw-for-tests-1"}
    assert client.post(LOGIN, credentials, **from_attacker).status_code == 429
    assert client.post(LOGIN, credentials, **from_reporter).status_code == 302


def test_the_test_client_login_still_works(client, superuser):
    """Logins without a request (scripts, the test client) bypass the web lockout."""
    assert client.login(username="sue", password="pw-for-tests-1")
