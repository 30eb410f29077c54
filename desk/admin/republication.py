"""How stories travel: the republication panel on an article and the most republished stories."""

from datetime import timedelta

from django.contrib import admin, messages
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from articles.models import Publisher, RepublishedArticle
from desk.admin.readonly import ReadOnlyAdmin
from republication.models import Partner, PartnerKey, PartnerRepublication, WebhookDelivery
from republication.partners import may_be_republished, pages_carrying
from republication.reports import republication_summary
from republication.tasks import last_failure, request_flush


def republication_panel(model_admin, article):
    """Views of the article's republished copies: total, sites, pages and a 30-day chart."""
    if not article.pk:
        return "—"
    # What is stored, and a worker is asked to write what the pixel has gathered since.
    return render_to_string(
        "desk/republication_panel.html",
        {
            "article": article,
            "counting_notes": counting_notes(request_flush(), last_failure()),
            **republication_summary(article),
        },
    )


def counting_notes(waiting, failure):
    """What an editor should know about numbers not yet written."""
    notes = []
    if waiting:
        notes.append(
            _(
                "Views counted in the last few minutes are being written; reload in a moment "
                "to see them."
            )
        )
    if failure:
        notes.append(
            _(
                "Writing the latest views failed (%(error)s). They are kept and written on the "
                "next try."
            )
            % {"error": failure}
        )
    return notes


@admin.register(RepublishedArticle)
class MostRepublishedAdmin(ReadOnlyAdmin):
    """Articles ranked by views of their republished copies. Read-only."""

    list_display = ["story", "total_views", "views_last_30_days", "site_count", "publish_at"]
    list_display_links = None
    search_fields = ["headline"]
    list_per_page = 50

    def get_queryset(self, request):
        since = timezone.localdate() - timedelta(days=29)
        # Built here rather than by super(), which would order by the annotations before they exist.
        return (
            self.model._default_manager.annotate(
                total_views=Coalesce(Sum("republication_views__views"), 0),
                recent_views=Coalesce(
                    Sum(
                        "republication_views__views",
                        filter=Q(republication_views__day__gte=since),
                    ),
                    0,
                ),
                sites=Count("republication_views__site", distinct=True),
            )
            .filter(total_views__gt=0)
            .order_by(*self.get_ordering(request))
        )

    def get_ordering(self, request):
        return ["-total_views", "-publish_at"]

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            for message in counting_notes(request_flush(), last_failure()):
                messages.info(request, message)
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("story"), ordering="headline")
    def story(self, article):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:articles_article_change", args=[article.pk]),
            article.headline,
        )

    @admin.display(description=_("views, all time"), ordering="total_views")
    def total_views(self, article):
        return article.total_views

    @admin.display(description=_("views, last 30 days"), ordering="recent_views")
    def views_last_30_days(self, article):
        return article.recent_views

    @admin.display(description=_("sites"), ordering="sites")
    def site_count(self, article):
        return article.sites

    def has_view_permission(self, request, obj=None):
        # Whoever may see articles in the admin may see how they travel.
        return request.user.has_perm("articles.view_article") or request.user.has_perm(
            "articles.change_article"
        )

    def has_module_permission(self, request):
        return self.has_view_permission(request)


# --- partners ---


class EditorsOnly:
    """Partners, their keys and what is pushed to them are for editors (and superusers)."""

    def has_module_permission(self, request):
        return request.user.has_perm("articles.publish_article")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("articles.publish_article")

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("articles.publish_article")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("articles.publish_article")

    def has_delete_permission(self, request, obj=None):
        # A partner is suspended, not deleted: its delivery log stays.
        return request.user.is_superuser


class PartnerKeyInline(EditorsOnly, admin.TabularInline):
    model = PartnerKey
    fields = ["prefix", "created_at", "created_by", "revoked_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # keys are issued by the actions, which show them once


class PartnerRepublicationInline(EditorsOnly, admin.TabularInline):
    model = PartnerRepublication
    fields = ["article", "page_url", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["article"]
    extra = 0


@admin.register(Partner)
class PartnerAdmin(EditorsOnly, admin.ModelAdmin):
    list_display = ["organisation", "status", "contact_email", "site_list", "webhook_url"]
    list_filter = ["status", "registered_by_partner"]
    search_fields = ["organisation", "contact_email", "hosts"]
    readonly_fields = ["registered_by_partner", "created_at", "approved_at", "approved_by"]
    fields = [
        "organisation",
        "contact_name",
        "contact_email",
        "hosts",
        "webhook_url",
        "notes",
        "status",
        *readonly_fields,
    ]
    inlines = [PartnerKeyInline, PartnerRepublicationInline]
    actions = ["approve", "issue_key", "revoke_keys", "rotate_webhook_secret", "suspend"]

    @admin.display(description=_("sites"))
    def site_list(self, partner):
        return ", ".join(partner.host_list)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.webhook_url and not obj.webhook_secret:
            self._show_secret(request, obj, obj.rotate_webhook_secret())

    def _show_secret(self, request, partner, secret):
        messages.warning(
            request,
            _(
                "Webhook signing secret for %(partner)s, shown only now — send it to them "
                "safely: %(secret)s"
            )
            % {"partner": partner, "secret": secret},
        )

    def _show_key(self, request, partner, key):
        messages.warning(
            request,
            _("API key for %(partner)s, shown only now — send it to them safely: %(key)s")
            % {"partner": partner, "key": key},
        )

    @admin.action(description=_("Approve, and issue an API key"))
    def approve(self, request, queryset):
        for partner in queryset.exclude(status=Partner.Status.APPROVED):
            partner.approve(request.user)
            self._show_key(request, partner, partner.issue_key(request.user))

    @admin.action(description=_("Issue a new API key (rotate: revoke the old ones after)"))
    def issue_key(self, request, queryset):
        for partner in queryset.filter(status=Partner.Status.APPROVED):
            self._show_key(request, partner, partner.issue_key(request.user))

    @admin.action(description=_("Revoke all their API keys now"))
    def revoke_keys(self, request, queryset):
        revoked = PartnerKey.objects.filter(partner__in=queryset, revoked_at=None).update(
            revoked_at=timezone.now()
        )
        messages.success(request, _("%(count)d key(s) revoked.") % {"count": revoked})

    @admin.action(description=_("New webhook signing secret"))
    def rotate_webhook_secret(self, request, queryset):
        for partner in queryset:
            self._show_secret(request, partner, partner.rotate_webhook_secret())

    @admin.action(description=_("Suspend: no API access, no webhooks"))
    def suspend(self, request, queryset):
        queryset.update(status=Partner.Status.SUSPENDED)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(EditorsOnly, ReadOnlyAdmin):
    """The log of what was pushed to partners, and how each delivery went."""

    list_display = [
        "created_at",
        "partner",
        "event",
        "article",
        "status",
        "attempts",
        "response_status",
        "error",
    ]
    list_filter = ["status", "event", "partner"]
    list_select_related = ["partner", "article"]
    search_fields = ["article__headline", "partner__organisation"]
    exclude = ["payload"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def carriers_message(article):
    """For the editor who has just corrected or withdrawn a story: where copies are, and
    whether partners' systems are being told."""
    pages = pages_carrying(article, limit=10)
    if not may_be_republished(article, Publisher.load()):
        told = _("The story is not for republication: no webhook is sent.")
    else:
        told = _("Partners with a webhook (%(count)d) are being told.") % {
            "count": Partner.objects.with_webhook().count()
        }
    if not pages:
        return format_html("{} {}", _("No partner page is known to carry this story."), told)
    # Lines, not a list: the admin styles every item of its message list as a message.
    items = format_html_join(
        "",
        "<br>{}{}",
        ((page["url"], f" — {page['partner']}" if page["partner"] else "") for page in pages),
    )
    return format_html(
        "{}{}<br>{}",
        _("Partner pages known to carry this story (tell them if they have no webhook):"),
        items,
        told,
    )
