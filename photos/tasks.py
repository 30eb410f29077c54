"""Background tasks for photos (django.tasks; run by `manage.py db_worker`)."""

from typing import Any

from django.db import router, transaction
from django.tasks import TaskResult, task

from newsroom.lib.tasks import retry_later
from photos import get_photo_model, renditions

# Seconds before the 2nd, 3rd and 4th attempt; after the 4th the photo shows the failure.
RETRY_DELAYS = (30, 120, 600)


@task()
def make_renditions(photo_id: int, inputs: list[Any], attempt: int = 1) -> str:
    """Make a photo's missing renditions, for the original and focal point in `inputs`.

    Safe to run twice or late: a photo that is gone, or whose file or focal point changed
    since (a newer task covers that), is left alone, and files already made are not made
    again. A failure is retried after RETRY_DELAYS; the last one is shown on the photo.
    """
    model = get_photo_model()
    # From the primary database: a read replica may not have the photo's last save yet.
    photo = (
        model._default_manager.db_manager(router.db_for_write(model)).filter(pk=photo_id).first()
    )
    if photo is None:
        return "deleted"
    if renditions.rendition_inputs(photo) != inputs:
        return "superseded"
    if renditions.is_done(photo):
        return "done already"
    try:
        return renditions.make_renditions(photo, inputs=inputs)
    except Exception as error:
        retry = retry_later(make_renditions, photo_id, inputs, attempt=attempt, delays=RETRY_DELAYS)
        if retry is None:
            renditions.record_failure(photo, inputs, error)
        raise


def enqueue_renditions(photo: Any) -> None:
    """Queue the photo's renditions once the transaction that saved it commits (the worker
    must find the row and its original)."""
    photo_id, inputs = photo.pk, renditions.rendition_inputs(photo)
    transaction.on_commit(lambda: _enqueue(photo_id, inputs))


def _enqueue(photo_id: int, inputs: list[Any]) -> TaskResult:
    return make_renditions.enqueue(photo_id, inputs)


def retry_renditions(photo: Any) -> None:
    """An editor's "Make renditions again": the photo shows "processing" and is queued afresh."""
    photo.rendition_status = renditions.RenditionStatus.PROCESSING
    photo.rendition_error = ""
    photo.save(update_fields=["rendition_status", "rendition_error"])
    enqueue_renditions(photo)
