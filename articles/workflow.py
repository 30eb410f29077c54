"""
The editorial workflow: every change of an article's state goes through one function here.

    draft ──submit──▶ in review ──publish / schedule──▶ published ──withdraw──▶ withdrawn
      ▲                  │                                                        │
      └─────return───────┘◀───────────────────back_to_draft───────────────────────┘

Each function checks the actor's permission, that the article has not changed since the actor
loaded it (its version), and the preconditions; then it changes the state with Model.save() (so
model signals fire), records an ArticleTransition and a revision. A refusal raises
TransitionRefused with a message meant for the person who asked. Admin buttons, admin actions,
tests and any future API call these functions and nothing else.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import reversion
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Field
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.models import Version

from articles.models import (
    Article,
    ArticleTransition,
    Correction,
    EmbargoShare,
    ImageCredit,
    PreviewLink,
)

Status = Article.Status

EDIT_ANY = "articles.edit_any_article"
PUBLISH = "articles.publish_article"


class TransitionRefused(Exception):
    """The transition was not made; str(error) says why, in words for the newsroom."""


class StaleVersion(TransitionRefused):
    """Someone else saved the article after the actor loaded it."""


def display_name(user: User | None) -> str:
    if user is None:
        return _("someone")
    return user.get_full_name() or user.get_username()


def is_author(user: User, article: Article) -> bool:
    if "bylines" in getattr(article, "_prefetched_objects_cache", {}):
        # The admin prefetches bylines with their authors: no query per permission check.
        return any(byline.author.user_id == user.pk for byline in article.bylines.all())
    return article.bylines.filter(author__user_id=user.pk).exists()


def can_edit(user: User, article: Article) -> bool:
    """Editors edit anything; a reporter edits their own story while it is a draft."""
    if user.has_perm(EDIT_ANY):
        return True
    return (
        user.has_perm("articles.change_article")
        and article.status == Status.DRAFT
        and is_author(user, article)
    )


def can_change_photo(user: User, photo: ImageCredit) -> bool:
    """Editors change any photo; others who may change photos, only one no story past draft
    uses: a photo in a submitted, published or withdrawn story is published content."""
    if user.has_perm(EDIT_ANY):
        return True
    return user.has_perm("articles.change_imagecredit") and not photo.is_published_content


def may_decide_republication(user: User) -> bool:
    """Whether partners may reuse a photo is a question of rights: an editor's decision."""
    return user.has_perm(EDIT_ANY)


def publish_blockers(article: Article) -> list[str]:
    """What the article still lacks before it may be published (empty when it is ready)."""
    missing = []
    if not article.headline.strip():
        missing.append(_("a headline"))
    if not strip_tags(article.body or "").strip():
        missing.append(_("a body"))
    if article.pk is None or not article.bylines.exists():
        missing.append(_("at least one author"))
    if article.section_id is None:
        missing.append(_("a section"))
    photo = article.lead_photo
    if photo is None:
        missing.append(_("a lead photo"))
    else:
        if not photo.alt_text.strip():
            missing.append(_("alt text for the lead photo"))
        if not photo.credit_line.strip():
            missing.append(_("a credit for the lead photo"))
        if photo.rendition_status == photo.RenditionStatus.FAILED:
            missing.append(
                _(
                    "renditions of the lead photo (making them failed: open the photo and "
                    "choose “Make renditions again”)"
                )
            )
        elif not photo.renditions_ready:
            missing.append(
                _("renditions of the lead photo (still being made: try again in a moment)")
            )
    missing.extend(_inline_photo_blockers(article))
    return missing


def _inline_photo_blockers(article: Article) -> list[str]:
    """Each photo in the body needs what the lead photo needs; unsaved bodies are read as typed."""
    ids = article.inline_photo_ids
    if not ids:
        return []
    photos = ImageCredit.objects.in_bulk(ids)
    missing = []
    for number, pk in enumerate(ids, start=1):
        photo = photos.get(pk)
        name = photo.caption[:40] if photo and photo.caption else f"#{pk}"
        if photo is None:
            missing.append(
                _("photo %(number)d in the body (it is no longer in the library: remove it)")
                % {"number": number}
            )
            continue
        if not photo.alt_text.strip():
            missing.append(
                _("alt text for photo %(number)d in the body (“%(name)s”)")
                % {"number": number, "name": name}
            )
        if not photo.credit_line.strip():
            missing.append(
                _("a credit for photo %(number)d in the body (“%(name)s”)")
                % {"number": number, "name": name}
            )
        if not photo.renditions_ready:
            missing.append(
                _("renditions of photo %(number)d in the body (still being made or failed)")
                % {"number": number}
            )
    return missing


# Fields shown when telling someone what changed; the rest are bookkeeping.
TRACKED_FIELDS = [
    "kicker",
    "headline",
    "slug",
    "dek",
    "section",
    "dateline",
    "body",
    "lead_photo",
    "status",
    "publish_at",
    "licence",
    "terms",
]


def _field(name: str) -> "Field[Any, Any]":
    # TRACKED_FIELDS names only the article's own fields, never a relation's reverse side.
    return cast("Field[Any, Any]", Article._meta.get_field(name))


def _stored_value(article: Article, name: str) -> object:
    return getattr(article, _field(name).attname)


def _version_with_number(article: Article, number: int) -> Version | None:
    for version in Version.objects.get_for_object(article).select_related("revision"):
        if version.field_dict.get("version") == number:
            return version
    return None


def stale_message(article: Article, loaded_version: int) -> str:
    """Who changed the article after `loaded_version`, when, and which fields."""
    latest = Version.objects.get_for_object(article).select_related("revision__user").first()
    who = display_name(latest.revision.user) if latest else _("someone")
    when = latest.revision.date_created if latest else article.updated_at
    changed = []
    loaded = _version_with_number(article, loaded_version)
    if loaded is not None:
        before = loaded.field_dict
        for name in TRACKED_FIELDS:
            field = _field(name)
            if before.get(field.attname, before.get(name)) != _stored_value(article, name):
                changed.append(str(field.verbose_name))
    what = ", ".join(changed) if changed else _("its details")
    return _(
        "%(who)s saved this article at %(when)s, after you opened it, and changed: %(what)s. "
        "Nothing you did was saved. Your text is still here: copy what you need, open the "
        "article again to see their version, and merge."
    ) % {
        "who": who,
        "when": date_format(timezone.localtime(when), "SHORT_DATETIME_FORMAT"),
        "what": what,
    }


@dataclass(frozen=True)
class Rule:
    name: str
    label: str | Promise
    permission: str | None  # None: the article's own reporter may, as well as editors
    note_required: bool = False


RULES = {
    "submit": Rule("submit", gettext_lazy("Submit for review"), None),
    "return": Rule("return", gettext_lazy("Return to author"), PUBLISH, note_required=True),
    "publish": Rule("publish", gettext_lazy("Publish now"), PUBLISH),
    "schedule": Rule("schedule", gettext_lazy("Schedule"), PUBLISH),
    "withdraw": Rule("withdraw", gettext_lazy("Withdraw"), PUBLISH, note_required=True),
    "back_to_draft": Rule("back_to_draft", gettext_lazy("Back to draft"), PUBLISH),
}


def allowed_from(name: str, article: Article) -> bool:
    """Whether the named transition may start from the article's current state."""
    status = article.status
    match name:
        case "submit":
            return status == Status.DRAFT
        case "return":
            return status == Status.IN_REVIEW
        case "publish" | "schedule":
            return status == Status.IN_REVIEW or article.is_scheduled
        case "withdraw":
            return status == Status.PUBLISHED
        case "back_to_draft":
            return status == Status.WITHDRAWN
    return False


def may(user: User, name: str, article: Article) -> bool:
    """Whether `user` holds the permission for the named transition on this article."""
    rule = RULES[name]
    if rule.permission is None:
        return user.has_perm(EDIT_ANY) or (
            user.has_perm("articles.change_article") and is_author(user, article)
        )
    return user.has_perm(rule.permission)


def available(user: User, article: Article) -> list[Rule]:
    """The transitions this user could make on the article now, for buttons."""
    return [
        RULES[name] for name in RULES if allowed_from(name, article) and may(user, name, article)
    ]


# The version an edit or a button was loaded with, as the form sends it; None skips the check.
LoadedVersion = int | str | None


def _transition(
    article: Article,
    user: User,
    version: LoadedVersion,
    name: str,
    to_status: str,
    note: str = "",
    publish_at: datetime | None = None,
) -> Article:
    rule = RULES[name]
    note = (note or "").strip()
    with transaction.atomic(), reversion.create_revision():
        current = Article.objects.select_for_update().get(pk=article.pk)
        if not may(user, name, current):
            raise TransitionRefused(
                _("You may not “%(action)s” this article.") % {"action": rule.label}
            )
        if version is not None and int(version) != current.version:
            raise StaleVersion(stale_message(current, int(version)))
        if not allowed_from(name, current):
            raise TransitionRefused(
                _("“%(action)s” is not possible: the article is %(state)s.")
                % {"action": rule.label, "state": current.get_status_display().lower()}
            )
        if rule.note_required and not note:
            raise TransitionRefused(
                _("“%(action)s” needs a note saying why.") % {"action": rule.label}
            )
        if to_status == Status.PUBLISHED:
            missing = publish_blockers(current)
            if missing:
                raise TransitionRefused(
                    _("Not ready to publish. Still missing: %(missing)s.")
                    % {"missing": ", ".join(missing)}
                )
        from_status = current.status
        current.status = to_status
        if publish_at is not None:
            current.publish_at = publish_at
        current.save()
        ArticleTransition.objects.create(
            article=current,
            actor=user,
            name=name,
            from_status=from_status,
            to_status=to_status,
            publish_at=current.publish_at if to_status == Status.PUBLISHED else None,
            note=note,
        )
        reversion.set_user(user)
        reversion.set_comment(f"{rule.label}{': ' + note if note else ''}")
    return current


def submit(article: Article, user: User, version: LoadedVersion, note: str = "") -> Article:
    """draft → in review. The story's own reporter, or an editor."""
    return _transition(article, user, version, "submit", Status.IN_REVIEW, note)


def return_to_author(article: Article, user: User, version: LoadedVersion, note: str) -> Article:
    """in review → draft, with a note telling the reporter what to do."""
    return _transition(article, user, version, "return", Status.DRAFT, note)


def publish(article: Article, user: User, version: LoadedVersion, note: str = "") -> Article:
    """in review (or scheduled) → published, visible from now."""
    return _transition(article, user, version, "publish", Status.PUBLISHED, note, timezone.now())


# No newsroom schedules further ahead; and a date near the calendar's end cannot be converted
# between time zones at all.
SCHEDULE_HORIZON = timedelta(days=10 * 366)
# The furthest any place on Earth keeps its clocks from UTC (Kiribati, UTC+14; Baker, UTC-12).
MAX_UTC_OFFSET = timedelta(hours=14)


def schedule_refusal(publish_at: datetime | None) -> str | None:
    """Why `publish_at` cannot be a story's scheduled time, or None if it can."""
    if publish_at is None:
        return _("Choose a time in the future to schedule the article.")
    offset = publish_at.utcoffset()
    if offset is not None and abs(offset) > MAX_UTC_OFFSET:
        return _("No time zone is more than 14 hours from UTC: check the time's offset.")
    now = timezone.now()
    try:
        if publish_at <= now:
            return _("Choose a time in the future to schedule the article.")
        too_far = publish_at - now > SCHEDULE_HORIZON
    except OverflowError:
        too_far = True
    if too_far:
        return _("A story can be scheduled at most ten years ahead: check the year.")
    return None


def schedule(
    article: Article,
    user: User,
    version: LoadedVersion,
    publish_at: datetime | None,
    note: str = "",
) -> Article:
    """in review (or scheduled) → published at a future time: published() shows it from then."""
    if refusal := schedule_refusal(publish_at):
        raise TransitionRefused(refusal)
    return _transition(article, user, version, "schedule", Status.PUBLISHED, note, publish_at)


def withdraw(article: Article, user: User, version: LoadedVersion, note: str) -> Article:
    """published → withdrawn, with the reason."""
    return _transition(article, user, version, "withdraw", Status.WITHDRAWN, note)


def back_to_draft(article: Article, user: User, version: LoadedVersion, note: str = "") -> Article:
    """withdrawn → draft, to be reworked."""
    return _transition(article, user, version, "back_to_draft", Status.DRAFT, note)


TRANSITIONS = {
    "submit": submit,
    "return": return_to_author,
    "publish": publish,
    "schedule": schedule,
    "withdraw": withdraw,
    "back_to_draft": back_to_draft,
}


def add_correction(article: Article, user: User, kind: str, text: str) -> Correction:
    """Append a correction, clarification or update to a published article."""
    if not user.has_perm("articles.add_correction"):
        raise TransitionRefused(_("You may not add corrections."))
    text = (text or "").strip()
    if not text:
        raise TransitionRefused(_("Write the text of the correction."))
    if kind not in Correction.Kind.values:
        raise TransitionRefused(_("Choose correction, clarification or update."))
    if article.status != Status.PUBLISHED or article.is_scheduled:
        raise TransitionRefused(_("Corrections are for articles readers can already see."))
    with transaction.atomic():
        # A write that changes nothing takes the article's row (PostgreSQL) or the database's
        # write lock (SQLite) first: a double click's second request waits for the first and
        # finds its note instead of adding it twice.
        Article.objects.filter(pk=article.pk).update(version=F("version"))
        same = article.corrections.filter(kind=kind, text=text, retracted_at=None).first()
        if same is not None:
            return same
        return Correction.objects.create(article=article, kind=kind, text=text, created_by=user)


def retract_correction(correction: Correction, user: User, note: str) -> Correction:
    """Retract a mistaken correction, with a note readers see beside it; it is never deleted."""
    if not user.has_perm("articles.change_correction"):
        raise TransitionRefused(_("You may not retract corrections."))
    note = (note or "").strip()
    if not note:
        raise TransitionRefused(_("Say why the note is retracted: readers will see it."))
    if correction.is_retracted:
        raise TransitionRefused(_("This note has already been retracted."))
    correction.retraction_note = note
    correction.retracted_at = timezone.now()
    correction.retracted_by = user
    correction.save()
    return correction


def create_preview_link(article: Article, user: User, hours: int | None = None) -> PreviewLink:
    """A shareable link to the article as it will look, valid for `hours` (48 by default)."""
    if not user.has_perm("articles.add_previewlink"):
        raise TransitionRefused(_("You may not share preview links."))
    hours = hours or settings.PREVIEW_LINK_HOURS
    return PreviewLink.objects.create(
        article=article, created_by=user, expires_at=timezone.now() + timedelta(hours=hours)
    )


def revoke_preview_link(link: PreviewLink, user: User) -> PreviewLink:
    if not user.has_perm("articles.change_previewlink"):
        raise TransitionRefused(_("You may not revoke preview links."))
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save()
    return link


def share_under_embargo(
    article: Article, user: User, recipient_name: str, recipient_email: str, embargo_until: datetime
) -> EmbargoShare:
    """A partner's own signed link to the copy of a story in review or scheduled."""
    if not user.has_perm("articles.add_embargoshare"):
        raise TransitionRefused(_("You may not share stories under embargo."))
    share = EmbargoShare(
        article=article,
        created_by=user,
        recipient_name=recipient_name,
        recipient_email=recipient_email,
        embargo_until=embargo_until,
    )
    share.full_clean()
    share.save()
    return share


def revoke_embargo_share(share: EmbargoShare, user: User) -> EmbargoShare:
    """The link stops working at once: it is checked against the database on every request."""
    if not user.has_perm("articles.change_embargoshare"):
        raise TransitionRefused(_("You may not revoke embargoed shares."))
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])
    return share
