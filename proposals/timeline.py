"""The timeline of a suggestion or a motion as its readers see it: the public steps on the public
pages and, in the deputy's workspace, the signers' own steps too. Rows are built and labelled by
congress/timeline.py; this module only says who a signer is and which private steps they see.
"""

from django.db.models import Q

from congress.models import TimelineEntry
from congress.timeline import OFFICE
from congress.timeline import timeline_rows as _rows
from proposals.events import HandlingEvent, ProposalEvent

# Steps a signer sees in the workspace besides the public ones: their own drafting and signing.
# Staff-internal steps (a refused return, a unit's request) stay out: their notes are internal.
DEPUTY_ACTIONS = {
    ProposalEvent.CREATED,
    ProposalEvent.EDITED,
    ProposalEvent.ATTACHED,
    ProposalEvent.SIGNATURE_REQUESTED,
    ProposalEvent.SIGNATURE_CONFIRMED,
    ProposalEvent.SIGNATURE_DECLINED,
    HandlingEvent.FEEDBACK,
    HandlingEvent.UNSATISFIED,
}


def timeline_rows(entries, signers) -> list[dict]:
    """One row per entry: what happened, by whom as the reader may know it, when, the note.

    Who: the label the service wrote (a unit, an office), else a signing deputy's name (a
    deputy acts in public office), else the office — never the name of a staff account.
    """
    names = {d.user_id: d.name for d in signers if d.user_id}
    return _rows(
        entries, who=lambda entry: entry.actor_label or names.get(entry.actor_id) or OFFICE
    )


def deputy_timeline(item, deputies) -> list[dict]:
    """The timeline a signer reads in the workspace: the public steps and the signers' own ones.

    `deputies`: the lead and everyone asked to sign (a declined co-signer acted too)."""
    entries = TimelineEntry.objects.for_object(item).filter(
        Q(public=True) | Q(action__in=[str(action) for action in DEPUTY_ACTIONS])
    )
    return timeline_rows(entries, deputies)
