"""What the reader's pages show, told to the page cache, and what retires them.

- ``ALL`` (the page cache's own tag, on every page): the publisher's settings and the sections;
- ``article:<slug>``: an article's page, its partner copy and, for a live story, its poll;
- ``listings``: every other public page (front, section, tag, author, series, search, feeds,
  sitemaps);
- ``curated:<page>``: the front page (``curated:/``) and each section's page, whose tops editors
  arrange (curation/): retired when their arrangements change, kept no later than the next
  scheduled arrangement or slot expiry.

An article page also shows the stories it links to (picked as related, or its series' other
parts): their changes retire it too. The stories it finds automatically (its section's or tags'
newest) are not tracked one by one; a withdrawn story alone retires every page that could list
it, so it disappears at once.

Pages that list articles are never kept past the next scheduled ``publish_at``.
"""

import hashlib

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone
from taggit.models import Tag

import pagecache
from articles.models import (
    Article,
    Author,
    Byline,
    Correction,
    ImageCredit,
    Publisher,
    RelatedStory,
    Section,
    Series,
    SeriesPart,
)
from curation.models import Arrangement, Slot, next_change
from live.models import LiveCoverage, LiveEntry

LISTINGS = "listings"
# URL names whose page shows one article, found by the "slug" in its URL.
ARTICLE_PAGES = {
    "reader:article-detail",
    "republication:article-republish",
    "republication:article-republish-panel",
    "republication:article-ninjs",
    "reader:article-live",
}


def article_tag(slug):
    # Hashed: a slug taken from a URL may be any length or script, a cache key may not.
    return f"article:{hashlib.sha256(slug.encode()).hexdigest()[:32]}"


def article_page_tags(articles):
    """The tags of the pages these articles show on, if any of them is (or will be) public.

    Drafts, stories in review and withdrawn ones show nowhere, so changing them costs nothing.
    """
    slugs = {article.slug for article in articles if article.status == Article.Status.PUBLISHED}
    if not slugs:
        return []
    return [LISTINGS, *(article_tag(slug) for slug in slugs)]


CURATED = "curated:"
FRONT_PAGE = "/"


def curated_tag(section_slug=None):
    """The tag of the front page (no slug) or of a section's page, whose tops editors arrange."""
    if section_slug is None:
        return CURATED + FRONT_PAGE
    if len(section_slug) > 100:  # no section has such a slug: the page is a 404, never kept
        return CURATED + hashlib.sha256(section_slug.encode()).hexdigest()
    return CURATED + section_slug


def next_curation_change(page):
    """When the top of the page named by a curated tag next changes by itself, or None."""
    if page == FRONT_PAGE:
        return next_change(None)
    return next_change(section_slug=page)


def _arrangement_pages(arrangement):
    if arrangement.section_id is None:
        return [curated_tag()]
    section = Section.objects.filter(pk=arrangement.section_id).first()
    return [curated_tag(section.slug)] if section is not None else []


def _slot_pages(slot):
    # Read afresh: in a cascade the arrangement may be going too (its page then retires with it).
    arrangement = Arrangement.objects.filter(pk=slot.arrangement_id).first()
    return _arrangement_pages(arrangement) if arrangement is not None else []


def invalidate_articles(articles):
    """Retire the pages of these articles and every listing (for changes made without signals)."""
    pagecache.invalidate(*article_page_tags(articles))


def next_scheduled_publication():
    """When the next scheduled story goes out (a timestamp), or None."""
    upcoming = (
        Article.objects.filter(status=Article.Status.PUBLISHED, publish_at__gt=timezone.now())
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )
    return upcoming.timestamp() if upcoming else None


def _remember_public_state(sender, instance, raw=False, **kwargs):
    """Before an article is saved, note how the public saw it: its old address and status."""
    instance._public_before = None
    if instance.pk and not raw:
        instance._public_before = (
            sender.objects.filter(pk=instance.pk).values_list("slug", "status").first()
        )


def _article_changed(sender, instance, **kwargs):
    changed = [instance]
    before = getattr(instance, "_public_before", None)
    if before:
        # A withdrawal, or a story's new slug, must also retire what was shown before.
        changed.append(Article(slug=before[0], status=before[1]))
    if article_page_tags(changed):
        changed.extend(_articles_linking_to(instance, left_public=_left_public(instance, before)))
    invalidate_articles(changed)


def _left_public(instance, before):
    """Whether a story the public could see has just gone, or moved to another address."""
    if not before or before[1] != Article.Status.PUBLISHED:
        return False
    return instance.status != Article.Status.PUBLISHED or instance.slug != before[0]


def _articles_linking_to(article, left_public=False):
    """The stories whose pages show a link to ``article``: those that picked it as related and
    its series' other parts; once it has left the public (or its address), also those that may
    have listed it automatically (its section's and tags' stories)."""
    if article.pk is None:
        return []
    links = Q(related_links__related_id=article.pk) | Q(
        series_part__series__parts__article_id=article.pk
    )
    if left_public:
        if article.section_id:
            links |= Q(section_id=article.section_id)
        links |= Q(tags__in=article.tags.all())
    published = Article.objects.filter(links, status=Article.Status.PUBLISHED)
    return list(published.exclude(pk=article.pk).only("slug", "status").order_by().distinct())


def _tags_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if isinstance(instance, Article):
        invalidate_articles([instance])
    else:
        invalidate_articles(Article.objects.filter(tags=instance).only("slug", "status"))


def _articles_of(field, attribute=None):
    def tags(row):
        value = getattr(row, attribute) if attribute else row
        return article_page_tags(Article.objects.filter(**{field: value}).only("slug", "status"))

    return tags


def _articles_showing(photo):
    """The stories showing the photo, as their lead photo or inside the body."""
    articles = Article.objects.filter(
        Q(lead_photo=photo) | Q(inline_photos=photo) | Q(live__entries__photo=photo)
    ).distinct()
    return article_page_tags(articles.only("slug", "status"))


def _series_part_pages(part):
    """A part added, moved or taken out: its own page, its series' other parts and page."""
    articles = Article.objects.filter(
        Q(pk=part.article_id) | Q(series_part__series_id=part.series_id)
    )
    return article_page_tags(articles.only("slug", "status"))


def _series_pages(series):
    """The series renamed or described anew: its page (a listing) and its parts' pages."""
    articles = Article.objects.filter(series_part__series=series).only("slug", "status")
    return [LISTINGS, *article_page_tags(articles)]


def register():
    """Tell the page cache what each page shows and connect what retires it."""
    pagecache.tag_pages(ARTICLE_PAGES, lambda kwargs: [article_tag(kwargs["slug"])])
    pagecache.tag_pages(None, lambda kwargs: [LISTINGS])
    pagecache.tag_pages({"reader:front-page"}, lambda kwargs: [LISTINGS, curated_tag()])
    pagecache.tag_pages({"reader:section"}, lambda kwargs: [LISTINGS, curated_tag(kwargs["slug"])])
    pagecache.limit_lifetime(LISTINGS, next_scheduled_publication)
    pagecache.limit_lifetime_by_prefix(CURATED, next_curation_change)
    # Every view of it must reach the counter (it is never-cache anyway: no lookup either).
    pagecache.exempt_pages({"republication:republication-pixel"})
    # Staff only and never-cache: nothing to look up.
    pagecache.exempt_pages({"reader:arrangement-preview"})
    # Answers that depend on the partner's key (cached by the API itself) and a form.
    pagecache.exempt_pages(
        {
            "republication:api-stories",
            "republication:api-story",
            "republication:api-story-corrections",
            "republication:api-withdrawn",
            "republication:partner-register",
        }
    )

    pre_save.connect(_remember_public_state, sender=Article, dispatch_uid="page-cache:pre")
    post_save.connect(_article_changed, sender=Article, dispatch_uid="page-cache:article")
    post_delete.connect(_article_changed, sender=Article, dispatch_uid="page-cache:article")
    m2m_changed.connect(_tags_changed, sender=Article.tags.through, dispatch_uid="page-cache:tags")
    # By id: once a byline is deleted, no article is found "through" it any more.
    pagecache.invalidate_on_change(Byline, _articles_of(field="pk", attribute="article_id"))
    pagecache.invalidate_on_change(ImageCredit, _articles_showing)
    pagecache.invalidate_on_change(Author, _articles_of(field="authors"))
    pagecache.invalidate_on_change(Tag, _articles_of(field="tags"))
    pagecache.invalidate_on_change(
        Correction, lambda correction: article_page_tags([correction.article])
    )
    # A live story's page, its poll and its partner copy show its published entries; a draft
    # nobody has published yet shows nowhere.
    pagecache.invalidate_on_change(
        LiveEntry,
        lambda entry: article_page_tags([entry.coverage.article]) if entry.published_at else [],
    )
    pagecache.invalidate_on_change(
        LiveCoverage, lambda coverage: article_page_tags([coverage.article])
    )
    pagecache.invalidate_on_change(RelatedStory, _articles_of(field="pk", attribute="article_id"))
    pagecache.invalidate_on_change(SeriesPart, _series_part_pages)
    pagecache.invalidate_on_change(Series, _series_pages)
    pagecache.invalidate_on_change(Section)
    # Only the page arranged: a story leaving its slot retires the listings with the story.
    pagecache.invalidate_on_change(Arrangement, _arrangement_pages)
    pagecache.invalidate_on_change(Slot, _slot_pages)
    pagecache.invalidate_on_change(Publisher)
