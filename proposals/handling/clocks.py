"""Every running clock of a suggestion, in working days (issue 10: deadlines managed).

A clock is a deadline someone is working against right now: a unit's window to send an item
back (7 working days), the lead's reply (3 months, or as extended), the latest date an extension
can reach (6 months), each co-handler's view (1 month), a re-handling (1 month) and the office's
decision on a 不满意. The admin change page, the unit clerk and the deputy's workspace show them
("距答复期限还有 23 个工作日（2022年5月18日）"); `manage.py send_reminders` reminds from them.
Working days come from congress.kit.workdays (weekends and the Holiday table).
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from congress.kit.workdays import working_days_between
from proposals.handling import services as handling_services
from proposals.models import Assignment, Decision, Suggestion

S = Suggestion.Status

# Who works against the clock: a unit, the office, or nobody in particular (a window).
UNIT, OFFICE = "unit", "office"

LABELS = {
    "return": pgettext_lazy("deadline", "send the item back"),
    "reply": pgettext_lazy("deadline", "reply"),
    "extend": pgettext_lazy("deadline", "latest extended reply date"),
    "view": pgettext_lazy("deadline", "co-handler's view"),
    "rehandle": pgettext_lazy("deadline", "reply after re-handling"),
    "decide": pgettext_lazy("deadline", "office decision on the unsatisfied rating"),
    "return_decide": pgettext_lazy("deadline", "office decision on the return request"),
    "extension_decide": pgettext_lazy("deadline", "office decision on the extension request"),
}


@dataclass(frozen=True)
class Clock:
    code: str  # one of LABELS
    due: datetime.date  # the last day allowed
    today: datetime.date
    owner: str  # UNIT or OFFICE
    organisation_id: int | None = None
    organisation_name: str = ""
    row: str = ""  # what the clock belongs to, for the reminder's key ("assignment:12")
    remind: bool = True  # a window (sending back) is a right, not a duty: no reminder

    @property
    def label(self) -> str:
        return str(LABELS[self.code])

    @property
    def overdue(self) -> bool:
        return self.today > self.due

    @property
    def days_left(self) -> int:
        """Working days from tomorrow to the due date (0 on the last day)."""
        return working_days_between(self.today, self.due)

    @property
    def days_late(self) -> int:
        return working_days_between(self.due, self.today)

    @property
    def text(self) -> str:
        day = date_format(self.due, "DATE_FORMAT")
        if self.overdue:
            return _("%(what)s: %(days)s working days overdue (due %(date)s)") % {
                "what": self.label,
                "days": self.days_late,
                "date": day,
            }
        if self.due == self.today:
            return _("%(what)s: due today (%(date)s)") % {"what": self.label, "date": day}
        return _("%(what)s: %(days)s working days left (%(date)s)") % {
            "what": self.label,
            "days": self.days_left,
            "date": day,
        }

    @property
    def who(self) -> str:
        return self.organisation_name if self.owner == UNIT else str(_("the office"))


def item_clocks(
    suggestion: Suggestion, *, today: datetime.date | None = None, audience: str = "office"
) -> list[Clock]:
    """The running clocks of one item, soonest first.

    `audience`: "office" sees all; "deputy" sees the reply, re-handling and decision clocks
    (not the units' internal windows); a set of unit ids (a clerk) sees those units' clocks
    and the lead's reply clock.
    """
    today = today or timezone.localdate()
    clocks: list[Clock] = []
    assignments = [a for a in suggestion.assignments.all() if a.active]
    handling = suggestion.status in (S.ASSIGNED, S.HANDLING)
    for assignment in assignments:
        unit = {
            "owner": UNIT,
            "organisation_id": assignment.organisation_id,
            "organisation_name": assignment.organisation.name,
            "row": f"assignment:{assignment.pk}",
            "today": today,
        }
        if handling:
            last_return = handling_services.return_deadline(assignment)
            if today <= last_return:
                clocks.append(Clock("return", last_return, remind=False, **unit))
        if assignment.role == Assignment.Role.LEAD:
            if handling:
                clocks.append(Clock("reply", assignment.due_date, **unit))
                limit = handling_services.extension_limit(assignment)
                if limit > assignment.due_date:
                    clocks.append(Clock("extend", limit, remind=False, **unit))
            elif suggestion.status == S.REHANDLING:
                clocks.append(Clock("rehandle", assignment.due_date, **unit))
        elif (
            suggestion.status in (S.ASSIGNED, S.HANDLING, S.REHANDLING)
            and getattr(assignment, "cohandler_view", None) is None
        ):
            clocks.append(Clock("view", handling_services.cohandler_view_due(assignment), **unit))
        for kind, requests in (
            ("return_decide", assignment.return_requests.all()),
            ("extension_decide", assignment.extension_requests.all()),
        ):
            for request in requests:
                if request.decision == Decision.PENDING:
                    clocks.append(
                        Clock(
                            kind,
                            handling_services.office_decision_due(request.requested_at),
                            today,
                            OFFICE,
                            row=f"{kind}:{request.pk}",
                        )
                    )
    unsatisfied = handling_services.unsatisfied_feedback(suggestion)
    if unsatisfied is not None:
        clocks.append(
            Clock(
                "decide",
                handling_services.office_decision_due(unsatisfied.given_at),
                today,
                OFFICE,
                row=f"feedback:{unsatisfied.pk}",
            )
        )
    if audience == "deputy":
        clocks = [c for c in clocks if c.code in ("reply", "rehandle", "decide")]
    elif audience != "office":
        units = set(audience)
        clocks = [
            c
            for c in clocks
            if (c.owner == UNIT and c.organisation_id in units) or c.code in ("reply", "rehandle")
        ]
    return sorted(clocks, key=lambda c: (c.due, c.code))


def prefetch_for_clocks(queryset):
    """What item_clocks reads, in a fixed number of queries for any number of items."""
    from django.db.models import Prefetch

    return queryset.prefetch_related(
        Prefetch(
            "assignments",
            Assignment.objects.filter(active=True).select_related("organisation", "cohandler_view"),
        ),
        "assignments__return_requests",
        "assignments__extension_requests",
    )
