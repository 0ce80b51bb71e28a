"""Reads that pages share. Public readers only ever see public items and published results."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.db.models.functions import ExtractYear

from congress.kit.rules import rule as congress_rule
from supervision import rules
from supervision.models import (
    BallotReceipt,
    Inspection,
    InspectionPhoto,
    LivelihoodProject,
    MajorProject,
    Milestone,
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
    return _lines(poll, poll.result.summary)


def _lines(poll: Poll, outcome: rules.Outcome) -> dict[int, ResultLine]:
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
    outcome = poll.result.summary  # parsed once: the page reads the outcome and its lines
    return outcome, _lines(poll, outcome)


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


@dataclass(frozen=True, slots=True)
class MilestoneLine:
    title: str
    due_on: date
    done_on: date | None


@dataclass(frozen=True, slots=True)
class PhotoLine:
    url: str
    caption: str


@dataclass(slots=True)
class InspectionLine:
    date: date
    group_name: str
    place: str
    notes: str
    photos: list[PhotoLine] = field(default_factory=list)


@dataclass(slots=True)
class ProjectLine:
    """What the year's page shows of a livelihood project (read as values, not as models)."""

    pk: int
    title: str
    area: str
    description: str
    investment: Decimal
    completion_target: str
    owner_name: str | None
    status: str
    progress: int
    milestones: list[MilestoneLine] = field(default_factory=list)
    inspections: list[InspectionLine] = field(default_factory=list)


@dataclass(slots=True)
class MajorLine:
    """A major government investment project as the year's page shows it."""

    name: str
    investment: Decimal
    needs_vote: bool
    vote: ResultLine | None


@dataclass(slots=True)
class ProjectRow:
    project: ProjectLine
    ballot: ResultLine | None
    evaluation: ResultLine | None


@dataclass
class ProjectYear:
    year: int
    rows: list[ProjectRow]
    selected: list[ProjectRow]
    total_investment: Decimal | int
    ballot_poll: Poll | None
    ballot: rules.Outcome | None
    evaluation_poll: Poll | None
    evaluation: rules.Outcome | None
    major_projects: list[MajorLine]
    major_poll: Poll | None
    major: rules.Outcome | None


SELECTED = LivelihoodProject.Status.SELECTED


def _first(rows: list[dict], key: str) -> int | None:
    """The poll of the first row that has a line on one (a year's lines share their poll)."""
    return next((row[key] for row in rows if row[key] is not None), None)


def project_year(year: int) -> ProjectYear | None:
    """Everything /projects/<year>/ shows, in a fixed number of queries; None for an empty year.

    Queries: the year's projects, the major projects, the selected projects' milestones and
    their inspections with the photos (only the selected projects' cards show them; none when
    nothing was selected), then the polls the rows were voted in with their results (one
    query, no result repeated per row; none when no row is on a ballot).
    """
    projects = list(
        LivelihoodProject.objects.of_year(year)
        .order_by("order", "id")
        .values(
            "id",
            "title",
            "area",
            "description",
            "investment",
            "completion_target",
            "status",
            "progress",
            "ballot_option_id",
            "evaluation_option_id",
            "owner__name",  # plain lookups, not F() annotations: cheaper to compile
            "ballot_option__poll_id",
            "evaluation_option__poll_id",
        )
    )
    majors = list(
        MajorProject.objects.filter(year=year)
        .order_by("-investment", "id")
        .values("name", "investment", "approval_option_id", "approval_option__poll_id")
    )
    if not projects and not majors:
        return None

    lines = {
        p["id"]: ProjectLine(
            pk=p["id"],
            title=p["title"],
            area=p["area"],
            description=p["description"],
            investment=p["investment"],
            completion_target=p["completion_target"],
            owner_name=p["owner__name"],
            status=p["status"],
            progress=p["progress"],
        )
        for p in projects
    }
    # Milestones and inspections are shown on the selected projects' cards only.
    selected_ids = [pk for pk, line in lines.items() if line.status == SELECTED]
    if selected_ids:
        milestones = Milestone.objects.filter(project_id__in=selected_ids).order_by("due_on", "id")
        for project_id, title, due_on, done_on in milestones.values_list(
            "project_id", "title", "due_on", "done_on"
        ):
            lines[project_id].milestones.append(MilestoneLine(title, due_on, done_on))
        _add_inspections(lines, selected_ids)

    ballot_poll_id = _first(projects, "ballot_option__poll_id")
    evaluation_poll_id = _first(projects, "evaluation_option__poll_id")
    major_poll_id = _first(majors, "approval_option__poll_id")
    wanted = {pk for pk in (ballot_poll_id, evaluation_poll_id, major_poll_id) if pk is not None}
    polls = (
        {
            poll.pk: poll
            for poll in Poll.objects.filter(pk__in=wanted)
            .select_related("result")
            .only("status", "method", "max_choices", "seats", "result__data")
        }
        if wanted
        else {}
    )
    ballot_poll = polls.get(ballot_poll_id)
    evaluation_poll = polls.get(evaluation_poll_id)
    major_poll = polls.get(major_poll_id)
    ballot, ballot_lines = public_result(ballot_poll)
    evaluation, evaluation_lines = public_result(evaluation_poll)
    major, major_lines = public_result(major_poll)

    rows = [
        ProjectRow(
            project=lines[p["id"]],
            ballot=ballot_lines.get(p["ballot_option_id"]),
            evaluation=evaluation_lines.get(p["evaluation_option_id"]),
        )
        for p in projects
    ]
    threshold = congress_rule("MAJOR_PROJECT_VOTE_THRESHOLD_YUAN")
    return ProjectYear(
        year=year,
        rows=rows,
        selected=[row for row in rows if row.project.status == SELECTED],
        total_investment=sum((p["investment"] for p in projects), start=0),
        ballot_poll=ballot_poll,
        ballot=ballot,
        evaluation_poll=evaluation_poll,
        evaluation=evaluation,
        major_projects=[
            MajorLine(
                name=m["name"],
                investment=m["investment"],
                needs_vote=m["investment"] > threshold,
                vote=major_lines.get(m["approval_option_id"]),
            )
            for m in majors
        ],
        major_poll=major_poll,
        major=major,
    )


def _add_inspections(lines: dict[int, ProjectLine], project_ids: list[int]) -> None:
    """The projects' inspections with their photos, in one query (a row per photo)."""
    storage = InspectionPhoto._meta.get_field("image").storage
    found: dict[int, InspectionLine] = {}
    rows = (
        Inspection.objects.filter(project_id__in=project_ids)
        .order_by("date", "id", "photos__id")
        .values_list(
            "id",
            "project_id",
            "date",
            "group__name",
            "place",
            "notes",
            "photos__image",
            "photos__caption",
        )
    )
    for pk, project_id, day, group_name, place, notes, image, caption in rows:
        inspection = found.get(pk)
        if inspection is None:
            inspection = found[pk] = InspectionLine(day, group_name, place, notes)
            lines[project_id].inspections.append(inspection)
        if image:
            inspection.photos.append(PhotoLine(storage.url(image), caption))


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
