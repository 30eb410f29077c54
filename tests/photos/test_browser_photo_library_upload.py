"""The photo library takes several files at once, chosen or dropped, and reads their credits."""

import pytest
from playwright.sync_api import expect

from articles.models import ImageCredit
from tests.browser_helpers import log_in
from tests.photo_files import jpeg, png_with_xmp

pytestmark = pytest.mark.django_db(transaction=True)

DROP = """([name, bytes]) => {
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array(bytes)], name, {type: "image/jpeg"}));
    const zone = document.querySelector("[data-photo-drop-zone]");
    const drop = {dataTransfer: data, bubbles: true, cancelable: true};
    zone.dispatchEvent(new DragEvent("drop", drop));
}"""


def test_several_photos_upload_at_once_with_credits_from_their_files(
    new_page, editor, publisher, tmp_path
):
    with_credit = tmp_path / "port-cranes.png"
    with_credit.write_bytes(png_with_xmp())
    plain = tmp_path / "plain.jpg"
    plain.write_bytes(jpeg((900, 600)))

    page = new_page(viewport={"width": 1440, "height": 900})
    log_in(page, "eddie")
    page.goto("/admin/articles/imagecredit/")
    uploader = page.get_by_role("region", name="Add several photos")
    uploader.get_by_label("Choose photos, or drop them here").set_input_files([with_credit, plain])
    page.evaluate(DROP, ["dropped.jpg", list(jpeg((700, 500)))])

    items = uploader.get_by_role("listitem")
    expect(items).to_have_count(3)
    expect(uploader.get_by_role("link", name="Show them in the list")).to_be_visible()
    expect(items.filter(has_text="port-cranes.png")).to_contain_text("Added:")
    expect(items.filter(has_text="port-cranes.png")).to_contain_text("AGENCE ÉCLAIR")
    expect(items.filter(has_text="plain.jpg")).to_contain_text("no credit yet")
    expect(items.filter(has_text="dropped.jpg")).to_contain_text("Added:")
    assert ImageCredit.objects.count() == 3
    photo = ImageCredit.objects.get(caption__startswith="Cranes at the port")
    assert "AGENCE ÉCLAIR" in photo.credit_line
    assert photo.alt_text == "Two yellow cranes above a river quay"

    page.get_by_role("link", name="Show them in the list").click()
    listed = page.get_by_role("link", name="Cranes at the port of Lyon, seen from the Saône")
    expect(listed).to_be_visible()


def test_a_file_that_is_not_a_photo_is_refused_with_the_reason(
    new_page, editor, publisher, tmp_path
):
    notes = tmp_path / "notes.jpg"
    notes.write_bytes(b"not a photo at all")
    page = new_page()
    log_in(page, "eddie")
    page.goto("/admin/articles/imagecredit/")
    uploader = page.get_by_role("region", name="Add several photos")
    uploader.get_by_label("Choose photos, or drop them here").set_input_files(notes)
    expect(uploader.get_by_role("listitem")).to_contain_text("Not added:")
    assert not ImageCredit.objects.exists()
