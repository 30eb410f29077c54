"""The site's URLs plus views that must never be cached, for tests/pagecache/test_page_cache.py."""

from django.http import HttpResponse
from django.urls import include, path
from django.utils.csp import LazyNonce
from django.views.decorators.cache import cache_control, never_cache

from articles.models import Article


def _headlines():
    return ", ".join(Article.objects.published().values_list("headline", flat=True))


@never_cache
def preview(request):
    return HttpResponse(f"preview {_headlines()}")


@cache_control(no_store=True)
def pixel(request):
    return HttpResponse(f"pixel {_headlines()}")


def with_nonce(request):
    request._csp_nonce = LazyNonce()
    return HttpResponse(f'<script nonce="{request._csp_nonce}"></script>{_headlines()}')


urlpatterns = [
    path("test/preview/", preview),
    path("test/pixel/", pixel),
    path("test/nonce/", with_nonce),
    path("", include("newsroom.urls")),
]
