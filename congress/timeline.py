"""Reading an item's timeline: what a row says (the labelled event, who acted, when, a note).

Every timeline a reader sees (a suggestion's, a motion's, an opinion's, in public or in the
deputy's workspace) is built here and shown through the one partial `includes/timeline.html`
(`{% timeline rows %}`, congress/templatetags/site.py). Labels come from the one vocabulary
(congress/kit/events.py and each app's events.py); who acted is a unit, an office or a deputy
acting in public office, never a staff member's account or a person's contact.
"""

from collections.abc import Callable, Iterable

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from congress.kit.events import event_label
from congress.models import TimelineEntry

OFFICE = pgettext_lazy("timeline actor", "Standing committee office")


def office_or_label(entry: TimelineEntry) -> str | Promise:
    """Who, by default: the label the service wrote (a unit, an office), else the office."""
    return entry.actor_label or OFFICE


def timeline_rows(
    entries: Iterable[TimelineEntry],
    *,
    who: Callable[[TimelineEntry], str | Promise] = office_or_label,
    detail: Callable[[TimelineEntry], str] = lambda entry: entry.note,
) -> list[dict]:
    """One row per entry, as `{% timeline %}` shows it: `at`, `action`, `label` (the reader's
    wording of the event), `who` and `detail`."""
    return [
        {
            "at": entry.at,
            "action": entry.action,
            "label": event_label(entry.item_model, entry.action),
            "who": who(entry),
            "detail": detail(entry),
        }
        for entry in entries
    ]
