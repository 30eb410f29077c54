"""What editors put at the top of the front page and of each section page, and the
breaking-news banner.

An arrangement is a page's lead and featured slots as an editor set them; the one readers see is
the newest whose goes-live time has come, decided when the page is read, so a scheduled
arrangement needs no task to switch. A slot shows its story only while the story is in
``Article.objects.published()`` and the slot has not expired; otherwise the page falls back to
its automatic choice.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article, ArticleQuerySet, Section

# The lead and this many featured slots, at most, on one page.
FEATURED_SLOTS = 4
MAX_SLOTS = 1 + FEATURED_SLOTS


class ArrangementQuerySet(models.QuerySet):
    def for_page(self, section):
        """The arrangements of one page: the front page (section None) or a section's page."""
        return self.filter(section=section) if section is not None else self.filter(section=None)

    def with_superseded(self):
        """Each annotated ``superseded``: a newer arrangement of its page has gone live (one
        query for a whole list, where ``state`` asks once per row)."""
        now = timezone.now()
        page = Coalesce("section", Value(0))
        newer = (
            Arrangement.objects.filter(goes_live_at__lte=now)
            .alias(page=page)
            .filter(page=Coalesce(OuterRef("section"), Value(0)))
            .filter(
                Q(goes_live_at__gt=OuterRef("goes_live_at"))
                | Q(goes_live_at=OuterRef("goes_live_at"), pk__gt=OuterRef("pk"))
            )
        )
        return self.annotate(superseded=Exists(newer))

    def live(self, at=None):
        """Arrangements whose goes-live time has come, newest first (drafts have none)."""
        moment = at or timezone.now()
        return self.filter(goes_live_at__lte=moment).order_by("-goes_live_at", "-pk")

    def current(self, section=None):
        """The arrangement readers see on a page now, or None."""
        return self.for_page(section).live().first()


class Arrangement(models.Model):
    """A lead and featured stories for one page, live from a given time."""

    section = models.ForeignKey(
        Section,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="arrangements",
        help_text=_("Leave empty for the front page."),
    )
    goes_live_at = models.DateTimeField(
        _("goes live at"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "From this time readers see this arrangement, until a newer one goes live. "
            "Leave empty to keep it a draft you can preview."
        ),
    )
    note = models.CharField(
        max_length=200, blank=True, help_text=_("For the desk only: why this arrangement.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ArrangementQuerySet.as_manager()

    class Meta:
        ordering = ["-goes_live_at", "-pk"]
        verbose_name = _("front page arrangement")
        verbose_name_plural = _("front page arrangements")

    def __str__(self):
        page = self.section.name if self.section_id else _("Front page")
        if self.goes_live_at is None:
            return _("%(page)s — draft #%(pk)s") % {"page": page, "pk": self.pk}
        when = timezone.localtime(self.goes_live_at).strftime("%Y-%m-%d %H:%M")
        return _("%(page)s — from %(when)s") % {"page": page, "when": when}

    def get_absolute_url(self):
        return self.section.get_absolute_url() if self.section_id else "/"

    @property
    def state(self):
        """ "draft", "scheduled", "live" or "replaced": how readers stand with it now."""
        if self.goes_live_at is None:
            return "draft"
        if self.goes_live_at > timezone.now():
            return "scheduled"
        if hasattr(self, "superseded"):  # ArrangementQuerySet.with_superseded()
            return "replaced" if self.superseded else "live"
        current = Arrangement.objects.current(self.section)
        return "live" if current is not None and current.pk == self.pk else "replaced"

    def picks(self):
        """The slots readers would see now: {"lead": Pick or None, "featured": [Pick, ...]}.

        Two queries whatever the number of slots: the slots, then their stories through
        ``Article.objects.published()`` (so a withdrawn story is simply not found).
        """
        return resolve(Slot.objects.filter(arrangement=self).showing())


class SlotQuerySet(models.QuerySet):
    def showing(self, at=None):
        """Slots not yet expired, in their order."""
        moment = at or timezone.now()
        return self.filter(Q(expires_at=None) | Q(expires_at__gt=moment)).order_by("position")

    def of_current(self, section=None):
        """The slots of the arrangement readers see on a page now (one query, with it)."""
        current = Arrangement.objects.for_page(section).live().values("pk")[:1]
        return self.filter(arrangement__in=current)


class Slot(models.Model):
    """One story in an arrangement, with what the page shows of it instead of its own."""

    class Crop(models.TextChoices):
        AS_UPLOADED = "", _("As the photo is")
        WIDE = "16:9", _("Wide (16:9)")
        STANDARD = "4:3", _("Standard (4:3)")
        SQUARE = "1:1", _("Square (1:1)")

    arrangement = models.ForeignKey(Arrangement, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveSmallIntegerField(
        default=0, help_text=_("0 is the lead; the featured stories follow in order.")
    )
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="slots",
        verbose_name=_("story"),
        help_text=_("Shown only while it is published; otherwise the page chooses by itself."),
    )
    headline = models.CharField(
        _("headline on this page"),
        max_length=300,
        blank=True,
        help_text=_("Leave empty to use the story's own headline."),
    )
    dek = models.CharField(
        _("dek on this page"),
        max_length=500,
        blank=True,
        help_text=_("Leave empty to use the story's own dek."),
    )
    crop = models.CharField(
        _("photo crop"),
        max_length=5,
        choices=Crop.choices,
        blank=True,
        default=Crop.AS_UPLOADED,
        help_text=_("One of the crops made around the photo's focal point."),
    )
    expires_at = models.DateTimeField(
        _("leaves the page at"),
        null=True,
        blank=True,
        help_text=_("Optional: from this time the page chooses this slot's story by itself."),
    )

    objects = SlotQuerySet.as_manager()

    class Meta:
        ordering = ["arrangement", "position"]
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        constraints = [
            models.UniqueConstraint(
                fields=["arrangement", "article"], name="one_slot_per_story_per_arrangement"
            )
        ]

    def __str__(self):
        return str(_("Lead")) if self.position == 0 else _("Featured %(n)s") % {"n": self.position}


@dataclass(frozen=True)
class Pick:
    """A slot's story as the page shows it: its overrides, or the story's own words."""

    article: Article
    headline: str
    dek: str
    crop: str
    is_lead: bool

    @classmethod
    def of(cls, article, is_lead=False):
        """The page's automatic choice: the story as it is."""
        return cls(article, article.headline, article.dek, "", is_lead)

    @property
    def photo_crop(self):
        """{"url", "width", "height"} of the chosen crop of the story's photo, or None."""
        photo = self.article.lead_photo
        if not self.crop or photo is None:
            return None
        return next((crop for crop in photo.crops() if crop["ratio"] == self.crop), None)


def resolve(slots):
    """{"lead", "featured"} from a queryset of slots: only the published stories' slots.

    One query: the slots with their stories, found through ``Article.objects.published()``.
    """
    card_columns = [f"article__{name}" for name in ArticleQuerySet.CARD_FIELDS]
    slots = (
        slots.filter(article__in=Article.objects.published())
        .select_related("article__section", "article__lead_photo")
        .only("position", "headline", "dek", "crop", "article", *card_columns)
    )
    picks = [
        Pick(
            article=slot.article,
            headline=slot.headline or slot.article.headline,
            dek=slot.dek or slot.article.dek,
            crop=slot.crop,
            is_lead=slot.position == 0,
        )
        for slot in slots
    ]
    lead = picks[0] if picks and picks[0].is_lead else None
    return {"lead": lead, "featured": [pick for pick in picks if not pick.is_lead]}


def current_picks(section=None):
    """What the top of a page shows now: {"lead": Pick or None, "featured": [Pick, ...]}."""
    return resolve(Slot.objects.of_current(section).showing())


def next_change(section=None, section_slug=None):
    """When the top of a page next changes by itself (a timestamp), or None: a scheduled
    arrangement going live, or a slot of the current one expiring. One query.

    The page is the front page, or a section's (given as a row or by its slug). Stories being
    published or withdrawn retire the page by themselves.
    """
    now = timezone.now()
    if section_slug is not None:
        arrangements = Arrangement.objects.filter(section__slug=section_slug)
    else:
        arrangements = Arrangement.objects.for_page(section)
    current = arrangements.live(now).values("pk")[:1]
    found = arrangements.aggregate(
        going_live=models.Min("goes_live_at", filter=Q(goes_live_at__gt=now)),
        expiring=models.Min(
            "slots__expires_at", filter=Q(pk__in=current, slots__expires_at__gt=now)
        ),
    )
    moments = [moment for moment in found.values() if moment is not None]
    return min(moments).timestamp() if moments else None


class BannerQuerySet(models.QuerySet):
    def active(self, at=None):
        moment = at or timezone.now()
        return self.filter(starts_at__lte=moment, ends_at__gt=moment)

    def not_ended(self, at=None):
        """Banners showing now or later, soonest first."""
        moment = at or timezone.now()
        return self.filter(ends_at__gt=moment).order_by("starts_at", "-pk")


class Banner(models.Model):
    """A one-line breaking-news banner on every public page, between its start and end."""

    text = models.CharField(
        max_length=160, help_text=_("One line, shown at the top of every page.")
    )
    url = models.URLField(
        _("link"),
        max_length=500,
        help_text=_("Where the banner leads: the story, or a live page."),
    )
    starts_at = models.DateTimeField(_("starts at"), default=timezone.now)
    ends_at = models.DateTimeField(_("ends at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )

    objects = BannerQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("breaking-news banner")
        verbose_name_plural = _("breaking-news banners")

    def __str__(self):
        return self.text

    def get_absolute_url(self):
        return self.url

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A banner ends after it starts.")})
