"""A whole-page cache for anonymous readers that knows no model of ours.

Apps say what their pages show and what retires them, in their own ``AppConfig.ready()``::

    pagecache.tag_pages({"blog:entry"}, lambda kwargs: [f"entry:{kwargs['slug']}"])
    pagecache.invalidate_on_change(Entry, lambda entry: [f"entry:{entry.slug}"])
"""

from pagecache.fills import fill_on_serve
from pagecache.tags import (
    ALL,
    cached_under,
    exempt_pages,
    invalidate,
    invalidate_on_change,
    limit_lifetime,
    limit_lifetime_by_prefix,
    tag_pages,
)

__all__ = [
    "ALL",
    "cached_under",
    "exempt_pages",
    "invalidate",
    "invalidate_on_change",
    "fill_on_serve",
    "limit_lifetime",
    "limit_lifetime_by_prefix",
    "tag_pages",
]
