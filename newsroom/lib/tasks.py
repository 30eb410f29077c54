"""Retrying a background task (django.tasks) later, with a growing delay.

Django's Tasks framework runs a task once: a task that should be retried enqueues itself
again, deferred, with its attempt number, and records a failure for good once the delays are
used up.
"""

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.tasks import Task, TaskResult
from django.utils import timezone


def retry_later(
    task: Task, *args: Any, attempt: int, delays: Sequence[float], **kwargs: Any
) -> TaskResult | None:
    """Enqueue `task` again as attempt `attempt + 1`, `delays[attempt - 1]` seconds from now.

    Returns None when there is no attempt left (or the backend cannot defer a task): the
    caller then records the failure for good.
    """
    if attempt > len(delays) or not task.get_backend().supports_defer:
        return None
    run_after = timezone.now() + timedelta(seconds=delays[attempt - 1])
    return task.using(run_after=run_after).enqueue(*args, attempt=attempt + 1, **kwargs)
