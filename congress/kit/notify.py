"""Notices to people: one entry point, `notify()`, and pluggable delivery channels.

    notify(user, subject=_("…"), body=_("…"))

Each channel named in `settings.NOTIFY_CHANNELS` (dotted paths) gets the notice; e-mail is the
built-in one. Delivery happens after the surrounding transaction commits, so that a step that
is rolled back tells no one. A channel that fails (a mail server down, an SMS gateway refusing)
is logged — by channel and user id only, never an address, a phone number or the text — and
neither undoes the committed step nor stops the other channels or recipients.

Adding a channel (SMS, say): write a class with `name` and `send(user, subject, body, url)`
that returns False when the user cannot be reached that way (no mobile number) and raises on a
delivery failure, e.g.

    class SmsChannel(Channel):
        name = "sms"
        def send(self, user, subject, body, url=""):
            phone = user.deputy.phone if hasattr(user, "deputy") else ""
            if not phone:
                return False
            gateway.send(phone, f"{subject} {url}")   # the carrier's API
            return True

and add its dotted path to NOTIFY_CHANNELS. Quiet hours, if any, belong in the channel.
"""

import logging
from collections.abc import Iterable
from functools import cache
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class Channel:
    """One way of reaching a person. Subclasses implement `send`."""

    name = "channel"

    def send(self, user: Any, subject: str, body: str, url: str = "") -> bool:
        raise NotImplementedError


class EmailChannel(Channel):
    """E-mail through Django's mailer (SMTP in production, locmem in tests)."""

    name = "email"

    def send(self, user: Any, subject: str, body: str, url: str = "") -> bool:
        if not user.email:
            return False
        text = f"{body}\n\n{url}" if url else body
        send_mail(subject, text, None, [user.email])
        return True


@cache
def _channels_for(paths: tuple[str, ...]) -> list[Channel]:
    return [import_string(path)() for path in paths]


def channels() -> list[Channel]:
    return _channels_for(tuple(getattr(settings, "NOTIFY_CHANNELS", ())))


def deliver(user: Any, subject: str, body: str, url: str = "") -> int:
    """Send now through every channel; returns how many channels delivered it."""
    delivered = 0
    for channel in channels():
        try:
            delivered += bool(channel.send(user, subject, body, url))
        except Exception:  # noqa: BLE001 — any failure of a channel is logged, never raised
            # No address, phone or text in the log: the user's id and the channel only.
            logger.error("notice not delivered: channel=%s user=%s", channel.name, user.pk)
    return delivered


def notify(recipient: Any, subject: str, body: str, *, url: str = "") -> None:
    """Tell one user something, through every channel, once the transaction commits.

    `subject` and `body` should already be translated strings; `url` is a path or address
    the notice points to (the item's page). Inactive users are skipped.
    """
    if recipient is None or not recipient.is_active:
        return
    subject, body = str(subject), str(body)
    transaction.on_commit(lambda: deliver(recipient, subject, body, url))


def notify_all(recipients: Iterable[Any], subject: str, body: str, *, url: str = "") -> int:
    """`notify` each distinct active user of `recipients`; returns how many were told."""
    seen: set[int] = set()
    for user in recipients:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        notify(user, subject, body, url=url)
    return len(seen)
