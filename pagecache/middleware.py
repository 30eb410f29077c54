"""Whole pages for anonymous readers, served before any database query and never stale.

A page is stored with the generations of the tags it shows (pagecache/tags.py) and served only
while they are all current. Requests from someone in particular (a session or messages cookie)
bypass the cache, and views may opt out with ``@page_cache_exempt``.
"""

import contextlib
import functools
import hashlib
import math
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

from pagecache.fills import etag_with, fill
from pagecache.tags import (
    cache,
    current_generations,
    generation_key,
    is_exempt,
    lifetime_limit,
    tags_for,
    warn_unreachable,
)

# Never cached: the desk, and anything a view marks with @page_cache_exempt.
EXEMPT_NAMESPACES = {"admin"}
# Cookies that mean the reader is, or may be, someone in particular.
PERSONAL_COOKIES = {"messages"}
UNCACHEABLE_DIRECTIVES = {"private", "no-cache", "no-store"}

Tags = tuple[str, ...]
Generations = list[str | None]
# A stored page: content, status, headers, etag, last_modified, expires, generations.
Entry = dict[str, Any]


def page_cache_exempt[View: Callable[..., Any]](view: View) -> View:
    """Marks a view whose responses the page cache must neither serve nor store."""
    view.page_cache_exempt = True  # type: ignore[attr-defined]
    return view


class PageCacheMiddleware:
    """Serves anonymous readers whole pages from the cache, before any database query.

    Requests carrying a session or messages cookie (staff, someone just logged out) bypass it, and
    their responses are marked private. A response is stored only if it is a plain 200 to an
    anonymous GET that sets no cookie, uses no CSP nonce and was not marked private, no-cache or
    no-store by its view (previews, the counting pixel). Every public response gets an ETag and
    Last-Modified (conditional GETs answer 304) and a Cache-Control for a CDN in front (the view's
    own, if it set one: a live story's poll asks for a few seconds).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.personal_cookies = PERSONAL_COOKIES | {settings.SESSION_COOKIE_NAME}

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method not in ("GET", "HEAD"):
            return _filled(self.get_response(request))
        if self.personal_cookies & request.COOKIES.keys():
            return self._private(_filled(self.get_response(request)))
        urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
        tags = _tags_for_path(urlconf, request.path_info)
        if tags is None:
            return _filled(self.get_response(request))
        if not settings.PAGE_CACHE:
            return self._render(request, None, tags, None)
        key = "page:" + hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
        entry, generations = self._lookup(key, tags)
        if entry is not None:
            return self._from_entry(request, entry)
        if generations is None:  # the cache is unreachable: no copy to wait for
            return self._render(request, key, tags, None)
        # A busy page that has just changed would otherwise be rendered by every request that
        # arrives before the first copy is stored: here one renders it, the rest wait for it.
        with _render_lock(key):
            entry, generations = self._lookup(key, tags)  # stored while we waited?
            if entry is not None:
                return self._from_entry(request, entry)
            return self._render(request, key, tags, generations)

    def _render(
        self,
        request: HttpRequest,
        key: str | None,
        tags: Tags,
        generations: Generations | None,
    ) -> HttpResponseBase:
        response = self.get_response(request)
        # A streaming response (not an HttpResponse) has no content to keep.
        if not isinstance(response, HttpResponse) or not self._storable(request, response):
            return _filled(response)
        if key is None or generations is None:  # caching off, or the cache is unreachable
            return self._public(request, _filled(response), settings.PAGE_CACHE_SECONDS)
        return self._store(request, response, key, tags, generations)

    def _lookup(self, key: str, tags: Tags) -> tuple[Entry | None, Generations | None]:
        """The stored page if still current, and the generations a fresh copy is stored under."""
        try:
            generation_keys = [generation_key(tag) for tag in tags]
            found = cache().get_many([key, *generation_keys])
            generations = [found.get(gk) for gk in generation_keys]
            entry = found.get(key)
            if (
                entry is not None
                and entry["generations"] == generations
                and entry["expires"] > time.time()
            ):
                return entry, generations
            if not all(generations):
                generations = current_generations(tags)
            return None, generations
        except Exception as error:  # noqa: BLE001 - the site outlives its cache
            warn_unreachable(error)
            return None, None

    def _storable(self, request: HttpRequest, response: HttpResponse) -> bool:
        if request.method != "GET" or response.status_code != 200:
            return False
        if response.cookies or getattr(request, "_csp_nonce", None):
            return False
        directives = {
            part.split("=")[0].strip().lower()
            for part in response.get("Cache-Control", "").split(",")
        }
        if directives & UNCACHEABLE_DIRECTIVES:
            return False
        user = getattr(request, "user", None)
        return not (user is not None and user.is_authenticated)

    def _store(
        self,
        request: HttpRequest,
        response: HttpResponse,
        key: str,
        tags: Tags,
        generations: Generations,
    ) -> HttpResponseBase:
        now = time.time()
        lifetime = settings.PAGE_CACHE_SECONDS
        try:
            until = lifetime_limit(tags, generations)
            if until:
                lifetime = min(lifetime, math.floor(until - now))
            if lifetime <= 0:
                return _filled(response)
            entry = {
                "content": response.content,
                "status": response.status_code,
                "headers": [
                    (name, value)
                    for name, value in response.items()
                    if name.lower() not in {"date", "cache-control", "etag", "last-modified"}
                ],
                "etag": f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"',
                "last_modified": http_date(now),
                "expires": now + lifetime,
                "generations": generations,
                # A view's own lifetimes for browsers and CDNs (a poll's few seconds) are kept.
                "cache_control": response.get("Cache-Control"),
            }
            cache().set(key, entry, lifetime)
        except Exception as error:  # noqa: BLE001 - the site outlives its cache
            warn_unreachable(error)
            return self._public(request, _filled(response), lifetime)
        return self._from_entry(request, entry, response)

    def _from_entry(
        self, request: HttpRequest, entry: Entry, response: HttpResponseBase | None = None
    ) -> HttpResponseBase:
        if response is None:
            response = HttpResponse(entry["content"], status=entry["status"])
            for name, value in entry["headers"]:
                response[name] = value
            if entry.get("cache_control"):
                response["Cache-Control"] = entry["cache_control"]
        # The stored page has its placeholders; what fills them is current, served now.
        filled = fill(response)
        response["ETag"] = etag_with(entry["etag"], filled)
        if not filled:
            # Filled parts change apart from the page: only the ETag can say a copy is current.
            response["Last-Modified"] = entry["last_modified"]
        remaining = max(0, math.floor(entry["expires"] - time.time()))
        return self._public(request, response, remaining)

    def _public(
        self, request: HttpRequest, response: HttpResponseBase, lifetime: int
    ) -> HttpResponseBase:
        """Cache-Control for browsers and a CDN, and a 304 if the reader's copy is current."""
        if response.status_code != 200:
            return response
        if "Cache-Control" not in response:
            response["Cache-Control"] = (
                f"public, max-age={min(settings.PAGE_CACHE_BROWSER_SECONDS, lifetime)}, "
                f"s-maxage={min(settings.PAGE_CACHE_CDN_SECONDS, lifetime)}, "
                f"stale-while-revalidate={settings.PAGE_CACHE_STALE_SECONDS}"
            )
        if "ETag" not in response and isinstance(response, HttpResponse):
            response["ETag"] = (
                f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"'
            )
        conditional = request.META.keys() & {"HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE"}
        if not conditional or not isinstance(response, HttpResponse):
            return response
        conditional_response = get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=_parse_date(response.get("Last-Modified")),
            response=response,
        )
        return conditional_response or response

    def _private(self, response: HttpResponseBase) -> HttpResponseBase:
        if "Cache-Control" not in response:
            patch_cache_control(response, private=True, no_cache=True)
        return response


def _filled[Response: HttpResponseBase](response: Response) -> Response:
    fill(response)
    return response


# How long a request waits for another one in this process to render the same page; after that
# it renders the page itself.
RENDER_WAIT_SECONDS = 5
_render_locks: weakref.WeakValueDictionary[str, threading.Lock] = (
    weakref.WeakValueDictionary()
)  # a lock lives while requests hold it
_render_locks_guard = threading.Lock()


@contextlib.contextmanager
def _render_lock(key: str) -> Iterator[None]:
    """This process's lock for rendering one page, or nothing after RENDER_WAIT_SECONDS."""
    with _render_locks_guard:
        lock = _render_locks.get(key)
        if lock is None:
            lock = _render_locks[key] = threading.Lock()
    acquired = lock.acquire(timeout=RENDER_WAIT_SECONDS)
    try:
        yield
    finally:
        if acquired:
            lock.release()


@functools.lru_cache(maxsize=4096)
def _tags_for_path(urlconf: str, path: str) -> Tags | None:
    """tags_for() a path, or None if it is never cached (remembered: URLs are fixed)."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    if (
        match.namespace in EXEMPT_NAMESPACES
        or getattr(match.func, "page_cache_exempt", False)
        or is_exempt(match.view_name)
    ):
        return None
    return tags_for(match.view_name, match.kwargs)


def _parse_date(value: str | None) -> int | None:
    return parse_http_date_safe(value) if value else None
