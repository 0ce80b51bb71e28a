"""The kinds of event that tell a person something, and which channels they use by default.

A service names its event when it notifies (`notify(user, subject, body, event=NEEDS_COSIGN…)`).
E-mail and the inbox carry the subject and text the service wrote; a text message is rendered
from `templates/notices/<event>/sms.txt` (console and test backends) or, at the provider, from
the template registered there (its code in the `SMS_TEMPLATE_<EVENT>` environment variable),
filled with the notice's parameters. A person changes the defaults on their preferences page.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Event:
    code: str
    label: Promise
    email: bool = True  # by e-mail unless the person says otherwise
    sms: bool = False  # by text message unless the person says otherwise
    texted: bool = True  # has an SMS template at all
    resident: bool = False  # goes to residents (no account, no preferences page)


COSIGN_REQUEST = "cosign_request"
ITEM_ASSIGNED = "item_assigned"
DEADLINE_NEAR = "deadline_near"
DEADLINE_MISSED = "deadline_missed"
PROMISE_DUE = "promise_due"
REPLY_PUBLISHED = "reply_published"
RATING_DUE = "rating_due"
UNSATISFIED_DECISION = "unsatisfied_decision"
CONTACT_TO_CONFIRM = "contact_to_confirm"
OPINION_ANSWERED = "opinion_answered"
GENERAL = "general"

EVENTS: dict[str, Event] = {
    event.code: event
    for event in (
        Event(COSIGN_REQUEST, _("A deputy asks me to co-sign"), sms=True),
        Event(ITEM_ASSIGNED, _("An item is assigned to my unit"), sms=True),
        Event(DEADLINE_NEAR, _("A deadline is near")),
        Event(DEADLINE_MISSED, _("A deadline was missed"), sms=True),
        Event(PROMISE_DUE, _("A date my unit promised to solve an item by is near"), sms=True),
        Event(REPLY_PUBLISHED, _("A unit replied to my suggestion"), sms=True),
        Event(RATING_DUE, _("A reply waits for my rating"), sms=True),
        Event(UNSATISFIED_DECISION, _("The decision on a “not satisfied” rating"), sms=True),
        Event(CONTACT_TO_CONFIRM, _("A unit asks me to confirm a contact")),
        Event(OPINION_ANSWERED, _("A resident's opinion is answered"), resident=True, email=False),
        Event(GENERAL, _("Other notices"), texted=False),
    )
}


def event(code: str) -> Event:
    """The event named `code`; an unknown code is a programming error (KeyError)."""
    return EVENTS[code]


def for_people() -> list[Event]:
    """The events a person with an account may set channels for."""
    return [e for e in EVENTS.values() if not e.resident]
