from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the desk lists but nobody writes by hand: no add, change or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
