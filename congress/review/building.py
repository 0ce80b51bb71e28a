"""Put a review together for a page or the PDF: sections, sanitised narratives, figures, charts.

Queries: the review's sections (the public page reads them with the review), every summary's
row of the year, then one (or a few) per distinct figure key the review shows that no summary
row holds — however many sections there are. The figures' markup is built here too (the
page's and the PDF's), in one pass.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from congress.kit.htmlrows import esc, joined
from congress.kit.pagecache import remember
from congress.models import AnnualReview, ReviewSection
from congress.review import charts, registry
from congress.review.markup import render_markdown
from congress.review.registry import Figure, FigureKind

DASH = "—"


@dataclass
class FigureBlock:
    key: str
    figure: Figure | None
    value: Any = None
    display: str = DASH
    unit: str = ""
    chart: SafeString | None = None
    chart_id: str = ""
    rows: SafeString | None = None

    @property
    def missing(self) -> bool:
        """No installed app registers this key (yet)."""
        return self.figure is None

    @property
    def is_chart(self) -> bool:
        return self.figure is not None and self.figure.kind == FigureKind.SERIES

    @property
    def label(self):
        return self.figure.label if self.figure else self.key

    @property
    def definition(self):
        return self.figure.definition if self.figure else ""


@dataclass
class SectionView:
    section: ReviewSection
    number: int
    anchor: str
    html: SafeString
    figures: SafeString = field(default_factory=SafeString)  # section_figures()

    @property
    def heading(self):
        return self.section.heading


# A figure's label, definition and unit, translated and escaped once per language and process:
# a review shows some forty figures, and their lazy texts cost a translation lookup each, three
# per figure, on every view. The entry keeps the Figure it was made from: a key registered
# again (tests do) gets new texts.
_texts: dict[tuple[str, str], tuple[Figure, str, str, str]] = {}


def figure_texts(fig: Figure) -> tuple[str, str, str]:
    """(label, definition, unit) of the figure in the active language, HTML-escaped."""
    cache_key = (get_language() or "", fig.key)
    entry = _texts.get(cache_key)
    if entry is None or entry[0] is not fig:
        entry = _texts[cache_key] = (fig, esc(fig.label), esc(fig.definition), esc(fig.unit))
    return entry[1], entry[2], entry[3]


def format_value(fig: Figure, value) -> tuple[str, str]:
    """(number, unit) as the page prints them; "—" for a value nobody knows."""
    if value is None:
        return DASH, ""
    if fig.kind == FigureKind.PERCENT:
        number = Decimal(str(value)).quantize(Decimal("0.1"))
        text = f"{number:f}".removesuffix(".0")
        return text, "%"
    if fig.kind == FigureKind.MONEY:
        yuan = Decimal(str(value))
        if (get_language() or "").startswith("zh"):
            if abs(yuan) >= 100_000_000:
                return f"{yuan / 100_000_000:,.2f}", _("100 million yuan")
            return f"{yuan / 10_000:,.2f}", _("10 thousand yuan")
        return f"{yuan / 1_000_000:,.1f}", _("million yuan")
    unit = SafeString(figure_texts(fig)[2])  # escaped once, as esc() leaves it
    if isinstance(value, float | Decimal) and value != int(value):
        return f"{value:,.1f}", unit
    return f"{int(value):,}", unit


def figure_block(key: str, values: dict, chart_id: str) -> FigureBlock:
    fig = registry.get(key)
    block = FigureBlock(key=key, figure=fig)
    if fig is None:
        return block
    block.value = values.get(key)
    if fig.kind == FigureKind.SERIES:
        series = block.value or []
        points = (
            charts.month_points(series) if fig.chart == "months" else charts.label_points(series)
        )
        draw = charts.column_chart if fig.chart == "months" else charts.bar_chart
        block.chart_id = chart_id
        block.chart = draw(chart_id, str(fig.label), points)
        block.rows = charts.table_rows(points)
        block.display = ""
    else:
        block.display, block.unit = format_value(fig, block.value)
    return block


# The figures' markup is put together with f-strings, every text through esc(): what the
# template's {{ value }} does, without format_html's lazy-argument check per value.


def _number_item(block: FigureBlock, missing_note: str) -> str:
    unit = f'<small class="unit">{esc(block.unit)}</small>' if block.unit else ""
    figure = f'<span class="figure">{esc(block.display)}{unit}</span>'
    if block.figure is None:  # block.missing
        return (
            f'<li class="figure-missing"> {figure} <span class="figure-label"><code>'
            f"{esc(block.key)}</code></span> "
            f'<span class="definition staff-note">{missing_note}</span> </li>'
        )
    label, definition, _unit = figure_texts(block.figure)
    return (
        f'<li> {figure} <span class="figure-label">{label}</span> '
        f'<span class="definition">{definition}</span> </li>'
    )


def _chart_figure(block: FigureBlock, table_labels: tuple[str, str, str] | None) -> str:
    if block.figure is None:  # never: only a registered figure is a chart
        return ""
    label, definition, _unit = figure_texts(block.figure)
    chart_id = esc(block.chart_id)
    table = ""
    if table_labels:  # the page offers the figures as a table; the PDF shows the chart only
        summary, item, number = table_labels
        table = (
            f' <details class="chart-table"> <summary>{summary}</summary> <table class="data"> '
            f'<caption>{label}</caption> <thead><tr><th scope="col">{item}</th>'
            f'<th scope="col" class="num">{number}</th></tr></thead> <tbody>{block.rows}</tbody>'
            " </table> </details>"
        )
    return (
        f'<figure class="chart-block" aria-labelledby="{chart_id}-caption"> '
        f'<figcaption id="{chart_id}-caption"><strong>{label}</strong> '
        f'<span class="definition">{definition}</span></figcaption> '
        f"{block.chart}{table} </figure>"
    )


def figures_html(
    numbers: list[FigureBlock], charts: list[FigureBlock], *, pdf: bool = False
) -> SafeString:
    """A section's figures: the numbers as a list, then each chart (with its data table on the
    page). Built here in one pass: as a template included per section, with a tag per value,
    they cost as much as the rest of the page."""
    parts = []
    if numbers:
        note = esc(
            _(
                "Not computed yet: no installed app provides this figure. Only staff see this "
                "note; the public page and the PDF leave the figure out."
            )
        )
        items = " ".join(_number_item(block, note) for block in numbers)
        parts.append(f' <ul class="figures review-figures"> {items} </ul> ')
    if charts:
        labels = None
        if not pdf:
            labels = (esc(_("Show the figures as a table")), esc(_("Item")), esc(_("Number")))
        parts.extend(_chart_figure(block, labels) for block in charts)
    return joined(parts)


def _section_figures(
    keys: list[str], values: dict, number: int, *, staff: bool, pdf: bool
) -> SafeString:
    numbers: list[FigureBlock] = []
    charts: list[FigureBlock] = []
    for key in keys:
        block = figure_block(key, values, f"chart-{number}-{key.replace('.', '-')}")
        if block.missing and not staff:
            continue
        (charts if block.is_chart else numbers).append(block)
    return figures_html(numbers, charts, pdf=pdf)


def _frozen(value: Any) -> Any:
    """A figure's value as part of a dict key: its type kept (1, 1.0 and Decimal("1") are equal
    keys but not always the same text), a lazy label as its text in the active language."""
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, Promise):
        return str(value)
    return (type(value), value)


# A section's figures markup, remembered per process: a pure function of the language, the
# section's number and keys, the figures' values and the registry. Drawing the figures (two
# SVG charts, some forty formatted numbers) was about a third of the page's in-process time
# (1.1-2.5 ms of 5.9-7.7 ms); the values themselves are still read on every view.
_markup: dict[tuple, SafeString] = {}
MARKUP_ENTRIES = 256


def section_figures(
    keys: list[str], values: dict, number: int, *, staff: bool = False, pdf: bool = False
) -> SafeString:
    """A section's figures (figures_html) for these values; staff also see keys no app
    provides yet."""
    cache_key = (
        get_language() or "",
        staff,
        pdf,
        number,
        registry.generation(),
        tuple((key, _frozen(values.get(key))) for key in keys),
    )
    try:
        html = _markup.get(cache_key)
    except TypeError:  # a value that cannot be a key (no registered kind returns one): draw it
        return _section_figures(keys, values, number, staff=staff, pdf=pdf)
    if html is None:
        if len(_markup) >= MARKUP_ENTRIES:
            _markup.clear()
        html = _markup[cache_key] = _section_figures(keys, values, number, staff=staff, pdf=pdf)
    return html


def sections_html(views: list[SectionView]) -> tuple[SafeString, SafeString]:
    """The page's table of contents (its <li> rows) and its sections, built in one pass: as
    template loops, with a tag per value, they cost more than the review's own query. The
    PDF's template keeps its loop."""
    top = esc(_("Back to top"))
    toc, parts = [], []
    for view in views:
        anchor, heading = esc(view.anchor), esc(view.heading)
        toc.append(f'<li><a href="#{anchor}" lang="zh-CN">{heading}</a></li>')
        section = view.section
        photo = ""
        if section.photo:
            caption = ""
            if section.photo_caption:
                caption = f'<figcaption lang="zh-CN">{esc(section.photo_caption)}</figcaption> '
            photo = (
                f'<figure class="review-photo"> <img src="{esc(section.photo.url)}" '
                f'alt="{esc(section.photo_alt)}" loading="lazy"> {caption}</figure> '
            )
        parts.append(
            f'<section id="{anchor}" class="review-section" aria-labelledby="{anchor}-h"> '
            f'<h2 id="{anchor}-h"><span class="section-number" aria-hidden="true">'
            f'{view.number}</span> <span lang="zh-CN">{heading}</span></h2> {photo}'
            f'<div class="narrative" lang="zh-CN">{esc(view.html)}</div> {view.figures} '
            f'<p class="to-top"><a href="#main">{top}</a></p> </section>'
        )
    return joined(toc), joined(parts, " ")


def build(
    review: AnnualReview,
    *,
    staff: bool = False,
    sections: list[ReviewSection] | None = None,
    pdf: bool = False,
) -> dict:
    """The template context of a review (its `sections` if already read, in order) for the page
    or the PDF. Staff also see keys that no app provides yet."""
    if sections is None:
        sections = list(review.sections.all())
    section_keys = [section.keys for section in sections]
    keys = [key for found in section_keys for key in found]
    values = remember(
        f"review-figures:{review.year}:{','.join(sorted(keys))}",
        lambda: registry.compute(keys, review.year),
    )
    views = []
    for number, (section, found) in enumerate(zip(sections, section_keys, strict=True), start=1):
        view = SectionView(
            section=section,
            number=number,
            anchor=f"section-{number}",
            html=render_markdown(section.narrative),
            figures=section_figures(found, values, number, staff=staff, pdf=pdf),
        )
        views.append(view)
    context = {"review": review, "sections": views, "staff": staff, "year": review.year}
    if not pdf:
        context["toc_html"], context["sections_html"] = sections_html(views)
    return context
