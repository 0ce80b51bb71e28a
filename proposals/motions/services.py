"""Every state change of a motion (议案): draft, submit with its signers, the presidium's decision,
conversion to a suggestion, resolution, progress and inspection, closing.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.kit import pagecache, workflow
from congress.kit.rules import rule
from congress.models import Meeting, Organisation, Session
from deputies.models import Deputy
from proposals.models import (
    Motion,
    MotionInspection,
    MotionProgressReport,
    Signature,
    Suggestion,
)
from proposals.numbering import next_motion_number
from proposals.services import (
    UNCHANGED,
    S,
    User,
    _given,
    _mail,
    _refuse,
    _signer_users,
    _timeline,
    front_create,
    front_submit,
    front_update,
    signer_count,
)

M = Motion.Status


# -- motions: the front half (shared with suggestions, proposals/services.py) ------------------


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

    def serving():
        if lead.status != Deputy.Status.SERVING or lead.term_id != session.term_id:
            _refuse(_("Only a serving deputy of the session's term can file a motion."), "deputy")

    return front_create(
        Motion,
        lead=lead,
        title=title,
        by=by,
        check=serving,
        term_id=session.term_id,
        session=session,
        reason=reason,
        grounds=grounds,
        proposal=proposal,
        is_public=is_public,
    )


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
    return front_update(motion, by=by, changes=changes)


def motion_signer_count(motion: Motion) -> int:
    """Deputies on the motion: the lead plus the co-signers who confirmed."""
    return signer_count(motion)


def _signers_and_deadline(motion: Motion, now) -> dict:
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
    number, code = next_motion_number(motion)
    return {"number": number, "code": code}


def motion_submit(*, motion: Motion, by: User) -> Motion:
    """File a motion before the session's deadline, with enough joint signers.

    domain.md §3: at county level and above a motion needs "10 or more deputies jointly"; the lead
    deputy is one of them (Pinghu's 扩中提低 motion is "沈永良等23位代表": 23 in all), so the
    lead counts towards the rule MOTION_MIN_SIGNERS.
    """
    return front_submit(motion, by=by, checks=_signers_and_deadline)


def _motion_review(motion: Motion, outcome: str, by: User, note: str, message: str) -> Motion:
    """The presidium's decision: listed or not; the signers are told."""
    with transaction.atomic():
        motion = workflow.lock(Motion, motion.pk)
        motion.review_outcome, motion.review_note = outcome, note
        return workflow.transition(
            motion,
            outcome,  # the outcome's code is the status it leads to
            by=by,
            action=outcome,
            note=note,
            fields=["review_outcome", "review_note"],
            message=message,
            notices=[
                _mail(
                    subject=_("Your motion “%(title)s”: %(outcome)s")
                    % {"title": motion.title, "outcome": motion.get_review_outcome_display()},
                    body=note or motion.get_review_outcome_display(),
                    users=_signer_users(motion),
                )
            ],
        )


def motion_list(*, motion: Motion, by: User, note: str = "") -> Motion:
    """The presidium lists the motion as a congress motion (列为大会议案)."""
    refused = _("Only a submitted motion can be listed; this one is “%(status)s”.")
    return _motion_review(motion, Motion.Outcome.LISTED, by, note, refused)


def motion_not_list(*, motion: Motion, by: User, note: str = "") -> Motion:
    """The presidium does not list the motion; it may then be converted into a suggestion."""
    refused = _("Only a submitted motion can be reviewed; this one is “%(status)s”.")
    return _motion_review(motion, Motion.Outcome.NOT_LISTED, by, note, refused)


def motion_convert_to_suggestion(*, motion: Motion, by: User, note: str = "") -> Suggestion:
    """Handle the motion as a suggestion: a submitted suggestion with the same signers."""
    with transaction.atomic():
        motion = workflow.lock(Motion, motion.pk)
        message = _(
            "Only a submitted or unlisted motion can become a suggestion; this one is “%(status)s”."
        )
        workflow.check(motion, M.CONVERTED, message)
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
        pagecache.touched(f"suggestion:{suggestion.pk}")  # bulk_create() sends no signals
        # A motion the presidium did not list keeps that review's note and date.
        if motion.review_outcome != Motion.Outcome.NOT_LISTED:
            motion.review_note, motion.reviewed_at = note, now
        motion.review_outcome = Motion.Outcome.CONVERTED
        workflow.transition(
            motion,
            M.CONVERTED,
            by=by,
            action="converted",
            note=note,
            fields=["review_outcome", "review_note", "reviewed_at"],
            notices=[
                _mail(
                    subject=_("Your motion “%(title)s” is handled as a suggestion")
                    % {"title": motion.title},
                    body=note or _("It keeps every signer and goes to review as a suggestion."),
                    users=_signer_users(motion),
                )
            ],
        )
        _timeline(suggestion, "converted_from_motion", by, motion.code)
    return suggestion


def motion_withdraw(*, motion: Motion, by: User, note: str = "") -> Motion:
    """The proposers withdraw the motion before it is decided."""
    with transaction.atomic():
        motion = workflow.lock(Motion, motion.pk)
        reviewed = motion.status == M.SUBMITTED
        fields = []
        if reviewed:
            motion.review_outcome = Motion.Outcome.WITHDRAWN
            fields.append("review_outcome")
        workflow.transition(
            motion,
            M.WITHDRAWN,
            by=by,
            action="withdrawn",
            note=note,
            public=reviewed,
            fields=fields,
            message=_("A motion that is “%(status)s” can no longer be withdrawn."),
        )
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
        motion = workflow.lock(Motion, motion.pk)
        motion.resolution_text, motion.resolution_date = text, adopted_on
        motion.resolution_meeting = meeting
        return workflow.transition(
            motion,
            M.RESOLVED,
            by=by,
            action="resolution",
            note=adopted_on.isoformat(),
            fields=["resolution_text", "resolution_date", "resolution_meeting"],
            message=_("A resolution is recorded on a listed motion; this one is “%(status)s”."),
        )


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
        motion = workflow.lock(Motion, motion.pk)
        workflow.require(
            motion,
            "progress",
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
        motion = workflow.lock(Motion, motion.pk)
        workflow.require(
            motion,
            "inspection",
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
        motion = workflow.lock(Motion, motion.pk)
        return workflow.transition(
            motion,
            M.CLOSED,
            by=by,
            action="closed",
            note=note,
            message=_("Only a motion with a resolution can be closed; this one is “%(status)s”."),
        )
