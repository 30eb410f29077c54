"""Photo renditions as a background task: the upload answers at once, a worker makes them."""

import io
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished, request_started
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from PIL import Image, ImageDraw

from articles.models import ImageCredit
from photos.renditions import rendition_names
from photos.tasks import RETRY_DELAYS, make_renditions
from tests import photo_files
from tests.admin_forms import photo_form_data
from tests.factories import make_article, make_photo
from tests.tasks import committed, run_queued_tasks

pytestmark = pytest.mark.django_db

ADD_URL = "admin:articles_imagecredit_add"
CHANGELIST_URL = "admin:articles_imagecredit_changelist"


def form_data(**fields):
    return photo_form_data(alt_text="Cranes at dusk", agency="NORDPRESS") | fields


def upload(client, content, name="wire.jpg", **fields):
    """Upload through the admin and commit, as the request does; no worker runs yet."""
    data = form_data(**fields) | {"image": SimpleUploadedFile(name, content)}
    with committed():
        return client.post(reverse(ADD_URL), data)


def queued(task=make_renditions):
    return DBTaskResult.objects.filter(task_path=task.module_path)


def files_exist(photo):
    names = rendition_names(photo.renditions)
    return bool(names) and all(default_storage.exists(name) for name in names)


@pytest.fixture
def desk(client, editor):
    client.force_login(editor)
    return client


def test_the_upload_answers_without_renditions_and_the_queued_task_makes_them(desk):
    response = upload(desk, photo_files.jpeg((1600, 900)))
    assert response.status_code == 302
    photo = ImageCredit.objects.get()
    assert photo.rendition_status == "processing"
    assert photo.renditions == {}
    assert not (Path(default_storage.location) / "renditions").exists()
    assert (photo.width, photo.height, photo.agency) == (1600, 900, "NORDPRESS")  # read at once
    (task,) = queued()
    assert task.status == "READY"
    assert task.args_kwargs["args"] == [photo.pk, [photo.image.name, 0.5, 0.5]]

    listing = desk.get(reverse(CHANGELIST_URL)).content.decode()
    assert "Processing: the renditions are being made." in listing
    assert "admin-thumbnail" not in listing

    (ran,) = run_queued_tasks()
    assert (ran.status, ran.return_value) == ("SUCCESSFUL", "made")
    photo.refresh_from_db()
    assert photo.rendition_status == "ready"
    assert [entry[1] for entry in photo.renditions["sources"]["jpeg"]] == [480, 800, 1200, 1600]
    assert files_exist(photo)
    listing = desk.get(reverse(CHANGELIST_URL)).content.decode()
    assert "admin-thumbnail" in listing and "Processing" not in listing


def wire_photo_24_megapixels():
    """A 6000 × 4000 JPEG with detail in it (gradient, lines, noise), as an agency sends."""
    size = (6000, 4000)
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 97):
        draw.line([(x, 0), (size[0] - x, size[1])], fill=(200, 90, 40), width=5)
    noise = Image.effect_noise(size, 40).convert("RGB")
    image = Image.blend(image, noise, 0.25)
    return photo_files.encode(image, "JPEG", quality=90)


def test_a_24_megapixel_upload_answers_in_under_a_second_of_server_time(desk):
    content = wire_photo_24_megapixels()
    assert Image.open(io.BytesIO(content)).size == (6000, 4000)
    timings = []

    def started(**kwargs):
        timings.append(time.perf_counter())

    def finished(**kwargs):
        timings.append(time.perf_counter())

    request_started.connect(started)
    request_finished.connect(finished)
    try:
        response = upload(desk, content)
    finally:
        request_started.disconnect(started)
        request_finished.disconnect(finished)
    assert response.status_code == 302
    server_seconds = timings[-1] - timings[0]
    assert server_seconds < 1.0, f"the upload took {server_seconds:.2f} s of server time"
    photo = ImageCredit.objects.get()
    assert (photo.width, photo.height) == (6000, 4000)
    assert photo.renditions == {}

    run_queued_tasks()
    photo.refresh_from_db()
    assert photo.rendition_status == "ready" and files_exist(photo)
    largest = photo.renditions["sources"]["jpeg"][-1]
    assert Image.open(default_storage.open(largest[0])).size == (1600, 1067)


def break_original(photo):
    """The private original, damaged on disk (a failing disk, a half-copied file)."""
    path = Path(photo.image.path)
    good = path.read_bytes()
    path.write_bytes(good[:200])
    return lambda: path.write_bytes(good)


def test_a_failing_task_is_retried_with_growing_delays_then_shown_as_failed(desk):
    upload(desk, photo_files.jpeg((900, 600)))
    photo = ImageCredit.objects.get()
    repair = break_original(photo)

    before = timezone.now()
    (first,) = run_queued_tasks()
    assert first.status == "FAILED"
    assert first.exception_class_path == "builtins.OSError"
    assert "Truncated File Read" in first.traceback
    (retry,) = queued().filter(status="READY")
    assert retry.args_kwargs["kwargs"] == {"attempt": 2}
    assert retry.run_after >= before + timedelta(seconds=RETRY_DELAYS[0])
    assert run_queued_tasks() == []  # not before its time
    photo.refresh_from_db()
    assert photo.rendition_status == "processing"  # still being tried

    later = run_queued_tasks(include_deferred=True)  # the clock moves on
    assert [result.args_kwargs["kwargs"] for result in later] == [
        {"attempt": 2},
        {"attempt": 3},
        {"attempt": 4},
    ]
    assert all(result.status == "FAILED" for result in later)
    delays = [(result.run_after - result.enqueued_at).total_seconds() for result in later]
    assert delays == pytest.approx(list(RETRY_DELAYS), abs=5)
    assert not queued().filter(status="READY").exists()  # four attempts, then no more
    photo.refresh_from_db()
    assert photo.rendition_status == "failed"
    assert photo.rendition_error.startswith("OSError: Truncated File Read")

    listing = desk.get(reverse(CHANGELIST_URL)).content.decode()
    assert "Failed: OSError: Truncated File Read" in listing
    page = desk.get(reverse("admin:articles_imagecredit_change", args=[photo.pk]))
    html = page.content.decode()
    assert "Failed: OSError: Truncated File Read" in html
    retry_url = reverse("admin:articles_imagecredit_renditions", args=[photo.pk])
    assert f'formaction="{retry_url}"' in html

    repair()
    with committed():
        response = desk.post(retry_url)
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.rendition_status == "processing" and photo.rendition_error == ""
    assert [result.return_value for result in run_queued_tasks()] == ["made"]
    photo.refresh_from_db()
    assert photo.rendition_status == "ready" and files_exist(photo)


def test_making_renditions_again_needs_permission_to_change_the_photo(client, editor):
    photo = make_photo()
    ImageCredit.objects.filter(pk=photo.pk).update(rendition_status="failed", rendition_error="x")
    viewer = User.objects.create_user("vera", "vera@example.org", "pw-for-tests-1", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_imagecredit"))
    client.force_login(viewer)
    retry_url = reverse("admin:articles_imagecredit_renditions", args=[photo.pk])

    page = client.get(reverse("admin:articles_imagecredit_change", args=[photo.pk]))
    assert page.status_code == 200 and "formaction" not in page.content.decode()
    assert client.post(retry_url).status_code == 403
    listing = client.get(reverse(CHANGELIST_URL)).content.decode()
    assert "make_renditions_again" not in listing
    response = client.post(
        reverse(CHANGELIST_URL), {"action": "make_renditions_again", "_selected_action": photo.pk}
    )
    assert not queued().filter(status="READY").exists()
    photo.refresh_from_db()
    assert photo.rendition_status == "failed"

    client.force_login(editor)
    assert client.get(retry_url).status_code == 405  # a change, so never by GET
    assert response.status_code in {200, 302}


def test_the_admin_action_makes_renditions_of_the_chosen_photos_again(desk):
    photos = [make_photo(), make_photo()]
    ImageCredit.objects.filter(pk=photos[0].pk).update(rendition_status="failed")
    with committed():
        response = desk.post(
            reverse(CHANGELIST_URL),
            {"action": "make_renditions_again", "_selected_action": [photo.pk for photo in photos]},
            follow=True,
        )
    assert "The renditions of 2 photos are being made again." in response.content.decode()
    assert set(ImageCredit.objects.values_list("rendition_status", flat=True)) == {"processing"}
    assert sorted(
        result.args_kwargs["args"][0] for result in queued().filter(status="READY")
    ) == sorted(photo.pk for photo in photos)
    run_queued_tasks()
    assert set(ImageCredit.objects.values_list("rendition_status", flat=True)) == {"ready"}


def test_a_task_for_an_old_focal_point_or_a_deleted_photo_does_nothing():
    photo = ImageCredit(alt_text="Cranes", agency="NORDPRESS")
    with committed():
        photo.image.save("two.jpg", ContentFile(photo_files.jpeg((1600, 900))))
    photo.focal_x = 0.9
    with committed():
        photo.save()
    assert queued().count() == 2

    first, second = run_queued_tasks()
    assert (first.return_value, second.return_value) == ("superseded", "made")
    photo.refresh_from_db()
    made = set(Path(default_storage.location, "renditions", str(photo.pk)).iterdir())
    assert {path.name for path in made} == {
        name.rsplit("/", 1)[1] for name in rendition_names(photo.renditions)
    }
    assert all("-f90-50-" in entry[0] for entry in photo.renditions["crops"].values())

    with committed():
        photo.focal_x = 0.1
        photo.save()
        photo.delete()
    (gone,) = run_queued_tasks()
    assert gone.return_value == "deleted"
    assert not Path(default_storage.location, "renditions", str(photo.pk)).exists()


def test_running_the_task_again_makes_nothing_again():
    photo = make_photo()
    name = photo.renditions["sources"]["webp"][0][0]
    made_at = default_storage.get_modified_time(name)
    result = make_renditions.enqueue(photo.pk, [photo.image.name, photo.focal_x, photo.focal_y])
    (again,) = run_queued_tasks()
    assert again.pk == result.db_result.pk and again.return_value == "done already"
    assert default_storage.get_modified_time(name) == made_at
    photo.refresh_from_db()
    assert photo.rendition_status == "ready"


def test_a_changed_focal_point_keeps_the_old_crops_until_the_new_ones_exist(client, publisher):
    photo = make_photo()
    article = make_article(lead_photo=photo)
    old_square = photo.crops()[2]["url"]
    photo.focal_x = 0.9
    with committed():
        photo.save()
    assert default_storage.exists(old_square.removeprefix("/media/"))
    assert old_square in client.get(article.get_absolute_url()).content.decode()

    run_queued_tasks()
    photo.refresh_from_db()
    html = client.get(article.get_absolute_url()).content.decode()  # the cached page was retired
    assert photo.crops()[2]["url"] in html and old_square not in html
    assert not default_storage.exists(old_square.removeprefix("/media/"))


def test_the_article_admin_copes_with_a_lead_photo_still_processing(desk):
    photo = ImageCredit(alt_text="Cranes", agency="NORDPRESS")
    photo.image.save("new.jpg", ContentFile(photo_files.jpeg()))  # no worker has run
    article = make_article(lead_photo=photo)
    listing = desk.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "Processing: the renditions are being made." in listing
    page = desk.get(reverse("admin:articles_article_change", args=[article.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Processing: the renditions are being made." in html
    assert "/renditions/" not in html
