"""A URLconf for security tests: the site, plus probes no real page has yet.

- /probe/json-ld/ and /probe/inline-script/: how Chromium treats a JSON-LD data block, and an
  inline script without a nonce (which must be reported, or the CSP tests could never fail);
- /editor-admin/: an admin site whose article form uses the rich-text editor, as the workflow
  admin does, so the editor is loaded under the CSP;
- /writing-admin/failing-write/: an admin view that writes, then fails.
"""

from django import forms
from django.contrib import admin
from django.http import HttpResponse
from django.urls import path
from django_prose_editor.widgets import AdminProseEditorWidget

from articles.models import Article, Section
from desk.forms import BODY_EDITOR_CONFIG
from newsroom.admin_site import NewsroomAdminSite
from newsroom.urls import handler400, handler500  # noqa: F401 (the site's error pages)
from newsroom.urls import urlpatterns as site_urlpatterns

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>probe</title>
{head}</head><body><p>probe</p></body></html>"""

JSON_LD = """<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Probe"}
</script>"""


def json_ld_page(request):
    return HttpResponse(PAGE.format(head=JSON_LD))


def inline_script_page(request):
    return HttpResponse(PAGE.format(head="<script>document.title = 'ran';</script>"))


class EditorArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["headline", "slug", "body"]
        widgets = {"body": AdminProseEditorWidget(config=BODY_EDITOR_CONFIG, preset="configurable")}


class EditorArticleAdmin(admin.ModelAdmin):
    form = EditorArticleForm


editor_site = NewsroomAdminSite(name="editor_admin")
editor_site.register(Article, EditorArticleAdmin)

writing_site = NewsroomAdminSite(name="writing_admin")


class FailedHalfWay(Exception):
    pass


def failing_write(request):
    """Renames the first section, then fails, as a workflow step might."""
    Section.objects.filter(pk=request.POST["section"]).update(name="Renamed half-way")
    raise FailedHalfWay("the second step of this write failed")


urlpatterns = [
    path("probe/json-ld/", json_ld_page),
    path("probe/inline-script/", inline_script_page),
    path("editor-admin/", editor_site.urls),
    path("writing-admin/failing-write/", writing_site.admin_view(failing_write)),
    *site_urlpatterns,
]
