"""Reads that pages share. Public readers only ever see public items and published results."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.db.models.functions import ExtractYear

from supervision import rules
from supervision.models import (
    BallotReceipt,
    Inspection,
    LivelihoodProject,
    MajorProject,
    Poll,
    RectificationReport,
    ReviewOpinion,
    SupervisionItem,
)

PUBLIC_RESULT = (Poll.Status.PUBLISHED,)


# --- Results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultLine:
    option_id: int
    counts: list[tuple[str, int]]  # (grade label, votes), best grade first
    votes: int
    share: str | None
    outcome: str
    outcome_label: str
    rank: int | None


def result_lines(poll: Poll) -> dict[int, ResultLine]:
    """A published result's lines by option id; {} when there is none to show.

    `poll.result` must be loaded with the poll (select_related) to keep queries flat.
    """
    if poll is None or poll.status not in PUBLIC_RESULT:
        return {}
    outcome = poll.result.summary
    labels = dict(rules.grade_choices(poll.method))
    return {
        line.option: ResultLine(
            option_id=line.option,
            counts=[(labels[g], n) for g, n in line.counts.items()],
            votes=line.votes,
            share=line.share,
            outcome=line.outcome,
            outcome_label=rules.outcome_label(poll.method, line.outcome),
            rank=line.rank,
        )
        for line in outcome.lines
    }


def public_result(poll: Poll | None):
    """(outcome, lines) of a published poll, else (None, {})."""
    if poll is None or poll.status not in PUBLIC_RESULT:
        return None, {}
    return poll.result.summary, result_lines(poll)


# --- Supervision items ----------------------------------------------------------------------


def supervision_years() -> list[int]:
    return list(
        SupervisionItem.objects.public()
        .annotate(year=ExtractYear("meeting__date"))
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def supervision_list():
    return SupervisionItem.objects.public().select_related(
        "meeting", "reporting_organisation", "appointee"
    )


def supervision_item(pk: int) -> SupervisionItem:
    """One public item with its documents, opinions and reports; DoesNotExist otherwise."""
    reports = RectificationReport.objects.order_by("received_on", "id")
    return (
        SupervisionItem.objects.public()
        .select_related(
            "meeting__term",
            "reporting_organisation",
            "appointee__organisation",
            "satisfaction_poll__result",
        )
        .prefetch_related(
            "documents",
            Prefetch(
                "opinions",
                queryset=ReviewOpinion.objects.order_by("issued_on", "id").prefetch_related(
                    Prefetch("reports", queryset=reports)
                ),
            ),
        )
        .get(pk=pk)
    )


def satisfaction_options(poll: Poll):
    return list(poll.options.all()) if poll and poll.status in PUBLIC_RESULT else []


# --- Livelihood projects --------------------------------------------------------------------


def project_years() -> list[dict]:
    """Years with livelihood projects or major government projects: what each year holds."""
    years: dict[int, dict] = {}
    livelihood = LivelihoodProject.objects.values("year").annotate(
        candidates=Count("id"),
        selected=Count("id", filter=Q(status=LivelihoodProject.Status.SELECTED)),
    )
    for row in livelihood:
        years[row["year"]] = {**row, "majors": 0}
    for row in MajorProject.objects.values("year").annotate(majors=Count("id")):
        years.setdefault(row["year"], {"year": row["year"], "candidates": 0, "selected": 0})
        years[row["year"]]["majors"] = row["majors"]
    return sorted(years.values(), key=lambda row: -row["year"])


@dataclass
class ProjectRow:
    project: LivelihoodProject
    ballot: ResultLine | None
    evaluation: ResultLine | None


@dataclass
class ProjectYear:
    year: int
    rows: list[ProjectRow]
    ballot_poll: Poll | None
    ballot: rules.Outcome | None
    evaluation_poll: Poll | None
    evaluation: rules.Outcome | None
    major_projects: list
    major_poll: Poll | None
    major: rules.Outcome | None

    @property
    def selected(self):
        return [row for row in self.rows if row.project.status == "selected"]

    @property
    def total_investment(self):
        return sum((row.project.investment for row in self.rows), start=0)


def project_year(year: int) -> ProjectYear | None:
    """Everything /projects/<year>/ shows, in a fixed number of queries; None for an empty year."""
    projects = list(
        LivelihoodProject.objects.of_year(year)
        .select_related(
            "owner",
            "ballot_option__poll__result",
            "evaluation_option__poll__result",
        )
        .prefetch_related(
            "milestones",
            "approvals",
            Prefetch(
                "inspections",
                queryset=Inspection.objects.select_related("group").prefetch_related("photos"),
            ),
        )
        .order_by("order", "id")
    )
    majors = list(
        MajorProject.objects.filter(year=year).select_related(
            "owner", "approval_option__poll__result"
        )
    )
    if not projects and not majors:
        return None

    def first_poll(objects, attr):
        for obj in objects:
            option = getattr(obj, attr)
            if option is not None:
                return option.poll
        return None

    ballot_poll = first_poll(projects, "ballot_option")
    evaluation_poll = first_poll(projects, "evaluation_option")
    major_poll = first_poll(majors, "approval_option")
    ballot, ballot_lines = public_result(ballot_poll)
    evaluation, evaluation_lines = public_result(evaluation_poll)
    major, major_lines = public_result(major_poll)
    for m in majors:
        m.vote = major_lines.get(m.approval_option_id)
    rows = [
        ProjectRow(
            project=p,
            ballot=ballot_lines.get(p.ballot_option_id),
            evaluation=evaluation_lines.get(p.evaluation_option_id),
        )
        for p in projects
    ]
    return ProjectYear(
        year=year,
        rows=rows,
        ballot_poll=ballot_poll,
        ballot=ballot,
        evaluation_poll=evaluation_poll,
        evaluation=evaluation,
        major_projects=majors,
        major_poll=major_poll,
        major=major,
    )


# --- The deputy's portal --------------------------------------------------------------------


def polls_for_voter(deputy):
    """Every vote the deputy is on the roll of (not drafts), with `voted` set."""
    voted = BallotReceipt.objects.filter(poll=OuterRef("pk"), voter=deputy)
    return (
        Poll.objects.filter(roll__deputy=deputy)
        .exclude(status=Poll.Status.DRAFT)
        .annotate(voted=Exists(voted))
        .order_by("-opens_at", "id")
    )
