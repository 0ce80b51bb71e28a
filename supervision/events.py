"""What the steps of supervision items, polls and livelihood projects are called (the timeline's
vocabulary, congress/kit/events.py)."""

from typing import Any, cast

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from congress.kit.events import TimelineEvent, register_events
from supervision.models import LivelihoodProject, ProjectApproval


class SupervisionEvent(TimelineEvent):
    """A supervision item (a report heard, an inquiry): published, opinion issued, report back."""

    PUBLISHED = "supervision_published", pgettext_lazy("timeline event", "Published")
    REVIEW_OPINION_ISSUED = "review_opinion_issued", _("Review opinion issued")
    HANDLING_REPORT_RECEIVED = "handling_report_received", _("Handling report received")


class BudgetCaseEvent(TimelineEvent):
    """A budget warning opened as a case (supervision.budget): its inquiry, the unit's answer,
    staff's assessment and the follow-up on a later month's figures."""

    OPENED = "budget_case_opened", _("Budget warning opened as a case")
    INQUIRY_SENT = "budget_inquiry_sent", _("Written inquiry sent")
    ANSWERED = "budget_inquiry_answered", _("Inquiry answered")
    ANSWERED_LATE = "budget_inquiry_answered_late", _("Inquiry answered after the due date")
    ASSESSED = "budget_answer_assessed", _("Answer assessed")
    CLOSED = "budget_case_closed", _("Follow-up: figures back within the threshold, case closed")
    REOPENED = (
        "budget_case_reopened",
        _("Follow-up: figures outside the threshold again, case re-opened"),
    )


class BudgetQuestionEvent(TimelineEvent):
    """A deputy's question on the draft budget (supervision.budget.session): sent, answered by
    the finance bureau, published by the office."""

    SENT = "budget_question_sent", _("Question sent to the finance bureau")
    ANSWERED = "budget_question_answered", _("The finance bureau answered")
    PUBLISHED = "budget_question_published", _("Question and answer published")


class PollEvent(TimelineEvent):
    CREATED = "poll_created", _("Vote created")
    OPENED = "poll_opened", _("Vote opened")
    PAPER_TALLY_ENTERED = "paper_tally_entered", _("Paper tally entered")
    CLOSED = "poll_closed", _("Vote closed and counted")
    PUBLISHED = "poll_published", _("Vote result published")
    RUNOFF_CREATED = "poll_runoff_created", _("Run-off vote created")


# A project's steps are its approvals (approval_<step>) and its status changes (project_<status>),
# labelled as the model labels them; written out from the model's own choices so a new step or
# status is in the vocabulary the day it is added.
# (mypy reads a call to the enum as making a member: the functional API is called through Any.)
ProjectEvent: type[TimelineEvent] = cast(Any, TimelineEvent)(
    "ProjectEvent",
    [
        (f"APPROVAL_{step.name}", (f"approval_{step.value}", step.label))
        for step in ProjectApproval.Step
    ]
    + [
        (f"PROJECT_{status.name}", (f"project_{status.value}", status.label))
        for status in LivelihoodProject.Status
    ],
)


register_events("supervision.supervisionitem", SupervisionEvent, BudgetCaseEvent)
register_events("supervision.budgetquestion", BudgetQuestionEvent)
register_events("supervision.poll", PollEvent)
register_events("supervision.livelihoodproject", ProjectEvent)
