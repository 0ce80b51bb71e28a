"""Review figures of the units' scorecard (see congress.review.registry): how many handling
units passed and failed the year's published scheme. A year without a published scheme shows
"—"."""

from django.db.models import Count, Max, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from congress.kit import summaries
from congress.review.registry import data_version, figure
from proposals.models import Assignment, ScorecardCriterion, ScorecardScheme
from proposals.scorecards import selectors

UNITS = pgettext_lazy("figure unit", "units")


def _counts(year: int) -> tuple[int, int] | None:
    """Passed and failed, worked out once for both figures of a review."""
    return summaries.remembered(("scorecards:counts", year), lambda: _compute_counts(year))


def _compute_counts(year: int) -> tuple[int, int] | None:
    # selectors.public_scheme(year), kept in the year's "scorecard_scheme" slice
    # (proposals/summaries.py): every view of a review asks, and most years have none.
    row = summaries.read("scorecard_scheme", [year])[year]["published"]
    if row is None:
        return None
    scheme = ScorecardScheme(year=year, published=True, **row)
    cards = selectors.scorecards(scheme)
    passed = sum(card.passed for card in cards)
    return passed, len(cards) - passed


@figure(
    "scorecards.units_passed",
    label=_("Handling units that passed the scorecard"),
    definition=_(
        "Of the units that handled the year's suggestions, those that met the rules of the "
        "year's published scorecard, counted from the records (see the units' scorecards page)."
    ),
    unit=UNITS,
)
def units_passed(year: int):
    counts = _counts(year)
    return None if counts is None else counts[0]


@figure(
    "scorecards.units_failed",
    label=_("Handling units that failed the scorecard"),
    definition=_(
        "Of the units that handled the year's suggestions, those that missed the rules of the "
        "year's published scorecard; each unit's page lists the items behind every figure."
    ),
    unit=UNITS,
)
def units_failed(year: int):
    counts = _counts(year)
    return None if counts is None else counts[1]


@data_version("scorecards")
def scorecards_version(year: int):
    """The scheme's rules and what the figures read beyond the suggestions' own version."""
    rules = list(
        ScorecardCriterion.objects.filter(scheme__year=year)
        .order_by("kind")
        .values_list("kind", "days", "min_share", "scheme__published", "scheme__fail_on_any",
                     "scheme__min_met")
    )  # fmt: skip
    signed = Assignment.objects.filter(suggestion__year=year).aggregate(
        n=Count("id"), signed=Max("accepted_at"), active=Count("id", filter=Q(active=True))
    )
    return {"rules": rules, "signed": signed}
