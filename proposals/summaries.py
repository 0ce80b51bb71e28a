"""The suggestions' summary rows (congress.kit.summaries): one row per year with the counts that
/suggestions/stats/, the home page and the annual review show, kept up to date on write.

A year's slice holds, for the year's suggestions:

- "public": per session ("-" for items filed between sessions), the counts of the published
  items the statistics page shows (its filters are one session or one year: both are sums of
  these);
- "received": the counts of the items the review counts for the year (filed, not a draft, not
  withdrawn; congress.review figures in proposals/suggestions/figures.py).

Every count adds up over years and sessions; rates are worked out when the page reads them.
Units and categories are kept by id (their names are read with the page), so renaming one
changes no slice.
"""

from collections.abc import Iterable

from django.db.models import Count, F, Max, Min, OuterRef, Q, Subquery
from django.utils import timezone

from congress.kit import summaries
from congress.models import Session
from congress.review.registry import summarised_values
from proposals import selectors
from proposals.models import (
    Assignment,
    CarryOver,
    Contact,
    Feedback,
    Motion,
    Opinion,
    Rating,
    Reply,
    ScorecardScheme,
    Suggestion,
)
from proposals.models import opinions as opinion_counts

NO_SESSION = "-"


def received(year: int):
    """The items the review counts for the year: filed, neither a draft nor withdrawn."""
    return Suggestion.objects.filter(year=year, submitted_at__isnull=False).exclude(
        status__in=[Suggestion.Status.DRAFT, Suggestion.Status.WITHDRAWN]
    )


def _first_reply(field: str):
    return Subquery(
        Reply.objects.filter(suggestion=OuterRef("pk"), is_followup=False)
        .order_by("replied_at", "id")
        .values(field)[:1]
    )


def first_reply_on_time(queryset) -> dict:
    """Replied items and those whose first reply met the lead unit's due date (one query)."""
    lead_due = Subquery(
        Assignment.objects.filter(
            suggestion=OuterRef("pk"), active=True, role=Assignment.Role.LEAD
        ).values("due_date")[:1]
    )
    return queryset.annotate(first_on=_first_reply("replied_at"), due=lead_due).aggregate(
        replied=Count("pk", filter=Q(first_on__isnull=False)),
        on_time=Count("pk", filter=Q(first_on__lte=F("due"))),
    )


def _lead_counts(queryset) -> dict:
    contacts = selectors.lead_contacts(queryset)
    answers = selectors.contact_answers(queryset)
    return {
        "leads": contacts["leads"],
        "leads_contacted": contacts["leads_contacted"],
        "contacts": answers["contacts"],
        "contacts_confirmed": answers["contacts_confirmed"],
        "contacts_disputed": answers["contacts_disputed"],
    }


def public_counts(queryset) -> dict:
    """What /suggestions/stats/ shows of these published items, as counts that add up."""
    return {
        **selectors.handling_counts(queryset),
        **_lead_counts(queryset),
        "units": selectors.per_unit_counts(queryset),
        "outcomes": selectors.outcome_counts(queryset),
    }


def received_counts(year: int) -> dict:
    """What the review and the home page show of the year's received items, as counts."""
    items = received(year)
    ok = [Rating.SATISFIED, Rating.BASICALLY]
    feedback = Feedback.objects.filter(suggestion__in=items.values("pk")).aggregate(
        total=Count("id"), ok=Count("id", filter=Q(process_rating__in=ok, result_rating__in=ok))
    )
    first_classes = dict(
        Reply.objects.filter(suggestion__in=items.values("pk"), is_followup=False)
        .values_list("reply_class")
        .annotate(n=Count("id"))
        .order_by()
    )
    categories = dict(
        items.filter(category__isnull=False)
        .values_list("category")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = items.aggregate(
        total=Count("id"), at_session=Count("id", filter=Q(session__isnull=False))
    )
    return {
        **counts,
        **first_reply_on_time(items),
        "reply_classes": first_classes,
        "categories": categories,
        "ratings": feedback["total"],
        "ratings_ok": feedback["ok"],
        **_lead_counts(items),
        "outcomes": selectors.outcome_counts(items),
    }


def suggestion_years() -> list[int]:
    """From the first year with suggestions to the last (one query, two index lookups)."""
    bounds = Suggestion.objects.aggregate(first=Min("year"), last=Max("year"))
    if bounds["first"] is None:
        return []
    return list(range(bounds["first"], bounds["last"] + 1))


def _year_of_item(row) -> list[int | None]:
    """The year of the suggestion a reply, rating, assignment or contact belongs to."""
    if not row.suggestion_id:
        return []
    if type(row).suggestion.is_cached(row):
        return [row.suggestion.year]
    return list(Suggestion.objects.filter(pk=row.suggestion_id).values_list("year", flat=True))


@summaries.summary(
    "suggestions",
    feeds={
        Suggestion: lambda s: [s.year],
        Reply: _year_of_item,
        Feedback: _year_of_item,
        Assignment: _year_of_item,
        Contact: _year_of_item,
    },
    years=suggestion_years,
    rules=("SOLVED_REPLY_CLASSES", "PROMISED_DATE_REPLY_CLASSES"),
)
def suggestions_summary(year: int) -> dict:
    public = Suggestion.objects.public().filter(year=year)
    sessions = sorted(
        set(public.order_by().values_list("session_id", flat=True).distinct()),
        key=lambda pk: (pk is not None, pk or 0),
    )
    return {
        "public": {
            str(pk) if pk is not None else NO_SESSION: public_counts(public.filter(session_id=pk))
            for pk in sessions
        },
        "received": received_counts(year),
    }


OPINIONS_COALESCE = 5  # seconds


def opinion_years() -> list[int]:
    """From the first year an opinion was received to the last (Pinghu time)."""
    bounds = Opinion.objects.aggregate(first=Min("submitted_at"), last=Max("submitted_at"))
    if bounds["first"] is None:
        return []
    first, last = (timezone.localtime(bounds[k]).year for k in ("first", "last"))
    return list(range(first, last + 1))


def _opinion_year(opinion) -> list[int | None]:
    if not opinion.submitted_at:
        return []
    return [timezone.localtime(opinion.submitted_at).year]


@summaries.summary(
    "opinions", feeds={Opinion: _opinion_year}, years=opinion_years, coalesce=OPINIONS_COALESCE
)
def opinions_summary(year: int) -> dict:
    """The review's figures of the residents' opinions received in the year, computed by the
    figures registered with summary="opinions" (proposals/opinions/figures.py).

    Residents send opinions in bursts (a reception day, a poster in a busy square): after a
    refresh, the year's slice is refreshed again at most every OPINIONS_COALESCE seconds; in
    between it stays marked stale and its next reader computes it."""
    return summarised_values("opinions", year)


@summaries.summary(
    "station_opinions",
    feeds={Opinion: _opinion_year},
    years=opinion_years,
    coalesce=OPINIONS_COALESCE,
)
def station_opinions_summary(year: int) -> dict:
    """Per station (by id), the counts of a station page's opinion block for the opinions
    received in the year: [received, closed, rated, satisfied] (opinion_figures.COUNTS).
    Opinions come in bursts: refreshed like "opinions" above."""
    rows = (
        Opinion.objects.filter(station__isnull=False)
        .in_year(year)
        .order_by()
        .values("station")
        .annotate(**opinion_counts.COUNTS)
    )
    return {str(row["station"]): [row[key] for key in opinion_counts.COUNTS] for row in rows}


# -- the review's other figures: motions, the look-back ledger, the published scorecard ---------
# Each was a query of its own on every view of a review (four with the stations' count: a
# quarter of the page's in-process time at ten times the demo); kept here, they are read with
# the year's other slices, in one query.


def _session_years(session: Session) -> list[int | None]:
    return [session.start_date.year]


def _year_of_motion(motion: Motion) -> list[int | None]:
    """The year of the session the motion was filed at (its opening date's)."""
    if not motion.session_id:
        return []
    if type(motion).session.is_cached(motion):
        return _session_years(motion.session)
    dates = Session.objects.filter(pk=motion.session_id).values_list("start_date", flat=True)
    return [date.year for date in dates]


def session_years() -> list[int]:
    """The years sessions opened in (one small query)."""
    dates = Session.objects.values_list("start_date", flat=True)
    return sorted({date.year for date in dates})


@summaries.summary(
    "motions", feeds={Motion: _year_of_motion, Session: _session_years}, years=session_years
)
def motions_summary(year: int) -> dict:
    """The review's figures of the year's session's motions (figures registered with
    summary="motions", proposals/suggestions/figures.py)."""
    return summarised_values("motions", year)


def _ledger_years(row: CarryOver) -> list[int | None]:
    return [row.from_year, row.to_year]


def ledger_years() -> list[int]:
    """From the first year items were carried from to the last year they were carried into."""
    bounds = CarryOver.objects.aggregate(first=Min("from_year"), last=Max("to_year"))
    if bounds["first"] is None:
        return []
    return list(range(bounds["first"], bounds["last"] + 1))


@summaries.summary("ledger", feeds={CarryOver: _ledger_years}, years=ledger_years)
def ledger_summary(year: int) -> dict:
    """The review's figures of the look-back ledger: items carried out of the year and into it
    (figures registered with summary="ledger", proposals/suggestions/figures.py). The
    roll-over writes in bulk and says so (touched_rows)."""
    return summarised_values("ledger", year)


def scheme_years() -> list[int]:
    return list(ScorecardScheme.objects.order_by("year").values_list("year", flat=True))


@summaries.summary(
    "scorecard_scheme", feeds={ScorecardScheme: lambda s: [s.year]}, years=scheme_years
)
def scorecard_scheme_summary(year: int) -> dict:
    """The year's published scorecard scheme, the fields its figures read, or None: a review
    asks on every view, and most years have none (proposals/scorecards/figures.py)."""
    published = (
        ScorecardScheme.objects.filter(year=year, published=True)
        .values("id", "name", "fail_on_any", "min_met", "note")
        .first()
    )
    return {"published": published}


# -- reading ---------------------------------------------------------------------------------------


def year_counts(year: int) -> dict:
    """The review's counts of the year's received items (one small query)."""
    return summaries.read("suggestions", [year])[year]["received"]


def empty_public_counts() -> dict:
    """public_counts() of no items, without asking the database."""
    return {
        **dict.fromkeys(["total", "replied", "on_time", "ratings", "process_ok", "result_ok"], 0),
        **dict.fromkeys(["process_satisfied", "result_satisfied", "leads", "leads_contacted"], 0),
        **dict.fromkeys(["contacts", "contacts_confirmed", "contacts_disputed"], 0),
        "classes": {},
        "units": {},
        "outcomes": {
            **dict.fromkeys(
                ["replied", "solved_first", "solved_by_year_end", "promised", "promised_done"], 0
            ),
            "done_late": 0,
            "open_promises": {},
        },
    }


def add(total: dict, part: dict) -> dict:
    """Sum nested dicts of counts (the slices of several years or sessions)."""
    for key, value in part.items():
        if isinstance(value, dict):
            add(total.setdefault(key, {}), value)
        else:
            total[key] = total.get(key, 0) + value
    return total


def public_counts_of(*, year: int | None = None, session_id: int | None = None) -> dict:
    """The statistics page's counts for every year, one year or one session, summed from the
    slices (one query, and a slice's computation if one is stale)."""
    years: Iterable[int] = [year] if year is not None else suggestion_years()
    total = empty_public_counts()
    for data in summaries.read("suggestions", years).values():
        for key, counts in data["public"].items():
            if session_id is None or key == str(session_id):
                add(total, counts)
    return total


def station_opinion_figures(station_id: int) -> dict:
    """A station's opinion block: its latest year with opinions and that year's figures, as
    OpinionQuerySet.figures() gives them, read from the summary (two small queries: the
    years, then their slices) instead of counted over the station's opinions."""
    years = opinion_years()
    slices = summaries.read("station_opinions", years)
    for year in reversed(years):
        counts = slices[year].get(str(station_id))
        if counts:
            return {
                "year": year,
                "figures": opinion_counts.OpinionFigures(
                    **dict(zip(opinion_counts.COUNTS, counts, strict=True))
                ),
            }
    return {"year": None, "figures": opinion_counts.OpinionFigures()}
