"""Supervision's summary row (congress.kit.summaries): one row per year with every value the
annual review shows of the standing committee's supervision, the livelihood and major projects,
filing review and budget supervision — the figures registered with ``summary="supervision"``
in this app's figures modules, computed by those same functions, so the numbers are the ones a
fresh aggregation gives. The review then reads one row instead of running a query per figure.

Feeds: each model those figures read, with the years a row counts in (the kit also marks the
years a row counted in before a change, and the years of rows written in bulk through
``touched_rows``).
"""

from django.db.models import Max, Min
from django.utils import timezone

from congress.kit import summaries
from congress.models import Meeting
from congress.review.registry import summarised_values
from supervision.budget.models import BudgetWarning
from supervision.filing.models import FilingReview, NormativeDocument, ReviewSuggestion
from supervision.models import LivelihoodProject, MajorProject, Result, SupervisionItem


def _item_year(item: SupervisionItem) -> list[int | None]:
    if not item.meeting_id:
        return []
    if type(item).meeting.is_cached(item):
        return [item.meeting.date.year]
    return list(Meeting.objects.filter(pk=item.meeting_id).values_list("date__year", flat=True))


def _result_years(result: Result) -> list[int | None]:
    """The years of the livelihood projects on the ballot the result counts."""
    return list(
        LivelihoodProject.objects.filter(ballot_option__poll_id=result.poll_id)
        .values_list("year", flat=True)
        .distinct()
    )


def _document_years(document: NormativeDocument) -> list[int | None]:
    return [day.year for day in (document.filed_on, document.published_on) if day]


def _review_years(review: FilingReview) -> list[int | None]:
    return [day.year for day in (review.started_on, review.concluded_on) if day]


def _suggestion_year(suggestion: ReviewSuggestion) -> list[int | None]:
    if not suggestion.submitted_at:
        return []
    return [timezone.localtime(suggestion.submitted_at).year]


def summary_years() -> list[int]:
    """From the first year with a meeting, a project, a filing or a warning to the last."""
    bounds = [
        Meeting.objects.aggregate(first=Min("date__year"), last=Max("date__year")),
        LivelihoodProject.objects.aggregate(first=Min("year"), last=Max("year")),
        MajorProject.objects.aggregate(first=Min("year"), last=Max("year")),
        BudgetWarning.objects.aggregate(first=Min("year"), last=Max("year")),
        NormativeDocument.objects.aggregate(
            first=Min("published_on__year"), last=Max("filed_on__year")
        ),
    ]
    firsts = [b["first"] for b in bounds if b["first"] is not None]
    lasts = [b["last"] for b in bounds if b["last"] is not None]
    if not firsts:
        return []
    return list(range(min(firsts), max(lasts or firsts) + 1))


@summaries.summary(
    "supervision",
    feeds={
        Meeting: lambda meeting: [meeting.date.year],
        SupervisionItem: _item_year,
        LivelihoodProject: lambda project: [project.year],
        MajorProject: lambda project: [project.year],
        Result: _result_years,
        NormativeDocument: _document_years,
        FilingReview: _review_years,
        ReviewSuggestion: _suggestion_year,
        BudgetWarning: lambda warning: [warning.year],
    },
    years=summary_years,
    rules=("FILING_DEADLINE_DAYS",),
)
def supervision_summary(year: int) -> dict:
    return summarised_values("supervision", year)
