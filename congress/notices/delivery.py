"""Delivering a notice: the inbox row is already there; e-mail and text follow in a task.

`notify()` (congress/kit/notify.py) writes the Notice in the service's transaction and, once
it commits, enqueues `deliver_notice` (the Tasks API: at once in a debug run and the tests,
`manage.py db_worker` in production). The task sends through each channel the person chose
(`NoticePreference`, else the event's defaults) and logs every attempt as a `Delivery`:

- quiet hours (rule SMS_QUIET_HOURS, the congress's local time): a text is logged "queued"
  with the morning as `not_before`; `send_queued()` (manage.py send_queued_notices, run every
  few minutes, or a deferred task where the backend can defer) sends it then. E-mail and the
  inbox are never held.
- a failed text is tried SMS_TRIES times in all, each failure logged with the provider's error
  code; after the last one, e-mail is sent instead (logged with `fallback`), unless the person
  already had it by e-mail.
- a resident (no account) is texted only when their opinion says they agreed to it.

Nothing here logs a phone number, an address or a text; a channel that breaks is logged by its
name, the notice's id and an error code, and never reaches the request that caused the notice.
"""

import datetime
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.tasks import default_task_backend, task
from django.template.loader import render_to_string, select_template
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import override

from congress.kit.rules import rule
from congress.notices import events, sms
from congress.notices.models import Delivery, Notice, NoticePreference, NoticeProfile

logger = logging.getLogger("congress.notices")

D = Delivery.Status


def current_time() -> datetime.datetime:
    """The time source of the layer (tests replace it to stand at night or in the morning)."""
    return timezone.now()


# -- quiet hours ----------------------------------------------------------------------------


def _clock(value: str) -> datetime.time:
    hours, minutes = value.split(":")
    return datetime.time(int(hours), int(minutes))


def quiet_until(now: datetime.datetime) -> datetime.datetime | None:
    """The end of the quiet hours `now` falls in (local time), or None outside them."""
    window = rule("SMS_QUIET_HOURS")
    if not window:
        return None
    start, end = (_clock(v) for v in window)
    local = timezone.localtime(now)
    moment = local.time()
    if start <= end:
        quiet = start <= moment < end
        end_day = local.date()
    else:  # over midnight: 22:00–08:00
        quiet = moment >= start or moment < end
        end_day = local.date() + datetime.timedelta(days=1 if moment >= start else 0)
    if not quiet:
        return None
    return timezone.make_aware(datetime.datetime.combine(end_day, end), local.tzinfo)


# -- who wants what -------------------------------------------------------------------------


def wanted(user: Any, code: str) -> tuple[bool, bool]:
    """(e-mail, text) for this person and event: their preference, else the event's default."""
    event = events.event(code)
    pref = NoticePreference.objects.filter(user=user, event=code).first()
    email, text = (pref.email, pref.sms) if pref else (event.email, event.sms)
    return email, text and event.texted


def user_phone(user: Any) -> str:
    """A deputy's mobile from their record (the reverse one-to-one; congress imports no app);
    anyone else's from the number they gave on their preferences page."""
    deputy = getattr(user, "deputy", None)
    if deputy is not None:
        return getattr(deputy, "phone", "") or ""
    profile = NoticeProfile.objects.filter(user=user).first()
    return profile.mobile if profile else ""


def resident_phone(notice: Notice) -> str:
    """A resident's mobile, only when the opinion records their consent to be texted."""
    about = notice.about
    phone_for_texts = getattr(about, "phone_for_texts", None)
    return phone_for_texts() if callable(phone_for_texts) else ""


# -- channels -------------------------------------------------------------------------------


def _log(notice: Notice, channel: str, status: str, **fields) -> Delivery:
    return Delivery.objects.create(
        notice=notice, channel=channel, status=status, created_at=current_time(), **fields
    )


def sms_text(notice: Notice) -> str:
    """The text of an event's message, rendered in Chinese (the language residents read)."""
    with override(settings.LANGUAGE_CODE):
        return render_to_string(
            [f"notices/{notice.event}/sms.txt", "notices/sms.txt"],
            {"notice": notice, **notice.params},
        ).strip()


def _send_text(notice: Notice, phone: str, *, attempt_from: int = 1) -> bool:
    """Try the text up to SMS_TRIES times; every attempt logged. True when it went."""
    tries = rule("SMS_TRIES")
    text = sms.Text(phone=phone, event=notice.event, text=sms_text(notice), params=notice.params)
    for attempt in range(attempt_from, tries + 1):
        try:
            message_id = sms.backend().send(text)
        except sms.SmsError as error:
            _log(notice, "sms", D.FAILED, attempt=attempt, error=error.code)
            logger.warning(
                "text not sent: notice=%s attempt=%s error=%s", notice.pk, attempt, error.code
            )
            if not error.retry:
                break
        except Exception as error:  # noqa: BLE001 — a broken backend must not break the rest
            code = type(error).__name__
            _log(notice, "sms", D.FAILED, attempt=attempt, error=code)
            logger.error("text not sent: notice=%s attempt=%s error=%s", notice.pk, attempt, code)
        else:
            _log(notice, "sms", D.SENT, attempt=attempt, provider_id=message_id[:100])
            return True
    return False


def _email_text(notice: Notice) -> str:
    template = select_template([f"notices/{notice.event}/email.txt", "notices/email.txt"])
    return template.render({"notice": notice, "link": absolute(notice.url)}).strip()


def _send_email(notice: Notice, *, fallback: bool = False) -> bool:
    from_channels = {c.name: c for c in channels()}
    channel = from_channels.get("email") or import_string("congress.kit.notify.EmailChannel")()
    try:
        sent = channel.send(notice.user, notice.subject, _email_text(notice), "")
    except Exception as error:  # noqa: BLE001
        _log(notice, "email", D.FAILED, fallback=fallback, error=type(error).__name__)
        logger.error(
            "notice not delivered: channel=email notice=%s user=%s", notice.pk, notice.user_id
        )
        return False
    _log(
        notice,
        "email",
        D.SENT if sent else D.SKIPPED,
        fallback=fallback,
        error="" if sent else "no_address",
    )
    return bool(sent)


def channels() -> list[Any]:
    return [import_string(path)() for path in getattr(settings, "NOTIFY_CHANNELS", ())]


def absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return f"{settings.SITE_URL}{url}"


# -- the task -------------------------------------------------------------------------------


def deliver(notice: Notice, *, now: datetime.datetime | None = None) -> None:
    """Send `notice` through the channels its recipient wants (see the module's docstring)."""
    now = now or current_time()
    if notice.user_id is None:
        _deliver_to_resident(notice, now)
        return
    user = notice.user
    email, text = wanted(user, notice.event)
    for channel in channels():
        if channel.name == "email":
            if email:
                _send_email(notice)
            continue
        if channel.name == "sms":
            if not text:
                continue
            phone = user_phone(user)
            if not phone:
                _log(notice, "sms", D.SKIPPED, error="no_phone")
                if not email:
                    _send_email(notice, fallback=True)
                continue
            held = quiet_until(now)
            if held:
                _log(notice, "sms", D.QUEUED, not_before=held)
                _defer(held)
                continue
            if not _send_text(notice, phone) and not email:
                _send_email(notice, fallback=True)
            continue
        try:  # another channel (a gateway of the deployment's own)
            sent = channel.send(user, notice.subject, notice.body, absolute(notice.url))
        except Exception:  # noqa: BLE001
            _log(notice, channel.name, D.FAILED, error="exception")
            logger.error("notice not delivered: channel=%s user=%s", channel.name, notice.user_id)
        else:
            _log(notice, channel.name, D.SENT if sent else D.SKIPPED)


def _deliver_to_resident(notice: Notice, now: datetime.datetime) -> None:
    phone = resident_phone(notice)
    if not phone:
        _log(notice, "sms", D.SKIPPED, error="no_consent")
        return
    held = quiet_until(now)
    if held:
        _log(notice, "sms", D.QUEUED, not_before=held)
        _defer(held)
        return
    _send_text(notice, phone)


def send_queued(*, now: datetime.datetime | None = None) -> int:
    """Send the texts held by quiet hours whose morning has come; returns how many went."""
    now = now or current_time()
    if quiet_until(now):
        return 0
    sent = 0
    due = Delivery.objects.filter(status=D.QUEUED, channel="sms", not_before__lte=now, error="")
    for held in due.select_related("notice__user").order_by("pk"):
        # Claim the row first (it stays in the log as "queued", marked released): two workers
        # never send the same text twice.
        if not Delivery.objects.filter(pk=held.pk, error="").update(error="released"):
            continue
        notice = held.notice
        if notice.user_id is None:
            phone = resident_phone(notice)
            email_wanted = True
        else:
            phone = user_phone(notice.user)
            email_wanted = wanted(notice.user, notice.event)[0]
        if not phone:
            _log(notice, "sms", D.SKIPPED, error="no_phone")
            continue
        if _send_text(notice, phone):
            sent += 1
        elif notice.user_id is not None and not email_wanted:
            _send_email(notice, fallback=True)
    return sent


def _defer(when: datetime.datetime) -> None:
    """Where the task backend can run a task later (django-tasks-db), release the held texts
    then; otherwise `manage.py send_queued_notices` does it on its next run."""
    if default_task_backend.supports_defer:
        transaction.on_commit(lambda: send_queued_task.using(run_after=when).enqueue(), robust=True)


@task()
def deliver_notice(notice_id: int) -> None:
    notice = Notice.objects.select_related("user").filter(pk=notice_id).first()
    if notice is not None:
        deliver(notice)


@task()
def send_queued_task() -> int:
    return send_queued()
