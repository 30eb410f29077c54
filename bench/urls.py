"""The site's URLs plus two reference views for the benchmark, never served by the site itself.

- hello-world: the ceiling for any Django page on this server;
- the floor: the least any uncached article page can cost with Django's ORM and templates:
  one query for one published article and a one-line template with its headline.

Selected only by the benchmark (ROOT_URLCONF=bench.urls).
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines
from django.urls import include, path

from articles.models import Article
from pagecache.middleware import page_cache_exempt

FLOOR_TEMPLATE = engines["django"].from_string(
    "<!DOCTYPE html><title>{{ article.headline }}</title>"
)


@page_cache_exempt
def hello(request):
    return HttpResponse("Hello, world.", content_type="text/plain")


@page_cache_exempt
def floor(request, slug):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    return HttpResponse(FLOOR_TEMPLATE.render({"article": article}, request))


urlpatterns = [
    path("bench/hello/", hello),
    path("bench/floor/<slug:slug>/", floor),
    path("", include("newsroom.urls")),
]
