"""Networked budget supervision (预算联网监督): the finance bureau's monthly figures as dated
snapshots, warning rules kept as data, and the warnings they raise.

A snapshot is one month of one kind of sheet (execution by department, or government debt).
A re-import of a month makes a new snapshot and keeps the old one, inactive and pointing at the
one that replaced it: at most one active snapshot per kind and month (a partial unique index).

A warning is dismissed with a reason, or opened as a case: a supervision item with a written
inquiry (a review opinion, due in working days) whose answer is a handling report; a follow-up on
a later month's snapshot closes the case once the figure is back within the rule's threshold.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
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
        return _("%(kind)s, %(year)s-%(month)02d") % {
            "kind": self.get_kind_display(),
            "year": self.year,
            "month": self.month,
        }


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


class WarningRule(models.Model):
    """A warning rule staff keep in the admin: its kind and its thresholds."""

    class Kind(models.TextChoices):
        EXECUTION_LAG = (
            "execution_lag",
            _("execution under a share of the adjusted budget by a month"),
        )
        DEBT_OVER_LIMIT = "debt_over_limit", _("debt balance over a share of the limit")
        DECEMBER_RUSH = "december_rush", _("December's spending over a share of the year's")

    SNAPSHOT_KIND = {
        Kind.EXECUTION_LAG: BudgetSnapshot.Kind.EXECUTION,
        Kind.DECEMBER_RUSH: BudgetSnapshot.Kind.EXECUTION,
        Kind.DEBT_OVER_LIMIT: BudgetSnapshot.Kind.DEBT,
    }

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    threshold = models.DecimalField(
        _("threshold (%)"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_(
            "Execution: warn when spending is under this share of the adjusted budget. "
            "Debt: warn when the balance is over this share of the limit (100 = the limit). "
            "December: warn when December's spending is over this share of the year's."
        ),
    )
    by_month = models.PositiveSmallIntegerField(
        _("from month"),
        null=True,
        blank=True,
        validators=MONTH,
        help_text=_("Execution only: the month whose figures are checked first (11 = November)."),
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("warning rule")
        verbose_name_plural = _("warning rules")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="execution_lag") | Q(by_month__gte=1, by_month__lte=12),
                name="warningrule_execution_needs_month",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == self.Kind.EXECUTION_LAG and not self.by_month:
            raise ValidationError({"by_month": _("Say by which month the share must be spent.")})


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
            # One warning per rule, year and department: re-running a rule adds nothing.
            models.UniqueConstraint(
                fields=["rule", "year", "department"],
                condition=Q(department__isnull=False),
                name="budgetwarning_one_per_department",
            ),
            models.UniqueConstraint(
                fields=["rule", "year"],
                condition=Q(department__isnull=True),
                name="budgetwarning_one_per_year",
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
        return f"{self.rule} · {self.department or self.year}"

    @property
    def finding(self) -> str:
        """What the rule found, in the reader's language, from the figures kept."""
        return describe_finding(self.rule.kind, self.department, self.figures)

    @property
    def follow_up_text(self) -> str:
        if not self.follow_up:
            return ""
        outcome = FOLLOW_UP.get(self.follow_up.get("outcome", ""), "")
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


def _yi(amount) -> str:
    return f"{(Decimal(amount) / Decimal(100_000_000)).quantize(Decimal('0.01'))}"


def describe_finding(kind: str, department, figures: dict) -> str:
    """The sentence a warning shows, built when it is read (so in the reader's language)."""
    if kind == WarningRule.Kind.EXECUTION_LAG:
        return gettext(
            "%(department)s had spent %(rate)s%% of its adjusted budget by the end of month "
            "%(month)s (rule: at least %(threshold)s%%)."
        ) % {"department": department, **figures}
    if kind == WarningRule.Kind.DECEMBER_RUSH:
        return gettext(
            "%(department)s spent %(share)s%% of the year's spending in December (rule: at most "
            "%(threshold)s%%)."
        ) % {"department": department, **figures}
    return gettext(
        "Debt balance %(balance)s 亿元 is %(share)s%% of the limit of %(limit)s 亿元 at the end of "
        "month %(month)s (rule: at most %(threshold)s%%)."
    ) % {**figures, "balance": _yi(figures["balance"]), "limit": _yi(figures["limit"])}
