"""Reads that pages share. Public readers only ever see public items and published results."""

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.db.models.functions import ExtractYear

from congress.kit.rules import rule as congress_rule
from congress.kit.sqlbatch import fetch_each
from congress.kit.sqlvalues import decimal
from supervision import rules
from supervision.models import (
    BallotReceipt,
    InspectionPhoto,
    LivelihoodProject,
    MajorProject,
    Poll,
    RectificationReport,
    Result,
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


def _first(rows: list[tuple], index: int) -> int | None:
    """The poll of the first row that has a line on one (a year's lines share their poll)."""
    return next((row[index] for row in rows if row[index] is not None), None)


# The year page's reads, written as SQL: through the ORM (five querysets of values() over
# joins) the page spent about 3 ms a request building its queries, more than twice what
# PostgreSQL took to run them. The columns are the page's and no more, each query in the
# order its model's Meta gives (projects: order, id; major projects: investment descending,
# id; milestones: due date, id; inspections: date, id, then their photos by id). No query
# needs another's answer (the selected projects and the polls are named by the year), so
# they travel together (congress.kit.sqlbatch), and their text is the same for every year,
# so PostgreSQL prepares them.
YEAR_PROJECTS_SQL = """
SELECT p.id, p.title, p.area, p.description, p.investment, p.completion_target, p.status,
       p.progress, p.ballot_option_id, p.evaluation_option_id, o.name, b.poll_id, e.poll_id
  FROM supervision_livelihoodproject p
  LEFT JOIN congress_organisation o ON o.id = p.owner_id
  LEFT JOIN supervision_polloption b ON b.id = p.ballot_option_id
  LEFT JOIN supervision_polloption e ON e.id = p.evaluation_option_id
 WHERE p.year = %s
 ORDER BY p."order", p.id
"""
YEAR_MAJORS_SQL = """
SELECT m.name, m.investment, m.approval_option_id, a.poll_id
  FROM supervision_majorproject m
  LEFT JOIN supervision_polloption a ON a.id = m.approval_option_id
 WHERE m.year = %s
 ORDER BY m.investment DESC, m.id
"""
# Milestones and inspections are shown on the selected projects' cards only.
YEAR_MILESTONES_SQL = """
SELECT m.project_id, m.title, m.due_on, m.done_on
  FROM supervision_milestone m
  JOIN supervision_livelihoodproject p ON p.id = m.project_id
 WHERE p.year = %s AND p.status = %s
 ORDER BY m.due_on, m.id
"""
YEAR_INSPECTIONS_SQL = """
SELECT i.id, i.project_id, i.date, g.name, i.place, i.notes, f.image, f.caption
  FROM supervision_inspection i
  JOIN supervision_livelihoodproject p ON p.id = i.project_id
  JOIN deputies_deputygroup g ON g.id = i.group_id
  LEFT JOIN supervision_inspectionphoto f ON f.inspection_id = i.id
 WHERE p.year = %s AND p.status = %s
 ORDER BY i.date, i.id, f.id
"""
# The polls the year's projects and major projects are lines of (a year's lines of one kind
# share their poll: the ballot, the year-end evaluation, the approval vote), with the result.
YEAR_POLLS_SQL = """
SELECT p.id, p.status, p.method, p.max_choices, p.seats, r.data
  FROM supervision_poll p
  LEFT JOIN supervision_result r ON r.poll_id = p.id
 WHERE p.id IN (
       SELECT o.poll_id FROM supervision_polloption o
         JOIN supervision_livelihoodproject l ON l.ballot_option_id = o.id WHERE l.year = %s
       UNION
       SELECT o.poll_id FROM supervision_polloption o
         JOIN supervision_livelihoodproject l ON l.evaluation_option_id = o.id WHERE l.year = %s
       UNION
       SELECT o.poll_id FROM supervision_polloption o
         JOIN supervision_majorproject m ON m.approval_option_id = o.id WHERE m.year = %s)
"""


def project_year(year: int) -> ProjectYear | None:
    """Everything /projects/<year>/ shows, in five queries sent together; None for an empty year.

    Queries (plain SQL, above): the year's projects, the major projects, the selected projects'
    milestones and their inspections with the photos, and the polls the rows were voted in
    with their results (no result repeated per row).
    """
    projects, majors, milestones, inspections, poll_rows = fetch_each(
        [
            (YEAR_PROJECTS_SQL, [year]),
            (YEAR_MAJORS_SQL, [year]),
            (YEAR_MILESTONES_SQL, [year, SELECTED.value]),
            (YEAR_INSPECTIONS_SQL, [year, SELECTED.value]),
            (YEAR_POLLS_SQL, [year, year, year]),
        ]
    )
    if not projects and not majors:
        return None
    lines = {
        row[0]: ProjectLine(
            pk=row[0],
            title=row[1],
            area=row[2],
            description=row[3],
            investment=decimal(row[4], 2),
            completion_target=row[5],
            owner_name=row[10],
            status=row[6],
            progress=row[7],
        )
        for row in projects
    }
    for project_id, title, due_on, done_on in milestones:
        lines[project_id].milestones.append(MilestoneLine(title, due_on, done_on))
    _add_inspections(lines, inspections)

    polls: dict[int | None, Poll] = {row[0]: _poll(*row) for row in poll_rows}
    ballot_poll = polls.get(_first(projects, 11))
    evaluation_poll = polls.get(_first(projects, 12))
    major_poll = polls.get(_first(majors, 3))
    ballot, ballot_lines = public_result(ballot_poll)
    evaluation, evaluation_lines = public_result(evaluation_poll)
    major, major_lines = public_result(major_poll)

    rows = [
        ProjectRow(
            project=lines[row[0]],
            ballot=ballot_lines.get(row[8]),
            evaluation=evaluation_lines.get(row[9]),
        )
        for row in projects
    ]
    threshold = congress_rule("MAJOR_PROJECT_VOTE_THRESHOLD_YUAN")
    major_projects = []
    for name, investment, option_id, _poll_id in majors:
        investment = decimal(investment, 2)
        major_projects.append(
            MajorLine(
                name=name,
                investment=investment,
                needs_vote=investment > threshold,
                vote=major_lines.get(option_id),
            )
        )
    return ProjectYear(
        year=year,
        rows=rows,
        selected=[row for row in rows if row.project.status == SELECTED],
        total_investment=sum((row.project.investment for row in rows), start=0),
        ballot_poll=ballot_poll,
        ballot=ballot,
        evaluation_poll=evaluation_poll,
        evaluation=evaluation,
        major_projects=major_projects,
        major_poll=major_poll,
        major=major,
    )


def _poll(pk: int, status: str, method: str, max_choices, seats, data) -> Poll:
    """A poll as YEAR_POLLS_SQL reads it, with its result (if any) as the page reads it."""
    poll = Poll(id=pk, status=status, method=method, max_choices=max_choices, seats=seats)
    if data is not None:
        # Both databases answer a JSON column as its text here (Django decodes it in the ORM).
        poll.result = Result(poll=poll, data=json.loads(data) if isinstance(data, str) else data)
    return poll


def _add_inspections(lines: dict[int, ProjectLine], rows: list[tuple]) -> None:
    """The projects' inspections with their photos, from YEAR_INSPECTIONS_SQL (a row per photo)."""
    storage = InspectionPhoto._meta.get_field("image").storage
    found: dict[int, InspectionLine] = {}
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
