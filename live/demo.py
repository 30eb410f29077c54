"""The demo's live story (``manage.py load_demo``): a storm followed as it comes ashore."""

from datetime import timedelta

from articles.models import Article, Author, Byline, ImageCredit, Section
from live.models import LiveCoverage, LiveEntry

SLUG = "storm-ingrid-live-updates"

STORY = {
    "slug": SLUG,
    "headline": "Storm Ingrid comes ashore: live updates",
    "kicker": "Live",
    "dek": "Our reporters follow the storm along the coast as evacuations continue.",
    "body": "<p>Storm Ingrid reached the northern coast on Tuesday afternoon with gusts above "
    "120 km/h. Our reporters in Port Alder and on the Orla estuary are following it; the newest "
    "updates are at the top.</p>",
}

# (minutes after the coverage began, author slug, text, photo key, embed, pinned, key event)
ENTRIES = [
    (
        0,
        "maya-okafor",
        "<p>Evacuation centres are open in Port Alder's two secondary schools. Residents of the "
        "harbour district are asked to leave before 4 pm.</p>",
        None,
        "",
        True,
        False,
    ),
    (
        25,
        "tomas-lindqvist",
        "<p>The Orla bridge is closed to lorries. Cars may still cross at walking pace.</p>",
        "harbour",
        "",
        False,
        False,
    ),
    (
        55,
        "maya-okafor",
        "<p>The weather service has raised its warning to <strong>red</strong> for the whole "
        "coast: “a danger to life from flying debris and high waves.”</p>",
        None,
        "",
        False,
        True,
    ),
    (
        80,
        "daniel-mercer",
        "<p>Bakeries on Mill Street have handed out bread at the evacuation centres all "
        "afternoon.</p>",
        "bakery",
        "",
        False,
        False,
    ),
    (
        110,
        "tomas-lindqvist",
        "<p>The storm's eye passed the estuary a few minutes ago. Power is out in about 4,000 "
        "homes, the grid operator says.</p>",
        None,
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        False,
        True,
    ),
]


def load_demo(now):
    """Add the live story once; a demo that has it already is left alone."""
    if Article.objects.filter(slug=SLUG).exists():
        return
    started = now - timedelta(hours=2)
    article = Article.objects.create(
        **STORY,
        section=Section.objects.get(slug="world"),
        lead_photo=ImageCredit.objects.filter(image__contains="glacier").first(),
        status=Article.Status.PUBLISHED,
        publish_at=started,
    )
    authors = {author.slug: author for author in Author.objects.all()}
    for position, slug in enumerate(["maya-okafor", "tomas-lindqvist"]):
        Byline.objects.create(article=article, author=authors[slug], position=position)
    article.tags.add("Weather", "Storm Ingrid")
    coverage = LiveCoverage.objects.create(article=article, started_at=started)
    for minutes, author, text, photo, embed, pinned, key_event in ENTRIES:
        LiveEntry.objects.create(
            coverage=coverage,
            author=authors[author],
            text=text,
            photo=ImageCredit.objects.filter(image__contains=photo).first() if photo else None,
            embed_url=embed,
            pinned=pinned,
            key_event=key_event,
            status=LiveEntry.Status.PUBLISHED,
            published_at=started + timedelta(minutes=minutes),
        )
