"""Who may add, change, publish and pin the entries of a live story (README, "Roles").

A live story is an editor's: editors open it as live, end it, and may write, change, publish,
take down, pin and delete any entry. Reporters may add entries only while the coverage runs and
its editor lets reporters add them; they may then publish their own entries at once (live
coverage cannot wait for a second reading of every line) and change their own entries while those
are drafts. A published entry is the editor's, as a published story is: only an editor changes
it or takes it down. Nothing of an entry is public while its story is not (models.py).
"""

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from articles.embeds import provider_for
from articles.workflow import EDIT_ANY
from live.models import LiveCoverage, LiveEntry

ADD_ENTRY = "live.add_liveentry"
CHANGE_ENTRY = "live.change_liveentry"


def is_editor(user: User) -> bool:
    return user.has_perm(EDIT_ANY)


def may_add_entry(user: User, coverage: LiveCoverage) -> bool:
    """Editors add to any live story; reporters while it runs and lets them."""
    if not user.has_perm(ADD_ENTRY):
        return False
    if is_editor(user):
        return True
    return coverage.reporters_may_add and coverage.is_running


def open_to(user: User):
    """The live stories this person may add entries to."""
    coverage = LiveCoverage.objects.select_related("article")
    if is_editor(user):
        return coverage
    return coverage.filter(pk__in=[c.pk for c in coverage if may_add_entry(user, c)])


def is_own(user: User, entry: LiveEntry) -> bool:
    return entry.created_by_id == user.pk or (
        entry.author_id is not None and entry.author.user_id == user.pk
    )


def can_edit_entry(user: User, entry: LiveEntry) -> bool:
    """Editors change any entry; a reporter their own draft, while they may add to the story."""
    if not user.has_perm(CHANGE_ENTRY):
        return False
    if is_editor(user):
        return True
    return (
        entry.status == LiveEntry.Status.DRAFT
        and is_own(user, entry)
        and may_add_entry(user, entry.coverage)
    )


def may_publish_entry(user: User, coverage: LiveCoverage) -> bool:
    """Whoever may add an entry to the story may publish it."""
    return may_add_entry(user, coverage)


def may_pin(user: User) -> bool:
    """What stays on top of a live story is the editor's choice."""
    return is_editor(user)


def entry_blockers(entry: LiveEntry) -> list[str]:
    """What an entry lacks before it may be published (empty when it is ready)."""
    missing = []
    if not entry.text.strip():
        missing.append(_("its text"))
    photo = entry.photo
    if photo is not None:
        if not photo.alt_text.strip():
            missing.append(_("alt text for its photo"))
        if not photo.credit_line.strip():
            missing.append(_("a credit for its photo"))
    if entry.embed_url and provider_for(entry.embed_url) is None:
        missing.append(_("an embed address from a provider the newsroom embeds"))
    return missing
