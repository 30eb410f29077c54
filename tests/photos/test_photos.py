"""Photos: checked uploads, IPTC/XMP import, private originals, renditions, crops, the library."""

import ast
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from PIL import Image

from articles.models import Author, ImageCredit
from photos import get_photo_model
from photos.tasks import make_renditions
from tests import photo_files
from tests.admin_forms import photo_form_data
from tests.factories import make_article, make_photo
from tests.tasks import tasks_run_after

pytestmark = pytest.mark.django_db

ADD_URL = "admin:articles_imagecredit_add"


def upload(client, content, name="wire.jpg", **fields):
    """Upload through the admin; then a worker makes the renditions."""
    data = photo_form_data(**fields) | {"image": SimpleUploadedFile(name, content)}
    with tasks_run_after(make_renditions):
        return client.post(reverse(ADD_URL), data)


def stored_photo(content, name="wire.jpg", **fields):
    """A photo saved in code; then a worker makes its renditions."""
    photo = ImageCredit(**fields)
    with tasks_run_after(make_renditions):
        photo.image.save(name, ContentFile(content))
    photo.refresh_from_db()
    return photo


def rendition_files(photo):
    """Every public file of a photo, opened from the storage the public is served from."""
    names = {entry[0] for entries in photo.renditions["sources"].values() for entry in entries}
    names |= {entry[0] for entry in photo.renditions["crops"].values()}
    return {name: default_storage.open(name).read() for name in names}


@pytest.fixture
def desk(client, editor):
    client.force_login(editor)
    return client


# --- Metadata import ------------------------------------------------------------------------


def test_uploading_a_wire_photo_fills_the_credit_fields_from_iptc(desk):
    content = photo_files.with_iim(
        photo_files.jpeg(),
        photo_files.iim(
            [
                ((2, 5), "cranes-slug"),
                ((2, 40), photo_files.NOTE_TO_EDITORS),
                ((2, 80), "Søren Ødegård"),
                ((2, 103), photo_files.PICTURE_ID),
                ((2, 110), "NORDPRESS"),
                ((2, 115), "Varenna Port Authority"),
                ((2, 116), "© 2026 Nordpress"),
                ((2, 120), "Cranes stand idle at the port of Varenna – talks stalled."),
            ]
        ),
    )
    response = upload(desk, content)
    assert response.status_code == 302
    photo = ImageCredit.objects.get()
    assert photo.photographer == "Søren Ødegård"
    assert photo.agency == "NORDPRESS"
    assert photo.providers == "Varenna Port Authority"
    assert photo.copyright_notice == "© 2026 Nordpress"
    assert photo.caption == "Cranes stand idle at the port of Varenna – talks stalled."
    assert photo.special_instructions == photo_files.NOTE_TO_EDITORS
    assert photo.reference_id == photo_files.PICTURE_ID  # 2:103 is preferred to 2:05
    assert photo.credit_line == "NORDPRESS/Søren Ødegård/Varenna Port Authority"


def test_latin1_iim_without_a_character_set_comes_out_right():
    content = photo_files.with_iim(
        photo_files.jpeg(),
        photo_files.iim(
            [((2, 80), "Inés Müller"), ((2, 116), "© 2026 Agência Sul")],
            encoding="latin-1",
            declare_utf8=False,
        ),
    )
    photo = stored_photo(content)
    assert photo.photographer == "Inés Müller"
    assert photo.copyright_notice == "© 2026 Agência Sul"


def test_utf8_iim_without_a_character_set_comes_out_right():
    content = photo_files.with_iim(
        photo_files.jpeg(), photo_files.iim([((2, 80), "Zoë Łukasiewicz")], declare_utf8=False)
    )
    assert stored_photo(content).photographer == "Zoë Łukasiewicz"


def test_xmp_fills_every_mapped_field_including_alt_text():
    photo = stored_photo(photo_files.jpeg(xmp=photo_files.xmp_packet()))
    assert photo.photographer == "Zoë Łukasiewicz"
    assert photo.agency == "AGENCE ÉCLAIR"
    assert photo.providers == "Ville de Lyon"
    assert photo.copyright_notice == "© 2026 Agence Éclair"
    assert photo.caption == "Cranes at the port of Lyon, seen from the Saône"  # x-default
    assert photo.special_instructions == photo_files.NOTE_TO_EDITORS
    assert photo.reference_id == "ECL-2026-0042"
    assert photo.alt_text == "Two yellow cranes above a river quay"


def test_xmp_is_read_from_png_and_webp_too():
    png = stored_photo(photo_files.png_with_xmp(), name="wire.png")
    assert png.agency == "AGENCE ÉCLAIR"
    webp = photo_files.encode(
        photo_files.two_colour((800, 450)), "WEBP", xmp=photo_files.xmp_packet()
    )
    assert stored_photo(webp, name="wire.webp").photographer == "Zoë Łukasiewicz"


def test_what_the_editor_typed_wins_over_the_file(desk):
    content = photo_files.jpeg(xmp=photo_files.xmp_packet())
    response = upload(desk, content, caption="Our own caption", agency="AFP")
    assert response.status_code == 302
    photo = ImageCredit.objects.get()
    assert photo.caption == "Our own caption"
    assert photo.agency == "AFP"
    assert photo.photographer == "Zoë Łukasiewicz"  # left empty, so filled from the file


def test_a_hostile_xmp_packet_is_ignored_and_the_photo_still_uploads():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
        b'photoshop:Credit="&b;"/></rdf:RDF></x:xmpmeta>'
    )
    photo = stored_photo(photo_files.jpeg(xmp=bomb))
    assert photo.agency == ""
    assert photo.renditions["sources"]["jpeg"]


# --- Rejected uploads -----------------------------------------------------------------------


def _noise_png():
    import os

    return photo_files.encode(Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3)), "PNG")


REJECTED = {
    "lying extension": (lambda: photo_files.encode(Image.new("RGB", (50, 50)), "PNG"), "x.jpg",
                        "is really a PNG image"),
    "svg": (lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "drawing.svg", "SVG drawing"),
    "svg named jpg": (lambda: b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>',
                      "drawing.jpg", "SVG drawing"),
    "html": (lambda: b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
             "page.jpg", "web page"),
    "truncated": (lambda: photo_files.jpeg()[:-600], "cut.jpg", "damaged"),
    "corrupt": (lambda: b"\xff\xd8\xff\xe0" + bytes(range(256)) * 20, "noise.jpg", "damaged"),
    "tiff": (lambda: photo_files.encode(Image.new("RGB", (50, 50)), "TIFF"), "scan.tif",
             "TIFF files are not accepted"),
    "heic": (lambda: b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64),
             "IMG_0001.heic", "HEIC files are not accepted"),
    "bmp": (lambda: photo_files.encode(Image.new("RGB", (50, 50)), "BMP"), "scan.bmp",
            "BMP files are not accepted"),
    "decompression bomb": (lambda: photo_files.png_claiming_size(10_000, 8_000), "bomb.png",
                           "10000 × 8000 pixels (80.0 MP); the limit is 50 MP"),
    "pillow's own bomb limit": (lambda: photo_files.png_claiming_size(60_000, 60_000),
                                "bigger.png", "too many pixels to open safely"),
    "empty": (lambda: b"", "empty.jpg", "The submitted file is empty"),
}  # fmt: skip


@pytest.mark.parametrize("case", REJECTED)
def test_hostile_or_broken_files_are_refused_with_a_clear_message_and_the_form_kept(desk, case):
    make_content, name, message = REJECTED[case]
    response = upload(desk, make_content(), name=name, caption="Typed by the editor")
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Typed by the editor" in html
    assert not ImageCredit.objects.exists()


def test_files_over_the_size_limit_are_refused(desk, settings):
    settings.PHOTO_MAX_UPLOAD_MB = 1
    content = _noise_png()
    assert len(content) > 1024 * 1024
    response = upload(desk, content, name="huge.png", caption="Kept")
    assert "photos may be at most 1.0\xa0MB" in response.content.decode()
    assert not ImageCredit.objects.exists()


def test_the_pixel_limit_is_a_setting(desk, settings):
    settings.PHOTO_MAX_MEGAPIXELS = 1
    response = upload(desk, photo_files.jpeg((1600, 900)))
    assert "1600 × 900 pixels (1.4 MP); the limit is 1 MP" in response.content.decode()
    assert not ImageCredit.objects.exists()


def test_an_animated_gif_is_kept_as_a_still(desk):
    frames = [Image.new("RGB", (600, 400), colour) for colour in ("red", "green", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100)
    assert upload(desk, buffer.getvalue(), name="loop.gif").status_code == 302
    photo = ImageCredit.objects.get()
    webp = Image.open(default_storage.open(photo.renditions["sources"]["webp"][0][0]))
    assert not getattr(webp, "is_animated", False)


# --- Duplicates -----------------------------------------------------------------------------


def test_uploading_a_photo_already_in_the_library_warns_and_links_to_it(desk):
    content = photo_files.jpeg()
    first = stored_photo(content, caption="The first copy")
    response = upload(desk, content, caption="Second try")
    html = response.content.decode()
    assert response.status_code == 200
    assert "already in the library" in html
    assert reverse("admin:articles_imagecredit_change", args=[first.pk]) in html
    assert ImageCredit.objects.count() == 1

    response = upload(desk, content, caption="Second try", upload_anyway="on")
    assert response.status_code == 302
    second = ImageCredit.objects.exclude(pk=first.pk).get()
    assert list(second.duplicates()) == [first]


# --- The original stays private -------------------------------------------------------------


def test_the_original_keeps_its_metadata_but_is_not_in_public_media():
    content = photo_files.jpeg(exif=photo_files.gps_exif())
    photo = stored_photo(content)
    original = Path(settings.PHOTO_ORIGINALS_ROOT) / photo.image.name
    assert original.read_bytes() == content
    assert Path(settings.MEDIA_ROOT) not in original.parents
    assert not list(Path(settings.MEDIA_ROOT).rglob(Path(photo.image.name).name))
    with pytest.raises(ValueError, match="private"):
        photo.image.url  # noqa: B018


def test_only_staff_who_may_see_the_photo_can_download_the_original(client, desk, reporter):
    photo = stored_photo(photo_files.jpeg(exif=photo_files.gps_exif()))
    url = reverse("admin:articles_imagecredit_original", args=[photo.pk])
    response = desk.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == Path(photo.image.path).read_bytes()
    desk.logout()
    assert desk.get(url).status_code == 302  # to the login page


# --- Renditions -----------------------------------------------------------------------------


def test_renditions_are_webp_and_jpeg_at_each_width_never_upscaled():
    photo = stored_photo(photo_files.jpeg((2000, 1000)))
    for image_format, pillow_format in (("webp", "WEBP"), ("jpeg", "JPEG")):
        entries = photo.renditions["sources"][image_format]
        assert [width for _name, width, _height in entries] == [480, 800, 1200, 1600]
        for name, width, height in entries:
            image = Image.open(default_storage.open(name))
            assert image.format == pillow_format
            assert image.size == (width, height) == (width, width // 2)

    small = stored_photo(photo_files.jpeg((640, 400)))
    assert [entry[1] for entry in small.renditions["sources"]["jpeg"]] == [480, 640]
    assert small.crops()[0]["width"] == 640


def test_exif_orientation_is_applied():
    sideways = photo_files.jpeg((400, 200), exif=photo_files.gps_exif(orientation=6))
    photo = stored_photo(sideways)
    assert (photo.width, photo.height) == (200, 400)
    name = photo.renditions["sources"]["jpeg"][-1][0]
    assert Image.open(default_storage.open(name)).size == (200, 400)


def test_no_gps_exif_xmp_or_iptc_survives_in_any_public_rendition():
    content = photo_files.with_iim(
        photo_files.jpeg(exif=photo_files.gps_exif(), xmp=photo_files.xmp_packet()),
        photo_files.iim([((2, 40), photo_files.NOTE_TO_EDITORS)]),
    )
    photo = stored_photo(content)
    original = Image.open(photo.image.path)
    assert original.getexif().get_ifd(0x8825)  # the test file really carries GPS
    files = rendition_files(photo)
    assert len(files) == 2 * 2 + 3  # 480 and 800 wide in WebP and JPEG, and three crops
    for name, data in files.items():
        image = Image.open(io.BytesIO(data))
        assert not image.getexif(), name
        assert not image.getexif().get_ifd(0x8825), name
        assert "xmp" not in image.info and "photoshop" not in image.info, name
        for secret in (b"Exif", b"SpyCam", b"xmpmeta", b"8BIM", b"SECRET-NOTE-4711"):
            assert secret not in data, (name, secret)


def test_crops_are_the_three_shapes_google_asks_for_around_the_focal_point():
    photo = stored_photo(photo_files.jpeg((1600, 900)), caption="Two colours")
    crops = photo.crops()
    assert [crop["ratio"] for crop in crops] == ["16:9", "4:3", "1:1"]
    for crop, (across, down) in zip(crops, [(16, 9), (4, 3), (1, 1)], strict=True):
        assert crop["width"] * down == pytest.approx(crop["height"] * across, abs=down)
        assert crop["width"] <= 1200 and crop["width"] * crop["height"] >= 50_000
        assert crop["url"].startswith(settings.MEDIA_URL)
        name = crop["url"].removeprefix(settings.MEDIA_URL)
        image = Image.open(default_storage.open(name))
        assert image.size == (crop["width"], crop["height"])

    def square_centre_colour():
        name = photo.crops()[2]["url"].removeprefix(settings.MEDIA_URL)
        square = Image.open(default_storage.open(name)).convert("RGB")
        return square.getpixel((square.width // 2, square.height // 2))

    old_square = photo.crops()[2]["url"]
    photo.focal_x = 0.95
    with tasks_run_after(make_renditions):
        photo.save()
    photo.refresh_from_db()
    red, _green, blue = square_centre_colour()
    assert blue > 150 > red
    assert photo.crops()[2]["url"] != old_square  # a new URL, so caches never serve the old crop
    assert not default_storage.exists(old_square.removeprefix(settings.MEDIA_URL))
    photo.focal_x = 0.05
    with tasks_run_after(make_renditions):
        photo.save()
    photo.refresh_from_db()
    red, _green, blue = square_centre_colour()
    assert red > 150 > blue


def test_renditions_are_made_once_and_keep_their_urls_when_the_caption_changes():
    photo = stored_photo(photo_files.jpeg((900, 600)))
    urls = [url for url, _w, _h in photo.sources("webp")] + [c["url"] for c in photo.crops()]
    name = photo.renditions["sources"]["webp"][0][0]
    made_at = default_storage.get_modified_time(name)
    photo.caption = "A new caption"
    photo.save()
    photo.refresh_from_db()
    assert [url for url, _w, _h in photo.sources("webp")] + [
        c["url"] for c in photo.crops()
    ] == urls
    assert default_storage.get_modified_time(name) == made_at


def test_deleting_a_photo_deletes_its_files(django_capture_on_commit_callbacks):
    photo = stored_photo(photo_files.jpeg((900, 600)))
    names = list(rendition_files(photo))
    original = Path(photo.image.path)
    with django_capture_on_commit_callbacks(execute=True):
        photo.delete()
    assert not original.exists()
    assert not any(default_storage.exists(name) for name in names)


# --- On the public pages --------------------------------------------------------------------


def img_tags(html):
    return re.findall(r"<img [^>]*>", html)


def test_public_photos_are_responsive_with_webp_sources(client, publisher):
    photo = make_photo()
    article = make_article(lead_photo=photo)
    make_article(lead_photo=make_photo())  # newer: the front page's lead story
    html = client.get(article.get_absolute_url()).content.decode()
    figure = html[html.index('<figure class="photo">') :]
    img = img_tags(figure)[0]
    for attribute in ("srcset=", "sizes=", 'width="640"', 'height="400"', 'loading="eager"'):
        assert attribute in img
    assert f'alt="{photo.alt_text}"' in img
    assert '<source type="image/webp" srcset="' in figure
    assert photo.caption in figure and photo.credit_line in figure

    front = client.get(reverse("reader:front-page")).content.decode()
    cards = [tag for tag in img_tags(front) if "/renditions/" in tag]
    assert len(cards) == 2
    assert all("srcset=" in tag and "sizes=" in tag and "width=" in tag for tag in cards)
    assert ['loading="eager"' in tag for tag in cards] == [True, False]  # lazy below the fold


def test_serving_pages_makes_no_image_files(client, publisher):
    article = make_article(lead_photo=make_photo())
    before = sorted(Path(settings.MEDIA_ROOT).rglob("*"))
    for url in (article.get_absolute_url(), reverse("reader:front-page")):
        assert client.get(url).status_code == 200
    assert sorted(Path(settings.MEDIA_ROOT).rglob("*")) == before


def test_note_to_editors_and_reference_id_never_reach_readers(client, publisher):
    photo = stored_photo(
        photo_files.jpeg(xmp=photo_files.xmp_packet()),
        reference_id=photo_files.PICTURE_ID,
        may_republish=True,
    )
    assert photo.special_instructions == photo_files.NOTE_TO_EDITORS
    article = make_article(lead_photo=photo, tags=["Ports"])
    author = article.authors.get()
    public_pages = [
        reverse("reader:front-page"),
        article.get_absolute_url(),
        article.section.get_absolute_url(),
        reverse("reader:tag", args=["ports"]),
        author.get_absolute_url(),
        reverse("republication:terms"),
    ]
    for url in public_pages:
        html = client.get(url).content.decode()
        assert url != article.get_absolute_url() or photo.caption in html
        for secret in ("SECRET-NOTE-4711", photo_files.PICTURE_ID, "ECL-2026-0042"):
            assert secret not in html, (url, secret)
    partners = client.get(reverse("republication:article-republish", args=[article.slug]))
    assert "SECRET-NOTE-4711" in partners.content.decode()
    assert photo_files.PICTURE_ID in partners.content.decode()


# --- The admin's photo library --------------------------------------------------------------


def test_library_searches_filters_and_shows_thumbnails(desk, django_assert_max_num_queries):
    wanted = make_photo(reference_id="RTX28OUJ", agency="REUTERS", may_republish=True)
    other = make_photo(reference_id="AFP-1", agency="AFP", caption="Something else")
    for _ in range(3):
        make_photo(agency="AFP")
    url = reverse("admin:articles_imagecredit_changelist")
    with django_assert_max_num_queries(12):
        html = desk.get(url).content.decode()
    assert len([tag for tag in img_tags(html) if "admin-thumbnail" in tag]) == 5
    change_url = reverse("admin:articles_imagecredit_change", args=[wanted.pk])
    other_url = reverse("admin:articles_imagecredit_change", args=[other.pk])
    for query in ({"q": "RTX28OUJ"}, {"agency": "REUTERS"}, {"may_republish__exact": "1"}):
        html = desk.get(url, query).content.decode()
        assert change_url in html and other_url not in html, query
    html = desk.get(url, {"q": "Something else"}).content.decode()
    assert other_url in html and change_url not in html


def test_photo_page_lists_the_articles_that_use_it_and_its_private_fields(desk):
    photo = make_photo(special_instructions="HANDOUT NOTE", reference_id="RTX1")
    used = make_article(lead_photo=photo, headline="Harbour story")
    make_article(headline="Unrelated story")
    html = desk.get(reverse("admin:articles_imagecredit_change", args=[photo.pk])).content.decode()
    assert reverse("admin:articles_article_change", args=[used.pk]) in html
    assert "Harbour story" in html and "Unrelated story" not in html
    assert "HANDOUT NOTE" in html and "RTX1" in html
    assert "data-focal-picker" in html and "/static/js/focal-point." in html
    assert all(crop["url"] in html for crop in photo.crops())
    assert "<script>" not in html.split("</head>")[1]  # no inline scripts for the picker


# --- rebuild_renditions ---------------------------------------------------------------------


def test_rebuild_renditions_remakes_lost_files_with_a_progress_bar(capsys):
    photos = [make_photo(), make_photo()]
    lost = photos[0].renditions["sources"]["webp"][0][0]
    default_storage.delete(lost)
    call_command("rebuild_renditions", "--missing", "--dry-run")
    assert "1 photo(s) would be rebuilt" in capsys.readouterr().out
    call_command("rebuild_renditions", "--missing")
    captured = capsys.readouterr()
    assert "Rebuilt the renditions of 1 photo(s)" in captured.out
    assert "1/1" in captured.err  # tqdm's counts
    assert default_storage.exists(lost)
    call_command("rebuild_renditions")
    assert "Rebuilt the renditions of 2 photo(s)" in capsys.readouterr().out


def test_rebuild_renditions_follows_new_widths(settings):
    photo = make_photo()
    settings.PHOTO_RENDITION_WIDTHS = [320, 640]
    call_command("rebuild_renditions", "--missing", stdout=io.StringIO())
    photo.refresh_from_db()
    assert [entry[1] for entry in photo.renditions["sources"]["jpeg"]] == [320, 640]


def test_rebuild_renditions_reports_a_missing_original_and_goes_on():
    broken, fine = make_photo(), make_photo()
    Path(broken.image.path).unlink()
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="1 photo"):
        call_command("rebuild_renditions", stdout=io.StringIO(), stderr=stderr)
    assert f"photo {broken.pk}" in stderr.getvalue()
    fine.refresh_from_db()
    assert fine.renditions["sources"]["jpeg"] and fine.rendition_status == "ready"
    broken.refresh_from_db()  # the library says so too
    assert broken.rendition_status == "failed"
    assert broken.rendition_error.startswith("FileNotFoundError")


# --- The app's boundary ---------------------------------------------------------------------


def test_the_photos_app_imports_nothing_of_ours_but_newsroom_lib():
    ours = {"articles", "desk", "newsroom", "pagecache", "reader", "republication", "bench"}
    found = []
    for path in Path(settings.BASE_DIR, "photos").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            found += [
                (path.name, name)
                for name in names
                if name.split(".")[0] in ours and not name.startswith("newsroom.lib")
            ]
    assert found == []


def test_the_photo_model_is_found_by_setting(settings):
    assert get_photo_model() is ImageCredit
    settings.PHOTOS_MODEL = "articles.NoSuchModel"
    with pytest.raises(ImproperlyConfigured, match="not installed"):
        get_photo_model()
    settings.PHOTOS_MODEL = "ImageCredit"
    with pytest.raises(ImproperlyConfigured, match="app_label.ModelName"):
        get_photo_model()


def test_demo_photos_have_renditions_and_credits_read_from_iptc(demo):
    glacier = ImageCredit.objects.get(reference_id="GLX-88213")
    assert glacier.photographer == "Inés Varga"  # written into the demo JPEG as IPTC IIM
    assert glacier.credit_line == "POLAR IMAGES/Inés Varga/Sorbrae Field Station/Pool"
    assert glacier.special_instructions.startswith("POOL PHOTO")
    for photo in ImageCredit.objects.all():
        assert [entry[1] for entry in photo.renditions["sources"]["webp"]] == [480, 800, 1200, 1600]
        sizes = [(crop["width"], crop["height"]) for crop in photo.crops()]
        assert sizes == [(1200, 675), (1200, 900), (1000, 1000)]  # 1600 × 1000, never upscaled


def test_rebuild_renditions_moves_an_old_public_original_out_of_media():
    photo = make_photo()
    public = Path(settings.MEDIA_ROOT) / photo.image.name
    public.parent.mkdir(parents=True, exist_ok=True)
    Path(photo.image.path).rename(public)
    ImageCredit.objects.filter(pk=photo.pk).update(renditions={}, content_hash="")
    call_command("rebuild_renditions", "--missing", stdout=io.StringIO())
    photo.refresh_from_db()
    assert not public.exists()
    assert Path(photo.image.path).exists()
    assert photo.content_hash and photo.renditions["sources"]["jpeg"]


def test_author_photos_are_checked_and_stripped_of_gps(desk, superuser):
    desk.force_login(superuser)
    data = {
        "name": "Ana Field",
        "slug": "ana-field",
        "social_network": "x",
        "job_title": "",
        "bio": "",
        "affiliation": "",
        "social_handle": "",
        "social_url": "",
        "tips_email": "",
    }
    svg = SimpleUploadedFile("me.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>')
    response = desk.post(reverse("admin:articles_author_add"), data | {"photo": svg})
    assert "SVG drawing" in response.content.decode()

    selfie = photo_files.jpeg((1500, 1000), exif=photo_files.gps_exif(orientation=6))
    photo = SimpleUploadedFile("me.jpg", selfie)
    response = desk.post(reverse("admin:articles_author_add"), data | {"photo": photo})
    assert response.status_code == 302
    stored = default_storage.open(Author.objects.get(slug="ana-field").photo.name).read()
    image = Image.open(io.BytesIO(stored))
    assert image.size == (320, 480)  # turned upright, and no bigger than it is ever shown
    assert not image.getexif() and b"SpyCam" not in stored


def _sixteen_bit_grey():
    image = Image.new("I;16", (256, 64))
    image.putdata([x * 256 for _y in range(64) for x in range(256)])
    return image


@pytest.mark.parametrize(
    ("make_image", "image_format", "name"),
    [
        (lambda: Image.new("1", (300, 200)), "PNG", "bw.png"),
        (lambda: Image.new("LA", (300, 200), (90, 128)), "PNG", "grey-alpha.png"),
        (lambda: Image.new("P", (300, 200)), "GIF", "palette.gif"),
        (lambda: Image.new("RGBA", (300, 200), (0, 0, 0, 0)), "WEBP", "clear.webp"),
        (lambda: Image.new("CMYK", (300, 200), (0, 255, 255, 0)), "JPEG", "print.jpg"),
        (_sixteen_bit_grey, "PNG", "deep.png"),
    ],
)
def test_every_accepted_kind_of_image_gets_renditions(desk, make_image, image_format, name):
    response = upload(desk, photo_files.encode(make_image(), image_format), name=name)
    assert response.status_code == 302
    photo = ImageCredit.objects.get()
    jpeg_name = photo.renditions["sources"]["jpeg"][-1][0]
    rendition = Image.open(default_storage.open(jpeg_name))
    assert rendition.mode == "RGB"
    if name == "deep.png":  # 16-bit grey is scaled to 8 bits, not clipped to white
        assert 100 < rendition.getpixel((rendition.width // 2, 10))[0] < 160
    if name == "print.jpg":
        assert rendition.getpixel((5, 5))[0] > 200 > rendition.getpixel((5, 5))[1]  # red


def test_a_photo_whose_metadata_mentions_svg_is_still_a_photo(desk):
    content = photo_files.jpeg(comment=b'<svg onload="alert(1)">', xmp=photo_files.xmp_packet())
    assert upload(desk, content).status_code == 302
    photo = ImageCredit.objects.get()
    assert all(b"<svg" not in data for data in rendition_files(photo).values())


def test_article_admin_shows_lead_photos_from_their_renditions(desk):
    article = make_article(lead_photo=make_photo())
    listing = desk.get(reverse("admin:articles_article_changelist")).content.decode()
    assert [tag for tag in img_tags(listing) if "admin-thumbnail" in tag and "srcset=" in tag]
    page = desk.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert [tag for tag in img_tags(page) if "admin-preview" in tag and "/renditions/" in tag]


def test_the_upload_form_offers_only_accepted_files(desk):
    html = desk.get(reverse(ADD_URL)).content.decode()
    accept = re.search(r'<input type="file" name="image" accept="([^"]+)"', html).group(1)
    assert ".webp" in accept and "image/jpeg" in accept and "svg" not in accept
    assert "Save the photo first" in html


def test_a_large_jpeg_decoded_at_reduced_scale_still_gets_full_size_files():
    sideways = photo_files.encode(
        photo_files.two_colour((2700, 4000)), "JPEG", exif=photo_files.gps_exif(orientation=8)
    )
    photo = stored_photo(sideways, name="big.jpg")
    assert (photo.width, photo.height) == (4000, 2700)
    for name, width, height in photo.renditions["sources"]["jpeg"]:
        assert Image.open(default_storage.open(name)).size == (width, height)
    assert [entry[1] for entry in photo.renditions["sources"]["jpeg"]] == [480, 800, 1200, 1600]
    sizes = [(crop["width"], crop["height"]) for crop in photo.crops()]
    assert sizes == [(1200, 675), (1200, 900), (1200, 1200)]
    square = Image.open(default_storage.open(photo.renditions["crops"]["1:1"][0])).convert("RGB")
    assert square.size == (1200, 1200)
    # Orientation 8: the file's left (red) half is the picture's bottom once turned upright.
    top, bottom = square.getpixel((600, 300)), square.getpixel((600, 900))
    assert top[2] > 150 > top[0] and bottom[0] > 150 > bottom[2]


def test_replacing_the_file_keeps_the_editors_fields_and_drops_the_old_files():
    photo = stored_photo(photo_files.jpeg((900, 600)), caption="Edited by the desk")
    old_original, old_names = Path(photo.image.path), set(rendition_files(photo))
    new_file = photo_files.with_iim(
        photo_files.jpeg((1000, 700)), photo_files.iim([((2, 120), "From the file")])
    )
    photo.image = SimpleUploadedFile("second.jpg", new_file)
    with tasks_run_after(make_renditions):
        photo.save()
    photo.refresh_from_db()
    assert photo.caption == "Edited by the desk"
    assert (photo.width, photo.height) == (1000, 700)
    assert not old_original.exists() and Path(photo.image.path).exists()
    assert not any(default_storage.exists(name) for name in old_names)
    assert all(default_storage.exists(name) for name in rendition_files(photo))


def test_a_bare_rdf_packet_without_the_xmpmeta_wrapper_is_read():
    bare = (
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
        b'photoshop:Credit="KYODO"/></rdf:RDF>'
    )
    assert stored_photo(photo_files.jpeg(xmp=bare)).agency == "KYODO"


# --- Files phones and graphics desks make ----------------------------------------------------


def test_a_multi_picture_jpeg_from_a_phone_uploads_as_its_first_picture(desk):
    """MPO (what many phones write: a JPEG followed by more pictures) is a JPEG to us."""
    pictures = [photo_files.two_colour((800, 450)), Image.new("RGB", (800, 450), "green")]
    buffer = io.BytesIO()
    pictures[0].save(buffer, "MPO", save_all=True, append_images=pictures[1:])
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"
    assert upload(desk, buffer.getvalue(), name="IMG_0001.JPG").status_code == 302
    photo = ImageCredit.objects.get()
    assert (photo.width, photo.height) == (800, 450)
    assert photo.renditions_ready
    jpeg = Image.open(default_storage.open(photo.public_rendition["name"]))
    assert jpeg.getpixel((10, 10))[0] > 200  # the red half of the first picture, not green


def test_a_tall_infographic_within_the_pixel_limit_gets_renditions(desk):
    """800 × 30,000 pixels is 24 MP, within the limit, but taller than WebP can be: its
    renditions are made narrower, never failing."""
    tall = photo_files.encode(Image.new("RGB", (800, 30_000), (30, 90, 160)), "PNG")
    assert upload(desk, tall, name="infographic.png").status_code == 302
    photo = ImageCredit.objects.get()
    assert photo.rendition_status == ImageCredit.RenditionStatus.READY, photo.rendition_error
    for image_format, entries in photo.renditions["sources"].items():
        for name, width, height in entries:
            assert height <= 16383, (image_format, width, height)
            assert Image.open(default_storage.open(name)).size == (width, height)


def test_nul_and_control_characters_in_iptc_are_dropped_not_a_server_error(desk):
    """PostgreSQL refuses NUL in text: an agency file carrying one still uploads, cleaned."""
    iim = photo_files.iim([((2, 120), "Cranes\x00 at\x07 dusk"), ((2, 80), "\x00Lena Holm\x1b")])
    response = upload(desk, photo_files.with_iim(photo_files.jpeg(), iim))
    assert response.status_code == 302
    photo = ImageCredit.objects.get()
    assert (photo.caption, photo.photographer) == ("Cranes at dusk", "Lena Holm")


def test_an_original_whose_photo_cannot_be_saved_is_not_left_on_disk(settings):
    """The original is written before the row; if the row fails, the file goes too (it holds
    the photographer's GPS position and every private field)."""
    existing = make_photo()
    before = {path for path in settings.PHOTO_ORIGINALS_ROOT.rglob("*") if path.is_file()}
    clash = ImageCredit(pk=existing.pk)
    clash.image = SimpleUploadedFile("private.jpg", photo_files.jpeg(exif=photo_files.gps_exif()))
    with pytest.raises(IntegrityError), transaction.atomic():
        clash.save(force_insert=True)
    after = {path for path in settings.PHOTO_ORIGINALS_ROOT.rglob("*") if path.is_file()}
    assert after == before
