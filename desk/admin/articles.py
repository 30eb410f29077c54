"""Articles: the change page, its workflow panel and views, revisions and bulk actions."""

from contextlib import contextmanager, suppress

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, transaction
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from reversion.admin import VersionAdmin
from reversion.models import Version
from taggit.managers import TaggableManager

from articles import locks, revisions, workflow
from articles.models import (
    RELATED_STORIES,
    Article,
    Author,
    Byline,
    Correction,
    PreviewLink,
    RelatedStory,
)
from desk import body_media
from desk.admin.photos import photo_preview
from desk.admin.republication import carriers_message, republication_panel
from desk.admin.versioned import VersionCheckedAdmin
from desk.admin.writing import WritingScreenMixin
from desk.forms import ATTRIBUTION_FIELDS, ArticleAdminForm, BoundedTagField
from desk.widgets import TagAutocompleteWidget


class BylineInline(admin.StackedInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "role", "position"]

    def get_queryset(self, request):
        # Each row's title names its author.
        return super().get_queryset(request).select_related("author")


class RelatedStoryInline(admin.StackedInline):
    """The stories picked by hand to show under this one, by whoever may edit it."""

    model = RelatedStory
    fk_name = "article"
    extra = 1
    max_num = RELATED_STORIES
    autocomplete_fields = ["related"]
    fields = ["related", "position"]
    verbose_name_plural = _("Related stories (leave empty to show the newest on its subjects)")

    def get_queryset(self, request):
        # Each row's title names its story.
        return super().get_queryset(request).select_related("related")

    def may_edit_story(self, request, article):
        return article is None or workflow.can_edit(request.user, article)

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and self.may_edit_story(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.may_edit_story(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.may_edit_story(request, obj)


def lock_notice(sessions):
    """'NAME has been editing this since HH:MM' for each other live edit session."""
    return " ".join(
        _("%(name)s has been editing this since %(time)s.")
        % {
            "name": workflow.display_name(session.user),
            "time": date_format(timezone.localtime(session.started_at), "TIME_FORMAT"),
        }
        for session in sessions
    )


def newsroom_time(moment):
    """A moment as the desk writes it, in the newsroom's time zone: "3 Mar 2026, 14:05 CET"."""
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def typed_local_time(value):
    """A time typed in the newsroom's zone (TIME_ZONE), as an aware datetime, or None."""
    try:
        moment = parse_datetime((value or "").strip())
    except ValueError:
        return None
    if moment is None:
        return None
    if timezone.is_naive(moment):
        try:
            moment = timezone.make_aware(moment)
        except (ValueError, OverflowError):
            return None
    return moment


def transition_message(article):
    """What the desk tells whoever moved the article: its new state, or when it will go out."""
    if article.is_scheduled:
        return _("Scheduled for %(when)s.") % {"when": newsroom_time(article.publish_at)}
    return _("The article is now %(state)s.") % {"state": article.get_status_display().lower()}


@contextmanager
def refusal_as_message(request):
    """Run a workflow step from a desk button; if the workflow refuses it, say why instead.

    The rest of the block (the success message) runs only if the step went through.
    """
    try:
        yield
    except workflow.TransitionRefused as refusal:
        messages.error(request, str(refusal))


# The extra-context key under which restoring views hand changeform_view() the state to keep.
KEEP_WORKFLOW_STATE = "keep_workflow_state"


@admin.register(Article)
class ArticleAdmin(WritingScreenMixin, VersionCheckedAdmin, VersionAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    object_history_template = "admin/articles/article/object_history.html"
    list_display = [
        "photo_thumbnail",
        "headline",
        "section",
        "state",
        "publish_at",
        "author_names",
        "updated_at",
    ]
    list_display_links = ["photo_thumbnail", "headline"]
    list_filter = ["status", "section", "authors", "publish_at"]
    search_fields = ["headline", "dek", "slug", "body"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "lead_photo", "social_image"]
    # State and publishing time change only through the workflow buttons (articles/workflow.py).
    readonly_fields = [
        "lead_photo_card",
        "search_preview",
        "status",
        "publish_at",
        "created_at",
        "updated_at",
        "republication_panel",
    ]
    inlines = [BylineInline, RelatedStoryInline]
    formfield_overrides = {TaggableManager: {"form_class": BoundedTagField}}
    list_select_related = ["section", "lead_photo"]
    actions = ["submit_selected", "publish_selected"]
    # The writing column ("writing"), then the side column in a reporter's order; the bylines
    # come first there (templates/admin/articles/article/change_form.html).
    fieldsets = [
        (None, {"fields": ["kicker", "headline", "dek", "body"], "classes": ["writing"]}),
        (_("Section and tags"), {"fields": ["section", "tags"]}),
        (_("Lead photo"), {"fields": ["lead_photo", "lead_photo_card"]}),
        (_("Dateline and address"), {"fields": ["dateline", "slug"]}),
        (
            _("Publishing"),
            {
                "fields": ["status", "publish_at", "created_at", "updated_at"],
                "classes": ["collapse"],
            },
        ),
        (
            _("Republication (leave empty to use the publisher's terms)"),
            {
                "fields": ["licence", "terms", *ATTRIBUTION_FIELDS, "licensing_email"],
                "classes": ["collapse"],
            },
        ),
        (_("Republished copies"), {"fields": ["republication_panel"], "classes": ["collapse"]}),
        (
            _("Search and social"),
            {
                "fields": ["seo_headline", "seo_description", "social_image", "search_preview"],
                "classes": ["collapse"],
            },
        ),
    ]

    republication_panel = admin.display(description=_("views on partners' sites"))(
        republication_panel
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("bylines", queryset=Byline.objects.select_related("author")))
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "tags":
            kwargs["widget"] = TagAutocompleteWidget(
                attrs={"data-autocomplete-url": reverse("admin:autocomplete")}
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    # --- who may do what (the object-level rules live in articles/workflow.py) ---

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or workflow.can_edit(request.user, obj):
            return True
        # An author whose story moved on (submitted, returned, published) while they typed: their
        # save reaches the form, which refuses it and shows their text again, instead of a 403.
        return (
            request.method == "POST"
            and request.resolver_match is not None
            and request.resolver_match.url_name == "articles_article_change"
            and workflow.is_author(request.user, obj)
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.editing_user = request.user
        return form

    def has_publish_permission(self, request):
        return request.user.has_perm(workflow.PUBLISH)

    def get_object(self, request, object_id, from_field=None):
        article = super().get_object(request, object_id, from_field)
        if article is None:
            return None
        # Saves are checked against the version in the form: hold the row until we commit.
        if request.method == "POST" and transaction.get_connection().in_atomic_block:
            article = self.get_queryset(request).select_for_update().get(pk=article.pk)
        return article

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        author = Author.objects.filter(user=request.user).first()
        if not change and author and not article.bylines.filter(author=author).exists():
            # A reporter's new story carries their byline, so it is theirs to edit and submit.
            Byline.objects.create(article=article, author=author, position=article.bylines.count())

    # --- revisions ---

    # Restoring a revision brings back its content, never its workflow state: the state (and
    # version) stay those of the article as it is now, and a recovered story goes back through
    # review. django-reversion writes the revision into the row, in a transaction it keeps only if
    # the form is saved, then runs changeform_view() with the view's extra context: the state to
    # keep travels there and is written back over the row before the form reads it.

    def revision_view(self, request, object_id, version_id, extra_context=None):
        now = (
            Article.objects.filter(pk=unquote(object_id))
            .values("version", "status", "publish_at")
            .first()
        )
        context = {**(extra_context or {}), KEEP_WORKFLOW_STATE: now}
        return super().revision_view(request, object_id, version_id, context)

    def recover_view(self, request, version_id, extra_context=None):
        if not request.user.has_perm(workflow.EDIT_ANY):
            raise PermissionDenied
        context = {**(extra_context or {}), KEEP_WORKFLOW_STATE: {"status": Article.Status.DRAFT}}
        return super().recover_view(request, version_id, context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        context = dict(extra_context or {})
        state = context.pop(KEEP_WORKFLOW_STATE, None)
        if state and object_id is not None:
            Article.objects.filter(pk=unquote(object_id)).update(**state)
        return super().changeform_view(request, object_id, form_url, context)

    def recoverlist_view(self, request, extra_context=None):
        if not request.user.has_perm(workflow.EDIT_ANY):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        versions = (
            Version.objects.get_for_object_reference(Article, object_id)
            .select_related("revision__user")
            .order_by("-revision__date_created")
        )
        context = {
            "versions": versions,
            "compare_url": reverse("admin:articles_article_compare", args=[object_id]),
        }
        return super().history_view(request, object_id, context | (extra_context or {}))

    def compare_view(self, request, object_id):
        article = self._article_for(request, object_id)
        versions = Version.objects.get_for_object(article).select_related("revision__user")
        chosen = [request.GET.get("older"), request.GET.get("newer")]
        try:
            picked = list(versions.filter(pk__in=[int(pk) for pk in chosen]))
        except (TypeError, ValueError):
            picked = []
        if len(picked) != 2:
            messages.error(request, _("Choose two different revisions to compare."))
            return redirect("admin:articles_article_history", article.pk)
        older, newer = sorted(picked, key=lambda version: version.revision.date_created)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": _("Compare revisions of “%(headline)s”") % {"headline": article.headline},
            "older": older,
            "newer": newer,
            "rows": revisions.compare(older, newer),
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    # --- the workflow panel on the change page ---

    def get_urls(self):
        view = self.admin_site.admin_view
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"

        def post_only(method):
            return view(require_POST(method))

        return [
            path(
                "<path:object_id>/workflow/<slug:name>/",
                post_only(self.transition_view),
                name=f"{prefix}_transition",
            ),
            path(
                "<path:object_id>/corrections/",
                post_only(self.correction_view),
                name=f"{prefix}_correction",
            ),
            path(
                "<path:object_id>/preview-links/",
                post_only(self.preview_link_view),
                name=f"{prefix}_previewlink",
            ),
            path(
                "<path:object_id>/preview-links/<int:link_id>/revoke/",
                post_only(self.revoke_preview_link_view),
                name=f"{prefix}_revokepreviewlink",
            ),
            path(
                "<path:object_id>/heartbeat/",
                post_only(self.heartbeat_view),
                name=f"{prefix}_heartbeat",
            ),
            path("<path:object_id>/compare/", view(self.compare_view), name=f"{prefix}_compare"),
            path("embed-check/", view(body_media.embed_check), name=f"{prefix}_embedcheck"),
            *super().get_urls(),
        ]

    def _article_for(self, request, object_id):
        article = self.get_object(request, object_id)
        if article is None:
            raise Http404(_("No such article."))
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def _back_to(self, article):
        return redirect("admin:articles_article_change", article.pk)

    def transition_view(self, request, object_id, name):
        article = self._article_for(request, object_id)
        action = workflow.TRANSITIONS.get(name)
        if action is None:
            raise Http404(_("No such transition."))
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            messages.error(request, _("The form was incomplete; reload the page and try again."))
            return self._back_to(article)
        options = {"note": request.POST.get("note", "")}
        if name == "schedule":
            options["publish_at"] = typed_local_time(request.POST.get("publish_at"))
        with refusal_as_message(request):
            article = action(article, request.user, version, **options)
            messages.success(request, transition_message(article))
            if name == "withdraw":
                messages.info(request, carriers_message(article))
        return self._back_to(article)

    def correction_view(self, request, object_id):
        article = self._article_for(request, object_id)
        with refusal_as_message(request):
            correction = workflow.add_correction(
                article, request.user, request.POST.get("kind", ""), request.POST.get("text", "")
            )
            messages.success(
                request,
                _("%(kind)s added to the article.") % {"kind": correction.get_kind_display()},
            )
            messages.info(request, carriers_message(article))
        return self._back_to(article)

    def preview_link_view(self, request, object_id):
        article = self._article_for(request, object_id)
        with refusal_as_message(request):
            link = workflow.create_preview_link(article, request.user)
            messages.success(
                request,
                _("Preview link made, valid until %(when)s: %(url)s")
                % {
                    "when": newsroom_time(link.expires_at),
                    "url": request.build_absolute_uri(link.get_absolute_url()),
                },
            )
        return self._back_to(article)

    def revoke_preview_link_view(self, request, object_id, link_id):
        article = self._article_for(request, object_id)
        link = get_object_or_404(PreviewLink, pk=link_id, article=article)
        with refusal_as_message(request):
            workflow.revoke_preview_link(link, request.user)
            messages.success(request, _("The preview link no longer works."))
        return self._back_to(article)

    def heartbeat_view(self, request, object_id):
        article = self._article_for(request, object_id)
        if not self.has_change_permission(request, article):
            return JsonResponse({"notice": ""}, status=403)
        try:
            others = locks.heartbeat(article, request.user)
        except OperationalError:
            # A busy database (SQLite under concurrent writes) may refuse a beat; the page simply
            # tries again at the next one. A soft lock must never break editing.
            return JsonResponse({"notice": None}, status=503)
        return JsonResponse({"notice": lock_notice(others)})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and change:
            context.update(self._workflow_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _workflow_context(self, request, article):
        user = request.user
        can_edit = self.has_change_permission(request, article)
        others = None
        # If the database is too busy to record the lock now, the page's heartbeat will.
        if can_edit and request.method == "GET":
            with suppress(OperationalError):
                others = locks.heartbeat(article, user)
        if others is None:
            others = locks.others_editing(article, user)
        schedule_at = article.publish_at if article.is_scheduled else None
        return {
            "workflow_transitions": workflow.available(user, article),
            "publish_blockers": workflow.publish_blockers(article),
            "transitions_history": article.transitions.select_related("actor"),
            "article_corrections": article.corrections.all(),
            "correction_kinds": Correction.Kind.choices,
            "can_correct": user.has_perm("articles.add_correction")
            and article.status == Article.Status.PUBLISHED
            and not article.is_scheduled,
            "can_share_preview": user.has_perm("articles.add_previewlink"),
            "can_revoke_preview": user.has_perm("articles.change_previewlink"),
            "preview_links": [
                (link, request.build_absolute_uri(link.get_absolute_url()))
                for link in article.preview_links.active()
            ],
            "lock_notice": lock_notice(others),
            "holds_edit_lock": can_edit,
            "edit_lock_interval": settings.EDIT_LOCK_HEARTBEAT,
            "schedule_default": (
                timezone.localtime(schedule_at).strftime("%Y-%m-%dT%H:%M") if schedule_at else ""
            ),
            "newsroom_time_zone": timezone.get_current_timezone_name(),
        }

    # --- bulk actions, through the same workflow functions ---

    def _bulk(self, request, queryset, name):
        done, refusals = 0, []
        for article in queryset:
            try:
                workflow.TRANSITIONS[name](article, request.user, article.version)
            except workflow.TransitionRefused as refusal:
                refusals.append(f"{article.headline}: {refusal}")
            else:
                done += 1
        if done:
            messages.success(
                request,
                ngettext("%(count)d article moved.", "%(count)d articles moved.", done)
                % {"count": done},
            )
        for refusal in refusals:
            messages.error(request, refusal)

    @admin.action(description=_("Submit the selected articles for review"), permissions=["change"])
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, "submit")

    @admin.action(description=_("Publish the selected articles now"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, "publish")

    # --- list columns ---

    @admin.display(description=_("state"), ordering="status")
    def state(self, article):
        if article.is_scheduled:
            return _("Scheduled for %(when)s") % {"when": newsroom_time(article.publish_at)}
        return article.get_status_display()

    @admin.display(description=_("authors"))
    def author_names(self, article):
        return ", ".join(byline.author.name for byline in article.bylines.all())

    @admin.display(description=_("photo"))
    def photo_thumbnail(self, article):
        return photo_preview(article.lead_photo, sizes="48px", alt="", css_class="admin-thumbnail")
