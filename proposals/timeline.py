"""What a timeline row says: the labelled event, who acted (a unit, an office, a signing deputy:
never a staff member's account or a person's contact) and when. Shared by the public pages of
suggestions and motions and by the deputy's workspace; every template shows the rows through
the one partial `includes/timeline.html` (`{% timeline rows %}`).
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy, pgettext_lazy

from proposals.models import TimelineEntry

# The label of each action code the services write (proposals/services.py).
TIMELINE_ACTIONS = {
    "created": gettext_lazy("Draft started"),
    "edited": gettext_lazy("Draft edited"),
    "attached": gettext_lazy("File attached"),
    "signature_requested": gettext_lazy("Deputy asked to co-sign"),
    "signature_confirmed": gettext_lazy("Co-signature confirmed"),
    "signature_declined": gettext_lazy("Co-signature declined"),
    "submitted": gettext_lazy("Submitted"),
    "registered": gettext_lazy("Registered"),
    "rejected": gettext_lazy("Not registered"),
    "merged": gettext_lazy("Merged into another suggestion"),
    "merged_in": gettext_lazy("Another suggestion merged into this one"),
    "converted": gettext_lazy("Passed to another channel"),
    "converted_from_motion": gettext_lazy("Handled as a suggestion, converted from a motion"),
    "withdrawn": gettext_lazy("Withdrawn"),
    "assigned": gettext_lazy("Assigned to handling units"),
    "accepted": gettext_lazy("Signed for by the unit"),
    "return_requested": gettext_lazy("The unit asked to send it back"),
    "returned": gettext_lazy("Sent back and reassigned"),
    "return_refused": gettext_lazy("Request to send back refused"),
    "extension_requested": gettext_lazy("The unit asked for more time"),
    "extended": gettext_lazy("More time granted"),
    "extension_refused": gettext_lazy("More time refused"),
    "replied": gettext_lazy("Replied"),
    "followup_replied": gettext_lazy("Follow-up reply"),
    "reply_published": gettext_lazy("Reply published"),
    "feedback": gettext_lazy("Reply rated"),
    "unsatisfied": gettext_lazy("Rated unsatisfied"),
    "rehandling": gettext_lazy("Sent back for handling again"),
    "closed": gettext_lazy("Closed"),
    "key_flagged": gettext_lazy("Marked for key supervision"),
    "key_unflagged": gettext_lazy("Key supervision ended"),
    "look_back_flagged": gettext_lazy("Marked for the look-back review"),
    "look_back_unflagged": gettext_lazy("Look-back review ended"),
    "made_public": gettext_lazy("Made public"),
    "made_private": gettext_lazy("Withdrawn from the public site"),
    "listed": gettext_lazy("Listed as a congress motion"),
    "not_listed": gettext_lazy("Not listed"),
    "resolution": gettext_lazy("Resolution adopted"),
    "progress": gettext_lazy("Progress report"),
    "inspection": gettext_lazy("Implementation inspection"),
}
OFFICE = pgettext_lazy("timeline actor", "Standing committee office")
GENERIC = gettext_lazy("Recorded")

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
            "label": TIMELINE_ACTIONS.get(entry.action, GENERIC),
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
