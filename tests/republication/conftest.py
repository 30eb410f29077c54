"""Fixtures of the republication tests: where the counts are kept."""

import pytest
from django.core.cache import caches


@pytest.fixture
def shared_cache(settings, tmp_path):
    """Caches every process shares, as Redis is in production (folders here): the counts are
    written by a worker, never by the web process."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "shared-cache"),
        },
        "counts": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "shared-counts"),
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        },
    }


@pytest.fixture
def per_process_cache(settings):
    """The caches in each process's memory (locmem, as `make run` has them without REDIS_URL)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "republication-tests",
        },
        "counts": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "republication-tests-counts",
        },
    }
    for each_cache in caches.all():
        each_cache.clear()
