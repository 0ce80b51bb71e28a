"""Followed to the end (issue 16): a unit's progress reports on an item it promised to solve,
and the look-back ledger (回头看台账) that carries every item not solved by the end of its year
into the next (domain.md §2.6: "planned-but-unsolved items roll into the next year")."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from congress.kit.workflow import Workflow
from congress.models import Organisation


class ProgressReport(models.Model):
    """The lead unit's report on an answered item still under tracking (a class B item
    列入计划解决): what was done, how far it is, and — once — that it is done, with the date.

    A report marking the item done also records the unit's follow-up reply of a solved class
    (`reply`), which ends the tracking and is what the solved figures count.
    """

    suggestion = models.ForeignKey(
        "Suggestion",
        models.CASCADE,
        related_name="progress_reports",
        verbose_name=_("suggestion"),
    )
    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="+", verbose_name=_("handling unit")
    )
    reported_on = models.DateField(_("date of the report"))
    text = models.TextField(_("what was done"))
    percent = models.PositiveSmallIntegerField(_("share done (%)"))
    done = models.BooleanField(_("done"), default=False)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    reply = models.OneToOneField(
        "Reply",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="progress_report",
        verbose_name=_("follow-up reply reporting it done"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["reported_on", "id"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__lte=100), name="progressreport_percent_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(done=False, done_on__isnull=True)
                | Q(done=True, done_on__isnull=False, percent=100),
                name="progressreport_done_has_date",
            ),
            models.UniqueConstraint(
                fields=["suggestion"], condition=Q(done=True), name="progressreport_done_once"
            ),
        ]

    def __str__(self):
        return f"{self.reported_on} · {self.percent} %"


class CarryOverQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=CarryOver.Status.OPEN)


class CarryOver(Workflow, models.Model):
    """One line of the look-back ledger (回头看台账): an item not solved by the end of
    `from_year`, carried into `to_year`'s ledger, and what became of it there.

    Written by the year-end roll-over (`manage.py roll_over_unsolved <year>`, the admin's page,
    proposals/handling/services.py `roll_over_unsolved`), once per item and year; closed as
    solved when the unit reports the item done, or dropped by the office with its reason.
    """

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("carry-over", "being followed up")
        SOLVED = "solved", pgettext_lazy("carry-over", "solved")
        DROPPED = "dropped", pgettext_lazy("carry-over", "no longer followed")

    class Reason(models.TextChoices):
        # Why the item is in the ledger.
        PLANNED = "planned", _("in the plan, not done by the year's end")
        UNSATISFIED = "unsatisfied", _("rated unsatisfied by the lead deputy, not solved")
        CARRIED = "carried", _("carried over before, still not solved")

    TRANSITIONS = {
        Status.OPEN: {Status.SOLVED, Status.DROPPED},
        Status.SOLVED: set(),
        Status.DROPPED: set(),
    }
    STAMPS = {Status.SOLVED: "closed_at", Status.DROPPED: "closed_at"}

    suggestion = models.ForeignKey(
        "Suggestion", models.CASCADE, related_name="carry_overs", verbose_name=_("suggestion")
    )
    from_year = models.PositiveSmallIntegerField(_("not solved in"))
    to_year = models.PositiveSmallIntegerField(_("carried into"))
    reason = models.CharField(_("why it is carried over"), max_length=12, choices=Reason.choices)
    promised_by = models.DateField(_("promised completion date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    notes = models.TextField(_("follow-up notes"), blank=True)
    drop_reason = models.TextField(_("why it is no longer followed"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(_("carried over"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CarryOverQuerySet.as_manager()

    class Meta:
        ordering = ["to_year", "suggestion__code", "id"]
        verbose_name = _("look-back ledger entry")
        verbose_name_plural = _("look-back ledger (回头看)")
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "to_year"], name="carryover_once_a_year"),
            models.CheckConstraint(
                condition=Q(to_year=F("from_year") + 1), name="carryover_into_next_year"
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_on__isnull=True)
                | (~Q(status="open") & Q(closed_on__isnull=False)),
                name="carryover_closed_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="dropped") | ~Q(drop_reason=""),
                name="carryover_dropped_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.from_year}→{self.to_year} · {self.get_status_display()}"
