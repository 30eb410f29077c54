"""Checking an upload: only whole, reasonably sized JPEG, PNG, WebP or GIF files get in.

Editors get a message they can act on for every refusal. Images published exactly as uploaded
(author photos, the logo) are also stripped of their metadata here.
"""

import io
import os
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image

from photos.decoding import (
    ACCEPTED_FORMATS,
    clean_pixels,
    decode_smaller,
    format_of,
    open_accepted,
    open_upright,
    save_options,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise  # django-stubs' name for gettext_lazy's result

ACCEPT_ATTRIBUTE = ",".join(
    sorted(ext for _label, exts in ACCEPTED_FORMATS.values() for ext in exts)
    + ["image/jpeg", "image/png", "image/webp", "image/gif"]
)

# Kinds of file editors often try, recognised by their first bytes, so the message can say what
# they are. None of them is ever handed to an image decoder.
OTHER_FORMATS = [
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"BM", "BMP"),
    (b"%PDF", "PDF"),
    (b"8BPS", "Photoshop (PSD)"),
    (b"\x00\x00\x00\x0cjP  ", "JPEG 2000"),
]
HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"mif1", b"msf1", b"avif")


def max_upload_bytes() -> int:
    return settings.PHOTO_MAX_UPLOAD_MB * 1024 * 1024


def max_pixels() -> int:
    return settings.PHOTO_MAX_MEGAPIXELS * 1_000_000


def _what_else(head: bytes) -> str | None:
    """A name for a file Pillow will not open for us, or None."""
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "AVIF" if head[8:12] == b"avif" else "HEIC"
    for magic, name in OTHER_FORMATS:
        if head.startswith(magic):
            return name
    return None


def _sniff_markup(head: bytes) -> "StrPromise | None":
    """SVG and HTML are text; say what they are rather than 'not an image'."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<svg" in text:
        return _("This is an SVG drawing, not a photo. SVG files may contain scripts.")
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<?xml")):
        return _("This is a web page or XML document, not a photo.")
    return None


def check_upload(uploaded: UploadedFile) -> None:
    """Refuse anything that is not a whole, reasonably sized JPEG, PNG, WebP or GIF.

    Raises ValidationError with a message an editor can act on. Reads the header first and
    decodes the pixels only once the size is known to be within the limit.
    """
    limit = max_upload_bytes()
    if uploaded.size is not None and uploaded.size > limit:
        raise forms.ValidationError(
            _("This file is %(size)s; photos may be at most %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)},
        )
    not_an_image = forms.ValidationError(
        _(
            "This file is damaged or is not a photo we can read. "
            "Upload a JPEG, PNG, WebP or GIF image."
        ),
        code="invalid_image",
    )
    try:
        uploaded.seek(0)
        image = open_accepted(uploaded)
    except Image.DecompressionBombError:
        raise _too_many_pixels(None) from None
    except Exception:  # Pillow raises many kinds of error for a bad file.
        uploaded.seek(0)
        head = uploaded.read(1024)
        uploaded.seek(0)
        if markup := _sniff_markup(head):
            raise forms.ValidationError(markup, code="markup") from None
        if other := _what_else(head):
            raise forms.ValidationError(
                _("%(format)s files are not accepted. Save the photo as JPEG and upload that."),
                code="format",
                params={"format": other},
            ) from None
        raise not_an_image from None
    label, extensions = ACCEPTED_FORMATS[format_of(image)]
    extension = os.path.splitext(uploaded.name or "")[1].lower()
    if extension not in extensions:
        raise forms.ValidationError(
            _(
                "This file is named “%(extension)s” but is really a %(format)s image. "
                "Give it the right extension (%(expected)s) and upload it again."
            ),
            code="extension",
            params={
                "extension": extension or _("(no extension)"),
                "format": label,
                "expected": ", ".join(sorted(extensions)),
            },
        )
    if image.width * image.height > max_pixels():
        raise _too_many_pixels(image)
    try:
        image.verify()  # checksums (PNG) and structure
        uploaded.seek(0)
        with open_accepted(uploaded) as image:
            decode_smaller(image, 1, 1)  # every byte is still read: truncation still shows
            image.load()  # a truncated or damaged file fails here
    except Exception:
        raise not_an_image from None
    finally:
        uploaded.seek(0)


def _too_many_pixels(image: Image.Image | None) -> forms.ValidationError:
    params: dict[str, Any] = {"limit": settings.PHOTO_MAX_MEGAPIXELS}
    if image is None:
        message = _("This image has too many pixels to open safely; the limit is %(limit)s MP.")
    else:
        params |= {
            "width": image.width,
            "height": image.height,
            "megapixels": round(image.width * image.height / 1_000_000, 1),
        }
        message = _(
            "This image is %(width)s × %(height)s pixels (%(megapixels)s MP); the limit is "
            "%(limit)s MP. Export a smaller version and upload that."
        )
    return forms.ValidationError(message, code="too_many_pixels", params=params)


class PhotoUploadField(forms.ImageField):
    """The admin's photo upload: every check in check_upload(), with a message for each."""

    def to_python(self, data: Any) -> UploadedFile | None:
        uploaded = cast(UploadedFile | None, forms.FileField.to_python(self, data))
        if uploaded is None:
            return None
        check_upload(uploaded)
        return uploaded

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs["accept"] = ACCEPT_ATTRIBUTE
        return attrs


class MetadataFreeUploadField(PhotoUploadField):
    """For images published as uploaded (author photos, the logo): checked like photos, then
    re-encoded upright with no EXIF, IPTC or XMP, so no GPS position ever reaches the site,
    and no larger than they are ever shown (a phone's 12-megapixel selfie becomes 480 px)."""

    max_size = (1200, 480)

    def to_python(self, data: Any) -> UploadedFile | None:
        uploaded = super().to_python(data)
        if uploaded is None:
            return None
        image, upright = open_upright(uploaded)
        image_format = format_of(image)
        upright.thumbnail(self.max_size, Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        clean = clean_pixels(upright, keep_alpha=image_format != "JPEG")
        options = {"JPEG": {"quality": 90}, "WEBP": {"quality": 90}}.get(image_format, {})
        clean.save(buffer, image_format, **options, **save_options(clean))
        return SimpleUploadedFile(
            uploaded.name or "image", buffer.getvalue(), uploaded.content_type or ""
        )
