"""Running queued background tasks in a test, with the code `manage.py db_worker` runs them with."""

from contextlib import contextmanager

from django.tasks import Task
from django.test import TestCase
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

READY = "READY"
MOST_TASKS = 100  # a test that queues more than this is looping


def run_queued_tasks(task: Task | None = None, include_deferred=False, leave=()):
    """Run every queued task (of `task` only, if given; not those in `leave`), and those they
    queue, oldest first.

    The worker's loop cannot run inside a test's transaction (it closes the connection between
    tasks); its task runner can, and runs each task as the worker does: claimed, called, its
    result or failure stored. A retry deferred to later waits unless `include_deferred`, which
    stands in for the clock moving on. Returns the results, in the order they ran.
    """
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    ran = []
    while len(ran) < MOST_TASKS:
        queued = (
            DBTaskResult.objects.filter(status=READY)
            if include_deferred
            else DBTaskResult.objects.ready()
        )
        if task is not None:
            queued = queued.filter(task_path=task.module_path)
        queued = queued.exclude(pk__in=leave)
        with exclusive_transaction(queued.db):
            result = queued.get_locked()
            if result is None:
                return ran
            result.claim(worker.worker_id)
        # A worker runs each task outside any transaction: what it commits is committed.
        with committed():
            worker.run_task(result)
        result.refresh_from_db()
        ran.append(result)
    raise AssertionError(f"More than {MOST_TASKS} tasks: one keeps queueing another.")


def committed():
    """The block's on-commit callbacks run at its end, as if it had committed (a test runs in a
    transaction that never does): queued tasks are then in the queue."""
    return TestCase.captureOnCommitCallbacks(execute=True)


@contextmanager
def tasks_run_after(task: Task | None = None):
    """Commit what the block does (as far as a test's transaction allows: its on-commit
    callbacks run), then run the tasks it queued, as a worker would right after. Tasks queued
    before the block stay queued."""
    before = list(DBTaskResult.objects.filter(status=READY).values_list("pk", flat=True))
    with committed():
        yield
    run_queued_tasks(task, leave=before)
