from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from articles.roles import sync_roles


class Command(BaseCommand):
    help = (
        "Make the Reporter and Editor groups and their permissions exactly what "
        "articles/roles.py says (migrate does this too). Safe to run any number of times."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would change; change nothing."
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, dry_run=False, database=DEFAULT_DB_ALIAS, **options):
        changes = [change for change in sync_roles(using=database, dry_run=dry_run) if change]
        if not changes:
            self.stdout.write("The roles already match articles/roles.py.")
            return
        for change in changes:
            parts = ["create the group"] if change.created else []
            if change.added:
                parts.append("grant " + ", ".join(change.added))
            if change.removed:
                parts.append("revoke " + ", ".join(change.removed))
            self.stdout.write(f"{change.name}: {'; '.join(parts)}")
        done = "would change" if dry_run else "changed"
        self.stdout.write(self.style.SUCCESS(f"{len(changes)} role(s) {done}."))
