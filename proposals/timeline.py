"""What a timeline row says: the labelled event, who acted (a unit, an office, a signing deputy:
never a staff member's account or a person's contact) and when. Shared by the public pages of
suggestions and motions and by the deputy's workspace; every template shows the rows through
the one partial `includes/timeline.html` (`{% timeline rows %}`).
"""

from django.db.models import Q
from django.utils.translation import pgettext_lazy

from proposals.models import TIMELINE_ACTION_LABELS, TimelineEntry

# The label of each action code the services write (proposals/services.py).
TIMELINE_ACTIONS = {
    "created": pgettext_lazy("timeline event", "Draft started"),
    "edited": pgettext_lazy("timeline event", "Draft edited"),
    "attached": pgettext_lazy("timeline event", "File attached"),
    "signature_requested": pgettext_lazy("timeline event", "Deputy asked to co-sign"),
    "signature_confirmed": pgettext_lazy("timeline event", "Co-signature confirmed"),
    "signature_declined": pgettext_lazy("timeline event", "Co-signature declined"),
    "submitted": pgettext_lazy("timeline event", "Submitted"),
    "registered": pgettext_lazy("timeline event", "Registered"),
    "rejected": pgettext_lazy("timeline event", "Not registered"),
    "merged": pgettext_lazy("timeline event", "Merged into another suggestion"),
    "merged_in": pgettext_lazy("timeline event", "Another suggestion merged into this one"),
    "converted": pgettext_lazy("timeline event", "Passed to another channel"),
    "converted_from_motion": pgettext_lazy(
        "timeline event", "Handled as a suggestion, converted from a motion"
    ),
    "withdrawn": pgettext_lazy("timeline event", "Withdrawn"),
    "assigned": pgettext_lazy("timeline event", "Assigned to handling units"),
    "accepted": pgettext_lazy("timeline event", "Signed for by the unit"),
    "return_requested": pgettext_lazy("timeline event", "The unit asked to send it back"),
    "returned": pgettext_lazy("timeline event", "Sent back and reassigned"),
    "return_refused": pgettext_lazy("timeline event", "Request to send back refused"),
    "extension_requested": pgettext_lazy("timeline event", "The unit asked for more time"),
    "extended": pgettext_lazy("timeline event", "More time granted"),
    "extension_refused": pgettext_lazy("timeline event", "More time refused"),
    "replied": pgettext_lazy("timeline event", "Replied"),
    "followup_replied": pgettext_lazy("timeline event", "Follow-up reply"),
    "reply_published": pgettext_lazy("timeline event", "Reply published"),
    "feedback": pgettext_lazy("timeline event", "Reply rated"),
    "unsatisfied": pgettext_lazy("timeline event", "Rated unsatisfied"),
    "rehandling": pgettext_lazy("timeline event", "Sent back for handling again"),
    "closed": pgettext_lazy("timeline event", "Closed"),
    "key_flagged": pgettext_lazy("timeline event", "Marked for key supervision"),
    "key_unflagged": pgettext_lazy("timeline event", "Key supervision ended"),
    "look_back_flagged": pgettext_lazy("timeline event", "Marked for the look-back review"),
    "look_back_unflagged": pgettext_lazy("timeline event", "Look-back review ended"),
    "made_public": pgettext_lazy("timeline event", "Made public"),
    "made_private": pgettext_lazy("timeline event", "Withdrawn from the public site"),
    "listed": pgettext_lazy("timeline event", "Listed as a congress motion"),
    "not_listed": pgettext_lazy("timeline event", "Not listed"),
    "resolution": pgettext_lazy("timeline event", "Resolution adopted"),
    "progress": pgettext_lazy("timeline event", "Progress report"),
    "inspection": pgettext_lazy("timeline event", "Implementation inspection"),
}
OFFICE = pgettext_lazy("timeline actor", "Standing committee office")
GENERIC = pgettext_lazy("timeline event", "Recorded")

# Steps a signer sees in the workspace besides the public ones: their own drafting and signing.
# Staff-internal steps (a refused return, a unit's request) stay out: their notes are internal.
DEPUTY_ACTIONS = {
    "created",
    "edited",
    "attached",
    "signature_requested",
    "signature_confirmed",
    "signature_declined",
    "feedback",
    "unsatisfied",
}


def timeline_rows(entries, signers) -> list[dict]:
    """One row per entry: what happened, by whom as the reader may know it, when, the note.

    Who: the label the service wrote (a unit, an office), else a signing deputy's name (a
    deputy acts in public office), else the office — never the name of a staff account.
    """
    names = {d.user_id: d.name for d in signers if d.user_id}
    return [
        {
            "at": entry.at,
            "action": entry.action,
            "label": TIMELINE_ACTIONS.get(entry.action)
            or TIMELINE_ACTION_LABELS.get(entry.action, GENERIC),
            "who": entry.actor_label or names.get(entry.actor_id) or OFFICE,
            "detail": entry.note,
        }
        for entry in entries
    ]


def deputy_timeline(item, deputies) -> list[dict]:
    """The timeline a signer reads in the workspace: the public steps and the signers' own ones.

    `deputies`: the lead and everyone asked to sign (a declined co-signer acted too)."""
    entries = TimelineEntry.objects.for_object(item).filter(
        Q(public=True) | Q(action__in=DEPUTY_ACTIONS)
    )
    return timeline_rows(entries, deputies)
