"""The focal point is set by clicking on the photo in the admin, in a real browser."""

import mimetypes
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from articles.models import ImageCredit
from tests import photo_files
from tests.browser_helpers import log_in
from tests.factories import make_photo
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db(transaction=True)


def serve_media(page):
    """The live server serves no media; hand the browser the files from MEDIA_ROOT."""

    def fulfil(route):
        name = route.request.url.split(settings.MEDIA_URL, 1)[1]
        path = Path(settings.MEDIA_ROOT) / name
        route.fulfill(body=path.read_bytes(), content_type=mimetypes.guess_type(name)[0])

    page.route(f"**{settings.MEDIA_URL}**", fulfil)


def test_clicking_the_photo_sets_the_focal_point_and_moves_the_crops(new_page, superuser):
    photo = make_photo()
    old_square = photo.crops()[2]["url"]
    page = new_page()
    serve_media(page)
    log_in(page, "sue")
    page.goto(reverse("admin:articles_imagecredit_change", args=[photo.pk]))

    image = page.locator("[data-focal-picker] img")
    box = image.bounding_box()
    assert box["width"] > 100 and box["height"] > 50  # the rendition loaded and has its size
    image.click(position={"x": box["width"] * 0.9, "y": box["height"] * 0.2})
    assert float(page.input_value("#id_focal_x")) == pytest.approx(0.9, abs=0.01)
    assert float(page.input_value("#id_focal_y")) == pytest.approx(0.2, abs=0.01)
    marker = page.locator(".focal-picker__marker").bounding_box()
    assert marker["x"] + marker["width"] / 2 == pytest.approx(box["x"] + box["width"] * 0.9, abs=3)

    page.click("input[name=_save]")
    page.wait_for_url("**/imagecredit/")
    photo = ImageCredit.objects.get(pk=photo.pk)
    assert photo.focal_x == pytest.approx(0.9, abs=0.01)
    assert photo.rendition_status == "processing"
    run_queued_tasks()  # the worker makes the new crops
    photo.refresh_from_db()
    assert photo.crops()[2]["url"] != old_square


def test_focal_point_can_be_typed_without_a_mouse(client, superuser):
    client.force_login(superuser)
    photo = make_photo()
    data = {
        field.name: getattr(photo, field.name)
        for field in ImageCredit._meta.fields
        if field.editable and field.name not in {"id", "image"}
    } | {"focal_x": "0.1", "focal_y": "0.9", "loaded_version": photo.version, "_save": "Save"}
    response = client.post(reverse("admin:articles_imagecredit_change", args=[photo.pk]), data)
    assert response.status_code == 302
    photo.refresh_from_db()
    assert (photo.focal_x, photo.focal_y) == (0.1, 0.9)
    assert photo_files.NOTE_TO_EDITORS not in str(photo.renditions)
