"""How long one wire photo takes from upload to renditions.

Run: .venv/bin/python bench/photo_renditions.py

A 24-megapixel JPEG (6000 × 4000, a typical agency frame) is checked, read and turned into its
renditions and crops, in temporary folders. Prints seconds per step; nothing is asserted.
"""

import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from photos.metadata import inspect_original  # noqa: E402
from photos.renditions import build_renditions  # noqa: E402
from photos.storage import originals as originals_storage  # noqa: E402
from photos.uploads import check_upload  # noqa: E402


def wire_photo(size=(6000, 4000)):
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 150):
        draw.line([(x, 0), (size[0] - x, size[1])], fill=(200, 90, 40), width=9)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


class Photo:
    pk, focal_x, focal_y = 1, 0.5, 0.5


def main():
    data = wire_photo()
    with (
        tempfile.TemporaryDirectory() as media,
        tempfile.TemporaryDirectory() as originals,
        override_settings(MEDIA_ROOT=media, PHOTO_ORIGINALS_ROOT=originals),
    ):
        started = time.perf_counter()
        check_upload(SimpleUploadedFile("wire.jpg", data))
        checked = time.perf_counter()
        original = inspect_original(io.BytesIO(data))
        inspected = time.perf_counter()
        photo = Photo()
        photo.content_hash = original.content_hash
        photo.width, photo.height = original.width, original.height
        photo.image = originals_storage.open(originals_storage.save("w.jpg", ContentFile(data)))
        photo.image.open = lambda mode: photo.image
        build_renditions(photo)
        built = time.perf_counter()
    print(f"{len(data) / 1e6:.1f} MB, 6000 × 4000 JPEG")
    print(f"check upload        {checked - started:6.2f} s")
    print(f"hash and metadata   {inspected - checked:6.2f} s")
    print(f"renditions + crops  {built - inspected:6.2f} s")


if __name__ == "__main__":
    main()
