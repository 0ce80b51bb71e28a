"""The deputy's workspace frame (templates/portal/_nav.html): its links, built in one pass."""

from functools import lru_cache

from django import template
from django.conf import settings
from django.db import connection
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, gettext_noop, ngettext

from deputies.auth import unread_notices_read_with

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


# The person's unread notices (congress.templatetags.notices.unread_notices). Written as SQL:
# through the ORM the count took more to build than to run, on every workspace page.
UNREAD_SQL = "SELECT COUNT(*) FROM congress_notice WHERE user_id = %s AND read_at IS NULL"


def _unread(request) -> int:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    # Read with the user at the start of a GET (deputies/auth.py). A POST may have read or
    # sent notices since: it counts afresh.
    if request.method in ("GET", "HEAD"):
        unread = unread_notices_read_with(user)
        if unread is not None:
            return unread
    with connection.cursor() as cursor:
        cursor.execute(UNREAD_SQL, [user.pk])
        return cursor.fetchone()[0]


@lru_cache(maxsize=512)
def _frame(
    path: str, language: str | None, script_prefix: str, urlconf: str | None
) -> tuple[str, str]:
    """The navigation's HTML before and after the unread count, for one page in one language:
    built once per path (format_html over eight links took ~60 of the tag's ~85 µs)."""
    urls = [_url(name, language, script_prefix, urlconf) for name in _NAMES]
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
    head = format_html(
        '<nav class="portal-nav" aria-label="{}">\n  <ul>\n    {}\n    <li><a href="{}"{}>{}',
        gettext("Deputy workspace"),
        items,
        notices_url,
        SafeString(current) if notices_url in path else "",
        gettext("Notices"),
    )
    return head, "</a></li>\n  </ul>\n</nav>"


_NAMES = tuple(name for name, _label, _within in _LINKS) + ("notices:inbox",)


@register.simple_tag(takes_context=True)
def workspace_nav(context) -> SafeString:
    """The workspace's navigation: each page's link, the current one marked, and the count of
    unread notices on the notices' link (the view's `unread_notices` if it read it, else the
    count read with the user, or one query)."""
    request = context.get("request")
    path = request.path if request is not None else ""
    head, tail = _frame(
        path, get_language(), get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
    )
    unread = context.get("unread_notices")  # read by the view with its own figures
    if unread is None:
        unread = _unread(request)
    tag = (
        format_html(
            ' <span class="tag">{}</span>',
            ngettext("%(counter)s unread", "%(counter)s unread", unread) % {"counter": unread},
        )
        if unread
        else ""
    )
    return SafeString(f"{head}{tag}{tail}")
