"""Request hygiene: refuse what no page of this site can use, before anything reads it; the
Content-Security-Policy header, built once where it never changes."""

from django.conf import settings
from django.http import HttpResponseNotAllowed
from django.middleware import csp
from django.template.defaultfilters import filesizeformat
from django.utils.csp import CSP, build_policy
from django.utils.translation import gettext as _

from newsroom.views import render_error_page


class RequestHygieneMiddleware:
    """Answers 413 to bodies over REQUEST_MAX_MB, 400 to NUL bytes in the address and 405 to
    TRACE.

    The size is judged from Content-Length alone, so a huge upload is refused before a byte of
    it is read (under WSGI, as deployed with gunicorn, Django never reads past Content-Length).
    NUL bytes never belong in a URL and PostgreSQL refuses them in queries, which would
    otherwise turn a search or a list filter into a server error. TRACE (and Microsoft's TRACK)
    would echo a request back, cookies included; no page here answers it.
    """

    REFUSED_METHODS = {"TRACE", "TRACK"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in self.REFUSED_METHODS:
            return HttpResponseNotAllowed(["GET", "HEAD", "POST", "OPTIONS"])
        limit = settings.REQUEST_MAX_MB * 1024 * 1024
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:
            return render_error_page(400, "400.html")
        if length > limit:
            message = _("The upload is too large: %(size)s, and the limit is %(limit)s.") % {
                "size": filesizeformat(length),
                "limit": filesizeformat(limit),
            }
            return render_error_page(413, "413.html", {"message": message})
        if "\x00" in request.path or any(
            "\x00" in key or "\x00" in value for key, value in request.GET.items()
        ):
            return render_error_page(400, "400.html")
        return self.get_response(request)


class ContentSecurityPolicyMiddleware(csp.ContentSecurityPolicyMiddleware):
    """Django's, with a policy that carries no nonce built once per configuration.

    A page served from the cache, and any page without an inline script or style, uses no
    nonce, so its policy is the same every time; building it was a tenth of a cache hit. A
    response that used a nonce, or that a view gave its own policy, is Django's own work.
    """

    def process_response(self, request, response):
        if (
            csp.get_nonce(request)
            or hasattr(response, "_csp_config")
            or hasattr(response, "_csp_ro_config")
        ):
            return super().process_response(request, response)
        for header, config in (
            (CSP.HEADER_ENFORCE, settings.SECURE_CSP),
            (CSP.HEADER_REPORT_ONLY, settings.SECURE_CSP_REPORT_ONLY),
        ):
            if config and header not in response:
                response.headers[str(header)] = _policy_without_nonce(config)
        return response


_policies: dict[int, tuple[object, str]] = {}


def _policy_without_nonce(config):
    # Keyed by the configuration object, which a change of settings replaces.
    built = _policies.get(id(config))
    if built is None or built[0] is not config:
        built = _policies[id(config)] = (config, build_policy(config))
    return built[1]
