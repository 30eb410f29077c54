from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Newsroom"
admin.site.site_title = "Newsroom"
admin.site.index_title = "Newsroom desk"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("reader.urls")),
    path("", include("republication.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Error pages that render without the database (a 503 with Retry-After when it is down).
handler400 = "newsroom.views.bad_request"
handler500 = "newsroom.views.server_error"
