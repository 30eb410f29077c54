from django.conf import settings
from django.utils.functional import SimpleLazyObject

from reader.furniture import site_furniture


def newsroom(request):
    """The publisher and the section navigation, loaded only by templates that use them."""
    return {
        "publisher": SimpleLazyObject(lambda: site_furniture(request)["publisher"]),
        "nav_sections": SimpleLazyObject(lambda: site_furniture(request)["sections"]),
        "site_url": settings.SITE_URL,
    }
