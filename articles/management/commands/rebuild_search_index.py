from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection

# The search SQL has one home, the migration that first ran it.
search_migration = import_module("articles.migrations.0002_search_document")


class Command(BaseCommand):
    help = (
        "Rebuild PostgreSQL's reader-search column and index for the current SEARCH_CONFIG "
        "(after changing it). Other databases need nothing."
    )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            self.stdout.write("Not PostgreSQL: reader search needs no index here.")
            return
        statements = [
            *search_migration.DROP_STATEMENTS,
            *search_migration.create_statements(settings.SEARCH_CONFIG),
        ]
        with connection.schema_editor(atomic=True) as schema_editor:
            for statement in statements:
                sql, params = statement if isinstance(statement, tuple) else (statement, None)
                schema_editor.execute(sql, params)
        self.stdout.write(self.style.SUCCESS("Search index rebuilt."))
