"""SVG charts drawn on the server, so that the page and the PDF show the same picture.

No script and no style attribute (the site's CSP allows neither): colours are SVG presentation
attributes and classes. Each chart has a <title> and a <desc> referenced by aria-labelledby, and
the caller puts a data table after it for people who cannot see it.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.dates import MONTHS_3
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

BAR = "#a8161b"
INK = "#1b1b1b"
MUTED = "#4f4f4f"
LINE = "#b0b0b0"
FONT = "Noto Sans CJK SC, Source Han Sans SC, sans-serif"


@dataclass(frozen=True)
class Point:
    label: str
    value: float | int | Decimal


def month_points(series) -> list[Point]:
    return [Point(capfirst(str(MONTHS_3[int(month)])), value) for month, value in series]


def label_points(series) -> list[Point]:
    return [Point(str(label), value) for label, value in series]


def _n(value) -> str:
    """A coordinate for an SVG attribute."""
    return f"{float(value):.1f}".removesuffix(".0")


def _fmt(value) -> str:
    if isinstance(value, float | Decimal) and value != int(value):
        return f"{value:,.1f}"
    return f"{int(value):,}"


def _scale(points: list[Point]) -> float:
    top = max((float(p.value) for p in points), default=0)
    return top if top > 0 else 1


def _text_width(text: str, size: float) -> float:
    # CJK glyphs are a full em wide, Latin ones about half: enough to lay out labels.
    return sum(size if ord(ch) > 0x2E80 else size * 0.55 for ch in text)


def _join(parts) -> SafeString:
    """Concatenate fragments that format_html already escaped (budget charts)."""
    return format_html_join("", "{}", ((part,) for part in parts))


# The SVG is assembled with f-strings: its numbers are formatted here (_n, _fmt) and need no
# escaping, and every text (labels, titles, ids) goes through escape(). format_html on each
# element cost more than the rest of the review page.


def _frame(chart_id: str, title: str, desc: str, width: int, height: int, body: str) -> SafeString:
    cid = escape(chart_id)
    return mark_safe(  # noqa: S308 - every text above is escaped
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} '
        f'{_n(height)}" width="{_n(width)}" height="{_n(height)}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" font-family="{escape(FONT)}" font-size="13">'
        f'<title id="{cid}-title">{escape(title)}</title><desc id="{cid}-desc">{escape(desc)}'
        f"</desc>{body}</svg>"
    )


def describe(title: str, points: list[Point]) -> str:
    """A one-sentence text equivalent: the largest and the total."""
    if not points or all(float(p.value) == 0 for p in points):
        return _("%(title)s: no data for this year.") % {"title": title}
    top = max(points, key=lambda p: float(p.value))
    total = sum(float(p.value) for p in points)
    return _("%(title)s. Highest: %(label)s, %(value)s. Total: %(total)s.") % {
        "title": title,
        "label": top.label,
        "value": _fmt(top.value),
        "total": _fmt(total),
    }


def bar_chart(chart_id: str, title: str, points: list[Point], width: int = 640) -> SafeString:
    """Horizontal bars, one row per point, the value printed at the end of each bar."""
    size, row, gap = 13, 26, 8
    label_w = min(max((_text_width(p.label, size) for p in points), default=40) + 12, width * 0.4)
    value_w = 64
    bar_room = width - label_w - value_w
    top = _scale(points)
    height = max(len(points), 1) * (row + gap) + gap
    rows = []
    for i, p in enumerate(points):
        y = gap + i * (row + gap)
        w = max(float(p.value) / top * bar_room, 1 if float(p.value) else 0)
        ty = _n(y + row / 2 + size * 0.38)
        rows.append(
            f'<text x="{_n(label_w - 8)}" y="{ty}" text-anchor="end" fill="{INK}">'
            f"{escape(p.label)}</text>"
            f'<rect class="bar" x="{_n(label_w)}" y="{_n(y)}" width="{_n(w)}" height="{_n(row)}" '
            f'fill="{BAR}"/>'
            f'<text x="{_n(label_w + w + 6)}" y="{ty}" fill="{INK}">{_fmt(p.value)}</text>'
        )
    if not points:
        rows.append(
            f'<text x="8" y="24" fill="{MUTED}">{escape(_("No data for this year."))}</text>'
        )
    return _frame(chart_id, title, describe(title, points), width, height, "".join(rows))


def column_chart(chart_id: str, title: str, points: list[Point], width: int = 640) -> SafeString:
    """Vertical columns (e.g. the twelve months), values above, labels below a baseline."""
    size, top_pad, bottom = 13, 22, 28
    plot_h = 180
    height = top_pad + plot_h + bottom
    n = max(len(points), 1)
    slot = width / n
    col_w = slot * 0.62
    top = _scale(points)
    base_y = top_pad + plot_h
    parts = [
        f'<line x1="0" y1="{_n(base_y)}" x2="{_n(width)}" y2="{_n(base_y)}" stroke="{LINE}" '
        'stroke-width="1"/>'
    ]
    label_y, label_size = _n(base_y + size + 6), _n(min(size, slot / 3.2))
    for i, p in enumerate(points):
        h = float(p.value) / top * plot_h
        cx = _n(slot * i + slot / 2)
        parts.append(
            f'<rect class="bar" x="{_n(slot * i + slot / 2 - col_w / 2)}" y="{_n(base_y - h)}" '
            f'width="{_n(col_w)}" height="{_n(h)}" fill="{BAR}"/>'
            f'<text x="{cx}" y="{_n(base_y - h - 6)}" text-anchor="middle" fill="{INK}">'
            f"{_fmt(p.value)}</text>"
            f'<text x="{cx}" y="{label_y}" text-anchor="middle" fill="{MUTED}" '
            f'font-size="{label_size}">{escape(p.label)}</text>'
        )
    return _frame(chart_id, title, describe(title, points), width, height, "".join(parts))


def table_rows(points: list[Point]) -> SafeString:
    return mark_safe(  # noqa: S308 - the labels are escaped, the numbers formatted here
        "".join(
            f'<tr><th scope="row">{escape(p.label)}</th><td class="num">{_fmt(p.value)}</td></tr>'
            for p in points
        )
    )
