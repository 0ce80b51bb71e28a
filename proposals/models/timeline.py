"""The public timeline of an item: one row per event, with its action code and label."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TimelineEntryQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).select_related("actor")

    def public(self):
        return self.filter(public=True)


# What each action code the services write means, for staff (the admin's timeline and history)
# and, where public, for everyone. Apps add their own codes with register_timeline_labels().
TIMELINE_ACTION_LABELS = {
    "created": _("Draft created"),
    "edited": _("Draft edited"),
    "attached": _("File attached"),
    "signature_requested": _("Deputy asked to co-sign"),
    "signature_confirmed": _("Co-signature confirmed"),
    "signature_declined": _("Co-signature declined"),
    "submitted": _("Submitted"),
    "registered": pgettext_lazy("event", "Registered"),
    "rejected": _("Not registered"),
    "merged": _("Merged into another suggestion"),
    "merged_in": _("Another suggestion merged into this one"),
    "converted": _("Passed to another channel"),
    "converted_from_motion": _("Handled as a suggestion, converted from a motion"),
    "from_opinion": _("Taken up from a resident's opinion"),
    "withdrawn": _("Withdrawn"),
    "assigned": _("Assigned to handling units"),
    "accepted": _("Signed for by the unit"),
    "not_accepted": _("Not accepted"),
    "return_requested": _("The unit asked to send it back"),
    "returned": _("Sent back and reassigned"),
    "return_refused": _("Request to send back refused"),
    "extension_requested": _("The unit asked for more time"),
    "extended": _("More time granted"),
    "extension_refused": _("More time refused"),
    "replied": pgettext_lazy("event", "Replied"),
    "followup_replied": _("Follow-up reply"),
    "reply_published": _("Reply published"),
    "feedback": _("Deputy rated the reply"),
    "unsatisfied": _("Rated: unsatisfied"),
    "rehandling": _("Sent back for handling again"),
    "closed": pgettext_lazy("event", "Closed"),
    "key_flagged": _("Marked for key supervision"),
    "key_unflagged": _("Key supervision ended"),
    "look_back_flagged": _("Marked for the look-back review"),
    "look_back_unflagged": _("Look-back review ended"),
    "made_public": _("Made public"),
    "listed": _("Listed as a congress motion"),
    "not_listed": _("Not listed"),
    "resolution": _("Resolution adopted"),
    "progress": _("Progress reported"),
    "inspection": _("Implementation inspected"),
    "answered": _("Answered"),
    "routed": _("Routed to a handling unit"),
    "escalated": _("Taken up as a deputy's suggestion"),
    "rated_satisfied": _("Rated: satisfied"),
    "rated_basically": _("Rated: basically satisfied"),
    "rated_unsatisfied": _("Rated: unsatisfied"),
    "reopened": _("Reopened to be handled again"),
    "closed_unsatisfied": _("Closed; the resident remained unsatisfied"),
    "closed_unrated": _("Closed without a rating"),
    "note": _("Note"),
}


def register_timeline_labels(labels: dict) -> None:
    """Let an app label the action codes its services write (supervision: polls, projects)."""
    TIMELINE_ACTION_LABELS.update(labels)


class TimelineEntry(models.Model):
    """One dated, attributed step in the life of an item (a suggestion, an opinion, a poll …).

    Every service that changes an item's state writes one in the same transaction; an item's
    public timeline is this table filtered by `public`.
    """

    content_type = models.ForeignKey(ContentType, models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("action"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, verbose_name=_("by")
    )
    actor_label = models.CharField(
        _("by (as shown)"),
        max_length=100,
        blank=True,
        help_text=_("What the public timeline shows instead of a person: a unit, an office."),
    )
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    note = models.TextField(_("note"), blank=True)
    public = models.BooleanField(_("public"), default=True)

    objects = TimelineEntryQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"], name="timeline_item_at")
        ]

    def __str__(self):
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.get_action_display()}"

    def get_action_display(self) -> str:
        """The event's label (立案, 交办 …); an unknown code shows as itself."""
        return str(TIMELINE_ACTION_LABELS.get(self.action, self.action))


def timeline_write(
    *,
    item,
    action: str,
    actor=None,
    actor_label: str = "",
    note: str = "",
    public: bool = True,
    at=None,
) -> TimelineEntry:
    """Record a step; called by services inside their transaction."""
    return TimelineEntry.objects.create(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        action=action,
        actor=actor,
        actor_label=actor_label,
        note=note,
        public=public,
        at=at or timezone.now(),
    )
