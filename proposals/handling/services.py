"""The handling units' side of a suggestion, and the only code that writes it: assignment, signing
for, returns, extensions, replies, the deputy's feedback, rehandling and closing, co-handlers' views.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from congress.kit import pagecache, workflow
from congress.kit.notify import notify_all
from congress.kit.rules import rule
from congress.kit.uploads import ATTACHMENT_EXTENSIONS, attachment_kind, validate_attachment
from congress.kit.workdays import add_months, add_working_days
from congress.models import Organisation, UnitMembership
from congress.notices import events
from deputies.models import Deputy
from proposals.access import is_office
from proposals.models import (
    Assignment,
    CarryOver,
    CoHandlerView,
    Contact,
    Decision,
    ExtensionRequest,
    Feedback,
    ProgressReport,
    Rating,
    Reply,
    ReturnRequest,
    Suggestion,
)
from proposals.services import (
    S,
    User,
    _mail,
    _mail_on_commit,
    _refuse,
    _signer_users,
    _staff_users,
    _timeline,
    _unit_users,
)

# -- assignment and the unit's requests -----------------------------------------------------


def _lock_assignment(pk) -> tuple[Suggestion, Assignment]:
    """An assignment and its suggestion, locked parent first (congress/kit/workflow.py): the
    suggestion's id is read unlocked — an assignment never moves to another item."""
    suggestion_id = Assignment.objects.values_list("suggestion_id", flat=True).get(pk=pk)
    return workflow.lock(Suggestion, suggestion_id), workflow.lock(Assignment, pk)


def reply_due(assigned_on: datetime.date) -> datetime.date:
    """The reply's due date for an item assigned on a day (3 months by default)."""
    return add_months(assigned_on, rule("SUGGESTION_REPLY_MONTHS"))


def _unit_notice(assignment: Assignment, suggestion: Suggestion) -> workflow.Notice:
    return _mail(
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
        event=events.ITEM_ASSIGNED,
        url=reverse("admin:proposals_suggestion_change", args=[suggestion.pk]),
        params={"code": suggestion.code, "due": date_format(assignment.due_date, "DATE_FORMAT")},
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
        suggestion = workflow.lock(Suggestion, suggestion.pk)
        message = _("Only a registered suggestion can be assigned; this one is “%(status)s”.")
        workflow.check(suggestion, S.ASSIGNED, message)
        # The map also lets a handled item go back to "assigned" (a return, return_decide).
        workflow.require(suggestion, "assign", message)
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
        pagecache.touched_rows(assignments)  # bulk_create() sends no signals
        workflow.transition(
            suggestion,
            S.ASSIGNED,
            by=by,
            action="assigned",
            note="、".join([lead_unit.name] + [u.name for u in co_units]),
            notices=[_unit_notice(assignment, suggestion) for assignment in assignments],
        )
    return assignments


def assignment_accept(*, assignment: Assignment, by: User) -> Assignment:
    """The unit signs for its assignment (签收); the lead's signature starts the handling."""
    with transaction.atomic():
        suggestion, assignment = _lock_assignment(assignment.pk)
        if not assignment.active or assignment.accepted_at:
            _refuse(_("This assignment is not waiting to be signed for."), code="state")
        workflow.require(
            suggestion,
            "sign_for",
            _("The suggestion is “%(status)s”; there is nothing to sign for."),
        )
        assignment.accepted_at = timezone.now()
        assignment.save(update_fields=["accepted_at"])
        label = assignment.organisation.name
        if assignment.role == Assignment.Role.LEAD and suggestion.status == S.ASSIGNED:
            workflow.transition(suggestion, S.HANDLING, by=by, action="accepted", label=label)
        else:  # a co-handler, or the lead once more after a return: the state stays
            _timeline(suggestion, "accepted", by, label=label)
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
        suggestion, assignment = _lock_assignment(assignment.pk)
        workflow.require(
            suggestion,
            "unit_request",
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
        suggestion, assignment = _lock_assignment(request.assignment_id)
        request = workflow.lock(ReturnRequest, request.pk)
        if request.decision != Decision.PENDING:
            _refuse(_("This request was decided already."), code="decided")
        new_unit = new_unit or request.proposed_unit
        if approve:
            workflow.require(
                suggestion,
                "unit_request",
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
                workflow.after_commit(_unit_notice(replacement, suggestion))
            note = f"{assignment.organisation.name} → {new_unit.name if new_unit else '—'}"
            if assignment.role == Assignment.Role.LEAD and suggestion.status == S.HANDLING:
                # The new lead unit signs for it again; the first assignment's date stays.
                workflow.transition(
                    suggestion, S.ASSIGNED, by=by, action="reassigned", note=note, stamp=False
                )
            else:
                _timeline(suggestion, "reassigned", by, note)
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
        suggestion, assignment = _lock_assignment(assignment.pk)
        workflow.require(
            suggestion,
            "unit_request",
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
        suggestion, assignment = _lock_assignment(request.assignment_id)
        request = workflow.lock(ExtensionRequest, request.pk)
        if request.decision != Decision.PENDING:
            _refuse(_("This request was decided already."), code="decided")
        if approve:
            workflow.require(
                suggestion,
                "unit_request",
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
    promised_by: datetime.date | None = None,
    reasons: str = "",
) -> Reply:
    """The lead unit's reply (答复); every signer is e-mailed and asked to rate it.

    `followup=True` records a further reply on a B/C item that stays under tracking; an A
    follow-up ends the tracking (the item is reported done). A first reply of class B promises
    a completion date (`promised_by`), one of class C gives its `reasons`; with the rule
    "REPLY_NEEDS_CONFIRMED_CONTACT" on, a first reply waits for a contact the deputy confirmed.
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
    reasons = reasons.strip()
    if not followup and reply_class in rule("PROMISED_DATE_REPLY_CLASSES"):
        if promised_by is None:
            _refuse(
                _("A class %(class)s reply promises the date the matter will be done.")
                % {"class": reply_class},
                code="promised_by",
            )
        if promised_by < replied_on:
            _refuse(_("The promised completion date cannot be before the reply."), "promised_by")
    if not followup and reply_class in rule("REASONED_REPLY_CLASSES") and not reasons:
        _refuse(
            _("A class %(class)s reply gives the reasons the matter cannot be solved now.")
            % {"class": reply_class},
            code="reasons",
        )
    with transaction.atomic():
        suggestion = workflow.lock(Suggestion, suggestion.pk)
        message = _("A suggestion that is “%(status)s” is not waiting for a reply.")
        if followup:
            if not suggestion.tracking or not suggestion.can("followup_reply"):
                _refuse(
                    _("Follow-up replies are for answered items still under tracking."), "state"
                )
        else:
            workflow.check(suggestion, S.REPLIED, message)
        if not suggestion.assignments.filter(
            active=True, role=Assignment.Role.LEAD, organisation=organisation
        ).exists():
            _refuse(_("Only the lead unit replies to the deputy."), code="not_lead")
        if not followup:
            _refuse_without_cohandler_views(suggestion)
            _refuse_without_confirmed_contact(suggestion, organisation)
        reply = Reply(
            suggestion=suggestion,
            organisation=organisation,
            reply_class=reply_class,
            letter_number=letter_number,
            text=text,
            replied_at=replied_on,
            is_followup=followup,
            recorded_by=by,
            promised_by=promised_by,
            reasons=reasons,
        )
        if file:
            reply.file_name = getattr(file, "name", "") or "reply.pdf"
            kind = attachment_kind(file)
            reply.file.save(f"reply.{ATTACHMENT_EXTENSIONS[kind]}", file, save=False)
        reply.save()
        if reply_class in rule("SOLVED_REPLY_CLASSES"):
            _close_carry_overs(suggestion, replied_on)
        suggestion.tracking = reply_class in rule("TRACKED_REPLY_CLASSES")
        note = f"{reply_class} {letter_number}".strip()
        notice = _mail(
            subject=_("Reply to your suggestion %(code)s") % {"code": suggestion.code},
            body=_(
                "%(unit)s replied to “%(title)s” (class %(class)s). Please read it and rate it in the deputy portal."
            )
            % {"unit": organisation.name, "title": suggestion.title, "class": reply_class},
            users=_signer_users(suggestion),
            event=events.REPLY_PUBLISHED,
            url=reverse("suggestions:portal_reply_rate", args=[reply.pk]),
            params={"code": suggestion.code},
        )
        if followup:  # the state stays: replied, or closed and still tracked
            suggestion.save(update_fields=["tracking"])
            _timeline(suggestion, "followup_replied", by, note, label=organisation.name)
            workflow.after_commit(notice)
        else:
            workflow.transition(
                suggestion,
                S.REPLIED,
                by=by,
                action="replied",
                note=note,
                label=organisation.name,
                fields=["tracking"],
                notices=[notice],
            )
    return reply


def reply_publish(*, reply: Reply, by: User) -> Reply:
    """Publish a reply on the public pages (the item itself must be public)."""
    with transaction.atomic():
        suggestion = workflow.lock(Suggestion, reply.suggestion_id)
        reply = workflow.lock(Reply, reply.pk)
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
        suggestion = workflow.lock(Suggestion, reply.suggestion_id)
        workflow.require(
            suggestion,
            "feedback",
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
                workflow.transition(suggestion, S.CLOSED, by=by, action="closed")
    return feedback


def suggestion_rehandle(*, suggestion: Suggestion, by: User, note: str = "") -> Suggestion:
    """Send a reply the deputies rejected back to the lead unit (重办), due 1 month on."""
    with transaction.atomic():
        suggestion = workflow.lock(Suggestion, suggestion.pk)
        message = _("Only a replied suggestion can be handled again; this one is “%(status)s”.")
        workflow.check(suggestion, S.REHANDLING, message)
        # Parent before child: the suggestion is locked, now its lead assignment.
        lead_pk = (
            suggestion.assignments.filter(active=True, role=Assignment.Role.LEAD)
            .values_list("pk", flat=True)
            .first()
        )
        if lead_pk is None:
            _refuse(_("The suggestion has no lead unit to handle it again."), code="no_lead")
        lead = workflow.lock(Assignment, lead_pk)
        today = timezone.localdate()
        lead.due_date = max(add_months(today, rule("REHANDLE_MONTHS")), lead.assigned_at)
        lead.save(update_fields=["due_date"])
        suggestion.rehandle_count += 1
        workflow.transition(
            suggestion,
            S.REHANDLING,
            by=by,
            action="rehandling",
            note=note,
            fields=["rehandle_count"],
            notices=[
                _mail(
                    subject=_("Handle %(code)s again") % {"code": suggestion.code},
                    body=_(
                        "The deputies are not satisfied with the reply to “%(title)s”. Reply again by %(due)s. %(note)s"
                    )
                    % {"title": suggestion.title, "due": lead.due_date.isoformat(), "note": note},
                    users=_unit_users(lead.organisation),
                    event=events.UNSATISFIED_DECISION,
                    url=reverse("admin:proposals_suggestion_change", args=[suggestion.pk]),
                    params={"code": suggestion.code},
                )
            ],
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
        suggestion = workflow.lock(Suggestion, suggestion.pk)
        message = _("Only a replied suggestion can be closed; this one is “%(status)s”.")
        workflow.check(suggestion, S.CLOSED, message)
        unsatisfied = unsatisfied_feedback(suggestion) is not None
        if unsatisfied and not note.strip():
            _refuse(
                _("A deputy is not satisfied: give the reasons for closing the item anyway."),
                code="reason",
            )
        workflow.transition(suggestion, S.CLOSED, by=by, action="closed", note=note.strip())
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
    return add_working_days(timezone.localdate(given_at), rule("OFFICE_DECISION_WORKING_DAYS"))


def _date_label(day: datetime.date) -> str:
    """A date as Chinese pages write it (2022年6月18日), in the active language's format."""
    return date_format(day, "DATE_FORMAT")


def _tell_signers_the_decision(suggestion: Suggestion, message: str, note: str) -> None:
    notify_all(
        _signer_users(suggestion),
        _("The office's decision on your suggestion %(code)s") % {"code": suggestion.code},
        f"{message}\n{note}".strip(),
        url=reverse("suggestions:portal_detail", args=[suggestion.pk]),
        event=events.UNSATISFIED_DECISION,
        params={"code": suggestion.code},
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
    if not rule("REPLY_NEEDS_CO_HANDLER_VIEWS"):
        return
    missing = missing_cohandler_views(suggestion)
    if missing:
        _refuse(
            _("Waiting for the co-handling units' views: %(units)s.")
            % {"units": "、".join(a.organisation.name for a in missing)},
            code="cohandler_views",
        )


def _is_unit_member(user, organisation_id: int) -> bool:
    return UnitMembership.objects.filter(user=user, organisation_id=organisation_id).exists()


def cohandler_view_submit(*, assignment: Assignment, text: str, by: User) -> CoHandlerView:
    """A co-handling unit sends its written view (协办意见) to the lead unit and the office.

    Only a clerk of that unit (or the office on its behalf) sends it; once per assignment.
    """
    if not text.strip():
        _refuse(_("Write the unit's view."), code="text")
    with transaction.atomic():
        suggestion, assignment = _lock_assignment(assignment.pk)
        office = is_office(by)
        if not office and not _is_unit_member(by, assignment.organisation_id):
            _refuse(_("Only a clerk of the co-handling unit sends its view."), code="not_member")
        if assignment.role != Assignment.Role.CO or not assignment.active:
            _refuse(_("Only an active co-handling unit sends a view."), code="not_co")
        workflow.require(
            suggestion,
            "cohandler_view",
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


# -- the contact log (面商) ---------------------------------------------------------------------


def has_confirmed_contact(suggestion: Suggestion, organisation: Organisation) -> bool:
    return Contact.objects.filter(
        suggestion=suggestion,
        assignment__organisation=organisation,
        status=Contact.Status.CONFIRMED,
    ).exists()


def _refuse_without_confirmed_contact(suggestion: Suggestion, organisation: Organisation) -> None:
    if rule("REPLY_NEEDS_CONFIRMED_CONTACT") and not has_confirmed_contact(
        suggestion, organisation
    ):
        _refuse(
            _(
                "The reply waits for a contact with the lead deputy (面商) that the deputy has "
                "confirmed: record the contact, and ask the deputy to confirm it in the workspace."
            ),
            code="no_contact",
        )


def contact_record(
    *,
    assignment: Assignment,
    contact_on: datetime.date,
    way: str,
    stage: str,
    participants: str,
    by: User,
    note: str = "",
) -> Contact:
    """The lead unit records a contact with the lead deputy (面商); the deputy is asked to
    confirm it in the workspace."""
    if way not in Contact.Way.values:
        _refuse(_("Choose how the unit and the deputy met."), code="way")
    if stage not in Contact.Stage.values:
        _refuse(_("Choose when in the handling the contact took place."), code="stage")
    if not participants.strip():
        _refuse(_("Say who took part."), code="participants")
    if contact_on > timezone.localdate():
        _refuse(_("Record a contact once it has taken place."), code="future")
    with transaction.atomic():
        suggestion, assignment = _lock_assignment(assignment.pk)
        office = is_office(by)
        if not office and not _is_unit_member(by, assignment.organisation_id):
            _refuse(_("Only a clerk of the lead unit records its contacts."), code="not_member")
        if assignment.role != Assignment.Role.LEAD or not assignment.active:
            _refuse(_("Only the lead unit records contacts with the deputy."), code="not_lead")
        workflow.require(
            suggestion,
            "contact",
            _("A suggestion that is “%(status)s” is not being handled; no contact to record."),
        )
        if contact_on < assignment.assigned_at:
            _refuse(
                _("The contact cannot be before the assignment, %(day)s.")
                % {"day": _date_label(assignment.assigned_at)},
                code="before_assignment",
            )
        contact = Contact.objects.create(
            assignment=assignment,
            suggestion=suggestion,
            contact_on=contact_on,
            way=way,
            stage=stage,
            participants=participants.strip(),
            note=note.strip(),
            recorded_by=by,
        )
        _timeline(
            suggestion,
            "contact_recorded",
            by,
            f"{_date_label(contact_on)} {contact.get_way_display()}",
            public=False,
            label=assignment.organisation.name,
        )
        lead = suggestion.lead
        notify_all(
            [lead.user] if lead.user_id else [],
            _("Please confirm a contact on your suggestion %(code)s") % {"code": suggestion.code},
            _(
                "%(unit)s recorded a contact with you on “%(title)s”: %(day)s, %(way)s. "
                "Confirm it, or say that it did not take place, in your workspace."
            )
            % {
                "unit": assignment.organisation.name,
                "title": suggestion.title,
                "day": _date_label(contact_on),
                "way": contact.get_way_display(),
            },
            url=reverse("suggestions:portal_detail", args=[suggestion.pk]),
            event=events.CONTACT_TO_CONFIRM,
            params={"code": suggestion.code},
        )
    return contact


def contact_answer(
    *, contact: Contact, deputy: Deputy, confirm: bool, by: User, reason: str = ""
) -> Contact:
    """The lead deputy confirms a contact the unit recorded, or disputes it (with an optional
    reason). The answer is final."""
    with transaction.atomic():
        suggestion = workflow.lock(Suggestion, contact.suggestion_id)
        contact = workflow.lock(Contact, contact.pk)
        if suggestion.lead_id != deputy.pk:
            _refuse(_("Only the lead deputy answers for a contact."), code="not_lead")
        to = Contact.Status.CONFIRMED if confirm else Contact.Status.DISPUTED
        contact.dispute_reason = "" if confirm else reason.strip()
        workflow.transition(
            contact,
            to,
            by=by,
            fields=["dispute_reason"],
            message=_("You have answered for this contact already (%(status)s)."),
        )
        _timeline(
            suggestion,
            "contact_confirmed" if confirm else "contact_disputed",
            by,
            contact.dispute_reason,
            public=False,
        )
        notify_all(
            list(_unit_users(contact.assignment.organisation)),
            _("The deputy answered for a contact on %(code)s") % {"code": suggestion.code},
            _("The contact of %(day)s: %(answer)s. %(reason)s")
            % {
                "answer": contact.get_status_display(),
                "day": _date_label(contact.contact_on),
                "reason": contact.dispute_reason,
            },
            url=reverse("admin:proposals_suggestion_change", args=[suggestion.pk]),
        )
    return contact


# -- followed to the end: progress reports and the look-back ledger (回头看, issue 16) ----------


def _first_reply(suggestion: Suggestion) -> Reply | None:
    return suggestion.replies.filter(is_followup=False).order_by("replied_at", "id").first()


def progress_report(
    *,
    assignment: Assignment,
    reported_on: datetime.date,
    text: str,
    percent: int,
    by: User,
    done: bool = False,
    done_on: datetime.date | None = None,
) -> ProgressReport:
    """The lead unit reports progress on an answered item still under tracking (a class B item
    列入计划解决, or a C item taken up after all), until a report marks it done with the date.

    A report marking it done records the unit's follow-up reply of the solved class dated that
    day (`reply_record`): the tracking ends, the signers are asked to rate it, the solved
    figures count it, and the item's open look-back ledger entries close as solved.
    """
    today = timezone.localdate()
    text = text.strip()
    if not text:
        _refuse(_("Say what was done."), code="text")
    if percent is None or not 0 <= percent <= 100:
        _refuse(_("The share done is a whole number from 0 to 100."), code="percent")
    if reported_on > today:
        _refuse(_("A report is dated today or earlier."), code="reported_on")
    if done and done_on is None:
        _refuse(_("Give the date the matter was done."), code="done_on")
    if not done and done_on is not None:
        _refuse(
            _("A date done goes with “done”: tick it, or leave the date empty."), code="done_on"
        )
    if done_on is not None and done_on > reported_on:
        _refuse(_("The date done cannot be after the report's date."), code="done_on")
    with transaction.atomic():
        suggestion, assignment = _lock_assignment(assignment.pk)
        office = is_office(by)
        if not office and not _is_unit_member(by, assignment.organisation_id):
            _refuse(_("Only a clerk of the lead unit reports its progress."), code="not_member")
        if assignment.role != Assignment.Role.LEAD or not assignment.active:
            _refuse(_("Only the lead unit reports progress."), code="not_lead")
        if not suggestion.tracking or not suggestion.can("followup_reply"):
            _refuse(
                _(
                    "Progress is reported on answered items still being followed up (class B "
                    "or C), until they are done."
                ),
                code="state",
            )
        first = _first_reply(suggestion)
        if first is not None and reported_on < first.replied_at:
            _refuse(
                _("The report cannot be before the unit's reply, %(day)s.")
                % {"day": _date_label(first.replied_at)},
                code="reported_on",
            )
        if first is not None and done_on is not None and done_on < first.replied_at:
            _refuse(
                _("The date done cannot be before the unit's reply, %(day)s.")
                % {"day": _date_label(first.replied_at)},
                code="done_on",
            )
        reply = None
        if done_on is not None:
            reply = reply_record(
                suggestion=suggestion,
                organisation=assignment.organisation,
                reply_class=rule("SOLVED_REPLY_CLASSES")[0],
                text=text,
                by=by,
                replied_on=done_on,
                followup=True,
            )
        report = ProgressReport.objects.create(
            suggestion=suggestion,
            organisation=assignment.organisation,
            reported_on=reported_on,
            text=text,
            percent=100 if done else percent,
            done=done,
            done_on=done_on,
            reply=reply,
            recorded_by=by,
        )
        if done_on is not None:
            _timeline(
                suggestion,
                "reported_done",
                by,
                _("Done on %(day)s") % {"day": _date_label(done_on)},
                label=assignment.organisation.name,
            )
        else:
            _timeline(
                suggestion,
                "progress_reported",
                by,
                f"{report.percent} %",
                label=assignment.organisation.name,
            )
            notify_all(
                _signer_users(suggestion),
                _("Progress on your suggestion %(code)s") % {"code": suggestion.code},
                _("%(unit)s reported progress on “%(title)s” (%(percent)s %% done): %(text)s")
                % {
                    "unit": assignment.organisation.name,
                    "title": suggestion.title,
                    "percent": report.percent,
                    "text": text,
                },
                url=reverse("suggestions:portal_detail", args=[suggestion.pk]),
            )
    return report


def _close_carry_overs(suggestion: Suggestion, solved_on: datetime.date) -> None:
    """A solved reply closes the item's open look-back ledger entries (the caller holds the
    suggestion's lock)."""
    for pk in CarryOver.objects.open().filter(suggestion=suggestion).values_list("pk", flat=True):
        entry = workflow.lock(CarryOver, pk)
        entry.closed_on = solved_on
        workflow.transition(entry, CarryOver.Status.SOLVED, fields=["closed_on"])


def _year_end(year: int) -> tuple[datetime.date, datetime.datetime]:
    end = datetime.date(year, 12, 31)
    return end, timezone.make_aware(datetime.datetime.combine(end, datetime.time.max))


def unsolved_at_year_end(year: int) -> list[tuple[Suggestion, str, datetime.date | None]]:
    """The items the roll-over of `year` carries into the next year's ledger, with the reason
    and the date of a solved reply that came after the year's end (None if none has). Four
    queries whatever the number of items:

    - the year's items answered by 31 December whose first reply is of a class in
      "CARRY_OVER_REPLY_CLASSES" (B: in the plan) and no solved reply came by then;
    - with "CARRY_OVER_UNSATISFIED", also those whose lead deputy's last rating of the result by
      then was 不满意 and that no solved reply followed;
    - the items already carried into `year` and still open, not solved by its end.
    Items dropped from the ledger, and items already carried into the next year, are left out.
    """
    end, end_at = _year_end(year)
    solved = rule("SOLVED_REPLY_CLASSES")
    solved_replies = Reply.objects.filter(suggestion=OuterRef("pk"), reply_class__in=solved)
    first = Reply.objects.filter(suggestion=OuterRef("pk"), is_followup=False).order_by(
        "replied_at", "id"
    )
    last_rating = Feedback.objects.filter(
        suggestion=OuterRef("pk"), rater_id=OuterRef("lead_id"), given_at__lte=end_at
    ).order_by("-given_at", "-id")
    carried = CarryOver.objects.open().filter(to_year=year).values("suggestion_id")
    wanted = Q(first_class__in=rule("CARRY_OVER_REPLY_CLASSES"))
    if rule("CARRY_OVER_UNSATISFIED"):
        wanted |= Q(last_result=Rating.UNSATISFIED)
    rows = (
        Suggestion.objects.annotate(
            first_class=Subquery(first.values("reply_class")[:1]),
            first_on=Subquery(first.values("replied_at")[:1]),
            last_result=Subquery(last_rating.values("result_rating")[:1]),
            later_solved=Subquery(
                solved_replies.filter(replied_at__gt=end)
                .order_by("replied_at", "id")
                .values("replied_at")[:1]
            ),
        )
        .filter(
            (Q(year=year, first_on__lte=end) & wanted) | Q(pk__in=carried),
        )
        .exclude(Exists(solved_replies.filter(replied_at__lte=end)))
        .exclude(carry_overs__to_year=year + 1)
        .exclude(carry_overs__status=CarryOver.Status.DROPPED)
        .order_by("pk")
    )
    carried_ids = set(carried.values_list("suggestion_id", flat=True))
    found = []
    for item in rows:
        if item.pk in carried_ids:
            reason = CarryOver.Reason.CARRIED
        elif item.first_class in rule("CARRY_OVER_REPLY_CLASSES"):
            reason = CarryOver.Reason.PLANNED
        else:
            reason = CarryOver.Reason.UNSATISFIED
        found.append((item, reason, item.later_solved))
    return found


def roll_over_unsolved(*, year: int, by: User | None = None) -> list[CarryOver]:
    """The year-end roll-over (回头看): every item not solved by the end of `year` (see
    `unsolved_at_year_end`) gets an entry in the next year's look-back ledger, with a public
    timeline step. One transaction; run again, it adds nothing. An item solved after the year's
    end but before the roll-over is entered as solved on that day, so the ledger stays true.
    """
    end, _end_at = _year_end(year)
    if end >= timezone.localdate():
        _refuse(
            _("The year %(year)s has not ended yet: roll it over from 1 January.") % {"year": year},
            code="year",
        )
    made = []
    with transaction.atomic():
        found = unsolved_at_year_end(year)
        # Lock the items (lowest key first), then read again which ones a concurrent run took.
        ids = [item.pk for item, _reason, _solved in found]
        list(Suggestion.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
        taken = set(
            CarryOver.objects.filter(suggestion_id__in=ids, to_year=year + 1).values_list(
                "suggestion_id", flat=True
            )
        )
        promised = dict(
            Reply.objects.filter(suggestion_id__in=ids, is_followup=False)
            .order_by("-replied_at", "-id")
            .values_list("suggestion_id", "promised_by")
        )
        now = timezone.now()
        for item, reason, solved_on in found:
            if item.pk in taken:
                continue
            made.append(
                CarryOver(
                    suggestion=item,
                    from_year=year,
                    to_year=year + 1,
                    reason=reason,
                    promised_by=promised.get(item.pk),
                    status=CarryOver.Status.SOLVED if solved_on else CarryOver.Status.OPEN,
                    closed_on=solved_on,
                    closed_at=now if solved_on else None,
                    created_by=by,
                )
            )
        CarryOver.objects.bulk_create(made)
        pagecache.touched_rows(made)
        for entry in made:
            suggestion = entry.suggestion
            _timeline(
                suggestion,
                "carried_over",
                by,
                # The reason shows on the ledger, in the reader's language; the note is
                # written once, so it holds no words.
                f"{entry.from_year} → {entry.to_year}",
            )
    return made


def carry_over_drop(*, carry_over: CarryOver, reason: str, by: User) -> CarryOver:
    """The office takes an item off the look-back ledger, with its public reason (the deputy
    accepted the explanation, the matter passed to another level …)."""
    reason = reason.strip()
    if not reason:
        _refuse(_("Say why the item is no longer followed up."), code="drop_reason")
    with transaction.atomic():
        suggestion = workflow.lock(Suggestion, carry_over.suggestion_id)
        entry = workflow.lock(CarryOver, carry_over.pk)
        entry.drop_reason = reason
        entry.closed_on = timezone.localdate()
        workflow.transition(
            entry,
            CarryOver.Status.DROPPED,
            fields=["drop_reason", "closed_on"],
            message=_("This ledger entry is “%(status)s” already."),
        )
        _timeline(suggestion, "carry_over_dropped", by, reason)
    return entry
