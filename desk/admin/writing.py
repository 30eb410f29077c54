"""The article's writing screen: autosaved drafts, their offer back, and save-and-submit.

Autosave keeps what a person types in an ArticleDraft of their own, never in the article: no
revision, nothing published, nobody's save overwritten. Saving the article discards the draft.
"""

import json
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST
from reversion.models import Version

from articles import revisions, workflow
from articles.models import Article, ArticleDraft
from desk.admin.photos import photo_preview

CLIENT_KEY = re.compile(r"^[A-Za-z0-9-]{8,64}$")
RESTORE_PARAMETER = "restore-draft"
SAVE_AND_SUBMIT = "_save_and_submit"


def draft_changes(draft, article=None):
    """The fields the draft would change, each with a word diff: [{"label", "diff"}]."""
    rows = []
    for name in ArticleDraft.FIELDS:
        if name not in draft.content:
            continue
        before = getattr(article, name, "") if article else ""
        after = draft.content[name]
        if name == "body":
            before, after = revisions.body_lines(before), revisions.body_lines(after)
        if before != after:
            label = str(Article._meta.get_field(name).verbose_name)
            rows.append({"label": label, "diff": revisions.word_diff(before, after)})
    return rows


def saved_by_someone_else(article, base_version):
    """Who saved the article after `base_version`, for the autosave's plain-words warning."""
    latest = Version.objects.get_for_object(article).select_related("revision__user").first()
    who = workflow.display_name(latest.revision.user) if latest else _("Someone")
    return _(
        "%(who)s saved this article after you opened it. What you type is kept as your own "
        "draft and nothing of theirs is overwritten: reload the page to compare both texts."
    ) % {"who": who}


class WritingScreenMixin:
    """For ArticleAdmin: the views and context of the writing screen's autosave and its bar."""

    def get_urls(self):
        view = self.admin_site.admin_view
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("autosave/", view(require_POST(self.autosave_view)), name=f"{prefix}_autosave"),
            path(
                "drafts/<int:draft_id>/discard/",
                view(require_POST(self.discard_draft_view)),
                name=f"{prefix}_discarddraft",
            ),
            *super().get_urls(),
        ]

    # --- autosave ---

    def autosave_view(self, request):
        try:
            payload = json.loads(request.body)
        except ValueError:
            payload = None
        if not isinstance(payload, dict) or not isinstance(payload.get("content"), dict):
            return JsonResponse({"error": _("The autosave was incomplete.")}, status=400)
        article, client_key = None, ""
        if payload.get("article") is not None:
            article = Article.objects.filter(pk=str(payload["article"])).first()
            if article is None or not self.has_view_or_change_permission(request, article):
                raise PermissionDenied
        else:
            client_key = str(payload.get("client_key") or "")
            if not self.has_add_permission(request) or not CLIENT_KEY.match(client_key):
                raise PermissionDenied
        base_version = payload.get("base_version")
        if not isinstance(base_version, int):
            base_version = None
        draft = ArticleDraft.keep(
            request.user,
            payload["content"],
            article=article,
            client_key=client_key,
            base_version=base_version,
        )
        conflict = ""
        if article is not None and base_version is not None and draft.overtaken():
            conflict = saved_by_someone_else(article, base_version)
        return JsonResponse(
            {
                "saved_at": draft.saved_at.isoformat(),
                "saved_label": date_format(timezone.localtime(draft.saved_at), "TIME_FORMAT"),
                "conflict": conflict,
            }
        )

    def discard_draft_view(self, request, draft_id):
        draft = get_object_or_404(ArticleDraft, pk=draft_id, user=request.user)
        draft.delete()
        messages.info(request, _("The unsaved text was discarded."))
        if draft.article_id:
            return redirect("admin:articles_article_change", draft.article_id)
        return redirect("admin:articles_article_add")

    # --- offering a draft back ---

    def _draft_to_restore(self, request, article=None):
        wanted = request.GET.get(RESTORE_PARAMETER, "")
        if request.method != "GET" or not wanted.isdigit():
            return None
        drafts = ArticleDraft.objects.filter(user=request.user, pk=wanted)
        if article is None:
            return drafts.filter(article__isnull=True).first()
        return drafts.filter(article=article).first()

    def get_object(self, request, object_id, from_field=None):
        article = super().get_object(request, object_id, from_field)
        draft = self._draft_to_restore(request, article) if article else None
        if draft is not None:
            # The form shows the draft's text over the article's; nothing is saved until Save.
            for name, value in draft.content.items():
                setattr(article, name, value)
            article.restored_draft = draft
        return article

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        draft = self._draft_to_restore(request)
        if draft is not None:
            initial.update(draft.content)
            initial["slug"] = slugify(draft.headline)[:200]
        return initial

    def _offered_draft(self, request, article):
        """The person's newer unsaved text for this screen, with its changes, or None."""
        if article is None:
            draft = ArticleDraft.objects.filter(user=request.user, article__isnull=True).first()
        else:
            draft = ArticleDraft.objects.of(request.user, article).first()
        if draft is None:
            return None
        changes = draft_changes(draft, article)
        if not changes:
            return None
        if article is None:
            restore_url = reverse("admin:articles_article_add")
        else:
            restore_url = reverse("admin:articles_article_change", args=[article.pk])
        return {
            "draft": draft,
            "changes": changes,
            "overtaken": draft.overtaken(),
            "restore_url": f"{restore_url}?{RESTORE_PARAMETER}={draft.pk}",
            "discard_url": reverse("admin:articles_article_discarddraft", args=[draft.pk]),
        }

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        restored = getattr(obj, "restored_draft", None) or self._draft_to_restore(request)
        can_save = self.has_change_permission(request, obj) if obj else True
        context.update(
            {
                "show_save_and_add_another": False,
                "writing_screen": {
                    "autosave_url": reverse("admin:articles_article_autosave"),
                    "article_id": obj.pk if obj else "",
                    "base_version": obj.version if obj else "",
                    "client_key": restored.client_key if restored and not obj else "",
                    "last_saved": obj.updated_at if obj else None,
                    "can_save": can_save,
                    "can_submit": obj is None
                    or (
                        can_save
                        and any(r.name == "submit" for r in workflow.available(request.user, obj))
                    ),
                },
                "draft_offer": None if restored else self._offered_draft(request, obj),
                "draft_restored": restored,
            }
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- saving ---

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        ArticleDraft.objects.of(request.user, obj).delete()
        client_key = request.POST.get("autosave_key", "")
        if client_key:
            ArticleDraft.objects.of(request.user, client_key=client_key).delete()

    def _submit_after_save(self, request, article):
        article = Article.objects.get(pk=article.pk)
        try:
            article = workflow.submit(article, request.user, article.version)
        except workflow.TransitionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("Saved and submitted for review."))
        return redirect("admin:articles_article_change", article.pk)

    def response_change(self, request, obj):
        if SAVE_AND_SUBMIT in request.POST:
            return self._submit_after_save(request, obj)
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if SAVE_AND_SUBMIT in request.POST:
            return self._submit_after_save(request, obj)
        return super().response_add(request, obj, post_url_continue)

    # --- side column ---

    @admin.display(description=_lazy("lead photo as filed"))
    def lead_photo_card(self, article):
        if article.lead_photo is None:
            return "—"
        return render_to_string(
            "desk/photo_card.html",
            {
                "photo": article.lead_photo,
                "picture": photo_preview(
                    article.lead_photo, sizes="160px", alt="", css_class="admin-preview"
                ),
            },
        )

    @admin.display(description=_lazy("preview"))
    def search_preview(self, article):
        photo = article.share_photo
        return render_to_string(
            "desk/search_preview.html",
            {
                "article": article,
                "site_host": urlsplit(settings.SITE_URL).netloc,
                "picture": photo_preview(photo, sizes="320px", alt="", css_class="admin-preview")
                if photo
                else "",
            },
        )
