from django.core.management.base import BaseCommand

from republication.counting import counts_cache, flush_counts
from republication.tasks import FAILURE_KEY


class Command(BaseCommand):
    help = (
        "Write the republication views gathered in the cache to the database in bulk, here "
        "rather than through the task queue. Safe to run at any time, e.g. every few minutes "
        "from cron; pixel hits and the desk also queue it for a worker."
    )

    def handle(self, *args, **options):
        views = flush_counts()
        counts_cache().delete(FAILURE_KEY)
        self.stdout.write(f"Wrote {views} republication view(s).")
