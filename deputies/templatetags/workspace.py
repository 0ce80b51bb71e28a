"""Tags of the deputy's workspace frame (templates/portal/_nav.html)."""

from django import template

from congress.templatetags.notices import unread_notices

register = template.Library()


@register.simple_tag(takes_context=True)
def workspace_unread_notices(context) -> int:
    """The frame's count of unread notices: the one deputies.portal.deputy_required read with
    the deputy (no query of its own) on a GET, else the `unread_notices` tag's count (a POST
    may have written notices since, a page without the workspace's deputy has none)."""
    request = context.get("request")
    counted = getattr(context.get("deputy"), "unread_notices", None)
    if (
        counted is not None
        and request is not None
        and request.method in ("GET", "HEAD")
        and context["deputy"].user_id == request.user.pk
    ):
        return counted
    return unread_notices(context)
