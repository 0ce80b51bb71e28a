"""The one vocabulary of the timeline: what each event code a service writes means, per kind of item.

An app names the steps of its items in an `events.py` module: one `TimelineEvent` enum per area
(drafting, handling, a poll …) and `register_events("app_label.model", EnumA, EnumB)` for each
kind of item that records them. The registry finds those modules itself (as the admin finds
`admin.py`), so the timeline, the admin and the public pages all read the same labels.

The stored code stays the enum's value (`"assigned"`, `"poll_opened"`, `"activity.recorded"`):
the namespace is the kind of item plus the area enum, so the same code may mean different steps
for different items (a suggestion's `accepted` is the unit signing for it, an opinion's is the
liaison station taking it up) while rows already in the database keep their meaning.
"""

import threading
from typing import Self

from django.db import models
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import pgettext_lazy


class TimelineEvent(models.TextChoices):
    """The base of every area's events.

    A member is `CODE = "stored_code", label` or, where the back office words the step
    differently from what the public and the deputies read, `CODE = "stored_code", staff_label,
    label`. `label` is what every reader's timeline shows; `staff_label` is what the admin's
    timeline and history show (the label itself unless given).
    """

    _staff_label_: str | Promise | None

    def __new__(cls, value: str, staff_label: str | Promise | None = None) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member._staff_label_ = staff_label
        return member

    @property
    def staff_label(self) -> str | Promise:
        return self._staff_label_ or self.label


# What a row shows for a code nobody registered (a row written by code since removed).
UNKNOWN = pgettext_lazy("timeline event", "Recorded")

_registry: dict[str, dict[str, TimelineEvent]] = {}
_discovered = False
_lock = threading.Lock()


def register_events(model: str, *areas: type[TimelineEvent]) -> None:
    """Say which events items of `model` ("app_label.modelname") record; a code once per model."""
    events = _registry.setdefault(model.lower(), {})
    for area in areas:
        for event in area:
            known = events.get(event.value)
            if known is not None and known is not event:
                raise ValueError(
                    f"Timeline code {event.value!r} of {model} is both {known!r} and {event!r}."
                )
            events[event.value] = event


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    with _lock:
        if not _discovered:
            autodiscover_modules("events")
            _discovered = True


def events_for(model: str) -> dict[str, TimelineEvent]:
    """Every event an item of `model` ("app_label.modelname") may record, by stored code."""
    _discover()
    return _registry.get(model.lower(), {})


def registered_models() -> list[str]:
    _discover()
    return sorted(_registry)


def event_for(model: str, code: str) -> TimelineEvent | None:
    return events_for(model).get(str(code))


def event_label(model: str, code: str, *, staff: bool = False) -> str | Promise:
    """The label of `code` on an item of `model`. An unregistered code reads "Recorded" to
    readers and shows as itself to staff (so the office can tell which code it is)."""
    event = event_for(model, code)
    if event is None:
        return str(code) if staff else UNKNOWN
    return event.staff_label if staff else event.label
