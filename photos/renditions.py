"""Public renditions of a photo: planned from its size and focal point, made from its original.

Readers only ever get renditions: re-encoded from decoded pixels, turned upright by the EXIF
orientation, with no EXIF, IPTC or XMP at all (so never a photographer's GPS position), in
WebP and JPEG, at a few widths and in three crops around the photo's focal point.

Names depend on the photo's id, content hash, width and focal point, so a file made once is
reused until one of those changes, and making renditions twice makes nothing the second time.
Making them takes seconds for a wire photo: it runs as a task (photos/tasks.py), never in the
request that saved the photo. The photo model (PHOTOS_MODEL) has the fields used here: image,
width, height, focal_x, focal_y, content_hash, renditions, rendition_status, rendition_error.
"""

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from PIL import Image

from photos.decoding import (
    clean_pixels,
    open_accepted,
    open_upright,
    save_options,
    upright_size,
)

# Bump when renditions are made differently, so `rebuild_renditions --missing` remakes them all.
RENDITION_VERSION = 1

CROP_RATIOS = {"16:9": Fraction(16, 9), "4:3": Fraction(4, 3), "1:1": Fraction(1, 1)}
CROP_WIDTH = 1200  # what Google and the social networks ask for; never upscaled
# Longest kept for an editor to read; the whole traceback is in the task's result.
ERROR_LENGTH = 500


class RenditionStatus(models.TextChoices):
    PROCESSING = "processing", _("processing")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")


# WebP cannot be taller or wider than this (JPEG stops at 65,535): a long infographic's
# renditions are made narrower than configured rather than failing.
MAX_SIDE = 16383


def rendition_widths(width: int, height: int = 0) -> list[int]:
    """The configured widths this photo can fill, plus its own width if it is narrower; for a
    photo too tall for some of them, the widest that keeps within MAX_SIDE instead."""
    widest = min(width, MAX_SIDE, MAX_SIDE * width // height if height else width)
    widths = [w for w in settings.PHOTO_RENDITION_WIDTHS if w <= widest]
    if widest < max(settings.PHOTO_RENDITION_WIDTHS) and widest not in widths:
        widths.append(max(1, widest))
    return sorted(widths)


def focal_crop_box(
    width: int, height: int, ratio: Fraction, focal_x: float, focal_y: float
) -> tuple[int, int, int, int]:
    """The largest box of `ratio` inside the image, centred on the focal point where it fits."""
    if Fraction(width, height) > ratio:
        crop_height, crop_width = height, min(width, round(height * ratio))
    else:
        crop_width, crop_height = width, min(height, round(width / ratio))
    left = min(max(round(focal_x * width - crop_width / 2), 0), width - crop_width)
    top = min(max(round(focal_y * height - crop_height / 2), 0), height - crop_height)
    return (left, top, left + crop_width, top + crop_height)


def _encode(image: Image.Image, image_format: str) -> bytes:
    buffer = io.BytesIO()
    clean = clean_pixels(image, keep_alpha=image_format == "webp")
    if image_format == "webp":
        clean.save(buffer, "WEBP", quality=80, method=4, **save_options(clean))
    else:
        clean.save(
            buffer, "JPEG", quality=82, progressive=True, optimize=True, **save_options(clean)
        )
    return buffer.getvalue()


def _resizer(upright: Image.Image) -> Callable[[int, int], Image.Image]:
    """resize(width, height): the upright image at that size, each size made once, from the
    smallest size already made that is at least twice as wide (much faster, just as sharp)."""
    made: dict[int, Image.Image] = {}

    def resize(width: int, height: int) -> Image.Image:
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


@dataclass(frozen=True)
class File:
    """One rendition file: its name and size, and for a crop the box it shows of the original
    (in the upright original's pixels)."""

    name: str
    width: int
    height: int
    image_format: str  # "webp" or "jpeg"
    box: tuple[int, int, int, int] | None = None


@dataclass
class Plan:
    """Every file a photo's renditions consist of, and the record stored on the photo."""

    width: int
    height: int
    record: dict[str, Any]
    files: list[File] = field(default_factory=list)


def plan_renditions(photo: Any, width: int | None = None, height: int | None = None) -> Plan:
    """The files a photo needs, from its id, hash, upright size and focal point; nothing is
    opened. Large widths first: each smaller one is then resized from the nearest larger."""
    width, height = width or photo.width, height or photo.height
    key = f"{photo.content_hash[:16]}"
    folder = f"renditions/{photo.pk}"
    record: dict[str, Any] = {
        "version": RENDITION_VERSION,
        "widths": settings.PHOTO_RENDITION_WIDTHS,
        "sources": {"webp": [], "jpeg": []},
        "crops": {},
    }
    files = []
    for target in sorted(rendition_widths(width, height), reverse=True):
        target_height = max(1, round(height * target / width))
        for image_format, extension in (("webp", "webp"), ("jpeg", "jpg")):
            name = f"{folder}/{key}-{target}w.{extension}"
            record["sources"][image_format].append([name, target, target_height])
            files.append(File(name, target, target_height, image_format))
    for entries in record["sources"].values():
        entries.sort(key=lambda entry: entry[1])
    focal = f"{round(photo.focal_x * 100)}-{round(photo.focal_y * 100)}"
    for label, ratio in CROP_RATIOS.items():
        box = focal_crop_box(width, height, ratio, photo.focal_x, photo.focal_y)
        crop_width = min(CROP_WIDTH, box[2] - box[0])
        crop_height = max(1, round(crop_width / ratio))
        name = f"{folder}/{key}-{label.replace(':', 'x')}-f{focal}-{crop_width}w.jpg"
        record["crops"][label] = [name, crop_width, crop_height]
        files.append(File(name, crop_width, crop_height, "jpeg", box))
    return Plan(width, height, record, files)


def _maker(upright: Image.Image, plan: Plan) -> Callable[[File], bytes]:
    """make(file): the bytes of one file, from `upright` (possibly decoded smaller than the
    original, never smaller than any file needs)."""
    resize = _resizer(upright)
    scale = upright.width / plan.width

    def make(file: File) -> bytes:
        if file.box is None:
            return _encode(resize(file.width, file.height), file.image_format)
        left, top, right, bottom = (round(edge * scale) for edge in file.box)
        box = (left, top, min(right, upright.width), min(bottom, upright.height))
        crop = upright.crop(box).resize(
            (file.width, file.height), Image.Resampling.LANCZOS, reducing_gap=2.0
        )
        return _encode(crop, file.image_format)

    return make


@dataclass
class Built:
    record: dict[str, Any]
    made: set[str]  # the files written this time


def build_renditions(photo: Any, force: bool = False) -> Built:
    """Make the photo's missing renditions on the default storage (all of them with `force`,
    under the same names). The original is opened only when a file is missing."""
    width, height = photo.width, photo.height
    if not (width and height):
        with photo.image.open("rb") as file:
            width, height = upright_size(open_accepted(file))
    plan = plan_renditions(photo, width, height)
    todo = [file for file in plan.files if force or not default_storage.exists(file.name)]
    if todo:
        needed_width = max(rendition_widths(width, height))
        needed_short_side = min(CROP_WIDTH, width, height)
        with photo.image.open("rb") as file:
            _image, upright = open_upright(file, needed_width, needed_short_side)
        make = _maker(upright, plan)
        for file in todo:
            content = ContentFile(make(file))  # made before the old file goes: the gap is a moment
            if default_storage.exists(file.name):
                default_storage.delete(file.name)
            default_storage.save(file.name, content)
    return Built(plan.record, {file.name for file in todo})


def rendition_names(record: dict[str, Any]) -> set[str]:
    names = {entry[0] for entries in record.get("sources", {}).values() for entry in entries}
    return names | {entry[0] for entry in record.get("crops", {}).values()}


def is_current(record: dict[str, Any]) -> bool:
    """Whether renditions were made the way this version and configuration make them."""
    return (
        record.get("version") == RENDITION_VERSION
        and record.get("widths") == settings.PHOTO_RENDITION_WIDTHS
    )


def exists(name: str) -> bool:
    return default_storage.exists(name)


def delete_renditions(names: Iterable[str]) -> None:
    for name in names:
        default_storage.delete(name)


# --- A photo's renditions and their state ---------------------------------------------------


def rendition_inputs(photo: Any) -> list[Any]:
    """What renditions are made from: the original's name and the focal point (JSON, for a
    task's arguments). Renditions made for other inputs are out of date."""
    return [photo.image.name, photo.focal_x, photo.focal_y]


def is_done(photo: Any) -> bool:
    """Ready, current, for the photo's present inputs, and every file there."""
    if photo.rendition_status != RenditionStatus.READY or not is_current(photo.renditions):
        return False
    if not (photo.width and photo.height and photo.content_hash):
        return False
    planned = plan_renditions(photo).record
    return photo.renditions == planned and all(map(exists, rendition_names(planned)))


def make_renditions(photo: Any, force: bool = False, inputs: list[Any] | None = None) -> str:
    """Make what is missing and store the record on the photo's row; old files go once the
    new record is committed, so a page never points at nothing.

    With `inputs` (a task's), the record is stored only if the row still has those inputs:
    a task for an old file or focal point never overwrites a newer one's work. Returns
    "made", "superseded" or "deleted".
    """
    inputs = rendition_inputs(photo) if inputs is None else inputs
    built = build_renditions(photo, force=force)
    model = type(photo)
    with transaction.atomic():
        current = model._default_manager.select_for_update().filter(pk=photo.pk).first()
        if current is None:
            transaction.on_commit(lambda: delete_renditions(built.made))
            return "deleted"
        if rendition_inputs(current) != inputs:
            keep = rendition_names(current.renditions)
            if current.width and current.height and current.content_hash:
                keep |= rendition_names(plan_renditions(current).record)
            orphans = built.made - keep
            transaction.on_commit(lambda: delete_renditions(orphans))
            return "superseded"
        stale = rendition_names(current.renditions) - rendition_names(built.record)
        current.renditions = built.record
        current.rendition_status = RenditionStatus.READY
        current.rendition_error = ""
        # save(), not update(): whatever shows the photo (the page cache) hears of it.
        current.save(update_fields=["renditions", "rendition_status", "rendition_error"])
        transaction.on_commit(lambda: delete_renditions(stale))
    photo.renditions = built.record
    photo.rendition_status = RenditionStatus.READY
    photo.rendition_error = ""
    return "made"


def record_failure(photo: Any, inputs: list[Any], error: BaseException) -> bool:
    """Mark the photo's renditions as failed for good, with a message for editors, if the
    photo still has `inputs`. Returns whether it did."""
    message = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    with transaction.atomic():
        current = type(photo)._default_manager.select_for_update().filter(pk=photo.pk).first()
        if current is None or rendition_inputs(current) != inputs:
            return False
        current.rendition_status = RenditionStatus.FAILED
        current.rendition_error = message[:ERROR_LENGTH]
        current.save(update_fields=["rendition_status", "rendition_error"])
    photo.rendition_status = current.rendition_status
    photo.rendition_error = current.rendition_error
    return True
