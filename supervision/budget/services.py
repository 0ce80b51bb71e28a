"""Every write of budget supervision: snapshots replaced, rules run, warnings dismissed or
opened as cases, answers recorded, follow-ups on a later month.

Each state change goes through congress.kit.workflow (the warning's TRANSITIONS); the case's own
steps (the written inquiry, the department's answer) go through supervision.services, which
writes them on the case's timeline.
"""

import calendar
import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from congress.kit import workflow
from congress.kit.errors import DomainError
from congress.kit.pagecache import touched_rows
from congress.kit.rules import rule as congress_rule
from congress.kit.workdays import add_working_days
from congress.models import Meeting, Organisation, timeline_write
from supervision import services as supervision_services
from supervision.budget.models import (
    BudgetSnapshot,
    BudgetTotal,
    BudgetWarning,
    DebtLine,
    ExecutionLine,
    FunctionalLine,
    SanGongLine,
    TransferLine,
    WarningRule,
)
from supervision.models import RectificationReport, ReviewOpinion, SupervisionItem

HUNDRED = Decimal(100)


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    return (HUNDRED * part / whole).quantize(Decimal("0.1"))


def _wan(amount: Decimal) -> str:
    return str((amount / Decimal(10_000)).quantize(Decimal("0.01")))


# --- The rules -----------------------------------------------------------------------------------


def execution_finding(
    rule: WarningRule, line: ExecutionLine | FunctionalLine, month: int
) -> dict | None:
    """The figures that trip an execution rule on a department's line, or None.

    The rule looks at the month it names and every later one: under `threshold` % of the adjusted
    budget spent by then. A department with no adjusted budget has nothing to spend."""
    if rule.by_month is None or month < rule.by_month or not line.adjusted:
        return None
    rate = _percent(line.spent, line.adjusted)
    if rate >= rule.threshold:
        return None
    return {
        "month": month,
        "adjusted": str(line.adjusted),
        "spent": str(line.spent),
        "rate": str(rate),
        "threshold": str(rule.threshold),
    }


def debt_finding(rule: WarningRule, line: DebtLine) -> dict | None:
    """The figures that trip a debt rule: the balance over `threshold` % of the limit."""
    if not line.limit:
        return None
    share = _percent(line.balance, line.limit)
    if line.balance * HUNDRED <= line.limit * rule.threshold:
        return None
    return {
        "month": line.snapshot.month,
        "balance": str(line.balance),
        "limit": str(line.limit),
        "share": str(share),
        "threshold": str(rule.threshold),
    }


def december_finding(rule: WarningRule, line: ExecutionLine, november: Decimal) -> dict | None:
    """The figures that trip a December rule: December's spending (spent to the end of December
    less spent to the end of November) over `threshold` % of the year's spending."""
    if not line.spent:
        return None
    december = line.spent - november
    if december * HUNDRED <= line.spent * rule.threshold:
        return None
    return {
        "month": 12,
        "december": str(december),
        "year_spent": str(line.spent),
        "share": str(_percent(december, line.spent)),
        "threshold": str(rule.threshold),
    }


def sangong_finding(rule: WarningRule, line: SanGongLine, month: int) -> dict | None:
    """The figures that trip a 三公 rule: a department's 三公 spending to date (the three
    together) over `threshold` % of the year's 三公 budget. A department with no 三公 budget
    is not read by this rule (nothing to compare with)."""
    budget, spent = line.budget, line.spent
    if not budget or spent * HUNDRED <= budget * rule.threshold:
        return None
    return {
        "month": month,
        "budget": str(budget),
        "spent": str(spent),
        "travel": str(line.travel_spent),
        "vehicles": str(line.vehicles_spent),
        "reception": str(line.reception_spent),
        "share": str(_percent(spent, budget)),
        "threshold": str(rule.threshold),
    }


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def transfer_finding(
    rule: WarningRule, line: TransferLine, as_of: datetime.date, month: int
) -> dict | None:
    """The figures that trip a transfer rule: passed on more than `threshold` days after it
    was received, or not passed on by the end of the snapshot's month (`as_of`) more than
    `threshold` days after. Passed on on the last allowed day is in time."""
    days = int(rule.threshold)
    held = ((line.passed_on or as_of) - line.received_on).days
    if held <= days:
        return None
    return {
        "month": month,
        "amount": str(line.amount),
        "received_on": line.received_on.isoformat(),
        "passed_on": line.passed_on.isoformat() if line.passed_on else "",
        "recipient": line.recipient,
        "days": held,
        "threshold": days,
    }


def revenue_finding(rule: WarningRule, total: BudgetTotal, month: int) -> dict | None:
    """The figures that trip a revenue rule: a budget's revenue to date down on the same months
    of last year by more than `threshold` %. A budget with no revenue last year is not read."""
    last = total.revenue_last_year
    if not last or (last - total.revenue) * HUNDRED <= last * rule.threshold:
        return None
    return {
        "month": month,
        "revenue": str(total.revenue),
        "last_year": str(last),
        "fall": str(_percent(last - total.revenue, last)),
        "threshold": str(rule.threshold),
    }


def functional_finding(rule: WarningRule, line: FunctionalLine, month: int) -> dict | None:
    """The figures that trip an execution rule on a functional class: as a department's line
    (`execution_finding`), read on the class's adjusted budget and spending."""
    return execution_finding(rule, line, month)


def partial_transfer_finding(
    rule: WarningRule, line: TransferLine, as_of: datetime.date, month: int
) -> dict | None:
    """The figures that trip a partial-transfer rule: more than `rule.days` days after its
    receipt (to the end of the snapshot's month), the amount passed on is below the amount
    received by more than `threshold` %. A transfer not passed on at all is the held rule's;
    one passed on in full, or short by exactly the threshold, is within the rule."""
    if line.passed_amount is None or not line.amount or rule.days is None:
        return None
    held = (as_of - line.received_on).days
    shortfall = line.amount - line.passed_amount
    if held <= rule.days or shortfall * HUNDRED <= line.amount * rule.threshold:
        return None
    return {
        "month": month,
        "amount": str(line.amount),
        "passed": str(line.passed_amount),
        "received_on": line.received_on.isoformat(),
        "days": held,
        "after": rule.days,
        "shortfall": str(_percent(shortfall, line.amount)),
        "threshold": str(rule.threshold),
    }


def unbudgeted_sangong_finding(rule: WarningRule, line: SanGongLine, month: int) -> dict | None:
    """The figures that trip the rule on 三公 without a budget: a department whose 三公 budget
    (the three together) is nil has spent more than `threshold` yuan on them."""
    if line.budget or line.spent <= rule.threshold:
        return None
    return {
        "month": month,
        "spent": str(line.spent),
        "travel": str(line.travel_spent),
        "vehicles": str(line.vehicles_spent),
        "reception": str(line.reception_spent),
        "threshold": str(rule.threshold),
    }


def _findings(snapshot: BudgetSnapshot, rules: list[WarningRule]):
    """(rule, department id or None, subject, figures) for each line a rule trips.

    The snapshot's lines are read once (one query per kind, a second for December's November),
    whatever the number of rules and lines."""
    by_kind: dict[str, list[WarningRule]] = {}
    for rule in rules:
        by_kind.setdefault(rule.kind, []).append(rule)
    K = WarningRule.Kind
    if snapshot.kind == BudgetSnapshot.Kind.EXECUTION:
        lines = list(snapshot.execution_lines.all())
        for rule in by_kind.get(K.EXECUTION_LAG, []):
            for line in lines:
                if figures := execution_finding(rule, line, snapshot.month):
                    yield rule, line.department_id, "", figures
        if by_kind.get(K.DECEMBER_RUSH) and snapshot.month == 12:
            # Needs November's current figures; without them December cannot be told apart.
            november = dict(
                ExecutionLine.objects.filter(
                    snapshot__kind=snapshot.kind,
                    snapshot__year=snapshot.year,
                    snapshot__month=11,
                    snapshot__active=True,
                ).values_list("department_id", "spent")
            )
            for rule in by_kind[K.DECEMBER_RUSH]:
                for line in lines:
                    if line.department_id not in november:
                        continue
                    if figures := december_finding(rule, line, november[line.department_id]):
                        yield rule, line.department_id, "", figures
    elif snapshot.kind == BudgetSnapshot.Kind.DEBT:
        debt = DebtLine.objects.filter(snapshot=snapshot).select_related("snapshot").first()
        for rule in by_kind.get(K.DEBT_OVER_LIMIT, []):
            if debt is not None and (figures := debt_finding(rule, debt)):
                yield rule, None, "", figures
    elif snapshot.kind == BudgetSnapshot.Kind.SANGONG:
        sangong = list(snapshot.sangong_lines.all())
        for rule in by_kind.get(K.SANGONG_OVER, []):
            for spending in sangong:
                if figures := sangong_finding(rule, spending, snapshot.month):
                    yield rule, spending.department_id, "", figures
        for rule in by_kind.get(K.SANGONG_UNBUDGETED, []):
            for spending in sangong:
                if figures := unbudgeted_sangong_finding(rule, spending, snapshot.month):
                    yield rule, spending.department_id, "", figures
    elif snapshot.kind == BudgetSnapshot.Kind.TRANSFER:
        as_of = month_end(snapshot.year, snapshot.month)
        transfers = list(snapshot.transfer_lines.all())
        for rule in by_kind.get(K.TRANSFER_HELD, []):
            for transfer in transfers:
                if figures := transfer_finding(rule, transfer, as_of, snapshot.month):
                    yield rule, None, transfer.item, figures
        for rule in by_kind.get(K.TRANSFER_PARTIAL, []):
            for transfer in transfers:
                if figures := partial_transfer_finding(rule, transfer, as_of, snapshot.month):
                    yield rule, None, transfer.item, figures
    elif snapshot.kind == BudgetSnapshot.Kind.FUNCTIONAL:
        functional = list(snapshot.functional_lines.all())
        for rule in by_kind.get(K.FUNCTIONAL_LAG, []):
            for function in functional:
                if figures := functional_finding(rule, function, snapshot.month):
                    yield rule, None, subject_of(function), figures
    elif snapshot.kind == BudgetSnapshot.Kind.TOTALS:
        totals = list(snapshot.totals.all())
        for rule in by_kind.get(K.REVENUE_FALL, []):
            for total in totals:
                if figures := revenue_finding(rule, total, snapshot.month):
                    yield rule, None, total.budget, figures


def subject_of(line: FunctionalLine) -> str:
    """A functional class as a warning names it: its code and its name (2130 农林水支出)."""
    return f"{line.code} {line.name}"


def rules_run(*, snapshot: BudgetSnapshot) -> list[BudgetWarning]:
    """Run every rule in use on a current snapshot; returns the warnings it raised.

    A rule raises one warning per year and department (per year and subject otherwise: a
    transfer's item, a budget, the debt): running it again, or on a later month, adds nothing
    new. A fixed number of queries: the rules, the year's warnings, the lines, one insert."""
    if not snapshot.active:
        raise DomainError(
            _("This snapshot has been replaced: run the rules on the current one."),
            code="snapshot_replaced",
        )
    kinds = [k for k, v in WarningRule.SNAPSHOT_KIND.items() if v == snapshot.kind]
    with transaction.atomic():
        rules = list(WarningRule.objects.filter(active=True, kind__in=kinds).order_by("pk"))
        if not rules:
            return []
        known = set(
            BudgetWarning.objects.filter(rule__in=rules, year=snapshot.year).values_list(
                "rule_id", "department_id", "subject"
            )
        )
        raised = []
        for rule, department, subject, figures in _findings(snapshot, rules):
            key = (rule.pk, department, subject)
            if key in known:
                continue
            known.add(key)
            raised.append(
                BudgetWarning(
                    rule=rule,
                    snapshot=snapshot,
                    year=snapshot.year,
                    department_id=department,
                    subject=subject,
                    figures=figures,
                )
            )
        BudgetWarning.objects.bulk_create(raised)
        touched_rows(raised)
    return raised


# --- Snapshots -------------------------------------------------------------------------------


def snapshot_start(
    *, kind: str, year: int, month: int, by=None, file_name: str = ""
) -> BudgetSnapshot:
    """A new current snapshot for the month; the month's previous one is kept, marked replaced.

    Called inside the import's transaction: a refused file leaves the old snapshot current."""
    if not 1 <= month <= 12:
        raise DomainError(_("A month is a number from 1 to 12."), code="month")
    with transaction.atomic():
        old = (
            BudgetSnapshot.objects.select_for_update()
            .filter(kind=kind, year=year, month=month, active=True)
            .first()
        )
        if old is not None:
            # The partial unique index allows one current snapshot: the old one steps down first.
            BudgetSnapshot.objects.filter(pk=old.pk).update(active=False)
        snapshot = BudgetSnapshot.objects.create(
            kind=kind, year=year, month=month, imported_by=by, file_name=file_name[:255]
        )
        if old is not None:
            BudgetSnapshot.objects.filter(pk=old.pk).update(superseded_by=snapshot)
    return snapshot


def snapshot_checks(*, snapshot: BudgetSnapshot) -> dict:
    """After an import (and on demand): the rules, then the follow-up of the open cases."""
    raised = rules_run(snapshot=snapshot)
    closed = follow_up_all(snapshot=snapshot)
    return {"raised": len(raised), "closed": len(closed)}


# --- Warnings and cases ------------------------------------------------------------------------


def warning_dismiss(*, warning: BudgetWarning, reason: str, by=None) -> BudgetWarning:
    """Dismiss a warning; the reason is required and kept."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for dismissing this warning."), code="no_reason")
    with transaction.atomic():
        warning = workflow.lock(BudgetWarning, warning.pk)
        warning.reason, warning.decided_by = reason, by
        return workflow.transition(
            warning, BudgetWarning.Status.DISMISSED, by=by, fields=["reason", "decided_by"]
        )


def finance_bureau() -> Organisation | None:
    """The unit named in BUDGET_FINANCE_BUREAU: it answers for debt and for the draft budget."""
    return Organisation.objects.filter(name=congress_rule("BUDGET_FINANCE_BUREAU")).first()


def warning_open_case(
    *,
    warning: BudgetWarning,
    meeting: Meeting,
    issued_on: datetime.date,
    text: str,
    addressee: Organisation | None = None,
    by=None,
) -> BudgetWarning:
    """Open a warning as a case: a supervision item of `meeting` (the standing committee's or
    chairs' meeting that decided it) and a written inquiry to `addressee` — by default the
    department, the finance bureau for debt — answered within BUDGET_INQUIRY_ANSWER_WORKING_DAYS
    working days by that unit's clerk in their own login."""
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write the inquiry to send."), code="no_inquiry")
    with transaction.atomic():
        warning = workflow.lock(BudgetWarning, warning.pk)
        workflow.check(warning, BudgetWarning.Status.CASE, code="warning_state")
        if issued_on < meeting.date:
            raise DomainError(
                _("The inquiry cannot be sent before the meeting that decided it."),
                code="inquiry_before_meeting",
            )
        debt = warning.rule.kind == WarningRule.Kind.DEBT_OVER_LIMIT
        addressee = addressee or warning.department or finance_bureau()
        with translation.override(settings.LANGUAGE_CODE):  # kept in the register's language
            title = _("Budget warning: %(rule)s — %(who)s") % {
                "rule": warning.rule.name,
                "who": warning.about,
            }
            summary = warning.finding
        item = SupervisionItem.objects.create(
            meeting=meeting,
            kind=SupervisionItem.Kind.DEBT if debt else SupervisionItem.Kind.PLAN_BUDGET,
            title=title,
            summary=summary,
            reporting_organisation=addressee,
        )
        supervision_services.review_opinion_check(item=item, issued_on=issued_on)
        # A written inquiry is answered in working days, not in a meeting opinion's months.
        opinion = ReviewOpinion.objects.create(
            item=item,
            text=text,
            issued_on=issued_on,
            report_due=add_working_days(
                issued_on, congress_rule("BUDGET_INQUIRY_ANSWER_WORKING_DAYS")
            ),
        )
        timeline_write(item=item, action="budget_case_opened", actor=by, public=False)
        timeline_write(
            item=item,
            action="budget_inquiry_sent",
            actor=by,
            public=False,
            note=_("to %(unit)s, answer due %(due)s")
            % {"unit": addressee or "—", "due": opinion.report_due.isoformat()},
        )
        warning.case, warning.inquiry, warning.decided_by = item, opinion, by
        return workflow.transition(
            warning,
            BudgetWarning.Status.CASE,
            by=by,
            fields=["case", "inquiry", "decided_by"],
        )


def warning_answer(
    *, warning: BudgetWarning, received_on: datetime.date, text: str, by=None
) -> RectificationReport:
    """Record the department's written answer to the inquiry (entered by staff in this slice)."""
    with transaction.atomic():
        warning = workflow.lock(BudgetWarning, warning.pk)
        workflow.require(
            warning, "answer", _("Only an open case takes an answer."), code="warning_state"
        )
        opinion = ReviewOpinion.objects.get(pk=warning.inquiry_id or 0)
        return supervision_services.rectification_report_receive(
            opinion=opinion, received_on=received_on, text=(text or "").strip(), actor=by
        )


def _still_trips(warning: BudgetWarning, snapshot: BudgetSnapshot) -> tuple[bool | None, str]:
    """Whether the warning's rule still trips on `snapshot`, and the figure it read (the rate
    spent, the debt's or 三公's share, revenue's fall, a transfer's days held); None when the
    month has no figures for it."""
    rule = warning.rule
    K = WarningRule.Kind
    month = snapshot.month
    if rule.kind == K.DEBT_OVER_LIMIT:
        debt = DebtLine.objects.filter(snapshot=snapshot).select_related("snapshot").first()
        if debt is None or not debt.limit:
            return None, ""
        return debt_finding(rule, debt) is not None, str(_percent(debt.balance, debt.limit))
    if rule.kind == K.SANGONG_OVER:
        sangong = snapshot.sangong_lines.filter(department=warning.department).first()
        if sangong is None or not sangong.budget:
            return None, ""
        trips = sangong_finding(rule, sangong, month) is not None
        return trips, str(_percent(sangong.spent, sangong.budget))
    if rule.kind == K.REVENUE_FALL:
        total = snapshot.totals.filter(budget=warning.subject).first()
        if total is None or not total.revenue_last_year:
            return None, ""
        fall = _percent(total.revenue_last_year - total.revenue, total.revenue_last_year)
        return revenue_finding(rule, total, month) is not None, str(fall)
    if rule.kind == K.SANGONG_UNBUDGETED:
        sangong = snapshot.sangong_lines.filter(department=warning.department).first()
        if sangong is None:
            return None, ""
        # Back within the rule once a budget covers what was spent.
        trips = sangong.spent > sangong.budget and sangong.spent > rule.threshold
        return trips, _wan(sangong.spent)
    if rule.kind == K.TRANSFER_PARTIAL:
        transfer = snapshot.transfer_lines.filter(item=warning.subject).first()
        if transfer is None or transfer.passed_amount is None or not transfer.amount:
            return None, ""
        as_of = month_end(snapshot.year, month)
        trips = partial_transfer_finding(rule, transfer, as_of, month) is not None
        return trips, str(_percent(transfer.amount - transfer.passed_amount, transfer.amount))
    if rule.kind == K.FUNCTIONAL_LAG:
        code = warning.subject.split(" ", 1)[0]
        functional = snapshot.functional_lines.filter(code=code).first()
        if functional is None or not functional.adjusted:
            return None, ""
        trips = functional_finding(rule, functional, month) is not None
        return trips, str(_percent(functional.spent, functional.adjusted))
    if rule.kind == K.TRANSFER_HELD:
        transfer = snapshot.transfer_lines.filter(item=warning.subject).first()
        if transfer is None:
            return None, ""
        # Back within the rule once passed on (late or not): the case asked why and when.
        held = ((transfer.passed_on or month_end(snapshot.year, month)) - transfer.received_on).days
        return transfer.passed_on is None, str(held)
    if rule.kind != K.EXECUTION_LAG:  # December has no later month in the year
        return None, ""
    line = snapshot.execution_lines.filter(department=warning.department).first()
    if line is None or not line.adjusted:
        return None, ""
    return execution_finding(rule, line, month) is not None, str(line.rate)


def warning_follow_up(*, warning: BudgetWarning, snapshot: BudgetSnapshot, by=None) -> bool:
    """Check a case on a later month's current snapshot. An open case closes when the figure is
    back within the rule's threshold and the unit has answered (an answer staff found
    insufficient does not count); otherwise it stays open, with what the check found. A closed
    case whose figure is outside the threshold again is re-opened. Returns whether it closed."""
    with transaction.atomic():
        warning = workflow.lock(BudgetWarning, warning.pk)
        workflow.require(
            warning, "follow_up", _("Only an open case is followed up."), code="warning_state"
        )
        raised_on = warning.snapshot
        followed = warning.followed_up_on
        last = followed.month if followed is not None else raised_on.month
        closed = warning.status == BudgetWarning.Status.CLOSED
        if (
            not snapshot.active
            or snapshot.year != warning.year
            or snapshot.kind != raised_on.kind
            or snapshot.month <= (last if closed else raised_on.month)
        ):
            raise DomainError(
                _("Follow a case up on a current snapshot of a later month of the same year."),
                code="follow_up_month",
            )
        trips, figure = _still_trips(warning, snapshot)
        answered = (
            RectificationReport.objects.filter(opinion_id=warning.inquiry_id)
            .exclude(budget_assessment__verdict="insufficient")
            .exists()
        )
        if trips is None:
            outcome = "missing"
        elif trips:
            outcome = "reopened" if closed else "outside"
        else:
            outcome = "closed" if answered else "unanswered"
        if closed and outcome != "reopened":
            return False  # a closed case stays closed while the figures hold
        warning.followed_up_on = snapshot
        warning.follow_up = {"month": snapshot.month, "outcome": outcome, "figure": figure}
        if warning.rule.kind == WarningRule.Kind.TRANSFER_HELD:
            warning.follow_up["unit"] = "days"
        elif warning.rule.kind == WarningRule.Kind.SANGONG_UNBUDGETED:
            warning.follow_up["unit"] = "wan"
        note = warning.follow_up_text
        if outcome in ("closed", "reopened"):
            to = BudgetWarning.Status.CLOSED if outcome == "closed" else BudgetWarning.Status.CASE
            if outcome == "reopened":
                warning.closed_at = None
            workflow.transition(
                warning,
                to,
                by=by,
                fields=["followed_up_on", "follow_up", "closed_at"],
                stamp=outcome == "closed",
            )
            timeline_write(
                item=warning.case,
                action="budget_case_closed" if outcome == "closed" else "budget_case_reopened",
                actor=by,
                note=note,
                public=False,
            )
            return outcome == "closed"
        warning.save(update_fields=["followed_up_on", "follow_up"])
        return False


def follow_up_all(*, snapshot: BudgetSnapshot, by=None) -> list[BudgetWarning]:
    """Follow up, on this snapshot, every open case raised on an earlier month of its kind, and
    every closed one last checked on an earlier month (it re-opens if the rule trips again)."""
    if not snapshot.active:
        return []
    closed = []
    S = BudgetWarning.Status
    cases = BudgetWarning.objects.filter(
        Q(status=S.CASE) | Q(status=S.CLOSED, followed_up_on__month__lt=snapshot.month),
        year=snapshot.year,
        snapshot__kind=snapshot.kind,
        snapshot__month__lt=snapshot.month,
    ).order_by("pk")
    for warning in cases:
        if warning_follow_up(warning=warning, snapshot=snapshot, by=by):
            closed.append(warning)
    return closed
