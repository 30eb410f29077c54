import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models, transaction
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItem

from articles.sanitize import INLINE_PHOTO_ID, sanitize_html
from newsroom.lib.text import clean_text
from newsroom.lib.urls import reverse_slug
from photos.metadata import inspect_original
from photos.renditions import (
    CROP_RATIOS,
    RenditionStatus,
    delete_renditions,
    is_current,
    rendition_inputs,
    rendition_names,
)
from photos.renditions import make_renditions as make_photo_renditions
from photos.storage import originals_storage, rendition_url
from photos.tasks import enqueue_renditions


class Licence(models.TextChoices):
    """The terms under which partners may republish a story."""

    NONE = "none", _("Not for republication")
    CUSTOM = "custom", _("Custom terms")
    CC_BY = "cc-by-4.0", _("CC BY 4.0")
    CC_BY_ND = "cc-by-nd-4.0", _("CC BY-ND 4.0")
    CC_BY_NC_ND = "cc-by-nc-nd-4.0", _("CC BY-NC-ND 4.0")


LICENCE_URLS = {
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC_BY_ND: "https://creativecommons.org/licenses/by-nd/4.0/",
    Licence.CC_BY_NC_ND: "https://creativecommons.org/licenses/by-nc-nd/4.0/",
}


# What a partner may have to carry, in the order the terms list them.
ATTRIBUTION_ELEMENTS = [
    ("logo", _("our logo")),
    ("byline", _("the reporter's byline")),
    ("affiliation", _("the reporter's affiliation")),
    ("link_back", _("a link to the original article")),
    ("pixel", _("our counting pixel")),
]


def attribution_override(verbose_name):
    """On an article: empty follows the publisher's terms, yes or no overrides them.

    A plain BooleanField configured here, not a field class, so migrations name only Django.
    """
    return models.BooleanField(
        verbose_name,
        null=True,
        blank=True,
        default=None,
        choices=[
            (None, _("As the publisher's terms")),
            (True, _("Required")),
            (False, _("Not required")),
        ],
    )


class EditedInTheDesk(models.Model):
    """A row people edit. Its version goes up by one on every full save, so an edit made from an
    older version can be refused; saves of bookkeeping fields alone (``update_fields`` without
    it, such as a photo's renditions) leave it."""

    version = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text=_("Goes up by one on every save; an edit made from an older version is refused."),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "version" in update_fields:
            self.version += 1
        super().save(*args, **kwargs)


class Publisher(EditedInTheDesk):
    """The newsroom itself: its name, logo and default republication terms. There is one."""

    name = models.CharField(max_length=200, default="Newsroom")
    logo = models.ImageField(upload_to="publisher/", blank=True)
    site_url = models.URLField(
        blank=True, help_text=_("The public address of the site, e.g. https://news.example.org.")
    )
    licensing_email = models.EmailField(
        blank=True, help_text=_("Where partners write with questions about republishing.")
    )
    licence = models.CharField(max_length=20, choices=Licence, default=Licence.CUSTOM)
    terms = models.TextField(
        blank=True,
        help_text=_("The republication terms in plain words, as partners will read them."),
    )
    requires_logo = models.BooleanField(_("partners must show our logo"), default=True)
    requires_byline = models.BooleanField(
        _("partners must keep the reporter's byline"), default=True
    )
    requires_affiliation = models.BooleanField(
        _("partners must name the reporter's affiliation"), default=True
    )
    requires_link_back = models.BooleanField(
        _("partners must link to the original article"), default=True
    )
    requires_pixel = models.BooleanField(_("partners must keep the counting pixel"), default=False)

    class Meta:
        verbose_name = _("publisher settings")
        verbose_name_plural = _("publisher settings")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("republication:terms")

    @classmethod
    def load(cls):
        """The publisher's settings, created with defaults the first time they are needed."""
        publisher, _created = cls.objects.get_or_create(pk=1)
        return publisher

    @property
    def licence_url(self):
        return LICENCE_URLS.get(self.licence, "")

    @property
    def required_attribution(self):
        """Human-readable list of what a republishing partner must carry."""
        return self.republication_terms().required_labels

    def republication_terms(self):
        """The publisher's default terms; an article may override any part of them."""
        return RepublicationTerms(
            licence=self.licence,
            text=self.terms,
            required=tuple(
                element
                for element, _label in ATTRIBUTION_ELEMENTS
                if getattr(self, f"requires_{element}")
            ),
            contact_email=self.licensing_email,
        )


class Section(EditedInTheDesk):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(
        default=0, help_text=_("Sections are listed in this order on the site.")
    )
    description = models.TextField(blank=True)
    licence = models.CharField(
        _("republication licence"),
        max_length=20,
        choices=Licence,
        blank=True,
        help_text=_(
            "The default for this section's stories, e.g. “Not for republication” for Opinion. "
            "A story's own licence overrides it; leave empty to use the publisher's terms."
        ),
    )

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse_slug("reader:section", self.slug)


class SocialNetwork(models.TextChoices):
    X = "x", "X"
    BLUESKY = "bluesky", "Bluesky"
    MASTODON = "mastodon", "Mastodon"
    THREADS = "threads", "Threads"
    INSTAGRAM = "instagram", "Instagram"
    LINKEDIN = "linkedin", "LinkedIn"
    OTHER = "other", _("the web")


class Author(EditedInTheDesk):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    job_title = models.CharField(
        max_length=200,
        blank=True,
        help_text=_('Shown in bylines, e.g. "White House Correspondent".'),
    )
    bio = models.TextField(blank=True, help_text=_("Two or three sentences, plain text."))
    photo = models.ImageField(upload_to="authors/", blank=True)
    affiliation = models.CharField(
        max_length=200,
        blank=True,
        help_text=_(
            "The organisation named in bylines and republished copies. "
            "Leave empty to use the publisher's name."
        ),
    )
    social_network = models.CharField(max_length=20, choices=SocialNetwork, default=SocialNetwork.X)
    social_handle = models.CharField(
        max_length=100, blank=True, help_text=_('e.g. "@jdoe" or "@jdoe@mastodon.social".')
    )
    social_url = models.URLField(blank=True, help_text=_("Link to the author's profile."))
    tips_email = models.EmailField(blank=True, help_text=_('Shown to readers as "Send tips to …".'))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author",
        help_text=_("The reporter's login, if they have one."),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse_slug("reader:author", self.slug)

    def affiliation_or(self, publisher_name):
        return self.affiliation or publisher_name


RENDITION_INPUT_FIELDS = {"image", "focal_x", "focal_y"}


class ImageCredit(EditedInTheDesk):
    """A photo and everything needed to credit it the way the agency asks."""

    RenditionStatus = RenditionStatus

    image = models.ImageField(
        upload_to="photos/%Y/%m/",
        storage=originals_storage,
        help_text=_(
            "JPEG, PNG, WebP or GIF. Credits written into the file by the agency fill the empty "
            "fields below. The original is kept private; readers get resized copies without "
            "the file's metadata."
        ),
    )
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    alt_text = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("What the photo shows, for readers who cannot see it. Required to publish."),
    )
    caption = models.TextField(blank=True)
    photographer = models.CharField(max_length=200, blank=True)
    agency = models.CharField(
        max_length=200, blank=True, help_text=_('The agency that supplied it, e.g. "REUTERS".')
    )
    providers = models.CharField(
        _("provider chain"),
        max_length=300,
        blank=True,
        help_text=_('Who else handled it, slash-separated, e.g. "RIA Novosti/Kremlin".'),
    )
    suffix = models.CharField(
        max_length=50, blank=True, help_text=_('e.g. "Files", "Handout", "Pool", "File Photo".')
    )
    credit_override = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("Replaces the credit line built from the fields above, if the agency asks."),
    )
    reference_id = models.CharField(
        _("agency reference id"),
        max_length=100,
        blank=True,
        db_index=True,
        help_text=_('The agency\'s picture id, e.g. "RTX28OUJ". Never shown to readers.'),
    )
    special_instructions = models.TextField(
        _("note to editors"),
        blank=True,
        help_text=_("The agency's special instructions. Never shown to readers."),
    )
    copyright_notice = models.CharField(max_length=300, blank=True)
    may_republish = models.BooleanField(
        _("partners may republish"),
        default=False,
        help_text=_("Only tick if our rights allow partners to reuse this photo."),
    )
    focal_x = models.FloatField(
        _("focal point across"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("0 is the left edge, 1 the right. Click the photo to set it."),
    )
    focal_y = models.FloatField(
        _("focal point down"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("0 is the top edge, 1 the bottom."),
    )
    content_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    # The public files made from the original (see photos/renditions.py): names and sizes.
    renditions = models.JSONField(default=dict, blank=True, editable=False)
    # Renditions are made by a background task (photos/tasks.py) after the photo is saved.
    rendition_status = models.CharField(
        _("renditions"),
        max_length=20,
        choices=RenditionStatus.choices,
        default=RenditionStatus.PROCESSING,
        editable=False,
    )
    rendition_error = models.TextField(_("why the renditions failed"), blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("photo")

    def __str__(self):
        return self.caption[:80] or self.reference_id or self.image.name

    def save(self, *args, **kwargs):
        """Read a new original's hash, size and metadata; queue its renditions for a worker.

        Renditions are queued when the file or focal point changed, or when they were made
        the way an older version or other PHOTO_RENDITION_WIDTHS make them. Until they exist
        the photo is "processing", and its old renditions (if any) are still shown.
        """
        saved_state = getattr(self, "_saved_state", None)
        new_image = bool(self.image) and (
            saved_state is None or self.image.name != saved_state[0] or not self.content_hash
        )
        if new_image:
            self.read_original()
        queue = bool(self.image) and (
            rendition_inputs(self) != saved_state
            or (self.rendition_status == RenditionStatus.READY and self.renditions_outdated)
        )
        if queue:
            self.rendition_status = RenditionStatus.PROCESSING
            self.rendition_error = ""
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {
                    *kwargs["update_fields"],
                    "rendition_status",
                    "rendition_error",
                }
        uploading = bool(self.image) and not self.image._committed
        try:
            super().save(*args, **kwargs)
        except BaseException:
            # The new original was written before the row failed: it must not stay behind,
            # private metadata and GPS position included, with no photo to find it by.
            if uploading and self.image._committed:
                self.image.storage.delete(self.image.name)
            raise
        if queue:
            enqueue_renditions(self)
        replaced = saved_state and saved_state[0] and saved_state[0] != self.image.name
        if replaced:
            storage, old_name = self.image.storage, saved_state[0]
            transaction.on_commit(lambda: storage.delete(old_name))
        self._saved_state = rendition_inputs(self)

    @property
    def credit_line(self):
        """The wire credit line: agency, photographer, providers, suffix — or the override."""
        if self.credit_override:
            return self.credit_override
        parts = [self.agency, self.photographer, self.providers, self.suffix]
        return "/".join(part.strip() for part in parts if part and part.strip())

    @property
    def public_rendition(self):
        """{"name", "url", "width", "height"} of the largest JPEG rendition, or None before any."""
        jpegs = self.renditions.get("sources", {}).get("jpeg")
        if not jpegs:
            return None
        name, width, height = jpegs[-1]
        return {"name": name, "url": rendition_url(name), "width": width, "height": height}

    @property
    def public_url(self):
        """The largest JPEG rendition: the photo's address for anything outside an <img>."""
        rendition = self.public_rendition
        return rendition["url"] if rendition else ""

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        photo = super().from_db(db, field_names, values, **kwargs)
        # A partial load (django-reversion reads related photos by id only) has no inputs to
        # remember, and reading them would load the row again, from here, without end.
        if set(field_names) >= RENDITION_INPUT_FIELDS:
            photo._saved_state = rendition_inputs(photo)
        return photo

    def read_original(self):
        """Fill the hash, upright size and the fields the editor left empty from the file."""
        committed = self.image._committed
        self.image.open("rb")
        try:
            original = inspect_original(self.image.file)
        finally:
            if committed:
                self.image.close()
        self.content_hash = original.content_hash
        self.width, self.height = original.width, original.height
        for name, value in original.metadata.items():
            if not getattr(self, name):
                max_length = self._meta.get_field(name).max_length
                setattr(self, name, value[:max_length] if max_length else value)

    @property
    def renditions_outdated(self):
        return not is_current(self.renditions)

    @property
    def renditions_ready(self):
        """Whether readers can be shown this photo: its renditions are made and current."""
        jpegs = self.renditions.get("sources", {}).get("jpeg")
        return self.rendition_status == RenditionStatus.READY and bool(jpegs)

    def make_renditions(self, force=False):
        """Make the public files now, in this process (only those missing unless `force`),
        and forget stale ones. The upload's request leaves this to a task; commands use it."""
        make_photo_renditions(self, force=force)

    def sources(self, image_format):
        """[(url, width, height), ...] of one format's renditions, narrowest first."""
        entries = self.renditions.get("sources", {}).get(image_format, [])
        return [(rendition_url(name), width, height) for name, width, height in entries]

    def crops(self):
        """The photo cut to 16:9, 4:3 and 1:1 around its focal point, up to 1200 px wide, JPEG.

        For structured data and social cards: [{"ratio": "16:9", "url": ..., "width": ...,
        "height": ...}, ...]. URLs are what the media storage gives: site-relative ("/media/…")
        with the default filesystem storage, absolute with object storage; build absolute ones
        with request.build_absolute_uri() or SITE_URL.
        """
        crops = self.renditions.get("crops", {})
        return [
            {"ratio": ratio, "url": rendition_url(name), "width": width, "height": height}
            for ratio in CROP_RATIOS
            if ratio in crops
            for name, width, height in [crops[ratio]]
        ]

    @property
    def is_published_content(self):
        """Used by a story that has left draft: only editors change it (articles/workflow.py)."""
        return (
            self.pk is not None and self.lead_articles.exclude(status=Article.Status.DRAFT).exists()
        )

    def duplicates(self):
        """Other photos in the library with exactly the same file."""
        if not self.content_hash:
            return ImageCredit.objects.none()
        return ImageCredit.objects.filter(content_hash=self.content_hash).exclude(pk=self.pk)


# How many related stories an article page shows, picked by hand or found automatically.
RELATED_STORIES = 4


def _pk_among(subquery, using):
    """A condition: the row's primary key is one of those ``subquery`` selects.

    On PostgreSQL written ``pk = ANY(ARRAY(subquery))``: the subquery runs once and the primary
    key's index finds the rows, where ``pk IN (subquery)`` in an OR reads the whole table.
    """
    if connections[using].vendor != "postgresql":
        return models.Q(pk__in=subquery)
    return models.Q(
        models.Func(
            models.F("pk"),
            models.Subquery(subquery),  # compiles in parentheses: ARRAY(SELECT ...)
            arg_joiner=" = ANY(ARRAY",
            template="%(expressions)s)",
            output_field=models.BooleanField(),
        )
    )


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What the public may see. The only definition of it: every public surface starts here."""
        return self.filter(status=Article.Status.PUBLISHED, publish_at__lte=timezone.now())

    def gone(self):
        """Stories readers saw and that were then withdrawn: their addresses answer 410 Gone."""
        return self.filter(status=Article.Status.WITHDRAWN, publish_at__lte=timezone.now())

    def newest_in_each_section(self, sections, count, exclude=()):
        """Up to ``count`` of the newest of these articles in each section (but those whose pk
        is in ``exclude``), in one query.

        Each section's share is an index lookup on (section, publish_at), so the cost follows the
        number of sections and ``count``, not the number of articles. PostgreSQL runs the share
        for each section (a LATERAL join) and answers with those lookups alone; a database that
        can limit the parts of a union gets their union; SQLite cannot, so it checks each article
        against every section's share (fine at SQLite's sizes).
        """
        base = self.exclude(pk__in=exclude).order_by("-publish_at").values("pk")
        if not sections:
            return self.none()
        if connections[self.db].vendor == "postgresql":
            # One section's share is built, and PostgreSQL runs it for each section (LATERAL):
            # the ORM took longer to build ten shares as a union than PostgreSQL to answer it.
            share = base.filter(section_id=RawSQL("sections.id", []))[:count]  # noqa: S611
            sql, params = share.query.get_compiler(self.db).as_sql()
            section_ids = [getattr(section, "pk", section) for section in sections]
            each = f"unnest(%s) AS sections(id) CROSS JOIN LATERAL ({sql}) AS newest"
            newest = RawSQL(  # noqa: S611 - the ORM's own SQL and parameters
                f"SELECT newest.pk FROM {each}",  # noqa: S608 - the ORM's own SQL
                [section_ids, *params],
            )
            return self.filter(pk__in=newest)
        newest = [base.filter(section=section)[:count] for section in sections]
        if connections[self.db].features.supports_slicing_ordering_in_compound:
            return self.filter(pk__in=newest[0].union(*newest[1:], all=True))
        any_share = models.Q()
        for share in newest:
            any_share |= models.Q(pk__in=share)
        return self.filter(any_share)

    def tags(self):
        """The tags these articles carry: Article.objects.published().tags() are the public ones."""
        tagged = TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Article), object_id__in=self.values("pk")
        )
        return Tag.objects.filter(pk__in=tagged.values("tag_id"))

    def related_to(self, article, count=RELATED_STORIES):
        """The stories shown under ``article``, in one query: those picked by hand, in their
        order, or where none of them is among these, the newest sharing its section or a tag
        (not the article itself, nor its series' other parts, which the page lists apart).

        Only the picks and the ``count`` newest sharing stories are read and ordered, so the
        cost does not grow with the number of stories in the section or under the tags.
        """
        others = self.exclude(pk=article.pk)
        series = article.series
        if series is not None:
            others = others.exclude(series_part__series=series)
        sharing = models.Q()
        if article.section_id:
            sharing |= models.Q(section_id=article.section_id)
        # The article's tags are prefetched with it on its page (one query more if not).
        tag_ids = [tag.pk for tag in article.tags.all()]
        if tag_ids:
            tagged = TaggedItem.objects.filter(
                content_type=ContentType.objects.get_for_model(Article), tag_id__in=tag_ids
            )
            sharing |= models.Q(pk__in=tagged.values("object_id"))
        newest_sharing = others.filter(sharing).order_by("-publish_at", "-pk") if sharing else None
        if not getattr(article, "has_related_picks", True):
            # Its query said the story has no picks (with_related_picks_noted): the sharing ones.
            return [] if newest_sharing is None else list(newest_sharing[:count])
        picked = RelatedStory.objects.filter(article=article)
        candidates = _pk_among(picked.values("related"), self.db)
        if newest_sharing is not None:
            candidates |= _pk_among(newest_sharing.values("pk")[:count], self.db)
        rows = list(
            others.filter(candidates)
            .annotate(
                picked_position=models.Subquery(
                    picked.filter(related=models.OuterRef("pk")).values("position")[:1]
                )
            )
            .order_by(models.F("picked_position").asc(nulls_last=True), "-publish_at", "-pk")[
                :count
            ]
        )
        chosen = [row for row in rows if row.picked_position is not None]
        return chosen or rows

    def with_related_picks_noted(self):
        """Each story's ``has_related_picks``: related_to() then reads a story without picks
        (most of them) with a plainer query."""
        return self.annotate(has_related_picks=_has_rows_in(RelatedStory))

    def with_corrections_noted(self):
        """Each story's ``has_corrections_rows``: read_corrections() then asks for the
        corrections of a story that has some (few do)."""
        return self.annotate(has_corrections_rows=_has_rows_in(Correction))

    def with_listing_related(self):
        """Section, lead photo and bylines for a list of articles, without a query per row."""
        return self.select_related("section", "lead_photo", "series_part__series").prefetch_related(
            models.Prefetch("bylines", queryset=Byline.objects.select_related("author"))
        )

    # What a story card (templates/includes/article_card.html) shows, and what loading its
    # photo needs (ImageCredit.from_db reads the rendition inputs): no body, no terms.
    CARD_FIELDS = (
        "headline",
        "slug",
        "dek",
        "publish_at",
        "section__name",
        "section__slug",
        "lead_photo__image",
        "lead_photo__focal_x",
        "lead_photo__focal_y",
        "lead_photo__alt_text",
        "lead_photo__renditions",
    )

    def card_columns(self):
        """Only the columns story cards show, with their section and photo; no bylines."""
        return self.select_related("section", "lead_photo").only(*self.CARD_FIELDS)

    def as_cards(self):
        """Only what story cards show: their columns, their section and photo, bylines' names."""
        return self.card_columns().prefetch_related(card_bylines())

    def as_search_results(self):
        """Only what a search result shows (no photo, no summary: the search adds a snippet);
        the bylines as the list ``byline_list``."""
        return (
            self.select_related("section")
            .only("headline", "slug", "publish_at", "section__name", "section__slug")
            .prefetch_related(card_bylines(to_attr="byline_list"))
        )


def _has_rows_in(model):
    """Whether the story has rows in ``model`` (by its ``article`` foreign key), for the
    outermost query only (it names the story's table). Written as SQL: as an Exists() the ORM
    takes longer to build it than the query it spares."""
    table = model._meta.db_table
    column = model._meta.get_field("article").column
    return RawSQL(  # noqa: S611 - table and column names from the models, no parameters
        f"EXISTS (SELECT 1 FROM {table} noted WHERE noted.{column} = articles_article.id)",  # noqa: S608
        [],
        output_field=models.BooleanField(),
    )


def card_bylines(to_attr=None):
    """The bylines a story card names, for prefetch_related() or prefetch_related_objects();
    with `to_attr`, as a list in that attribute (no related manager, and no queryset built, for
    each story)."""
    bylines = Byline.objects.select_related("author").only("article_id", "position", "author__name")
    return models.Prefetch("bylines", queryset=bylines, to_attr=to_attr)


class Article(EditedInTheDesk):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    headline = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=200, unique=True, help_text=_("The story's short name, used in its address.")
    )
    kicker = models.CharField(
        max_length=100, blank=True, help_text=_("A short label above the headline (optional).")
    )
    dek = models.TextField(
        blank=True, help_text=_("The standfirst: one or two sentences under the headline.")
    )
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    dateline = models.CharField(
        max_length=100, blank=True, help_text=_('Where the story was filed from, e.g. "KYIV".')
    )
    body = models.TextField(blank=True, help_text=_("Cleaned of unsafe HTML when saved."))
    lead_photo = models.ForeignKey(
        ImageCredit, null=True, blank=True, on_delete=models.PROTECT, related_name="lead_articles"
    )
    # The library photos the body shows as figures; kept in step with the body on every save.
    inline_photos = models.ManyToManyField(
        ImageCredit, blank=True, editable=False, related_name="inline_articles"
    )
    authors = models.ManyToManyField(Author, through="Byline", related_name="articles")
    tags = TaggableManager(blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT, db_index=True)
    publish_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text=_("When the public may see it. A future time schedules the story."),
    )
    licence = models.CharField(
        _("republication licence"),
        max_length=20,
        choices=Licence,
        blank=True,
        help_text=_("Leave empty to use the publisher's default terms."),
    )
    terms = models.TextField(
        _("republication terms"),
        blank=True,
        help_text=_("Replaces the publisher's terms text for this story only."),
    )
    requires_logo = attribution_override(_("partners must show our logo"))
    requires_byline = attribution_override(_("partners must keep the reporter's byline"))
    requires_affiliation = attribution_override(_("partners must name the reporter's affiliation"))
    requires_link_back = attribution_override(_("partners must link to the original article"))
    requires_pixel = attribution_override(_("partners must keep the counting pixel"))
    licensing_email = models.EmailField(
        _("licensing contact"),
        blank=True,
        help_text=_("Leave empty to use the publisher's licensing address."),
    )
    seo_headline = models.CharField(
        _("search headline"),
        max_length=110,
        blank=True,
        help_text=_("Shown by search engines and social networks instead of the headline."),
    )
    seo_description = models.CharField(
        _("search description"),
        max_length=300,
        blank=True,
        help_text=_("Shown under the headline in search results and on social cards."),
    )
    social_image = models.ForeignKey(
        ImageCredit,
        verbose_name=_("social image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="social_articles",
        help_text=_("Shown on social cards instead of the lead photo."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "-publish_at"], name="article_visible_idx"),
            # Section pages and the front page's rails: a section's newest stories, and their
            # count for the pages' numbers read from the index alone (not from every row).
            models.Index(
                fields=["section", "status", "-publish_at"], name="article_section_newest_idx"
            ),
        ]
        permissions = [
            ("edit_any_article", _("Can edit any article in any state")),
            ("publish_article", _("Can return, publish, schedule and withdraw articles")),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        if self.status == self.Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            self.keep_old_address()
            update_fields = kwargs.get("update_fields")
            if update_fields is None or "body" in update_fields:
                self.inline_photos.set(ImageCredit.objects.filter(pk__in=self.inline_photo_ids))
                self.__dict__.pop("inline_photos_by_id", None)
        self._saved_slug = self.slug

    def get_absolute_url(self):
        return reverse_slug("reader:article-detail", self.slug)

    @property
    def last_updated(self):
        """When the story changed after it went out, or None if it has not (a minute's grace).

        An edit counts, and so does every correction, clarification or update appended to it
        (saving one dates the article: see Correction.save).
        """
        if self.publish_at and self.updated_at - self.publish_at > timedelta(minutes=1):
            return self.updated_at
        return None

    @property
    def inline_photo_ids(self):
        """Ids of the library photos the body shows, in the order they appear."""
        return list(dict.fromkeys(int(pk) for pk in INLINE_PHOTO_ID.findall(self.body or "")))

    @cached_property
    def inline_photos_by_id(self):
        """{id: photo} of the body's library photos: one query (none without any, or when
        `inline_photos` is prefetched), however many figures the body has."""
        if not self.inline_photo_ids:
            return {}
        return {photo.pk: photo for photo in self.inline_photos.all()}

    @classmethod
    def read_inline_photos(cls, articles):
        """Sets inline_photos_by_id of many stories with one query (none if no body shows a
        photo), without the queryset per story that prefetching `inline_photos` builds."""
        ids = {article.pk: article.inline_photo_ids for article in articles}
        wanted = {pk for photo_ids in ids.values() for pk in photo_ids}
        photos = ImageCredit.objects.in_bulk(wanted) if wanted else {}
        for article in articles:
            article.__dict__["inline_photos_by_id"] = {
                pk: photos[pk] for pk in ids[article.pk] if pk in photos
            }

    def read_corrections(self):
        """Reads the story's corrections once, for ``corrections.all()`` everywhere on its page;
        without a query when its row noted it has none (with_corrections_noted())."""
        corrections = Correction.objects.all()
        if not getattr(self, "has_corrections_rows", True):
            corrections = corrections.none()
        models.prefetch_related_objects([self], models.Prefetch("corrections", corrections))

    @property
    def has_correction(self):
        """Whether a correction (not only a clarification or update) has been appended."""
        return any(
            note.kind == "correction" and not note.is_retracted for note in self.corrections.all()
        )

    @property
    def withdrawal(self):
        """The withdrawal (when, and the reason readers are given), or None if not withdrawn."""
        if self.status != self.Status.WITHDRAWN:
            return None
        return self.transitions.filter(name="withdraw").first()

    @property
    def search_headline(self):
        """The headline search engines and social cards show."""
        return self.seo_headline or self.headline

    @property
    def search_description(self):
        """The summary search engines and social cards show, or ""."""
        return self.seo_description or self.dek

    @property
    def share_photo(self):
        """The photo social cards and structured data show, or None."""
        return self.social_image or self.lead_photo

    @property
    def is_scheduled(self):
        """Published, but not yet visible to the public."""
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at > timezone.now()
        )

    @property
    def series(self):
        """The series the story is part of, or None (select_related("series_part__series"))."""
        try:
            return self.series_part.series
        except ObjectDoesNotExist:
            return None

    def series_place(self):
        """Its place among its series' published parts (one query), or None outside a series or
        before it is published itself."""
        series = self.series
        if series is None:
            return None
        parts = list(series.published_parts().only("headline", "slug", "publish_at"))
        numbers = {part.pk: number for number, part in enumerate(parts, start=1)}
        if self.pk not in numbers:
            return None
        return SeriesPlace(series=series, parts=parts, number=numbers[self.pk])

    def republication_terms(self, publisher):
        """The terms in force for this story: each part its own where set, else the publisher's.

        The licence alone has a middle step: the story's, else its section's, else the
        publisher's (select the section with the article: with_listing_related() does).
        """
        defaults = publisher.republication_terms()

        def is_required(element):
            override = getattr(self, f"requires_{element}")
            return element in defaults.required if override is None else override

        section_licence = self.section.licence if self.section_id else ""
        return RepublicationTerms(
            licence=self.licence or section_licence or defaults.licence,
            text=self.terms or defaults.text,
            required=tuple(e for e, _label in ATTRIBUTION_ELEMENTS if is_required(e)),
            contact_email=self.licensing_email or defaults.contact_email,
        )

    def clean(self):
        """A slug that is another story's old address would silently break that story's links."""
        taken = ArticleRedirect.objects.filter(old_slug=self.slug).exclude(article_id=self.pk)
        if self.slug and taken.exists():
            raise ValidationError(
                {
                    "slug": _(
                        "This is an old address of another story, which partners' copies still "
                        "link to. Choose another slug, or remove that old address first."
                    )
                }
            )

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        article = super().from_db(db, field_names, values, **kwargs)
        article._saved_slug = article.__dict__.get("slug")
        return article

    def keep_old_address(self):
        """A story readers have seen keeps its old slug as a permanent redirect to the new one.

        Redirects name the article, not a slug, so a slug changed twice needs no chain; taking
        back an old slug drops its redirect, so none ever points at its own address.
        """
        old_slug = getattr(self, "_saved_slug", None)
        if not old_slug or old_slug == self.slug:
            return
        ArticleRedirect.objects.filter(old_slug=self.slug).delete()
        if (
            self.publish_at
            and self.publish_at <= timezone.now()
            and self.status
            in (
                self.Status.PUBLISHED,
                self.Status.WITHDRAWN,
            )
        ):
            ArticleRedirect.objects.update_or_create(old_slug=old_slug, defaults={"article": self})


class Byline(models.Model):
    """One author on one article, in order, with an optional role."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    position = models.PositiveSmallIntegerField(default=0)
    role = models.CharField(
        max_length=100,
        blank=True,
        help_text=_('e.g. "Additional reporting by". Leave empty for a plain byline.'),
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="one_byline_per_author")
        ]

    def __str__(self):
        return f"{self.role} {self.author}".strip()


# --- related stories and series ---


class RelatedStory(models.Model):
    """A story an editor (or the story's reporter) picked to show under another, in order.

    Readers see it only while it is published: the page reads it through
    Article.objects.published() (ArticleQuerySet.related_to).
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_links")
    related = models.ForeignKey(
        Article,
        verbose_name=_("related story"),
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Shown under the story while it is published."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("related story")
        verbose_name_plural = _("related stories")
        constraints = [
            models.UniqueConstraint(fields=["article", "related"], name="one_link_per_related")
        ]

    def __str__(self):
        return str(self.related)

    def clean(self):
        if self.article_id and self.article_id == self.related_id:
            raise ValidationError({"related": _("A story cannot be related to itself.")})


class SeriesQuerySet(models.QuerySet):
    def public(self):
        """Series with at least one published story: only these have a page, feed or link."""
        published_parts = SeriesPart.objects.filter(
            series=models.OuterRef("pk"), article__in=Article.objects.published()
        )
        return self.filter(models.Exists(published_parts))


class Series(EditedInTheDesk):
    """A named, ordered group of stories (an investigation in parts), with its own page."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200, unique=True, help_text=_("The series' short name, used in its address.")
    )
    description = models.TextField(
        blank=True, help_text=_("One or two sentences, shown on the series page. Plain text.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SeriesQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("series")
        verbose_name_plural = _("series")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse_slug("reader:series", self.slug)

    def published_parts(self):
        """The series' published stories, in the series' order: the parts readers count."""
        return (
            Article.objects.published()
            .filter(series_part__series=self)
            .order_by("series_part__position", "publish_at", "pk")
        )


@dataclass(frozen=True)
class SeriesPlace:
    """Where a story stands in its series, among the published parts: "Part 2 of 5"."""

    series: Series
    parts: list
    number: int

    @property
    def total(self):
        return len(self.parts)


class SeriesPart(models.Model):
    """One story's place in a series. A story belongs to at most one series."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="parts")
    article = models.OneToOneField(
        Article,
        verbose_name=_("story"),
        on_delete=models.CASCADE,
        related_name="series_part",
        error_messages={"unique": _("This story is already part of a series.")},
    )
    position = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Parts are numbered in this order, lowest first.")
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("part")
        verbose_name_plural = _("parts")

    def __str__(self):
        return f"{self.series}: {self.article}"


# --- republication ---

# The licences in plain words, for partners who do not read licence deeds.
LICENCE_PLAIN_WORDS = {
    Licence.NONE: _("Not for republication."),
    Licence.CUSTOM: _("Free to republish on our terms."),
    Licence.CC_BY: _("Free to republish, change and use commercially, as long as you credit us."),
    Licence.CC_BY_ND: _(
        "Free to republish, also commercially, as long as you credit us and change nothing "
        "beyond house style and references to time and place."
    ),
    Licence.CC_BY_NC_ND: _(
        "Free to republish, but not for commercial use, as long as you credit us and change "
        "nothing beyond house style and references to time and place."
    ),
}


@dataclass(frozen=True)
class RepublicationTerms:
    """The licence, terms text, required attribution and contact in force for a story."""

    licence: str
    text: str
    required: tuple
    contact_email: str

    @property
    def republishable(self):
        return self.licence != Licence.NONE

    @property
    def licence_label(self):
        return Licence(self.licence).label

    @property
    def licence_url(self):
        return LICENCE_URLS.get(self.licence, "")

    @property
    def plain_words(self):
        return LICENCE_PLAIN_WORDS[Licence(self.licence)]

    @property
    def requires(self):
        """{"logo": True, ...}: what the templates ask with terms.requires.logo."""
        return {element: element in self.required for element, _label in ATTRIBUTION_ELEMENTS}

    @property
    def required_labels(self):
        return [label for element, label in ATTRIBUTION_ELEMENTS if element in self.required]


class RepublicationViewQuerySet(models.QuerySet):
    def since(self, day):
        return self.filter(day__gte=day)

    def by_site(self):
        """Views per republishing site, most first."""
        return (
            self.values("site")
            .annotate(total=models.Sum("views"), pages=models.Count("page_url", distinct=True))
            .order_by("-total", "site")
        )

    def by_page(self):
        """Views per republishing page (or per site, where only an origin was sent)."""
        return (
            self.values("site", "page_url")
            .annotate(total=models.Sum("views"), last_day=models.Max("day"))
            .order_by("-total", "site", "page_url")
        )

    def daily_totals(self):
        return dict(self.values_list("day").annotate(total=models.Sum("views")).order_by())


class RepublicationView(models.Model):
    """How often one republished copy of an article was viewed on one day.

    Written in bulk from counts gathered in the cache (republication/counting.py), never one row
    per hit.
    """

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="republication_views"
    )
    day = models.DateField()
    site = models.CharField(max_length=255, help_text=_("The republishing site's host name."))
    page_url = models.CharField(
        max_length=500,
        blank=True,
        help_text=_("The republishing page; empty when the browser sent only the site."),
    )
    views = models.PositiveIntegerField(default=0)

    objects = RepublicationViewQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "-views"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "day", "site", "page_url"], name="one_count_per_page_and_day"
            )
        ]
        indexes = [models.Index(fields=["article", "day"], name="republication_article_day")]

    def __str__(self):
        return f"{self.article_id} {self.day} {self.page_url or self.site}: {self.views}"


class RepublishedArticle(Article):
    """Articles ranked by republication views, for the admin's list."""

    class Meta:
        proxy = True
        verbose_name = _("most republished article")
        verbose_name_plural = _("most republished articles")


# --- photos ---


@receiver(post_delete, sender=ImageCredit)
def delete_photo_files(sender, instance, **kwargs):
    """A deleted photo takes its private original and its public renditions with it."""
    names = rendition_names(instance.renditions)
    storage, original = instance.image.storage, instance.image.name

    def delete_files():
        delete_renditions(names)
        if original:
            storage.delete(original)

    transaction.on_commit(delete_files)


# --- editorial workflow ---


class ArticleTransition(models.Model):
    """One move of an article from one state to another: who, when, from, to and why."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="transitions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=20)
    from_status = models.CharField(max_length=20, choices=Article.Status)
    to_status = models.CharField(max_length=20, choices=Article.Status)
    publish_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"

    def __str__(self):
        return f"{self.article}: {self.get_from_status_display()} → {self.get_to_status_display()}"


class Correction(EditedInTheDesk):
    """A dated note appended to a published story. Corrections are never silent."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        CLARIFICATION = "clarification", _("Clarification")
        UPDATE = "update", _("Update")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.CORRECTION)
    text = models.TextField(help_text=_("What was wrong and what is right, in plain words."))
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A mistaken note is never deleted: it is retracted, and readers see why.
    retracted_at = models.DateTimeField(null=True, blank=True, editable=False)
    retracted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    retraction_note = models.TextField(
        blank=True,
        help_text=_(
            "To retract a mistaken note, say why, in words for readers: they see it beside the "
            "note. A retraction cannot be undone."
        ),
    )

    class Meta:
        ordering = ["created_at", "pk"]
        get_latest_by = "created_at"

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:60]}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # A note readers must see dates the story: feeds, structured data and the page's
        # "Updated" line read it from the article alone, without a query for its corrections.
        moment = self.retracted_at or self.created_at
        Article.objects.filter(pk=self.article_id, updated_at__lt=moment).update(updated_at=moment)

    @property
    def is_retracted(self):
        return self.retracted_at is not None


class PreviewLinkQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at=None, expires_at__gt=timezone.now())


class PreviewLink(models.Model):
    """A shareable, signed, expiring and revocable link to an unpublished article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="preview_links")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = PreviewLinkQuerySet.as_manager()

    SALT = "articles.preview-link"

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.article} ({self.expires_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return reverse("reader:preview-link", kwargs={"token": self.token})

    @property
    def token(self):
        return signing.dumps({"link": self.pk, "article": self.article_id}, salt=self.SALT)

    @classmethod
    def from_token(cls, token):
        """The active link the token names, or None if it is forged, revoked or expired."""
        try:
            payload = signing.loads(token, salt=cls.SALT)
        except signing.BadSignature:
            return None
        return (
            cls.objects.active()
            .select_related("article")
            .filter(pk=payload.get("link"), article_id=payload.get("article"))
            .first()
        )


class EmbargoShareQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at=None)


class EmbargoShare(models.Model):
    """A story shared ahead of publication with one partner, under embargo, by a signed link.

    The link opens the partner's copy (HTML, text, ninjs) with the embargo stated on it, and
    counts its opens and copies. Once the story is public it says "released"; revoked, it
    shows nothing. The recipient is named here (organisation and e-mail address).
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="embargo_shares")
    recipient_name = models.CharField(
        _("partner"), max_length=200, help_text=_("The partner organisation, e.g. “Harbour Times”.")
    )
    recipient_email = models.EmailField(
        _("partner's e-mail"), help_text=_("Who at the partner receives the link.")
    )
    embargo_until = models.DateTimeField(
        _("embargoed until"),
        help_text=_(
            "The partner may publish from this time on. Not before the story is scheduled to "
            "appear on our site."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    open_count = models.PositiveIntegerField(_("opened"), default=0, editable=False)
    first_opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_opened_at = models.DateTimeField(_("last opened"), null=True, blank=True, editable=False)
    copy_count = models.PositiveIntegerField(_("copied"), default=0, editable=False)
    last_copied_at = models.DateTimeField(_("last copied"), null=True, blank=True, editable=False)

    objects = EmbargoShareQuerySet.as_manager()

    SALT = "articles.embargo-share"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("embargoed share")

    def __str__(self):
        return f"{self.article} → {self.recipient_name}"

    def get_absolute_url(self):
        return reverse("republication:embargo-share", kwargs={"token": self.token})

    @property
    def token(self):
        # Without a timestamp: the partner's link stays the same every time it is shown.
        return signing.Signer(salt=self.SALT).sign_object(
            {"share": self.pk, "article": self.article_id}
        )

    @classmethod
    def from_token(cls, token):
        """The unrevoked share the token names, or None if it is forged or revoked."""
        try:
            payload = signing.Signer(salt=cls.SALT).unsign_object(token)
        except signing.BadSignature:
            return None
        return (
            cls.objects.active()
            .filter(pk=payload.get("share"), article_id=payload.get("article"))
            .first()
        )

    @property
    def is_released(self):
        return Article.objects.published().filter(pk=self.article_id).exists()

    def record_open(self):
        now = timezone.now()
        EmbargoShare.objects.filter(pk=self.pk).update(
            open_count=models.F("open_count") + 1,
            first_opened_at=Coalesce("first_opened_at", models.Value(now)),
            last_opened_at=now,
        )

    def record_copy(self):
        EmbargoShare.objects.filter(pk=self.pk).update(
            copy_count=models.F("copy_count") + 1, last_copied_at=timezone.now()
        )

    def clean(self):
        """Only a story not yet public, that partners may republish, with an embargo to come."""
        if self.article_id is None:
            return
        article = self.article
        if self.pk is None and not (
            article.status == Article.Status.IN_REVIEW or article.is_scheduled
        ):
            raise ValidationError(
                {"article": _("Only a story in review or scheduled can be shared under embargo.")}
            )
        if not article.republication_terms(Publisher.load()).republishable:
            raise ValidationError({"article": _("This story is not for republication.")})
        if self.embargo_until is None:
            return
        if self.pk is None and self.embargo_until <= timezone.now():
            raise ValidationError({"embargo_until": _("Choose a time in the future.")})
        if article.is_scheduled and self.embargo_until < article.publish_at:
            raise ValidationError(
                {
                    "embargo_until": _(
                        "The story appears on our site at %(when)s: the embargo cannot end "
                        "before that."
                    )
                    % {"when": timezone.localtime(article.publish_at).strftime("%Y-%m-%d %H:%M")}
                }
            )


class ArticleRedirect(EditedInTheDesk):
    """An old address of a published story, answered with a permanent redirect to its current one.

    Made when a published story's slug changes (Article.keep_old_address); editors may add, change
    or remove them. Looked up only when no story has the slug, so they cost readers nothing.
    """

    old_slug = models.SlugField(
        _("old slug"),
        max_length=200,
        unique=True,
        help_text=_("The address that no longer names a story: /articles/<old slug>/."),
    )
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="redirects",
        help_text=_("The story it now leads to, at whatever its slug is."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")

    def __str__(self):
        return f"/articles/{self.old_slug}/"

    def clean(self):
        """No loops: an old address that is some story's current slug would never be reached."""
        if self.old_slug and Article.objects.filter(slug=self.old_slug).exists():
            raise ValidationError(
                {
                    "old_slug": _(
                        "A story has this slug now: its address cannot also redirect elsewhere."
                    )
                }
            )


class EditSession(models.Model):
    """Someone has an article's edit page open: kept alive by the page, a soft lock."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="edit_sessions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="one_edit_session_per_user")
        ]

    def __str__(self):
        return f"{self.user} on {self.article}"


class ArticleDraftQuerySet(models.QuerySet):
    def of(self, user, article=None, client_key=""):
        """A person's draft of one article, or of one new story (by the browser's key)."""
        if article is not None:
            return self.filter(user=user, article=article)
        return self.filter(user=user, article__isnull=True, client_key=client_key)


class ArticleDraft(models.Model):
    """What someone typed on the edit screen and it autosaved, before they saved the article.

    Never a revision and never public: only the person who typed it is offered it back, and
    saving the article discards it. A new story's draft is keyed by its browser tab's key.
    """

    FIELDS = ["kicker", "headline", "dek", "dateline", "body", "seo_headline", "seo_description"]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="article_drafts"
    )
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="drafts"
    )
    client_key = models.CharField(max_length=64, blank=True)
    base_version = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("The article's version the text was typed on.")
    )
    content = models.JSONField(default=dict)
    saved_at = models.DateTimeField(auto_now=True)

    objects = ArticleDraftQuerySet.as_manager()

    class Meta:
        ordering = ["-saved_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"],
                condition=models.Q(article__isnull=False),
                name="one_draft_per_user_and_article",
            ),
            models.UniqueConstraint(
                fields=["user", "client_key"],
                condition=models.Q(article__isnull=True),
                name="one_draft_per_user_and_new_story",
            ),
        ]

    def __str__(self):
        return f"{self.user} on {self.article or self.client_key}"

    @classmethod
    def keep(cls, user, content, article=None, client_key="", base_version=None):
        """Store what was typed (only the text fields, within their lengths); the draft."""
        kept = {}
        for name in cls.FIELDS:
            value = content.get(name)
            if isinstance(value, str):
                limit = Article._meta.get_field(name).max_length
                kept[name] = sanitize_html(value) if name == "body" else value[:limit]
        draft, _created = cls.objects.of(user, article, client_key).update_or_create(
            defaults={"content": kept, "base_version": base_version},
            create_defaults={
                "user": user,
                "article": article,
                "client_key": "" if article else client_key,
                "content": kept,
                "base_version": base_version,
            },
        )
        return draft

    @property
    def headline(self):
        return self.content.get("headline", "")

    def overtaken(self):
        """Whether the article was saved (by anyone) after the version this text was typed on."""
        return self.article is not None and self.base_version != self.article.version


# --- security and resilience ---


@receiver(pre_save)
def clean_stored_text(sender, instance, **kwargs):
    """Every text field of ours (and every tag) is stored without control characters or lone
    surrogates, whoever wrote it: a form, imported photo metadata, the demo loader or code.
    One such character would otherwise break every feed and sitemap that shows the text."""
    if sender._meta.app_label not in {"articles", "taggit"}:
        return
    for field in sender._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            if isinstance(value, str):
                setattr(instance, field.attname, clean_text(value))


@receiver(pre_save, sender=Tag)
def give_every_tag_a_slug(sender, instance, **kwargs):
    """A tag made only of emoji or punctuation slugifies to nothing; it still needs an address."""
    if not instance.slug:
        digest = hashlib.sha256(instance.name.encode()).hexdigest()[:10]
        instance.slug = f"tag-{digest}"
