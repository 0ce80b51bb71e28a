"""Template helpers shared by every page."""

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse, translate_url
from django.utils.translation import get_language, pgettext

from congress.kit.urls import reverse_id

register = template.Library()

_HTML_LANG = {"zh-hans": "zh-CN", "en": "en"}


@register.simple_tag(takes_context=True)
def other_languages(context):
    """Links to this page in the other languages (plain links: no form, no script)."""
    request = context.get("request")
    current = get_language()
    path = request.get_full_path() if request else "/"
    return [
        {
            "code": code,
            "name": name,
            "html_lang": _HTML_LANG.get(code, code),
            "url": translate_url(path, code),
        }
        for code, name in settings.LANGUAGES
        if code != current
    ]


# The links every page's header and footer carry (templates/base.html), by the name it uses.
SITE_LINKS = {
    "home": "home",
    "deputies": "deputies:list",
    "stations": "deputies:station_list",
    "suggestions": "suggestions:list",
    "suggestion_stats": "suggestions:stats",
    "supervision": "supervision:item_list",
    "projects": "supervision:project_years",
    "reviews": "reviews:list",
    "portal": "deputies:portal",
    "admin": "admin:index",
    "login": "login",
    "logout": "logout",
    "opinion_start": "opinions:start",
    "opinion_track": "opinions:track",
    "opinion_stats": "opinions:stats",
    "opendata": "opendata:index",
}


@register.simple_tag
def site_links():
    """The header's and footer's links, reversed once per language and URL configuration
    rather than sixteen times a page; a name the site does not have gives "" (as
    `{% url … as name %}` does)."""
    return _site_links(get_language(), get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@lru_cache(maxsize=32)
def _site_links(language: str | None, script_prefix: str, urlconf: str | None) -> dict[str, str]:
    links = {}
    for key, name in SITE_LINKS.items():
        try:
            links[key] = reverse(name, urlconf=urlconf)
        except NoReverseMatch:
            links[key] = ""
    return links


@register.filter
def url_with_id(name, pk):
    """`{{ "suggestions:portal_detail"|url_with_id:item.pk }}`: `{% url name pk %}` for the rows of
    a list, without walking the URL patterns for each row (congress.kit.urls.reverse_id)."""
    return reverse_id(name, pk)


@register.filter
def query_with(query_string, page):
    """`?filters&page=N` for pagination links that keep the filters."""
    return f"?{query_string}&page={page}" if query_string else f"?page={page}"


@register.filter
def minutes(delta):
    """A timedelta as whole minutes, rounded up (for the login lockout message)."""
    if not delta:
        return 0
    return -(-int(delta.total_seconds()) // 60)


@register.inclusion_tag("includes/timeline.html")
def timeline(rows, heading=None, heading_id="timeline-h", empty=None):
    """Every timeline a reader sees, in one shape: what happened, by whom, when.

    `rows`: dicts (or objects) with `at` (aware datetime, shown in Asia/Shanghai as
    2022年6月18日 14:05), `label` (the labelled event), `who` (a role or a unit) and an optional
    `detail`, as `congress.timeline.timeline_rows` builds them from timeline entries.
    """
    return {"rows": rows, "heading": heading, "heading_id": heading_id, "empty": empty}


@register.filter
def counts(pairs):
    """Vote counts as a reader writes them: "赞成 201，弃权 8" (a full-width comma and thousands
    separators in Chinese; "For 201, abstain 8" in English)."""
    separator = pgettext("list separator", ", ")
    # Thousands grouped by three with a comma, as official Chinese documents print 1,322: the
    # zh-hans locale format has no grouping, so intcomma would print 1322.
    return separator.join(
        f"{label} {n:,}" if isinstance(n, int) else f"{label} {n}" for label, n in pairs
    )
