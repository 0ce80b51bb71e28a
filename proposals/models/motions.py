"""Deputies' motions (议案) and what follows a listed motion (inspections, progress)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from congress.models import Meeting, Organisation, Session
from deputies.models import Deputy
from proposals.models.base import Proposal, Signature


class MotionQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True).exclude(
            status__in=[Motion.Status.DRAFT, Motion.Status.WITHDRAWN]
        )

    def for_deputy(self, deputy):
        """Motions a deputy leads or co-signed; another deputy's drafts never appear (ids from a
        UNION of two index scans, as Suggestion.objects.for_deputy)."""
        led = Motion.objects.filter(lead=deputy).values("pk")
        signed = (
            Signature.objects.filter(
                deputy=deputy, status=Signature.Status.CONFIRMED, motion__isnull=False
            )
            .exclude(motion__status=Motion.Status.DRAFT)
            .values("motion_id")
        )
        return self.filter(pk__in=led.union(signed))

    def listed(self):
        return self.filter(review_outcome=Motion.Outcome.LISTED)


class Motion(Proposal):
    """A motion (议案) by ten or more deputies jointly, filed at a session before its deadline."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("collecting signatures")
        SUBMITTED = "submitted", _("submitted, under review")
        LISTED = "listed", _("listed as a congress motion")
        NOT_LISTED = "not_listed", _("not listed")
        CONVERTED = "converted", _("converted to a suggestion")
        WITHDRAWN = "withdrawn", _("withdrawn")
        RESOLVED = "resolved", _("resolution adopted")
        CLOSED = "closed", _("closed")

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.SUBMITTED: {
            Status.LISTED,
            Status.NOT_LISTED,
            Status.CONVERTED,
            Status.WITHDRAWN,
        },
        Status.NOT_LISTED: {Status.CONVERTED},
        Status.LISTED: {Status.RESOLVED},
        Status.RESOLVED: {Status.CLOSED},
        Status.CONVERTED: set(),
        Status.WITHDRAWN: set(),
        Status.CLOSED: set(),
    }
    # The timestamp field each status sets (congress/kit/workflow.py); a conversion keeps the
    # date of the review that did not list the motion, so it sets its own.
    STAMPS = {
        Status.SUBMITTED: "submitted_at",
        Status.LISTED: "reviewed_at",
        Status.NOT_LISTED: "reviewed_at",
        Status.WITHDRAWN: "withdrawn_at",
        Status.CLOSED: "closed_at",
    }
    # Actions that keep the status, and the statuses they are allowed in.
    STEPS = {
        "edit": {Status.DRAFT},
        "cosign": {Status.DRAFT},
        "progress": {Status.LISTED, Status.RESOLVED},  # a unit's progress report
        "inspection": {Status.RESOLVED},  # an inspection of how the resolution is carried out
    }

    class Outcome(models.TextChoices):
        LISTED = "listed", _("listed as a congress motion")
        NOT_LISTED = "not_listed", _("not listed")
        CONVERTED = "converted", _("converted to a suggestion")
        WITHDRAWN = "withdrawn", _("withdrawn")

    session = models.ForeignKey(
        Session, models.PROTECT, related_name="motions", verbose_name=_("session")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    reason = models.TextField(_("reason (案由)"), blank=True)
    grounds = models.TextField(_("grounds (案据)"), blank=True)
    proposal = models.TextField(_("proposed solution (方案)"), blank=True)
    cosigners = models.ManyToManyField(
        Deputy,
        through="Signature",
        through_fields=("motion", "deputy"),
        related_name="motions_signed",
        verbose_name=_("co-signing deputies"),
    )
    review_outcome = models.CharField(
        _("review outcome"), max_length=12, choices=Outcome.choices, blank=True
    )
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    resolution_text = models.TextField(_("resolution"), blank=True)
    resolution_date = models.DateField(_("resolution adopted on"), null=True, blank=True)
    resolution_meeting = models.ForeignKey(
        Meeting,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("adopted at"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = MotionQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-session__start_date", "number", "id"]
        verbose_name = _("motion")
        verbose_name_plural = _("motions")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "number"],
                condition=Q(number__isnull=False),
                name="motion_unique_session_number",
            ),
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="motion_unique_code"
            ),
            models.CheckConstraint(
                condition=Q(resolution_date__isnull=True) | ~Q(resolution_text=""),
                name="motion_resolution_has_text",
            ),
        ]

    def get_absolute_url(self):
        return reverse("motions:detail", args=[self.pk])


class MotionInspection(models.Model):
    """An inspection of how a motion's resolution is carried out (决议落实督查)."""

    motion = models.ForeignKey(
        Motion, models.CASCADE, related_name="inspections", verbose_name=_("motion")
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    note = models.TextField(_("findings"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("implementation inspection")
        verbose_name_plural = _("implementation inspections")

    def __str__(self):
        return f"{self.date} {self.title}"


class MotionProgressReport(models.Model):
    """A progress report on a listed motion from the unit carrying it out."""

    motion = models.ForeignKey(
        Motion, models.CASCADE, related_name="progress_reports", verbose_name=_("motion")
    )
    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handling unit"),
    )
    date = models.DateField(_("date"))
    text = models.TextField(_("text"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self):
        return f"{self.date} {self.organisation or ''}"
