"""Section narratives: Markdown written by staff, turned into HTML that is safe to publish.

Markdown passes raw HTML through, so the result is cleaned by nh3 (the Ammonia sanitiser) with an
allow-list: text structure, lists, quotes, tables and links. Scripts, styles, iframes, forms,
every on* attribute and javascript:/data: URLs are removed.
"""

import functools
import re

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "sub", "sup", "code", "pre", "blockquote",
    "ul", "ol", "li", "h3", "h4", "h5", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# The section's own heading is an <h2>: a narrative's top-level headings sit below it.
_TOP_HEADINGS = re.compile(r"<(/?)h[12](\s|>)")


def render_markdown(text: str) -> SafeString:
    return mark_safe(_render(text or ""))  # noqa: S308  (cleaned by nh3 in _render)


@functools.lru_cache(maxsize=256)
def _render(text: str) -> str:
    """A pure function of the text, remembered: building a Markdown converter per section was
    most of the review page's own CPU time once its figures came from summary rows."""
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    html = _TOP_HEADINGS.sub(r"<\1h3\2", html)
    return sanitise(html)


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
