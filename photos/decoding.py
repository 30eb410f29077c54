"""Opening photos: only the decoders of the formats we accept, upright, and no bigger than needed.

Every other module decodes through here, so no other image parser ever sees an uploaded byte.
"""

import math
import warnings
from typing import IO, Any

from PIL import Image, ImageOps

ACCEPTED_FORMATS = {
    # Pillow's format name: (label for editors, file extensions that may carry it)
    "JPEG": ("JPEG", {".jpg", ".jpeg", ".jpe", ".jfif"}),
    "PNG": ("PNG", {".png"}),
    "WEBP": ("WebP", {".webp"}),
    "GIF": ("GIF", {".gif"}),
}
ORIENTATION_TAG = 0x0112
# Pillow's JPEG decoder names a JPEG followed by more pictures (MPO, what many phones write)
# after them; its first picture is the photo, and it is a JPEG to us.
SAME_FORMAT = {"MPO": "JPEG"}


def format_of(image: Image.Image) -> str:
    """The accepted format (a key of ACCEPTED_FORMATS) an opened image is in."""
    return SAME_FORMAT.get(str(image.format), str(image.format))


def open_accepted(file: IO[bytes]) -> Image.Image:
    """Open with the decoders of the accepted formats only: no other parser sees the bytes."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        return Image.open(file, formats=list(ACCEPTED_FORMATS))


def upright_size(image: Image.Image) -> tuple[int, int]:
    """Width and height once turned by the EXIF orientation, read from the header alone."""
    orientation = image.getexif().get(ORIENTATION_TAG, 1)
    width, height = image.size
    return (height, width) if orientation in {5, 6, 7, 8} else (width, height)


def decode_smaller(image: Image.Image, width: int, short_side: int) -> None:
    """Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the result still has `width` (upright)
    and `short_side` pixels: several times faster on a 24-megapixel wire photo."""
    if format_of(image) != "JPEG":
        return
    upright_width, _height = upright_size(image)
    short = min(image.size)
    for scale in (8, 4, 2):
        if upright_width / scale >= width and short / scale >= short_side:
            image.draft(None, (math.ceil(image.width / scale), math.ceil(image.height / scale)))
            return


def open_upright(
    file: IO[bytes], width: int | None = None, short_side: int | None = None
) -> tuple[Image.Image, Image.Image]:
    """The decoded first frame, and the same turned by its EXIF orientation; optionally decoded
    smaller, as long as it keeps at least `width` and `short_side` pixels."""
    file.seek(0)
    image = open_accepted(file)
    if width:
        decode_smaller(image, width, short_side or 1)
    image.load()
    return image, ImageOps.exif_transpose(image)


def save_options(image: Image.Image) -> dict[str, Any]:
    """What Image.save() keeps of a clean image's info: its colour profile, if any."""
    icc_profile = image.info.get("icc_profile")
    return {"icc_profile": icc_profile} if icc_profile else {}


def clean_pixels(image: Image.Image, keep_alpha: bool) -> Image.Image:
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
