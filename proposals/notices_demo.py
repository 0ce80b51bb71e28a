"""Demo data: what the deputies and the units' clerks were told during the 2022 story (issue 16).

The proposals step writes the year's rows directly, so no service ever called `notify()` and
every inbox would stay empty. This step writes, for the year's suggestions, the inbox rows
(Notice) and the delivery log (Delivery) the notification layer would have left, dated to the
story:

- a co-sign request to each co-signer when the lead asked (a few early in the morning: the text
  held by the quiet hours and sent at 08:00);
- the item assigned, to the clerks of each handling unit that has a login (18 March 2022 for the
  session's items; this step gives the two units the scorecard fails a clerk's login);
- a contact to confirm, to the lead deputy, each time the lead unit recorded one;
- the reply published, to every signer;
- a promised date coming up, to the lead unit's clerks, when the unit had not reported the
  class B item done ten working days before it;
- a rating reminder to the signers who had not rated ten working days after the reply (written
  at 07:30 by the daily run: the texts held until 08:00).

No decision on a 不满意: the year's suggestions were all rated 满意, as the seed says. The lead of
the year's first published reply chose to hear of replies by text only (and gave an e-mail
address, the only demo deputy with one); that text failed three times at the provider and went
by e-mail instead — all four attempts in the log. Notices older
than December 2022 are read (a few are not); texts carry the code and date, never a phone.

The subjects and texts are the services' own (their msgids, rendered in Chinese). Deterministic
and idempotent: rows are matched on (recipient, event, item, moment) and (notice, channel,
attempt, fallback, status) by congress.demo.base.sync_rows.
"""

import datetime
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from congress.demo.base import at, sync_rows
from congress.kit.rules import rule
from congress.kit.workdays import add_working_days, add_working_days_each
from congress.models import Organisation, UnitMembership
from congress.notices import events
from congress.notices.delivery import quiet_until
from congress.notices.models import Delivery, Notice, NoticePreference
from proposals.models import Assignment, Contact, Feedback, Reply, Signature, Suggestion

D = datetime.date
YEAR = 2022
UNREAD_FROM = at(D(2022, 12, 1), 0)  # the notices of the last weeks are not read yet
FAILED_TEXT_CODE = "isv.BUSINESS_LIMIT_CONTROL"  # the provider's answer to the failed text
E = events
DS = Delivery.Status


def _day(day) -> str:
    return date_format(day, "DATE_FORMAT")


class _Inbox:
    """The notices and deliveries being built, by natural key."""

    def __init__(self, users: dict, phones: dict[int, bool], sms_only: dict[int, set[str]]):
        self.users = users  # pk -> User
        self.phones = phones  # user pk -> has a number for texts
        self.sms_only = sms_only  # user pk -> events they want by text only
        self.notices: dict[tuple, dict] = {}

    def add(self, user_id, event, moment, subject, body, url, params, about, read_at=None):
        if user_id is None or user_id not in self.users:
            return
        key = (user_id, event, about[1], moment)
        if read_at is None and moment < UNREAD_FROM and (about[1] + user_id) % 13:
            read_at = moment + datetime.timedelta(hours=2 + (about[1] + user_id) % 30)
        self.notices[key] = {
            "user_id": user_id,
            "event": event,
            "subject": str(subject)[:300],
            "body": str(body),
            "url": url,
            "params": {k: str(v) for k, v in params.items()},
            "content_type_id": about[0],
            "object_id": about[1],
            "created_at": moment,
            "read_at": read_at,
        }

    def deliveries(self, notice: Notice, first_failed: set[int]) -> list[dict]:
        """The log the layer would have written for `notice` (congress/notices/delivery.py)."""
        event = events.event(notice.event)
        user = self.users[notice.user_id]
        text_only = notice.event in self.sms_only.get(user.pk, set())
        email, text = (False, True) if text_only else (event.email, event.sms and event.texted)
        rows = []

        def log(channel, status, moment, attempt=1, **fields):
            rows.append(
                {
                    "notice_id": notice.pk,
                    "channel": channel,
                    "status": status,
                    "attempt": attempt,
                    "fallback": fields.pop("fallback", False),
                    "not_before": fields.pop("not_before", None),
                    "provider_id": fields.pop("provider_id", ""),
                    "error": fields.pop("error", ""),
                    "created_at": moment,
                }
            )

        sent = notice.created_at + datetime.timedelta(seconds=5)
        if email:
            if user.email:
                log("email", DS.SENT, sent)
            else:
                log("email", DS.SKIPPED, sent, error="no_address")
        if not text:
            return rows
        if not self.phones.get(user.pk):
            log("sms", DS.SKIPPED, sent, error="no_phone")
            if not email:
                log("email", DS.SKIPPED, sent, fallback=True, error="no_address")
            return rows
        provider_id = f"{notice.created_at:%Y%m%d}{notice.pk:08d}"
        held = quiet_until(notice.created_at)
        if held:
            log("sms", DS.QUEUED, sent, not_before=held, error="released")
            sent = held + datetime.timedelta(minutes=1)
        if notice.pk in first_failed:
            for attempt in range(1, rule("SMS_TRIES") + 1):
                log("sms", DS.FAILED, sent, attempt=attempt, error=FAILED_TEXT_CODE)
            if user.email:
                log("email", DS.SENT, sent, fallback=True)
            else:
                log("email", DS.SKIPPED, sent, fallback=True, error="no_address")
            return rows
        log("sms", DS.SENT, sent, provider_id=provider_id)
        return rows


# The two units the year's scorecard fails get a clerk's login here (the budget step gives the
# others theirs), so their inboxes tell the story: reminded of the promise, and still late.
CLERKS = {
    "市教育局": ("jiaoyu", "教育局经办人"),
    "市综合行政执法局": ("zhifa", "综合行政执法局经办人"),
}


def _unit_clerks() -> None:
    User = get_user_model()
    password = User.objects.filter(username="admin").values_list("password", flat=True).first()
    units = {o.name: o for o in Organisation.objects.filter(name__in=CLERKS)}
    for name, (username, full_name) in CLERKS.items():
        if name not in units:
            continue
        user, _created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": full_name, "is_staff": True, "password": password or "!"},
        )
        UnitMembership.objects.get_or_create(user=user, organisation=units[name])


def _clerks_by_unit() -> dict[int, list[int]]:
    clerks: dict[int, list[int]] = {}
    for unit_id, user_id in UnitMembership.objects.filter(user__is_active=True).values_list(
        "organisation_id", "user_id"
    ):
        clerks.setdefault(unit_id, []).append(user_id)
    return clerks


def _each(ids: Iterable[int]) -> list[int]:
    return sorted(set(ids))


def _reminder_day(promised: datetime.date) -> datetime.date:
    """The first day the daily run (send_reminders) found `promised` within
    PROMISE_REMINDER_WORKING_DAYS working days."""
    days = rule("PROMISE_REMINDER_WORKING_DAYS")
    candidates = [promised - datetime.timedelta(days=n) for n in range(3 * days, -1, -1)]
    reached = add_working_days_each(candidates, days)
    return next(day for day, end in zip(candidates, reached, strict=True) if end >= promised)


def _promise_reminders(inbox, items, replies, clerks, type_id) -> None:
    """The lead unit's clerks reminded of a class B reply's promised date, when the unit had
    not reported the item done by then."""
    ids = [item.pk for item in items]
    solved = rule("SOLVED_REPLY_CLASSES")
    done: dict[int | None, datetime.date] = {}
    for suggestion_id, day in (
        Reply.objects.filter(suggestion_id__in=ids, reply_class__in=solved)
        .order_by("replied_at")
        .values_list("suggestion_id", "replied_at")
    ):
        done.setdefault(suggestion_id, day)
    for item in items:
        reply = replies.get(item.pk)
        if reply is None or reply.promised_by is None:
            continue
        if reply.reply_class not in rule("PROMISED_DATE_REPLY_CLASSES"):
            continue
        reminded_on = _reminder_day(reply.promised_by)
        finished = done.get(item.pk)
        if finished is not None and finished <= reminded_on:
            continue
        label = _day(reply.promised_by)
        for user_id in _each(clerks.get(reply.organisation_id, [])):
            inbox.add(
                user_id,
                E.PROMISE_DUE,
                at(reminded_on, 7, 0),  # the daily run, before the office opens
                _("Promised by %(date)s: %(code)s") % {"date": label, "code": item.code},
                _(
                    "Your unit promised to solve %(code)s “%(title)s” by %(date)s. Report its "
                    "progress, or that it is done, on the item's page."
                )
                % {"code": item.code, "title": item.title, "date": label},
                reverse("admin:proposals_suggestion_change", args=[item.pk]),
                {"code": item.code, "date": label},
                (type_id, item.pk),
            )


def load(*, stdout=None) -> None:
    with override("zh-hans"):
        _load(stdout)


def _load(stdout) -> None:
    items = list(
        Suggestion.objects.filter(year=YEAR)
        .select_related("lead__user")
        .prefetch_related("signatures__deputy")
        .order_by("pk")
    )
    if not items:
        return
    _unit_clerks()
    ids = [item.pk for item in items]
    suggestion_type = ContentType.objects.get_for_model(Suggestion)
    clerks = _clerks_by_unit()
    deputies = {}
    for item in items:
        deputies[item.lead_id] = item.lead
        for signature in item.signatures.all():
            deputies[signature.deputy_id] = signature.deputy
    user_ids = {d.user_id for d in deputies.values() if d.user_id} | {
        u for units in clerks.values() for u in units
    }
    users = get_user_model().objects.in_bulk(user_ids)
    phones = {d.user_id: bool(d.phone) for d in deputies.values() if d.user_id}

    # One deputy chose to hear of replies by text only: the first reply of the year whose
    # lead did so is the text that failed and went by e-mail instead.
    first_reply = (
        Reply.objects.filter(suggestion_id__in=ids, is_followup=False, published_at__isnull=False)
        .select_related("suggestion__lead")
        .order_by("published_at", "pk")
        .first()
    )
    sms_only: dict[int, set[str]] = {}
    first_item = first_reply.suggestion if first_reply is not None else None
    lead_user = first_item.lead.user_id if first_item is not None else None
    if lead_user is not None and lead_user in phones:
        phones[lead_user] = True
        # …and gave an address for mail, which the failed text falls back to.
        user = users[lead_user]
        if not user.email:
            user.email = f"{user.username}@example.cn"
            user.save(update_fields=["email"])
        sms_only[lead_user] = {E.REPLY_PUBLISHED}
        sync_rows(
            NoticePreference.objects.filter(user_id=lead_user),
            ["user_id", "event"],
            [{"user_id": lead_user, "event": E.REPLY_PUBLISHED, "email": False, "sms": True}],
        )
    inbox = _Inbox(users, phones, sms_only)

    assignments: dict[int | None, list[Assignment]] = {}
    for a in Assignment.objects.filter(suggestion_id__in=ids, active=True).select_related(
        "organisation"
    ):
        assignments.setdefault(a.suggestion_id, []).append(a)
    replies: dict[int | None, Reply] = {
        r.suggestion_id: r
        for r in Reply.objects.filter(suggestion_id__in=ids, is_followup=False).select_related(
            "organisation"
        )
    }
    rated: dict[tuple[int, int], datetime.datetime] = {
        (f.reply_id, f.rater_id): f.given_at for f in Feedback.objects.filter(suggestion_id__in=ids)
    }
    contacts: dict[int, list[Contact]] = {}
    for c in Contact.objects.filter(suggestion_id__in=ids).select_related(
        "assignment__organisation"
    ):
        contacts.setdefault(c.suggestion_id, []).append(c)
    rating_days = rule("RATING_REMINDER_WORKING_DAYS")

    for item in items:
        about = (suggestion_type.pk, item.pk)
        code = item.code
        detail = reverse("suggestions:portal_detail", args=[item.pk])
        cosigners = [s for s in item.signatures.all() if s.status == Signature.Status.CONFIRMED]
        for signature in cosigners:
            inbox.add(
                signature.deputy.user_id,
                E.COSIGN_REQUEST,
                signature.requested_at,
                _("Please co-sign: %(title)s") % {"title": item.title},
                _("%(lead)s asks you to co-sign “%(title)s”. Open the deputy portal to answer.")
                % {"lead": item.lead.name, "title": item.title},
                reverse("proposals:signature", args=[signature.pk]),
                {"lead": item.lead.name},
                about,
                read_at=signature.responded_at,
            )
        for assignment in assignments.get(item.pk, []):
            due = _day(assignment.due_date)
            for user_id in _each(clerks.get(assignment.organisation_id, [])):
                inbox.add(
                    user_id,
                    E.ITEM_ASSIGNED,
                    at(assignment.assigned_at, 9, 30),
                    _("Suggestion assigned to you: %(code)s") % {"code": code},
                    _(
                        "%(code)s “%(title)s” was assigned to %(unit)s as %(role)s; reply by %(due)s."
                    )
                    % {
                        "code": code,
                        "title": item.title,
                        "unit": assignment.organisation.name,
                        "role": assignment.get_role_display(),
                        "due": due,
                    },
                    reverse("admin:proposals_suggestion_change", args=[item.pk]),
                    {"code": code, "due": due},
                    about,
                    read_at=assignment.accepted_at,
                )
        for contact in contacts.get(item.pk, []):
            inbox.add(
                item.lead.user_id,
                E.CONTACT_TO_CONFIRM,
                contact.recorded_at,
                _("Please confirm a contact on your suggestion %(code)s") % {"code": code},
                _(
                    "%(unit)s recorded a contact with you on “%(title)s”: %(day)s, %(way)s. "
                    "Confirm it, or say that it did not take place, in your workspace."
                )
                % {
                    "unit": contact.assignment.organisation.name,
                    "title": item.title,
                    "day": _day(contact.contact_on),
                    "way": contact.get_way_display(),
                },
                detail,
                {"code": code},
                about,
                read_at=contact.answered_at,
            )
        reply = replies.get(item.pk)
        if reply is None or reply.published_at is None:
            continue
        rate = reverse("suggestions:portal_reply_rate", args=[reply.pk])
        for deputy in [item.lead, *(s.deputy for s in cosigners)]:
            given = rated.get((reply.pk, deputy.pk))
            inbox.add(
                deputy.user_id,
                E.REPLY_PUBLISHED,
                reply.published_at,
                _("Reply to your suggestion %(code)s") % {"code": code},
                _(
                    "%(unit)s replied to “%(title)s” (class %(class)s). Please read it and rate it in the deputy portal."
                )
                % {
                    "unit": reply.organisation.name,
                    "title": item.title,
                    "class": reply.reply_class,
                },
                rate,
                {"code": code},
                about,
            )
            reminded_on = add_working_days(reply.replied_at, rating_days)
            if given is not None and reminded_on < given.date():
                inbox.add(
                    deputy.user_id,
                    E.RATING_DUE,
                    at(reminded_on, 7, 30),  # the daily run, before the morning: texts held
                    _("Please rate the reply to %(code)s") % {"code": code},
                    _(
                        "%(unit)s replied to “%(title)s” on %(date)s. Please rate the reply "
                        "in your workspace."
                    )
                    % {
                        "unit": reply.organisation.name,
                        "title": item.title,
                        "date": _day(reply.replied_at),
                    },
                    rate,
                    {"code": code},
                    about,
                    read_at=given - datetime.timedelta(minutes=10),
                )

    _promise_reminders(inbox, items, replies, clerks, suggestion_type.pk)

    notices = sync_rows(
        Notice.objects.filter(content_type_id=suggestion_type.pk, object_id__in=ids),
        ["user_id", "event", "object_id", "created_at"],
        list(inbox.notices.values()),
    )
    failed = {
        n.pk
        for n in notices
        if first_reply is not None
        and n.event == E.REPLY_PUBLISHED
        and n.object_id == first_reply.suggestion_id
        and n.user_id in sms_only
    }
    log = [row for n in notices for row in inbox.deliveries(n, failed)]
    sync_rows(
        Delivery.objects.filter(notice_id__in=[n.pk for n in notices]),
        ["notice_id", "channel", "attempt", "fallback", "status"],
        log,
    )
    if stdout is not None:
        stdout.write(f"  notices: {len(notices)} in the inboxes, {len(log)} deliveries logged")
