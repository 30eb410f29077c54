"""
Photos: checking uploads, reading the agency's IPTC/XMP metadata, and making public renditions.

An uploaded original is kept as it came, with its EXIF, IPTC and XMP, in private storage that has
no URL. Readers only ever get renditions: re-encoded from decoded pixels, turned upright by the
EXIF orientation, with no EXIF, IPTC or XMP at all (so never a photographer's GPS position), in
WebP and JPEG, at a few widths and in three crops around the photo's focal point.
"""

import hashlib
import io
import math
import os
import warnings
from dataclasses import dataclass, field
from fractions import Fraction

from defusedxml import ElementTree
from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

# Bump when renditions are made differently, so `rebuild_renditions --missing` remakes them all.
RENDITION_VERSION = 1

ACCEPTED_FORMATS = {
    # Pillow's format name: (label for editors, file extensions that may carry it)
    "JPEG": ("JPEG", {".jpg", ".jpeg", ".jpe", ".jfif"}),
    "PNG": ("PNG", {".png"}),
    "WEBP": ("WebP", {".webp"}),
    "GIF": ("GIF", {".gif"}),
}
ACCEPT_ATTRIBUTE = ",".join(
    sorted(ext for _label, exts in ACCEPTED_FORMATS.values() for ext in exts)
    + ["image/jpeg", "image/png", "image/webp", "image/gif"]
)
CROP_RATIOS = {"16:9": Fraction(16, 9), "4:3": Fraction(4, 3), "1:1": Fraction(1, 1)}
CROP_WIDTH = 1200  # what Google and the social networks ask for; never upscaled
ORIENTATION_TAG = 0x0112


def max_upload_bytes():
    return settings.PHOTO_MAX_UPLOAD_MB * 1024 * 1024


def max_pixels():
    return settings.PHOTO_MAX_MEGAPIXELS * 1_000_000


# --- Private storage for originals ----------------------------------------------------------


@deconstructible
class PrivateOriginalsStorage(FileSystemStorage):
    """Originals on disk under PHOTO_ORIGINALS_ROOT, outside MEDIA_ROOT, with no URL at all."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PHOTO_ORIGINALS_ROOT)

    @cached_property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Photo originals are private; use a rendition's URL.")

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PHOTO_ORIGINALS_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


originals = PrivateOriginalsStorage()


def originals_storage():
    return originals


# --- Checking an upload ---------------------------------------------------------------------


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


def _what_else(head):
    """A name for a file Pillow will not open for us, or None."""
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "AVIF" if head[8:12] == b"avif" else "HEIC"
    for magic, name in OTHER_FORMATS:
        if head.startswith(magic):
            return name
    return None


def _sniff_markup(head):
    """SVG and HTML are text; say what they are rather than 'not an image'."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<svg" in text:
        return _("This is an SVG drawing, not a photo. SVG files may contain scripts.")
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<?xml")):
        return _("This is a web page or XML document, not a photo.")
    return None


def _open_accepted(file):
    """Open with the decoders of the accepted formats only: no other parser sees the bytes."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        return Image.open(file, formats=list(ACCEPTED_FORMATS))


def check_upload(uploaded):
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
        image = _open_accepted(uploaded)
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
    label, extensions = ACCEPTED_FORMATS[image.format]
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
        with _open_accepted(uploaded) as image:
            _decode_smaller(image, 1, 1)  # every byte is still read: truncation still shows
            image.load()  # a truncated or damaged file fails here
    except Exception:
        raise not_an_image from None
    finally:
        uploaded.seek(0)


def _too_many_pixels(image):
    params = {"limit": settings.PHOTO_MAX_MEGAPIXELS}
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

    def to_python(self, data):
        uploaded = forms.FileField.to_python(self, data)
        if uploaded is None:
            return None
        check_upload(uploaded)
        return uploaded

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["accept"] = ACCEPT_ATTRIBUTE
        return attrs


class MetadataFreeUploadField(PhotoUploadField):
    """For images published as uploaded (author photos, the logo): checked like photos, then
    re-encoded upright with no EXIF, IPTC or XMP, so no GPS position ever reaches the site,
    and no larger than they are ever shown (a phone's 12-megapixel selfie becomes 480 px)."""

    max_size = (1200, 480)

    def to_python(self, data):
        uploaded = super().to_python(data)
        if uploaded is None:
            return None
        _image, upright = open_upright(uploaded)
        image_format = _image.format
        upright.thumbnail(self.max_size, Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        clean = _clean(upright, keep_alpha=image_format != "JPEG")
        options = {"JPEG": {"quality": 90}, "WEBP": {"quality": 90}}.get(image_format, {})
        clean.save(buffer, image_format, **options, **clean.info)
        return SimpleUploadedFile(uploaded.name, buffer.getvalue(), uploaded.content_type)


def content_hash(file):
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


# --- Metadata: IPTC IIM and XMP -------------------------------------------------------------

# (record, dataset) of IPTC IIM, and the XMP property, for each of our fields. The first value
# found wins: XMP is Unicode by definition, so it is read before IIM.
IIM_FIELDS = {
    "photographer": [(2, 80)],
    "agency": [(2, 110)],
    "providers": [(2, 115)],
    "copyright_notice": [(2, 116)],
    "caption": [(2, 120)],
    "special_instructions": [(2, 40)],
    "reference_id": [(2, 103), (2, 5)],
}
NS = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "Iptc4xmpCore": "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xml": "http://www.w3.org/XML/1998/namespace",
}
XMP_FIELDS = {
    "photographer": ["dc:creator"],
    "agency": ["photoshop:Credit"],
    "providers": ["photoshop:Source"],
    "copyright_notice": ["dc:rights"],
    "caption": ["dc:description"],
    "special_instructions": ["photoshop:Instructions"],
    "reference_id": ["photoshop:TransmissionReference", "dc:title"],
    "alt_text": ["Iptc4xmpCore:AltTextAccessibility"],
}
UTF8_ESCAPE = b"\x1b%G"  # IIM 1:90 Coded Character Set for UTF-8


def parse_iim(data):
    """IPTC IIM datasets as {(record, dataset): [raw bytes, ...]}; stops at the first damage."""
    datasets = {}
    position = 0
    while position + 5 <= len(data):
        if data[position] != 0x1C:
            break
        record, dataset = data[position + 1], data[position + 2]
        length = int.from_bytes(data[position + 3 : position + 5], "big")
        position += 5
        if length & 0x8000:  # extended dataset: the length is in the next N bytes
            size = length & 0x7FFF
            length = int.from_bytes(data[position : position + size], "big")
            position += size
        datasets.setdefault((record, dataset), []).append(data[position : position + length])
        position += length
    return datasets


def _decode_iim(raw, utf8):
    if utf8:
        return raw.decode("utf-8", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Without 1:90 agencies mostly write Windows Latin-1; its undefined bytes are ISO Latin-1.
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            return raw.decode("latin-1")


def _photoshop_iim(image):
    """The IIM block from a JPEG's Photoshop APP13 segment (resource 0x0404), if any."""
    resources = image.info.get("photoshop") or {}
    return resources.get(0x0404, b"")


def read_iim(image):
    datasets = parse_iim(_photoshop_iim(image))
    utf8 = any(value.startswith(UTF8_ESCAPE) for value in datasets.get((1, 90), []))
    values = {}
    for name, keys in IIM_FIELDS.items():
        for key in keys:
            texts = [_decode_iim(raw, utf8).strip() for raw in datasets.get(key, [])]
            texts = [text for text in texts if text]
            if texts:
                values[name] = ", ".join(texts)
                break
    return values


def _xmp_packet(image):
    for key in ("xmp", "XML:com.adobe.xmp"):
        packet = image.info.get(key)
        if packet:
            return packet.encode() if isinstance(packet, str) else packet
    return b""


def _xmp_value(descriptions, qualified):
    prefix, local = qualified.split(":")
    tag = f"{{{NS[prefix]}}}{local}"
    for description in descriptions:
        if tag in description.attrib:
            return description.attrib[tag].strip()
        element = description.find(tag)
        if element is None:
            continue
        items = element.findall(f".//{{{NS['rdf']}}}li")
        if not items:
            return (element.text or "").strip()
        default = [li for li in items if li.get(f"{{{NS['xml']}}}lang") == "x-default"]
        if element.find(f"{{{NS['rdf']}}}Alt") is not None:
            return ((default or items)[0].text or "").strip()
        return ", ".join((li.text or "").strip() for li in items if (li.text or "").strip())
    return ""


def _parse_xmp(packet):
    """The packet's XML root, or None. Tries the whole packet, then the part from its first
    element (some writers put bytes before it), parsed with entity expansion forbidden."""
    first_element = packet.find(b"<", packet.find(b"?>") + 2 if packet.startswith(b"<?") else 0)
    for xml in (packet, packet[first_element:].rstrip(b"\x00 \r\n\t")):
        try:
            return ElementTree.fromstring(xml)
        except Exception:  # noqa: S112 - a damaged or hostile packet is skipped, never fatal
            continue
    return None


def read_xmp(image):
    packet = _xmp_packet(image)
    root = _parse_xmp(packet) if packet else None
    if root is None:
        return {}
    descriptions = list(root.iter(f"{{{NS['rdf']}}}Description"))
    values = {}
    for name, properties in XMP_FIELDS.items():
        for qualified in properties:
            if value := _xmp_value(descriptions, qualified):
                values[name] = value
                break
    return values


def read_metadata(image):
    """Our fields from the file's XMP, then its IPTC IIM: {"caption": "...", ...}."""
    values = read_iim(image) | read_xmp(image)
    # Source often repeats the Credit ("REUTERS"/"Reuters"); only a different one is a provider.
    providers = values.get("providers")
    if providers and providers.casefold() in {
        values.get("agency", "").casefold(),
        values.get("photographer", "").casefold(),
    }:
        values.pop("providers")
    return values


def embed_iim(jpeg, datasets):
    """A copy of a JPEG carrying IPTC IIM datasets {(2, 80): "text"} in UTF-8 (for the demo)."""
    iim = b"\x1c\x01\x5a\x00\x03" + UTF8_ESCAPE
    for (record, dataset), text in datasets.items():
        value = text.encode()
        iim += bytes([0x1C, record, dataset]) + len(value).to_bytes(2, "big") + value
    if len(iim) % 2:
        iim += b"\x00"
    resource = b"8BIM\x04\x04\x00\x00" + len(iim).to_bytes(4, "big") + iim
    segment = b"Photoshop 3.0\x00" + resource
    return jpeg[:2] + b"\xff\xed" + (len(segment) + 2).to_bytes(2, "big") + segment + jpeg[2:]


# --- Reading an original --------------------------------------------------------------------


@dataclass
class Original:
    content_hash: str
    width: int
    height: int
    metadata: dict = field(default_factory=dict)


def upright_size(image):
    """Width and height once turned by the EXIF orientation, read from the header alone."""
    orientation = image.getexif().get(ORIENTATION_TAG, 1)
    return tuple(reversed(image.size)) if orientation in {5, 6, 7, 8} else image.size


def _decode_smaller(image, width, short_side):
    """Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the result still has `width` (upright)
    and `short_side` pixels: several times faster on a 24-megapixel wire photo."""
    if image.format != "JPEG":
        return
    upright_width, _height = upright_size(image)
    short = min(image.size)
    for scale in (8, 4, 2):
        if upright_width / scale >= width and short / scale >= short_side:
            image.draft(None, (math.ceil(image.width / scale), math.ceil(image.height / scale)))
            return


def open_upright(file, width=None, short_side=None):
    """The decoded first frame, turned by its EXIF orientation; optionally decoded smaller, as
    long as it keeps at least `width` and `short_side` pixels."""
    file.seek(0)
    image = _open_accepted(file)
    if width:
        _decode_smaller(image, width, short_side or 1)
    image.load()
    return image, ImageOps.exif_transpose(image)


def inspect_original(file):
    """Hash, upright size and metadata of an original, without decoding its pixels."""
    digest = content_hash(file)
    image = _open_accepted(file)
    width, height = upright_size(image)
    metadata = read_metadata(image)
    file.seek(0)
    return Original(digest, width, height, metadata)


# --- Renditions -----------------------------------------------------------------------------


def rendition_widths(width):
    """The configured widths this photo can fill, plus its own width if it is narrower."""
    widths = [w for w in settings.PHOTO_RENDITION_WIDTHS if w <= width]
    if width < max(settings.PHOTO_RENDITION_WIDTHS) and width not in widths:
        widths.append(width)
    return sorted(widths)


def focal_crop_box(width, height, ratio, focal_x, focal_y):
    """The largest box of `ratio` inside the image, centred on the focal point where it fits."""
    if Fraction(width, height) > ratio:
        crop_height, crop_width = height, min(width, round(height * ratio))
    else:
        crop_width, crop_height = width, min(height, round(width / ratio))
    left = min(max(round(focal_x * width - crop_width / 2), 0), width - crop_width)
    top = min(max(round(focal_y * height - crop_height / 2), 0), height - crop_height)
    return (left, top, left + crop_width, top + crop_height)


def _clean(image, keep_alpha):
    """Pixels only: no EXIF, IPTC, XMP or comments; the colour profile alone is kept."""
    has_alpha = image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info
    icc_profile = image.info.get("icc_profile")
    if image.mode in {"I", "I;16", "I;16B", "I;16L"}:  # 16-bit greyscale PNG: scale, not clip
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if has_alpha and keep_alpha:
        image = image.convert("RGBA")
    elif has_alpha:
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, (255, 255, 255))
        image.paste(rgba, mask=rgba.getchannel("A"))
    else:
        image = image.convert("RGB")
    image.info = {"icc_profile": icc_profile} if icc_profile else {}
    return image


def _encode(image, image_format):
    buffer = io.BytesIO()
    clean = _clean(image, keep_alpha=image_format == "webp")
    if image_format == "webp":
        clean.save(buffer, "WEBP", quality=80, method=4, **clean.info)
    else:
        clean.save(buffer, "JPEG", quality=82, progressive=True, optimize=True, **clean.info)
    return buffer.getvalue()


def _resizer(upright):
    """resize(width, height): the upright image at that size, each size made once, from the
    smallest size already made that is at least twice as wide (much faster, just as sharp)."""
    made = {}

    def resize(width, height):
        if (width, height) == upright.size:
            return upright
        if width not in made:
            source = min(
                (image for image in made.values() if image.width >= 2 * width),
                key=lambda image: image.width,
                default=upright,
            )
            made[width] = source.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=2.0)
        return made[width]

    return resize


@dataclass
class Plan:
    """Every file a photo's renditions consist of, as {name: callable returning bytes}."""

    record: dict
    makers: dict


def plan_renditions(photo, upright):
    """Files to make from `upright` (possibly decoded smaller than the original, never smaller
    than any file needs); sizes are planned from the original's own width and height."""
    key = f"{photo.content_hash[:16]}"
    folder = f"renditions/{photo.pk}"
    width, height = photo.width or upright.width, photo.height or upright.height
    record = {
        "version": RENDITION_VERSION,
        "widths": settings.PHOTO_RENDITION_WIDTHS,
        "sources": {"webp": [], "jpeg": []},
        "crops": {},
    }
    makers = {}
    resize = _resizer(upright)
    for target in sorted(rendition_widths(width), reverse=True):  # large first: see _resizer
        target_height = max(1, round(height * target / width))
        for image_format, extension in (("webp", "webp"), ("jpeg", "jpg")):
            name = f"{folder}/{key}-{target}w.{extension}"
            record["sources"][image_format].append([name, target, target_height])
            makers[name] = lambda w=target, h=target_height, f=image_format: _encode(
                resize(w, h), f
            )
    for entries in record["sources"].values():
        entries.sort(key=lambda entry: entry[1])
    scale = upright.width / width
    focal = f"{round(photo.focal_x * 100)}-{round(photo.focal_y * 100)}"
    for label, ratio in CROP_RATIOS.items():
        box = focal_crop_box(width, height, ratio, photo.focal_x, photo.focal_y)
        crop_width = min(CROP_WIDTH, box[2] - box[0])
        crop_height = max(1, round(crop_width / ratio))
        slug = label.replace(":", "x")
        name = f"{folder}/{key}-{slug}-f{focal}-{crop_width}w.jpg"
        record["crops"][label] = [name, crop_width, crop_height]
        left, top, right, bottom = (round(edge * scale) for edge in box)
        scaled_box = (left, top, min(right, upright.width), min(bottom, upright.height))
        makers[name] = lambda b=scaled_box, w=crop_width, h=crop_height: _encode(
            upright.crop(b).resize((w, h), Image.Resampling.LANCZOS, reducing_gap=2.0), "jpeg"
        )
    return Plan(record, makers)


def rendition_names(record):
    names = {entry[0] for entries in record.get("sources", {}).values() for entry in entries}
    return names | {entry[0] for entry in record.get("crops", {}).values()}


def build_renditions(photo, force=False):
    """Make the photo's missing renditions on the default storage; return the new record.

    Names depend on the content hash, width and focal point, so a file made once is reused
    until one of those changes; `force` makes every file again under the same names.
    """
    needed_width = min(max(settings.PHOTO_RENDITION_WIDTHS), photo.width or 0)
    needed_short_side = min(CROP_WIDTH, photo.width or 0, photo.height or 0)
    with photo.image.open("rb") as file:
        _image, upright = open_upright(file, needed_width, needed_short_side)
    plan = plan_renditions(photo, upright)
    for name, make in plan.makers.items():
        exists = default_storage.exists(name)
        if exists and not force:
            continue
        content = ContentFile(make())  # made before the old file goes: the gap is a moment
        if exists:
            default_storage.delete(name)
        default_storage.save(name, content)
    return plan.record


def is_current(record):
    """Whether renditions were made the way this version and configuration make them."""
    return (
        record.get("version") == RENDITION_VERSION
        and record.get("widths") == settings.PHOTO_RENDITION_WIDTHS
    )


def exists(name):
    return default_storage.exists(name)


def delete_renditions(names):
    for name in names:
        default_storage.delete(name)
