"""SVG charts drawn on the server, so that the page and the PDF show the same picture.

No script and no style attribute (the site's CSP allows neither): colours are SVG presentation
attributes and classes. Each chart has a <title> and a <desc> referenced by aria-labelledby, and
the caller puts a data table after it for people who cannot see it.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.dates import MONTHS_3
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
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
    """Concatenate fragments that format_html already escaped."""
    return format_html_join("", "{}", ((part,) for part in parts))


def _frame(chart_id: str, title: str, desc: str, width: int, height: int, body) -> SafeString:
    return format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" '
        'width="{w}" height="{h}" role="img" aria-labelledby="{id}-title {id}-desc" '
        'font-family="{font}" font-size="13">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        w=_n(width),
        h=_n(height),
        id=chart_id,
        font=FONT,
        title=title,
        desc=desc,
        body=body,
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
        rows.append(
            format_html(
                '<text x="{lx}" y="{ty}" text-anchor="end" fill="{ink}">{label}</text>'
                '<rect class="bar" x="{x}" y="{y}" width="{w}" height="{h}" fill="{bar}"/>'
                '<text x="{vx}" y="{ty}" fill="{ink}">{value}</text>',
                lx=_n(label_w - 8),
                ty=_n(y + row / 2 + size * 0.38),
                ink=INK,
                label=p.label,
                x=_n(label_w),
                y=_n(y),
                w=_n(w),
                h=_n(row),
                bar=BAR,
                vx=_n(label_w + w + 6),
                value=_fmt(p.value),
            )
        )
    if not points:
        rows.append(
            format_html(
                '<text x="8" y="24" fill="{}">{}</text>', MUTED, _("No data for this year.")
            )
        )
    return _frame(chart_id, title, describe(title, points), width, height, _join(rows))


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
        format_html(
            '<line x1="0" y1="{y}" x2="{w}" y2="{y}" stroke="{c}" stroke-width="1"/>',
            y=_n(base_y),
            w=_n(width),
            c=LINE,
        )
    ]
    for i, p in enumerate(points):
        h = float(p.value) / top * plot_h
        cx = slot * i + slot / 2
        parts.append(
            format_html(
                '<rect class="bar" x="{x}" y="{y}" width="{w}" height="{h}" '
                'fill="{bar}"/>'
                '<text x="{cx}" y="{vy}" text-anchor="middle" fill="{ink}">{value}</text>'
                '<text x="{cx}" y="{ly}" text-anchor="middle" fill="{muted}" '
                'font-size="{ls}">{label}</text>',
                x=_n(cx - col_w / 2),
                y=_n(base_y - h),
                w=_n(col_w),
                h=_n(h),
                bar=BAR,
                cx=_n(cx),
                vy=_n(base_y - h - 6),
                ink=INK,
                value=_fmt(p.value),
                ly=_n(base_y + size + 6),
                muted=MUTED,
                ls=_n(min(size, slot / 3.2)),
                label=p.label,
            )
        )
    return _frame(chart_id, title, describe(title, points), width, height, _join(parts))


def table_rows(points: list[Point]) -> SafeString:
    return format_html_join(
        "",
        '<tr><th scope="row">{}</th><td class="num">{}</td></tr>',
        ((p.label, _fmt(p.value)) for p in points),
    )
