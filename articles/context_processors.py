from django.conf import settings
from django.utils.functional import SimpleLazyObject

from articles.caching import site_furniture
from articles.models import Publisher


def newsroom(request):
    """The publisher and the section navigation, loaded only by templates that use them."""
    return {
        "publisher": SimpleLazyObject(lambda: Publisher.for_request(request)),
        "nav_sections": SimpleLazyObject(lambda: site_furniture(request)["sections"]),
        "site_url": settings.SITE_URL,
    }
