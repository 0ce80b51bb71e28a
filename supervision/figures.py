"""Figures of the annual review (congress.review.registry) from supervision and the votes."""

from decimal import Decimal

from django.db.models import Count, Max, Q, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from congress.review.registry import FigureKind, data_version, figure
from supervision.models import LivelihoodProject, MajorProject, Poll, Result, SupervisionItem


def _project_ballot(year: int) -> Result | None:
    """The frozen result of the year's livelihood-project ballot (the latest, if re-run)."""
    return (
        Result.objects.filter(
            poll__kind=Poll.Kind.PROJECT_BALLOT,
            poll__options__livelihood_project__year=year,
        )
        .order_by("-computed_at")
        .first()
    )


@figure(
    "projects.voters",
    summary="supervision",
    label=_("Deputies voting on the livelihood projects"),
    definition=_(
        "Ballots cast in the year's livelihood-project vote, electronic and paper, valid or not."
    ),
    unit=pgettext_lazy("figure unit", "deputies"),
)
def projects_voters(year: int) -> int | None:
    result = _project_ballot(year)
    return result.summary.cast if result else None


@figure(
    "projects.candidates",
    summary="supervision",
    label=_("Candidate livelihood projects"),
    definition=_("Projects on the year's ballot after the approval chain."),
    unit=pgettext_lazy("figure unit", "projects"),
)
def projects_candidates(year: int) -> int:
    return LivelihoodProject.objects.of_year(year).filter(ballot_option__isnull=False).count()


@figure(
    "projects.selected",
    summary="supervision",
    label=_("Livelihood projects selected"),
    definition=_("Candidates the deputies' vote selected for the year."),
    unit=pgettext_lazy("figure unit", "projects"),
)
def projects_selected(year: int) -> int:
    return LivelihoodProject.objects.of_year(year).selected().count()


@figure(
    "projects.completed",
    summary="supervision",
    label=_("Selected projects completed"),
    definition=_("Selected livelihood projects whose progress reached 100 % by the year's end."),
    unit=pgettext_lazy("figure unit", "projects"),
)
def projects_completed(year: int) -> int:
    return LivelihoodProject.objects.of_year(year).selected().filter(progress__gte=100).count()


@figure(
    "projects.progress",
    summary="supervision",
    label=_("Progress of the livelihood projects"),
    definition=_("Percentage of the work done on each selected project."),
    kind=FigureKind.SERIES,
)
def projects_progress(year: int) -> list[tuple[str, int]]:
    return list(
        LivelihoodProject.objects.of_year(year)
        .selected()
        .order_by("order", "id")
        .values_list("title", "progress")
    )


@figure(
    "supervision.items",
    summary="supervision",
    label=_("Supervision items"),
    definition=_("Reports, accounts, inspections and inquiries the standing committee took up."),
    unit=pgettext_lazy("figure unit", "items"),
)
def supervision_items(year: int) -> int:
    return SupervisionItem.objects.of_year(year).count()


@figure(
    "supervision.by_kind",
    summary="supervision",
    label=_("Supervision items by kind"),
    definition=_("The year's supervision items, by the form of supervision."),
    kind=FigureKind.SERIES,
    decode=lambda rows: _kind_labels(rows),
)
def supervision_by_kind(year: int) -> list[tuple[str, int]]:
    """Kept by kind code (the summary row holds no translated text), labelled when shown."""
    rows = (
        SupervisionItem.objects.of_year(year)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by("-n", "kind")
    )
    return [(row["kind"], row["n"]) for row in rows]


def _kind_labels(rows: list[list]) -> list[tuple[str, int]]:
    labels = dict(SupervisionItem.Kind.choices)
    return [(str(labels.get(kind, kind)), n) for kind, n in rows]


@figure(
    "supervision.debt_approved",
    summary="supervision",
    label=_("New government debt approved"),
    definition=_("New government debt the standing committee reviewed and approved in the year."),
    kind=FigureKind.MONEY,
)
def debt_approved(year: int) -> Decimal:
    total = (
        SupervisionItem.objects.of_year(year)
        .filter(kind=SupervisionItem.Kind.DEBT)
        .aggregate(total=Sum("debt_amount"))["total"]
    )
    return total or Decimal("0")


@figure(
    "major_projects.count",
    summary="supervision",
    label=_("Major government investment projects"),
    definition=_("Major government investment projects the standing committee reviewed."),
    unit=pgettext_lazy("figure unit", "projects"),
)
def major_projects_count(year: int) -> int:
    return MajorProject.objects.filter(year=year).count()


@figure(
    "major_projects.investment",
    summary="supervision",
    label=_("Their total investment"),
    definition=_("The total investment of those projects."),
    kind=FigureKind.MONEY,
)
def major_projects_investment(year: int) -> Decimal:
    total = MajorProject.objects.filter(year=year).aggregate(total=Sum("investment"))["total"]
    return total or Decimal("0")


@figure(
    "major_projects.voted",
    summary="supervision",
    label=_("Major projects put to a vote"),
    definition=_("Projects above the vote threshold, decided by the standing committee's vote."),
    unit=pgettext_lazy("figure unit", "projects"),
)
def major_projects_voted(year: int) -> int:
    return MajorProject.objects.filter(year=year, approval_option__isnull=False).count()


@data_version("supervision")
def supervision_version(year: int):
    return {
        "items": SupervisionItem.objects.of_year(year).aggregate(
            n=Count("id"), debt=Sum("debt_amount"), last=Max("id")
        ),
        "projects": LivelihoodProject.objects.of_year(year).aggregate(
            n=Count("id"),
            selected=Count("id", filter=Q(status=LivelihoodProject.Status.SELECTED)),
            progress=Sum("progress"),
        ),
        "majors": MajorProject.objects.filter(year=year).aggregate(
            n=Count("id"), total=Sum("investment")
        ),
        "results": Result.objects.filter(poll__opens_at__year=year).aggregate(
            n=Count("id"), last=Max("computed_at")
        ),
    }


# Filing review registers its own figures.
# Networked budget supervision likewise.
from supervision.budget import figures as budget_figures  # noqa: E402,F401
from supervision.filing import figures as filing_figures  # noqa: E402,F401
