"""The deputy's workspace frame (templates/portal/_nav.html): its links, built in one pass."""

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, gettext_noop, ngettext

from congress.templatetags.notices import unread_notices

register = template.Library()

# (URL name, label translated when shown, marked current on every page under it: its URL in
# the path; otherwise on its own page only)
_LINKS = (
    ("deputies:portal", gettext_noop("Overview"), False),
    ("deputies:portal_activities", gettext_noop("My activity booklet"), False),
    ("suggestions:portal_list", gettext_noop("My suggestions"), False),
    ("motions:portal_list", gettext_noop("My motions"), False),
    ("opinions:portal_list", gettext_noop("Residents' opinions"), True),
    ("supervision:budget_portal", gettext_noop("Budget"), True),
    ("supervision:vote_list", gettext_noop("Votes"), True),
)


@lru_cache(maxsize=64)
def _url(name: str, language: str | None, script_prefix: str, urlconf: str | None) -> str:
    # Reversed once per name, language, prefix and URL configuration, as congress.kit.urls does
    # for rows' links: the frame is on every workspace page.
    return reverse(name, urlconf=urlconf)


def _urls(names) -> list[str]:
    key = (get_language(), get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return [_url(name, *key) for name in names]


@register.simple_tag(takes_context=True)
def workspace_nav(context) -> SafeString:
    """The workspace's navigation: each page's link, the current one marked, and the count of
    unread notices on the notices' link (the view's `unread_notices` if it read it, or one
    query)."""
    request = context.get("request")
    path = request.path if request is not None else ""
    urls = _urls([name for name, _label, _within in _LINKS] + ["notices:inbox"])
    current = ' aria-current="page"'
    items = format_html_join(
        "\n    ",
        '<li><a href="{}"{}>{}</a></li>',
        (
            (
                url,
                SafeString(current) if (url in path if within else path == url) else "",
                gettext(label),
            )
            for url, (_name, label, within) in zip(urls, _LINKS, strict=False)
        ),
    )
    notices_url = urls[-1]
    unread = context.get("unread_notices")  # read by the view with its own figures
    if unread is None:
        unread = unread_notices(context)
    tag = (
        format_html(
            ' <span class="tag">{}</span>',
            ngettext("%(counter)s unread", "%(counter)s unread", unread) % {"counter": unread},
        )
        if unread
        else ""
    )
    return format_html(
        '<nav class="portal-nav" aria-label="{}">\n  <ul>\n    {}\n'
        '    <li><a href="{}"{}>{}{}</a></li>\n  </ul>\n</nav>',
        gettext("Deputy workspace"),
        items,
        notices_url,
        SafeString(current) if notices_url in path else "",
        gettext("Notices"),
        tag,
    )
