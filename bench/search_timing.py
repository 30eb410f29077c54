"""Search at scale, timed in one process: `python -m bench.search_timing [--repeat N]`.

For each query (a word every story has, a rare word, a two-word phrase) prints one JSON line:
the median and best time of the search itself (matching, ranking, counting and fetching the
first page's rows) and of the whole uncached search page through Django's test client. Run it
with the environment of the database to measure (bench/run.py does, on its 100,000 stories).
"""

import argparse
import json
import os
import statistics
import time

import django

QUERIES = {
    "word in every story": "harbour",
    "rare word": "lighthouse",
    "two-word phrase": '"safety rules"',
}


def timed(function, repeat):
    function()  # warm-up: connection, plans, templates
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return {"median_ms": statistics.median(times), "best_ms": min(times)}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    django.setup()
    from django.conf import settings
    from django.core.paginator import Paginator
    from django.test import Client
    from django.urls import reverse

    from articles.models import Article
    from articles.search import search_articles

    settings.PAGE_CACHE = False
    settings.SEARCH_RATE_LIMIT = 0
    client = Client()
    for label, query in QUERIES.items():

        def search(query=query):
            results = search_articles(Article.objects.published().as_search_results(), query)
            page = Paginator(results, settings.ARTICLES_PER_PAGE).page(1)
            return page.paginator.count, list(page.object_list)

        def page(query=query):
            response = client.get(reverse("reader:search"), {"q": query})
            assert response.status_code == 200, response.status_code

        matches = search()[0]
        row = {"query": label, "words": query, "matches": matches}
        row["search"] = timed(search, args.repeat)
        row["page"] = timed(page, args.repeat)
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
