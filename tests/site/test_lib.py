"""The shared helpers in newsroom/lib: one absolute URL, one client address, one HTML-to-text."""

from datetime import UTC
from urllib.parse import urljoin

import pytest
from django.test import RequestFactory
from django.urls import reverse, set_script_prefix

from newsroom.lib.http import client_ip
from newsroom.lib.text import html_to_text, paragraphs
from newsroom.lib.urls import absolute_url, reverse_fixed, reverse_slug


def test_absolute_url_uses_site_url_whatever_the_request(settings):
    settings.SITE_URL = "https://news.example.org"
    assert absolute_url("/articles/a/") == "https://news.example.org/articles/a/"
    assert absolute_url("https://cdn.example.net/p.jpg") == "https://cdn.example.net/p.jpg"
    assert absolute_url("") == ""


@pytest.mark.parametrize(
    "site_url", ["https://x.org", "http://127.0.0.1:8000", "https://x.org/news"]
)
@pytest.mark.parametrize(
    "path", ["/articles/a/", "/a/?q=b#c", "/a/../b/", "/./a", "//cdn.example.net/p.jpg", "/%C3%BC/"]
)
def test_absolute_url_gives_what_urljoin_gives(settings, site_url, path):
    settings.SITE_URL = site_url
    assert absolute_url(path) == urljoin(site_url + "/", path)


def test_client_ip_trusts_only_the_address_our_proxy_appended(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5"
    )
    settings.BEHIND_PROXY = False
    assert client_ip(request) == "10.0.0.1"
    settings.BEHIND_PROXY = True
    assert client_ip(request) == "203.0.113.5"


def test_html_to_text_keeps_paragraphs_lists_and_link_targets():
    html = '<h2>Head</h2><p>One &amp; <a href="https://x.example/">two</a></p><ul><li>A</li></ul>'
    assert paragraphs(html) == ["Head", "One & two (https://x.example/)", "- A"]
    assert html_to_text(html) == "Head\n\nOne & two (https://x.example/)\n\n- A"
    assert html_to_text(None) == ""


def test_dates_use_the_newsroom_formats_everywhere():
    """Readers get the long forms and the desk the short ones, both from FORMAT_MODULE_PATH."""
    from datetime import datetime

    from django.utils.formats import date_format

    moment = datetime(2026, 3, 4, 17, 5, tzinfo=UTC)
    assert date_format(moment, "DATETIME_FORMAT") == "4 March 2026, 17:05 UTC"
    assert date_format(moment, "SHORT_DATETIME_FORMAT") == "4 Mar 2026, 17:05 UTC"
    assert date_format(moment, "DATE_FORMAT") == "4 March 2026"
    assert date_format(moment, "TIME_FORMAT") == "17:05"


@pytest.mark.parametrize(
    ("viewname", "slug"),
    [
        ("reader:article-detail", "harbour-strike"),
        ("reader:author", "kyiv_2026"),
        ("reader:section", "sport"),
        ("reader:tag", "Ünïcode-tag"),  # tag slugs may be in any script: quoted
        ("reader:tag", "中文"),
    ],
)
def test_reverse_slug_gives_what_reverse_gives(viewname, slug):
    assert reverse_slug(viewname, slug) == reverse(viewname, kwargs={"slug": slug})


@pytest.mark.parametrize(
    "viewname", ["reader:front-page", "reader:search", "reader:feed-rss", "republication:terms"]
)
def test_reverse_fixed_gives_what_reverse_gives_and_follows_the_script_prefix(viewname):
    assert reverse_fixed(viewname) == reverse(viewname)
    try:
        set_script_prefix("/news/")
        assert reverse_fixed(viewname) == reverse(viewname)
        assert reverse_fixed(viewname).startswith("/news/")
    finally:
        set_script_prefix("/")


def test_reverse_slug_follows_the_script_prefix():
    try:
        set_script_prefix("/news/")
        assert reverse_slug("reader:section", "sport") == "/news/section/sport/"
    finally:
        set_script_prefix("/")
    assert reverse_slug("reader:section", "sport") == "/section/sport/"
