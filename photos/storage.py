"""Where photos' files live: originals privately on disk, outside MEDIA_ROOT, with no URL at
all; renditions in the media storage, with public addresses."""

import functools
import os
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property


@deconstructible
class PrivateOriginalsStorage(FileSystemStorage):
    """Originals on disk under PHOTO_ORIGINALS_ROOT, outside MEDIA_ROOT, with no URL at all."""

    @cached_property
    def base_location(self) -> str | os.PathLike[str]:
        location = self._location  # type: ignore[attr-defined]  # FileSystemStorage's own
        base: str | os.PathLike[str] = self._value_or_setting(
            location, settings.PHOTO_ORIGINALS_ROOT
        )
        return base

    # None, which Django's FileSystemStorage.url() handles; the stub allows only a str.
    @cached_property
    def base_url(self) -> None:  # type: ignore[override]
        return None

    def url(self, name: str | None) -> str:
        raise ValueError("Photo originals are private; use a rendition's URL.")

    def _clear_cached_properties(self, setting: str, **kwargs: Any) -> None:
        # Django sends every setting's name; the stub lists only those it acts on.
        super()._clear_cached_properties(setting, **kwargs)  # type: ignore[arg-type]
        if setting == "PHOTO_ORIGINALS_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


originals = PrivateOriginalsStorage()


def originals_storage() -> PrivateOriginalsStorage:
    """The storage of originals, for a model field's ``storage=`` (a callable, so migrations
    do not record a path on disk)."""
    return originals


def rendition_url(name: str) -> str:
    """The public address of a rendition file in the media storage.

    A name's address never changes on a storage whose addresses do not expire (the disk, object
    storage without signed URLs), so it is worked out once per process: a front page shows
    about 240 addresses, and Django's url() quotes and joins each one every time.
    """
    storage = storages["default"]
    if getattr(storage, "querystring_auth", False):  # signed addresses expire
        return storage.url(name)
    return _lasting_url(storage, getattr(storage, "base_url", None), name)


@functools.lru_cache(maxsize=16384)
def _lasting_url(storage: Storage, base_url: str | None, name: str) -> str:
    # base_url is in the key: the disk storage's follows MEDIA_URL when a test changes it.
    return storage.url(name)
