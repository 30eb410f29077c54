"""How stories travel: the republication panel on an article and the most republished stories."""

from datetime import date, timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.http import StreamingHttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from articles import workflow
from articles.models import (
    Article,
    ArticleRedirect,
    EmbargoShare,
    Publisher,
    RepublishedArticle,
)
from desk.admin.readonly import ReadOnlyAdmin
from desk.admin.versioned import VersionCheckedAdmin
from newsroom.lib.urls import absolute_url
from republication.models import Partner, PartnerKey, PartnerRepublication, WebhookDelivery
from republication.partners import may_be_republished, pages_carrying
from republication.reports import daily_views_by_site, republication_summary, views_csv_lines
from republication.tasks import last_failure, request_flush

# The longest period one export covers: ten years of days.
EXPORT_MAX_DAYS = 3660


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


def views_csv_response(rows, since: date, until: date) -> StreamingHttpResponse:
    response = StreamingHttpResponse(views_csv_lines(rows), content_type="text/csv; charset=utf-8")
    filename = f"republished-views-{since.isoformat()}-{until.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ViewsExportForm(forms.Form):
    """The period of a CSV export of republished views; the last 30 days unless chosen."""

    since = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    until = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )

    def clean(self):
        cleaned = super().clean()
        until = cleaned.get("until") or timezone.localdate()
        since = cleaned.get("since") or until - timedelta(days=29)
        if since > until:
            raise forms.ValidationError(_("The first day must come before the last."))
        if (until - since).days >= EXPORT_MAX_DAYS:
            raise forms.ValidationError(_("Export at most ten years at a time."))
        cleaned["since"], cleaned["until"] = since, until
        return cleaned


@admin.register(RepublishedArticle)
class MostRepublishedAdmin(ReadOnlyAdmin):
    """Articles ranked by views of their republished copies. Read-only."""

    list_display = ["story", "total_views", "views_last_30_days", "site_count", "publish_at"]
    list_display_links = None
    search_fields = ["headline"]
    list_per_page = 50
    actions = ["export_views"]
    change_list_template = "desk/most_republished_change_list.html"

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

    def has_export_permission(self, request):
        """Counts leave the newsroom for funders' reports: an editor's decision."""
        return request.user.has_perm("articles.publish_article")

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            for message in counting_notes(request_flush(), last_failure()):
                messages.info(request, message)
        extra_context = {"may_export": self.has_export_permission(request)} | (extra_context or {})
        return super().changelist_view(request, extra_context)

    @admin.action(
        description=_("Export the daily views of the selected stories (CSV)"),
        permissions=["export"],
    )
    def export_views(self, request, queryset):
        until = timezone.localdate()
        rows = daily_views_by_site(date.min, until, queryset.values_list("pk", flat=True))
        first = rows.first()
        return views_csv_response(rows, first["day"] if first else until, until)

    def get_urls(self):
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_export",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request):
        """Views per day, story and republishing site as CSV, for a chosen period."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        form = ViewsExportForm(request.GET if "until" in request.GET else None)
        if form.is_valid():
            since, until = form.cleaned_data["since"], form.cleaned_data["until"]
            return views_csv_response(daily_views_by_site(since, until), since, until)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Export republished views"),
            "form": form,
        }
        return TemplateResponse(request, "desk/republication_export.html", context)


@admin.register(EmbargoShare)
class EmbargoShareAdmin(admin.ModelAdmin):
    """Stories shared ahead of publication: one signed link per partner, who opened and copied it.

    A share is made once and then only revoked: its story, partner and embargo are fixed.
    """

    list_display = [
        "article",
        "partner",
        "embargo_until",
        "state",
        "open_count",
        "copy_count",
    ]
    search_fields = ["article__headline", "recipient_name", "recipient_email"]
    list_select_related = ["article"]
    autocomplete_fields = ["article"]
    actions = ["revoke_selected"]
    fields = ["article", "recipient_name", "recipient_email", "embargo_until"]
    tracking_fields = [
        "partner_link",
        "state",
        "created_by",
        "created_at",
        "open_count",
        "first_opened_at",
        "last_opened_at",
        "copy_count",
        "last_copied_at",
        "revoked_at",
    ]

    def get_fields(self, request, obj=None):
        return self.fields if obj is None else [*self.fields, *self.tracking_fields]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else [*self.fields, *self.tracking_fields]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "article":
            kwargs["queryset"] = Article.objects.exclude(
                status__in=[Article.Status.DRAFT, Article.Status.WITHDRAWN]
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        messages.success(
            request,
            _("Send %(partner)s this link: %(url)s")
            % {"partner": obj.recipient_name, "url": absolute_url(obj.get_absolute_url())},
        )
        return super().response_add(request, obj, post_url_continue)

    @admin.display(description=_("partner"), ordering="recipient_name")
    def partner(self, share):
        return format_html("{}<br>{}", share.recipient_name, share.recipient_email)

    @admin.display(description=_("state"))
    def state(self, share):
        if share.revoked_at:
            return _("revoked")
        # One query per row, on a list of a few dozen shares at most.
        return _("released") if share.is_released else _("embargoed")

    @admin.display(description=_("partner's link"))
    def partner_link(self, share):
        if share.revoked_at:
            return _("Revoked: the link no longer works.")
        url = absolute_url(share.get_absolute_url())
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.action(description=_("Revoke the selected links"), permissions=["change"])
    def revoke_selected(self, request, queryset):
        revoked = 0
        for share in queryset.filter(revoked_at=None):
            workflow.revoke_embargo_share(share, request.user)
            revoked += 1
        messages.success(request, _("%(count)d link(s) revoked.") % {"count": revoked})


@admin.register(ArticleRedirect)
class ArticleRedirectAdmin(VersionCheckedAdmin):
    """Old addresses of stories, each a permanent redirect to the story's current address."""

    list_display = ["__str__", "article", "current_address", "created_at"]
    search_fields = ["old_slug", "article__headline", "article__slug"]
    list_select_related = ["article"]
    autocomplete_fields = ["article"]
    fields = ["old_slug", "article"]

    @admin.display(description=_("leads to"))
    def current_address(self, redirect):
        return redirect.article.get_absolute_url()


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
