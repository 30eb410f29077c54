"""Background tasks for republication (django.tasks; run by `manage.py db_worker`)."""

import logging

from django.db import transaction
from django.tasks import task

from newsroom.lib.tasks import retry_later
from republication.counting import (
    KEY_PREFIX,
    cache_is_per_process,
    counts_cache,
    counts_waiting,
    flush_counts,
    warn_unreachable,
)

logger = logging.getLogger(__name__)

# Seconds before the 2nd, 3rd and 4th attempt of a flush that failed (counts stay in the cache).
RETRY_DELAYS = (60, 300, 900)
# However often the desk shows the numbers, at most one flush is queued in this many seconds.
REQUEST_SECONDS = 60
REQUESTED_KEY = f"{KEY_PREFIX}:flush-requested"
FAILURE_KEY = f"{KEY_PREFIX}:flush-failure"


@task()
def flush_republication_counts(attempt: int = 1) -> int:
    """Write the counts gathered in the cache to the database; returns the views written.

    Safe to run at any time and any number of times: a flush takes each count from the cache
    once, and puts it back if the write fails. A failure is retried after RETRY_DELAYS; the
    last one is shown beside the numbers in the desk until a flush succeeds.
    """
    cache = counts_cache()
    cache.delete(REQUESTED_KEY)
    try:
        views = flush_counts()
    except Exception as error:
        if retry_later(flush_republication_counts, attempt=attempt, delays=RETRY_DELAYS) is None:
            cache.set(FAILURE_KEY, f"{type(error).__name__}: {error}"[:500], timeout=None)
        raise
    cache.delete(FAILURE_KEY)
    return views


def flush_soon() -> None:
    """Have the counts written: by a worker, or here if the cache is this process's own
    (locmem, in development: no worker can see its counters). Called once the pixel has been
    sent: a failure is logged (a failed flush has queued its retry), never raised at the server.
    """
    try:
        if cache_is_per_process():
            flush_republication_counts.call()
        else:
            flush_republication_counts.enqueue()
    except Exception:
        logger.exception("Republication counts: a flush could not be run or queued.")


def request_flush() -> bool:
    """For pages that show the numbers: queue a flush if hits are waiting in the cache, and
    return whether any are (the page shows what is stored; a worker writes the rest within
    moments). Cheap: two cache reads, and at most one insert a minute. With a per-process
    cache, this process's own counters are flushed here instead, and nothing is left waiting.
    Never fails the page: with the cache unreachable, or a flush here failing, the page shows
    what is stored.
    """
    try:
        if not counts_waiting():
            return False
        if cache_is_per_process():
            flush_republication_counts.call()
            return False
        if counts_cache().add(REQUESTED_KEY, 1, timeout=REQUEST_SECONDS):
            transaction.on_commit(flush_republication_counts.enqueue)
    except Exception as error:  # noqa: BLE001 - the numbers are extra; the story's page is not
        warn_unreachable(error)
        return False
    return True


def last_failure() -> str | None:
    """Why the last flush failed for good, until one succeeds."""
    try:
        failure: str | None = counts_cache().get(FAILURE_KEY)
    except Exception as error:  # noqa: BLE001 - the numbers are extra; the story's page is not
        warn_unreachable(error)
        return None
    return failure
