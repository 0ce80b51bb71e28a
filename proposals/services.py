"""Every state change of suggestions and motions: one function per workflow transition.

Each service runs in one transaction, locks the item's row, checks its state (raising DomainError
with a translated sentence), saves only the fields it changed, writes a TimelineEntry with an
action code and the acting user, and sends e-mail only once the transaction has committed.
Permissions are the caller's job (a view, the admin); `by` is recorded, never trusted.
"""

import calendar
import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.kit.errors import DomainError
from congress.models import Organisation
from deputies.models import Deputy
from proposals.models import (
    Motion,
    Signature,
    Suggestion,
    timeline_write,
)

User = AbstractBaseUser
UNCHANGED = object()  # "leave this field as it is" in the update services


def _given(**fields) -> dict:
    """The fields a caller actually passed to an update service (the rest are UNCHANGED)."""
    return {name: value for name, value in fields.items() if value is not UNCHANGED}


S = Suggestion.Status
M = Motion.Status


# -- helpers --------------------------------------------------------------------------------


def rule(key: str, default=None):
    """A procedural rule from CONGRESS_RULES (settings.py), with a default for newer keys."""
    if default is None:
        return settings.CONGRESS_RULES[key]
    return settings.CONGRESS_RULES.get(key, default)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _lock(model, pk):
    return model.objects.select_for_update().get(pk=pk)


def _refuse(message: str, code: str = "") -> None:
    raise DomainError(message, code=code)


def _check_status(item, allowed: Iterable[str], message: str) -> None:
    if item.status not in allowed:
        _refuse(message % {"status": item.get_status_display()}, code="state")


def _emails(users) -> list[str]:
    return sorted({u.email for u in users if u is not None and u.is_active and u.email})


def _signer_users(item) -> list:
    signers = [item.lead] + [
        s.deputy
        for s in item.signatures.select_related("deputy__user")
        if s.status == Signature.Status.CONFIRMED
    ]
    return [d.user for d in signers if d.user_id]


def _staff_users():
    """Committee staff who follow suggestions: superusers and holders of handle_suggestion."""
    perm = Q(user_permissions__codename="handle_suggestion") | Q(
        groups__permissions__codename="handle_suggestion"
    )
    return get_user_model().objects.filter(Q(is_superuser=True) | perm, is_active=True).distinct()


def _unit_users(organisation: Organisation):
    return get_user_model().objects.filter(unit_memberships__organisation=organisation)


def _mail_on_commit(*, subject: str, body: str, users) -> None:
    """Send after the transaction commits, so that a rolled-back step mails no one."""
    recipients = _emails(users)
    if not recipients:
        return
    # robust: a mail server that is down is logged, it does not undo the committed step.
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients), robust=True)


def _timeline(item, action: str, by, note: str = "", *, public: bool = True, label: str = ""):
    return timeline_write(
        item=item, action=action, actor=by, actor_label=label, note=note, public=public
    )


# -- co-signatures (suggestions and motions alike) ------------------------------------------


def signature_request(*, item: Suggestion | Motion, deputy: Deputy, by: User) -> Signature:
    """Ask `deputy` to co-sign a draft suggestion or a motion still collecting signatures."""
    model = type(item)
    with transaction.atomic():
        item = _lock(model, item.pk)
        _check_status(
            item,
            [S.DRAFT] if model is Suggestion else [M.DRAFT],
            _("Co-signers can only be asked before the item is submitted; it is “%(status)s”."),
        )
        if deputy.pk == item.lead_id:
            _refuse(_("The lead deputy signs already; ask another deputy."), code="lead")
        if deputy.status != Deputy.Status.SERVING or deputy.term_id != item.term_id:
            _refuse(_("Only a serving deputy of the same term can co-sign."), code="deputy")
        key = {"suggestion": item} if model is Suggestion else {"motion": item}
        signature = Signature.objects.select_for_update().filter(deputy=deputy, **key).first()
        if signature is None:
            signature = Signature.objects.create(deputy=deputy, **key)
        elif signature.status == Signature.Status.DECLINED:
            signature.status, signature.responded_at = Signature.Status.REQUESTED, None
            signature.requested_at = timezone.now()
            signature.save(update_fields=["status", "responded_at", "requested_at"])
        else:
            _refuse(_("%(deputy)s has been asked already.") % {"deputy": deputy.name}, "again")
        _timeline(item, "signature_requested", by, deputy.name, public=False)
        _mail_on_commit(
            subject=_("Please co-sign: %(title)s") % {"title": item.title},
            body=_("%(lead)s asks you to co-sign “%(title)s”. Open the deputy portal to answer.")
            % {"lead": item.lead.name, "title": item.title},
            users=[deputy.user],
        )
    return signature


def _signature_answer(*, signature: Signature, by: User, status: str, action: str) -> Signature:
    with transaction.atomic():
        signature = Signature.objects.select_for_update().get(pk=signature.pk)
        item = signature.item
        item = _lock(type(item), item.pk)
        if item.status != "draft":
            _refuse(
                _("The item was submitted already; co-signatures can no longer change."),
                code="state",
            )
        if signature.status != Signature.Status.REQUESTED:
            _refuse(
                _("This request was answered already (%(status)s).")
                % {"status": signature.get_status_display()},
                code="answered",
            )
        signature.status, signature.responded_at = status, timezone.now()
        signature.save(update_fields=["status", "responded_at"])
        _timeline(item, action, by, signature.deputy.name, public=False)
        _mail_on_commit(
            subject=_("%(deputy)s answered your request to co-sign")
            % {"deputy": signature.deputy.name},
            body=_("%(deputy)s %(answer)s “%(title)s”.")
            % {
                "deputy": signature.deputy.name,
                "answer": signature.get_status_display(),
                "title": item.title,
            },
            users=[item.lead.user],
        )
    return signature


def signature_confirm(*, signature: Signature, by: User) -> Signature:
    """The asked deputy agrees to co-sign (附议)."""
    return _signature_answer(
        signature=signature, by=by, status=Signature.Status.CONFIRMED, action="signature_confirmed"
    )


def signature_decline(*, signature: Signature, by: User) -> Signature:
    """The asked deputy declines to co-sign."""
    return _signature_answer(
        signature=signature, by=by, status=Signature.Status.DECLINED, action="signature_declined"
    )
