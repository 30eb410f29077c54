"""Tops the database up to N published articles for the benchmark: `python -m bench.seed 10000`.

Authors, sections, tags and a pool of real photos are shared; each story gets one to three
bylines and three tags. Rows go in with bulk inserts, one transaction per batch, so Ctrl-C leaves
a consistent database and the next run carries on where this one stopped.
"""

import argparse
import io
import os
import random
import sys
from datetime import timedelta

import django

SECTIONS = ["World", "Politics", "Business", "Climate", "Science", "Health", "Culture", "Sport"]
WORDS = [
    "the",
    "minister",
    "said",
    "talks",
    "would",
    "resume",
    "on",
    "tuesday",
    "after",
    "a",
    "week",
    "of",
    "strikes",
    "at",
    "the",
    "harbour",
    "where",
    "cranes",
    "stood",
    "idle",
    "and",
    "ships",
    "waited",
    "offshore",
    "while",
    "unions",
    "and",
    "owners",
    "traded",
    "offers",
    "over",
    "pay",
    "hours",
    "and",
    "safety",
    "rules",
    "that",
    "both",
    "sides",
    "agree",
    "need",
    "changing",
    "before",
    "the",
    "winter",
    "season",
    "begins",
]

# One story in RARE_EVERY also says this: a word few stories have, for the search benchmark.
RARE_WORD = "lighthouse"
RARE_SENTENCE = " A lighthouse keeper joined them."
RARE_EVERY = 1000


def paragraph(rng, words=60):
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return f"<p>{text.capitalize()}.</p>"


def jpeg(seed):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), ((seed * 37) % 256, (seed * 91) % 256, 120)).save(
        buffer, "JPEG", quality=80
    )
    return buffer.getvalue()


def seed(target, batch_size=1000):
    from django.core.files.base import ContentFile
    from django.db import transaction
    from django.utils import timezone
    from taggit.models import Tag, TaggedItem
    from tqdm import tqdm

    from articles.models import Article, Author, Byline, ImageCredit, Publisher, Section

    Publisher.load()
    sections = [
        Section.objects.get_or_create(slug=name.lower(), defaults={"name": name, "order": order})[0]
        for order, name in enumerate(SECTIONS)
    ]
    authors = list(Author.objects.filter(slug__startswith="bench-"))
    if not authors:
        authors = Author.objects.bulk_create(
            Author(
                name=f"Reporter {n}",
                slug=f"bench-reporter-{n}",
                job_title="Staff Writer",
                social_url=f"https://x.com/reporter{n}",
                tips_email=f"reporter{n}@example.org",
            )
            for n in range(200)
        )
    tags = list(Tag.objects.filter(slug__startswith="bench-"))
    if not tags:
        tags = Tag.objects.bulk_create(
            Tag(name=f"Bench topic {n}", slug=f"bench-topic-{n}") for n in range(500)
        )
    photos = list(ImageCredit.objects.filter(reference_id__startswith="BENCH"))
    for n in range(len(photos), 20):
        photo = ImageCredit(
            alt_text=f"Test card {n}",
            caption=f"A test card for the benchmark, number {n}.",
            agency="BENCHPRESS",
            photographer="Tess Card",
            reference_id=f"BENCH{n}",
        )
        photo.image.save(f"bench-{n}.jpg", ContentFile(jpeg(n)))
        photos.append(photo)

    existing = Article.objects.filter(slug__startswith="bench-").count()
    now = timezone.now()
    with tqdm(total=target, initial=existing, unit="article", desc="seeding") as progress:
        for start in range(existing, target, batch_size):
            end = min(start + batch_size, target)
            rng = random.Random(start)
            with transaction.atomic():
                stories = Article.objects.bulk_create(
                    Article(
                        headline=f"Harbour story number {n}: talks resume after strike",
                        slug=f"bench-{n}",
                        kicker="Analysis" if n % 5 == 0 else "",
                        dek="Unions and owners return to the table after a week of strikes."
                        + (RARE_SENTENCE if n % RARE_EVERY == 0 else ""),
                        body="".join(paragraph(rng) for _ in range(6)),
                        dateline="HAMBURG",
                        section=sections[n % len(sections)],
                        lead_photo=photos[n % len(photos)],
                        status=Article.Status.PUBLISHED,
                        publish_at=now - timedelta(minutes=target - n),
                    )
                    for n in range(start, end)
                )
                Byline.objects.bulk_create(
                    Byline(article=story, author=author, position=position)
                    for story in stories
                    for position, author in enumerate(rng.sample(authors, rng.randint(1, 3)))
                )
                TaggedItem.objects.bulk_create(
                    TaggedItem(content_object=story, tag=tag)
                    for story in stories
                    for tag in rng.sample(tags, 3)
                )
            progress.update(end - start)
    # Fresh planner statistics for every table, as after any bulk load: without them PostgreSQL
    # plans the first minutes' queries for empty tables, and takes twice as long to plan a join
    # with a table that was never analysed (one with no rows is never analysed by autovacuum).
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("articles", type=int, nargs="?", default=10_000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    django.setup()
    try:
        seed(args.articles)
    except KeyboardInterrupt:
        print("\nInterrupted: the batches done so far are kept; run again to carry on.")
        sys.exit(130)


if __name__ == "__main__":
    main()
