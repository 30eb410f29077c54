"""The Content-Security-Policy in a real Chromium: no page of the site or the admin breaks it.

Pages are discovered, not listed: every same-origin link from the front page (two levels deep),
and every admin page linked from the admin's index and from each list's first row. Pages that
other features add are covered as soon as they are linked.
"""

import re
from urllib.parse import urljoin, urlsplit

import pytest

from tests.browser_helpers import log_in
from tests.factories import make_article, make_author, make_photo, make_section

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.site.security_urls"),
]

# Reports each violation to the test: Chromium also logs it as a console error.
LISTEN = """document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations = window.__cspViolations || [];
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});"""

NOT_PAGES = ("/static/", "/media/", "/admin/logout/", "/editor-admin/logout/")


class CspWatcher:
    """Opens pages and collects every CSP violation, console error and script error."""

    def __init__(self, page):
        self.page = page
        self.problems = []
        page.add_init_script(LISTEN)
        page.on("console", self._console)
        page.on("response", self._response)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: {error}"))

    def _console(self, message):
        # Failed loads are judged by _response, which knows the address.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"{self.page.url}: {message.text}")

    def _response(self, response):
        # The site has no favicon; Chromium asks for one anyway.
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.problems.append(f"{self.page.url}: {response.status} for {response.url}")

    def visit(self, url):
        """Opens an HTML page and returns the same-origin links on it."""
        response = self.page.goto(url)
        assert response.status < 500, url
        if "text/html" not in response.headers.get("content-type", ""):
            return []
        self.page.wait_for_load_state("load")
        reported = self.page.evaluate("window.__cspViolations || []")
        self.problems.extend(f"{url}: {violation}" for violation in reported)
        hrefs = self.page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        origin = urlsplit(self.page.url).netloc
        links = []
        for href in hrefs:
            parts = urlsplit(urljoin(self.page.url, href))
            if parts.netloc == origin and parts.scheme in {"http", "https"}:
                links.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        return links

    def crawl(self, start, prefix, depth, limit):
        """Every page linked from ``start``, ``depth`` links deep, at most ``limit`` pages."""
        seen, frontier = set(), [start]
        for _level in range(depth + 1):
            next_frontier = []
            for url in frontier:
                if url not in seen and len(seen) < limit:
                    seen.add(url)
                    next_frontier += [link for link in self.visit(url) if is_page(link, prefix)]
            frontier = next_frontier
        return seen

    def crawl_admin(self):
        """The admin's index, every page it links to, and the first object of each list."""
        seen = {"/admin/"}
        for url in dict.fromkeys(self.visit("/admin/")):
            if is_page(url, "/admin/") and "?" not in url and url not in seen:
                seen.add(url)
                links = self.visit(url)
                first_object = next((link for link in links if CHANGE_PAGE.search(link)), None)
                if first_object and first_object not in seen:
                    seen.add(first_object)
                    self.visit(first_object)
        return seen


CHANGE_PAGE = re.compile(r"/\d+/change/$")


def is_page(link, prefix):
    return link.startswith(prefix) and not link.startswith(NOT_PAGES)


@pytest.fixture
def newsroom_content(publisher):
    section = make_section(name="World", slug="world")
    author = make_author(name="Saga Lund", slug="saga-lund", photo=None)
    photo = make_photo()
    for number in range(3):
        make_article(
            headline=f"Story {number}",
            section=section,
            authors=[author],
            tags=["Diplomacy"],
            lead_photo=photo,
        )


def test_detector_reports_an_inline_script_without_nonce(new_page, publisher):
    """The control: an inline script with no nonce is blocked and reported."""
    watcher = CspWatcher(new_page())
    watcher.visit("/probe/inline-script/")
    assert watcher.page.title() == "probe"  # the script did not run
    assert any("script-src" in problem for problem in watcher.problems), watcher.problems


def test_json_ld_data_blocks_need_no_nonce(new_page, publisher):
    """Chromium does not execute application/ld+json, so the CSP neither blocks nor reports it."""
    watcher = CspWatcher(new_page())
    watcher.visit("/probe/json-ld/")
    assert not watcher.problems, "\n".join(watcher.problems)


def test_public_pages_break_no_csp_rule(new_page, newsroom_content):
    watcher = CspWatcher(new_page())
    visited = watcher.crawl("/", prefix="/", depth=2, limit=60)
    assert {"/", "/section/world/", "/author/saga-lund/", "/tag/diplomacy/"} <= visited
    assert any(url.startswith("/articles/") for url in visited)
    assert not watcher.problems, "\n".join(watcher.problems)


def test_admin_pages_break_no_csp_rule(new_page, newsroom_content, superuser):
    watcher = CspWatcher(new_page())
    log_in(watcher.page, "sue", visit=watcher.visit)
    visited = watcher.crawl_admin()
    assert "/admin/articles/article/add/" in visited
    assert any(re.fullmatch(r"/admin/articles/article/\d+/change/", url) for url in visited)
    assert not watcher.problems, "\n".join(watcher.problems)


def test_rich_text_editor_works_under_the_csp(new_page, publisher, superuser):
    page = new_page()
    watcher = CspWatcher(page)
    log_in(page, "sue", "/editor-admin/", visit=watcher.visit)
    watcher.visit("/editor-admin/articles/article/add/")
    editable = page.locator(".prose-editor [contenteditable=true]")
    editable.click()
    page.keyboard.type("Typed in the editor")
    page.keyboard.press("Control+b")
    page.keyboard.type(" in bold")
    assert "Typed in the editor" in editable.inner_text()
    assert page.locator(".prose-editor [contenteditable=true] strong").count() == 1
    assert not watcher.problems, "\n".join(watcher.problems)


def test_hostile_text_is_shown_never_run(new_page, publisher):
    """Script payloads in every reader-visible field: shown as text, no dialog, no violation."""
    payload = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
    author = make_author(name=f"Eve {payload}", slug="eve", bio=payload, job_title=payload)
    photo = make_photo(caption=payload, photographer=payload, alt_text=payload)
    article = make_article(
        headline=f"Headline {payload}",
        dek=payload,
        kicker=payload,
        dateline=payload,
        body=f"<p>{payload}</p>",
        authors=[author],
        lead_photo=photo,
        tags=[payload[:40]],
    )
    page = new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    watcher = CspWatcher(page)
    for url in [
        "/",
        article.get_absolute_url(),
        "/author/eve/",
        f"{article.get_absolute_url()}republish/",
    ]:
        watcher.visit(url)
    assert page.get_by_text('Eve "><img src=x onerror=alert(1)>').count() >= 1
    assert dialogs == []
    assert not watcher.problems, "\n".join(watcher.problems)
