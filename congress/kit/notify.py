"""Notices to people: one entry point, `notify()`, and pluggable delivery channels.

    notify(user, _("…subject"), _("…text"), url=item_url, event=events.REPLY_PUBLISHED,
           params={"code": suggestion.code})

Every notice is first a row in the person's inbox (congress.notices.models.Notice), written in
the service's transaction, so that a step that is rolled back tells no one. Once it commits, a
task (the Tasks API, congress/notices/delivery.py) sends it through the channels in
`settings.NOTIFY_CHANNELS` the person chose for that kind of event: e-mail (EmailChannel) and
text messages (the "sms" channel, through `settings.SMS_BACKEND`), with quiet hours, retries
and a fallback to e-mail, every attempt in the delivery log. A channel that fails is logged —
by channel, notice and user id only, never an address, a phone number or the text — and
neither undoes the committed step nor stops the other channels or recipients.

`event` names the kind of event (congress/notices/events.py): it chooses the person's channels
and the SMS template; `params` fill that template (a code, a date: never personal data). A
resident, who has no account, is told with `notify_resident(opinion, …)`: by text only, and
only when their opinion records their consent.

Another channel (a messaging app, say) is a class with `name` and `send(user, subject, body,
url)` that returns False when the user cannot be reached that way and raises on a failure; add
its dotted path to NOTIFY_CHANNELS.
"""

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse, translate_url

from congress.notices import events
from congress.notices.delivery import absolute, deliver_notice
from congress.notices.models import Notice, ShortLink

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


class SmsChannel(Channel):
    """Text messages. Delivered by congress/notices/delivery.py, which applies quiet hours,
    retries and the fallback to e-mail around `settings.SMS_BACKEND`; this class only names
    the channel in NOTIFY_CHANNELS."""

    name = "sms"

    def send(self, user: Any, subject: str, body: str, url: str = "") -> bool:
        raise NotImplementedError("texts go through congress.notices.delivery")


def _notice(
    recipient: Any,
    subject: str,
    body: str,
    url: str,
    event: str,
    params: dict[str, Any] | None,
    about: Any,
) -> Notice:
    params = {k: str(v) for k, v in (params or {}).items()}
    # The address in the site's default language (Chinese, no prefix), whichever language the
    # person whose step caused the notice was reading.
    url = translate_url(url, settings.LANGUAGE_CODE) if url.startswith("/") else url
    if url and events.event(event).texted:
        link = ShortLink.objects.create(target=url, login=recipient is not None)
        params.setdefault("link", absolute(reverse("notices:link", args=[link.code])))
    notice: Notice = Notice.objects.create(
        user=recipient,
        event=event,
        subject=str(subject)[:300],
        body=str(body),
        url=url,
        params=params,
        content_type=ContentType.objects.get_for_model(about) if about is not None else None,
        object_id=about.pk if about is not None else None,
    )
    transaction.on_commit(lambda: _enqueue(notice.pk), robust=True)
    return notice


def _enqueue(notice_id: int) -> None:
    try:
        deliver_notice.enqueue(notice_id)
    except Exception:  # noqa: BLE001 — the task queue being down loses a message, not the page
        logger.error("notice not queued: notice=%s", notice_id)


def notify(
    recipient: Any,
    subject: str,
    body: str,
    *,
    url: str = "",
    event: str = events.GENERAL,
    params: dict[str, Any] | None = None,
    about: Any = None,
) -> Notice | None:
    """Tell one user something: an inbox row now, e-mail and text once the transaction commits.

    `subject` and `body` should already be translated strings; `url` is a path the notice
    points to (the action: rate the reply, answer the request). Inactive users are skipped.
    """
    if recipient is None or not recipient.is_active:
        return None
    return _notice(recipient, subject, body, url, event, params, about)


def notify_all(
    recipients: Iterable[Any],
    subject: str,
    body: str,
    *,
    url: str = "",
    event: str = events.GENERAL,
    params: dict[str, Any] | None = None,
    about: Any = None,
) -> int:
    """`notify` each distinct active user of `recipients`; returns how many were told."""
    seen: set[int] = set()
    for user in recipients:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        notify(user, subject, body, url=url, event=event, params=params, about=about)
    return len(seen)


def notify_resident(
    about: Any,
    subject: str,
    body: str,
    *,
    event: str,
    url: str = "",
    params: dict[str, Any] | None = None,
) -> Notice:
    """Tell the resident behind `about` (an opinion): by text only, if they agreed to it
    (`about.phone_for_texts()` says, at sending time). The short link opens `url` without a
    login: the page it opens asks for what the resident knows (the tracking code)."""
    return _notice(None, subject, body, url, event, params, about)
