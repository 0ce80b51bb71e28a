"""What suggestions and motions share: their front half (draft, edit, co-sign, submit) as one
code path with parameters, and the helpers of every proposals service.

Each service runs in one transaction and changes state only through congress/kit/workflow.py:
the item's row locked (parent before child), the change checked against the model's
transition map (a translated DomainError otherwise), only changed fields saved, a TimelineEntry
written with an action code and the acting user, and e-mail sent once the transaction has
committed. Permissions are the caller's job (a view, the admin); `by` is recorded, never trusted.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from congress.kit import workflow
from congress.kit.errors import DomainError
from congress.kit.notify import notify_all
from congress.models import Organisation
from congress.notices import events
from deputies.models import Deputy
from proposals.models import Motion, Signature, Suggestion

User = AbstractBaseUser
StrOrPromise = str | Promise
UNCHANGED = object()  # "leave this field as it is" in the update services


def _given(**fields) -> dict:
    """The fields a caller actually passed to an update service (the rest are UNCHANGED)."""
    return {name: value for name, value in fields.items() if value is not UNCHANGED}


S = Suggestion.Status
M = Motion.Status


# -- helpers --------------------------------------------------------------------------------


def _refuse(message: str, code: str = "") -> None:
    raise DomainError(message, code=code)


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


def _mail(
    *,
    subject: str,
    body: str,
    users,
    event: str = events.GENERAL,
    url: str = "",
    params: dict | None = None,
) -> workflow.Notice:
    """A notice for workflow.transition: the recipients are read now; once the step commits
    each gets it in their inbox and by the channels they chose for `event` (congress.kit.notify)."""
    recipients = [u for u in users if u is not None]
    return lambda: notify_all(recipients, subject, body, url=url, event=event, params=params)


def _mail_on_commit(
    *,
    subject: str,
    body: str,
    users,
    event: str = events.GENERAL,
    url: str = "",
    params: dict | None = None,
) -> None:
    """Notify after the transaction commits, so that a rolled-back step tells no one; a mail
    server or an SMS gateway that is down is logged, it does not undo the committed step."""
    workflow.after_commit(
        _mail(subject=subject, body=body, users=users, event=event, url=url, params=params)
    )


def _timeline(item, action: str, by, note: str = "", *, public: bool = True, label: str = ""):
    return workflow.timeline(item, action, by, note, public=public, label=label)


# -- the front half: draft, edit, submit (suggestions and motions alike) ---------------------


@dataclass(frozen=True)
class Front:
    """What differs between a suggestion's and a motion's front half; the steps are shared.

    The messages are lazy translations, rendered in the request's language when a step is
    refused; `required` names the fields (attribute, label) a draft needs before it is filed."""

    no_title: StrOrPromise
    not_a_draft: StrOrPromise
    not_submittable: StrOrPromise
    required: tuple[tuple[str, StrOrPromise], ...]
    to_review: tuple[StrOrPromise, StrOrPromise]  # the staff's mail: subject, body


FRONTS = {
    Suggestion: Front(
        no_title=_lazy("Give the suggestion a title."),
        not_a_draft=_lazy("Only a draft can be changed; this suggestion is “%(status)s”."),
        not_submittable=_lazy("Only a draft can be submitted; this suggestion is “%(status)s”."),
        required=(
            ("title", _lazy("title")),
            ("body", _lazy("text")),
            ("category_id", _lazy("category")),
        ),
        to_review=(
            _lazy("New suggestion to review: %(title)s"),
            _lazy("%(lead)s submitted “%(title)s”. It waits in the review queue."),
        ),
    ),
    Motion: Front(
        no_title=_lazy("Give the motion a title."),
        not_a_draft=_lazy("Only a draft can be changed; this motion is “%(status)s”."),
        not_submittable=_lazy("Only a draft can be submitted; this motion is “%(status)s”."),
        required=(
            ("title", _lazy("title")),
            ("reason", _lazy("reason (案由)")),
            ("grounds", _lazy("grounds (案据)")),
            ("proposal", _lazy("proposed solution (方案)")),
        ),
        to_review=(
            _lazy("New motion to review: %(title)s"),
            _lazy("%(lead)s and %(count)s deputies in all submitted “%(title)s”."),
        ),
    ),
}


def signer_count(item: Suggestion | Motion) -> int:
    """Deputies on the item: the lead plus the co-signers who confirmed."""
    return 1 + item.signatures.filter(status=Signature.Status.CONFIRMED).count()


def front_create(model, *, lead: Deputy, title: str, by: User, check=None, **fields):
    """A new draft by `lead`; `check()` refuses a lead who may not file it."""
    if not title.strip():
        _refuse(str(FRONTS[model].no_title), code="title")
    if check is not None:
        check()
    with transaction.atomic():
        item = model.objects.create(lead=lead, title=title.strip(), **fields)
        _timeline(item, "created", by, public=False)
    return item


def front_update(item, *, by: User, changes: dict, derived=None):
    """Change a draft's fields; `derived(item, changes)` sets and names the fields that follow."""
    front = FRONTS[type(item)]
    if "title" in changes and not changes["title"].strip():
        _refuse(str(front.no_title), code="title")
    with transaction.atomic():
        item = workflow.lock(type(item), item.pk)
        workflow.require(item, "edit", str(front.not_a_draft))
        for name, value in changes.items():
            setattr(item, name, value)
        fields = list(changes) + (derived(item, changes) if derived else [])
        item.save(update_fields=fields)
        _timeline(item, "edited", by, public=False)
    return item


def front_submit(item, *, by: User, checks: Callable[[Any, Any], dict]):
    """File a draft: every required field filled in, then the kind's own `checks` (deadline,
    signers), which return any other fields to set (a number); requests to co-sign nobody
    answered lapse, and the staff are told."""
    model, front = type(item), FRONTS[type(item)]
    with transaction.atomic():
        item = workflow.lock(model, item.pk)
        workflow.check(item, model.Status.SUBMITTED, str(front.not_submittable))
        missing = [
            str(label)
            for name, label in front.required
            if not (value := getattr(item, name)) or (isinstance(value, str) and not value.strip())
        ]
        if missing:
            _refuse(
                _("Fill in the %(fields)s before submitting.") % {"fields": "、".join(missing)},
                code="incomplete",
            )
        now = timezone.now()
        extra = checks(item, now)
        for name, value in extra.items():
            setattr(item, name, value)
        # Requests nobody answered lapse: only confirmed co-signers are on the filed item.
        item.signatures.filter(status=Signature.Status.REQUESTED).delete()
        names = {"title": item.title, "lead": item.lead.name, "count": signer_count(item)}
        subject, body = (str(text) % names for text in front.to_review)
        workflow.transition(
            item,
            model.Status.SUBMITTED,
            by=by,
            action="submitted",
            note=item.code,
            fields=extra,
            now=now,
            notices=[_mail(subject=subject, body=body, users=_staff_users())],
        )
    return item


# -- co-signatures (suggestions and motions alike) ------------------------------------------


def signature_request(*, item: Suggestion | Motion, deputy: Deputy, by: User) -> Signature:
    """Ask `deputy` to co-sign a draft suggestion or a motion still collecting signatures."""
    model = type(item)
    with transaction.atomic():
        item = workflow.lock(model, item.pk)
        workflow.require(
            item,
            "cosign",
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
            event=events.COSIGN_REQUEST,
            url=reverse("proposals:signature", args=[signature.pk]),
            params={"lead": item.lead.name},
        )
    return signature


def _signature_answer(*, signature: Signature, by: User, status: str, action: str) -> Signature:
    with transaction.atomic():
        # Parent before child: the item, then its signature (congress/kit/workflow.py).
        item = signature.item
        item = workflow.lock(type(item), item.pk)
        signature = workflow.lock(Signature, signature.pk)
        if not item.can("cosign"):
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
