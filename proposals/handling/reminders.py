"""Reminders of the handling deadlines (run daily by `manage.py send_reminders`).

For every running clock of every item being handled (proposals/handling/clocks.py): the people who
work against it — the unit's clerks for a unit's deadline, the office's staff for a decision —
are reminded once when it is REMINDER_WORKING_DAYS_BEFORE working days away or nearer, and
once on the first day it is missed. A ReminderSent row per (clock, due date, stage) makes a
second run the same day, or the next day, send nothing new; a moved due date (an extension)
starts over. Sending goes through congress.kit.notify after the row is committed.

`send_rating_reminders` reminds each signer who has not yet rated the reply to their suggestion
RATING_REMINDER_WORKING_DAYS working days after the unit replied, once (a ReminderSent row per
reply and deputy).

`send_promise_reminders` reminds the lead unit's clerks of a class B reply's promised completion
date PROMISE_REMINDER_WORKING_DAYS working days before it, while no solved reply has come: once
per item and promised date (a ReminderSent row), so a new date promised is reminded again.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from congress.kit.notify import notify, notify_all
from congress.kit.rules import rule
from congress.kit.workdays import add_working_days
from congress.notices import events
from proposals import selectors, services
from proposals.handling import clocks
from proposals.models import ReminderSent, Signature, Suggestion

S = Suggestion.Status


def _recipients(clock: clocks.Clock):
    if clock.owner == clocks.UNIT:
        return get_user_model().objects.filter(
            unit_memberships__organisation_id=clock.organisation_id, is_active=True
        )
    return services._staff_users()


def _message(suggestion: Suggestion, clock: clocks.Clock, stage: str) -> tuple[str, str]:
    day = date_format(clock.due, "DATE_FORMAT")
    if stage == "missed":
        subject = _("Deadline missed: %(what)s, %(code)s") % {
            "what": clock.label,
            "code": suggestion.code,
        }
        body = _("The deadline for “%(what)s” on %(code)s “%(title)s” was %(date)s.")
    else:
        subject = _("Reminder: %(what)s due %(date)s, %(code)s") % {
            "what": clock.label,
            "date": day,
            "code": suggestion.code,
        }
        body = _("“%(what)s” on %(code)s “%(title)s” is due on %(date)s.")
    body = body % {
        "what": clock.label,
        "code": suggestion.code,
        "title": suggestion.title,
        "date": day,
    }
    return subject, f"{body}\n{clock.text}"


def _stage(clock: clocks.Clock, before: int) -> str | None:
    if clock.overdue:
        return "missed"
    if clock.days_left <= before:
        return "before"
    return None


def send_reminders(*, today: datetime.date) -> int:
    """Send what is due on `today`; returns the number of reminders sent (not recipients)."""
    before = rule("REMINDER_WORKING_DAYS_BEFORE")
    items = clocks.prefetch_for_clocks(
        Suggestion.objects.filter(status__in=[S.ASSIGNED, S.HANDLING, S.REHANDLING, S.REPLIED])
    ).order_by("pk")
    sent = 0
    for suggestion in items.iterator(chunk_size=200):
        for clock in clocks.item_clocks(suggestion, today=today):
            stage = _stage(clock, before) if clock.remind else None
            if stage is None:
                continue
            key = f"{clock.code}:{clock.row}:{clock.due.isoformat()}:{stage}"
            recipients = list(_recipients(clock))
            subject, body = _message(suggestion, clock, stage)
            try:
                with transaction.atomic():
                    row = ReminderSent.objects.create(key=key)
                    row.recipients = notify_all(
                        recipients,
                        subject,
                        body,
                        url=reverse("admin:proposals_suggestion_change", args=[suggestion.pk]),
                        event=events.DEADLINE_MISSED if stage == "missed" else events.DEADLINE_NEAR,
                        params={
                            "code": suggestion.code,
                            "date": date_format(clock.due, "DATE_FORMAT"),
                        },
                    )
                    row.save(update_fields=["recipients"])
            except IntegrityError:
                continue  # sent before
            sent += 1
    return sent


def send_rating_reminders(*, today: datetime.date) -> int:
    """Remind the signers who have not rated the current reply; returns how many were told."""
    days = rule("RATING_REMINDER_WORKING_DAYS")
    items = (
        Suggestion.objects.filter(status=S.REPLIED)
        .select_related("lead__user")
        .prefetch_related("signatures__deputy__user")
        .order_by("pk")
    )
    sent = 0
    for suggestion in items.iterator(chunk_size=200):
        reply = suggestion.replies.filter(is_followup=False).order_by("-replied_at", "-id").first()
        if reply is None or add_working_days(reply.replied_at, days) > today:
            continue
        rated = set(reply.feedback.values_list("rater_id", flat=True))
        signers = [suggestion.lead] + [
            s.deputy for s in suggestion.signatures.all() if s.status == Signature.Status.CONFIRMED
        ]
        for deputy in signers:
            if deputy.pk in rated or deputy.user_id is None:
                continue
            try:
                with transaction.atomic():
                    ReminderSent.objects.create(key=f"rating:{reply.pk}:{deputy.pk}", recipients=1)
                    notify(
                        deputy.user,
                        _("Please rate the reply to %(code)s") % {"code": suggestion.code},
                        _(
                            "%(unit)s replied to “%(title)s” on %(date)s. Please rate the reply "
                            "in your workspace."
                        )
                        % {
                            "unit": reply.organisation.name,
                            "title": suggestion.title,
                            "date": date_format(reply.replied_at, "DATE_FORMAT"),
                        },
                        url=reverse("suggestions:portal_reply_rate", args=[reply.pk]),
                        event=events.RATING_DUE,
                        params={"code": suggestion.code},
                    )
            except IntegrityError:
                continue  # reminded before
            sent += 1
    return sent


def send_promise_reminders(*, today: datetime.date) -> int:
    """Remind the lead units' clerks of the promised dates coming up; returns how many items.
    Written in the site's language (Chinese), whichever the command runs in."""
    with override(settings.LANGUAGE_CODE):
        return _send_promise_reminders(today)


def _send_promise_reminders(today: datetime.date) -> int:
    horizon = add_working_days(today, rule("PROMISE_REMINDER_WORKING_DAYS"))
    items = (
        selectors.open_promises(Suggestion.objects.all())
        .filter(promised__gte=today, promised__lte=horizon, lead_unit_id__isnull=False)
        .only("id", "code", "title")
        .order_by("promised", "pk")
    )
    sent = 0
    for suggestion in items:
        promised = suggestion.promised
        key = f"promise:{suggestion.pk}:{promised.isoformat()}"
        day = date_format(promised, "DATE_FORMAT")
        clerks = get_user_model().objects.filter(
            unit_memberships__organisation_id=suggestion.lead_unit_id, is_active=True
        )
        try:
            with transaction.atomic():
                row = ReminderSent.objects.create(key=key)
                row.recipients = notify_all(
                    clerks,
                    _("Promised by %(date)s: %(code)s") % {"date": day, "code": suggestion.code},
                    _(
                        "Your unit promised to solve %(code)s “%(title)s” by %(date)s. Report its "
                        "progress, or that it is done, on the item's page."
                    )
                    % {"code": suggestion.code, "title": suggestion.title, "date": day},
                    url=reverse("admin:proposals_suggestion_change", args=[suggestion.pk]),
                    event=events.PROMISE_DUE,
                    params={"code": suggestion.code, "date": day},
                    about=suggestion,
                )
                row.save(update_fields=["recipients"])
        except IntegrityError:
            continue  # reminded before
        sent += 1
    return sent
