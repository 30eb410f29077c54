"""Error pages that need no database, and the admin's lockout page."""

import logging
import sys

from django.conf import settings
from django.contrib import admin
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# What a database that is down, restarting or unreachable raises.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)

MINIMAL_PAGE = "<!DOCTYPE html><title>{status}</title><h1>{status}</h1>"


def render_error_page(status, template_name, context=None):
    """A page in the site's design that needs no database (its template gets no request)."""
    context = {"site_name": settings.SITE_NAME, "status": status, **(context or {})}
    try:
        html = loader.render_to_string(template_name, context)
    except Exception:
        logger.exception("The %s page could not be rendered.", status)
        html = MINIMAL_PAGE.format(status=status)
    return HttpResponse(html, status=status)


def server_error(request):
    """handler500: an unreachable database is a 503 with Retry-After; anything else a 500."""
    if isinstance(sys.exception(), DATABASE_UNAVAILABLE):
        response = render_error_page(503, "503.html")
        response["Retry-After"] = str(settings.OUTAGE_RETRY_AFTER)
    else:
        response = render_error_page(500, "500.html")
    add_never_cache_headers(response)
    return response


def bad_request(request, exception):
    return render_error_page(400, "400.html")


def login_locked_out(request, original_response=None, credentials=None):
    """What django-axes answers to a login from a locked-out account and address."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        **admin.site.each_context(request),
        "title": _("Too many failed logins"),
        "lockout_minutes": minutes,
    }
    response = TemplateResponse(request, "admin/locked_out.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    # Axes' middleware returns this after the other middleware has rendered its responses.
    return response.render()
