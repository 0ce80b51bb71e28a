"""The budget register's SVG charts, drawn on the server in the review's style
(congress/review/charts.py: no script, no style attribute, a <title> and a <desc>); the page puts
a table after each for people who cannot see it."""

from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from congress.review.charts import BAR, INK, LINE, MUTED, _frame, _join, _n, _text_width

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40


def _x(month: int) -> float:
    return LEFT + (WIDTH - LEFT - RIGHT) * month / 12


def _y(value, top) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - float(value) / float(top))


def _axes(top, step, unit: str) -> list[SafeString]:
    parts = []
    value = 0.0
    while value <= float(top) + 1e-9:
        y = _y(value, top)
        parts.append(
            format_html(
                '<line x1="{l}" y1="{y}" x2="{r}" y2="{y}" stroke="{c}" stroke-width="1"/>'
                '<text x="{tx}" y="{ty}" text-anchor="end" fill="{m}" font-size="11">{v}{u}</text>',
                l=_n(LEFT),
                r=_n(WIDTH - RIGHT),
                y=_n(y),
                c=LINE,
                tx=_n(LEFT - 6),
                ty=_n(y + 4),
                m=MUTED,
                v=f"{value:g}",
                u=unit,
            )
        )
        value += step
    for month in range(1, 13):
        parts.append(
            format_html(
                '<text x="{x}" y="{y}" text-anchor="middle" fill="{m}" font-size="11">{label}</text>',
                x=_n(_x(month)),
                y=_n(HEIGHT - BOTTOM + 16),
                m=MUTED,
                label=_("M%(month)s") % {"month": month},
            )
        )
    return parts


def _polyline(points, top, colour, dash=False, label="") -> SafeString:
    coords = " ".join(f"{_n(_x(m))},{_n(_y(v, top))}" for m, v in points)
    dots = _join(
        format_html(
            '<circle cx="{x}" cy="{y}" r="3" fill="{c}"/>', x=_n(_x(m)), y=_n(_y(v, top)), c=colour
        )
        for m, v in points
    )
    return format_html(
        '<polyline points="{p}" fill="none" stroke="{c}" stroke-width="2"{d}/>{dots}',
        p=coords,
        c=colour,
        d=SafeString(' stroke-dasharray="6 4"') if dash else "",
        dots=dots if not dash else "",
    )


def _legend(entries) -> SafeString:
    parts: list[SafeString] = []
    x: float = LEFT
    for label, colour, dash in entries:
        parts.append(
            format_html(
                '<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{c}" stroke-width="2"{d}/>'
                '<text x="{tx}" y="{ty}" fill="{ink}" font-size="12">{label}</text>',
                x1=_n(x),
                x2=_n(x + 22),
                y=_n(HEIGHT - 8),
                c=colour,
                d=SafeString(' stroke-dasharray="6 4"') if dash else "",
                tx=_n(x + 28),
                ty=_n(HEIGHT - 4),
                ink=INK,
                label=label,
            )
        )
        x += 28 + _text_width(label, 12) + 24
    return _join(parts)


def pace_chart(chart_id: str, title: str, desc: str, points) -> SafeString:
    """The share spent by the end of each month (a line with dots) against the straight line of
    an even pace, from nothing in January to the whole budget by December."""
    top = Decimal(100)
    body = [
        *_axes(top, 25, "%"),
        _polyline([(0, 0), (12, 100)], top, MUTED, dash=True),
        _polyline(points, top, BAR),
        _legend([(_("Spent to date"), BAR, False), (_("Even pace"), MUTED, True)]),
    ]
    return _frame(chart_id, title, desc, WIDTH, HEIGHT, _join(body))


def debt_chart(chart_id: str, title: str, desc: str, rows) -> SafeString:
    """The debt balance by month against the limit in force (亿元)."""
    highest = max(max(balance, limit) for _m, balance, limit in rows) or Decimal(1)
    step = max(int(highest / 4 / 10) * 10, 1)
    top = Decimal(step * (int(highest / step) + 1))
    body = [
        *_axes(top, step, ""),
        _polyline([(m, limit) for m, _b, limit in rows], top, MUTED, dash=True),
        _polyline([(m, balance) for m, balance, _l in rows], top, BAR),
        _legend([(_("Debt balance"), BAR, False), (_("Debt limit"), MUTED, True)]),
    ]
    return _frame(chart_id, title, desc, WIDTH, HEIGHT, _join(body))


def value_label_x(bar_end: float, text_width: float, pace_x: float, gap: float = 6) -> float:
    """Where a bar's value label starts: after the bar, unless the even-pace line would cross
    it there; then just after the line, so that the dashed line never runs through a figure."""
    x = bar_end + gap
    if x - gap / 2 <= pace_x <= x + text_width + gap / 2:
        x = pace_x + gap
    return x


def rate_bars(chart_id: str, title: str, desc: str, lines, pace) -> SafeString:
    """One bar per department (the share spent), with the even pace as a dashed line; a value
    label the line would cross moves to the line's right (`value_label_x`)."""
    size, row, gap = 13, 24, 8
    label_w = min(max(_text_width(name, size) for name, _r in lines) + 12, WIDTH * 0.4)
    room = WIDTH - label_w - 64
    height = len(lines) * (row + gap) + gap + 20
    px = label_w + float(pace) / 100 * room
    parts = []
    for i, (name, rate) in enumerate(lines):
        y = gap + i * (row + gap)
        w = max(float(rate) / 100 * room, 1)
        value = f"{rate}%"
        parts.append(
            format_html(
                '<text x="{lx}" y="{ty}" text-anchor="end" fill="{ink}">{name}</text>'
                '<rect class="bar" x="{x}" y="{y}" width="{w}" height="{h}" fill="{bar}"/>'
                '<text class="value" x="{vx}" y="{ty}" fill="{ink}">{value}</text>',
                lx=_n(label_w - 8),
                ty=_n(y + row / 2 + size * 0.38),
                ink=INK,
                name=name,
                x=_n(label_w),
                y=_n(y),
                w=_n(w),
                h=_n(row),
                bar=BAR,
                vx=_n(value_label_x(label_w + w, _text_width(value, size), px)),
                value=value,
            )
        )
    parts.append(
        format_html(
            '<line x1="{x}" y1="0" x2="{x}" y2="{y}" stroke="{c}" stroke-width="2" '
            'stroke-dasharray="6 4"/><text x="{x}" y="{ty}" text-anchor="middle" fill="{m}" '
            'font-size="11">{label}</text>',
            x=_n(px),
            y=_n(height - 18),
            c=MUTED,
            ty=_n(height - 4),
            m=MUTED,
            label=_("even pace %(pace)s%%") % {"pace": pace},
        )
    )
    return _frame(chart_id, title, desc, WIDTH, height, _join(parts))
