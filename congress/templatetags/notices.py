from django import template

from congress.notices.models import Notice

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notices(context) -> int:
    """How many of the logged-in person's notices are unread (the frame's count)."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return Notice.objects.filter(user=user).unread().count()
