"""Reads of residents' opinions that pages share: the tracking page, the portal, the figures.

The figures here are the only ones: the public statistics page, the station pages, the admin's
statistics page and the annual review all call `opinion_stats` / `figures_of`.

办结率 (closure rate) = opinions closed ÷ opinions received, both counted over the opinions
received in the period: closed means the resident rated the answer (or staff closed it once
answered), or it was not accepted with the proper channel explained.
满意率 (satisfaction) = (满意 + 基本满意) ÷ opinions the residents rated, on their last rating.
"""

from django.db.models import Count, Q, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from congress.timeline import OFFICE, timeline_rows
from proposals.events import OpinionEvent
from proposals.models import Opinion, OpinionCategory, TimelineEntry
from proposals.models.opinions import (  # the figures live with the model: its queryset shows them
    COUNTS,
    OpinionFigures,
    figures_of,
)

PRIVATE_FIELDS = ("name", "phone", "rating_comment")


def _grouped(queryset, field, **extra):
    rows = queryset.order_by().annotate(**extra).values(field).annotate(**COUNTS).order_by(field)
    return [
        (row[field], OpinionFigures(**{k: row[k] for k in COUNTS}))
        for row in rows
        if row["received"]
    ]


def scoped(*, year: int | None = None, station=None, town=None):
    """The opinions of a period and place (every filter optional)."""
    queryset = Opinion.objects.all()
    if year:
        queryset = queryset.in_year(year)
    if station is not None:
        queryset = queryset.filter(station=station)
    if town is not None:
        queryset = queryset.filter(
            Q(station__town=town) | Q(station__isnull=True, deputy__delegation__town=town)
        )
    return queryset


def by_station(queryset) -> list:
    no_station = str(_("through a deputy's own code"))
    return _grouped(queryset, "place", place=Coalesce("station__name", Value(no_station)))


def by_month(queryset) -> list:
    return [
        (f"{timezone.localtime(month) if month.tzinfo else month:%Y-%m}", f)
        for month, f in _grouped(queryset, "month", month=TruncMonth("submitted_at"))
    ]


def opinion_stats(*, year: int | None = None, station=None, town=None) -> dict:
    """Totals, and the same four numbers by station, town, month and category: five queries."""
    queryset = scoped(year=year, station=station, town=town)
    by_town = _grouped(
        queryset,
        "town_name",
        town_name=Coalesce("station__town__name", "deputy__delegation__town__name"),
    )
    labels = dict(OpinionCategory.choices)
    by_category = [(labels.get(code, code), f) for code, f in _grouped(queryset, "category")]
    by_category.sort(key=lambda row: -row[1].received)
    return {
        "total": figures_of(queryset),
        "by_station": by_station(queryset),
        "by_town": by_town,
        "by_month": by_month(queryset),
        "by_category": by_category,
    }


def years_with_opinions() -> list[int]:
    return sorted({d.year for d in Opinion.objects.dates("submitted_at", "year")}, reverse=True)


# -- one opinion -------------------------------------------------------------------------------------


def opinion_for_tracking(code: str) -> Opinion:
    """The opinion behind a tracking code, without its private columns (DoesNotExist otherwise)."""
    return (
        Opinion.objects.select_related("station", "deputy")
        .only(
            *Opinion.PUBLIC_FIELDS,
            "station__id",
            "station__name",
            "deputy__id",
            "deputy__name",
        )
        .get(code=code)
    )


# The note is never shown raw on the public tracking page except the unit's name on routing,
# which the service wrote.
SHOWS_NOTE = {OpinionEvent.ROUTED}
RESIDENT = _("The resident")


def _who(entry) -> str | Promise:
    """A role or a unit, never a person's contact: the label the service wrote, the resident
    for a rating, else the office."""
    if entry.actor_label:
        return entry.actor_label
    if entry.action.startswith("rated_"):
        return RESIDENT
    return OFFICE


def public_timeline(opinion: Opinion) -> list[dict]:
    entries = (
        TimelineEntry.objects.for_object(opinion)
        .public()
        .select_related(None)
        .only("at", "action", "actor_label", "note", "content_type", "object_id")
    )
    return timeline_rows(
        (entry for entry in entries if entry.action in OpinionEvent.values),
        who=_who,
        detail=lambda entry: entry.note if entry.action in SHOWS_NOTE else "",
    )


def full_timeline(opinion: Opinion) -> list[dict]:
    """Every step, internal notes too: for the deputies handling it and for staff."""
    return timeline_rows(TimelineEntry.objects.for_object(opinion), who=_who)


def public_replies(opinion: Opinion):
    return opinion.replies.filter(published_at__isnull=False).select_related("organisation")


def portal_opinions(deputy, *, status: str = ""):
    """A deputy's opinions: their stations' and their own code's, newest first (2 queries a page)."""
    queryset = (
        Opinion.objects.for_deputy(deputy)
        .select_related("station", "deputy")
        .annotate(photo_count=Count("photos", distinct=True))
        .order_by("-submitted_at", "-id")
    )
    if status == "open":
        return queryset.filter(status__in=Opinion.Status.handling())
    if status in Opinion.Status.values:
        return queryset.filter(status=status)
    return queryset
