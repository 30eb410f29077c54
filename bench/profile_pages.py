"""Function calls and CPU time per uncached page, in process: `python -m bench.profile_pages`.

Run it with the environment of a seeded database (bench/seed.py, or the peer harness's seed of
1,000 stories) and the page cache off. For each page (an article in the middle of the seed, the
front page, that article's section, first tag and first author, the site's and the section's RSS,
a search) it requests the page once to warm up, then counts Python function calls per request
under cProfile over --n requests (a figure the machine's other work does not move), and times
--passes passes of --n requests without the profiler (process CPU time; the best pass is given).
Prints a Markdown table, the article page's cost as the unit; progress goes to stderr, and
Ctrl-C prints the table of the pages measured so far.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time

import django


def page_paths():
    """(name, path) of each page measured, all taken from the seeded stories."""
    from django.urls import reverse

    from articles.models import Article

    published = Article.objects.published().order_by("-publish_at")
    article = published[published.count() // 2]
    tag = article.tags.order_by("slug").first()
    author = article.bylines.order_by("position").first().author
    return [
        ("article", article.get_absolute_url()),
        ("front", reverse("reader:front-page")),
        ("section", article.section.get_absolute_url()),
        ("tag", reverse("reader:tag", args=[tag.slug])),
        ("author", author.get_absolute_url()),
        ("RSS feed", reverse("reader:feed-rss")),
        ("section RSS", reverse("reader:section-rss", args=[article.section.slug])),
        ("search (`harbour`)", reverse("reader:search") + "?q=harbour"),
    ]


def measure(client, path, n, passes):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        client.get(path)
    profiler.disable()
    calls = pstats.Stats(profiler).total_calls / n
    best = None
    for _ in range(passes):
        start = time.process_time()
        for _ in range(n):
            client.get(path)
        elapsed = (time.process_time() - start) * 1000 / n
        best = elapsed if best is None else min(best, elapsed)
    return calls, best


def table(rows):
    unit = rows[0][2] if rows and rows[0][0] == "article" else None
    lines = ["| page | calls per request | CPU ms (best) | × article |", "|---|---:|---:|---:|"]
    for name, calls, ms in rows:
        ratio = f"{ms / unit:.1f}" if unit else "–"
        lines.append(f"| {name} | {calls:,.0f} | {ms:.2f} | {ratio} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=30, help="requests per pass")
    parser.add_argument("--passes", type=int, default=5, help="timed passes per page")
    parser.add_argument("--only", default="", help="comma-separated page names to measure")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    django.setup()
    from django.conf import settings
    from django.test import Client

    settings.PAGE_CACHE = False
    settings.SEARCH_RATE_LIMIT = 0
    client = Client()
    pages = page_paths()
    if args.only:
        wanted = set(args.only.split(","))
        pages = [page for page in pages if page[0] in wanted]
    rows = []
    try:
        for number, (name, path) in enumerate(pages, start=1):
            print(f"[{number}/{len(pages)}] {name}: {path}", file=sys.stderr, flush=True)
            calls, ms = measure(client, path, args.n, args.passes)
            rows.append((name, calls, ms))
    except KeyboardInterrupt:
        print("interrupted: the pages measured so far", file=sys.stderr)
    print(table(rows))


if __name__ == "__main__":
    main()
