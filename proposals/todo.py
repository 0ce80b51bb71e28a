"""The proposals' rows of the staff to-do list (congress/kit/todo.py) and the changelist filters the
counts link to, so that a count and its list are always the same query."""

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.kit import todo
from proposals import selectors
from proposals.access import clerk_units, is_office
from proposals.models import (
    Decision,
    ExtensionRequest,
    Reply,
    ReturnRequest,
    Suggestion,
)

S = Suggestion.Status


def unsatisfied_awaiting_decision(queryset=None):
    """Replied suggestions whose current reply a signer rated 不满意 and on which staff have not
    yet decided (re-handle or close with reasons): the same rows as the admin's filter
    "不满意待处理", from the one definition on the QuerySet."""
    queryset = Suggestion.objects.all() if queryset is None else queryset
    return queryset.unsatisfied_pending()


def broken_promises(queryset=None):
    """Items answered class B whose promised completion date passed with no solved reply yet."""
    queryset = Suggestion.objects.all() if queryset is None else queryset
    return selectors.broken_promises(queryset, today=timezone.localdate())


# What each value of the `todo` filter selects, given a queryset of suggestions.
SUGGESTION_QUEUES = {
    "to_assign": (
        gettext_lazy("registered, to assign"),
        lambda qs: qs.filter(status=S.REGISTERED),
    ),
    "to_reply": (gettext_lazy("to reply"), lambda qs: qs.filter(status__in=S.in_handling())),
    "overdue": (gettext_lazy("overdue"), lambda qs: qs.overdue()),
    "promise_broken": (
        gettext_lazy("class B, promised date passed, not done"),
        lambda qs: broken_promises(qs),
    ),
    "unsatisfied": (
        gettext_lazy("rated 不满意, awaiting a decision"),
        unsatisfied_awaiting_decision,
    ),
    "to_close": (
        gettext_lazy("replied, to close"),
        lambda qs: qs.filter(status=S.REPLIED).exclude(
            pk__in=unsatisfied_awaiting_decision().values("pk")
        ),
    ),
}


class SuggestionQueueFilter(admin.SimpleListFilter):
    title = gettext_lazy("to do")
    parameter_name = "todo"

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _select) in SUGGESTION_QUEUES.items()]

    def queryset(self, request, queryset):
        queue = SUGGESTION_QUEUES.get(self.value())
        return queue[1](queryset) if queue else queryset


def _url(name: str, **params) -> str:
    url = reverse(f"admin:{name}")
    return f"{url}?{urlencode(params)}" if params else url


def office_items(request) -> list[todo.TodoItem]:
    if is_office(request.user):
        suggestions = Suggestion.objects.all()
        return [
            todo.TodoItem(
                _("Suggestions waiting for review"),
                suggestions.filter(status=S.SUBMITTED).count(),
                _url("proposals_submittedsuggestion_changelist"),
            ),
            todo.TodoItem(
                _("Registered suggestions to assign to handling units"),
                suggestions.filter(status=S.REGISTERED).count(),
                _url("proposals_suggestion_changelist", todo="to_assign"),
            ),
            todo.TodoItem(
                _("Requests to send an item back, to decide"),
                ReturnRequest.objects.filter(decision=Decision.PENDING).count(),
                _url("proposals_returnrequest_changelist", decision__exact=Decision.PENDING),
            ),
            todo.TodoItem(
                _("Requests for more time, to decide"),
                ExtensionRequest.objects.filter(decision=Decision.PENDING).count(),
                _url("proposals_extensionrequest_changelist", decision__exact=Decision.PENDING),
            ),
            todo.TodoItem(
                _("Replies to check and publish"),
                Reply.objects.filter(suggestion__isnull=False, published_at__isnull=True).count(),
                _url("proposals_reply_changelist", published_at__isempty=1),
            ),
            todo.TodoItem(
                _("Overdue suggestions"),
                suggestions.overdue().count(),
                _url("proposals_suggestion_changelist", todo="overdue"),
                urgent=True,
            ),
            todo.TodoItem(
                _("Class B suggestions overdue against their promised date"),
                broken_promises(suggestions).count(),
                _url("proposals_suggestion_changelist", todo="promise_broken"),
                urgent=True,
            ),
            todo.TodoItem(
                _("Unsatisfied ratings (不满意) waiting for a decision"),
                unsatisfied_awaiting_decision(suggestions).count(),
                _url("proposals_suggestion_changelist", todo="unsatisfied"),
                urgent=True,
            ),
        ]
    units = clerk_units(request)
    if not units:
        return []
    mine = Suggestion.objects.for_unit(units)
    return [
        todo.TodoItem(
            _("Our unit's suggestions to answer"),
            mine.filter(status__in=S.in_handling()).count(),
            _url("proposals_suggestion_changelist", todo="to_reply"),
        ),
        todo.TodoItem(
            _("Our unit's overdue suggestions"),
            mine.overdue().count(),
            _url("proposals_suggestion_changelist", todo="overdue"),
            urgent=True,
        ),
        todo.TodoItem(
            _("Our unit's class B suggestions past the date we promised"),
            broken_promises(mine).count(),
            _url("proposals_suggestion_changelist", todo="promise_broken"),
            urgent=True,
        ),
        todo.TodoItem(
            _("Our unit's suggestions rated 不满意, waiting for the office's decision"),
            unsatisfied_awaiting_decision(mine).count(),
            _url("proposals_suggestion_changelist", todo="unsatisfied"),
        ),
    ]


todo.register(office_items)
