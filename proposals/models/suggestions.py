"""Deputies' suggestions (建议) and their attachments."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from congress.kit.uploads import generated_name, validate_attachment
from congress.kit.urls import reverse_id
from congress.models import Category
from deputies.models import Deputy
from proposals.models.base import Proposal, Rating, Signature, current_year
from proposals.models.handling import Assignment, Feedback, Reply


class SuggestionQuerySet(models.QuerySet):
    def public(self):
        """Published items: marked public and registered (or further)."""
        return self.filter(is_public=True, status__in=Suggestion.Status.published())

    def open(self):
        return self.filter(status__in=Suggestion.Status.in_handling())

    def overdue(self, *, on: datetime.date | None = None):
        """Items still being handled whose lead unit's due date has passed."""
        on = on or timezone.localdate()
        late = Assignment.objects.filter(
            suggestion=OuterRef("pk"), active=True, role=Assignment.Role.LEAD, due_date__lt=on
        )
        return self.open().filter(Exists(late))

    def for_unit(self, organisation):
        """Items assigned (actively) to one unit or to any of several."""
        units = (
            organisation
            if isinstance(organisation, (list, tuple, set, models.QuerySet))
            else [organisation]
        )
        assigned = Assignment.objects.filter(
            suggestion=OuterRef("pk"), active=True, organisation__in=units
        )
        return self.filter(Exists(assigned))

    def for_deputy(self, deputy):
        """Items a deputy leads or co-signed; another deputy's drafts never appear.

        The ids come from a UNION of two index scans (led; co-signed and submitted): an
        `lead = … OR EXISTS(…)` read every suggestion to test the EXISTS (65 ms at 20,000).
        """
        led = Suggestion.objects.filter(lead=deputy).values("pk")
        signed = (
            Signature.objects.filter(
                deputy=deputy, status=Signature.Status.CONFIRMED, suggestion__isnull=False
            )
            .exclude(suggestion__status=Suggestion.Status.DRAFT)
            .values("suggestion_id")
        )
        return self.filter(pk__in=led.union(signed))

    def visible_to(self, user):
        """Drafts are their author's alone: everyone else sees submitted items only."""
        deputy = getattr(user, "deputy", None) if user.is_authenticated else None
        if deputy is None:
            return self.exclude(status=Suggestion.Status.DRAFT)
        return self.exclude(Q(status=Suggestion.Status.DRAFT) & ~Q(lead=deputy))

    def tracked(self):
        """Answered as B or C (being solved, planned): followed up until solved."""
        return self.filter(tracking=True)

    def unsatisfied_pending(self):
        """Replied items whose current reply a signer rated 不满意: the office must decide."""
        latest = (
            Reply.objects.filter(suggestion=OuterRef("suggestion"), is_followup=False)
            .order_by("-replied_at", "-id")
            .values("pk")[:1]
        )
        unhappy = Feedback.objects.filter(
            Q(process_rating=Rating.UNSATISFIED) | Q(result_rating=Rating.UNSATISFIED),
            suggestion=OuterRef("pk"),
            reply=models.Subquery(latest),
        )
        return self.filter(status=Suggestion.Status.REPLIED).filter(Exists(unhappy))


class Suggestion(Proposal):
    """A deputy's suggestion, criticism or opinion (代表建议), filed at a session or between them."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted, under review")
        REJECTED = "rejected", _("not registered")
        MERGED = "merged", _("merged into another")
        CONVERTED = "converted", _("handled through another channel")
        REGISTERED = "registered", _("registered")
        ASSIGNED = "assigned", _("assigned")
        HANDLING = "handling", _("being handled")
        REPLIED = "replied", _("replied")
        REHANDLING = "rehandling", _("being handled again")
        CLOSED = "closed", _("closed")
        WITHDRAWN = "withdrawn", _("withdrawn")

        @classmethod
        def published(cls):
            return [
                cls.REGISTERED,
                cls.ASSIGNED,
                cls.HANDLING,
                cls.REPLIED,
                cls.REHANDLING,
                cls.CLOSED,
            ]

        @classmethod
        def in_handling(cls):
            return [cls.ASSIGNED, cls.HANDLING, cls.REHANDLING]

    # The workflow, written once (domain.md §2.8); each arrow is one service in services.py.
    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {
            Status.REGISTERED,
            Status.REJECTED,
            Status.MERGED,
            Status.CONVERTED,
            Status.WITHDRAWN,
        },
        Status.REGISTERED: {Status.ASSIGNED, Status.WITHDRAWN},
        Status.ASSIGNED: {Status.HANDLING, Status.REPLIED, Status.WITHDRAWN},
        Status.HANDLING: {Status.REPLIED, Status.ASSIGNED, Status.WITHDRAWN},
        Status.REPLIED: {Status.CLOSED, Status.REHANDLING},
        Status.REHANDLING: {Status.REPLIED},
        Status.CLOSED: set(),
        Status.REJECTED: set(),
        Status.MERGED: set(),
        Status.CONVERTED: set(),
        Status.WITHDRAWN: set(),
    }
    # The timestamp field each status sets when an item reaches it (congress/kit/workflow.py).
    STAMPS = {
        Status.SUBMITTED: "submitted_at",
        Status.REGISTERED: "registered_at",
        Status.REJECTED: "reviewed_at",
        Status.MERGED: "reviewed_at",
        Status.CONVERTED: "reviewed_at",
        Status.ASSIGNED: "assigned_at",
        Status.REPLIED: "replied_at",
        Status.CLOSED: "closed_at",
        Status.WITHDRAWN: "withdrawn_at",
    }
    # Actions that keep the status, and the statuses they are allowed in; "assign" shares its
    # target with a return (handling → assigned) and starts only from "registered".
    STEPS = {
        "assign": {Status.REGISTERED},
        "edit": {Status.DRAFT},  # change the text, attach a file
        "cosign": {Status.DRAFT},  # ask a deputy to co-sign, answer such a request
        "flag": {  # key supervision, look-back
            Status.REGISTERED,
            Status.ASSIGNED,
            Status.HANDLING,
            Status.REPLIED,
            Status.REHANDLING,
            Status.CLOSED,
        },
        "sign_for": {Status.ASSIGNED, Status.HANDLING},  # a unit signs for its assignment
        "unit_request": {Status.ASSIGNED, Status.HANDLING},  # send back, ask for more time
        "cohandler_view": {Status.ASSIGNED, Status.HANDLING, Status.REHANDLING},
        "feedback": {Status.REPLIED},  # a signer rates the reply
        "followup_reply": {Status.REPLIED, Status.CLOSED},  # on a B/C item still tracked
        # The lead unit records a contact with the deputy (面商): before, during, after the reply.
        "contact": {
            Status.ASSIGNED,
            Status.HANDLING,
            Status.REPLIED,
            Status.REHANDLING,
            Status.CLOSED,
        },
    }

    class RejectReason(models.TextChoices):
        # domain.md §2.1: what is not accepted as a suggestion.
        OUTSIDE_POWERS = "outside_powers", _("outside the powers of local state organs")
        PERSONAL = "personal", _("the deputy's own or relatives' personal matter")
        LETTER = "letter", _("forwards a citizen's letter or visit")
        CASE = "case", _("a specific judicial case")
        ACADEMIC = "academic", _("academic discussion, advertising or product promotion")
        NO_CONTENT = "no_content", _("no real content or not actionable")

    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    year = models.PositiveSmallIntegerField(_("year"), default=current_year)
    category = models.ForeignKey(
        Category,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("category"),
    )
    cosigners = models.ManyToManyField(
        Deputy,
        through="Signature",
        through_fields=("suggestion", "deputy"),
        related_name="suggestions_signed",
        verbose_name=_("co-signing deputies"),
    )
    # Review outcome
    reject_reason = models.CharField(
        _("reason not registered"), max_length=20, choices=RejectReason.choices, blank=True
    )
    decision_note = models.TextField(_("review note"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_items",
        verbose_name=_("merged into"),
    )
    converted_to = models.CharField(
        _("handled through"),
        max_length=100,
        blank=True,
        help_text=_("The channel an item was passed to, e.g. 信访件 (letters and visits)."),
    )
    from_motion = models.OneToOneField(
        "Motion",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="converted_suggestion",
        verbose_name=_("converted from motion"),
    )
    # Flags
    key_supervision = models.BooleanField(_("key supervision"), default=False)
    key_leader = models.CharField(_("supervising leader"), max_length=100, blank=True)
    key_leader_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supervising leader's account"),
    )
    look_back = models.BooleanField(_("look-back"), default=False)
    tracking = models.BooleanField(
        _("tracked"), default=False, help_text=_("Answered B or C: followed up until solved.")
    )
    rehandle_count = models.PositiveSmallIntegerField(_("times handled again"), default=0)
    # Milestones
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = SuggestionQuerySet.as_manager()

    # Every change kept with who and when (admin "History"); bulk demo and import rows are not.
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "session_id", "number", "id"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        permissions = [("handle_suggestion", _("Can review, assign and follow up suggestions"))]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "number"],
                condition=Q(session__isnull=False, number__isnull=False),
                name="suggestion_unique_session_number",
            ),
            models.UniqueConstraint(
                fields=["term", "number"],
                condition=Q(session__isnull=True, number__isnull=False),
                name="suggestion_unique_between_number",
            ),
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="suggestion_unique_code"
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | ~Q(code=""), name="suggestion_number_has_code"
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reject_reason=""),
                name="suggestion_rejected_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False),
                name="suggestion_merged_has_target",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("id")), name="suggestion_not_merged_into_itself"
            ),
            models.CheckConstraint(
                condition=~Q(key_supervision=True) | ~Q(key_leader=""),
                name="suggestion_key_has_leader",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "year"], name="suggestion_status_year"),
            # The public list: its count, and its first page in the default order, from indexes.
            models.Index(fields=["is_public", "status"], name="suggestion_public_status"),
            models.Index(fields=["-year", "session", "number", "id"], name="suggestion_list_order"),
        ]

    def get_absolute_url(self):
        return reverse_id("suggestions:detail", self.pk)

    @property
    def between_sessions(self) -> bool:
        return self.session_id is None

    def lead_assignment(self):
        return next(
            (a for a in self.assignments.all() if a.active and a.role == Assignment.Role.LEAD), None
        )


class SubmittedSuggestion(Suggestion):
    """The review queue: the same rows, listed on their own admin page (see admin.py)."""

    class Meta:
        proxy = True
        verbose_name = _("suggestion to review")
        verbose_name_plural = _("review queue")


def attachment_path(instance, filename):
    """A generated name with the extension of the content's kind; the client's name is kept only
    in `original_name`, for display. The service passes "attachment.<kind's extension>"."""
    return generated_name("suggestions", filename)


class SuggestionAttachment(models.Model):
    """A file attached to a suggestion: PDF, image or Word document."""

    suggestion = models.ForeignKey(
        Suggestion, models.CASCADE, related_name="attachments", verbose_name=_("suggestion")
    )
    file = models.FileField(_("file"), upload_to=attachment_path, validators=[validate_attachment])
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name
