from django.core.management.base import BaseCommand

from republication.counting import flush_counts


class Command(BaseCommand):
    help = (
        "Write the republication views gathered in the cache to the database in bulk. "
        "Safe to run at any time, e.g. every few minutes from cron; pixel hits also trigger it."
    )

    def handle(self, *args, **options):
        views = flush_counts()
        self.stdout.write(f"Wrote {views} republication view(s).")
