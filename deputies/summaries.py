"""The deputies' summary rows (congress.kit.summaries): one row per year with the counts of
verified activities and reception days that the review and the home page show, kept up to date
when an activity or a reception day is written."""

import datetime

from django.db.models import Count, Max, Min, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from congress.kit import summaries
from congress.models import Term
from congress.review.registry import summarised_values
from deputies.models import (
    Activity,
    ActivityKind,
    Delegation,
    Deputy,
    DeputyGroup,
    LiaisonStation,
    Reception,
)


def summary_years() -> list[int]:
    """From the first year with an activity or a reception day to the last (two queries)."""
    bounds = [
        model.objects.aggregate(first=Min("date"), last=Max("date"))
        for model in (Activity, Reception)
    ]
    firsts = [b["first"].year for b in bounds if b["first"]]
    lasts = [b["last"].year for b in bounds if b["last"]]
    if not firsts:
        return []
    return list(range(min(firsts), max(lasts) + 1))


@summaries.summary(
    "deputies",
    feeds={Activity: lambda a: [a.date.year], Reception: lambda r: [r.date.year]},
    years=summary_years,
)
def deputies_summary(year: int) -> dict:
    activities = Activity.objects.filter(verified=True, date__year=year)
    trainings = activities.filter(kind=ActivityKind.TRAINING)
    receptions = Reception.objects.filter(date__year=year)
    return {
        "active_deputies": activities.values("deputy").distinct().count(),
        "activities": activities.count(),
        "by_kind": dict(
            activities.values_list("kind").annotate(n=Count("id")).values_list("kind", "n")
        ),
        "trainings_held": trainings.values("title", "date").distinct().count(),
        "trainings_attended": trainings.count(),
        "receptions": receptions.count(),
        "residents": receptions.aggregate(n=Sum("residents_received"))["n"] or 0,
        "stations_receiving": receptions.values("station").distinct().count(),
        "receptions_by_month": dict(
            receptions.annotate(month=ExtractMonth("date"))
            .values_list("month")
            .annotate(n=Count("id"))
            .values_list("month", "n")
        ),
    }


def term_years(term: Term | None) -> list[int]:
    """The years whose 31 December a term may cover: from its first year to its last (or this
    year, for a term with no end date yet)."""
    if term is None:
        return []
    last = (term.end_date or timezone.localdate()).year
    return list(range(term.start_date.year, max(last, term.start_date.year) + 1))


def _years_of_term_row(row) -> list[int]:
    """A deputy's, delegation's or group's years: those of its term (one small query unless
    the term is loaded)."""
    if not row.term_id:
        return []
    if type(row).term.is_cached(row):
        return term_years(row.term)
    return term_years(Term.objects.filter(pk=row.term_id).first())


def roster_years() -> list[int]:
    """Every year a term covers."""
    return sorted({year for term in Term.objects.all() for year in term_years(term)})


@summaries.summary(
    "roster",
    feeds={
        Term: term_years,
        Deputy: _years_of_term_row,
        Delegation: _years_of_term_row,
        DeputyGroup: _years_of_term_row,
    },
    years=roster_years,
)
def roster_summary(year: int) -> dict:
    """The review's counts of the deputies in office, the delegations and the groups of the
    term in force at the end of the year (deputies/figures.py, summary="roster")."""
    return summarised_values("roster", year)


def year_counts(year: int) -> dict:
    """The year's counts (one small query; the slice's computation if a write made it stale)."""
    return summaries.read("deputies", [year])[year]


# -- the directory: the home page's figures that are not a year's ------------------------------

DIRECTORY_SLICE = summaries.TIMELESS  # the summary has one slice, no year's


def _directory_slice(_row) -> list[int]:
    return [DIRECTORY_SLICE]


@summaries.summary(
    "directory",
    feeds={
        Term: _directory_slice,
        Deputy: _directory_slice,
        LiaisonStation: _directory_slice,
    },
    years=lambda: [DIRECTORY_SLICE],
)
def directory_summary(_slice: int) -> dict:
    """What the home page shows of the roster and the stations, whatever the year: every term
    with its serving deputies (the term in force is chosen when the page is read, as it
    depends on the day) and the active stations. Not the latest reception day: receptions
    are written in bulk with other figures' rows, and one index lookup reads it."""
    serving = dict(Deputy.objects.serving().order_by().values_list("term").annotate(n=Count("id")))
    terms = Term.objects.order_by("number").values_list("pk", "number", "start_date", "end_date")
    return {
        "terms": [[*term, serving.get(term[0], 0)] for term in terms],
        "stations": LiaisonStation.objects.filter(active=True).count(),
    }


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def directory(on: datetime.date | None = None) -> dict:
    """The directory slice, read (one small query): the term in force `on` (today by default;
    as Term.objects.current(): else the latest term) as an unsaved Term, its serving deputies
    and the active stations."""
    data = summaries.read("directory", [DIRECTORY_SLICE])[DIRECTORY_SLICE]
    on = on or timezone.localdate()
    terms = [
        (
            Term(
                pk=pk,
                number=number,
                start_date=datetime.date.fromisoformat(start),
                end_date=_date(end),
            ),
            serving,
        )
        for pk, number, start, end, serving in data["terms"]
    ]
    in_force = [
        (term, serving)
        for term, serving in terms
        if term.start_date <= on and (term.end_date is None or term.end_date >= on)
    ]
    found = max(in_force or terms, key=lambda pair: pair[0].number, default=(None, 0))
    return {
        "term": found[0],
        "deputy_count": found[1],
        "station_count": data["stations"],
    }
