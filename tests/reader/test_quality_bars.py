"""Quality bars on the demo newsroom's pages: the Nu HTML Checker finds no error, and axe-core
finds no serious or critical accessibility violation, in light and in dark mode."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article, Author, Section, Series
from live.models import LiveCoverage
from reader.sitemaps import SITEMAPS

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def demo_pages(demo):
    """The front, article, live story, section, author, tag, search and series pages of the demo
    site, a story in a series (and a 404)."""
    article = Article.objects.published().filter(lead_photo__isnull=False).first()
    section = Section.objects.filter(articles__in=Article.objects.published()).first()
    author = Author.objects.filter(articles__in=Article.objects.published()).first()
    tag = Tag.objects.filter(article__in=Article.objects.published()).first()
    series = Series.objects.public().first()
    return {
        "front": "/",
        "article": article.get_absolute_url(),
        "live": LiveCoverage.objects.get(
            article__in=Article.objects.published()
        ).get_absolute_url(),
        "section": section.get_absolute_url(),
        "author": author.get_absolute_url(),
        "tag": reverse("reader:tag", args=[tag.slug]),
        "search": reverse("reader:search") + "?q=port",
        "search-empty": reverse("reader:search"),
        "series": series.get_absolute_url(),
        "series-part": series.published_parts().last().get_absolute_url(),
        "not-found": "/no-such-page/",
    }


def nu_errors(java, files):
    """The Nu HTML Checker's errors for these HTML files, one line each (file:line: message)."""
    result = subprocess.run(  # noqa: S603 - fixed arguments, local files
        [java, "-Xss4m", "-jar", str(VNU_JAR), "--format", "json", "--stdout", *files],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}"
        for m in json.loads(result.stdout)["messages"]
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]


@pytest.mark.slow  # starts a Java virtual machine
@pytest.mark.django_db
def test_nu_html_checker_finds_no_errors(client, tmp_path, demo_pages):
    corrected = Article.objects.published().filter(corrections__isnull=False)[0]
    demo_pages = demo_pages | {
        "corrections": reverse("reader:corrections"),
        "corrected": corrected.get_absolute_url(),
    }
    java = shutil.which("java")
    assert java, "Java is needed for the Nu HTML Checker: apt-get install default-jre-headless"
    files = []
    for name, url in demo_pages.items():
        response = client.get(url)
        assert response.status_code in (200, 404), url
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    errors = nu_errors(java, files)
    assert not errors, "\n".join(errors)
    assert len(files) == 13


# What HTML's <time datetime>, sitemaps, Atom, JSON Feed and schema.org all accept: a date, or a
# date and time to the second with its offset (the Nu HTML Checker rejects microseconds).
MACHINE_DATE = re.compile(r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d(Z|[+-]\d\d:?\d\d))?")
DATES_IN = [
    re.compile(r'<time datetime="([^"]*)"'),
    re.compile(r'property="article:(?:published|modified)_time" content="([^"]*)"'),
    re.compile(r'"(?:datePublished|dateModified|date_published|date_modified)": ?"([^"]*)"'),
    re.compile(r"<(?:lastmod|news:publication_date|updated|published)>([^<]*)<"),
]


@pytest.mark.django_db
def test_every_machine_readable_date_is_valid_and_to_the_second(client, demo_pages):
    """Every <time datetime>, Open Graph time, JSON-LD and JSON Feed date, sitemap date and
    Atom date on the demo site: none with microseconds, every one a valid date or date-time."""
    corrected = Article.objects.published().filter(corrections__isnull=False)[0]
    urls = [*demo_pages.values(), "/corrections/", corrected.get_absolute_url()]
    urls += ["/feeds/atom/", "/feeds/json/", "/sitemap.xml"]
    urls += [reverse("reader:sitemap-section", args=[name]) for name in SITEMAPS]
    found = 0
    for url in urls:
        content = client.get(url).content.decode()
        for pattern in DATES_IN:
            for date in pattern.findall(content):
                found += 1
                assert MACHINE_DATE.fullmatch(date), (url, date)
    assert found > 50


AXE_RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target).join(", ")}`);
}"""


@pytest.mark.django_db(transaction=True)
def test_axe_finds_no_serious_violations_in_light_and_dark_mode(new_page, demo_pages):
    assert AXE_JS.exists(), "axe-core is missing: run `make node_modules/.installed` (npm ci)"
    problems = []
    for scheme in ("light", "dark"):
        # axe is injected by the test, not the site: bypass_csp lets it run under the site's CSP.
        page = new_page(color_scheme=scheme, bypass_csp=True)
        for name, url in demo_pages.items():
            page.goto(url)
            dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
            assert dark == (scheme == "dark")
            page.add_script_tag(path=str(AXE_JS))
            for violation in page.evaluate(AXE_RUN):
                problems.append(f"{scheme} {name}: {violation}")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db(transaction=True)
def test_pages_fit_a_320_pixel_phone_and_make_no_third_party_requests(
    new_page, live_server, demo_pages
):
    page = new_page(viewport={"width": 320, "height": 640})
    foreign = []
    page.on(
        "request",
        lambda request: (
            foreign.append(request.url) if not request.url.startswith(live_server.url) else None
        ),
    )
    for name, url in demo_pages.items():
        page.goto(url)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 320px"
    assert not [url for url in foreign if not url.startswith("data:")], foreign
