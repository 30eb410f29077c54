"""Parts of a page filled in as it is served, so they change without retiring any cached page.

A template writes a placeholder (an HTML comment) where such a part goes; an app registers what
fills it (``fill_on_serve``). Every HTML response passing the page cache, stored or not, has its
placeholders filled just before it leaves, and its ETag names what was filled, so a reader's
conditional request is answered 304 only while the filled parts are unchanged too. A filler runs
on every request, cache hits included: it must be fast and make no database query in the
common case (keep what it shows in the cache, see ``cached_under``).
"""

import hashlib
from collections.abc import Callable

from django.http import HttpResponse
from django.http.response import HttpResponseBase

_fillers: dict[bytes, Callable[[], str]] = {}


def fill_on_serve(placeholder: str, fill: Callable[[], str]) -> None:
    """Every ``placeholder`` in a served HTML page is replaced by ``fill()`` (HTML, or "")."""
    _fillers[placeholder.encode()] = fill


def fill(response: HttpResponseBase) -> list[bytes]:
    """Fill the response's placeholders; returns what filled them (empty if nothing, or only
    nothing, did: an empty part leaves the page as it was stored, less its placeholders)."""
    if (
        not _fillers
        or not isinstance(response, HttpResponse)
        or not response.get("Content-Type", "").startswith("text/html")
    ):
        return []
    content = original = response.content
    filled = []
    for placeholder, filler in _fillers.items():
        if placeholder in content:
            part = filler().encode()
            content = content.replace(placeholder, part)
            if part:
                filled.append(part)
    if content is not original:
        response.content = content
        if "Content-Length" in response:
            response["Content-Length"] = str(len(content))
    return filled


def etag_with(etag: str, filled: list[bytes]) -> str:
    """The ETag of a stored page (of its placeholders), made to name what filled them."""
    if not filled:
        return etag
    digest = hashlib.md5(etag.encode(), usedforsecurity=False)
    for part in filled:
        digest.update(part)
    return f'"{digest.hexdigest()}"'
