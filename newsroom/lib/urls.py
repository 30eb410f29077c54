from urllib.parse import urljoin

from django.conf import settings


def absolute_url(path_or_url: str) -> str:
    """An address on this site made absolute with SITE_URL; absolute ones (and "") pass unchanged.

    SITE_URL, not the request's host: canonical links, feeds and partners' copies must name the
    public site whatever host a request arrived on.
    """
    if not path_or_url:
        return path_or_url
    return urljoin(settings.SITE_URL + "/", path_or_url)
