"""The site's URLs plus a hello-world view: the ceiling for any Django page on this server.

Selected only by the benchmark (ROOT_URLCONF=bench.urls); the site itself never serves it.
"""

from django.http import HttpResponse
from django.urls import include, path

from articles.caching import page_cache_exempt


@page_cache_exempt
def hello(request):
    return HttpResponse("Hello, world.", content_type="text/plain")


urlpatterns = [
    path("bench/hello/", hello),
    path("", include("newsroom.urls")),
]
