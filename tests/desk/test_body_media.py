"""What the body editor asks the desk: photo search, upload from the editor, embed check."""

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import ImageCredit
from tests.factories import make_article, make_photo
from tests.photo_files import jpeg

pytestmark = pytest.mark.django_db

PICKER = "admin:articles_imagecredit_picker"
UPLOAD = "admin:articles_imagecredit_picker_upload"


def search(client, **params):
    response = client.get(reverse(PICKER), params)
    assert response.status_code == 200
    return response.json()["results"]


def test_the_picker_finds_photos_by_caption_credit_and_date(client, reporter):
    harbour = make_photo(caption="Cranes at the harbour.", agency="NORDPRESS")
    quay = make_photo(
        caption="An empty quay.", alt_text="A quay", agency="WIREAGENCY", photographer="Ola Berg"
    )
    client.force_login(reporter)
    assert [card["id"] for card in search(client, q="harbour")] == [harbour.pk]
    assert [card["id"] for card in search(client, q="wireagency berg")] == [quay.pk]
    today = quay.created_at.date().isoformat()
    assert {card["id"] for card in search(client, date=today)} == {harbour.pk, quay.pk}
    assert search(client, date="1999-01-01") == []
    assert search(client, date="not-a-date") == []
    [card] = search(client, ids=str(quay.pk))
    assert card["credit"] == "WIREAGENCY/Ola Berg"
    assert card["thumbnail"] == quay.sources("jpeg")[0][0]


def test_a_reporter_uploads_a_photo_with_its_credit_from_the_editor(client, reporter):
    client.force_login(reporter)
    response = client.post(
        reverse(UPLOAD),
        {
            "image": SimpleUploadedFile("quay.jpg", jpeg(), content_type="image/jpeg"),
            "alt_text": "An empty quay at dawn",
            "caption": "The quay on Monday.",
            "photographer": "Lena Holm",
            "agency": "",
        },
    )
    assert response.status_code == 201
    photo = ImageCredit.objects.get(pk=response.json()["photo"]["id"])
    assert photo.alt_text == "An empty quay at dawn"
    assert photo.credit_line == "Lena Holm"


def test_uploading_a_file_already_in_the_library_inserts_that_photo(client, reporter):
    client.force_login(reporter)
    data = jpeg((500, 300))

    def upload():
        return client.post(
            reverse(UPLOAD),
            {"image": SimpleUploadedFile("a.jpg", data, content_type="image/jpeg")},
        )

    first = upload().json()["photo"]
    again = upload().json()
    assert again["duplicate"] is True
    assert again["photo"]["id"] == first["id"]
    assert ImageCredit.objects.count() == 1


def test_a_bad_upload_gets_a_clear_error_not_a_500(client, reporter):
    client.force_login(reporter)
    response = client.post(
        reverse(UPLOAD),
        {"image": SimpleUploadedFile("notes.jpg", b"not a photo", content_type="image/jpeg")},
    )
    assert response.status_code == 400
    assert response.json()["errors"]["image"]
    assert not ImageCredit.objects.exists()


def test_the_picker_and_upload_need_staff_with_photo_rights(client, reporter):
    assert client.get(reverse(PICKER)).status_code == 302  # to the login page
    outsider = User.objects.create_user("stan", password="pw-for-tests-1", is_staff=True)
    client.force_login(outsider)
    assert client.get(reverse(PICKER)).status_code == 403
    assert client.post(reverse(UPLOAD), {}).status_code == 403
    client.force_login(reporter)
    assert client.get(reverse(UPLOAD)).status_code == 405


def test_the_embed_check_names_the_provider_or_lists_the_allowed_ones(client, reporter):
    client.force_login(reporter)
    url = reverse("admin:articles_article_embedcheck")
    ok = client.get(url, {"url": "https://vimeo.com/76979871"})
    assert ok.json() == {"url": "https://vimeo.com/76979871", "provider": "Vimeo"}
    refused = client.get(url, {"url": "https://evil.example/video/1"})
    assert refused.status_code == 400
    assert "YouTube" in refused.json()["error"]


def test_the_photo_page_lists_stories_using_it_inside_the_body(client, editor, publisher):
    photo = make_photo()
    make_article(headline="Quay story", body=f'<figure data-photo-id="{photo.pk}"></figure>')
    client.force_login(editor)
    page = client.get(reverse("admin:articles_imagecredit_change", args=[photo.pk]))
    assert "Quay story" in page.content.decode()
