"""Republication: terms, the partner's copy, counting republished views, ninjs."""

import json
import os
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import html5lib
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.models import Article, Correction, Licence, RepublicationView
from republication.copy import pixel_url
from republication.counting import flush_counts, republishing_page
from republication.tasks import flush_republication_counts
from tests.factories import make_article, make_author, make_photo, make_section, make_wire_photo
from tests.tasks import committed, run_queued_tasks

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"  # settings.SITE_URL's default, which the suite runs with
PARTNER_PAGE = "https://partner.example/news/2026/harbour-talks/"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


@pytest.fixture
def story(publisher):
    """Two reporters (one with an affiliation of their own), links, and a wire photo."""
    publisher.requires_pixel = True
    publisher.save()
    saga = make_author(name="Saga Lund", slug="saga-lund", affiliation="Nordic Desk")
    tomas = make_author(name="Tomás Berg", slug="tomas-berg")
    photo = make_wire_photo(may_republish=False)
    return make_article(
        headline="Harbour talks stall",
        slug="harbour-talks-stall",
        section=make_section(name="World", slug="world"),
        authors=[saga, tomas],
        lead_photo=photo,
        dateline="VARENNA",
        body=(
            '<p>Opening with <a href="/section/world/">more world news</a>, '
            '<a href="background/">background</a> and '
            '<a href="https://example.org/report?a=1&amp;b=2">the report</a>.</p>'
            '<blockquote cite="/sources/minister/"><p>A quote.</p></blockquote>'
        ),
    )


def republish_page(client, article):
    return client.get(reverse("republication:article-republish", args=[article.slug]))


def snippet_of(client, article):
    return republish_page(client, article).context["republication"]["snippet_html"]


def parse_fragment(html):
    """Parses like a browser, but strictly: any HTML error raises."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parseFragment(html)


# --- terms ---


def test_article_overrides_each_part_of_the_publishers_terms(publisher):
    article = make_article()
    defaults = article.republication_terms(publisher)
    assert defaults.licence == Licence.CUSTOM
    assert defaults.required == ("logo", "byline", "affiliation", "link_back")
    assert defaults.contact_email == "licensing@test.example"

    article.licence = Licence.CC_BY_NC_ND
    article.requires_logo = False
    article.requires_pixel = True
    article.licensing_email = "desk@test.example"
    terms = article.republication_terms(publisher)
    assert terms.licence_url == "https://creativecommons.org/licenses/by-nc-nd/4.0/"
    assert terms.required == ("byline", "affiliation", "link_back", "pixel")
    assert terms.contact_email == "desk@test.example"
    assert terms.text == publisher.terms  # not overridden, so the publisher's


def test_terms_page_and_terms_box_speak_plain_words(client, publisher):
    publisher.licence = Licence.CC_BY_ND
    publisher.save()
    terms_page = client.get(reverse("republication:terms")).content.decode()
    assert "change nothing beyond house style" in terms_page
    assert "https://creativecommons.org/licenses/by-nd/4.0/" in terms_page
    assert "the reporter&#x27;s affiliation" in terms_page
    assert "mailto:licensing@test.example" in terms_page

    article = make_article(
        licence=Licence.CC_BY, requires_pixel=True, licensing_email="a@b.example"
    )
    box = client.get(article.get_absolute_url()).content.decode()
    assert "Free to republish, change and use commercially, as long as you credit us." in box
    assert "our counting pixel" in box
    assert "mailto:a@b.example" in box
    assert "Republish this story" in box


def test_not_for_republication_shows_terms_and_no_dialog(client, publisher):
    article = make_article(licence=Licence.NONE, terms="Exclusive to our readers.")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "not available for republication" in page
    assert "Exclusive to our readers." in page
    assert "<dialog" not in page
    assert "Republish this story" not in page
    partner = republish_page(client, article)
    assert "not available for republication" in partner.content.decode()
    assert "<textarea" not in partner.content.decode()
    assert "republication" not in partner.context
    panel = client.get(reverse("republication:article-republish-panel", args=[article.slug]))
    assert "<textarea" not in panel.content.decode()


def test_reader_page_carries_no_editors_notes_and_no_copy(client, story):
    story.lead_photo.may_republish = True
    story.lead_photo.save()
    page = client.get(story.get_absolute_url()).content.decode()
    assert 'data-republish-open aria-haspopup="dialog"' in page
    assert reverse("republication:article-republish-panel", args=[story.slug]) in page
    assert "ATTENTION EDITORS" not in page
    assert "<textarea" not in page


# --- the partner's copy ---


def test_snippet_is_valid_html(client, story):
    snippet = snippet_of(client, story)
    fragment = parse_fragment(snippet)  # raises on any parse error
    assert fragment.find("article") is not None
    with pytest.raises(html5lib.html5parser.ParseError):  # and the check is a real one
        parse_fragment(snippet.replace("</h1>", "</h2>"))


def test_snippet_holds_every_required_attribution_element(client, story, publisher):
    story.refresh_from_db()
    snippet = snippet_of(client, story)
    article = parse_fragment(snippet).find("article")
    canonical = f"{SITE}/articles/harbour-talks-stall/"

    assert article.find("h1").text == "Harbour talks stall"
    logos = [img for img in article.iter("img") if img.get("alt") == "The Test Wire"]
    assert logos and logos[0].get("src") == SITE + publisher.logo.url
    paragraphs = ["".join(p.itertext()) for p in article.iter("p")]
    assert "By Saga Lund, Nordic Desk" in paragraphs  # the reporter's own affiliation
    assert "By Tomás Berg, The Test Wire" in paragraphs  # the publisher's, by default
    time = article.find(".//time")
    assert time.get("datetime") == story.publish_at.isoformat(timespec="seconds")
    assert "VARENNA —" in paragraphs
    link_back = [a for a in article.iter("a") if a.text == "The Test Wire"]
    assert link_back[0].get("href") == canonical
    assert any("This article first appeared on The Test Wire" in p for p in paragraphs)
    licence = [a for a in article.iter("a") if a.get("rel") == "license"]
    assert licence[0].get("href") == f"{SITE}/republishing/"
    pixel = [img for img in article.iter("img") if img.get("width") == "1"]
    assert pixel[0].get("src") == pixel_url(story)
    assert pixel[0].get("referrerpolicy") == "no-referrer-when-downgrade"
    hrefs = [a.get("href") for a in article.iter("a")]
    assert f"{SITE}/section/world/" in hrefs
    assert f"{canonical}background/" in hrefs
    assert "https://example.org/report?a=1&b=2" in hrefs
    assert all(href.startswith(("http://", "https://")) for href in hrefs), hrefs
    assert article.find(".//blockquote").get("cite") == f"{SITE}/sources/minister/"
    assert "Correction, " not in snippet  # none made: no correction line


def test_plain_text_copy_has_byline_affiliation_and_link_back(client, story):
    text = republish_page(client, story).context["republication"]["snippet_text"]
    assert text.startswith("Harbour talks stall\n")
    assert "By Saga Lund, Nordic Desk" in text
    assert "more world news (http://127.0.0.1:8000/section/world/)" in text
    assert "This article first appeared on The Test Wire: http://127.0.0.1:8000/articles/" in text
    assert "<" not in text


def test_cc_licence_is_linked_in_the_copy(client, story):
    story.licence = Licence.CC_BY_ND
    story.save()
    snippet = snippet_of(client, story)
    assert (
        'republished here under <a href="https://creativecommons.org/licenses/by-nd/4.0/" '
        'rel="license">CC BY-ND 4.0</a>'
    ) in snippet


def photo_urls(photo):
    """Every public address of a photo: its JPEG and WebP renditions and its crops."""
    urls = [url for kind in ("jpeg", "webp") for url, _width, _height in photo.sources(kind)]
    assert urls, "the photo has renditions to look for"
    return urls + [crop["url"] for crop in photo.crops()]


def test_photo_that_may_not_be_republished_is_left_out_with_a_line(client, story):
    response = republish_page(client, story)
    html = response.content.decode()
    republication = response.context["republication"]
    for image in photo_urls(story.lead_photo):
        assert image not in republication["snippet_html"]
        assert image not in republication["snippet_text"]
        assert image not in html
    assert "REUTERS" not in republication["snippet_html"]
    assert "ATTENTION EDITORS" not in html  # the note belongs to a photo the partner cannot use
    assert "may not be republished for rights reasons and has been left out" in html


def test_photo_that_may_be_republished_keeps_caption_credit_and_note_to_editors(client, story):
    story.lead_photo.may_republish = True
    story.lead_photo.save()
    response = republish_page(client, story)
    html = response.content.decode()
    snippet = response.context["republication"]["snippet_html"]
    figure = parse_fragment(snippet).find(".//figure")
    assert figure.find("img").get("src") == SITE + story.lead_photo.public_url
    caption = "".join(figure.find("figcaption").itertext())
    assert (
        caption
        == "Cranes stand idle at the port. REUTERS/Alexei Druzhinin/RIA Novosti/Kremlin/Files"
    )
    assert "rights reasons" not in html
    # The agency's note is for the partner, beside the photo, never inside the copy they publish.
    assert "ATTENTION EDITORS - SUPPLIED BY A THIRD PARTY." in html
    assert "ATTENTION EDITORS" not in snippet
    assert "RTX28OUJ" in html


def test_dialog_panel_is_the_partners_panel(client, story):
    response = client.get(reverse("republication:article-republish-panel", args=[story.slug]))
    html = response.content.decode()
    assert 'id="republish-dialog-html"' in html
    assert "rights reasons" in html
    assert "<html" not in html
    assert response["X-Robots-Tag"] == "noindex"


def test_partner_material_only_for_published_stories(client, story):
    Article.objects.filter(pk=story.pk).update(status=Article.Status.DRAFT)
    for name in ["article-republish", "article-republish-panel", "article-ninjs"]:
        assert client.get(reverse(f"republication:{name}", args=[story.slug])).status_code == 404


# --- counting ---


def hit(client, article, referer=PARTNER_PAGE, address="203.0.113.5", agent=FIREFOX):
    headers = {"REMOTE_ADDR": address, "HTTP_USER_AGENT": agent}
    if referer is not None:
        headers["HTTP_REFERER"] = referer
    path = pixel_url(article).removeprefix(SITE)
    return client.get(path, **headers)


def counts(article):
    flush_counts()
    return {
        (row.site, row.page_url): row.views
        for row in RepublicationView.objects.filter(article=article)
    }


def test_pixel_is_a_small_uncached_image_for_other_sites(client, story):
    response = hit(client, story)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert response.content.startswith(b"GIF89a")
    assert "no-store" in response["Cache-Control"]
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"


def test_pixel_only_answers_get_and_head(client, story):
    path = pixel_url(story).removeprefix(SITE)
    assert client.head(path).status_code == 200
    assert client.post(path).status_code == 405


def test_each_page_is_counted_and_origin_only_counts_per_site(client, story):
    hit(client, story)
    hit(client, story, referer="https://partner.example/other-story/?utm_source=x#top")
    hit(client, story, referer="https://another.example/")
    hit(client, story, referer="https://another.example")
    assert counts(story) == {
        ("partner.example", PARTNER_PAGE): 1,
        ("partner.example", "https://partner.example/other-story/"): 1,
        ("another.example", ""): 1,  # one reader, one site: the second hit is a repeat
    }


def test_repeated_hits_from_one_page_within_the_window_count_once(client, story):
    for _ in range(5):
        hit(client, story)
    hit(client, story, address="198.51.100.7")  # another reader of the same page counts
    assert counts(story) == {("partner.example", PARTNER_PAGE): 2}


def test_behind_a_proxy_readers_are_told_apart_by_the_forwarded_address(client, story, settings):
    settings.BEHIND_PROXY = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    proxy = "10.0.0.1"
    for reader in ["203.0.113.5", "203.0.113.6", "203.0.113.6"]:
        client.get(
            pixel_url(story).removeprefix(SITE),
            HTTP_REFERER=PARTNER_PAGE,
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=f"198.51.100.1, {reader}",
            HTTP_USER_AGENT=FIREFOX,
        )
    assert counts(story) == {("partner.example", PARTNER_PAGE): 2}


@pytest.mark.parametrize(
    "referer",
    [
        f"{SITE}/articles/harbour-talks-stall/",  # our own site
        "http://127.0.0.1:8000/admin/articles/article/1/change/",  # our editing screen
        "http://testserver/articles/harbour-talks-stall/",  # the host the pixel was asked from
        "https://partner.example/wp-admin/post.php?post=12&action=edit",  # partner's editor
        "https://partner.example/?p=12&preview=true",  # partner's preview
        "https://partner.example/ghost/#/editor/post/1",
        "javascript:alert(1)",
        "not a url",
    ],
)
def test_own_site_editing_screens_and_bad_referers_are_not_counted(client, story, referer):
    assert hit(client, story, referer=referer).status_code == 200
    assert counts(story) == {}


def test_ignored_hosts_setting_is_honoured(settings):
    settings.REPUBLICATION_IGNORED_HOSTS = ["staging.test.example"]
    assert republishing_page("https://staging.test.example/x/") is None
    assert republishing_page("https://partner.example/x/") == (
        "partner.example",
        "https://partner.example/x/",
    )


def test_pixel_hits_make_no_database_queries(client, story, django_assert_num_queries):
    path = pixel_url(story)
    hit(client, story)  # starts the flush clock
    with django_assert_num_queries(0):
        for number in range(20):
            hit(client, story, referer=f"https://site{number}.example/story/")
            hit(client, story, referer=f"https://site{number}.example/story/")
    assert RepublicationView.objects.count() == 0
    assert path.endswith(f"/{story.pk}/pixel.gif")  # it names the article: no lookup


def test_counts_are_written_in_bulk(client, story, django_assert_max_num_queries):
    other = make_article()
    for number in range(30):
        referer = f"https://site{number}.example/story/"
        hit(client, story, referer=referer, address=f"203.0.113.{number}")
        hit(client, other, referer=referer, address=f"192.0.2.{number}")
    with django_assert_max_num_queries(6):  # not one per page: a read, an update, an insert
        assert flush_counts() == 60
    assert RepublicationView.objects.count() == 60
    # A second flush adds to the same rows instead of making new ones.
    hit(client, story, referer="https://site0.example/story/", address="192.0.2.99")
    assert flush_counts() == 1
    assert RepublicationView.objects.count() == 60
    row = RepublicationView.objects.get(article=story, site="site0.example")
    assert row.views == 2
    assert row.day == timezone.localdate()


def test_nothing_is_lost_between_flushes(client, story):
    hit(client, story, address="192.0.2.1")
    assert flush_counts() == 1
    assert flush_counts() == 0  # nothing is written twice
    hit(client, story, address="192.0.2.2")
    hit(client, story, address="192.0.2.3")
    assert flush_counts() == 2
    assert counts(story) == {("partner.example", PARTNER_PAGE): 3}


def queued_flushes():
    return DBTaskResult.objects.filter(
        task_path=flush_republication_counts.module_path, status="READY"
    )


def test_pixel_queues_a_flush_after_the_threshold_and_writes_nothing_itself(
    client, story, settings, shared_cache
):
    settings.REPUBLICATION_FLUSH_SECONDS = 0
    hit(client, story, address="192.0.2.1")  # starts the clock: nothing queued yet
    assert not queued_flushes().exists()
    hit(client, story, address="192.0.2.2")  # the threshold has passed: queued after sending
    assert RepublicationView.objects.count() == 0  # the pixel's response wrote nothing
    assert queued_flushes().count() == 1
    (flush,) = run_queued_tasks()
    assert (flush.status, flush.return_value) == ("SUCCESSFUL", 2)
    assert RepublicationView.objects.get(article=story).views == 2


def test_with_a_per_process_cache_the_pixel_flushes_after_the_image_is_sent(
    client, story, settings, per_process_cache
):
    settings.REPUBLICATION_FLUSH_SECONDS = 0
    hit(client, story, address="192.0.2.1")  # starts the clock: nothing written yet
    assert RepublicationView.objects.count() == 0
    hit(client, story, address="192.0.2.2")  # no worker could see these counters
    assert RepublicationView.objects.get(article=story).views == 2
    assert not queued_flushes().exists()


@contextmanager
def views_table_unavailable():
    """The counts' table is out of reach (renamed inside the test's transaction): every write
    to it fails, as it would with the database down."""
    table = RepublicationView._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} RENAME TO {table}_away")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {table}_away RENAME TO {table}")


def test_counts_taken_by_a_failed_write_go_back_to_the_cache(client, story):
    hit(client, story, address="192.0.2.1")
    hit(client, story, referer="https://another.example/", address="192.0.2.1")
    with views_table_unavailable(), pytest.raises(DatabaseError):
        flush_counts()
    hit(client, story, address="192.0.2.2")
    assert flush_counts() == 3
    assert counts(story) == {("partner.example", PARTNER_PAGE): 2, ("another.example", ""): 1}


def test_a_flush_that_fails_is_retried_and_then_shown_beside_the_numbers(
    client, story, superuser, shared_cache
):
    hit(client, story)
    client.force_login(superuser)
    flush_republication_counts.enqueue()
    with views_table_unavailable():
        attempts = run_queued_tasks()
        attempts += run_queued_tasks(include_deferred=True)  # the clock moves on
    assert [attempt.status for attempt in attempts] == ["FAILED"] * 4
    assert [attempt.args_kwargs["kwargs"] for attempt in attempts] == [
        {},
        {"attempt": 2},
        {"attempt": 3},
        {"attempt": 4},
    ]
    page = reverse("admin:articles_article_change", args=[story.pk])
    with committed():
        html = client.get(page).content.decode()
    assert "Writing the latest views failed" in html
    assert "They are kept and written on the next try." in html
    assert "0 views of republished copies" in html

    (flush,) = run_queued_tasks()  # the one the page asked for
    assert flush.return_value == 1
    html = client.get(page).content.decode()
    assert "1 view of republished copies" in html
    assert "failed" not in html.split('class="republication-panel"')[1].split("</div>")[0]


def test_flush_command_writes_the_gathered_counts(client, story):
    hit(client, story)
    call_command("flush_republication_counts", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert RepublicationView.objects.get(article=story).views == 1


def test_counts_for_deleted_articles_are_dropped(client, publisher):
    article = make_article()
    hit(client, article)
    article.delete()
    assert flush_counts() == 0
    assert RepublicationView.objects.count() == 0


# --- admin ---


def test_article_admin_shows_views_sites_pages_and_a_30_day_chart(
    client, story, superuser, shared_cache
):
    RepublicationView.objects.create(
        article=story, day=timezone.localdate() - timedelta(days=3), site="old.example", views=4
    )
    RepublicationView.objects.create(  # older than the chart, still in the total
        article=story, day=timezone.localdate() - timedelta(days=90), site="old.example", views=5
    )
    hit(client, story)  # in the cache until a worker writes it
    client.force_login(superuser)
    page = reverse("admin:articles_article_change", args=[story.pk])
    with committed():
        html = client.get(page).content.decode()
        client.get(page)  # looking again asks for no second flush
    assert "9 views of republished copies" in html  # what is stored, at once
    assert "Views counted in the last few minutes are being written" in html
    assert queued_flushes().count() == 1
    run_queued_tasks()  # the worker writes what the page asked for
    html = client.get(page).content.decode()
    assert "10 views of republished copies" in html
    assert "being written" not in html
    assert "partner.example" in html
    assert f'href="{PARTNER_PAGE}"' in html
    assert "old.example" in html
    assert "the browser sent only the site" in html
    svg_start = html.index('<svg class="republication-chart"')
    svg = html[svg_start : html.index("</svg>", svg_start) + 6]
    assert svg.count("<rect") == 30
    assert "5 in all, at most 4 a day" in svg  # the 90-day-old views are outside the chart
    assert "<script" not in svg


def test_with_a_per_process_cache_the_admin_writes_its_own_counts_first(
    client, story, superuser, per_process_cache
):
    hit(client, story)  # only this process can see it
    client.force_login(superuser)
    html = client.get(reverse("admin:articles_article_change", args=[story.pk])).content.decode()
    assert "1 view of republished copies" in html
    assert "being written" not in html
    assert not queued_flushes().exists()


def test_article_admin_pages_work_before_any_view_and_for_reporters(client, story, reporter):
    client.force_login(reporter)
    assert client.get(reverse("admin:articles_article_add")).status_code == 200
    html = client.get(reverse("admin:articles_article_change", args=[story.pk])).content.decode()
    assert "No partner has shown this story yet." in html
    assert "0 views of republished copies" in html


def test_most_republished_list_is_ranked_and_read_only(client, publisher, editor):
    quiet = make_article(headline="Quiet story")
    popular = make_article(headline="Popular story")
    make_article(headline="Never republished")
    today = timezone.localdate()
    RepublicationView.objects.create(article=quiet, day=today, site="a.example", views=3)
    RepublicationView.objects.create(article=popular, day=today, site="a.example", views=7)
    RepublicationView.objects.create(article=popular, day=today, site="b.example", views=9)
    client.force_login(editor)
    response = client.get(reverse("admin:articles_republishedarticle_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Popular story") < html.index("Quiet story")
    assert "Never republished" not in html
    assert ">16<" in html
    assert client.get(reverse("admin:articles_republishedarticle_add")).status_code == 403


def test_most_republished_list_asks_a_worker_for_the_latest_views(
    client, story, editor, shared_cache
):
    hit(client, story)
    client.force_login(editor)
    url = reverse("admin:articles_republishedarticle_changelist")
    with committed():
        html = client.get(url).content.decode()
    assert "Views counted in the last few minutes are being written" in html
    assert "Harbour talks stall" not in html  # nothing stored yet
    assert queued_flushes().count() == 1
    run_queued_tasks()
    html = client.get(url).content.decode()
    assert "Harbour talks stall" in html and "being written" not in html


def test_most_republished_list_needs_a_staff_login(client, publisher):
    response = client.get(reverse("admin:articles_republishedarticle_changelist"))
    assert response.status_code == 302


# --- ninjs ---


def ninjs_of(client, article):
    response = client.get(reverse("republication:article-ninjs", args=[article.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_ninjs_carries_the_story_and_terms(client, story):
    document = ninjs_of(client, story)
    assert document["uri"] == f"{SITE}/articles/harbour-talks-stall/"
    assert document["headlines"][0]["value"] == "Harbour talks stall"
    assert document["by"] == "By Saga Lund, Nordic Desk; By Tomás Berg, The Test Wire"
    assert f'href="{SITE}/section/world/"' in document["bodies"][0]["value"]
    assert document["located"] == "VARENNA"
    assert "The Test Wire" in document["copyrightHolder"]
    assert "the reporter's affiliation" in document["usageTerms"]


def test_ninjs_of_a_story_not_for_republication_is_withheld(client, story):
    assert ninjs_of(client, story)["pubStatus"] == "usable"
    story.licence = Licence.NONE
    story.save()
    document = ninjs_of(client, story)
    assert document["pubStatus"] == "withheld"
    assert document["usageTerms"].startswith("Not for republication.")


def test_ninjs_leaves_out_photos_that_may_not_be_republished(client, story):
    document = ninjs_of(client, story)
    assert "associations" not in document
    for image in photo_urls(story.lead_photo):
        assert image not in json.dumps(document)
    assert document["profile"] == "text-only"


def test_ninjs_credits_photos_that_may_be_republished(client, story):
    story.lead_photo.may_republish = True
    story.lead_photo.save()
    photo = ninjs_of(client, story)["associations"][0]
    assert photo["type"] == "picture"
    assert photo["uri"] == SITE + story.lead_photo.public_url
    assert [r["href"] for r in photo["renditions"]] == [
        SITE + url for url, _width, _height in story.lead_photo.sources("jpeg")
    ]
    assert photo["copyrightHolder"] == "REUTERS/Alexei Druzhinin/RIA Novosti/Kremlin/Files"
    assert photo["edNote"] == "ATTENTION EDITORS - SUPPLIED BY A THIRD PARTY."


@pytest.mark.parametrize("photo_allowed", [False, True])
def test_ninjs_validates_against_the_iptc_schema(client, story, photo_allowed):
    schema_path = os.environ.get("NINJS_SCHEMA")
    if not schema_path:
        pytest.skip("NINJS_SCHEMA is not set: no ninjs 3.1 schema to validate against")
    import jsonschema

    schema = json.loads(Path(schema_path).read_text())
    story.lead_photo.may_republish = photo_allowed
    story.lead_photo.save()
    story.tags.add("Fishing")
    document = ninjs_of(client, story)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(document), key=str)
    assert not errors, [error.message for error in errors]
    # The validator really checks: a document breaking the schema fails.
    assert list(validator.iter_errors(document | {"type": "newspaper"}))


def test_counting_works_the_same_on_redis(client, story, settings, django_assert_num_queries):
    """Production keeps the counts in Redis: atomic add, incr and decr there too."""
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("REDIS_URL is not set: no Redis to count in")
    settings.CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "newsroom-tests-republication",
        }
        for alias in ("default", "counts")
    }
    cache.clear()
    try:
        hit(client, story)  # starts the flush clock
        with django_assert_num_queries(0):
            hit(client, story)  # a repeat
            hit(client, story, address="198.51.100.7")
            hit(client, story, referer="https://another.example/")
        assert flush_counts() == 3
        assert flush_counts() == 0
        assert counts(story) == {
            ("partner.example", PARTNER_PAGE): 2,
            ("another.example", ""): 1,
        }
    finally:
        cache.clear()


def test_partner_pages_query_count_does_not_grow_with_authors(
    client, publisher, django_assert_max_num_queries
):
    small = make_article(lead_photo=make_photo(may_republish=True))
    big = make_article(
        authors=[make_author() for _ in range(8)],
        tags=[f"t{i}" for i in range(8)],
        lead_photo=make_photo(may_republish=True),
    )
    for article in (small, big):
        # The republish page, a whole page, also reads the breaking-news banners (first page only).
        for name, budget in [
            ("article-republish", 7),
            ("article-republish-panel", 6),
            ("article-ninjs", 6),
        ]:
            with django_assert_max_num_queries(budget):
                response = client.get(reverse(f"republication:{name}", args=[article.slug]))
            assert response.status_code == 200


def test_the_copy_carries_the_storys_corrections(client, story, editor):
    Correction.objects.create(
        article=story,
        kind="correction",
        text="An earlier version misnamed the port.",
        created_by=editor,
    )
    republication = republish_page(client, story).context["republication"]
    html = republication["snippet_html"]
    assert "<strong>Correction, " in html
    assert "An earlier version misnamed the port.</p>" in html
    assert "Correction, " in republication["snippet_text"]
    assert "An earlier version misnamed the port." in republication["snippet_text"]
    parse_fragment(html)  # still valid HTML
