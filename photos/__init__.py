"""Photos: upload checks, metadata, private originals and public renditions.

This app imports nothing of the project's: the model that holds photos is named by the
PHOTOS_MODEL setting ("app_label.ModelName", like AUTH_USER_MODEL) and found with
get_photo_model(). That model has the fields photos.renditions describes.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db import models


def get_photo_model() -> "type[models.Model]":
    """The model PHOTOS_MODEL names, e.g. articles.ImageCredit."""
    from django.apps import apps
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        return apps.get_model(settings.PHOTOS_MODEL, require_ready=False)
    except ValueError:
        raise ImproperlyConfigured(
            "PHOTOS_MODEL must be of the form 'app_label.ModelName'."
        ) from None
    except LookupError:
        raise ImproperlyConfigured(
            f"PHOTOS_MODEL refers to {settings.PHOTOS_MODEL!r}, which is not installed."
        ) from None
