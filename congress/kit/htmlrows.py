"""Rows of HTML written in Python, where a template loop costs more than the page's queries.

A list page's table body or cards, rendered by a template, pays for every tag, filter and
include on every row (the deputies directory spent most of its time there). The views that
build such rows in Python put every text through `esc()` — what a template's ``{{ value }}``
writes — and hand the pieces to the template as one safe string with `joined()`. Each such
builder says so in its docstring; its tests show that names with ``<``, ``&`` and quotes come
out escaped.
"""

import html
from collections.abc import Iterable
from typing import Any

from django.utils.safestring import SafeString, mark_safe


def esc(value: Any) -> str:
    """The value as a template writes it: its text HTML-escaped; markup already marked safe
    (a SafeString, anything with __html__) as it is."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def joined(parts: Iterable[str], separator: str = "") -> SafeString:
    """Pieces of markup whose every text went through esc(), as one safe string."""
    return mark_safe(separator.join(parts))  # noqa: S308 - the builders escape every text
