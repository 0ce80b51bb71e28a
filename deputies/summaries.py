"""The deputies' summary rows (congress.kit.summaries): one row per year with the counts of
verified activities and reception days that the review and the home page show, kept up to date
when an activity or a reception day is written."""

from django.db.models import Count, Max, Min, Sum
from django.db.models.functions import ExtractMonth

from congress.kit import summaries
from deputies.models import Activity, ActivityKind, Reception


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


def year_counts(year: int) -> dict:
    """The year's counts (one small query; the slice's computation if a write made it stale)."""
    return summaries.read("deputies", [year])[year]
