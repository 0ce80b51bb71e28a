"""Review figures for residents' opinions (see congress.review.registry).

Counted over the opinions received in the year (submitted_at in the year, Pinghu time), so that
closure rate = closed ÷ received of the same opinions; the same selector as the public page.
Kept in the "opinions" summary row (proposals/summaries.py) but for the stations' series, whose
labels are the stations' names.
"""

from django.db.models import Count, Max, Q
from django.utils.translation import gettext_lazy as _

from congress.review.registry import FigureKind, data_version, figure
from proposals.models import Opinion
from proposals.opinions.selectors import by_month, by_station, figures_of


@figure(
    "opinions.received",
    summary="opinions",
    label=_("Residents' opinions received"),
    definition=_(
        "Opinions residents sent through the stations' and deputies' codes or at receptions in the year."
    ),
    unit=_("items"),
)
def opinions_received(year: int) -> int:
    return Opinion.objects.in_year(year).count()


@figure(
    "opinions.closed",
    summary="opinions",
    label=_("Residents' opinions closed"),
    definition=_(
        "Of the opinions received in the year, those closed: rated by the resident, closed by staff after an answer, or not accepted with the channel explained."
    ),
    unit=_("items"),
)
def opinions_closed(year: int) -> int:
    return Opinion.objects.in_year(year).closed().count()


@figure(
    "opinions.closure_rate",
    summary="opinions",
    label=_("Closure rate of residents' opinions"),
    definition=_("Opinions closed ÷ opinions received in the year (办结率)."),
    kind=FigureKind.PERCENT,
)
def opinions_closure_rate(year: int):
    return figures_of(Opinion.objects.in_year(year)).closure_rate


@figure(
    "opinions.by_month",
    summary="opinions",
    label=_("Residents' opinions by month"),
    definition=_("Opinions received in each month of the year."),
    kind=FigureKind.SERIES,
    chart="months",
)
def opinions_by_month(year: int):
    counts = {int(label[5:7]): f.received for label, f in by_month(Opinion.objects.in_year(year))}
    return [(month, counts.get(month, 0)) for month in range(1, 13)]


@figure(
    "opinions.by_station",
    label=_("Residents' opinions by station"),
    definition=_("Opinions received in the year at each liaison station."),
    kind=FigureKind.SERIES,
)
def opinions_by_station(year: int):
    rows = by_station(Opinion.objects.in_year(year))
    return sorted(((label, f.received) for label, f in rows), key=lambda row: -row[1])


@data_version("opinions")
def opinions_version(year: int):
    return Opinion.objects.in_year(year).aggregate(
        n=Count("id"),
        closed=Count("id", filter=Q(closed_at__isnull=False)),
        last_submitted=Max("submitted_at"),
        last_replied=Max("replied_at"),
        last_closed=Max("closed_at"),
        last_rated=Max("rated_at"),
    )
