"""The votes' rows of the staff to-do list (congress/kit/todo.py), and the poll filter they link to."""

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.kit import todo
from supervision.budget import cases as budget_cases
from supervision.models import BudgetInquiry, BudgetQuestion, Poll

P = Poll.Status

POLL_QUEUES = {
    "to_open": (
        gettext_lazy("due to open"),
        lambda qs, now: qs.filter(status=P.DRAFT, opens_at__lte=now),
    ),
    "to_close": (
        gettext_lazy("due to close"),
        lambda qs, now: qs.filter(status=P.OPEN, closes_at__lte=now),
    ),
    "to_publish": (gettext_lazy("counted, to publish"), lambda qs, now: qs.filter(status=P.CLOSED)),
}


class PollQueueFilter(admin.SimpleListFilter):
    title = gettext_lazy("to do")
    parameter_name = "todo"

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _select) in POLL_QUEUES.items()]

    def queryset(self, request, queryset):
        queue = POLL_QUEUES.get(self.value())
        return queue[1](queryset, timezone.now()) if queue else queryset


def poll_items(request) -> list[todo.TodoItem]:
    if not request.user.has_perm("supervision.change_poll"):
        return []
    now, url = timezone.now(), reverse("admin:supervision_poll_changelist")
    labels = {
        "to_open": _("Votes due to open"),
        "to_close": _("Votes due to close and count"),
        "to_publish": _("Vote results to publish"),
    }
    return [
        todo.TodoItem(labels[key], select(Poll.objects.all(), now).count(), f"{url}?todo={key}")
        for key, (_label, select) in POLL_QUEUES.items()
    ]


def budget_items(request) -> list[todo.TodoItem]:
    """The office: inquiries past due and answers to assess. A unit's clerk: their unit's
    inquiries to answer, and the finance bureau's the deputies' budget questions."""
    user, today = request.user, timezone.localdate()
    inquiries = reverse("admin:supervision_budgetinquiry_changelist")
    if user.has_perm("supervision.change_budgetwarning"):
        cases_ = BudgetInquiry.objects.cases()
        return [
            todo.TodoItem(
                _("Budget inquiries past due, not answered"),
                budget_cases.inquiries_overdue(cases_, today).count(),
                f"{inquiries}?todo=overdue",
                urgent=True,
            ),
            todo.TodoItem(
                _("Answers to budget inquiries to assess"),
                budget_cases.answers_to_assess(cases_).count(),
                f"{inquiries}?todo=to_assess",
            ),
        ]
    units = budget_cases.clerk_units(user)
    if not units:
        return []
    # A unit that never had a budget inquiry, or a question, is not shown an empty row.
    rows = []
    addressed = BudgetInquiry.objects.addressed_to(units)
    if addressed.exists():
        rows.append(
            todo.TodoItem(
                _("Budget inquiries to answer"),
                budget_cases.inquiries_to_answer(addressed).count(),
                f"{inquiries}?todo=to_answer",
            )
        )
    if (
        budget_cases.is_finance_clerk(user)
        and BudgetQuestion.objects.exclude(status=BudgetQuestion.Status.DRAFT).exists()
    ):
        questions = reverse("admin:supervision_budgetquestion_changelist")
        rows.append(
            todo.TodoItem(
                _("Deputies' budget questions to answer"),
                BudgetQuestion.objects.filter(status=BudgetQuestion.Status.SENT).count(),
                f"{questions}?status__exact=sent",
            )
        )
    return rows


todo.register(poll_items)
todo.register(budget_items)
