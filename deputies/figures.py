"""The annual review's figures from the deputies app's data, one cheap aggregate query each
(congress.review.registry discovers this module).

"The term of the year" is the term in force on 31 December of that year; "in office" means the
deputy's mandate had not ended by then.
"""

import datetime

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import ExtractMonth
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from congress.kit import home
from congress.kit.htmlrows import esc, joined
from congress.kit.urls import reverse_id
from congress.review.registry import FigureKind, data_version, figure
from deputies.models import (
    Activity,
    ActivityKind,
    Delegation,
    Deputy,
    DeputyGroup,
    LiaisonStation,
    Reception,
)
from deputies.selectors import home_figures
from deputies.summaries import directory, year_counts


def year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def term_of_year(year: int, prefix: str = "term__") -> Q:
    """Rows whose term was in force on 31 December of the year (a join, not a separate query)."""
    end = year_end(year)
    return Q(**{f"{prefix}start_date__lte": end}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": end})
    )


def in_office(year: int) -> Q:
    return term_of_year(year) & (Q(ended_on__isnull=True) | Q(ended_on__gt=year_end(year)))


@figure(
    "deputies.count",
    summary="roster",
    label=_("Deputies in office"),
    definition=_(
        "Deputies to the city congress of the term in force at the end of the year whose "
        "mandate had not ended by then."
    ),
    unit=pgettext_lazy("figure unit", "deputies"),
)
def deputies_count(year: int) -> int:
    return Deputy.objects.filter(in_office(year)).count()


@figure(
    "deputies.active",
    label=_("Deputies with recorded activities"),
    definition=_("Deputies with at least one verified activity record dated in the year."),
    unit=pgettext_lazy("figure unit", "deputies"),
)
def deputies_active(year: int) -> int:
    return year_counts(year)["active_deputies"]


@figure(
    "delegations.count",
    summary="roster",
    label=_("Delegations"),
    definition=_(
        "Delegations of the term in force at the end of the year, one per town or street."
    ),
    unit=pgettext_lazy("figure unit", "delegations"),
)
def delegations_count(year: int) -> int:
    return Delegation.objects.filter(term_of_year(year)).count()


@figure(
    "groups.count",
    summary="roster",
    label=_("Deputy groups"),
    definition=_(
        "Constituency and professional deputy groups of the term in force at the end of the year."
    ),
    unit=pgettext_lazy("figure unit", "groups"),
)
def groups_count(year: int) -> int:
    return DeputyGroup.objects.filter(term_of_year(year)).count()


@figure(
    "stations.count",
    label=_("Liaison stations"),
    definition=_(
        "Deputies' liaison stations and points open today (stations keep no opening date)."
    ),
    unit=pgettext_lazy("figure unit", "stations"),
)
def stations_count(year: int) -> int:
    # The directory slice's count (LiaisonStation.objects.filter(active=True).count(), kept on
    # write), read with the year's slices: the count was the review's dearest query to build.
    return int(directory()["station_count"])


@figure(
    "stations.receiving",
    label=_("Stations that held receptions"),
    definition=_("Liaison stations with at least one reception day in the year."),
    unit=pgettext_lazy("figure unit", "stations"),
)
def stations_receiving(year: int) -> int:
    return year_counts(year)["stations_receiving"]


@figure(
    "receptions.count",
    label=_("Reception days held"),
    definition=_("Reception days at liaison stations, dated in the year."),
    unit=pgettext_lazy("figure unit", "receptions"),
)
def receptions_count(year: int) -> int:
    return year_counts(year)["receptions"]


@figure(
    "receptions.residents",
    label=_("Residents received"),
    definition=_("Residents the deputies on duty received at the year's reception days."),
    unit=pgettext_lazy("figure unit", "person-times"),
)
def receptions_residents(year: int) -> int:
    return year_counts(year)["residents"]


@figure(
    "receptions.by_month",
    label=_("Reception days by month"),
    definition=_("Reception days at liaison stations in each month of the year."),
    kind=FigureKind.SERIES,
    chart="months",
)
def receptions_by_month(year: int) -> list[tuple[int, int]]:
    rows = year_counts(year)["receptions_by_month"]
    return [(month, rows.get(str(month), 0)) for month in range(1, 13)]


@figure(
    "activities.count",
    label=_("Verified activities"),
    definition=_("Verified activity records of deputies dated in the year."),
    unit=pgettext_lazy("figure unit", "activities"),
)
def activities_count(year: int) -> int:
    return year_counts(year)["activities"]


@figure(
    "activities.by_kind",
    label=_("Activities by kind"),
    definition=_("Verified activity records of deputies dated in the year, by kind."),
    kind=FigureKind.SERIES,
)
def activities_by_kind(year: int) -> list[tuple[str | Promise, int]]:
    rows = year_counts(year)["by_kind"]
    return [(label, rows[kind]) for kind, label in ActivityKind.choices if rows.get(kind)]


@figure(
    "trainings.held",
    label=_("Trainings held"),
    definition=_(
        "Distinct trainings (same title, same day) in the year's verified training records."
    ),
    unit=pgettext_lazy("figure unit", "trainings"),
)
def trainings_held(year: int) -> int:
    return year_counts(year)["trainings_held"]


@figure(
    "trainings.attended",
    label=_("Training attendances"),
    definition=_("Verified training records in the year: one per deputy per training."),
    unit=pgettext_lazy("figure unit", "person-times"),
)
def trainings_attended(year: int) -> int:
    return year_counts(year)["trainings_attended"]


@data_version("deputies")
def deputies_version(year: int):
    """Counts and highest ids: a row added, removed, ended, moved or re-verified changes them."""
    activities = Activity.objects.filter(date__year=year)
    receptions = Reception.objects.filter(date__year=year)
    return (
        Deputy.objects.aggregate(
            n=Count("id"),
            last=Max("id"),
            ended=Count("id", filter=Q(ended_on__isnull=False)),
            ended_max=Max("ended_on"),
            terms=Sum("term_id"),
        ),
        Delegation.objects.aggregate(n=Count("id"), last=Max("id")),
        DeputyGroup.objects.aggregate(n=Count("id"), last=Max("id")),
        LiaisonStation.objects.aggregate(n=Count("id", filter=Q(active=True)), last=Max("id")),
        sorted(
            activities.values_list("kind", "verified")
            .annotate(n=Count("id"), titles=Count("title", distinct=True), last=Max("id"))
            .values_list("kind", "verified", "n", "titles", "last")
        ),
        receptions.aggregate(
            n=Count("id"),
            last=Max("id"),
            people=Sum("residents_received"),
            months=Sum(ExtractMonth("date")),
        ),
    )


def home_station_cards(stations: list[tuple[int, str, str, str]]) -> SafeString:
    """The home page's station cards from (id, name, address, town) rows, written in Python
    (congress.kit.htmlrows): a template loop cost more than the query."""
    return joined(
        (
            (
                f'<li class="card"><h3><a href="{esc(reverse_id("deputies:station_detail", pk))}">'
                f'{esc(name)}</a></h3><p class="meta">{esc(town)}</p><p>{esc(address)}</p></li>'
            )
            for pk, name, address, town in stations
        ),
        "\n",
    )


@home.block
def home_block(context: dict) -> dict:
    """The home page's deputies, stations and the latest year's receptions (sets `year`)."""
    figures = home_figures()
    # Six cards with a name, a town and an address: no per-station deputy count to join.
    stations = list(
        LiaisonStation.objects.filter(active=True).values_list(
            "id", "name", "address", "town__name"
        )[:6]
    )
    figures["stations"] = stations
    figures["station_cards"] = home_station_cards(stations)
    return figures
