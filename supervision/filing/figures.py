"""Figures of the annual review (congress.review.registry) from filing review: the year's
filings, on time or late, reviews and what they found, and residents' suggestions."""

import datetime

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from congress.review.registry import FigureKind, figure
from supervision.filing.models import FilingReview, NormativeDocument, ReviewSuggestion

DOCUMENTS = pgettext_lazy("figure unit", "documents")


def _filed(year: int):
    return NormativeDocument.objects.filter(filed_on__year=year)


@figure(
    "filing.filed",
    summary="supervision",
    label=_("Normative documents filed"),
    definition=_("Documents filed with the standing committee in the year."),
    unit=DOCUMENTS,
)
def filed(year: int) -> int:
    return _filed(year).count()


@figure(
    "filing.on_time_rate",
    summary="supervision",
    label=_("Filed on time"),
    definition=_("Share of the year's filings made within the filing deadline after publication."),
    unit="%",
    kind=FigureKind.PERCENT,
)
def on_time_rate(year: int) -> float | None:
    total = _filed(year).count()
    if not total:
        return None
    return round(100 * _filed(year).filed_on_time().count() / total, 1)


@figure(
    "filing.unfiled",
    summary="supervision",
    label=_("Published but not filed"),
    definition=_(
        "Documents published in the year that the office knows of and that were not filed by "
        "the end of the year, past their deadline."
    ),
    unit=DOCUMENTS,
)
def unfiled(year: int) -> int:
    return (
        NormativeDocument.objects.of_year(year)
        .unfiled_overdue(on=datetime.date(year, 12, 31))
        .count()
    )


@figure(
    "filing.reviewed",
    summary="supervision",
    label=_("Filings reviewed"),
    definition=_("Documents whose review ended in the year, whatever its outcome."),
    unit=DOCUMENTS,
)
def reviewed(year: int) -> int:
    return NormativeDocument.objects.filter(reviews__concluded_on__year=year).distinct().count()


@figure(
    "filing.issues_found",
    summary="supervision",
    label=_("Documents with problems raised"),
    definition=_("Documents whose review, started in the year, raised a problem with the organ."),
    unit=DOCUMENTS,
)
def issues_found(year: int) -> int:
    return (
        NormativeDocument.objects.filter(
            reviews__started_on__year=year, reviews__status__in=FilingReview.ISSUE_FOUND
        )
        .distinct()
        .count()
    )


@figure(
    "filing.corrected",
    summary="supervision",
    label=_("Documents corrected"),
    definition=_("Documents the organ corrected in the year after the review raised a problem."),
    unit=DOCUMENTS,
)
def corrected(year: int) -> int:
    return (
        NormativeDocument.objects.filter(
            reviews__status=FilingReview.Status.CORRECTED, reviews__concluded_on__year=year
        )
        .distinct()
        .count()
    )


@figure(
    "filing.suggestions_received",
    summary="supervision",
    label=_("Review suggestions received"),
    definition=_("Suggestions from residents and organisations that a document be reviewed."),
    unit=pgettext_lazy("figure unit", "suggestions"),
)
def suggestions_received(year: int) -> int:
    return ReviewSuggestion.objects.filter(submitted_at__year=year).count()


@figure(
    "filing.suggestions_answered",
    summary="supervision",
    label=_("Review suggestions answered"),
    definition=_("Of the year's review suggestions, those the office answered."),
    unit=pgettext_lazy("figure unit", "suggestions"),
)
def suggestions_answered(year: int) -> int:
    return ReviewSuggestion.objects.filter(
        submitted_at__year=year, answered_on__isnull=False
    ).count()
