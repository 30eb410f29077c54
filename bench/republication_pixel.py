"""How fast the counting pixel answers, in process (no network), and that it queries nothing.

Run: DEBUG=true .venv/bin/python bench/republication_pixel.py [hits]
Uses the configured cache (locmem unless configured otherwise); writes nothing to the database.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("REPUBLICATION_FLUSH_SECONDS", "86400")  # measure the hit, not a flush

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402


def main(hits):
    # A browser's User-Agent: hits without one are not counted, and would measure nothing.
    client = Client(
        HTTP_HOST="127.0.0.1",
        HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    )
    path = reverse("republication:republication-pixel", args=[1])
    pages = [f"https://partner{n % 50}.example/story-{n % 500}/" for n in range(hits)]
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        for number, page in enumerate(pages):
            response = client.get(
                path, HTTP_REFERER=page, REMOTE_ADDR=f"10.0.{number % 250}.{number % 200}"
            )
            assert response.status_code == 200, response.status_code
        elapsed = time.perf_counter() - started
    print(f"{hits} pixel hits in {elapsed:.2f} s: {elapsed / hits * 1e6:.0f} µs a hit,")
    print(f"{hits / elapsed:.0f} hits/s in one process; database queries: {len(queries)}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
