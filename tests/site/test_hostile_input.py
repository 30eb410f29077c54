"""Hostile input through the real admin forms and public URLs: escaped or refused, never run.

Each payload goes into every text field a user can type into, as a superuser's POST of the
real admin form. A saved value must come out escaped on every public page; a refused form
must come back with an error and with everything the user typed still in it; nothing may
ever be a server error.
"""

import io
import json
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from lxml import etree
from taggit.models import Tag

from articles import demo_content
from articles.models import Article, Author, ImageCredit, Publisher, Section, Series
from photos.tasks import make_renditions
from reader.sitemaps import SITEMAPS
from tests import photo_files
from tests.admin_forms import admin_form, photo_form_data
from tests.factories import jpeg_bytes, make_article, make_author, make_photo, make_section
from tests.tasks import tasks_run_after

pytestmark = pytest.mark.django_db


PAYLOADS = {
    "script": '<script>alert("xss-1")</script>',
    "event-handler": '"><img src=x onerror=alert(2)>',
    "svg": "<svg/onload=alert(3)>",
    "html": '<b>bold</b> <a href="https://evil.example/">link</a> & <i>',
    "javascript-url": "javascript:alert(4)",
    "data-url": "data:text/html;base64,PHNjcmlwdD5hbGVydCg1KTwvc2NyaXB0Pg==",
    "very-long": "Long" * 5_000,
    "rtl": "\u202eevil\u202c مرحبا بالعالم עברית",
    "emoji": "👩🏽‍💻 news 🇺🇦 🏳️‍🌈",
    "combining": "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇",
    "nul": "before\x00after",
    "template": "{{ request }} {% debug %} ${7*7}",
    "sql": "'; DROP TABLE articles_article; --",
}
# What no field can store: refused with a form error everywhere.
REFUSED_EVERYWHERE = {"nul", "very-long"}

# Each admin form: its address, the fields anyone may type anything into, and the fields with
# a format (slug, URL, e-mail), which get valid values when the free fields are tried alone.
FORMS = {
    # Tags first: the article form then reuses the hostile tag rather than clashing with it.
    "tag": {"free": ["name"], "formatted": {"slug": "hostile-tag-{n}"}},
    "article": {
        "free": [
            "kicker",
            "headline",
            "dek",
            "dateline",
            "body",
            "terms",
            "tags",
            "bylines-0-role",
        ],
        "formatted": {"slug": "hostile-{n}"},
    },
    "author": {
        "free": ["name", "job_title", "affiliation", "bio", "social_handle"],
        "formatted": {
            "slug": "hostile-author-{n}",
            "social_url": "https://social.example/{n}",
            "tips_email": "tips{n}@example.org",
        },
    },
    "imagecredit": {
        "free": [
            "alt_text",
            "caption",
            "photographer",
            "agency",
            "providers",
            "suffix",
            "credit_override",
            "reference_id",
            "special_instructions",
            "copyright_notice",
        ],
        "formatted": {},
    },
    "section": {"free": ["name", "description"], "formatted": {"slug": "hostile-section-{n}"}},
    "publisher": {
        "free": ["name", "terms"],
        "formatted": {"site_url": "https://news.example.org", "licensing_email": "l@example.org"},
    },
}

# Raw markup or link schemes that, if found in a page, would mean a payload was not escaped.
EXECUTABLE = [
    re.compile(r"<script>alert"),
    re.compile(r"<img src=x onerror", re.I),
    re.compile(r"<svg/onload", re.I),
    re.compile(r"""(href|src|action)\s*=\s*["']?\s*(javascript|data):""", re.I),
]


def assert_nothing_executable(html, where):
    for pattern in EXECUTABLE:
        assert not pattern.search(html), f"{pattern.pattern} unescaped on {where}"
    assert "\x00" not in html, where


class Desk:
    """A superuser at the admin, filling in forms."""

    def __init__(self, client, superuser):
        client.force_login(superuser)
        self.client = client
        self.count = 0
        self.blank_forms = {}
        self.section = make_section(name="Desk", slug="desk")
        self.author = make_author(name="Desk Reporter", slug="desk-reporter")

    def url(self, form):
        if form == "publisher":
            return f"/admin/articles/publisher/{Publisher.load().pk}/change/"
        app = "taggit" if form == "tag" else "articles"
        return f"/admin/{app}/{form}/add/"

    def baseline(self, form):
        """A valid form: what a careful user would send."""
        self.count += 1
        if form not in self.blank_forms:
            self.blank_forms[form] = admin_form(self.client, self.url(form))
        data = dict(self.blank_forms[form])
        data |= {
            name: value.format(n=self.count) for name, value in FORMS[form]["formatted"].items()
        }
        data |= {name: f"Plain {name} {self.count}" for name in FORMS[form]["free"]}
        if form == "article":
            data |= {"section": str(self.section.pk), "bylines-0-author": str(self.author.pk)}
            data |= {"tags": f"plain-{self.count}", "bylines-0-position": "0"}
        if form == "imagecredit":
            from django.core.files.uploadedfile import SimpleUploadedFile

            data["image"] = SimpleUploadedFile("photo.jpg", jpeg_bytes(), "image/jpeg")
        return data

    def post(self, form, data):
        response = self.client.post(self.url(form), data)
        assert response.status_code in {200, 302}, (form, response.status_code)
        return response


def assert_refused_and_kept(response, data, fields, where):
    assert response.status_code == 200, where
    html = response.content.decode()
    assert "errornote" in html, where
    for name in fields:
        assert escape(data[name]) in html, f"{name} not kept in the re-shown form ({where})"


def publish_everything():
    Article.objects.update(
        status=Article.Status.PUBLISHED, publish_at=timezone.now() - timedelta(hours=1)
    )
    article = Article.objects.order_by("pk").last()
    if article and not article.lead_photo and ImageCredit.objects.exists():
        article.lead_photo = ImageCredit.objects.order_by("pk").last()
        article.save()


def public_urls():
    urls = {"/", "/republishing/"}
    for article in Article.objects.published():
        urls |= {article.get_absolute_url(), f"{article.get_absolute_url()}republish/"}
    urls |= {author.get_absolute_url() for author in Author.objects.all()}
    urls |= {section.get_absolute_url() for section in Section.objects.all()}
    urls |= {f"/tag/{tag.slug}/" for tag in Article.objects.published().tags()}
    return urls


@pytest.mark.parametrize("payload_name", PAYLOADS)
def test_payload_in_every_admin_text_field_is_escaped_or_refused(
    client, superuser, publisher, payload_name
):
    payload = PAYLOADS[payload_name]
    desk = Desk(client, superuser)
    for form, fields in FORMS.items():
        # Everything at once, format fields included.
        data = desk.baseline(form)
        typed = [*fields["free"], *fields["formatted"]]
        data |= dict.fromkeys(typed, payload)
        response = desk.post(form, data)
        if response.status_code == 200:
            assert_refused_and_kept(response, data, typed, f"{form}, all fields")
            # Then the free fields alone, with valid formatted ones.
            data = desk.baseline(form) | dict.fromkeys(fields["free"], payload)
            response = desk.post(form, data)
        if payload_name in REFUSED_EVERYWHERE or response.status_code == 200:
            assert_refused_and_kept(response, data, fields["free"], f"{form}, free fields")
        if payload_name not in REFUSED_EVERYWHERE and response.status_code == 200:
            # Only a length limit may refuse an ordinary payload (e.g. a 50-character suffix).
            assert "Ensure this value has at most" in response.content.decode(), form
    publish_everything()
    reader = Client()
    for url in public_urls():
        response = reader.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert_nothing_executable(html, url)
    if payload_name not in REFUSED_EVERYWHERE:
        headline = Article.objects.get(headline=payload)
        html = reader.get(headline.get_absolute_url()).content.decode()
        assert escape(payload) in html  # stored and shown exactly as typed, escaped


def test_nul_bytes_are_a_form_error_not_a_database_error(client, superuser, publisher):
    """PostgreSQL refuses NUL in text; the form says so before the database is asked."""
    desk = Desk(client, superuser)
    data = desk.baseline("article") | {"headline": "Before\x00after"}
    response = desk.post("article", data)
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    assert not Article.objects.filter(headline__startswith="Before").exists()


def test_over_long_tags_are_a_form_error(client, superuser, publisher):
    """Tag names are limited to 100 characters in the database (PostgreSQL enforces it)."""
    desk = Desk(client, superuser)
    data = desk.baseline("article") | {"tags": "x" * 101}
    response = desk.post("article", data)
    assert_refused_and_kept(response, data, ["tags"], "over-long tag")
    assert not Tag.objects.filter(name__startswith="xxx").exists()


def test_photo_page_escapes_the_headlines_and_captions_it_links_to(client, superuser, publisher):
    """A photo's page links to the articles using it and to copies of its file, text escaped."""
    payload = PAYLOADS["script"]
    photo = make_photo(caption="The harbour at dusk")
    article = make_article(lead_photo=photo, headline=payload)
    copy = make_photo(caption=payload)  # the same file, uploaded again
    client.force_login(superuser)
    url = reverse("admin:articles_imagecredit_change", args=[photo.pk])
    html = client.get(url).content.decode()
    article_url = reverse("admin:articles_article_change", args=[article.pk])
    copy_url = reverse("admin:articles_imagecredit_change", args=[copy.pk])
    assert f'<a href="{article_url}">{escape(payload)}</a>' in html  # used in
    assert f'<a href="{copy_url}">{escape(payload)}</a>' in html  # same file as
    assert_nothing_executable(html, "the photo's change page")


def test_duplicate_upload_error_escapes_the_caption_of_the_photo_it_links_to(
    client, superuser, publisher
):
    """Uploading a file already in the library links to that photo, its caption escaped."""
    payload = PAYLOADS["script"]
    existing = make_photo(caption=payload)
    desk = Desk(client, superuser)
    response = desk.post("imagecredit", desk.baseline("imagecredit"))  # the same file again
    assert response.status_code == 200
    html = response.content.decode()
    existing_url = reverse("admin:articles_imagecredit_change", args=[existing.pk])
    assert "This photo is already in the library:" in html
    assert f'<a href="{existing_url}">{escape(payload)}</a>' in html
    assert_nothing_executable(html, "the duplicate-upload error")
    assert ImageCredit.objects.get() == existing


ROUTES = ["/articles/{}/", "/section/{}/", "/tag/{}/", "/author/{}/", "/articles/{}/republish/"]


@pytest.mark.parametrize("payload_name", PAYLOADS)
def test_payload_in_urls_and_query_strings_is_never_a_server_error(client, publisher, payload_name):
    encoded = quote(PAYLOADS[payload_name], safe="")
    urls = [route.format(encoded) for route in ROUTES]
    urls += [f"/?q={encoded}", f"/section/desk/?page={encoded}", f"/?{encoded}={encoded}"]
    make_section(name="Desk", slug="desk")
    urls += [f"{path}?{name}={encoded}" for path, name in get_form_fields(client.get("/"))]
    for url in urls:
        response = client.get(url)
        assert response.status_code in {200, 400, 404}, (url, response.status_code)
        assert_nothing_executable(response.content.decode(errors="replace"), url)


def get_form_fields(response):
    """(action, field name) for each text field of each GET form on a page: search, filters."""
    fields = []
    for attributes, body in re.findall(
        r"(?is)<form([^>]*)>(.*?)</form>", response.content.decode()
    ):
        if re.search(r"method\s*=\s*[\"']?post", attributes, re.I):
            continue
        action = re.search(r"action\s*=\s*[\"']([^\"']*)[\"']", attributes)
        for name in re.findall(
            r"<input(?![^>]*type=[\"']?(?:hidden|submit))[^>]*name=[\"']([^\"']+)", body
        ):
            fields.append((action.group(1) if action else "/", name))
    return fields


@pytest.mark.parametrize(
    "url",
    ["/articles/%FF%FE/", "/section/%C0%AF/", "/?q=%FF", "/tag/%ED%A0%80/", "/author/caf%E9/"],
)
def test_invalid_utf8_in_urls_is_never_a_server_error(client, publisher, url):
    assert client.get(url).status_code in {200, 404}


@pytest.mark.parametrize("url", ["/?q=%00", "/articles/%00/", "/admin/articles/article/?q=%00"])
def test_nul_bytes_in_urls_are_a_clear_400(client, publisher, superuser, url):
    client.force_login(superuser)
    response = client.get(url)
    assert response.status_code == 400
    assert "This address cannot be read" in response.content.decode()


# --- Characters no feed, sitemap or database can carry -------------------------------------

# Every C0 control character: NUL, then those XML forbids, then tab, newline and carriage return.
C0_CONTROLS = "".join(map(chr, range(0x20)))
LONE_SURROGATES = "\ud800\udfff"
# Letters at both ends: form fields strip surrounding whitespace, and \x1c-\x1f count as such.
HOSTILE_TEXT = f"H{C0_CONTROLS[1:]}{LONE_SURROGATES}Z"  # NUL typed is a form error: see above
HOSTILE_WITH_NUL = f"H{C0_CONTROLS}{LONE_SURROGATES}Z"
UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def as_sent(value):
    """What a browser (or a hostile client) puts on the wire: lone surrogates as raw bytes (in a
    list, which the test client sends as the field's one value, bytes untouched)."""
    if isinstance(value, str):
        return [value.encode("utf-8", "surrogatepass")]
    return value


def assert_no_unprintable_text_stored():
    """No text field of any of our models, or of a tag, holds a character XML cannot carry."""
    for model in [*apps.get_app_config("articles").get_models(), Tag]:
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
        ]
        if not fields:  # values() would read every column
            continue
        for row in model._default_manager.values(*fields):
            for name, value in row.items():
                assert not UNPRINTABLE.search(value or ""), (model.__name__, name, value)


def machine_readable_urls():
    """Every feed (site, section, author, tag, series) and sitemap the public can reach."""
    feeds = {"/feeds/rss/", "/feeds/atom/"}
    for listing in [
        *Section.objects.filter(articles__in=Article.objects.published()),
        *Author.objects.filter(articles__in=Article.objects.published()),
        *Series.objects.public(),
    ]:
        feeds |= {f"{listing.get_absolute_url()}rss/", f"{listing.get_absolute_url()}atom/"}
    for tag in Article.objects.published().tags():
        feeds |= {
            reverse("reader:tag-rss", args=[tag.slug]),
            reverse("reader:tag-atom", args=[tag.slug]),
        }
    sitemaps = {reverse("reader:sitemap-index")}
    sitemaps |= {reverse("reader:sitemap-section", args=[name]) for name in SITEMAPS}
    return feeds | sitemaps


def assert_public_site_whole():
    """Every public page answers 200 with no unprintable character; every feed and sitemap is
    well-formed XML (lxml, strictly) and the JSON feed is JSON."""
    reader = Client()
    assert Article.objects.published().exists()
    for url in public_urls() | {"/corrections/", "/search/?q=H", "/robots.txt"}:
        response = reader.get(url)
        assert response.status_code == 200, url
        assert not UNPRINTABLE.search(response.content.decode()), url
    for url in machine_readable_urls():
        response = reader.get(url)
        assert response.status_code == 200, url
        etree.fromstring(response.content)  # raises XMLSyntaxError on any invalid character
    response = reader.get(reverse("reader:feed-json"))
    assert response.status_code == 200
    assert json.loads(response.content)["items"]


def test_control_characters_and_lone_surrogates_typed_into_every_text_field_break_nothing(
    client, superuser, publisher
):
    """Typed into every free text field of every admin form: saved, cleaned, the site whole."""
    desk = Desk(client, superuser)
    for form, fields in FORMS.items():
        data = desk.baseline(form) | dict.fromkeys(fields["free"], HOSTILE_TEXT)
        response = desk.post(form, {name: as_sent(value) for name, value in data.items()})
        assert response.status_code == 302, form
    publish_everything()
    article = Article.objects.get(slug__startswith="hostile-")
    # A headline is one line: the writing screen joins its whitespace into single spaces.
    assert article.headline.startswith("H ") and article.headline.endswith("Z")
    assert_no_unprintable_text_stored()
    assert_public_site_whole()


def test_control_characters_and_nul_in_agency_iptc_and_xmp_break_nothing(
    client, superuser, publisher
):
    """IPTC IIM carrying every C0 character and broken UTF-8 in every field we import, and an
    XMP packet with control characters: uploaded, cleaned, the site whole (PostgreSQL refuses
    NUL in text, so an uncleaned import would be a server error there)."""
    client.force_login(superuser)
    datasets = [(key, f"{name} {HOSTILE_WITH_NUL}") for name, [key, *_] in IIM_KEYS.items()]
    wire = photo_files.with_iim(
        photo_files.jpeg(), photo_files.iim(datasets, errors="surrogatepass")
    )
    with_xmp = photo_files.jpeg((640, 360), xmp=photo_files.xmp_packet(note=C0_CONTROLS))
    for name, content in (("wire.jpg", wire), ("xmp.jpg", with_xmp)):
        data = photo_form_data() | {"image": SimpleUploadedFile(name, content)}
        with tasks_run_after(make_renditions):
            response = client.post(reverse("admin:articles_imagecredit_add"), data)
        assert response.status_code == 302, name
    photo = ImageCredit.objects.get(image__endswith="wire.jpg")
    assert photo.caption.startswith("caption H\t\n") and photo.caption.endswith("Z")
    assert photo.photographer.startswith("photographer H")
    assert_no_unprintable_text_stored()
    photo.may_republish = True  # so that the feeds, which partners read, carry it
    photo.save()
    make_article(lead_photo=photo, tags=[photo.agency])
    assert_public_site_whole()
    assert photo.caption.encode() in Client().get("/feeds/rss/").content


IIM_KEYS = {
    "caption": [(2, 120)],
    "photographer": [(2, 80)],
    "agency": [(2, 110)],
    "providers": [(2, 115)],
    "copyright_notice": [(2, 116)],
    "special_instructions": [(2, 40)],
    "reference_id": [(2, 103)],
}
# The demo's text fields, which the loader writes with the ORM, not through a form.
DEMO_TEXT = {
    "name", "terms", "description", "job_title", "bio", "affiliation", "caption", "alt_text",
    "photographer", "agency", "providers", "suffix", "copyright_notice", "special_instructions",
    "headline", "dek", "body", "dateline",
}  # fmt: skip


def hostile_demo(data, surrogates=True):
    """The demo's content with hostile characters in every text it writes (but in the IPTC
    it embeds, which is bytes: NUL and controls only)."""
    if isinstance(data, list):
        return [hostile_demo(item, surrogates) for item in data]
    if not isinstance(data, dict):
        return data
    hostile = HOSTILE_WITH_NUL if surrogates else f"H{C0_CONTROLS}Z"
    changed = {}
    for key, value in data.items():
        if key in DEMO_TEXT and isinstance(value, str):
            value = f"{value[:40]} {hostile}"
        elif key == "tags":
            value = [f"{tag} {hostile}" for tag in value]
        elif key == "iptc":
            value = {name: f"{text} {C0_CONTROLS}" for name, text in value.items()}
        else:
            value = hostile_demo(value, surrogates)
        changed[key] = value
    return changed


@pytest.mark.slow  # makes the demo's pictures and renditions
def test_control_characters_nul_and_lone_surrogates_in_demo_content_break_nothing(
    monkeypatch, publisher
):
    """The demo loader writes through the models: what it stores is cleaned the same way."""
    Publisher.objects.all().delete()  # the loader fills in a publisher without a logo only
    monkeypatch.setattr(demo_content, "PUBLISHER", hostile_demo(demo_content.PUBLISHER))
    for name in ("SECTIONS", "AUTHORS", "ARTICLES", "SERIES"):
        monkeypatch.setattr(demo_content, name, hostile_demo(getattr(demo_content, name)))
    photos = {key: hostile_demo(data) for key, data in demo_content.PHOTOS.items()}
    monkeypatch.setattr(demo_content, "PHOTOS", photos)
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())
    assert Article.objects.filter(headline__endswith="H\t\n\rZ").exists()  # kept: tab, newlines
    assert_no_unprintable_text_stored()
    assert_public_site_whole()
