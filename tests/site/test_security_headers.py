"""Hardened defaults: the deploy checks, the security headers and the Content-Security-Policy."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.csp import CSP, build_policy

from tests.factories import make_article

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parents[2]


def test_deploy_checks_pass_without_a_warning_in_production_mode():
    """`manage.py check --deploy` with production settings, as .env.example describes them."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "SESSION_", "DEBUG", "BEHIND_PROXY"))
    }
    env |= {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "news.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://news.example.org",
        "SITE_URL": "https://news.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output


@pytest.mark.parametrize("url", ["/", "/admin/login/", "/republishing/"])
def test_security_headers_on_every_kind_of_page(client, publisher, url):
    make_article()
    response = client.get(url, secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in response


def test_cookies_are_secure_and_http_only(client, superuser):
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "sue", "password": "pw-for-tests-1"},
        secure=True,
    )
    assert response.status_code == 302
    session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie["secure"] and session_cookie["httponly"]
    assert client.cookies[settings.CSRF_COOKIE_NAME]["secure"]


def directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_policy_allows_only_this_site_and_no_inline_script(client, publisher):
    policy = directives(client.get("/"))
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    for name, values in policy.items():
        if name == "frame-src":  # the embed players, framed only when a reader asks
            assert set(values) == {"'self'", *settings.CSP_EMBED_FRAME_ORIGINS}
            assert all(value.startswith(("'self'", "https://")) for value in values)
            continue
        assert not any(value.startswith(("http:", "https:", "*")) for value in values), values


def test_public_pages_carry_no_nonce_so_a_cached_copy_stays_valid(client, publisher):
    article = make_article()
    for url in ["/", article.get_absolute_url(), article.section.get_absolute_url()]:
        first, second = client.get(url), client.get(url)
        assert "nonce-" not in first["Content-Security-Policy"], url
        assert first["Content-Security-Policy"] == second["Content-Security-Policy"], url
        assert "nonce=" not in first.content.decode(), url


def test_admin_pages_get_a_fresh_nonce_for_their_inline_scripts(client, superuser):
    client.force_login(superuser)
    first = client.get("/admin/articles/article/add/")
    second = client.get("/admin/articles/article/add/")
    nonce = directives(first)["script-src"][-1]
    assert nonce.startswith("'nonce-")
    assert nonce != directives(second)["script-src"][-1]
    assert f'nonce="{nonce[7:-1]}"' in first.content.decode()


def test_staff_sessions_expire(client, superuser, settings):
    """The session cookie lives SESSION_COOKIE_AGE seconds, and the server forgets it then."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    settings.SESSION_COOKIE_AGE = 2 * 60 * 60
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "sue", "password": "pw-for-tests-1"}
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == 2 * 60 * 60
    assert client.get("/admin/").status_code == 200
    Session.objects.update(expire_date=timezone.now())
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_password_validators_refuse_weak_passwords(client, superuser):
    client.force_login(superuser)
    response = client.post(
        "/admin/auth/user/add/",
        {"username": "newbie", "password1": "123456", "password2": "123456"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "This password is too short" in html
    assert "This password is too common" in html
    assert "This password is entirely numeric" in html


def test_a_policy_built_once_is_djangos_and_follows_the_settings(client, publisher, settings):
    """newsroom.middleware builds a policy without a nonce once; it must be what Django builds,
    and a new configuration must give a new header."""
    assert client.get("/")["Content-Security-Policy"] == build_policy(settings.SECURE_CSP)
    settings.SECURE_CSP = settings.SECURE_CSP | {"img-src": [CSP.SELF]}
    settings.SECURE_CSP_REPORT_ONLY = {"default-src": [CSP.NONE]}
    response = client.get("/search/?q=ferries")
    assert directives(response)["img-src"] == ["'self'"]
    assert response["Content-Security-Policy-Report-Only"] == "default-src 'none'"
