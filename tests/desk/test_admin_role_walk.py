"""Every admin URL, walked as a reporter, an editor and a stranger, against the role table.

The URLs come from the admin site itself (every registered ModelAdmin's get_urls(), ours and
third-party ones, and the site's own views), so an admin registered tomorrow is walked too: a
model, custom view or action this table does not know fails the walk until someone decides,
here, what each role may do with it.
"""

from datetime import date

import pytest
import reversion
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.test import Client, RequestFactory
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from reversion.models import Version
from taggit.models import Tag, TaggedItem

from articles import workflow
from articles.models import (
    Article,
    ArticleDraft,
    ArticleRedirect,
    ArticleTransition,
    Author,
    Byline,
    Correction,
    EmbargoShare,
    ImageCredit,
    PreviewLink,
    Publisher,
    RelatedStory,
    RepublicationView,
    Section,
    Series,
    SeriesPart,
)
from curation.models import Arrangement, Banner
from live.models import LiveCoverage, LiveEntry
from republication.models import Partner, WebhookDelivery
from tests.admin_forms import read_form
from tests.factories import make_article, make_author, make_photo

pytestmark = pytest.mark.django_db

NONE, VIEW, ADD, CHANGE, DELETE = frozenset(), "view", "add", "change", "delete"

# What each role may do, per model, to a row that is not their own: someone else's published
# story and the photo it uses, another author, the publisher's settings...
ROLE_TABLE = {
    "auth.group": {"reporter": NONE, "editor": NONE},
    "auth.user": {"reporter": NONE, "editor": NONE},
    "axes.accessattempt": {"reporter": NONE, "editor": NONE},
    "axes.accesslog": {"reporter": NONE, "editor": NONE},
    "axes.accessfailurelog": {"reporter": NONE, "editor": NONE},
    "django_tasks_database.dbtaskresult": {"reporter": NONE, "editor": NONE},
    "taggit.tag": {"reporter": {VIEW}, "editor": {VIEW, ADD, CHANGE, DELETE}},
    "articles.article": {"reporter": {VIEW, ADD}, "editor": {VIEW, ADD, CHANGE, DELETE}},
    "articles.imagecredit": {"reporter": {VIEW, ADD}, "editor": {VIEW, ADD, CHANGE, DELETE}},
    "articles.republishedarticle": {"reporter": {VIEW}, "editor": {VIEW}},
    "articles.correction": {"reporter": {VIEW}, "editor": {VIEW, CHANGE}},
    "articles.articletransition": {"reporter": {VIEW}, "editor": {VIEW}},
    "articles.publisher": {"reporter": NONE, "editor": {VIEW, CHANGE}},
    "articles.section": {"reporter": {VIEW}, "editor": {VIEW, ADD, CHANGE}},
    "articles.author": {"reporter": {VIEW}, "editor": {VIEW, ADD, CHANGE}},
    "articles.embargoshare": {"reporter": NONE, "editor": {VIEW, ADD, CHANGE}},
    "articles.articleredirect": {"reporter": NONE, "editor": {VIEW, ADD, CHANGE, DELETE}},
    "articles.series": {"reporter": NONE, "editor": {VIEW, ADD, CHANGE, DELETE}},
    "republication.partner": {"reporter": NONE, "editor": {VIEW, ADD, CHANGE}},
    # Editors open, end and delete live coverage (as they delete stories: a live story's deletion
    # takes its coverage); reporters add entries where a story lets them, and change only their
    # own drafts (tested in tests/live).
    "live.livecoverage": {"reporter": NONE, "editor": {VIEW, ADD, CHANGE, DELETE}},
    "live.liveentry": {"reporter": {VIEW, ADD}, "editor": {VIEW, ADD, CHANGE, DELETE}},
    "republication.webhookdelivery": {"reporter": NONE, "editor": {VIEW}},
    "curation.arrangement": {"reporter": NONE, "editor": {VIEW, ADD, CHANGE, DELETE}},
    "curation.banner": {"reporter": NONE, "editor": {VIEW, ADD, CHANGE, DELETE}},
}

# The bulk actions each role is offered on each model's list; none elsewhere.
ACTIONS = {
    "taggit.tag": {"editor": {"merge_tags", "delete_selected"}},
    "articles.article": {
        "reporter": {"submit_selected"},
        "editor": {"submit_selected", "publish_selected", "delete_selected"},
    },
    "articles.imagecredit": {
        "reporter": {"make_renditions_again"},
        "editor": {"make_renditions_again", "delete_selected"},
    },
    "articles.republishedarticle": {"editor": {"export_views"}},
    "articles.embargoshare": {"editor": {"revoke_selected"}},
    "articles.articleredirect": {"editor": {"delete_selected"}},
    "live.livecoverage": {"editor": {"delete_selected"}},
    "live.liveentry": {"editor": {"delete_selected"}},
    "articles.series": {"editor": {"delete_selected"}},
    "curation.arrangement": {"editor": {"delete_selected"}},
    "curation.banner": {"editor": {"delete_selected"}},
    "republication.partner": {
        "editor": {"approve", "issue_key", "revoke_keys", "rotate_webhook_secret", "suspend"}
    },
}

# Custom views (ModelAdmin.get_urls() beyond Django's five, and the admin site's own), with the
# answer each role gets to GET and to POST, on the sample rows. A POST the role may not make is
# refused: with 403, or with a redirect back carrying the reason (the workflow buttons).
CUSTOM_VIEWS = {
    "articles_article_transition": {"reporter": (405, 302), "editor": (405, 302)},
    "articles_article_correction": {"reporter": (405, 302), "editor": (405, 302)},
    "articles_article_previewlink": {"reporter": (405, 302), "editor": (405, 302)},
    "articles_article_revokepreviewlink": {"reporter": (405, 302), "editor": (405, 302)},
    "articles_article_heartbeat": {"reporter": (405, 403), "editor": (405, 200)},
    "articles_article_compare": {"reporter": (302, 302), "editor": (302, 302)},
    "articles_article_recoverlist": {"reporter": (403, 403), "editor": (200, 200)},
    "articles_article_recover": {"reporter": (403, 403), "editor": (200, 200)},
    # an old revision, read-only to those who may see the story; restoring it is a change
    "articles_article_revision": {"reporter": (200, 403), "editor": (200, 200)},
    "articles_imagecredit_original": {"reporter": (200, 200), "editor": (200, 200)},
    "articles_imagecredit_renditions": {"reporter": (405, 403), "editor": (405, 302)},
    # searching the photo library for the body: read-only whatever the method
    "articles_imagecredit_picker": {"reporter": (200, 200), "editor": (200, 200)},
    "articles_imagecredit_picker_upload": {"reporter": (405, 400), "editor": (405, 400)},
    "articles_republishedarticle_export": {"reporter": (403, 403), "editor": (200, 200)},
    # without an address to check: refused as a bad request
    "articles_article_embedcheck": {"reporter": (400, 400), "editor": (400, 400)},
    # an autosave only ever writes the sender's own draft; an empty one is a bad request
    "articles_article_autosave": {"reporter": (405, 400), "editor": (405, 400)},
    "articles_article_discarddraft": {"reporter": (405, 404), "editor": (405, 404)},
    "auth_user_password_change": {"reporter": (403, 403), "editor": (403, 403)},
    # making an arrangement live now: a POST, the editors'
    "curation_arrangement_publish": {"reporter": (405, 403), "editor": (405, 302)},
    # the admin site's own views
    "index": {"reporter": (200, 200), "editor": (200, 200)},
    "login": {"reporter": (302, 200), "editor": (302, 200)},
    "logout": {"reporter": (405, None), "editor": (405, None)},  # a POST would end the walk
    "password_change": {"reporter": (200, 200), "editor": (200, 200)},
    "password_change_done": {"reporter": (200, 405), "editor": (200, 405)},
    "autocomplete": {"reporter": (403, 405), "editor": (403, 405)},  # without a field: refused
    "jsi18n": {"reporter": (200, 405), "editor": (200, 405)},
    "view_on_site": {"reporter": (302, 302), "editor": (302, 302)},
    "app_list": {"reporter": (200, 200), "editor": (200, 200)},
}
STANDARD = {"changelist", "add", "change", "delete", "history"}


def label(model):
    return model._meta.label_lower


@pytest.fixture
def samples(publisher, reporter):
    """One row of every registered model, none of them the reporter's own."""
    author = make_author(name="Saga Lund", slug="saga-lund")
    photo = make_photo(caption="Cranes stand idle.")
    with reversion.create_revision():
        story = make_article(
            headline="Harbour talks stall", authors=[author], lead_photo=photo, tags=["Trade"]
        )
    story.save()  # a second revision, to compare and restore
    RepublicationView.objects.create(
        article=story, day=date.today(), site="partner.example", views=5
    )
    gone = make_article(headline="Deleted story", status="draft", publish_at=None)
    with reversion.create_revision():
        gone.save()
    gone.delete()
    correction = Correction.objects.create(article=story, text="The bridge is 40 m long.")
    RelatedStory.objects.create(article=story, related=make_article(headline="Cranes idle"))
    series = Series.objects.create(name="Harbour in crisis", slug="harbour-in-crisis")
    SeriesPart.objects.create(series=series, article=story, position=1)
    link = PreviewLink.objects.create(
        article=story, expires_at=timezone.now() + timezone.timedelta(days=1)
    )
    partner = Partner.objects.create(
        organisation="Harbour Gazette", contact_email="desk@harbour-gazette.example"
    )
    transition = ArticleTransition.objects.create(
        article=story, name="publish", from_status="in_review", to_status="published"
    )
    coverage = LiveCoverage.objects.create(article=story)
    rows = {
        LiveCoverage: coverage,
        LiveEntry: LiveEntry.objects.create(
            coverage=coverage, text="<p>The talks resume at noon.</p>", author=author
        ),
        Group: Group.objects.get(name="Editor"),
        User: User.objects.create_superuser("root", "root@example.org", "pw-for-tests-1"),
        Tag: Tag.objects.get(name="Trade"),
        AccessAttempt: AccessAttempt.objects.create(
            username="x", ip_address="10.0.0.1", user_agent="ua", failures_since_start=1
        ),
        AccessLog: AccessLog.objects.create(username="x", ip_address="10.0.0.1", user_agent="ua"),
        AccessFailureLog: AccessFailureLog.objects.create(
            username="x", ip_address="10.0.0.1", user_agent="ua"
        ),
        Article: story,
        ImageCredit: photo,
        Correction: correction,
        ArticleTransition: transition,
        Publisher: publisher,
        Section: story.section,
        Author: author,
        EmbargoShare: EmbargoShare.objects.create(
            article=make_article(headline="Joint investigation", status="in_review"),
            recipient_name="Harbour Gazette",
            recipient_email="desk@harbour-gazette.example",
            embargo_until=timezone.now() + timezone.timedelta(days=1),
        ),
        ArticleRedirect: ArticleRedirect.objects.create(old_slug="harbour-talks", article=story),
        Series: series,
        Partner: partner,
        WebhookDelivery: WebhookDelivery.objects.create(
            partner=partner, article=story, event=WebhookDelivery.Event.PUBLISHED
        ),
        Arrangement: Arrangement.objects.create(goes_live_at=timezone.now()),
        Banner: Banner.objects.create(
            text="Polls close", url="https://example.org/", ends_at=timezone.now()
        ),
    }
    task = DBTaskResult.objects.first()
    if task is not None:
        rows[DBTaskResult] = task
    return {
        "rows": rows,
        "story": story,
        "preview_link": link,
        "draft": ArticleDraft.objects.create(
            user=rows[User], article=story, content={"body": "<p>Unsaved.</p>"}
        ),
        "deleted_version": Version.objects.get_deleted(Article).first(),
        "version": Version.objects.get_for_object(story).first(),
    }


def row_for(model, samples):
    if model._meta.proxy:
        model = model._meta.concrete_model
    return samples["rows"].get(model)


def patterns(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from patterns(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def admin_resolver():
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "admin":
            return pattern
    raise AssertionError("no admin site in the URLconf")


def every_admin_url():
    """(name, pattern) of every URL of the admin site, models' and the site's own."""
    return [(pattern.name, pattern) for _route, pattern in patterns(admin_resolver())]


def model_url_names():
    """{url name: (model, suffix)} for every registered ModelAdmin's named URLs."""
    names = {}
    for model, model_admin in admin.site._registry.items():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        for pattern in model_admin.get_urls():
            if pattern.name:
                names[pattern.name] = (model, pattern.name.removeprefix(prefix))
    return names


def url_for(pattern, name, model, samples):
    """The URL, its parameters filled from the sample rows."""
    row = row_for(model, samples) if model else None
    regex = pattern.pattern.regex
    if regex.groups and not regex.groupindex:  # django-reversion's positional patterns
        positional = {
            "articles_article_recover": [samples["deleted_version"].pk],
            "articles_article_revision": [row.pk, samples["version"].pk],
        }
        if name not in positional:
            raise AssertionError(f"the walk does not know how to fill {regex.pattern} ({name})")
        return reverse(f"admin:{name}", args=positional[name])
    return reverse(f"admin:{name}", kwargs=url_kwargs(pattern, name, row, samples))


def url_kwargs(pattern, name, row, samples):
    values = {}
    for parameter in regex_parameters(pattern):
        if parameter in {"object_id", "id"}:
            row = row or (samples["story"] if name == "view_on_site" else None)
            values[parameter] = row.pk if row else 999999
        elif parameter == "name":
            values[parameter] = "publish"
        elif parameter == "link_id":
            values[parameter] = samples["preview_link"].pk
        elif parameter == "version_id":
            version = samples["deleted_version" if name.endswith("recover") else "version"]
            values[parameter] = version.pk
        elif parameter == "draft_id":
            values[parameter] = samples["draft"].pk  # someone else's autosave: never theirs
        elif parameter == "app_label":
            values[parameter] = "articles"
        elif parameter == "content_type_id":
            values[parameter] = ContentType.objects.get_for_model(Article).pk
        elif parameter == "url":
            values[parameter] = "no/such/page/"
        else:
            raise AssertionError(f"the walk does not know how to fill <{parameter}> in {name}")
    return values


def regex_parameters(pattern):
    return getattr(pattern.pattern, "converters", None) or pattern.pattern.regex.groupindex


def expected_standard(suffix, may, method):
    needed = {"changelist": VIEW, "history": VIEW, "add": ADD, "delete": DELETE}.get(suffix)
    if suffix == "change":
        needed = VIEW if method == "GET" else CHANGE
    return needed in may


def snapshot():
    """Everything a reporter could damage, as plain values."""
    models = [Article, ImageCredit, Tag, TaggedItem, Correction, PreviewLink, Section, Author]
    models += [Publisher, Byline, ArticleTransition, RepublicationView, Group, User]
    models += [LiveCoverage, LiveEntry]
    models += [RelatedStory, Series, SeriesPart]
    models += [Arrangement, Banner]
    rows = {label(m): list(m._default_manager.order_by("pk").values()) for m in models}
    for row in rows["auth.user"]:
        row.pop("last_login")
    rows["permissions"] = sorted(Group.permissions.through.objects.values_list("pk", flat=True))
    return rows


def walk(client, role, samples, superuser_client):
    """GET and POST every admin URL; returns the problems found, as readable lines."""
    problems = []
    names = model_url_names()
    for name, pattern in every_admin_url():
        if name is None:
            continue  # the catch-all and the change page's old address: walked below
        model, suffix = names.get(name, (None, name))
        if model is not None and label(model) not in ROLE_TABLE:
            problems.append(f"{label(model)} is not in the role table")
            continue
        url = url_for(pattern, name, model, samples)
        if suffix in STANDARD:
            may = ROLE_TABLE[label(model)][role]
            form = {}
            if suffix == "change":
                page = superuser_client.get(url).content.decode()
                form = read_form(page, f"{model._meta.model_name}_form")
            for method in ["GET", "POST"]:
                if method == "POST" and may >= {suffix, CHANGE} and suffix in {"delete", "change"}:
                    continue  # allowed writes are the feature tests' business, not the walk's
                if method == "POST" and suffix == "delete" and DELETE in may:
                    continue
                allowed = expected_standard(suffix, may, method)
                data = form | {"post": "yes"} if method == "POST" else None
                response = client.post(url, data) if data is not None else client.get(url)
                status = response.status_code
                if allowed and status not in {200, 302}:
                    problems.append(f"{role} {method} {url}: {status}, expected to be allowed")
                if not allowed and status != 403:
                    problems.append(f"{role} {method} {url}: {status}, expected 403")
        else:
            if name not in CUSTOM_VIEWS:
                problems.append(f"custom admin view {name} ({url}) is not in the role table")
                continue
            for method, want in zip(["GET", "POST"], CUSTOM_VIEWS[name][role], strict=True):
                if want is None:
                    continue
                response = client.get(url) if method == "GET" else client.post(url, {})
                if response.status_code != want:
                    problems.append(f"{role} {method} {url}: {response.status_code}, not {want}")
    return problems


def action_problems(client, role, samples):
    """The actions each list offers the role, and each action forced on the sample row."""
    problems = []
    user = User.objects.get(username={"reporter": "rita", "editor": "eddie"}[role])
    request = RequestFactory().get("/")
    request.user = user
    for model, model_admin in admin.site._registry.items():
        # Actions run from the list: a list the role cannot open offers none.
        offered = set()
        if model_admin.has_view_or_change_permission(request):
            offered = set(model_admin.get_actions(request))
        want = ACTIONS.get(label(model), {}).get(role, set())
        if offered != want:
            problems.append(
                f"{role} is offered {sorted(offered)} on {label(model)}, not {sorted(want)}"
            )
        if role != "reporter":
            continue
        row = row_for(model, samples)
        every = set(model_admin.actions) | {"delete_selected"}
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for action in every:  # offered or not: refused, or harmless on these rows
            data = {"action": action, "_selected_action": [row.pk] if row else [], "post": "yes"}
            status = client.post(url, data | {"apply": "1", "name": "Taken"}).status_code
            if status not in {200, 302, 403}:
                problems.append(f"reporter forcing {action} on {label(model)}: {status}")
    return problems


@pytest.fixture
def superuser_client(superuser):
    client = Client()
    client.force_login(superuser)
    return client


def test_every_registered_model_is_in_the_role_table():
    registered = {label(model) for model in admin.site._registry}
    assert registered == set(ROLE_TABLE), "decide what each role may do with a new admin here"


def test_the_walk_reaches_every_model_admin_url():
    names = {name for name, _pattern in every_admin_url()}
    for _model, model_admin in admin.site._registry.items():
        for pattern in model_admin.get_urls():
            assert pattern.name is None or pattern.name in names, pattern.name


@pytest.mark.slow
def test_reporter_walk_of_every_admin_url_matches_the_role_table(
    client, reporter, samples, superuser_client
):
    before = snapshot()
    client.force_login(reporter)
    problems = walk(client, "reporter", samples, superuser_client)
    problems += action_problems(client, "reporter", samples)
    assert problems == [], "\n".join(problems)
    assert snapshot() == before, "a reporter changed something through the admin"


@pytest.mark.slow
def test_editor_walk_of_every_admin_url_matches_the_role_table(
    client, editor, samples, superuser_client
):
    client.force_login(editor)
    problems = walk(client, "editor", samples, superuser_client)
    problems += action_problems(client, "editor", samples)
    assert problems == [], "\n".join(problems)


def test_strangers_are_sent_to_the_login_page_from_every_admin_url(client, samples):
    names = model_url_names()
    login = reverse("admin:login")
    for name, pattern in every_admin_url():
        model = names.get(name, (None, None))[0] if name else None
        url = url_for(pattern, name, model, samples) if name else "/admin/no/such/page/"
        for method in ["get", "post"]:
            response = getattr(client, method)(url)
            if name == "login":
                assert response.status_code == 200
            elif name == "logout":
                assert response.status_code in {200, 302, 405}, (method, url)
            else:
                assert response.status_code == 302, (method, url, response.status_code)
                assert response["Location"].startswith(login), (method, url)


def test_reporters_only_change_their_own_drafts_and_the_photos_only_those_use(client, reporter):
    """The other side of the table: what a reporter may do, they can."""
    draft = make_article(
        authors=[reporter.author], status="draft", publish_at=None, lead_photo=make_photo()
    )
    client.force_login(reporter)
    for url in [
        reverse("admin:articles_article_change", args=[draft.pk]),
        reverse("admin:articles_imagecredit_change", args=[draft.lead_photo.pk]),
    ]:
        page = client.get(url)
        assert page.status_code == 200
        assert 'name="loaded_version"' in page.content.decode()
    assert workflow.can_edit(reporter, draft)
    assert workflow.can_change_photo(reporter, draft.lead_photo)


def related_rows(data):
    return {key: value for key, value in data.items() if key.startswith("related_links-")}


def test_reporters_pick_related_stories_only_for_stories_they_may_edit(client, reporter):
    """On their own draft a reporter picks related stories; on another's story they cannot."""
    own = make_article(authors=[reporter.author], status="draft", publish_at=None)
    theirs = make_article(headline="Someone else's story")
    picked = make_article(headline="Background: the harbour's debts")
    client.force_login(reporter)
    autocomplete = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "relatedstory", "field_name": "related"},
    )
    assert autocomplete.status_code == 200
    assert "Background: the harbour" in autocomplete.content.decode()

    url = reverse("admin:articles_article_change", args=[own.pk])
    form = read_form(client.get(url).content.decode(), "article_form")
    assert form["related_links-TOTAL_FORMS"] == "1"
    form |= {"related_links-0-related": str(picked.pk), "related_links-0-position": "1"}
    assert client.post(url, form).status_code == 302
    assert list(RelatedStory.objects.filter(article=own).values_list("related", flat=True)) == [
        picked.pk
    ]

    page = client.get(reverse("admin:articles_article_change", args=[theirs.pk])).content
    assert b'name="related_links-0-related"' not in page
    forced = {
        "related_links-TOTAL_FORMS": "1",
        "related_links-INITIAL_FORMS": "0",
        "related_links-0-related": str(picked.pk),
    }
    url = reverse("admin:articles_article_change", args=[theirs.pk])
    assert client.post(url, forced).status_code == 403
    assert not RelatedStory.objects.filter(article=theirs).exists()


def test_editors_arrange_a_series_and_reporters_cannot(client, editor, reporter):
    """An editor makes a series and orders its parts; the series screens refuse a reporter."""
    first, second = make_article(headline="Part one"), make_article(headline="Part two")
    client.force_login(editor)
    add = reverse("admin:articles_series_add")
    form = read_form(client.get(add).content.decode(), "series_form")
    form |= {"name": "The harbour files", "slug": "the-harbour-files"}
    form |= {"parts-TOTAL_FORMS": "2"}
    form |= {"parts-0-article": str(second.pk), "parts-0-position": "2"}
    form |= {"parts-1-article": str(first.pk), "parts-1-position": "1"}
    assert client.post(add, form).status_code == 302
    series = Series.objects.get(slug="the-harbour-files")
    assert list(series.published_parts()) == [first, second]

    client.force_login(reporter)
    change = reverse("admin:articles_series_change", args=[series.pk])
    assert client.get(change).status_code == 403
    assert client.get(add).status_code == 403
