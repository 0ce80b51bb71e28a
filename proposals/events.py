"""What the steps of suggestions, motions and residents' opinions are called (the timeline's
vocabulary, congress/kit/events.py). The stored code is each member's value; `label` is what the
public pages and the deputy's workspace show, a second, earlier label what the back office shows.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from congress.kit.events import TimelineEvent, register_events


class ProposalEvent(TimelineEvent):
    """The front half both suggestions and motions go through: drafting, co-signing, filing."""

    CREATED = "created", _("Draft created"), pgettext_lazy("timeline event", "Draft started")
    EDITED = "edited", pgettext_lazy("timeline event", "Draft edited")
    ATTACHED = "attached", pgettext_lazy("timeline event", "File attached")
    SIGNATURE_REQUESTED = (
        "signature_requested",
        pgettext_lazy("timeline event", "Deputy asked to co-sign"),
    )
    SIGNATURE_CONFIRMED = (
        "signature_confirmed",
        _("Co-signature confirmed"),
        pgettext_lazy("timeline event", "Co-signature confirmed"),
    )
    SIGNATURE_DECLINED = (
        "signature_declined",
        _("Co-signature declined"),
        pgettext_lazy("timeline event", "Co-signature declined"),
    )
    SUBMITTED = "submitted", _("Submitted"), pgettext_lazy("timeline event", "Submitted")
    WITHDRAWN = "withdrawn", pgettext_lazy("timeline event", "Withdrawn")
    CONVERTED = "converted", pgettext_lazy("timeline event", "Passed to another channel")
    CLOSED = "closed", pgettext_lazy("timeline event", "Closed")


class SuggestionEvent(TimelineEvent):
    """A suggestion's registration and the office's flags on it."""

    REGISTERED = (
        "registered",
        pgettext_lazy("event", "Registered"),
        pgettext_lazy("timeline event", "Registered"),
    )
    REJECTED = "rejected", pgettext_lazy("timeline event", "Not registered")
    MERGED = "merged", pgettext_lazy("timeline event", "Merged into another suggestion")
    MERGED_IN = (
        "merged_in",
        pgettext_lazy("timeline event", "Another suggestion merged into this one"),
    )
    CONVERTED_FROM_MOTION = (
        "converted_from_motion",
        pgettext_lazy("timeline event", "Handled as a suggestion, converted from a motion"),
    )
    FROM_OPINION = "from_opinion", _("Taken up from a resident's opinion")
    IMPORTED = "imported", pgettext_lazy("timeline event", "Imported from a spreadsheet")
    KEY_FLAGGED = "key_flagged", pgettext_lazy("timeline event", "Marked for key supervision")
    KEY_UNFLAGGED = "key_unflagged", pgettext_lazy("timeline event", "Key supervision ended")
    LOOK_BACK_FLAGGED = (
        "look_back_flagged",
        pgettext_lazy("timeline event", "Marked for the look-back review"),
    )
    LOOK_BACK_UNFLAGGED = (
        "look_back_unflagged",
        pgettext_lazy("timeline event", "Look-back review ended"),
    )
    MADE_PUBLIC = "made_public", pgettext_lazy("timeline event", "Made public")
    MADE_PRIVATE = "made_private", pgettext_lazy("timeline event", "Withdrawn from the public site")


class HandlingEvent(TimelineEvent):
    """The handling units' side of a suggestion: assignment, returns, extensions, replies, rating."""

    ASSIGNED = "assigned", pgettext_lazy("timeline event", "Assigned to handling units")
    ACCEPTED = "accepted", pgettext_lazy("timeline event", "Signed for by the unit")
    RETURN_REQUESTED = (
        "return_requested",
        pgettext_lazy("timeline event", "The unit asked to send it back"),
    )
    REASSIGNED = "reassigned", pgettext_lazy("timeline event", "Sent back and reassigned")
    RETURN_REFUSED = (
        "return_refused",
        pgettext_lazy("timeline event", "Request to send back refused"),
    )
    EXTENSION_REQUESTED = (
        "extension_requested",
        pgettext_lazy("timeline event", "The unit asked for more time"),
    )
    EXTENSION_APPROVED = "extension_approved", pgettext_lazy("timeline event", "More time granted")
    EXTENSION_REFUSED = "extension_refused", pgettext_lazy("timeline event", "More time refused")
    REPLIED = (
        "replied",
        pgettext_lazy("event", "Replied"),
        pgettext_lazy("timeline event", "Replied"),
    )
    FOLLOWUP_REPLIED = "followup_replied", pgettext_lazy("timeline event", "Follow-up reply")
    REPLY_PUBLISHED = "reply_published", pgettext_lazy("timeline event", "Reply published")
    FEEDBACK = (
        "feedback",
        _("Deputy rated the reply"),
        pgettext_lazy("timeline event", "Reply rated"),
    )
    UNSATISFIED = (
        "unsatisfied",
        _("Rated: unsatisfied"),
        pgettext_lazy("timeline event", "Rated unsatisfied"),
    )
    REHANDLING = "rehandling", pgettext_lazy("timeline event", "Sent back for handling again")
    COHANDLER_VIEW = "cohandler_view", pgettext_lazy("timeline event", "Co-handler's view sent")
    CONTACT_RECORDED = (
        "contact_recorded",
        _("The unit recorded a contact with the deputy"),
        pgettext_lazy("timeline event", "Contact with the deputy recorded"),
    )
    CONTACT_CONFIRMED = (
        "contact_confirmed",
        _("Deputy confirmed a contact"),
        pgettext_lazy("timeline event", "Contact confirmed by the deputy"),
    )
    CONTACT_DISPUTED = (
        "contact_disputed",
        _("Deputy disputed a contact"),
        pgettext_lazy("timeline event", "Contact disputed by the deputy"),
    )
    PROGRESS_REPORTED = (
        "progress_reported",
        _("The unit reported progress"),
        pgettext_lazy("timeline event", "Progress reported by the unit"),
    )
    REPORTED_DONE = (
        "reported_done",
        _("The unit reported the item done"),
        pgettext_lazy("timeline event", "Reported done by the unit"),
    )
    CARRIED_OVER = (
        "carried_over",
        _("Carried into next year's look-back ledger"),
        pgettext_lazy("timeline event", "Not solved by the year's end: carried into the next year"),
    )
    CARRY_OVER_DROPPED = (
        "carry_over_dropped",
        _("Taken off the look-back ledger"),
        pgettext_lazy("timeline event", "No longer followed in the look-back ledger"),
    )


class MotionEvent(TimelineEvent):
    """A motion's review by the presidium and what follows a resolution."""

    LISTED = "listed", pgettext_lazy("timeline event", "Listed as a congress motion")
    NOT_LISTED = "not_listed", pgettext_lazy("timeline event", "Not listed")
    RESOLUTION = "resolution", pgettext_lazy("timeline event", "Resolution adopted")
    PROGRESS = (
        "progress",
        _("Progress reported"),
        pgettext_lazy("timeline event", "Progress report"),
    )
    INSPECTION = (
        "inspection",
        _("Implementation inspected"),
        pgettext_lazy("timeline event", "Implementation inspection"),
    )


class OpinionEvent(TimelineEvent):
    """A resident's opinion from the QR form to closure (the tracking page shows these)."""

    SUBMITTED = "submitted", pgettext_lazy("timeline event", "Received")
    ACCEPTED = "accepted", pgettext_lazy("timeline event", "Accepted")
    NOT_ACCEPTED = "not_accepted", pgettext_lazy("timeline event", "Not accepted")
    ANSWERED = "answered", pgettext_lazy("timeline event", "Answered")
    ROUTED = "routed", pgettext_lazy("timeline event", "Routed to a handling unit")
    REPLIED = "replied", pgettext_lazy("timeline event", "The handling unit replied")
    ESCALATED = "escalated", pgettext_lazy("timeline event", "Taken up as a deputy's suggestion")
    RATED_SATISFIED = "rated_satisfied", pgettext_lazy("timeline event", "Rated: satisfied")
    RATED_BASICALLY = (
        "rated_basically",
        pgettext_lazy("timeline event", "Rated: basically satisfied"),
    )
    RATED_UNSATISFIED = "rated_unsatisfied", pgettext_lazy("timeline event", "Rated: unsatisfied")
    REOPENED = "reopened", pgettext_lazy("timeline event", "Reopened to be handled again")
    CLOSED = "closed", pgettext_lazy("timeline event", "Closed")
    CLOSED_UNSATISFIED = (
        "closed_unsatisfied",
        pgettext_lazy("timeline event", "Closed; the resident remained unsatisfied"),
    )
    CLOSED_UNRATED = "closed_unrated", pgettext_lazy("timeline event", "Closed without a rating")
    NOTE = "note", pgettext_lazy("timeline event", "Note")


register_events("proposals.suggestion", ProposalEvent, SuggestionEvent, HandlingEvent)
register_events("proposals.motion", ProposalEvent, MotionEvent)
register_events("proposals.opinion", OpinionEvent)
