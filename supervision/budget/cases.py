"""The writes of a budget case after it is opened, and of the session's budget review.

- The unit's clerk answers the inquiry in their own login (`inquiry_answer`): the answer is a
  handling report of the inquiry; one received after the due date (working days) is late.
- Staff assess the answer (`answer_assess`): accepted, or insufficient with the reason (the unit
  answers again).
- The office marks a month's figures as published by the government (`snapshot_publish`).
- Deputies write questions on the draft budget, send them; the finance bureau's clerk answers;
  the office publishes the answered ones it chooses.
"""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.kit import workflow
from congress.kit.errors import DomainError
from congress.models import Organisation, UnitMembership, timeline_write
from deputies.models import Deputy
from supervision import services as supervision_services
from supervision.budget.models import BudgetSnapshot, BudgetWarning
from supervision.budget.services import finance_bureau
from supervision.budget.session import AnswerAssessment, BudgetQuestion, DraftBudgetLine
from supervision.models import RectificationReport, ReviewOpinion

# --- Who answers for which unit ------------------------------------------------------------------


def clerk_units(user) -> list[int]:
    """The units (organisation ids) a logged-in staff account answers for, as a unit's clerk."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return []
    return list(UnitMembership.objects.filter(user=user).values_list("organisation_id", flat=True))


def is_finance_clerk(user) -> bool:
    bureau = finance_bureau()
    return bureau is not None and bureau.pk in clerk_units(user)


def awaiting_assessment(inquiry: ReviewOpinion | None) -> RectificationReport | None:
    """The unit's latest answer to the inquiry, if staff have not assessed it yet."""
    if inquiry is None:
        return None
    latest = inquiry.reports.order_by("-received_on", "-id").first()
    if latest is None or AnswerAssessment.objects.filter(report=latest).exists():
        return None
    return latest


# --- What waits for whom (the to-do list and the inquiries' filter) ----------------------------------


def _reports(**filters):
    return Exists(RectificationReport.objects.filter(opinion=OuterRef("inquiry"), **filters))


def inquiries_overdue(queryset, today: datetime.date):
    """Open cases whose inquiry is past its due date with no answer in."""
    return queryset.filter(status=BudgetWarning.Status.CASE, inquiry__report_due__lt=today).exclude(
        _reports()
    )


def answers_to_assess(queryset, today: datetime.date | None = None):
    """Open cases whose unit's answer waits for the office's assessment."""
    return queryset.filter(status=BudgetWarning.Status.CASE).filter(
        _reports(budget_assessment__isnull=True)
    )


def inquiries_to_answer(queryset, today: datetime.date | None = None):
    """Open cases waiting for the unit: no answer yet, or the last one found insufficient."""
    return (
        queryset.filter(status=BudgetWarning.Status.CASE)
        .exclude(_reports(budget_assessment__isnull=True))
        .exclude(_reports(budget_assessment__verdict=AnswerAssessment.Verdict.ACCEPTED))
    )


QUEUES = {
    "overdue": inquiries_overdue,
    "to_assess": answers_to_assess,
    "to_answer": inquiries_to_answer,
}


# --- The inquiry's answer and its assessment -----------------------------------------------------


def inquiry_answer(
    *,
    warning: BudgetWarning,
    text: str,
    file=None,
    by,
    received_on: datetime.date | None = None,
) -> RectificationReport:
    """The addressed unit's clerk answers the case's inquiry (text, and a PDF if they have one).

    Refused when the case is not open, when `by` does not answer for the unit, and while an
    earlier answer waits for staff's assessment. Marked late after the due date."""
    text = (text or "").strip()
    received_on = received_on or timezone.localdate()
    with transaction.atomic():
        warning = workflow.lock(BudgetWarning, warning.pk)
        workflow.require(
            warning, "answer", _("Only an open case takes an answer."), code="warning_state"
        )
        item = warning.case
        if item is None or item.reporting_organisation_id not in clerk_units(by):
            raise DomainError(_("This inquiry is not addressed to your unit."), code="not_yours")
        opinion = workflow.lock(ReviewOpinion, warning.inquiry_id)
        if awaiting_assessment(opinion) is not None:
            raise DomainError(
                _("Your unit's answer is waiting for the office's assessment."),
                code="answer_pending",
            )
        supervision_services.rectification_report_check(
            opinion=opinion, received_on=received_on, text=text, file=file
        )
        report = RectificationReport.objects.create(
            opinion=opinion, received_on=received_on, text=text, file=file or ""
        )
        late = not report.on_time
        timeline_write(
            item=item,
            action="budget_inquiry_answered_late" if late else "budget_inquiry_answered",
            actor=by,
            actor_label=str(item.reporting_organisation),
            public=False,
            note=_("due %(due)s, answered %(on)s")
            % {"due": opinion.report_due.isoformat(), "on": received_on.isoformat()},
        )
    return report


def answer_assess(*, warning: BudgetWarning, verdict: str, note: str = "", by) -> AnswerAssessment:
    """Staff assess the unit's latest answer: accepted, or insufficient (the note says why, and
    the unit answers again)."""
    note = (note or "").strip()
    if verdict not in AnswerAssessment.Verdict.values:
        raise DomainError(_("Choose an assessment."), code="verdict")
    if verdict == AnswerAssessment.Verdict.INSUFFICIENT and not note:
        raise DomainError(
            _("Say what the answer lacks: the unit reads it when answering again."),
            code="no_note",
        )
    with transaction.atomic():
        warning = workflow.lock(BudgetWarning, warning.pk)
        workflow.require(
            warning, "answer", _("Only an open case's answer is assessed."), code="warning_state"
        )
        report = awaiting_assessment(warning.inquiry)
        if report is None:
            raise DomainError(_("No answer is waiting for assessment."), code="nothing_to_assess")
        assessment = AnswerAssessment.objects.create(
            report=report, verdict=verdict, note=note, assessed_by=by
        )
        timeline_write(
            item=warning.case,
            action="budget_answer_assessed",
            actor=by,
            public=False,
            note=f"{assessment.get_verdict_display()}{'：' + note if note else ''}",
        )
    return assessment


# --- Publication of a month's figures -------------------------------------------------------------


def snapshot_publish(*, snapshot: BudgetSnapshot, by=None) -> BudgetSnapshot:
    """Mark a current snapshot as published by the government: its figures go on the public
    budget page and into open data."""
    with transaction.atomic():
        snapshot = workflow.lock(BudgetSnapshot, snapshot.pk)
        if not snapshot.active:
            raise DomainError(
                _("This snapshot has been replaced: publish the current one."),
                code="snapshot_replaced",
            )
        if snapshot.published:
            raise DomainError(_("These figures are already published."), code="published")
        snapshot.published = True
        snapshot.save(update_fields=["published"])
    return snapshot


# --- The session's budget review -------------------------------------------------------------------


def _check_question(*, year: int, department: Organisation, line: DraftBudgetLine | None):
    if not DraftBudgetLine.objects.filter(year=year, department=department).exists():
        raise DomainError(
            _("The draft budget for %(year)s has no lines for %(department)s.")
            % {"year": year, "department": department},
            code="no_lines",
        )
    if line is not None and (line.year != year or line.department_id != department.pk):
        raise DomainError(_("Choose a line of this department's budget."), code="line")


def question_write(
    *,
    deputy: Deputy,
    year: int,
    department: Organisation,
    text: str,
    line: DraftBudgetLine | None = None,
    send: bool = False,
) -> BudgetQuestion:
    """A deputy's question on a department's lines, kept as a draft or sent at once."""
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write your question."), code="no_text")
    _check_question(year=year, department=department, line=line)
    with transaction.atomic():
        question = BudgetQuestion.objects.create(
            deputy=deputy, year=year, department=department, line=line, text=text
        )
        if send:
            question = question_send(question=question, deputy=deputy)
    return question


def question_send(*, question: BudgetQuestion, deputy: Deputy) -> BudgetQuestion:
    with transaction.atomic():
        question = workflow.lock(BudgetQuestion, question.pk)
        if question.deputy_id != deputy.pk:
            raise DomainError(_("This is not your question."), code="not_yours")
        return workflow.transition(
            question,
            BudgetQuestion.Status.SENT,
            by=deputy.user,
            action="budget_question_sent",
            label=deputy.name,
            code="question_state",
        )


def question_answer(*, question: BudgetQuestion, answer: str, by) -> BudgetQuestion:
    """The finance bureau's clerk answers a sent question."""
    answer = (answer or "").strip()
    if not answer:
        raise DomainError(_("Write the answer."), code="no_answer")
    with transaction.atomic():
        question = workflow.lock(BudgetQuestion, question.pk)
        if not is_finance_clerk(by):
            raise DomainError(
                _("Only the finance bureau answers these questions."), code="not_yours"
            )
        question.answer, question.answered_by = answer, by
        return workflow.transition(
            question,
            BudgetQuestion.Status.ANSWERED,
            by=by,
            fields=["answer", "answered_by"],
            action="budget_question_answered",
            label=str(finance_bureau() or ""),
            code="question_state",
        )


def question_publish(*, question: BudgetQuestion, by=None) -> BudgetQuestion:
    """The office publishes an answered question and its answer."""
    with transaction.atomic():
        question = workflow.lock(BudgetQuestion, question.pk)
        workflow.require(
            question,
            "publish",
            _("Only an answered question is published."),
            code="question_state",
        )
        if question.published:
            raise DomainError(_("This question is already published."), code="published")
        question.published = True
        question.save(update_fields=["published"])
        timeline_write(item=question, action="budget_question_published", actor=by)
    return question
