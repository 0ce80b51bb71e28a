"""Networked budget supervision (预算联网监督): the finance bureau's monthly figures as dated
snapshots, warning rules kept as data, and the warnings they raise.

A snapshot is one month of one kind of sheet: execution by department or by functional
classification, the four budgets' totals, 三公 spending by department, transfer payments, the
reserve fund, or government debt.
A re-import of a month makes a new snapshot and keeps the old one, inactive and pointing at the
one that replaced it: at most one active snapshot per kind and month (a partial unique index).

A warning is dismissed with a reason, or opened as a case: a supervision item with a written
inquiry (a review opinion, due in working days) whose answer is a handling report; a follow-up on
a later month's snapshot closes the case once the figure is back within the rule's threshold.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from congress.kit.workflow import Workflow
from congress.models import Organisation


def money(label, **options) -> models.DecimalField:
    """An amount in yuan, never negative."""
    return models.DecimalField(
        label, max_digits=16, decimal_places=2, validators=[MinValueValidator(0)], **options
    )


MONTH = [MinValueValidator(1), MaxValueValidator(12)]


class BudgetSnapshotQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def published(self):
        """The current snapshots the government has made public."""
        return self.filter(active=True, published=True)


class BudgetSnapshot(models.Model):
    """One month of one sheet as the finance bureau sent it, and who imported it when."""

    class Kind(models.TextChoices):
        EXECUTION = "execution", _("budget execution by department")
        FUNCTIONAL = "functional", _("budget execution by functional classification")
        TOTALS = "totals", _("the four budgets' totals")
        SANGONG = "sangong", _("三公 spending by department")
        TRANSFER = "transfer", _("transfer payments")
        RESERVE = "reserve", _("reserve fund")
        DEBT = "debt", _("government debt")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), validators=MONTH)
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    active = models.BooleanField(
        _("current"),
        default=True,
        help_text=_("A re-import of the month replaces this snapshot; the old one is kept."),
    )
    superseded_by = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced",
        verbose_name=_("replaced by"),
    )
    published = models.BooleanField(
        _("published by the government"),
        default=False,
        help_text=_(
            "Figures the government has made public are shown on the public budget page; the "
            "others only in the deputies' workspace."
        ),
    )

    objects = BudgetSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-month", "kind", "-imported_at"]
        verbose_name = _("budget snapshot")
        verbose_name_plural = _("budget snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "month"],
                condition=Q(active=True),
                name="budgetsnapshot_one_current_per_month",
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="budgetsnapshot_month_1_to_12"
            ),
        ]

    def __str__(self):
        # Every line of an import names its snapshot (the importer's row results): worked out
        # once per language, not once per line.
        language = get_language()
        cached = self.__dict__.get("_label")
        if cached is None or cached[0] != (language, self.kind, self.year, self.month):
            text = _("%(kind)s, %(year)s-%(month)02d") % {
                "kind": self.get_kind_display(),
                "year": self.year,
                "month": self.month,
            }
            cached = self.__dict__["_label"] = ((language, self.kind, self.year, self.month), text)
        return cached[1]


class ExecutionLine(models.Model):
    """A department's budget and its spending to the end of the snapshot's month (yuan)."""

    snapshot = models.ForeignKey(
        BudgetSnapshot, models.CASCADE, related_name="execution_lines", verbose_name=_("snapshot")
    )
    department = models.ForeignKey(
        Organisation, models.PROTECT, related_name="+", verbose_name=_("department")
    )
    budgeted = money(_("budget at the start of the year"))
    adjusted = money(_("adjusted budget"))
    spent = money(_("spent to date"))

    class Meta:
        ordering = ["snapshot", "department__name"]
        verbose_name = _("budget execution line")
        verbose_name_plural = _("budget execution lines")
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "department"], name="executionline_one_per_department"
            ),
            models.CheckConstraint(
                condition=Q(budgeted__gte=0, adjusted__gte=0, spent__gte=0),
                name="executionline_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.snapshot} · {self.department}"

    @property
    def rate(self) -> Decimal | None:
        """Spent to date as a percentage of the adjusted budget."""
        if not self.adjusted:
            return None
        return (100 * self.spent / self.adjusted).quantize(Decimal("0.1"))


class DebtLine(models.Model):
    """The city's government debt at the end of the snapshot's month (yuan)."""

    snapshot = models.OneToOneField(
        BudgetSnapshot, models.CASCADE, related_name="debt_line", verbose_name=_("snapshot")
    )
    new_debt = money(_("new debt this year"))
    repaid = money(_("repaid this year"))
    balance = money(_("debt balance"))
    limit = money(_("debt limit"))

    class Meta:
        verbose_name = _("government debt line")
        verbose_name_plural = _("government debt lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(new_debt__gte=0, repaid__gte=0, balance__gte=0, limit__gte=0),
                name="debtline_not_negative",
            ),
        ]

    def __str__(self):
        return str(self.snapshot)


class FunctionalLine(models.Model):
    """A functional classification's budget and spending to date (功能分类, yuan)."""

    snapshot = models.ForeignKey(
        BudgetSnapshot, models.CASCADE, related_name="functional_lines", verbose_name=_("snapshot")
    )
    code = models.CharField(_("classification code"), max_length=20)
    name = models.CharField(_("classification"), max_length=100)
    budgeted = money(_("budget at the start of the year"))
    adjusted = money(_("adjusted budget"))
    spent = money(_("spent to date"))

    class Meta:
        ordering = ["snapshot", "code"]
        verbose_name = _("functional classification line")
        verbose_name_plural = _("functional classification lines")
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "code"], name="functionalline_one_per_code"
            ),
            models.CheckConstraint(
                condition=Q(budgeted__gte=0, adjusted__gte=0, spent__gte=0),
                name="functionalline_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.snapshot} · {self.code} {self.name}"


class BudgetTotal(models.Model):
    """One of the four budgets at the end of the snapshot's month: revenue and expenditure,
    budgeted and to date, with revenue to the same month of last year (yuan)."""

    class Budget(models.TextChoices):
        GENERAL = "general", _("general public budget")
        FUNDS = "funds", _("government funds budget")
        STATE_CAPITAL = "state_capital", _("state capital operations budget")
        SOCIAL_INSURANCE = "social_insurance", _("social insurance funds budget")

    # The names the finance bureau writes, whatever the admin's language.
    CHINESE = {
        "一般公共预算": Budget.GENERAL,
        "政府性基金预算": Budget.FUNDS,
        "国有资本经营预算": Budget.STATE_CAPITAL,
        "社会保险基金预算": Budget.SOCIAL_INSURANCE,
    }

    snapshot = models.ForeignKey(
        BudgetSnapshot, models.CASCADE, related_name="totals", verbose_name=_("snapshot")
    )
    budget = models.CharField(_("which budget"), max_length=20, choices=Budget.choices)
    revenue_budgeted = money(_("revenue budgeted"))
    revenue = money(_("revenue to date"))
    revenue_last_year = money(_("revenue to the same month last year"))
    expenditure_budgeted = money(_("expenditure budgeted"))
    expenditure = money(_("expenditure to date"))

    class Meta:
        ordering = ["snapshot", "budget"]
        verbose_name = _("budget total")
        verbose_name_plural = _("budget totals")
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "budget"], name="budgettotal_one_per_budget"
            ),
            models.CheckConstraint(
                condition=Q(
                    revenue_budgeted__gte=0,
                    revenue__gte=0,
                    revenue_last_year__gte=0,
                    expenditure_budgeted__gte=0,
                    expenditure__gte=0,
                ),
                name="budgettotal_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.snapshot} · {self.get_budget_display()}"


class SanGongLine(models.Model):
    """A department's 三公 spending: travel abroad, official cars, official receptions; the
    year's budget and spending to date (yuan)."""

    snapshot = models.ForeignKey(
        BudgetSnapshot, models.CASCADE, related_name="sangong_lines", verbose_name=_("snapshot")
    )
    department = models.ForeignKey(
        Organisation, models.PROTECT, related_name="+", verbose_name=_("department")
    )
    travel_budget = money(_("official travel abroad: budget"))
    travel_spent = money(_("official travel abroad: spent"))
    vehicles_budget = money(_("official cars: budget"))
    vehicles_spent = money(_("official cars: spent"))
    reception_budget = money(_("official receptions: budget"))
    reception_spent = money(_("official receptions: spent"))

    class Meta:
        ordering = ["snapshot", "department__name"]
        verbose_name = _("三公 spending line")
        verbose_name_plural = _("三公 spending lines")
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "department"], name="sangongline_one_per_department"
            ),
            models.CheckConstraint(
                condition=Q(
                    travel_budget__gte=0,
                    travel_spent__gte=0,
                    vehicles_budget__gte=0,
                    vehicles_spent__gte=0,
                    reception_budget__gte=0,
                    reception_spent__gte=0,
                ),
                name="sangongline_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.snapshot} · {self.department}"

    @property
    def budget(self) -> Decimal:
        return self.travel_budget + self.vehicles_budget + self.reception_budget

    @property
    def spent(self) -> Decimal:
        return self.travel_spent + self.vehicles_spent + self.reception_spent


class TransferLine(models.Model):
    """A transfer payment from above: received on a date, and passed on to whom, when and how
    much (yuan)."""

    snapshot = models.ForeignKey(
        BudgetSnapshot, models.CASCADE, related_name="transfer_lines", verbose_name=_("snapshot")
    )
    item = models.CharField(_("transfer item"), max_length=200)
    amount = money(_("amount received"))
    received_on = models.DateField(_("received on"))
    passed_on = models.DateField(_("passed on on"), null=True, blank=True)
    passed_amount = money(_("amount passed on"), null=True, blank=True)
    recipient = models.CharField(_("recipient"), max_length=200, blank=True)

    class Meta:
        ordering = ["snapshot", "received_on", "item"]
        verbose_name = _("transfer payment")
        verbose_name_plural = _("transfer payments")
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "item"], name="transferline_one_per_item"),
            models.CheckConstraint(
                condition=Q(amount__gte=0)
                & (Q(passed_amount__isnull=True) | Q(passed_amount__gte=0)),
                name="transferline_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.snapshot} · {self.item}"

    def clean(self):
        errors = {}
        if self.passed_on and self.received_on and self.passed_on < self.received_on:
            errors["passed_on"] = _("The date passed on cannot be before the date received.")
        if self.passed_on and self.passed_amount is None:
            errors["passed_amount"] = _("Give the amount passed on.")
        if self.passed_amount is not None and not self.passed_on:
            errors["passed_on"] = _("Give the date the amount was passed on.")
        if errors:
            raise ValidationError(errors)


class ReserveLine(models.Model):
    """The reserve fund (预备费) at the end of the snapshot's month: budgeted, used, and what
    for (yuan)."""

    snapshot = models.OneToOneField(
        BudgetSnapshot, models.CASCADE, related_name="reserve_line", verbose_name=_("snapshot")
    )
    budgeted = money(_("reserve fund budgeted"))
    used = money(_("used to date"))
    uses = models.TextField(_("uses"), blank=True)

    class Meta:
        verbose_name = _("reserve fund line")
        verbose_name_plural = _("reserve fund lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(budgeted__gte=0, used__gte=0), name="reserveline_not_negative"
            ),
        ]

    def __str__(self):
        return str(self.snapshot)


class WarningRule(models.Model):
    """A warning rule staff keep in the admin: its kind and its thresholds."""

    class Kind(models.TextChoices):
        EXECUTION_LAG = (
            "execution_lag",
            _("execution under a share of the adjusted budget by a month"),
        )
        DEBT_OVER_LIMIT = "debt_over_limit", _("debt balance over a share of the limit")
        DECEMBER_RUSH = "december_rush", _("December's spending over a share of the year's")
        SANGONG_OVER = "sangong_over", _("三公 spending over a share of its budget")
        TRANSFER_HELD = (
            "transfer_held",
            _("a transfer payment not passed on within a number of days"),
        )
        REVENUE_FALL = "revenue_fall", _("revenue falling against last year by more than a share")
        FUNCTIONAL_LAG = (
            "functional_lag",
            _("execution of a functional class under a share of its adjusted budget by a month"),
        )
        TRANSFER_PARTIAL = (
            "transfer_partial",
            _("a transfer payment passed on only in part after a number of days"),
        )
        SANGONG_UNBUDGETED = (
            "sangong_unbudgeted",
            _("三公 spending by a department with no 三公 budget"),
        )

    SNAPSHOT_KIND = {
        Kind.EXECUTION_LAG: BudgetSnapshot.Kind.EXECUTION,
        Kind.DECEMBER_RUSH: BudgetSnapshot.Kind.EXECUTION,
        Kind.DEBT_OVER_LIMIT: BudgetSnapshot.Kind.DEBT,
        Kind.SANGONG_OVER: BudgetSnapshot.Kind.SANGONG,
        Kind.TRANSFER_HELD: BudgetSnapshot.Kind.TRANSFER,
        Kind.REVENUE_FALL: BudgetSnapshot.Kind.TOTALS,
        Kind.FUNCTIONAL_LAG: BudgetSnapshot.Kind.FUNCTIONAL,
        Kind.TRANSFER_PARTIAL: BudgetSnapshot.Kind.TRANSFER,
        Kind.SANGONG_UNBUDGETED: BudgetSnapshot.Kind.SANGONG,
    }
    # The kinds that read a month (by_month) and those that read a number of days (days).
    BY_MONTH = (Kind.EXECUTION_LAG, Kind.FUNCTIONAL_LAG)

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    threshold = models.DecimalField(
        _("threshold (percent or days)"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_(
            "Execution: warn when spending is under this share of the adjusted budget. "
            "Debt: warn when the balance is over this share of the limit (100 = the limit). "
            "December: warn when December's spending is over this share of the year's. "
            "三公: warn when a department's spending is over this share of its budget (100 = the "
            "budget). Transfers: warn when a transfer is not passed on within this many days of "
            "its receipt. Revenue: warn when a budget's revenue to date is down on the same "
            "month of last year by more than this share. Functional classes: as execution. "
            "Partial transfers: warn when the amount passed on is below the amount received by "
            "more than this share. 三公 without a budget: warn when a department with no 三公 "
            "budget has spent more than this many yuan (0 = any spending)."
        ),
    )
    by_month = models.PositiveSmallIntegerField(
        _("from month"),
        null=True,
        blank=True,
        validators=MONTH,
        help_text=_(
            "Execution (by department or functional class) only: the month whose figures are "
            "checked first (11 = November)."
        ),
    )
    days = models.PositiveSmallIntegerField(
        _("after days"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Partial transfers only: the transfer is checked once more than this many days have "
            "passed since its receipt."
        ),
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("warning rule")
        verbose_name_plural = _("warning rules")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["execution_lag", "functional_lag"])
                | Q(by_month__gte=1, by_month__lte=12),
                name="warningrule_execution_needs_month",
            ),
            models.CheckConstraint(
                condition=~Q(kind="transfer_partial") | Q(days__gte=1),
                name="warningrule_partial_transfer_needs_days",
            ),
            models.CheckConstraint(
                condition=~Q(kind="transfer_held") | Q(threshold__gte=1),
                name="warningrule_transfer_days_at_least_one",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == self.Kind.TRANSFER_PARTIAL and not self.days:
            raise ValidationError(
                {"days": _("Say after how many days a transfer must be passed on in full.")}
            )
        if self.kind in self.BY_MONTH and not self.by_month:
            raise ValidationError({"by_month": _("Say by which month the share must be spent.")})
        if self.kind == self.Kind.TRANSFER_HELD and (
            self.threshold is None or self.threshold < 1 or self.threshold != int(self.threshold)
        ):
            raise ValidationError(
                {"threshold": _("For transfers, give a whole number of days, at least 1.")}
            )


class BudgetWarningQuerySet(models.QuerySet):
    def of_year(self, year: int):
        return self.filter(year=year)


class BudgetWarning(Workflow, models.Model):
    """What a rule found in a snapshot, with the figures that tripped it; then its handling."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("budget warning", "open")
        DISMISSED = "dismissed", _("dismissed")
        CASE = "case", _("case opened")
        CLOSED = "closed", pgettext_lazy("budget warning", "case closed")

    TRANSITIONS = {
        Status.OPEN: {Status.DISMISSED, Status.CASE},
        Status.DISMISSED: set(),
        Status.CASE: {Status.CLOSED},
        Status.CLOSED: {Status.CASE},  # re-opened when a later month trips the rule again
    }
    STAMPS = {Status.DISMISSED: "decided_at", Status.CASE: "decided_at", Status.CLOSED: "closed_at"}
    STEPS = {"answer": {Status.CASE}, "follow_up": {Status.CASE, Status.CLOSED}}

    rule = models.ForeignKey(
        WarningRule, models.PROTECT, related_name="warnings", verbose_name=_("rule")
    )
    snapshot = models.ForeignKey(
        BudgetSnapshot, models.PROTECT, related_name="warnings", verbose_name=_("raised on")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    department = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    # What else the warning is about, when not a department: a transfer's item, a budget.
    subject = models.CharField(_("about"), max_length=200, blank=True, default="")
    figures = models.JSONField(_("figures"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    reason = models.TextField(_("reason for dismissal"), blank=True)
    case = models.OneToOneField(
        "supervision.SupervisionItem",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_warning",
        verbose_name=_("case"),
    )
    inquiry = models.OneToOneField(
        "supervision.ReviewOpinion",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_warning",
        verbose_name=_("written inquiry"),
    )
    followed_up_on = models.ForeignKey(
        BudgetSnapshot,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last follow-up on"),
    )
    # What the last follow-up found: {"month", "outcome" (a FOLLOW_UP code), "figure"}.
    follow_up = models.JSONField(_("follow-up"), default=dict, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = BudgetWarningQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "status", "-raised_at"]
        verbose_name = _("budget warning")
        verbose_name_plural = _("budget warnings")
        constraints = [
            # One warning per rule, year and department (or subject): re-running a rule adds
            # nothing.
            models.UniqueConstraint(
                fields=["rule", "year", "department"],
                condition=Q(department__isnull=False),
                name="budgetwarning_one_per_department",
            ),
            models.UniqueConstraint(
                fields=["rule", "year", "subject"],
                condition=Q(department__isnull=True),
                name="budgetwarning_one_per_subject",
            ),
            models.CheckConstraint(
                condition=~Q(status="dismissed") | ~Q(reason=""),
                name="budgetwarning_dismissed_with_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["case", "closed"])
                | Q(case__isnull=False, inquiry__isnull=False),
                name="budgetwarning_case_has_inquiry",
            ),
        ]

    def __str__(self):
        return f"{self.rule} · {self.about}"

    @property
    def about(self) -> str:
        """Whom or what the warning is about: the department, the transfer, the budget."""
        if self.department_id:
            return str(self.department)
        if self.subject in BudgetTotal.Budget:
            return str(BudgetTotal.Budget(self.subject).label)
        return self.subject or str(self.year)

    @property
    def finding(self) -> str:
        """What the rule found, in the reader's language, from the figures kept."""
        return describe_finding(self.rule.kind, self.department, self.figures, self.subject)

    @property
    def follow_up_text(self) -> str:
        if not self.follow_up:
            return ""
        unit = self.follow_up.get("unit")
        texts = {"days": FOLLOW_UP_DAYS, "wan": FOLLOW_UP_WAN}.get(unit, FOLLOW_UP)
        outcome = texts.get(self.follow_up.get("outcome", ""), "")
        return str(outcome) % self.follow_up


FOLLOW_UP = {
    "closed": _("Month %(month)s: %(figure)s%%, back within the threshold; case closed."),
    "unanswered": _(
        "Month %(month)s: %(figure)s%%, back within the threshold, but the answer has not come in."
    ),
    "outside": _("Month %(month)s: %(figure)s%%, still outside the threshold."),
    "missing": _("Month %(month)s has no figures for this case."),
    "reopened": _("Month %(month)s: %(figure)s%%, outside the threshold again; case re-opened."),
}
# 三公 without a budget: the follow-up reads the amount spent (万元) and whether a budget covers it.
FOLLOW_UP_WAN = {
    "closed": _(
        "Month %(month)s: a 三公 budget now covers the %(figure)s 万元 spent; case closed."
    ),
    "unanswered": _(
        "Month %(month)s: a 三公 budget now covers the %(figure)s 万元 spent, but the answer has "
        "not come in."
    ),
    "outside": _("Month %(month)s: %(figure)s 万元 spent on 三公, not covered by a budget."),
    "missing": FOLLOW_UP["missing"],
    "reopened": _(
        "Month %(month)s: %(figure)s 万元 spent on 三公 beyond its budget again; case re-opened."
    ),
}
# A transfer's follow-up reads the days it was held, not a share.
FOLLOW_UP_DAYS = {
    "closed": _("Month %(month)s: passed on after %(figure)s days; case closed."),
    "unanswered": _(
        "Month %(month)s: passed on after %(figure)s days, but the answer has not come in."
    ),
    "outside": _("Month %(month)s: still not passed on, %(figure)s days after its receipt."),
    "missing": FOLLOW_UP["missing"],
    "reopened": _("Month %(month)s: held %(figure)s days, over the limit again; case re-opened."),
}


def _wan(amount) -> str:
    return f"{(Decimal(amount) / Decimal(10_000)).quantize(Decimal('0.01'))}"


def _yi(amount) -> str:
    return f"{(Decimal(amount) / Decimal(100_000_000)).quantize(Decimal('0.01'))}"


def describe_finding(kind: str, department, figures: dict, subject: str = "") -> str:
    """The sentence a warning shows, built when it is read (so in the reader's language)."""
    if kind == WarningRule.Kind.EXECUTION_LAG:
        return gettext(
            "%(department)s had spent %(rate)s%% of its adjusted budget by the end of month "
            "%(month)s (rule: at least %(threshold)s%%)."
        ) % {"department": department, **figures}
    if kind == WarningRule.Kind.FUNCTIONAL_LAG:
        return gettext(
            "%(classification)s had spent %(rate)s%% of its adjusted budget by the end of month "
            "%(month)s (rule: at least %(threshold)s%%)."
        ) % {"classification": subject, **figures}
    if kind == WarningRule.Kind.TRANSFER_PARTIAL:
        return gettext(
            "The transfer “%(item)s” (%(amount)s 万元, received %(received_on)s) had been passed "
            "on only in part by the end of month %(month)s, %(days)s days later: %(passed)s 万元, "
            "%(shortfall)s%% short (rule: at most %(threshold)s%% short after %(after)s days)."
        ) % {
            "item": subject,
            **figures,
            "received_on": date_format(
                datetime.date.fromisoformat(figures["received_on"]), "DATE_FORMAT"
            ),
            "amount": _wan(figures["amount"]),
            "passed": _wan(figures["passed"]),
        }
    if kind == WarningRule.Kind.SANGONG_UNBUDGETED:
        return gettext(
            "%(department)s has no 三公 budget but had spent %(spent)s 万元 on 三公 by the end of "
            "month %(month)s (travel abroad %(travel)s, cars %(vehicles)s, receptions "
            "%(reception)s 万元)."
        ) % {
            "department": department,
            **figures,
            **{k: _wan(figures[k]) for k in ("spent", "travel", "vehicles", "reception")},
        }
    if kind == WarningRule.Kind.DECEMBER_RUSH:
        return gettext(
            "%(department)s spent %(share)s%% of the year's spending in December (rule: at most "
            "%(threshold)s%%)."
        ) % {"department": department, **figures}
    if kind == WarningRule.Kind.SANGONG_OVER:
        return gettext(
            "%(department)s had spent %(spent)s 万元 on 三公 by the end of month %(month)s, "
            "%(share)s%% of its budget of %(budget)s 万元 (travel abroad %(travel)s, cars "
            "%(vehicles)s, receptions %(reception)s 万元; rule: at most %(threshold)s%%)."
        ) % {
            "department": department,
            **figures,
            **{k: _wan(figures[k]) for k in ("spent", "budget", "travel", "vehicles", "reception")},
        }
    if kind == WarningRule.Kind.TRANSFER_HELD:
        figures = {
            **figures,
            **{
                key: date_format(datetime.date.fromisoformat(figures[key]), "DATE_FORMAT")
                for key in ("received_on", "passed_on")
                if figures.get(key)
            },
        }
        if figures.get("passed_on"):
            return gettext(
                "The transfer “%(item)s” (%(amount)s 万元, received %(received_on)s) was passed "
                "on %(passed_on)s, after %(days)s days (rule: within %(threshold)s days)."
            ) % {"item": subject, **figures, "amount": _wan(figures["amount"])}
        return gettext(
            "The transfer “%(item)s” (%(amount)s 万元, received %(received_on)s) had not been "
            "passed on by the end of month %(month)s, %(days)s days later (rule: within "
            "%(threshold)s days)."
        ) % {"item": subject, **figures, "amount": _wan(figures["amount"])}
    if kind == WarningRule.Kind.REVENUE_FALL:
        return gettext(
            "%(budget)s revenue to the end of month %(month)s was %(revenue)s 亿元, %(fall)s%% "
            "below the %(last_year)s 亿元 of the same months last year (rule: a fall of at most "
            "%(threshold)s%%)."
        ) % {
            **figures,
            "budget": BudgetTotal.Budget(subject).label
            if subject in BudgetTotal.Budget
            else subject,
            "revenue": _yi(figures["revenue"]),
            "last_year": _yi(figures["last_year"]),
        }
    return gettext(
        "Debt balance %(balance)s 亿元 is %(share)s%% of the limit of %(limit)s 亿元 at the end of "
        "month %(month)s (rule: at most %(threshold)s%%)."
    ) % {**figures, "balance": _yi(figures["balance"]), "limit": _yi(figures["limit"])}
