"""The Reporter and Editor groups and the model permissions of each (docs/architecture.md, "Roles").

Model permissions say what a role may touch at all; the object-level rules (a reporter changes
only their own drafts, only editors publish) are enforced on top of them by articles/workflow.py
and the desk. ROLES is the only definition: `sync_roles()` makes the groups match it exactly,
run by every `migrate` (post_migrate, as Django creates permissions) and by
`manage.py sync_roles`. A permission given to a group by hand is taken away again; change the
table instead.
"""

from dataclasses import dataclass, field

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, transaction

ROLES: dict[str, dict[str, list[str]]] = {
    "Reporter": {
        "articles": [
            "add_article",
            "change_article",
            "view_article",
            "add_byline",
            "change_byline",
            "delete_byline",
            "view_byline",
            "add_imagecredit",
            "change_imagecredit",
            "view_imagecredit",
            "view_author",
            "view_section",
            "view_correction",
            "view_articletransition",
            # Related stories are picked on the story's page, by whoever may edit the story.
            "add_relatedstory",
            "change_relatedstory",
            "delete_relatedstory",
            "view_relatedstory",
        ],
        # Entries of live stories open to reporters (live/workflow.py decides which, and that
        # only their own drafts are theirs to change).
        "live": ["add_liveentry", "change_liveentry", "view_liveentry"],
        # A reporter tags their own drafts on the story's page; tags across the site are the
        # editors' (desk/admin/tags.py). Seeing tags lets the story form suggest existing ones.
        "taggit": ["view_tag", "view_taggeditem"],
    },
    "Editor": {
        "articles": [
            "add_article",
            "change_article",
            "delete_article",
            "view_article",
            "edit_any_article",
            "publish_article",
            "add_byline",
            "change_byline",
            "delete_byline",
            "view_byline",
            "add_imagecredit",
            "change_imagecredit",
            "delete_imagecredit",
            "view_imagecredit",
            "add_author",
            "change_author",
            "view_author",
            "add_section",
            "change_section",
            "view_section",
            "change_publisher",
            "view_publisher",
            "add_correction",
            "change_correction",
            "view_correction",
            "add_previewlink",
            "change_previewlink",
            "view_previewlink",
            "add_embargoshare",
            "change_embargoshare",
            "view_embargoshare",
            "add_articleredirect",
            "change_articleredirect",
            "delete_articleredirect",
            "view_articleredirect",
            "view_articletransition",
            "add_relatedstory",
            "change_relatedstory",
            "delete_relatedstory",
            "view_relatedstory",
            "add_series",
            "change_series",
            "delete_series",
            "view_series",
            "add_seriespart",
            "change_seriespart",
            "delete_seriespart",
            "view_seriespart",
        ],
        "live": [
            "add_livecoverage",
            "change_livecoverage",
            "delete_livecoverage",
            "view_livecoverage",
            "add_liveentry",
            "change_liveentry",
            "delete_liveentry",
            "view_liveentry",
        ],
        # The top of the front and section pages, and the breaking-news banner (curation/).
        "curation": [
            "add_arrangement",
            "change_arrangement",
            "delete_arrangement",
            "view_arrangement",
            "add_slot",
            "change_slot",
            "delete_slot",
            "view_slot",
            "add_banner",
            "change_banner",
            "delete_banner",
            "view_banner",
        ],
        "taggit": [
            "add_tag",
            "change_tag",
            "delete_tag",
            "view_tag",
            "add_taggeditem",
            "change_taggeditem",
            "delete_taggeditem",
            "view_taggeditem",
        ],
    },
}


@dataclass
class RoleChange:
    """What syncing did (or, in a dry run, would do) to one group."""

    name: str
    created: bool = False
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.created or bool(self.added or self.removed)


def _apps_in_roles() -> list[str]:
    return sorted({app_label for by_app in ROLES.values() for app_label in by_app})


def sync_roles(
    apps: Apps = global_apps, using: str = DEFAULT_DB_ALIAS, dry_run: bool = False
) -> list[RoleChange]:
    """Make each group in ROLES exist with exactly its permissions; returns what changed.

    `apps` may be a migration state's registry (post_migrate passes one). Raises
    ImproperlyConfigured, changing nothing, if ROLES names a permission that does not exist.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # Django creates permissions after all migrations; make sure ours exist, in any order.
    for app_label in _apps_in_roles():
        app_config = global_apps.get_app_config(app_label)
        create_permissions(app_config, verbosity=0, using=using, apps=apps)

    changes = []
    with transaction.atomic(using=using):
        for name, by_app in ROLES.items():
            wanted = {}
            for app_label, codenames in by_app.items():
                found = Permission.objects.using(using).filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
                wanted |= {f"{app_label}.{p.codename}": p for p in found}
                missing = {f"{app_label}.{c}" for c in codenames} - wanted.keys()
                if missing:
                    raise ImproperlyConfigured(
                        f"articles/roles.py gives {name} permissions that do not exist: "
                        + ", ".join(sorted(missing))
                    )
            group = Group.objects.using(using).filter(name=name).first()
            change = RoleChange(name, created=group is None)
            have = {}
            if group is not None:
                have = {
                    f"{p.content_type.app_label}.{p.codename}": p
                    for p in group.permissions.select_related("content_type")
                }
            change.added = sorted(wanted.keys() - have.keys())
            change.removed = sorted(have.keys() - wanted.keys())
            changes.append(change)
            if dry_run or not change:
                continue
            if group is None:
                group = Group.objects.using(using).create(name=name)
            group.permissions.set(wanted.values())
    return changes


def sync_roles_after_migrate(
    app_config, using: str = DEFAULT_DB_ALIAS, apps: Apps = global_apps, **kwargs
) -> None:
    """post_migrate: bring the roles up to date once auth and every app they name are migrated."""
    try:
        apps.get_model("auth", "Group")
        for app_label in _apps_in_roles():
            apps.get_app_config(app_label)
    except LookupError:
        return
    sync_roles(apps=apps, using=using)
