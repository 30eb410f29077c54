from django.contrib.admin.apps import AdminConfig


class NewsroomAdminConfig(AdminConfig):
    """The admin, on a site whose writes are each one transaction (newsroom/admin_site.py)."""

    default_site = "newsroom.admin_site.NewsroomAdminSite"
