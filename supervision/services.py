"""Every write that changes the state of a supervision item, a poll or a project.

Each function is one step: inside `transaction.atomic()`, it locks the row, checks the current
state (raising DomainError with a translated message otherwise), saves the fields it changes and
writes a timeline entry.
"""

import datetime
import logging
import secrets
from collections.abc import Collection, Iterable, Mapping, Sequence

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from congress.kit import pagecache, workflow
from congress.kit.errors import DomainError
from congress.kit.rules import rule as congress_rule
from congress.kit.workdays import add_months
from congress.models import timeline_write
from deputies.models import Deputy
from supervision import ballot_seal, rules
from supervision.models import (
    Ballot,
    BallotReceipt,
    LivelihoodProject,
    MajorProject,
    PaperTally,
    PaperTallyCount,
    Poll,
    PollOption,
    PollVoter,
    ProjectApproval,
    ProjectIdea,
    RectificationReport,
    Result,
    ReviewOpinion,
    SealedBallot,
    SupervisionItem,
    UnitEvaluation,
)

logger = logging.getLogger(__name__)


class PaperTallyInvalid(DomainError):
    """A paper tally that does not add up; `errors` lists every problem found."""

    def __init__(self, errors: list[str]):
        super().__init__(" ".join(errors), code="paper_tally")
        self.errors = errors


# The one message for a vote's refused change (congress/kit/workflow.py names both states).
POLL_STATE = _lazy("This vote is %(status)s: it cannot become %(target)s.")


def _poll_transition(poll: Poll, to: str, *, action: str, actor, fields=(), note: str = ""):
    return workflow.transition(
        poll,
        to,
        by=actor,
        action=action,
        note=note,
        fields=fields,
        message=str(POLL_STATE),
        code="poll_state",
    )


# --- Supervision items -----------------------------------------------------------------------


def supervision_item_publish(*, item: SupervisionItem, actor=None) -> SupervisionItem:
    with transaction.atomic():
        item = workflow.lock(SupervisionItem, item.pk)
        if item.is_public:
            raise DomainError(_("This item is already public."), code="already_public")
        item.is_public = True
        item.save(update_fields=["is_public"])
        timeline_write(item=item, action="supervision_published", actor=actor)
    return item


def review_opinion_check(*, item: SupervisionItem, issued_on: datetime.date) -> None:
    if issued_on < item.meeting.date:
        raise DomainError(
            _("Review opinions cannot be issued before the meeting that heard the item."),
            code="opinion_before_meeting",
        )


def rectification_report_check(
    *, opinion: ReviewOpinion, received_on: datetime.date, text: str, file
) -> None:
    if received_on < opinion.issued_on:
        raise DomainError(
            _("A handling report cannot arrive before the opinions were issued."),
            code="report_before_opinion",
        )
    if not text and not file:
        raise DomainError(_("Give the report's text or its PDF."), code="report_empty")


def review_opinion_issue(
    *, item: SupervisionItem, text: str, issued_on: datetime.date, actor=None
) -> ReviewOpinion:
    """Send the meeting's review opinions; the written handling report falls due
    REVIEW_OPINION_REPORT_MONTHS later."""
    months = congress_rule("REVIEW_OPINION_REPORT_MONTHS")
    with transaction.atomic():
        item = workflow.lock(SupervisionItem, item.pk)
        review_opinion_check(item=item, issued_on=issued_on)
        opinion = ReviewOpinion.objects.create(
            item=item, text=text, issued_on=issued_on, report_due=add_months(issued_on, months)
        )
        timeline_write(item=item, action="review_opinion_issued", actor=actor)
    return opinion


def rectification_report_receive(
    *,
    opinion: ReviewOpinion,
    received_on: datetime.date,
    text: str = "",
    file=None,
    actor=None,
) -> RectificationReport:
    with transaction.atomic():
        opinion = workflow.lock(ReviewOpinion, opinion.pk)
        rectification_report_check(opinion=opinion, received_on=received_on, text=text, file=file)
        report = RectificationReport.objects.create(
            opinion=opinion, received_on=received_on, text=text, file=file or ""
        )
        note = "" if report.on_time else _("received after the due date")
        timeline_write(item=opinion.item, action="handling_report_received", actor=actor, note=note)
    return report


# --- Polls -----------------------------------------------------------------------------------


def poll_create(
    *,
    kind: str,
    title: str,
    options: Sequence[Mapping],
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    method: str | None = None,
    max_choices: int | None = None,
    seats: int | None = None,
    base: str = rules.Base.ELIGIBLE,
    majority: str = rules.Majority.MORE_THAN_HALF,
    term=None,
    description: str = "",
    runoff_of: Poll | None = None,
    actor=None,
) -> Poll:
    """A draft poll with its options (dicts of label, description, amount)."""
    method = method or Poll.DEFAULT_METHOD[kind]
    if not options:
        raise DomainError(_("A vote needs at least one option."), code="no_options")
    if method == rules.Method.CHOOSE and not max_choices:
        raise DomainError(_("Say how many options a ballot may mark."), code="max_choices_missing")
    if closes_at <= opens_at:
        raise DomainError(_("A vote must close after it opens."), code="window")
    with transaction.atomic():
        poll = Poll.objects.create(
            kind=kind,
            title=title,
            description=description,
            method=method,
            max_choices=max_choices,
            seats=seats,
            base=base,
            majority=majority,
            opens_at=opens_at,
            closes_at=closes_at,
            term=term,
            runoff_of=runoff_of,
        )
        PollOption.objects.bulk_create(
            PollOption(
                poll=poll,
                label=option["label"],
                description=option.get("description", ""),
                amount=option.get("amount"),
                order=option.get("order", i),
            )
            for i, option in enumerate(options, start=1)
        )
        timeline_write(item=poll, action="poll_created", actor=actor)
    return poll


def poll_open(*, poll: Poll, actor=None, voters: Iterable[Deputy] | None = None) -> Poll:
    """Open the vote and freeze its roll: `voters`, or every serving deputy of the current term."""
    with transaction.atomic():
        poll = workflow.lock(Poll, poll.pk)
        workflow.check(poll, Poll.Status.OPEN, str(POLL_STATE), code="poll_state")
        if not poll.options.exists():
            raise DomainError(_("A vote needs at least one option."), code="no_options")
        voter_ids = sorted(
            {d.pk for d in voters}
            if voters is not None
            else set(Deputy.objects.current().values_list("pk", flat=True))
        )
        if not voter_ids:
            raise DomainError(_("The roll of this vote is empty."), code="empty_roll")
        PollVoter.objects.bulk_create(
            [PollVoter(poll=poll, deputy_id=pk) for pk in voter_ids], batch_size=1000
        )
        poll.roll_size = len(voter_ids)
        _poll_transition(
            poll, Poll.Status.OPEN, action="poll_opened", actor=actor, fields=["roll_size"]
        )
    return poll


def ballot_cast(
    *,
    poll: Poll,
    voter: Deputy,
    marks: Mapping | None = None,
    option_ids: Collection[int] | None = None,
    now: datetime.datetime | None = None,
) -> None:
    """Cast a deputy's secret ballot: a receipt in their name and the marks sealed in the pool.

    `option_ids` is the short form for a pick (each marked "yes"). An electronic ballot that would
    be invalid is refused, not stored: the portal tells the deputy instead. No timeline entry is
    written: a dated, named entry per vote would help match voters with ballots.

    The voter's transaction writes no `Ballot`: it writes the receipt and a `SealedBallot` (the
    marks encrypted with a key kept out of the database). Once the pool holds an anonymity set,
    another transaction turns it into ballots in a random order (`ballot_pool_flush`), so the
    ballots' system columns (xmin, ctid), their order and a dump's order show only the batch.
    """
    if marks is None:
        marks = dict.fromkeys(option_ids or (), rules.YES)
    marks = {str(option): grade for option, grade in marks.items()}
    with transaction.atomic():
        poll = workflow.lock(Poll, poll.pk)
        if not poll.is_accepting(now):
            raise DomainError(_("This vote is not open for ballots."), code="poll_not_open")
        if not PollVoter.objects.filter(poll=poll, deputy=voter).exists():
            raise DomainError(_("You are not on the roll of this vote."), code="not_on_roll")
        rule = poll.rule
        option_pks = list(poll.options.values_list("pk", flat=True))
        if not rules.ballot_is_valid(rule, marks, option_pks):
            if rule.method == rules.Method.CHOOSE and len(marks) > (rule.max_choices or 0):
                raise DomainError(
                    _("Mark at most %(k)s options; this ballot marks %(n)s.")
                    % {"k": rule.max_choices, "n": len(marks)},
                    code="too_many_choices",
                )
            raise DomainError(_("This ballot does not match the vote."), code="bad_ballot")
        if BallotReceipt.objects.filter(poll=poll, voter=voter).exists():
            raise DomainError(_("You have already voted in this vote."), code="already_voted")
        try:
            with transaction.atomic():
                BallotReceipt.objects.create(poll=poll, voter=voter)
        except IntegrityError:
            # The unique constraint is the last guard when two requests race past the check.
            raise DomainError(
                _("You have already voted in this vote."), code="already_voted"
            ) from None
        SealedBallot.objects.create(
            poll=poll,
            sealed=ballot_seal.seal(
                poll.pk, marks, ballot_seal.padded_size(option_pks, rule.method)
            ),
        )
    # A transaction of its own, after the voter's has committed (unless a caller holds one open).
    # The vote is cast either way: a pool that cannot be opened now fails loudly at close.
    try:
        ballot_pool_flush(poll=poll)
    except ballot_seal.SealBroken:
        logger.exception(
            "The ballot pool of poll %s cannot be opened with the configured key.", poll.pk
        )


def anonymity_set(poll: Poll) -> int:
    """How many ballots the pool must hold before they are written: K, or the whole roll."""
    k = int(congress_rule("BALLOT_ANONYMITY_SET"))
    return max(1, min(k, poll.roll_size or k))


def _shuffled(items: list) -> list:
    secrets.SystemRandom().shuffle(items)
    return items


def ballot_pool_flush(*, poll: Poll, everything: bool = False) -> int:
    """Write the poll's sealed ballots as ballots, shuffled, once there are enough of them.

    Runs in its own transaction: every ballot it writes has that transaction's xmin and a random
    place among the batch, so none can be told from the others of its batch. With `everything`
    (at close) the pool is emptied whatever its size. Returns the number of ballots written.
    """
    if not everything and SealedBallot.objects.filter(poll=poll).count() < anonymity_set(poll):
        return 0  # the common case, without taking the poll's lock a second time
    with transaction.atomic():
        poll = workflow.lock(Poll, poll.pk)
        pool = list(SealedBallot.objects.filter(poll=poll).values_list("pk", "sealed"))
        if not pool or (not everything and len(pool) < anonymity_set(poll)):
            return 0
        marks = _shuffled([ballot_seal.unseal(poll.pk, sealed) for _pk, sealed in pool])
        Ballot.objects.bulk_create(
            [Ballot(poll=poll, marks=m, valid=True) for m in marks], batch_size=1000
        )
        SealedBallot.objects.filter(pk__in=[pk for pk, _sealed in pool]).delete()
    return len(marks)


def _ballots_mix(poll: Poll) -> None:
    """At close: the pool and every batch written so far, rewritten as one shuffled batch.

    Whatever the size of the last batch, the ballots of a closed poll share one xmin and a random
    order: the anonymity set is everyone who voted electronically.
    """
    rows = [
        ballot_seal.unseal(poll.pk, s) for s in poll.sealed_ballots.values_list("sealed", flat=True)
    ]
    rows = [(m, True) for m in rows] + list(poll.ballots.values_list("marks", "valid"))
    poll.sealed_ballots.all().delete()
    poll.ballots.all().delete()
    Ballot.objects.bulk_create(
        [Ballot(poll=poll, marks=m, valid=v) for m, v in _shuffled(rows)], batch_size=1000
    )


def paper_tally_enter(
    *,
    poll: Poll,
    issued: int,
    returned: int,
    valid: int,
    invalid: int,
    counts: Mapping[int, Mapping[str, int] | int],
    label: str = "",
    actor=None,
) -> PaperTally:
    """Record the count of one box of paper ballots. Nothing is saved unless it all adds up."""
    with transaction.atomic():
        poll = workflow.lock(Poll, poll.pk)
        workflow.require(
            poll,
            "paper_tally",
            _("Paper tallies can only be entered while the vote is open."),
            code="poll_not_open",
        )
        rule = poll.rule
        options = dict(poll.options.values_list("pk", "label"))
        grades = rules.grade_codes(rule.method)
        rows: dict[int, dict[str, int]] = {}
        errors = []
        for option, row in counts.items():
            if int(option) not in options:
                errors.append(_("The tally names an option that is not on this ballot."))
                continue
            row = {grades[0]: row} if isinstance(row, int) else dict(row)
            if any(grade not in grades for grade in row):
                errors.append(_("The tally uses a mark this vote does not have."))
                continue
            rows[int(option)] = {grade: int(n or 0) for grade, n in row.items()}
        errors += rules.paper_tally_errors(
            rule,
            issued=issued,
            returned=returned,
            valid=valid,
            invalid=invalid,
            counts=rows,
            labels=options,
        )
        already = BallotReceipt.objects.filter(poll=poll).count() + (
            PaperTally.objects.filter(poll=poll).aggregate(n=Sum("returned"))["n"] or 0
        )
        if not errors and already + returned > poll.roll_size:
            errors.append(
                _(
                    "With this box, %(total)s ballots would have been cast by a roll of "
                    "%(roll)s voters."
                )
                % {"total": already + returned, "roll": poll.roll_size}
            )
        if errors:
            raise PaperTallyInvalid(errors)
        tally = PaperTally.objects.create(
            poll=poll,
            label=label,
            issued=issued,
            returned=returned,
            valid=valid,
            invalid=invalid,
            entered_by=actor,
        )
        PaperTallyCount.objects.bulk_create(
            PaperTallyCount(tally=tally, option_id=option, grade=grade, count=n)
            for option, row in rows.items()
            for grade, n in row.items()
            if n
        )
        timeline_write(
            item=poll, action="paper_tally_entered", actor=actor, note=label, public=False
        )
    return tally


def poll_close(*, poll: Poll, actor=None, present: int | None = None) -> Result:
    """Close the vote and compute its result once; the result is stored and never recomputed."""
    with transaction.atomic():
        poll = workflow.lock(Poll, poll.pk)
        workflow.check(poll, Poll.Status.CLOSED, str(POLL_STATE), code="poll_state")
        if present is not None:
            poll.present = present
        if poll.base == rules.Base.PRESENT and poll.present is None:
            raise DomainError(
                _("Enter the number of voters present: the threshold is counted on them."),
                code="present_missing",
            )
        if poll.present is not None and poll.present > poll.roll_size:
            raise DomainError(_("More voters present than on the roll."), code="present_above_roll")
        _ballots_mix(poll)
        rule = poll.rule
        option_ids = list(poll.options.values_list("pk", flat=True))
        ballots = poll.ballots.values_list("marks", "valid")
        paper = PaperTallyCount.objects.filter(tally__poll=poll).values_list(
            "option_id", "grade", "count"
        )
        counts = rules.count(rule, option_ids, ballots.iterator(chunk_size=2000), paper)
        electronic = poll.ballots.aggregate(
            total=Count("pk"), valid=Count("pk", filter=Q(valid=True))
        )
        boxes = poll.paper_tallies.aggregate(
            returned=Sum("returned"), valid=Sum("valid"), invalid=Sum("invalid")
        )
        paper_returned = boxes["returned"] or 0
        valid = electronic["valid"] + (boxes["valid"] or 0)
        invalid = electronic["total"] - electronic["valid"] + (boxes["invalid"] or 0)
        if electronic["total"] + paper_returned > poll.roll_size:
            raise DomainError(
                _("More ballots were cast than there are voters on the roll."),
                code="too_many_ballots",
            )
        outcome = rules.decide(
            rule,
            option_ids,
            counts,
            eligible=poll.roll_size,
            present=poll.present,
            electronic=electronic["total"],
            paper_returned=paper_returned,
            valid=valid,
            invalid=invalid,
        )
        result = Result.objects.create(
            poll=poll, computed_at=timezone.now(), data=outcome.to_json()
        )
        note = (
            _("Tie between %(n)s options; no option was chosen among them.")
            % {"n": len(outcome.tied)}
            if outcome.tied
            else ""
        )
        _poll_transition(
            poll,
            Poll.Status.CLOSED,
            action="poll_closed",
            actor=actor,
            fields=["present"],
            note=note,
        )
    return result


def poll_publish(*, poll: Poll, actor=None) -> Poll:
    with transaction.atomic():
        poll = workflow.lock(Poll, poll.pk)
        return _poll_transition(poll, Poll.Status.PUBLISHED, action="poll_published", actor=actor)


def poll_runoff_create(
    *,
    poll: Poll,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    actor=None,
) -> Poll:
    """A new draft vote among the options that tied, for the places the tie left unfilled."""
    with transaction.atomic():
        poll = workflow.lock(Poll, poll.pk)
        workflow.require(
            poll, "counted", _("A run-off can only follow a closed vote."), code="poll_not_closed"
        )
        outcome = poll.result.summary
        if not outcome.tied:
            raise DomainError(_("This vote has no tie to resolve."), code="no_tie")
        if poll.runoffs.exists():
            raise DomainError(_("A run-off for this vote already exists."), code="runoff_exists")
        tied = poll.options.filter(pk__in=outcome.tied).order_by("order", "id")
        places = outcome.seats_unfilled or 1
        runoff = poll_create(
            kind=poll.kind,
            title=_("Run-off: %(title)s") % {"title": poll.title},
            description=poll.description,
            options=[
                {"label": o.label, "description": o.description, "amount": o.amount} for o in tied
            ],
            opens_at=opens_at,
            closes_at=closes_at,
            method=poll.method,
            max_choices=places if poll.method == rules.Method.CHOOSE else poll.max_choices,
            seats=places,
            base=poll.base,
            majority=poll.majority,
            term=poll.term,
            runoff_of=poll,
            actor=actor,
        )
        timeline_write(item=poll, action="poll_runoff_created", actor=actor)
    return runoff


# --- Livelihood projects and major projects -------------------------------------------------


def project_approval_check(
    *, project: LivelihoodProject, step: str, decided_on: datetime.date
) -> None:
    """Raise DomainError unless `step` may be recorded now: once, in order, dated in order."""
    order = list(ProjectApproval.Step.values)
    done = dict(project.approvals.values_list("step", "decided_on"))
    if step in done:
        raise DomainError(_("This step is already recorded."), code="step_done")
    previous = order[: order.index(step)]
    missing = [s for s in previous if s not in done]
    if missing:
        raise DomainError(
            _("Record the %(step)s first.") % {"step": ProjectApproval.Step(missing[0]).label},
            code="step_out_of_order",
        )
    if previous and decided_on < done[previous[-1]]:
        raise DomainError(_("This step cannot be dated before the previous one."), code="step_date")


def project_approval_record(
    *, project: LivelihoodProject, step: str, decided_on: datetime.date, actor=None
) -> ProjectApproval:
    """Record one step of the approval chain, in order: executive meeting → chair's meeting →
    Party committee → standing committee."""
    with transaction.atomic():
        project = workflow.lock(LivelihoodProject, project.pk)
        project_approval_check(project=project, step=step, decided_on=decided_on)
        approval = ProjectApproval.objects.create(project=project, step=step, decided_on=decided_on)
        timeline_write(item=project, action=f"approval_{step}", actor=actor)
    return approval


def livelihood_candidate_create(
    *,
    year: int,
    title: str,
    description: str,
    investment,
    owner=None,
    area: str = "",
    ideas: Iterable[ProjectIdea] = (),
    actor=None,
) -> LivelihoodProject:
    """A candidate project for the year's vote, drawn from the ideas sent in (which point at it)."""
    if LivelihoodProject.objects.filter(year=year, title=title).exists():
        raise DomainError(
            _("There is already a candidate of that title for %(year)s.") % {"year": year},
            code="duplicate_candidate",
        )
    with transaction.atomic():
        project = LivelihoodProject.objects.create(
            year=year,
            title=title,
            description=description,
            investment=investment,
            owner=owner,
            area=area,
            order=LivelihoodProject.objects.filter(year=year).count() + 1,
        )
        idea_ids = [idea.pk for idea in ideas]
        if idea_ids:
            ProjectIdea.objects.filter(pk__in=idea_ids).update(project=project)
            pagecache.touched("projects")  # update() sends no signals
        timeline_write(item=project, action="project_candidate", actor=actor)
    return project


def livelihood_ballot_create(
    *,
    year: int,
    title: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    max_choices: int,
    seats: int,
    base: str = rules.Base.ELIGIBLE,
    majority: str = rules.Majority.MORE_THAN_HALF,
    term=None,
    actor=None,
) -> Poll:
    """The session's competitive ballot (差额票决) among the year's approved candidates."""
    with transaction.atomic():
        candidates = list(
            LivelihoodProject.objects.select_for_update(of=("self",))
            .filter(year=year, status=LivelihoodProject.Status.CANDIDATE, ballot_option=None)
            .filter(approvals__step=ProjectApproval.Step.STANDING)
            .order_by("order", "id")
        )
        if not candidates:
            raise DomainError(
                _("No candidate of this year has been approved by the standing committee."),
                code="no_candidates",
            )
        if seats >= len(candidates):
            raise DomainError(
                _("A competitive ballot needs more candidates than places."),
                code="not_competitive",
            )
        poll = poll_create(
            kind=Poll.Kind.PROJECT_BALLOT,
            title=title,
            options=[
                {"label": p.title, "description": p.description, "amount": p.investment}
                for p in candidates
            ],
            opens_at=opens_at,
            closes_at=closes_at,
            max_choices=max_choices,
            seats=seats,
            base=base,
            majority=majority,
            term=term,
            actor=actor,
        )
        options = {o.label: o for o in poll.options.all()}
        for project in candidates:
            project.ballot_option = options[project.title]
        LivelihoodProject.objects.bulk_update(candidates, ["ballot_option"])
        pagecache.touched_rows(candidates)  # bulk_update() sends no signals
    return poll


def livelihood_selection_record(*, poll: Poll, actor=None) -> list[LivelihoodProject]:
    """Mark the candidates selected or not from the closed ballot (and its run-off, if any).

    Candidates caught in a tie that no run-off has settled stay candidates.
    """
    with transaction.atomic():
        poll = workflow.lock(Poll, poll.pk)
        workflow.require(
            poll, "counted", _("The ballot has not been counted yet."), code="poll_not_closed"
        )
        outcome = poll.result.summary
        labels = dict(poll.options.values_list("pk", "label"))
        selected = {labels[o] for o in outcome.selected}
        pending = {labels[o] for o in outcome.tied}
        for runoff in poll.runoffs.filter(
            status__in=[Poll.Status.CLOSED, Poll.Status.PUBLISHED]
        ).select_related("result"):
            run = runoff.result.summary
            run_labels = dict(runoff.options.values_list("pk", "label"))
            selected |= {run_labels[o] for o in run.selected}
            pending = {run_labels[o] for o in run.tied}
        projects = list(
            LivelihoodProject.objects.select_for_update(of=("self",))
            .filter(ballot_option__poll=poll, status=LivelihoodProject.Status.CANDIDATE)
            .select_related("ballot_option")
        )
        changed = []
        for project in projects:
            label = project.ballot_option.label
            if label in pending:
                continue
            to = (
                LivelihoodProject.Status.SELECTED
                if label in selected
                else LivelihoodProject.Status.NOT_SELECTED
            )
            workflow.transition(project, to, by=actor, action=f"project_{to}")
            changed.append(project)
    return changed


def livelihood_evaluation_create(
    *,
    year: int,
    title: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    term=None,
    actor=None,
) -> Poll:
    """The year-end satisfaction evaluation of the selected projects: one line per project,
    judged by the evaluation rule (满意 > half of all voters, else 满意+基本满意 > half)."""
    with transaction.atomic():
        projects = list(
            LivelihoodProject.objects.select_for_update()
            .filter(year=year, status=LivelihoodProject.Status.SELECTED, evaluation_option=None)
            .order_by("order", "id")
        )
        if not projects:
            raise DomainError(
                _("No selected project of this year is waiting for its evaluation."),
                code="nothing_to_evaluate",
            )
        poll = poll_create(
            kind=Poll.Kind.SATISFACTION,
            title=title,
            options=[{"label": p.title, "amount": p.investment} for p in projects],
            opens_at=opens_at,
            closes_at=closes_at,
            term=term,
            actor=actor,
        )
        options = {o.label: o for o in poll.options.all()}
        for project in projects:
            project.evaluation_option = options[project.title]
        LivelihoodProject.objects.bulk_update(projects, ["evaluation_option"])
        pagecache.touched_rows(projects)  # bulk_update() sends no signals
    return poll


def major_project_poll_create(
    *,
    year: int,
    title: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    term=None,
    actor=None,
) -> Poll:
    """An approval vote on the year's major projects above MAJOR_PROJECT_VOTE_THRESHOLD_YUAN."""
    with transaction.atomic():
        projects = list(
            MajorProject.objects.select_for_update()
            .needing_vote()
            .filter(year=year, approval_option=None)
            .order_by("-investment", "id")
        )
        if not projects:
            raise DomainError(
                _("No major project of this year above the threshold is waiting for a vote."),
                code="nothing_to_vote",
            )
        poll = poll_create(
            kind=Poll.Kind.APPROVAL,
            title=title,
            options=[{"label": p.name, "amount": p.investment} for p in projects],
            opens_at=opens_at,
            closes_at=closes_at,
            term=term,
            actor=actor,
        )
        options = {o.label: o for o in poll.options.all()}
        for project in projects:
            project.approval_option = options[project.name]
        MajorProject.objects.bulk_update(projects, ["approval_option"])
        pagecache.touched_rows(projects)  # bulk_update() sends no signals
    return poll


# --- The deputies' yearly satisfaction poll on each handling unit (issue 16) -----------------


def unit_evaluations_open(
    *,
    year: int,
    organisations: Iterable,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    term=None,
    actor=None,
) -> list[Poll]:
    """One satisfaction poll per unit for the year, opened to the serving deputies at once; each
    poll's text links to the unit's public scorecard (its evidence). Units that already have
    the year's poll are left as they are; none left is a refusal."""
    with transaction.atomic():
        done = set(
            UnitEvaluation.objects.select_for_update()
            .filter(year=year)
            .values_list("organisation_id", flat=True)
        )
        todo = [unit for unit in organisations if unit.pk not in done]
        if not todo:
            raise DomainError(
                _("Every unit chosen already has its satisfaction poll for this year."),
                code="unit_evaluation_exists",
            )
        polls = []
        for unit in todo:
            evidence = reverse("scorecards:unit", args=[year, unit.pk])
            poll = poll_create(
                kind=Poll.Kind.SATISFACTION,
                title=_("Deputies' satisfaction with %(unit)s, %(year)s")
                % {"unit": unit.name, "year": year},
                description=_(
                    "Rate how %(unit)s handled the deputies' suggestions of %(year)s. "
                    "Its scorecard, and the items behind each figure: %(url)s"
                )
                % {"unit": unit.name, "year": year, "url": evidence},
                options=[{"label": unit.name, "description": evidence}],
                opens_at=opens_at,
                closes_at=closes_at,
                term=term,
                actor=actor,
            )
            UnitEvaluation.objects.create(year=year, organisation=unit, poll=poll)
            polls.append(poll_open(poll=poll, actor=actor))
    return polls
