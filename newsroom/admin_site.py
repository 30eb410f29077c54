from functools import wraps

from django.contrib.admin import AdminSite
from django.db import transaction

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class NewsroomAdminSite(AdminSite):
    """The admin site, whose every write is all or nothing.

    Django already runs its add, change, delete and list-edit views in a transaction; this
    extends that to every view wrapped with ``admin_view()``: admin actions and custom views
    such as workflow buttons. A save that fails half-way leaves the stored story as it was.
    """

    def admin_view(self, view, cacheable=False):
        @wraps(view)
        def atomic_for_writes(request, *args, **kwargs):
            if request.method in SAFE_METHODS:
                return view(request, *args, **kwargs)
            with transaction.atomic():
                return view(request, *args, **kwargs)

        return super().admin_view(atomic_for_writes, cacheable)
