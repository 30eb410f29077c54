from django.core.management.base import BaseCommand
from django.db import connection

from articles.search import rebuild_search_index


class Command(BaseCommand):
    help = "Rebuild PostgreSQL's reader-search index for the current SEARCH_CONFIG."

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            self.stdout.write("Not PostgreSQL: reader search needs no index here.")
            return
        with connection.schema_editor() as schema_editor:
            rebuild_search_index(schema_editor)
        self.stdout.write(self.style.SUCCESS("Search index rebuilt."))
