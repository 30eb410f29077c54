from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()

FALLBACK_WIDTH = 800  # the JPEG an old browser without srcset gets


def _srcset(sources: Iterable[tuple[str, int, int]]) -> str:
    return ", ".join(f"{url} {width}w" for url, width, _height in sources)


@register.simple_tag
def responsive_image(
    photo: Any,
    sizes: str = "100vw",
    loading: str = "lazy",
    alt: str | None = None,
    css_class: str = "",
    priority: str = "",
) -> str:
    """A <picture> of the photo's renditions: WebP with a JPEG fallback, sized for the layout.

    `sizes` tells the browser how wide the image is shown; `loading` is "lazy" below the fold and
    "eager" for the first image a reader sees (with `priority="high"`). `alt` defaults to the
    photo's alt text; pass alt="" for a decorative copy. Reads only the photo's row: nothing is
    resized while a page is served.
    """
    if photo is None:
        return ""
    jpegs = photo.sources("jpeg")
    if not jpegs:
        return ""
    fallback = min(jpegs, key=lambda source: abs(source[1] - FALLBACK_WIDTH))
    _url, width, height = jpegs[-1]
    optional = format_html_join(
        "",
        ' {}="{}"',
        [
            (name, value)
            for name, value in (("class", css_class), ("fetchpriority", priority))
            if value
        ],
    )
    webp = photo.sources("webp")
    source = (
        format_html('<source type="image/webp" srcset="{}" sizes="{}">', _srcset(webp), sizes)
        if webp
        else ""
    )
    return format_html(
        '<picture>{}<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" '
        'loading="{}" decoding="async"{}></picture>',
        source,
        fallback[0],
        _srcset(jpegs),
        sizes,
        width,
        height,
        photo.alt_text if alt is None else alt,
        loading,
        optional,
    )
