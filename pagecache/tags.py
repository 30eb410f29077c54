"""What each cached page shows, as tags, and retiring every page that shows a tag.

The page cache knows no model. Each page carries the tag ``ALL`` and whatever the app that owns
its URL registered for it (``tag_pages``); every tag has a *generation* token in the cache, and a
page is served only while the tokens it was rendered under are current. Apps retire pages by
replacing tokens (``invalidate``), usually from model signals they connect in their own
``AppConfig.ready()`` (``invalidate_on_change``).
"""

import logging
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)

# Every cached page carries this tag: invalidating it retires them all.
ALL = "site"

TagsForPage = Callable[[Mapping[str, Any]], Iterable[str]]

_page_tags: dict[str | None, TagsForPage] = {}
_lifetime_limits: dict[str, Callable[[], float | None]] = {}


def tag_pages(view_names: Iterable[str] | None, tags: TagsForPage) -> None:
    """Pages of these URL names (every other page, for None) show ``tags(url_kwargs)``.

    Decided from the URL alone, so the cache is consulted before any database query.
    """
    if view_names is None:
        _page_tags[None] = tags
    else:
        for name in view_names:
            _page_tags[name] = tags


def limit_lifetime(tag: str, until: Callable[[], float | None]) -> None:
    """Pages with ``tag`` are kept no later than ``until()`` (a timestamp, or None for no limit).

    ``until`` is asked once per generation of the tag, not once per page.
    """
    _lifetime_limits[tag] = until


_lifetime_prefix_limits: dict[str, Callable[[str], float | None]] = {}


def limit_lifetime_by_prefix(prefix: str, until: Callable[[str], float | None]) -> None:
    """As ``limit_lifetime``, for every tag starting with ``prefix``: ``until(rest of the tag)``."""
    _lifetime_prefix_limits[prefix] = until


def _lifetime_rule(tag: str) -> Callable[[], float | None] | None:
    until = _lifetime_limits.get(tag)
    if until is not None:
        return until
    for prefix, by_rest in _lifetime_prefix_limits.items():
        if tag.startswith(prefix):
            rest = tag.removeprefix(prefix)
            return lambda: by_rest(rest)
    return None


def tags_for(view_name: str, kwargs: Mapping[str, Any]) -> tuple[str, ...]:
    tags = _page_tags.get(view_name) or _page_tags.get(None)
    found = tuple(tags(kwargs)) if tags else ()
    return (ALL, *(tag for tag in found if tag != ALL))


def cache() -> BaseCache:
    # With pagecache's Redis backend, each worker also keeps the entries it reads (every key here
    # starts with backends.PAGE_KEYS) in its own memory, kept exact by Redis.
    return caches[settings.PAGE_CACHE_ALIAS]


def generation_key(tag: str) -> str:
    return f"page-generation:{tag}"


_last_warning = 0.0


def warn_unreachable(error: Exception) -> None:
    """The cache is an optimisation: log its failure (once a minute) and carry on without it."""
    global _last_warning
    if time.monotonic() - _last_warning > 60:
        _last_warning = time.monotonic()
        logger.warning("Page cache unavailable, serving from the database: %s", error)


def _replace_generations(tags: Iterable[str]) -> None:
    try:
        cache().set_many({generation_key(tag): secrets.token_hex(8) for tag in tags}, None)
    except Exception as error:  # noqa: BLE001 - an unreachable cache must not fail a save
        warn_unreachable(error)


def invalidate(*tags: str) -> None:
    """Retire every cached page that shows any of these tags.

    Done now and again once the transaction commits, so a reader who renders the page between the
    two cannot store the old version under the new generation.
    """
    unique = set(tags)
    if not unique:
        return
    _replace_generations(unique)
    transaction.on_commit(lambda: _replace_generations(unique))


def invalidate_on_change(
    model: type[models.Model], tags: Callable[[Any], Iterable[str]] | None = None
) -> None:
    """Saving or deleting a ``model`` row retires the pages showing ``tags(row)`` (or all)."""

    def refresh(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
        invalidate(*(tags(instance) if tags else [ALL]))

    uid = f"page-cache:{model._meta.label}"
    post_save.connect(refresh, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(refresh, sender=model, weak=False, dispatch_uid=uid)


def current_generations(tags: Iterable[str]) -> list[str | None]:
    """The tags' generation tokens, starting afresh any the cache has lost."""
    keys = [generation_key(tag) for tag in tags]
    found = cache().get_many(keys)
    missing = [key for key in keys if not found.get(key)]
    for key in missing:
        # A generation the cache lost (evicted, flushed) starts afresh, never from a value an
        # old page could still carry.
        cache().add(key, secrets.token_hex(8), None)
    if missing:
        found = cache().get_many(keys)
    return [found.get(key) for key in keys]


def cached_under(key: str, tag: str, build: Callable[[], Any]) -> Any:
    """``build()``, kept in the cache while ``tag``'s generation stands (and at most
    PAGE_CACHE_SECONDS): for what every page shows, such as the site's navigation."""
    full_key = f"page-value:{key}"
    generation = None
    try:
        found = cache().get_many([full_key, generation_key(tag)])
        generation = found.get(generation_key(tag))
        entry = found.get(full_key)
        if entry is not None and generation and entry["generation"] == generation:
            return entry["value"]
        if not generation:
            generation = current_generations([tag])[0]
    except Exception as error:  # noqa: BLE001 - the site outlives its cache
        warn_unreachable(error)
    value = build()
    if generation:
        try:
            cache().set(
                full_key, {"value": value, "generation": generation}, settings.PAGE_CACHE_SECONDS
            )
        except Exception as error:  # noqa: BLE001
            warn_unreachable(error)
    return value


def lifetime_limit(tags: Iterable[str], generations: list[str | None]) -> float | None:
    """The earliest time any limit registered for these tags allows (a timestamp), or None."""
    limits = []
    for tag, generation in zip(tags, generations, strict=True):
        until = _lifetime_rule(tag)
        if until is None:
            continue
        key = f"page-lifetime:{tag}:{generation}"
        now = time.time()
        cached = cache().get(key)
        if cached is None or (cached != 0 and cached <= now):
            cached = until() or 0
            cache().set(key, cached, settings.PAGE_CACHE_SECONDS)
        if cached:
            limits.append(cached)
    return min(limits) if limits else None


_exempt_pages: set[str] = set()


def exempt_pages(view_names: Iterable[str]) -> None:
    """Pages of these URL names are never served from nor stored in the cache."""
    _exempt_pages.update(view_names)


def is_exempt(view_name: str) -> bool:
    return view_name in _exempt_pages
