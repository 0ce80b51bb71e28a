"""The budget register in plain words, for the deputies' workspace and the public page: execution
by month against an even pace, the departments furthest behind, the debt against its limit —
each a server-drawn chart, a table and one sentence.

`published_only` is the one switch between the two audiences: the public page reads only the
current snapshots the government has published; the workspace reads every current snapshot.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from supervision.budget import charts
from supervision.budget.models import BudgetSnapshot, DebtLine, ExecutionLine

HUNDRED = Decimal(100)
YI = Decimal(100_000_000)
BEHIND = 5  # how many departments the "furthest behind" chart shows


def _snapshots(year: int, published_only: bool):
    snapshots = BudgetSnapshot.objects.filter(year=year)
    return snapshots.published() if published_only else snapshots.active()


def years(published_only: bool) -> list[int]:
    snapshots = (
        BudgetSnapshot.objects.published() if published_only else BudgetSnapshot.objects.all()
    )
    return sorted(set(snapshots.filter(active=True).values_list("year", flat=True)), reverse=True)


def even_pace(month: int) -> Decimal:
    """The share of the year's budget an even pace has spent by the end of `month`."""
    return (HUNDRED * month / 12).quantize(Decimal("0.1"))


def _rate(part, whole) -> Decimal:
    return (HUNDRED * part / whole).quantize(Decimal("0.1")) if whole else Decimal(0)


@dataclass
class Section:
    chart_id: str
    title: str
    chart: str
    sentence: str
    headers: list[str]
    rows: list[list]


def execution(year: int, published_only: bool) -> Section | None:
    months = (
        ExecutionLine.objects.filter(
            snapshot__in=_snapshots(year, published_only).filter(kind=BudgetSnapshot.Kind.EXECUTION)
        )
        .values("snapshot__month")
        .annotate(adjusted=Sum("adjusted"), spent=Sum("spent"))
        .order_by("snapshot__month")
    )
    points = [(m["snapshot__month"], _rate(m["spent"], m["adjusted"])) for m in months]
    if not points:
        return None
    month, rate = points[-1]
    title = _("Budget execution by month, %(year)s") % {"year": year}
    sentence = _(
        "By the end of month %(month)s the departments had spent %(rate)s%% of their adjusted "
        "budgets; an even pace through the year would be %(pace)s%%."
    ) % {"month": month, "rate": rate, "pace": even_pace(month)}
    chart = charts.pace_chart("budget-execution", title, sentence, points)
    rows = [[m, f"{r}%", f"{even_pace(m)}%"] for m, r in points]
    return Section(
        "budget-execution",
        title,
        chart,
        sentence,
        [_("Month"), _("Spent to date"), _("Even pace")],
        rows,
    )


def behind(year: int, published_only: bool) -> Section | None:
    latest = (
        _snapshots(year, published_only)
        .filter(kind=BudgetSnapshot.Kind.EXECUTION)
        .order_by("-month")
        .first()
    )
    if latest is None:
        return None
    pace = even_pace(latest.month)
    lines = [
        (line.department.name, line.rate)
        for line in latest.execution_lines.select_related("department")
        if line.rate is not None
    ]
    lines.sort(key=lambda pair: pair[1])
    lines = lines[:BEHIND]
    if not lines:
        return None
    name, rate = lines[0]
    title = _("Departments furthest behind, end of month %(month)s") % {"month": latest.month}
    sentence = _(
        "At the end of month %(month)s, %(name)s was furthest behind: %(rate)s%% of its adjusted "
        "budget spent, against %(pace)s%% at an even pace."
    ) % {"month": latest.month, "name": name, "rate": rate, "pace": pace}
    chart = charts.rate_bars("budget-behind", title, sentence, lines, pace)
    rows = [[n, f"{r}%", f"{(pace - r).quantize(Decimal('0.1'))}"] for n, r in lines]
    return Section(
        "budget-behind",
        title,
        chart,
        sentence,
        [_("Department"), _("Spent to date"), _("Points behind even pace")],
        rows,
    )


def debt(year: int, published_only: bool) -> Section | None:
    lines = list(
        DebtLine.objects.filter(
            snapshot__in=_snapshots(year, published_only).filter(kind=BudgetSnapshot.Kind.DEBT)
        )
        .select_related("snapshot")
        .order_by("snapshot__month")
    )
    if not lines:
        return None
    last = lines[-1]
    title = _("Government debt against its limit, %(year)s (亿元)") % {"year": year}
    sentence = _(
        "At the end of month %(month)s the debt balance was %(balance)s 亿元, %(share)s%% of the "
        "limit of %(limit)s 亿元; %(new)s 亿元 of new debt this year."
    ) % {
        "month": last.snapshot.month,
        "balance": _yi(last.balance),
        "limit": _yi(last.limit),
        "share": _rate(last.balance, last.limit),
        "new": _yi(last.new_debt),
    }
    chart = charts.debt_chart(
        "budget-debt",
        title,
        sentence,
        [(line.snapshot.month, _yi(line.balance), _yi(line.limit)) for line in lines],
    )
    rows = [
        [
            line.snapshot.month,
            _yi(line.balance),
            _yi(line.limit),
            f"{_rate(line.balance, line.limit)}%",
        ]
        for line in lines
    ]
    return Section(
        "budget-debt",
        title,
        chart,
        sentence,
        [_("Month"), _("Debt balance (亿元)"), _("Debt limit (亿元)"), _("Share of the limit")],
        rows,
    )


def _yi(amount) -> Decimal:
    return (Decimal(amount) / YI).quantize(Decimal("0.01"))


def sections(year: int, published_only: bool) -> list[Section]:
    found = (
        execution(year, published_only),
        behind(year, published_only),
        debt(year, published_only),
    )
    return [section for section in found if section is not None]
