"""Parts of a page that may fail without taking the page down with them."""

import logging

from django import template
from django.conf import settings
from django.db import DatabaseError

logger = logging.getLogger(__name__)
register = template.Library()


@register.tag
def fail_safe(parser, token):
    """Renders its content, or the fallback if that raises: for photos and logos from storage.

    ``{% fail_safe %}<img src="{{ logo.url }}">{% on_failure %}Name{% end_fail_safe %}``
    (the ``{% on_failure %}`` part is optional and renders nothing by default).

    A storage that is down, or a file gone missing, then costs the reader the picture, not the
    page. The error is logged. Database errors still propagate (they are a 503, not a missing
    photo), and with DEBUG on nothing is hidden from the developer.
    """
    nodelist = parser.parse(("on_failure", "end_fail_safe"))
    fallback = template.NodeList()
    if parser.next_token().contents == "on_failure":
        fallback = parser.parse(("end_fail_safe",))
        parser.delete_first_token()
    return FailSafeNode(nodelist, fallback)


class FailSafeNode(template.Node):
    def __init__(self, nodelist, fallback):
        self.nodelist = nodelist
        self.fallback = fallback

    def render(self, context):
        return rendered_or_left_out(
            lambda: self.nodelist.render(context), lambda: self.fallback.render(context)
        )


def rendered_or_left_out(render, fallback=lambda: ""):
    """``render()``, or ``fallback()`` if that raises (logged): what {% fail_safe %} does.

    Database errors still propagate (they are a 503, not a missing photo), and with DEBUG on
    nothing is hidden from the developer.
    """
    try:
        return render()
    except DatabaseError:
        raise
    except Exception:
        if settings.DEBUG:
            raise
        logger.exception("Part of a page was left out: it could not be rendered.")
        return fallback()
