from django import template

from desk.dashboard import desk_for

register = template.Library()


@register.inclusion_tag("desk/dashboard.html", takes_context=True)
def newsroom_desk(context):
    request = context["request"]
    return {"desk": desk_for(request.user), "request": request}
