"""The supervision app's open datasets (congress/opendata): supervision items, votes and their
results, livelihood projects and major investment projects."""

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.opendata.datasets import CHUNK, Dataset, columns, dataset, register
from supervision import rules
from supervision.models import ExecutionLine, LivelihoodProject, MajorProject, Poll, PollOption
from supervision.selectors import PUBLIC_RESULT, supervision_list


def _supervision(year):
    queryset = (
        supervision_list().annotate(opinion_count=Count("opinions")).order_by("meeting__date", "id")
    )
    return queryset.filter(meeting__date__year=year) if year else queryset


dataset(
    "supervision",
    _("Supervision items"),
    _(
        "Reports heard, accounts reviewed, inspections and inquiries at standing-committee meetings."
    ),
    [
        ("id", _("ID")),
        ("date", _("Meeting date")),
        ("kind", _("Kind")),
        ("title", _("Title")),
        ("organisation", _("Reporting organisation")),
        ("debt_amount", _("Debt approved (yuan)")),
        ("review_opinions", _("Review opinions")),
        ("summary", _("Summary")),
    ],
    _supervision,
    lambda i: (
        i.pk,
        i.meeting.date,
        i.get_kind_display(),
        i.title,
        i.reporting_organisation.name if i.reporting_organisation else "",
        i.debt_amount,
        i.opinion_count,
        i.summary,
    ),
)


def _poll_lines(year):
    """One row per option of every published poll, with its result line."""

    queryset = (
        PollOption.objects.filter(poll__status__in=PUBLIC_RESULT)
        .select_related("poll__result")
        .order_by("poll__opens_at", "poll_id", "order", "id")
    )
    if year:
        queryset = queryset.filter(poll__opens_at__year=year)
    summaries: dict[int, dict] = {}  # per poll, computed once
    for option in queryset.iterator(chunk_size=CHUNK):
        poll = option.poll
        if poll.pk not in summaries:
            outcome = poll.result.summary
            labels = dict(rules.grade_choices(poll.method))
            summaries.clear()  # options come poll by poll: keep one
            summaries[poll.pk] = {
                "lines": {line.option: line for line in outcome.lines},
                "labels": labels,
                "cast": outcome.cast,
            }
        info = summaries[poll.pk]
        line = info["lines"].get(option.pk)
        counts = (
            "；".join(f"{info['labels'].get(g, g)} {n}" for g, n in line.counts.items())
            if line
            else ""
        )
        yield (
            poll.pk,
            poll.title,
            Poll.Kind(poll.kind).label,
            timezone.localtime(poll.opens_at).date(),
            poll.roll_size,
            info["cast"],
            option.label,
            option.amount,
            line.votes if line else None,
            line.share if line else None,
            counts,
            rules.outcome_label(poll.method, line.outcome) if line else "",
            line.rank if line else None,
        )


def _poll_count(year):
    queryset = PollOption.objects.filter(poll__status__in=PUBLIC_RESULT)
    return (queryset.filter(poll__opens_at__year=year) if year else queryset).count()


register(
    Dataset(
        "polls",
        _("Votes and their results"),
        _("Every vote with a published result: one row per option, with its count and outcome."),
        columns(
            ("poll_id", _("Vote ID")),
            ("poll", _("Vote")),
            ("kind", _("Kind")),
            ("date", _("Date")),
            ("roll_size", _("Voters on the roll")),
            ("cast", _("Ballots cast")),
            ("option", _("Option")),
            ("amount", _("Investment (yuan)")),
            ("votes", _("Votes")),
            ("share", _("Share")),
            ("counts", _("Counts by grade")),
            ("outcome", _("Outcome")),
            ("rank", _("Rank")),
        ),
        _poll_lines,
        _poll_count,
    )
)


def _livelihood(year):
    queryset = LivelihoodProject.objects.select_related("owner").order_by("year", "order", "id")
    return queryset.filter(year=year) if year else queryset


dataset(
    "livelihood-projects",
    _("Livelihood projects"),
    _(
        "Candidate livelihood projects of each year, the ones selected by the deputies' vote and their progress."
    ),
    [
        ("id", _("ID")),
        ("year", _("Year")),
        ("title", _("Title")),
        ("area", _("Area")),
        ("owner", _("Owner unit")),
        ("investment", _("Investment (yuan)")),
        ("status", _("Status")),
        ("progress", _("Progress (%)")),
        ("completion_target", _("To be completed")),
    ],
    _livelihood,
    lambda p: (
        p.pk,
        p.year,
        p.title,
        p.area,
        p.owner.name if p.owner else "",
        p.investment,
        p.get_status_display(),
        p.progress,
        p.completion_target,
    ),
)


def _major(year):
    queryset = MajorProject.objects.select_related("owner").order_by("year", "-investment", "id")
    return queryset.filter(year=year) if year else queryset


dataset(
    "major-projects",
    _("Major investment projects"),
    _(
        "Major government investment projects in each year's plan; those above the threshold go to a vote."
    ),
    [
        ("id", _("ID")),
        ("year", _("Year")),
        ("name", _("Name")),
        ("owner", _("Owner unit")),
        ("investment", _("Total investment (yuan)")),
        ("needs_vote", _("Voted on")),
    ],
    _major,
    lambda m: (
        m.pk,
        m.year,
        m.name,
        m.owner.name if m.owner else "",
        m.investment,
        m.needs_vote,
    ),
)


def _budget_execution(year):
    """Only the current months the government has published (supervision.budget)."""
    lines = ExecutionLine.objects.filter(
        snapshot__active=True, snapshot__published=True
    ).select_related("snapshot", "department")
    lines = lines.order_by("snapshot__year", "snapshot__month", "department__name", "id")
    return lines.filter(snapshot__year=year) if year else lines


dataset(
    "budget-execution",
    _("Budget execution by department"),
    _(
        "The finance bureau's monthly figures the government has published: each department's "
        "budget and its spending to the end of the month (yuan)."
    ),
    [
        ("year", _("Year")),
        ("month", _("Month")),
        ("department", _("Department")),
        ("budgeted", _("Budget at the start of the year")),
        ("adjusted", _("Adjusted budget")),
        ("spent", _("Spent to date")),
    ],
    _budget_execution,
    lambda line: (
        line.snapshot.year,
        line.snapshot.month,
        line.department.name,
        line.budgeted,
        line.adjusted,
        line.spent,
    ),
)
