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
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from congress.kit.errors import DomainError
from congress.kit.notify import notify_all
from congress.kit.workdays import add_working_days
from congress.models import Category, Meeting, Organisation, Session
from deputies.models import Deputy
from proposals.models import (
    ATTACHMENT_EXTENSIONS,
    Assignment,
    CoHandlerView,
    Decision,
    ExtensionRequest,
    Feedback,
    Motion,
    MotionInspection,
    MotionProgressReport,
    Rating,
    Reply,
    ReturnRequest,
    Signature,
    Suggestion,
    SuggestionAttachment,
    attachment_kind,
    timeline_write,
    validate_attachment,
)
from proposals.numbering import next_motion_number, next_suggestion_number

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


# -- suggestions: drafting ------------------------------------------------------------------


def suggestion_create_draft(
    *,
    lead: Deputy,
    title: str,
    by: User,
    body: str = "",
    category: Category | None = None,
    session: Session | None = None,
    is_public: bool = True,
) -> Suggestion:
    """A new draft by `lead`, at `session` or (None) between sessions."""
    if not title.strip():
        _refuse(_("Give the suggestion a title."), code="title")
    if lead.status != Deputy.Status.SERVING:
        _refuse(_("Only a serving deputy can file a suggestion."), code="deputy")
    with transaction.atomic():
        suggestion = Suggestion.objects.create(
            term_id=session.term_id if session else lead.term_id,
            session=session,
            year=session.start_date.year if session else timezone.localdate().year,
            lead=lead,
            title=title.strip(),
            body=body,
            category=category,
            is_public=is_public,
        )
        _timeline(suggestion, "created", by, public=False)
    return suggestion


def suggestion_update_draft(
    *,
    suggestion: Suggestion,
    by: User,
    title=UNCHANGED,
    body=UNCHANGED,
    category=UNCHANGED,
    session=UNCHANGED,
    is_public=UNCHANGED,
) -> Suggestion:
    """Change a draft's text, category, session or public flag; only drafts can change."""
    changes = _given(
        title=title, body=body, category=category, session=session, is_public=is_public
    )
    if "title" in changes and not changes["title"].strip():
        _refuse(_("Give the suggestion a title."), code="title")
    with transaction.atomic():
        suggestion = _lock(Suggestion, suggestion.pk)
        _check_status(
            suggestion,
            [S.DRAFT],
            _("Only a draft can be changed; this suggestion is “%(status)s”."),
        )
        for name, value in changes.items():
            setattr(suggestion, name, value)
        fields = list(changes)
        if "session" in changes:
            new = changes["session"]
            suggestion.term_id = new.term_id if new else suggestion.lead.term_id
            suggestion.year = new.start_date.year if new else timezone.localdate().year
            fields += ["term", "year"]
        suggestion.save(update_fields=fields)
        _timeline(suggestion, "edited", by, public=False)
    return suggestion


def suggestion_attach(*, suggestion: Suggestion, file, by: User) -> SuggestionAttachment:
    """Attach a PDF, image or Word file to a draft (type checked on content, size limited)."""
    try:
        validate_attachment(file)
    except ValidationError as error:
        _refuse(" ".join(error.messages), code="attachment")
    with transaction.atomic():
        suggestion = _lock(Suggestion, suggestion.pk)
        _check_status(
            suggestion,
            [S.DRAFT],
            _("Files can only be attached to a draft; this suggestion is “%(status)s”."),
        )
        attachment = SuggestionAttachment(
            suggestion=suggestion,
            original_name=getattr(file, "name", "")[:200] or "file",
            size=file.size,
        )
        kind = attachment_kind(file)
        attachment.file.save(f"attachment.{ATTACHMENT_EXTENSIONS[kind]}", file, save=False)
        attachment.save()
        _timeline(suggestion, "attached", by, attachment.original_name, public=False)
    return attachment


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


# -- suggestions: submission and review -----------------------------------------------------


def suggestion_submit(*, suggestion: Suggestion, by: User) -> Suggestion:
    """File a draft: it needs a title, a text and a category, and a session's deadline holds."""
    with transaction.atomic():
        suggestion = _lock(Suggestion, suggestion.pk)
        _check_status(
            suggestion,
            [S.DRAFT],
            _("Only a draft can be submitted; this suggestion is “%(status)s”."),
        )
        missing = [
            label
            for label, value in (
                (_("title"), suggestion.title.strip()),
                (_("text"), suggestion.body.strip()),
                (_("category"), suggestion.category_id),
            )
            if not value
        ]
        if missing:
            _refuse(
                _("Fill in the %(fields)s before submitting.") % {"fields": "、".join(missing)},
                code="incomplete",
            )
        now = timezone.now()
        session = suggestion.session
        if session and session.suggestion_deadline and now > session.suggestion_deadline:
            _refuse(
                _(
                    "The deadline for suggestions to this session was %(deadline)s; file it "
                    "as a between-session suggestion instead."
                )
                % {
                    "deadline": date_format(
                        timezone.localtime(session.suggestion_deadline), "DATETIME_FORMAT"
                    )
                },
                code="deadline",
            )
        suggestion.status, suggestion.submitted_at = S.SUBMITTED, now
        suggestion.save(update_fields=["status", "submitted_at"])
        # Requests nobody answered lapse: only confirmed co-signers are on the filed item.
        suggestion.signatures.filter(status=Signature.Status.REQUESTED).delete()
        _timeline(suggestion, "submitted", by)
        _mail_on_commit(
            subject=_("New suggestion to review: %(title)s") % {"title": suggestion.title},
            body=_("%(lead)s submitted “%(title)s”. It waits in the review queue.")
            % {"lead": suggestion.lead.name, "title": suggestion.title},
            users=_staff_users(),
        )
    return suggestion


def suggestion_withdraw(*, suggestion: Suggestion, by: User, reason: str = "") -> Suggestion:
    """The lead deputy withdraws in writing; handling stops (domain.md §2.1)."""
    with transaction.atomic():
        suggestion = _lock(Suggestion, suggestion.pk)
        _check_status(
            suggestion,
            [S.SUBMITTED, S.REGISTERED, S.ASSIGNED, S.HANDLING],
            _("A suggestion that is “%(status)s” can no longer be withdrawn."),
        )
        suggestion.status, suggestion.withdrawn_at = S.WITHDRAWN, timezone.now()
        suggestion.save(update_fields=["status", "withdrawn_at"])
        units = [a.organisation for a in suggestion.assignments.filter(active=True)]
        suggestion.assignments.filter(active=True).update(active=False)
        _timeline(suggestion, "withdrawn", by, reason)
        for unit in units:
            _mail_on_commit(
                subject=_("Suggestion withdrawn: %(title)s") % {"title": suggestion.title},
                body=_("The deputy withdrew %(code)s “%(title)s”; stop handling it.")
                % {"code": suggestion.code, "title": suggestion.title},
                users=_unit_users(unit),
            )
    return suggestion


def suggestion_register(*, suggestion: Suggestion, by: User) -> Suggestion:
    """Accept a submitted suggestion (立案) and give it its official number."""
    with transaction.atomic():
        suggestion = _lock(Suggestion, suggestion.pk)
        _check_status(
            suggestion,
            [S.SUBMITTED],
            _("Only a submitted suggestion can be registered; this one is “%(status)s”."),
        )
        suggestion.number, suggestion.code = next_suggestion_number(suggestion)
        now = timezone.now()
        suggestion.status, suggestion.registered_at, suggestion.reviewed_at = S.REGISTERED, now, now
        suggestion.save(update_fields=["status", "number", "code", "registered_at", "reviewed_at"])
        _timeline(suggestion, "registered", by, suggestion.code)
        _mail_on_commit(
            subject=_("Suggestion registered as %(code)s") % {"code": suggestion.code},
            body=_("“%(title)s” was registered as %(code)s and will be assigned to a unit.")
            % {"title": suggestion.title, "code": suggestion.code},
            users=_signer_users(suggestion),
        )
    return suggestion


def suggestion_reject(
    *, suggestion: Suggestion, reason: str, by: User, note: str = ""
) -> Suggestion:
    """Do not register (不予立案), for one of the reasons of domain.md §2.1; the deputy is told."""
    if reason not in Suggestion.RejectReason.values:
        _refuse(_("Choose the reason the suggestion is not registered."), code="reason")
    with transaction.atomic():
        suggestion = _lock(Suggestion, suggestion.pk)
        _check_status(
            suggestion,
            [S.SUBMITTED],
            _("Only a submitted suggestion can be refused; this one is “%(status)s”."),
        )
        suggestion.status, suggestion.reviewed_at = S.REJECTED, timezone.now()
        suggestion.reject_reason, suggestion.decision_note = reason, note
        suggestion.save(update_fields=["status", "reviewed_at", "reject_reason", "decision_note"])
        label = Suggestion.RejectReason(reason).label
        _timeline(suggestion, "rejected", by, f"{label}{'：' + note if note else ''}")
        _mail_on_commit(
            subject=_("Suggestion not registered: %(title)s") % {"title": suggestion.title},
            body=_("“%(title)s” was not registered: %(reason)s. %(note)s")
            % {"title": suggestion.title, "reason": label, "note": note},
            users=_signer_users(suggestion),
        )
    return suggestion


def suggestion_merge(
    *, suggestion: Suggestion, into: Suggestion, by: User, note: str = ""
) -> Suggestion:
    """Handle together with a like item (并案): this one follows `into`."""
    if into.pk == suggestion.pk:
        _refuse(_("A suggestion cannot be merged into itself."), code="self")
    with transaction.atomic():
        suggestion = _lock(Suggestion, suggestion.pk)
        into = _lock(Suggestion, into.pk)
        _check_status(
            suggestion,
            [S.SUBMITTED],
            _("Only a submitted suggestion can be merged; this one is “%(status)s”."),
        )
        if into.status not in [S.SUBMITTED, *S.published()] or into.merged_into_id:
            _refuse(_("Merge into a suggestion that is under review or being handled."), "into")
        suggestion.status, suggestion.merged_into = S.MERGED, into
        suggestion.reviewed_at, suggestion.decision_note = timezone.now(), note
        suggestion.save(update_fields=["status", "merged_into", "reviewed_at", "decision_note"])
        _timeline(suggestion, "merged", by, into.code or into.title)
        _timeline(into, "merged_in", by, suggestion.title, public=False)
        _mail_on_commit(
            subject=_("Suggestion merged: %(title)s") % {"title": suggestion.title},
            body=_(
                "“%(title)s” will be handled together with “%(other)s”; you will still get your own reply."
            )
            % {"title": suggestion.title, "other": into.title},
            users=_signer_users(suggestion),
        )
    return suggestion


def suggestion_convert(
    *, suggestion: Suggestion, channel: str, by: User, note: str = ""
) -> Suggestion:
    """Pass a submitted item to another channel (e.g. letters and visits, 信访) instead."""
    if not channel.strip():
        _refuse(_("Say which channel the item goes to."), code="channel")
    with transaction.atomic():
        suggestion = _lock(Suggestion, suggestion.pk)
        _check_status(
            suggestion,
            [S.SUBMITTED],
            _("Only a submitted suggestion can be converted; this one is “%(status)s”."),
        )
        suggestion.status, suggestion.converted_to = S.CONVERTED, channel.strip()
        suggestion.reviewed_at, suggestion.decision_note = timezone.now(), note
        suggestion.save(update_fields=["status", "converted_to", "reviewed_at", "decision_note"])
        _timeline(suggestion, "converted", by, channel)
        _mail_on_commit(
            subject=_("Suggestion passed on: %(title)s") % {"title": suggestion.title},
            body=_("“%(title)s” is handled through another channel: %(channel)s.")
            % {"title": suggestion.title, "channel": channel},
            users=_signer_users(suggestion),
        )
    return suggestion


# -- assignment and the unit's requests -----------------------------------------------------


def reply_due(assigned_on: datetime.date) -> datetime.date:
    """The reply's due date for an item assigned on a day (3 months by default)."""
    return add_months(assigned_on, rule("SUGGESTION_REPLY_MONTHS"))


def _notify_unit(assignment: Assignment, suggestion: Suggestion) -> None:
    _mail_on_commit(
        subject=_("Suggestion assigned to you: %(code)s") % {"code": suggestion.code},
        body=_("%(code)s “%(title)s” was assigned to %(unit)s as %(role)s; reply by %(due)s.")
        % {
            "code": suggestion.code,
            "title": suggestion.title,
            "unit": assignment.organisation.name,
            "role": assignment.get_role_display(),
            "due": date_format(assignment.due_date, "DATE_FORMAT"),
        },
        users=_unit_users(assignment.organisation),
    )


def suggestion_assign(
    *,
    suggestion: Suggestion,
    lead_unit: Organisation,
    by: User,
    co_units: Iterable[Organisation] = (),
    on: datetime.date | None = None,
) -> list[Assignment]:
    """Assign (交办) to a lead unit and any co-handlers; the reply is due 3 months on (a setting)."""
    co_units = [unit for unit in dict.fromkeys(co_units) if unit.pk != lead_unit.pk]
    on = on or timezone.localdate()
    if not lead_unit.active or any(not unit.active for unit in co_units):
        _refuse(_("Assign to active handling units only."), code="inactive")
    with transaction.atomic():
        suggestion = _lock(Suggestion, suggestion.pk)
        _check_status(
            suggestion,
            [S.REGISTERED],
            _("Only a registered suggestion can be assigned; this one is “%(status)s”."),
        )
        due = reply_due(on)
        assignments = Assignment.objects.bulk_create(
            [
                Assignment(
                    suggestion=suggestion,
                    organisation=unit,
                    role=role,
                    assigned_at=on,
                    due_date=due,
                )
                for unit, role in [(lead_unit, Assignment.Role.LEAD)]
                + [(unit, Assignment.Role.CO) for unit in co_units]
            ]
        )
        suggestion.status, suggestion.assigned_at = S.ASSIGNED, timezone.now()
        suggestion.save(update_fields=["status", "assigned_at"])
        names = "、".join([lead_unit.name] + [u.name for u in co_units])
        _timeline(suggestion, "assigned", by, names)
        for assignment in assignments:
            _notify_unit(assignment, suggestion)
    return assignments


def assignment_accept(*, assignment: Assignment, by: User) -> Assignment:
    """The unit signs for its assignment (签收); the lead's signature starts the handling."""
    with transaction.atomic():
        assignment = _lock(Assignment, assignment.pk)
        suggestion = _lock(Suggestion, assignment.suggestion_id)
        if not assignment.active or assignment.accepted_at:
            _refuse(_("This assignment is not waiting to be signed for."), code="state")
        _check_status(
            suggestion,
            [S.ASSIGNED, S.HANDLING],
            _("The suggestion is “%(status)s”; there is nothing to sign for."),
        )
        assignment.accepted_at = timezone.now()
        assignment.save(update_fields=["accepted_at"])
        if assignment.role == Assignment.Role.LEAD and suggestion.status == S.ASSIGNED:
            suggestion.status = S.HANDLING
            suggestion.save(update_fields=["status"])
        _timeline(suggestion, "accepted", by, label=assignment.organisation.name)
    return assignment


def return_deadline(assignment: Assignment) -> datetime.date:
    """The last day a unit may send the item back (7 working days after assignment by default)."""
    return add_working_days(assignment.assigned_at, rule("RETURN_REQUEST_WORKING_DAYS"))


def return_request(
    *,
    assignment: Assignment,
    reason: str,
    by: User,
    proposed_unit: Organisation | None = None,
    on: datetime.date | None = None,
) -> ReturnRequest:
    """A unit asks to send the item back as outside its remit, within the working-day window."""
    if not reason.strip():
        _refuse(_("Give the reason the item is outside your remit."), code="reason")
    on = on or timezone.localdate()
    with transaction.atomic():
        assignment = _lock(Assignment, assignment.pk)
        suggestion = _lock(Suggestion, assignment.suggestion_id)
        _check_status(
            suggestion,
            [S.ASSIGNED, S.HANDLING],
            _("A suggestion that is “%(status)s” cannot be sent back."),
        )
        if not assignment.active:
            _refuse(_("This assignment is no longer active."), code="inactive")
        last = return_deadline(assignment)
        if on > last:
            _refuse(
                _(
                    "An item can be sent back within %(days)s working days of assignment, "
                    "that is until %(last)s; after that the assignment stands."
                )
                % {"days": rule("RETURN_REQUEST_WORKING_DAYS"), "last": last.isoformat()},
                code="too_late",
            )
        if assignment.return_requests.filter(decision=Decision.PENDING).exists():
            _refuse(_("A request to send this item back is waiting already."), code="pending")
        if proposed_unit is not None and proposed_unit.pk == assignment.organisation_id:
            _refuse(_("Propose another unit than your own."), code="same_unit")
        request = ReturnRequest.objects.create(
            assignment=assignment, reason=reason, proposed_unit=proposed_unit, requested_by=by
        )
        _timeline(
            suggestion,
            "return_requested",
            by,
            reason,
            public=False,
            label=assignment.organisation.name,
        )
        _mail_on_commit(
            subject=_("Return requested: %(code)s") % {"code": suggestion.code},
            body=_("%(unit)s asks to send back %(code)s: %(reason)s")
            % {"unit": assignment.organisation.name, "code": suggestion.code, "reason": reason},
            users=_staff_users(),
        )
    return request


def return_decide(
    *,
    request: ReturnRequest,
    approve: bool,
    by: User,
    new_unit: Organisation | None = None,
    note: str = "",
    on: datetime.date | None = None,
) -> ReturnRequest:
    """Approve (the item goes to `new_unit`, by default the proposed one) or refuse a return."""
    on = on or timezone.localdate()
    with transaction.atomic():
        request = ReturnRequest.objects.select_for_update().get(pk=request.pk)
        assignment = _lock(Assignment, request.assignment_id)
        suggestion = _lock(Suggestion, assignment.suggestion_id)
        if request.decision != Decision.PENDING:
            _refuse(_("This request was decided already."), code="decided")
        new_unit = new_unit or request.proposed_unit
        if approve:
            _check_status(
                suggestion,
                [S.ASSIGNED, S.HANDLING],
                _("The suggestion is “%(status)s”; it can no longer be reassigned."),
            )
            if assignment.role == Assignment.Role.LEAD and new_unit is None:
                _refuse(_("Name the unit that takes the item over."), code="new_unit")
            if new_unit is not None and (
                new_unit.pk == assignment.organisation_id
                or suggestion.assignments.filter(active=True, organisation=new_unit).exists()
            ):
                _refuse(_("That unit handles this item already."), code="same_unit")
        request.decision = Decision.APPROVED if approve else Decision.REFUSED
        request.decision_note, request.decided_at, request.decided_by = note, timezone.now(), by
        request.save(update_fields=["decision", "decision_note", "decided_at", "decided_by"])
        if approve:
            assignment.active = False
            assignment.save(update_fields=["active"])
            if new_unit is not None:
                replacement = Assignment.objects.create(
                    suggestion=suggestion,
                    organisation=new_unit,
                    role=assignment.role,
                    assigned_at=on,
                    due_date=reply_due(on),
                )
                _notify_unit(replacement, suggestion)
            if assignment.role == Assignment.Role.LEAD and suggestion.status == S.HANDLING:
                suggestion.status = S.ASSIGNED
                suggestion.save(update_fields=["status"])
            _timeline(
                suggestion,
                "reassigned",
                by,
                f"{assignment.organisation.name} → {new_unit.name if new_unit else '—'}",
            )
        else:
            _timeline(suggestion, "return_refused", by, note, public=False)
        _mail_on_commit(
            subject=_("Your return request for %(code)s: %(decision)s")
            % {"code": suggestion.code, "decision": request.get_decision_display()},
            body=note or request.get_decision_display(),
            users=_unit_users(assignment.organisation),
        )
    return request


def extension_limit(assignment: Assignment) -> datetime.date:
    return add_months(assignment.assigned_at, rule("SUGGESTION_EXTENDED_REPLY_MONTHS"))


def extension_request(
    *, assignment: Assignment, reason: str, new_due_date: datetime.date, by: User
) -> ExtensionRequest:
    """A unit asks for more time, up to 6 months after assignment (a setting)."""
    if not reason.strip():
        _refuse(_("Say why the reply needs more time."), code="reason")
    with transaction.atomic():
        assignment = _lock(Assignment, assignment.pk)
        suggestion = _lock(Suggestion, assignment.suggestion_id)
        _check_status(
            suggestion,
            [S.ASSIGNED, S.HANDLING],
            _("A suggestion that is “%(status)s” cannot get more time."),
        )
        if not assignment.active:
            _refuse(_("This assignment is no longer active."), code="inactive")
        limit = extension_limit(assignment)
        if new_due_date > limit:
            _refuse(
                _(
                    "The reply can be put off to %(limit)s at the latest (%(months)s months after assignment)."
                )
                % {"limit": limit.isoformat(), "months": rule("SUGGESTION_EXTENDED_REPLY_MONTHS")},
                code="too_long",
            )
        if new_due_date <= assignment.due_date:
            _refuse(
                _("Ask for a date after the present due date, %(due)s.")
                % {"due": assignment.due_date.isoformat()},
                code="too_short",
            )
        if assignment.extension_requests.filter(decision=Decision.PENDING).exists():
            _refuse(_("A request for more time is waiting already."), code="pending")
        request = ExtensionRequest.objects.create(
            assignment=assignment, reason=reason, requested_due_date=new_due_date, requested_by=by
        )
        _timeline(
            suggestion,
            "extension_requested",
            by,
            reason,
            public=False,
            label=assignment.organisation.name,
        )
        _mail_on_commit(
            subject=_("Extension requested: %(code)s") % {"code": suggestion.code},
            body=_("%(unit)s asks to reply to %(code)s by %(date)s: %(reason)s")
            % {
                "unit": assignment.organisation.name,
                "code": suggestion.code,
                "date": new_due_date.isoformat(),
                "reason": reason,
            },
            users=_staff_users(),
        )
    return request


def extension_decide(
    *, request: ExtensionRequest, approve: bool, by: User, note: str = ""
) -> ExtensionRequest:
    """Approve (the due date moves) or refuse a request for more time."""
    with transaction.atomic():
        request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
        assignment = _lock(Assignment, request.assignment_id)
        suggestion = _lock(Suggestion, assignment.suggestion_id)
        if request.decision != Decision.PENDING:
            _refuse(_("This request was decided already."), code="decided")
        if approve:
            _check_status(
                suggestion,
                [S.ASSIGNED, S.HANDLING],
                _("The suggestion is “%(status)s”; its due date can no longer change."),
            )
        request.decision = Decision.APPROVED if approve else Decision.REFUSED
        request.decision_note, request.decided_at, request.decided_by = note, timezone.now(), by
        request.save(update_fields=["decision", "decision_note", "decided_at", "decided_by"])
        if approve:
            assignment.due_date = request.requested_due_date
            assignment.save(update_fields=["due_date"])
        _timeline(
            suggestion,
            "extension_approved" if approve else "extension_refused",
            by,
            request.requested_due_date.isoformat() if approve else note,
            public=approve,
        )
        _mail_on_commit(
            subject=_("Your extension request for %(code)s: %(decision)s")
            % {"code": suggestion.code, "decision": request.get_decision_display()},
            body=note or request.get_decision_display(),
            users=_unit_users(assignment.organisation),
        )
    return request


# -- replies, feedback, closing -------------------------------------------------------------


def reply_record(
    *,
    suggestion: Suggestion,
    organisation: Organisation,
    reply_class: str,
    text: str,
    by: User,
    letter_number: str = "",
    file=None,
    replied_on: datetime.date | None = None,
    followup: bool = False,
) -> Reply:
    """The lead unit's reply (答复); every signer is e-mailed and asked to rate it.

    `followup=True` records a further reply on a B/C item that stays under tracking; an A
    follow-up ends the tracking.
    """
    classes = [code for code, _label in rule("REPLY_CLASSES")]
    if reply_class not in classes:
        _refuse(
            _("Choose the reply's class: %(classes)s.") % {"classes": "/".join(classes)}, "class"
        )
    if not text.strip():
        _refuse(_("Write the reply's text."), code="text")
    if file:
        try:
            validate_attachment(file)
        except ValidationError as error:
            _refuse(" ".join(error.messages), code="attachment")
    replied_on = replied_on or timezone.localdate()
    with transaction.atomic():
        suggestion = _lock(Suggestion, suggestion.pk)
        if followup:
            if not suggestion.tracking or suggestion.status not in (S.REPLIED, S.CLOSED):
                _refuse(
                    _("Follow-up replies are for answered items still under tracking."), "state"
                )
        else:
            _check_status(
                suggestion,
                [S.ASSIGNED, S.HANDLING, S.REHANDLING],
                _("A suggestion that is “%(status)s” is not waiting for a reply."),
            )
        if not suggestion.assignments.filter(
            active=True, role=Assignment.Role.LEAD, organisation=organisation
        ).exists():
            _refuse(_("Only the lead unit replies to the deputy."), code="not_lead")
        if not followup:
            _refuse_without_cohandler_views(suggestion)
        reply = Reply(
            suggestion=suggestion,
            organisation=organisation,
            reply_class=reply_class,
            letter_number=letter_number,
            text=text,
            replied_at=replied_on,
            is_followup=followup,
            recorded_by=by,
        )
        if file:
            reply.file_name = getattr(file, "name", "") or "reply.pdf"
            kind = attachment_kind(file)
            reply.file.save(f"reply.{ATTACHMENT_EXTENSIONS[kind]}", file, save=False)
        reply.save()
        tracked = reply_class in rule("TRACKED_REPLY_CLASSES", ["B", "C"])
        fields = ["tracking"]
        suggestion.tracking = tracked
        if not followup:
            suggestion.status, suggestion.replied_at = S.REPLIED, timezone.now()
            fields += ["status", "replied_at"]
        suggestion.save(update_fields=fields)
        _timeline(
            suggestion,
            "followup_replied" if followup else "replied",
            by,
            f"{reply_class} {letter_number}".strip(),
            label=organisation.name,
        )
        _mail_on_commit(
            subject=_("Reply to your suggestion %(code)s") % {"code": suggestion.code},
            body=_(
                "%(unit)s replied to “%(title)s” (class %(class)s). Please read it and rate it in the deputy portal."
            )
            % {"unit": organisation.name, "title": suggestion.title, "class": reply_class},
            users=_signer_users(suggestion),
        )
    return reply


def reply_publish(*, reply: Reply, by: User) -> Reply:
    """Publish a reply on the public pages (the item itself must be public)."""
    with transaction.atomic():
        reply = Reply.objects.select_for_update().get(pk=reply.pk)
        suggestion = _lock(Suggestion, reply.suggestion_id)
        if reply.published_at:
            _refuse(_("This reply is published already."), code="published")
        if not suggestion.is_public or suggestion.status not in S.published():
            _refuse(_("The suggestion is not public, so neither is its reply."), code="private")
        if not reply.is_followup:
            _refuse_without_cohandler_views(suggestion)
        reply.published_at = timezone.now()
        reply.save(update_fields=["published_at"])
        _timeline(suggestion, "reply_published", by)
    return reply


def _current_reply(suggestion: Suggestion) -> Reply | None:
    return suggestion.replies.filter(is_followup=False).order_by("-replied_at", "-id").first()


def feedback_give(
    *,
    reply: Reply,
    rater: Deputy,
    process_rating: str,
    result_rating: str,
    by: User,
    comment: str = "",
) -> Feedback:
    """One signer rates the reply. Once every signer has: all (basically) satisfied → closed;
    anyone unsatisfied → the office is e-mailed to decide on re-handling."""
    if process_rating not in Rating.values or result_rating not in Rating.values:
        _refuse(_("Rate both the handling and the result."), code="rating")
    if Rating.UNSATISFIED in (process_rating, result_rating) and not comment.strip():
        _refuse(_("Say why you are not satisfied."), code="comment")
    with transaction.atomic():
        suggestion = _lock(Suggestion, reply.suggestion_id)
        _check_status(
            suggestion,
            [S.REPLIED],
            _("A suggestion that is “%(status)s” is not waiting for feedback."),
        )
        current = _current_reply(suggestion)
        if current is None or current.pk != reply.pk:
            _refuse(_("Rate the latest reply."), code="old_reply")
        signers = suggestion.signers()
        if rater.pk not in {d.pk for d in signers}:
            _refuse(_("Only the deputies who signed the suggestion rate its reply."), "not_signer")
        if Feedback.objects.filter(reply=reply, rater=rater).exists():
            _refuse(_("%(deputy)s has rated this reply already.") % {"deputy": rater.name}, "again")
        feedback = Feedback.objects.create(
            reply=reply,
            suggestion=suggestion,
            rater=rater,
            process_rating=process_rating,
            result_rating=result_rating,
            comment=comment.strip(),
        )
        _timeline(suggestion, "feedback", by, rater.name, public=False)
        given = list(Feedback.objects.filter(reply=reply))
        if feedback.unsatisfied and not any(f.unsatisfied for f in given if f.pk != feedback.pk):
            # The first 不满意 on this reply: the office is told at once and the item waits in
            # the admin's "unsatisfied, waiting for a decision" filter.
            _timeline(suggestion, "unsatisfied", by, public=False)
            notify_all(
                _staff_users(),
                _("Deputy unsatisfied with the reply to %(code)s") % {"code": suggestion.code},
                _(
                    "%(deputy)s is not satisfied with the reply to “%(title)s”: %(comment)s\n"
                    "Decide whether it is handled again or closed with reasons, by %(by)s."
                )
                % {
                    "deputy": rater.name,
                    "title": suggestion.title,
                    "comment": feedback.comment,
                    "by": _date_label(office_decision_due(feedback.given_at)),
                },
                url=reverse("admin:proposals_suggestion_change", args=[suggestion.pk]),
            )
        if len(given) >= len(signers):
            if not any(f.unsatisfied for f in given):
                suggestion.status, suggestion.closed_at = S.CLOSED, timezone.now()
                suggestion.save(update_fields=["status", "closed_at"])
                _timeline(suggestion, "closed", by)
    return feedback


def suggestion_rehandle(*, suggestion: Suggestion, by: User, note: str = "") -> Suggestion:
    """Send a reply the deputies rejected back to the lead unit (重办), due 1 month on."""
    with transaction.atomic():
        suggestion = _lock(Suggestion, suggestion.pk)
        _check_status(
            suggestion,
            [S.REPLIED],
            _("Only a replied suggestion can be handled again; this one is “%(status)s”."),
        )
        lead = (
            suggestion.assignments.select_for_update()
            .filter(active=True, role=Assignment.Role.LEAD)
            .select_related("organisation")
            .first()
        )
        if lead is None:
            _refuse(_("The suggestion has no lead unit to handle it again."), code="no_lead")
        today = timezone.localdate()
        lead.due_date = max(add_months(today, rule("REHANDLE_MONTHS")), lead.assigned_at)
        lead.save(update_fields=["due_date"])
        suggestion.status = S.REHANDLING
        suggestion.rehandle_count += 1
        suggestion.save(update_fields=["status", "rehandle_count"])
        _timeline(suggestion, "rehandling", by, note)
        _mail_on_commit(
            subject=_("Handle %(code)s again") % {"code": suggestion.code},
            body=_(
                "The deputies are not satisfied with the reply to “%(title)s”. Reply again by %(due)s. %(note)s"
            )
            % {"title": suggestion.title, "due": lead.due_date.isoformat(), "note": note},
            users=_unit_users(lead.organisation),
        )
        _tell_signers_the_decision(
            suggestion,
            _(
                "The office sent “%(title)s” back to %(unit)s to be handled again; "
                "a new reply is due by %(due)s."
            )
            % {
                "title": suggestion.title,
                "unit": lead.organisation.name,
                "due": _date_label(lead.due_date),
            },
            note,
        )
    return suggestion


def suggestion_close(*, suggestion: Suggestion, by: User, note: str = "") -> Suggestion:
    """Close a replied item by the office's decision (e.g. the deputy accepts the explanation).

    Closing over a deputy's 不满意 needs the reasons, which the signers are sent.
    """
    with transaction.atomic():
        suggestion = _lock(Suggestion, suggestion.pk)
        _check_status(
            suggestion,
            [S.REPLIED],
            _("Only a replied suggestion can be closed; this one is “%(status)s”."),
        )
        unsatisfied = unsatisfied_feedback(suggestion) is not None
        if unsatisfied and not note.strip():
            _refuse(
                _("A deputy is not satisfied: give the reasons for closing the item anyway."),
                code="reason",
            )
        suggestion.status, suggestion.closed_at = S.CLOSED, timezone.now()
        suggestion.save(update_fields=["status", "closed_at"])
        _timeline(suggestion, "closed", by, note.strip())
        if unsatisfied:
            _tell_signers_the_decision(
                suggestion,
                _("The office closed “%(title)s” without handling it again, for these reasons:")
                % {"title": suggestion.title},
                note.strip(),
            )
    return suggestion


def suggestion_decide_unsatisfied(
    *, suggestion: Suggestion, rehandle: bool, by: User, reason: str = ""
) -> Suggestion:
    """The office's decision on a 不满意: handle it again (1 month) or close it with reasons."""
    if unsatisfied_feedback(suggestion) is None:
        _refuse(_("No deputy is waiting for a decision on this item."), code="not_unsatisfied")
    if rehandle:
        return suggestion_rehandle(suggestion=suggestion, by=by, note=reason)
    return suggestion_close(suggestion=suggestion, by=by, note=reason)


def unsatisfied_feedback(suggestion: Suggestion) -> Feedback | None:
    """The first 不满意 on the current reply of a replied item still waiting for the office."""
    if suggestion.status != S.REPLIED:
        return None
    current = _current_reply(suggestion)
    if current is None:
        return None
    return (
        current.feedback.filter(
            Q(process_rating=Rating.UNSATISFIED) | Q(result_rating=Rating.UNSATISFIED)
        )
        .order_by("given_at", "pk")
        .first()
    )


def office_decision_due(given_at) -> datetime.date:
    """The day the office should have decided on what reached it at `given_at` (a 不满意, a
    unit's request)."""
    return add_working_days(timezone.localdate(given_at), rule("OFFICE_DECISION_WORKING_DAYS", 5))


def _date_label(day: datetime.date) -> str:
    """A date as Chinese pages write it (2022年6月18日), in the active language's format."""
    return date_format(day, "DATE_FORMAT")


def _tell_signers_the_decision(suggestion: Suggestion, message: str, note: str) -> None:
    notify_all(
        _signer_users(suggestion),
        _("The office's decision on your suggestion %(code)s") % {"code": suggestion.code},
        f"{message}\n{note}".strip(),
        url=reverse("portal_suggestion", args=[suggestion.pk]),
    )


# -- co-handlers' views ---------------------------------------------------------------------


def cohandler_view_due(assignment: Assignment) -> datetime.date:
    """A co-handler's view is due 1 month after its assignment (a setting)."""
    return add_months(assignment.assigned_at, rule("CO_HANDLER_VIEWS_MONTHS"))


def missing_cohandler_views(suggestion: Suggestion) -> list[Assignment]:
    """Active co-handling assignments whose unit has not sent its view yet."""
    return list(
        suggestion.assignments.filter(
            active=True, role=Assignment.Role.CO, cohandler_view__isnull=True
        ).select_related("organisation")
    )


def _refuse_without_cohandler_views(suggestion: Suggestion) -> None:
    if not rule("REPLY_NEEDS_CO_HANDLER_VIEWS", True):
        return
    missing = missing_cohandler_views(suggestion)
    if missing:
        _refuse(
            _("Waiting for the co-handling units' views: %(units)s.")
            % {"units": "、".join(a.organisation.name for a in missing)},
            code="cohandler_views",
        )


def _is_unit_member(user, organisation_id: int) -> bool:
    from proposals.models import UnitMembership

    return UnitMembership.objects.filter(user=user, organisation_id=organisation_id).exists()


def cohandler_view_submit(*, assignment: Assignment, text: str, by: User) -> CoHandlerView:
    """A co-handling unit sends its written view (协办意见) to the lead unit and the office.

    Only a clerk of that unit (or the office on its behalf) sends it; once per assignment.
    """
    if not text.strip():
        _refuse(_("Write the unit's view."), code="text")
    with transaction.atomic():
        assignment = _lock(Assignment, assignment.pk)
        suggestion = _lock(Suggestion, assignment.suggestion_id)
        office = by.is_superuser or by.has_perm("proposals.handle_suggestion")
        if not office and not _is_unit_member(by, assignment.organisation_id):
            _refuse(_("Only a clerk of the co-handling unit sends its view."), code="not_member")
        if assignment.role != Assignment.Role.CO or not assignment.active:
            _refuse(_("Only an active co-handling unit sends a view."), code="not_co")
        _check_status(
            suggestion,
            [S.ASSIGNED, S.HANDLING, S.REHANDLING],
            _("A suggestion that is “%(status)s” is not waiting for co-handlers' views."),
        )
        if CoHandlerView.objects.filter(assignment=assignment).exists():
            _refuse(_("This unit has sent its view already."), code="again")
        view = CoHandlerView.objects.create(
            assignment=assignment, suggestion=suggestion, text=text.strip(), submitted_by=by
        )
        _timeline(
            suggestion,
            "cohandler_view",
            by,
            public=False,
            label=assignment.organisation.name,
        )
        lead = suggestion.assignments.filter(active=True, role=Assignment.Role.LEAD).first()
        notify_all(
            list(_unit_users(lead.organisation)) if lead else [],
            _("Co-handler's view on %(code)s") % {"code": suggestion.code},
            _("%(unit)s sent its view on “%(title)s”:\n%(text)s")
            % {
                "unit": assignment.organisation.name,
                "title": suggestion.title,
                "text": view.text,
            },
            url=reverse("admin:proposals_suggestion_change", args=[suggestion.pk]),
        )
    return view


# -- flags ----------------------------------------------------------------------------------

_FLAGGABLE = [S.REGISTERED, S.ASSIGNED, S.HANDLING, S.REPLIED, S.REHANDLING, S.CLOSED]


def suggestion_flag_key(
    *,
    suggestion: Suggestion,
    by: User,
    leader: str = "",
    leader_user=None,
    on: bool = True,
) -> Suggestion:
    """Mark (or unmark) as a key supervised suggestion (重点督办), led by a named leader."""
    if on and not leader.strip():
        _refuse(_("Name the leader who supervises the item."), code="leader")
    with transaction.atomic():
        suggestion = _lock(Suggestion, suggestion.pk)
        _check_status(
            suggestion,
            _FLAGGABLE,
            _("Only a registered suggestion can be supervised; this one is “%(status)s”."),
        )
        if suggestion.key_supervision == on and (not on or suggestion.key_leader == leader.strip()):
            _refuse(_("Nothing to change."), code="unchanged")
        suggestion.key_supervision = on
        suggestion.key_leader = leader.strip() if on else ""
        suggestion.key_leader_user = leader_user if on else None
        suggestion.save(update_fields=["key_supervision", "key_leader", "key_leader_user"])
        _timeline(suggestion, "key_flagged" if on else "key_unflagged", by, suggestion.key_leader)
    return suggestion


def suggestion_flag_look_back(
    *, suggestion: Suggestion, by: User, on: bool = True, note: str = ""
) -> Suggestion:
    """Mark (or unmark) for the look-back review (回头看) of unsolved or unsatisfying items."""
    with transaction.atomic():
        suggestion = _lock(Suggestion, suggestion.pk)
        _check_status(
            suggestion,
            _FLAGGABLE,
            _("Only a registered suggestion can be looked back on; this one is “%(status)s”."),
        )
        if suggestion.look_back == on:
            _refuse(_("Nothing to change."), code="unchanged")
        suggestion.look_back = on
        suggestion.save(update_fields=["look_back"])
        _timeline(suggestion, "look_back_flagged" if on else "look_back_unflagged", by, note)
    return suggestion


def suggestion_set_public(*, suggestion: Suggestion, is_public: bool, by: User) -> Suggestion:
    """Show or hide a suggestion (and its replies) on the public pages."""
    with transaction.atomic():
        suggestion = _lock(Suggestion, suggestion.pk)
        if suggestion.is_public == is_public:
            _refuse(_("Nothing to change."), code="unchanged")
        suggestion.is_public = is_public
        suggestion.save(update_fields=["is_public"])
        _timeline(suggestion, "made_public" if is_public else "made_private", by, public=False)
    return suggestion


# -- motions --------------------------------------------------------------------------------


def motion_create_draft(
    *,
    lead: Deputy,
    session: Session,
    title: str,
    by: User,
    reason: str = "",
    grounds: str = "",
    proposal: str = "",
    is_public: bool = True,
) -> Motion:
    """A motion being drafted; it collects co-signatures before it can be submitted."""
    if not title.strip():
        _refuse(_("Give the motion a title."), code="title")
    if lead.status != Deputy.Status.SERVING or lead.term_id != session.term_id:
        _refuse(_("Only a serving deputy of the session's term can file a motion."), "deputy")
    with transaction.atomic():
        motion = Motion.objects.create(
            term_id=session.term_id,
            session=session,
            lead=lead,
            title=title.strip(),
            reason=reason,
            grounds=grounds,
            proposal=proposal,
            is_public=is_public,
        )
        _timeline(motion, "created", by, public=False)
    return motion


def motion_update_draft(
    *,
    motion: Motion,
    by: User,
    title=UNCHANGED,
    reason=UNCHANGED,
    grounds=UNCHANGED,
    proposal=UNCHANGED,
    is_public=UNCHANGED,
) -> Motion:
    changes = _given(
        title=title, reason=reason, grounds=grounds, proposal=proposal, is_public=is_public
    )
    with transaction.atomic():
        motion = _lock(Motion, motion.pk)
        _check_status(
            motion, [M.DRAFT], _("Only a draft can be changed; this motion is “%(status)s”.")
        )
        for name, value in changes.items():
            setattr(motion, name, value)
        motion.save(update_fields=list(changes))
        _timeline(motion, "edited", by, public=False)
    return motion


def motion_signer_count(motion: Motion) -> int:
    """Deputies on the motion: the lead plus the co-signers who confirmed."""
    return 1 + motion.signatures.filter(status=Signature.Status.CONFIRMED).count()


def motion_submit(*, motion: Motion, by: User) -> Motion:
    """File a motion before the session's deadline, with enough joint signers.

    domain.md §3: at county level and above a motion needs "10 or more deputies jointly"; the lead
    deputy is one of them (Pinghu's 扩中提低 motion is "沈永良等23位代表": 23 in all), so the
    lead counts towards CONGRESS_RULES["MOTION_MIN_SIGNERS"].
    """
    with transaction.atomic():
        motion = _lock(Motion, motion.pk)
        _check_status(
            motion, [M.DRAFT], _("Only a draft can be submitted; this motion is “%(status)s”.")
        )
        missing = [
            label
            for label, value in (
                (_("title"), motion.title.strip()),
                (_("reason (案由)"), motion.reason.strip()),
                (_("grounds (案据)"), motion.grounds.strip()),
                (_("proposed solution (方案)"), motion.proposal.strip()),
            )
            if not value
        ]
        if missing:
            _refuse(
                _("Fill in the %(fields)s before submitting.") % {"fields": "、".join(missing)},
                code="incomplete",
            )
        needed, count = rule("MOTION_MIN_SIGNERS"), motion_signer_count(motion)
        if count < needed:
            _refuse(
                _(
                    "A motion needs at least %(needed)s deputies jointly, the lead included; "
                    "%(count)s have signed."
                )
                % {"needed": needed, "count": count},
                code="signers",
            )
        now = timezone.now()
        deadline = motion.session.motion_deadline
        if deadline and now > deadline:
            _refuse(
                _(
                    "The deadline for motions was %(deadline)s; a late motion can be filed as a "
                    "suggestion."
                )
                % {"deadline": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")},
                code="deadline",
            )
        motion.number, motion.code = next_motion_number(motion)
        motion.status, motion.submitted_at = M.SUBMITTED, now
        motion.save(update_fields=["status", "submitted_at", "number", "code"])
        motion.signatures.filter(status=Signature.Status.REQUESTED).delete()
        _timeline(motion, "submitted", by, motion.code)
        _mail_on_commit(
            subject=_("New motion to review: %(title)s") % {"title": motion.title},
            body=_("%(lead)s and %(count)s deputies in all submitted “%(title)s”.")
            % {"lead": motion.lead.name, "count": count, "title": motion.title},
            users=_staff_users(),
        )
    return motion


def _motion_review(*, motion: Motion, by: User, outcome: str, status: str, note: str) -> Motion:
    motion.status, motion.review_outcome = status, outcome
    motion.review_note, motion.reviewed_at = note, timezone.now()
    motion.save(update_fields=["status", "review_outcome", "review_note", "reviewed_at"])
    _timeline(motion, outcome, by, note)
    _mail_on_commit(
        subject=_("Your motion “%(title)s”: %(outcome)s")
        % {"title": motion.title, "outcome": motion.get_review_outcome_display()},
        body=note or motion.get_review_outcome_display(),
        users=_signer_users(motion),
    )
    return motion


def motion_list(*, motion: Motion, by: User, note: str = "") -> Motion:
    """The presidium lists the motion as a congress motion (列为大会议案)."""
    with transaction.atomic():
        motion = _lock(Motion, motion.pk)
        _check_status(
            motion,
            [M.SUBMITTED],
            _("Only a submitted motion can be listed; this one is “%(status)s”."),
        )
        return _motion_review(
            motion=motion, by=by, outcome=Motion.Outcome.LISTED, status=M.LISTED, note=note
        )


def motion_not_list(*, motion: Motion, by: User, note: str = "") -> Motion:
    """The presidium does not list the motion; it may then be converted into a suggestion."""
    with transaction.atomic():
        motion = _lock(Motion, motion.pk)
        _check_status(
            motion,
            [M.SUBMITTED],
            _("Only a submitted motion can be reviewed; this one is “%(status)s”."),
        )
        return _motion_review(
            motion=motion, by=by, outcome=Motion.Outcome.NOT_LISTED, status=M.NOT_LISTED, note=note
        )


def motion_convert_to_suggestion(*, motion: Motion, by: User, note: str = "") -> Suggestion:
    """Handle the motion as a suggestion: a submitted suggestion with the same signers."""
    with transaction.atomic():
        motion = _lock(Motion, motion.pk)
        _check_status(
            motion,
            [M.SUBMITTED, M.NOT_LISTED],
            _(
                "Only a submitted or unlisted motion can become a suggestion; this one is “%(status)s”."
            ),
        )
        now = timezone.now()
        body = "\n\n".join(
            part
            for part in (
                motion.reason and f"{_('reason (案由)')}\n{motion.reason}",
                motion.grounds and f"{_('grounds (案据)')}\n{motion.grounds}",
                motion.proposal and f"{_('proposed solution (方案)')}\n{motion.proposal}",
            )
            if part
        )
        suggestion = Suggestion.objects.create(
            term_id=motion.term_id,
            session=motion.session,
            year=motion.session.start_date.year,
            lead=motion.lead,
            title=motion.title,
            body=body,
            is_public=motion.is_public,
            status=S.SUBMITTED,
            submitted_at=now,
            from_motion=motion,
        )
        Signature.objects.bulk_create(
            [
                Signature(
                    suggestion=suggestion,
                    deputy_id=s.deputy_id,
                    status=Signature.Status.CONFIRMED,
                    requested_at=s.requested_at,
                    responded_at=s.responded_at,
                )
                for s in motion.signatures.filter(status=Signature.Status.CONFIRMED)
            ]
        )
        if motion.review_outcome != Motion.Outcome.NOT_LISTED:
            motion.review_note, motion.reviewed_at = note, now
        motion.status, motion.review_outcome = M.CONVERTED, Motion.Outcome.CONVERTED
        motion.save(update_fields=["status", "review_outcome", "review_note", "reviewed_at"])
        _timeline(motion, "converted", by, note)
        _timeline(suggestion, "converted_from_motion", by, motion.code)
        _mail_on_commit(
            subject=_("Your motion “%(title)s” is handled as a suggestion")
            % {"title": motion.title},
            body=note or _("It keeps every signer and goes to review as a suggestion."),
            users=_signer_users(motion),
        )
    return suggestion


def motion_withdraw(*, motion: Motion, by: User, note: str = "") -> Motion:
    """The proposers withdraw the motion before it is decided."""
    with transaction.atomic():
        motion = _lock(Motion, motion.pk)
        _check_status(
            motion,
            [M.DRAFT, M.SUBMITTED],
            _("A motion that is “%(status)s” can no longer be withdrawn."),
        )
        reviewed = motion.status == M.SUBMITTED
        motion.status, motion.withdrawn_at = M.WITHDRAWN, timezone.now()
        fields = ["status", "withdrawn_at"]
        if reviewed:
            motion.review_outcome = Motion.Outcome.WITHDRAWN
            fields.append("review_outcome")
        motion.save(update_fields=fields)
        _timeline(motion, "withdrawn", by, note, public=reviewed)
    return motion


def motion_record_resolution(
    *,
    motion: Motion,
    text: str,
    adopted_on: datetime.date,
    by: User,
    meeting: Meeting | None = None,
) -> Motion:
    """The standing committee's resolution (决议) on how a listed motion is carried out."""
    if not text.strip():
        _refuse(_("Write the resolution's text."), code="text")
    with transaction.atomic():
        motion = _lock(Motion, motion.pk)
        _check_status(
            motion,
            [M.LISTED],
            _("A resolution is recorded on a listed motion; this one is “%(status)s”."),
        )
        motion.resolution_text, motion.resolution_date = text, adopted_on
        motion.resolution_meeting, motion.status = meeting, M.RESOLVED
        motion.save(
            update_fields=["resolution_text", "resolution_date", "resolution_meeting", "status"]
        )
        _timeline(motion, "resolution", by, adopted_on.isoformat())
    return motion


def motion_record_progress(
    *,
    motion: Motion,
    on: datetime.date,
    text: str,
    by: User,
    organisation: Organisation | None = None,
) -> MotionProgressReport:
    """A progress report from the unit carrying out a listed motion."""
    with transaction.atomic():
        motion = _lock(Motion, motion.pk)
        _check_status(
            motion,
            [M.LISTED, M.RESOLVED],
            _("Progress is reported on a listed motion; this one is “%(status)s”."),
        )
        report = MotionProgressReport.objects.create(
            motion=motion, organisation=organisation, date=on, text=text, recorded_by=by
        )
        _timeline(motion, "progress", by, label=organisation.name if organisation else "")
    return report


def motion_record_inspection(
    *, motion: Motion, on: datetime.date, title: str, by: User, note: str = ""
) -> MotionInspection:
    """An inspection of how the resolution is carried out (决议落实督查)."""
    if not title.strip():
        _refuse(_("Give the inspection a title."), code="title")
    with transaction.atomic():
        motion = _lock(Motion, motion.pk)
        _check_status(
            motion,
            [M.RESOLVED],
            _("Inspections follow a resolution; this motion is “%(status)s”."),
        )
        inspection = MotionInspection.objects.create(
            motion=motion, date=on, title=title, note=note, recorded_by=by
        )
        _timeline(motion, "inspection", by, title)
    return inspection


def motion_close(*, motion: Motion, by: User, note: str = "") -> Motion:
    """Close a motion whose resolution has been carried out."""
    with transaction.atomic():
        motion = _lock(Motion, motion.pk)
        _check_status(
            motion,
            [M.RESOLVED],
            _("Only a motion with a resolution can be closed; this one is “%(status)s”."),
        )
        motion.status, motion.closed_at = M.CLOSED, timezone.now()
        motion.save(update_fields=["status", "closed_at"])
        _timeline(motion, "closed", by, note)
    return motion
