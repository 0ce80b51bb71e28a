"""The handling units' side: assignments, returns, extensions, replies, feedback, co-handlers' views."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from congress.kit.uploads import generated_name, validate_attachment
from congress.kit.workflow import Workflow
from congress.models import Organisation
from deputies.models import Deputy
from proposals.models.base import Decision, Rating, reply_class_choices


class Assignment(models.Model):
    """A suggestion given to a handling unit (交办), as lead (主办) or co-handler (协办)."""

    class Role(models.TextChoices):
        LEAD = "lead", pgettext_lazy("handling unit role", "lead")
        CO = "co", pgettext_lazy("handling unit role", "co-handler")

    suggestion = models.ForeignKey(
        "Suggestion",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("suggestion"),
    )
    # A residents' opinion routed to a unit uses the same row (exactly one of the two is set).
    opinion = models.ForeignKey(
        "Opinion",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("residents' opinion"),
    )
    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="assignments", verbose_name=_("handling unit")
    )
    role = models.CharField(_("role"), max_length=4, choices=Role.choices, default=Role.LEAD)
    assigned_at = models.DateField(_("assigned on"))
    due_date = models.DateField(_("reply due"))
    accepted_at = models.DateTimeField(_("signed for"), null=True, blank=True)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Off once the item was sent back to the office.")
    )

    class Meta:
        ordering = ["-active", "role", "id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "organisation"],
                condition=Q(active=True),
                name="assignment_one_active_per_unit",
            ),
            models.UniqueConstraint(
                fields=["suggestion"],
                condition=Q(active=True, role="lead"),
                name="assignment_one_active_lead",
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("assigned_at")), name="assignment_due_after_assigned"
            ),
            models.CheckConstraint(
                condition=Q(suggestion__isnull=False, opinion__isnull=True)
                | Q(suggestion__isnull=True, opinion__isnull=False),
                name="assignment_one_item",
            ),
            models.UniqueConstraint(
                fields=["opinion"],
                condition=Q(active=True, role="lead"),
                name="assignment_opinion_one_active_lead",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} · {self.get_role_display()}"


class UnitRequest(models.Model):
    """What a handling unit asks of the office about an assignment, and the office's decision."""

    reason = models.TextField(_("reason"))
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["-requested_at"]
        constraints = [
            # At most one undecided request of a kind per assignment.
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(decision="pending"),
                name="%(class)s_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(decision="pending") | Q(decided_at__isnull=False),
                name="%(class)s_decided_has_time",
            ),
        ]


class ReturnRequest(UnitRequest):
    """A unit's request to send an item back (退回) as outside its remit, with the unit it proposes."""

    assignment = models.ForeignKey(
        Assignment, models.CASCADE, related_name="return_requests", verbose_name=_("assignment")
    )
    proposed_unit = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed unit"),
    )

    class Meta(UnitRequest.Meta):
        verbose_name = _("return request")
        verbose_name_plural = _("return requests")

    def __str__(self):
        return f"{self.assignment} · {self.get_decision_display()}"


class ExtensionRequest(UnitRequest):
    """A unit's request for more time (延期), up to the extended reply limit after assignment."""

    assignment = models.ForeignKey(
        Assignment, models.CASCADE, related_name="extension_requests", verbose_name=_("assignment")
    )
    requested_due_date = models.DateField(_("requested due date"))

    class Meta(UnitRequest.Meta):
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")

    def __str__(self):
        return f"{self.assignment} · {self.requested_due_date}"


class ReplyQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)


def reply_path(instance, filename):
    """Like attachments: a generated name, the extension of the content's kind."""
    return generated_name("replies", filename)


class Reply(models.Model):
    """A unit's written reply (答复) to a suggestion, classed A/B/C; follow-ups track B/C items."""

    suggestion = models.ForeignKey(
        "Suggestion",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("suggestion"),
    )
    # A unit's answer to a routed residents' opinion (exactly one of the two is set; no class).
    opinion = models.ForeignKey(
        "Opinion",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("residents' opinion"),
    )
    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="replies", verbose_name=_("handling unit")
    )
    reply_class = models.CharField(
        _("class"), max_length=2, choices=reply_class_choices, blank=True
    )
    letter_number = models.CharField(_("letter number"), max_length=60, blank=True)
    text = models.TextField(_("text"))
    file = models.FileField(
        _("signed letter"), upload_to=reply_path, blank=True, validators=[validate_attachment]
    )
    file_name = models.CharField(_("letter's file name"), max_length=200, blank=True)
    replied_at = models.DateField(_("replied on"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    is_followup = models.BooleanField(_("follow-up reply"), default=False)
    # Class B (列入计划解决): the date the unit promises the matter will be done; follow-up
    # replies report progress until one of class A reports it done.
    promised_by = models.DateField(_("promised completion date"), null=True, blank=True)
    # Class C (留作参考): why it cannot be solved now.
    reasons = models.TextField(_("reasons it cannot be solved now"), blank=True)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ReplyQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["replied_at", "id"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        indexes = [
            # The home page's latest published replies: the newest few from the index, not a
            # sort of every reply.
            models.Index(fields=["-published_at", "-id"], name="reply_published_latest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(suggestion__isnull=False, opinion__isnull=True)
                | Q(suggestion__isnull=True, opinion__isnull=False),
                name="reply_one_item",
            ),
            models.CheckConstraint(
                condition=Q(suggestion__isnull=True) | ~Q(reply_class=""),
                name="reply_suggestion_has_class",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} · {self.reply_class} · {self.replied_at}"


class Feedback(models.Model):
    """One signer's rating of a reply: the handling process and the result, separately."""

    reply = models.ForeignKey(
        Reply, models.CASCADE, related_name="feedback", verbose_name=_("reply")
    )
    suggestion = models.ForeignKey(
        "Suggestion", models.CASCADE, related_name="feedback", verbose_name=_("suggestion")
    )
    rater = models.ForeignKey(
        Deputy, models.PROTECT, related_name="feedback_given", verbose_name=_("deputy")
    )
    process_rating = models.CharField(_("handling process"), max_length=12, choices=Rating.choices)
    result_rating = models.CharField(_("result"), max_length=12, choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True)
    given_at = models.DateTimeField(_("given"), default=timezone.now)

    class Meta:
        ordering = ["given_at", "id"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(fields=["reply", "rater"], name="feedback_unique_rater"),
            models.CheckConstraint(
                condition=~Q(comment="")
                | (~Q(process_rating="unsatisfied") & ~Q(result_rating="unsatisfied")),
                name="feedback_unsatisfied_has_comment",
            ),
        ]

    def __str__(self):
        return f"{self.rater} · {self.get_result_rating_display()}"

    @property
    def unsatisfied(self) -> bool:
        return Rating.UNSATISFIED in (self.process_rating, self.result_rating)

    def clean(self):
        if self.unsatisfied and not self.comment.strip():
            raise ValidationError({"comment": _("Say why you are not satisfied.")})


# ---------------------------------------------------------------------------------------------
# Co-handlers' views and sent reminders (issue 10: the handling loop)
# ---------------------------------------------------------------------------------------------


class CoHandlerView(models.Model):
    """A co-handling unit's written view (协办意见/会办意见) sent to the lead unit.

    One per co-handling assignment, due one month after assignment (CONGRESS_RULES
    "CO_HANDLER_VIEWS_MONTHS"); the lead unit and the office read it, and the lead's reply waits
    for every co-handler's view when "REPLY_NEEDS_CO_HANDLER_VIEWS" is on.
    """

    assignment = models.OneToOneField(
        Assignment,
        models.CASCADE,
        related_name="cohandler_view",
        verbose_name=_("co-handling assignment"),
    )
    # The assignment's item, kept here so that the item's pages list its views directly.
    suggestion = models.ForeignKey(
        "Suggestion",
        models.CASCADE,
        related_name="cohandler_views",
        verbose_name=_("suggestion"),
    )
    text = models.TextField(_("written view"))
    submitted_at = models.DateTimeField(_("sent"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = _("co-handler's view")
        verbose_name_plural = _("co-handlers' views")

    def __str__(self):
        return str(self.assignment.organisation)


class ReminderSent(models.Model):
    """A reminder that went out, so that `send_reminders` run again sends nothing twice.

    `key` names the clock, the row it belongs to, its due date and the stage ("before" or
    "missed"): a due date that moves (an extension) starts a new pair of reminders.
    """

    key = models.CharField(_("reminder"), max_length=120, unique=True)
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")

    def __str__(self):
        return self.key


# ---------------------------------------------------------------------------------------------
# The contact log (面商 / 三见面, issue 16)
# ---------------------------------------------------------------------------------------------


class Contact(Workflow, models.Model):
    """One contact between the lead unit and the lead deputy on an assigned suggestion (面商):
    recorded by the unit's clerk, confirmed or disputed by the deputy.

    The 面商率 (lead assignments with a contact) and the share of confirmed contacts are counted
    from these rows (proposals/suggestions/figures.py), never typed.
    """

    class Way(models.TextChoices):
        FACE = "face", _("face to face")
        SITE = "site", _("site visit")
        PHONE = "phone", _("phone call")
        MEETING = "meeting", _("meeting")

    class Stage(models.TextChoices):
        # 三见面: before handling (the deputy's intent), during it, after the reply.
        BEFORE = "before", pgettext_lazy("contact stage", "before handling")
        DURING = "during", pgettext_lazy("contact stage", "during handling")
        AFTER = "after", pgettext_lazy("contact stage", "after the reply")

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("contact", "waiting for the deputy")
        CONFIRMED = "confirmed", pgettext_lazy("contact", "confirmed by the deputy")
        DISPUTED = "disputed", pgettext_lazy("contact", "disputed by the deputy")

    # The deputy answers once; an answer is final (a disputed contact is recorded again).
    TRANSITIONS = {
        Status.PENDING: {Status.CONFIRMED, Status.DISPUTED},
        Status.CONFIRMED: set(),
        Status.DISPUTED: set(),
    }
    STAMPS = {Status.CONFIRMED: "answered_at", Status.DISPUTED: "answered_at"}

    assignment = models.ForeignKey(
        Assignment, models.CASCADE, related_name="contacts", verbose_name=_("lead assignment")
    )
    # The assignment's item, kept here so that the deputy's and the public pages list it directly.
    suggestion = models.ForeignKey(
        "Suggestion", models.CASCADE, related_name="contacts", verbose_name=_("suggestion")
    )
    contact_on = models.DateField(_("date of the contact"))
    way = models.CharField(_("way"), max_length=8, choices=Way.choices)
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices)
    participants = models.CharField(_("who took part"), max_length=300)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("deputy's answer"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    dispute_reason = models.TextField(_("reason for disputing"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["contact_on", "id"]
        verbose_name = _("contact with the deputy")
        verbose_name_plural = _("contacts with the deputy")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending") | Q(answered_at__isnull=False),
                name="contact_answered_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.contact_on} · {self.get_way_display()}"
