"""Section narratives: Markdown written by staff, turned into HTML that is safe to publish.

Markdown passes raw HTML through, so the result is cleaned by nh3 (the Ammonia sanitiser) with an
allow-list: text structure, lists, quotes, tables and links. Scripts, styles, iframes, forms,
every on* attribute and javascript:/data: URLs are removed.
"""

import re
from collections.abc import Callable

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
    return markdown_renderer()(text)


def markdown_renderer() -> Callable[[str], SafeString]:
    """A renderer for the narratives of one page: one Markdown converter, reset between texts
    (converting with a new one each time cost half as much again). Nothing is kept across
    pages: each render converts its texts (no memo of rendered HTML)."""
    converter = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")

    def render(text: str) -> SafeString:
        converter.reset()
        html = _TOP_HEADINGS.sub(r"<\1h3\2", converter.convert(text or ""))
        return mark_safe(sanitise(html))  # noqa: S308  (cleaned by nh3)

    return render


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
