from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from articles.sanitize import sanitize_html


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


class Publisher(models.Model):
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
        return reverse("articles:terms")

    @classmethod
    def load(cls):
        """The publisher's settings, created with defaults the first time they are needed."""
        publisher, _created = cls.objects.get_or_create(pk=1)
        return publisher

    @classmethod
    def for_request(cls, request):
        """The publisher's settings, read once per request (from the cache) however many ask."""
        from articles.caching import site_furniture

        return site_furniture(request)["publisher"]

    @property
    def licence_url(self):
        return LICENCE_URLS.get(self.licence, "")

    @property
    def required_attribution(self):
        """Human-readable list of what a republishing partner must carry."""
        elements = [
            (self.requires_logo, _("our logo")),
            (self.requires_byline, _("the reporter's byline")),
            (self.requires_affiliation, _("the reporter's affiliation")),
            (self.requires_link_back, _("a link to the original article")),
            (self.requires_pixel, _("our counting pixel")),
        ]
        return [label for required, label in elements if required]


class Section(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(
        default=0, help_text=_("Sections are listed in this order on the site.")
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})


class SocialNetwork(models.TextChoices):
    X = "x", "X"
    BLUESKY = "bluesky", "Bluesky"
    MASTODON = "mastodon", "Mastodon"
    THREADS = "threads", "Threads"
    INSTAGRAM = "instagram", "Instagram"
    LINKEDIN = "linkedin", "LinkedIn"
    OTHER = "other", _("the web")


class Author(models.Model):
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
        return reverse("articles:author", kwargs={"slug": self.slug})

    def affiliation_or(self, publisher_name):
        return self.affiliation or publisher_name


class ImageCredit(models.Model):
    """A photo and everything needed to credit it the way the agency asks."""

    image = models.ImageField(upload_to="photos/%Y/%m/", width_field="width", height_field="height")
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("photo")

    def __str__(self):
        return self.caption[:80] or self.reference_id or self.image.name

    @property
    def credit_line(self):
        """The wire credit line: agency, photographer, providers, suffix — or the override."""
        if self.credit_override:
            return self.credit_override
        parts = [self.agency, self.photographer, self.providers, self.suffix]
        return "/".join(part.strip() for part in parts if part and part.strip())


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What the public may see. The only definition of it: every public surface starts here."""
        return self.filter(status=Article.Status.PUBLISHED, publish_at__lte=timezone.now())

    def with_listing_related(self):
        """Section, lead photo and bylines for a list of articles, without a query per row."""
        return self.select_related("section", "lead_photo").prefetch_related(
            models.Prefetch("bylines", queryset=Byline.objects.select_related("author"))
        )


class Article(models.Model):
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-created_at"]
        indexes = [models.Index(fields=["status", "-publish_at"], name="article_visible_idx")]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        if self.status == self.Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:article-detail", kwargs={"slug": self.slug})

    @property
    def last_updated(self):
        """When the story changed after it went out, or None if it has not (a minute's grace)."""
        if self.publish_at and self.updated_at - self.publish_at > timedelta(minutes=1):
            return self.updated_at
        return None

    def republication_terms(self, publisher):
        """The licence and terms text in force for this story: its own, or the publisher's."""
        return {
            "licence": self.licence or publisher.licence,
            "licence_label": Licence(self.licence or publisher.licence).label,
            "licence_url": LICENCE_URLS.get(self.licence or publisher.licence, ""),
            "text": self.terms or publisher.terms,
        }


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
