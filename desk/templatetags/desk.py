from django import template

from desk.dashboard import desk_for
from live.models import coverage_of
from live.workflow import may_add_entry

register = template.Library()


@register.inclusion_tag("desk/dashboard.html", takes_context=True)
def newsroom_desk(context):
    request = context["request"]
    return {"desk": desk_for(request.user), "request": request}


@register.inclusion_tag("desk/live_coverage_tools.html")
def live_coverage_tools(article, user):
    """On a story's screen: add an entry to its live coverage, or (editors) open coverage."""
    coverage = coverage_of(article)
    return {
        "article": article,
        "coverage": coverage,
        "may_add_entry": coverage is not None and may_add_entry(user, coverage),
        "may_see": user.has_perm("live.view_livecoverage"),
        "may_open": coverage is None and user.has_perm("live.add_livecoverage"),
    }
