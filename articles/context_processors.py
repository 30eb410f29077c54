from django.conf import settings
from django.utils.functional import SimpleLazyObject

from articles.models import Publisher, Section


def newsroom(request):
    """The publisher and the section navigation, loaded only by templates that use them."""
    return {
        "publisher": SimpleLazyObject(lambda: Publisher.for_request(request)),
        "nav_sections": Section.objects.all(),
        "site_url": settings.SITE_URL,
    }
