"""Live coverage: a story that runs as time-stamped entries, newest first.

A live story is an ordinary story (its headline, dek, body, bylines and workflow are the
article's) with a ``LiveCoverage`` row, and its entries are ``LiveEntry`` rows. Who may add and
publish entries is decided in live/workflow.py. The public sees an entry only while it is
published and its story is in ``Article.objects.published()``: ``LiveEntry.objects.public()``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from articles.embeds import provider_for
from articles.models import Article, Author, ImageCredit
from articles.sanitize import INLINE_EMBED, INLINE_PHOTO, sanitize_html


def entry_html(html):
    """An entry's text cleaned as a story's body is, without figures: an entry carries at most
    one photo and one embed, in fields of their own."""
    cleaned = sanitize_html(html)
    return INLINE_EMBED.sub("", INLINE_PHOTO.sub("", cleaned)).strip()


class LiveCoverage(models.Model):
    article = models.OneToOneField(
        Article,
        on_delete=models.CASCADE,
        related_name="live",
        verbose_name=_("story"),
        help_text=_("The story that carries the coverage: its headline, dek and bylines."),
    )
    started_at = models.DateTimeField(
        _("coverage started"),
        default=timezone.now,
        help_text=_("When the coverage began; readers and search engines are told."),
    )
    ended_at = models.DateTimeField(
        _("coverage ended"),
        null=True,
        blank=True,
        help_text=_(
            "Set it when the coverage is over: readers' pages stop asking for updates and "
            "reporters can no longer add entries."
        ),
    )
    reporters_may_add = models.BooleanField(
        _("reporters may add entries"),
        default=True,
        help_text=_(
            "While the coverage runs, reporters may add entries and publish their own. "
            "Editors always may."
        ),
    )

    class Meta:
        verbose_name = _("live coverage")
        verbose_name_plural = _("live coverage")
        ordering = ["-started_at"]

    def __str__(self):
        return self.article.headline

    def get_absolute_url(self):
        return self.article.get_absolute_url()

    @property
    def is_running(self):
        """Started and not yet ended."""
        now = timezone.now()
        return self.started_at <= now and (self.ended_at is None or self.ended_at > now)


def coverage_of(article):
    """The story's live coverage, or None (no query when it was selected with the story:
    ``select_related("live")``)."""
    try:
        return article.live
    except LiveCoverage.DoesNotExist:
        return None


class LiveEntryQuerySet(models.QuerySet):
    def published(self):
        """Entries their writers or editors have published, whatever their story's state."""
        return self.filter(status=LiveEntry.Status.PUBLISHED, published_at__lte=timezone.now())

    def public(self):
        """What the public may see: published entries of published stories, and nothing else."""
        return self.published().filter(coverage__article__in=Article.objects.published())

    def newest_first(self):
        return self.order_by("-published_at", "-pk")

    def for_display(self):
        """With what an entry shows: its author and photo, without a query per entry."""
        return self.select_related("author", "photo")


class LiveEntry(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    coverage = models.ForeignKey(
        LiveCoverage,
        on_delete=models.CASCADE,
        related_name="entries",
        verbose_name=_("live story"),
    )
    text = models.TextField(help_text=_("Cleaned of unsafe HTML when saved."))
    photo = models.ForeignKey(
        ImageCredit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="live_entries",
        help_text=_("Optional. It needs alt text and a credit, like any photo in a story."),
    )
    embed_url = models.URLField(
        _("embed"),
        max_length=500,
        blank=True,
        help_text=_("Optional: the https address of a post, video, document or chart."),
    )
    author = models.ForeignKey(
        Author,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="live_entries",
        help_text=_("Who readers are told wrote the entry."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        max_length=20, choices=Status, default=Status.PUBLISHED, db_index=True
    )
    pinned = models.BooleanField(
        default=False, help_text=_("Shown above the other entries, whatever its time.")
    )
    key_event = models.BooleanField(
        _("key event"), default=False, help_text=_("Marked for readers as a turn of events.")
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the entry first went out; readers see this time."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    objects = LiveEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("live entry")
        verbose_name_plural = _("live entries")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(
                fields=["coverage", "status", "-published_at"], name="live_entry_newest_idx"
            ),
        ]

    def __str__(self):
        return f"{self.coverage}: {self.excerpt}"

    def save(self, *args, **kwargs):
        self.text = entry_html(self.text)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)
        if self.published_at is not None:
            # The story changed for readers, feeds and partners (their "updated" times), without
            # a new version of the story: an editor editing it meanwhile is not refused.
            Article.objects.filter(pk=self.coverage.article_id).update(updated_at=timezone.now())

    def get_absolute_url(self):
        return f"{self.coverage.get_absolute_url()}#update-{self.pk}"

    @property
    def excerpt(self):
        return Truncator(strip_tags(self.text)).chars(60)

    @property
    def embed_provider(self):
        """The allow-listed provider of the entry's embed, or None."""
        return provider_for(self.embed_url) if self.embed_url else None

    @property
    def embed_frame_url(self):
        provider = self.embed_provider
        return provider.frame_url(self.embed_url) if provider else None

    @property
    def anchor(self):
        return f"update-{self.pk}"
