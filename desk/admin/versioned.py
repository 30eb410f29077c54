"""Change pages that refuse a stale save (desk/forms.py, VersionCheckedForm)."""

from django.contrib import admin

from desk.forms import VersionCheckedForm


class VersionCheckedAdmin(admin.ModelAdmin):
    """For every model a person edits: the change page carries the version it was loaded at.

    Two people editing one row: the second save is refused with who saved in between, and the
    form comes back with what the second person typed.
    """

    form = VersionCheckedForm

    def get_fields(self, request, obj=None):
        # Without fieldsets the form's own fields are listed: the version goes in its own.
        return [name for name in super().get_fields(request, obj) if name != "loaded_version"]

    def get_fieldsets(self, request, obj=None):
        return [*super().get_fieldsets(request, obj), *self.version_fieldset(request, obj)]

    def version_fieldset(self, request, obj):
        """The hidden version field, on the change page of those who may change the row."""
        if obj is None or not self.has_change_permission(request, obj):
            return []
        return [(None, {"fields": ["loaded_version"], "classes": ["hidden"]})]
