"""A suggestion's front half: draft, edit, attach, submit, withdraw; the office's register, reject,
merge and convert; its flags and whether it is public. Handling by units is in proposals.handling.services.
"""

from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from congress.kit import pagecache, workflow
from congress.kit.uploads import ATTACHMENT_EXTENSIONS, attachment_kind, validate_attachment
from congress.models import Category, Session
from deputies.models import Deputy
from proposals.models import (
    Suggestion,
    SuggestionAttachment,
)
from proposals.numbering import next_suggestion_number
from proposals.services import (
    UNCHANGED,
    S,
    User,
    _given,
    _mail,
    _refuse,
    _signer_users,
    _timeline,
    _unit_users,
    front_create,
    front_submit,
    front_update,
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

    def serving():
        if lead.status != Deputy.Status.SERVING:
            _refuse(_("Only a serving deputy can file a suggestion."), code="deputy")

    return front_create(
        Suggestion,
        lead=lead,
        title=title,
        by=by,
        check=serving,
        term_id=session.term_id if session else lead.term_id,
        session=session,
        year=session.start_date.year if session else timezone.localdate().year,
        body=body,
        category=category,
        is_public=is_public,
    )


def _session_follows(suggestion: Suggestion, changes: dict) -> list[str]:
    """A new session (or none: between sessions) moves the draft's term and year with it."""
    if "session" not in changes:
        return []
    new = changes["session"]
    suggestion.term_id = new.term_id if new else suggestion.lead.term_id
    suggestion.year = new.start_date.year if new else timezone.localdate().year
    return ["term", "year"]


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
    return front_update(suggestion, by=by, changes=changes, derived=_session_follows)


def suggestion_attach(*, suggestion: Suggestion, file, by: User) -> SuggestionAttachment:
    """Attach a PDF, image or Word file to a draft (type checked on content, size limited)."""
    try:
        validate_attachment(file)
    except ValidationError as error:
        _refuse(" ".join(error.messages), code="attachment")
    with transaction.atomic():
        suggestion = workflow.lock(Suggestion, suggestion.pk)
        workflow.require(
            suggestion,
            "edit",
            _("Files can only be attached to a draft; this suggestion is “%(status)s”."),
        )
        attachment = SuggestionAttachment(
            suggestion=suggestion,
            original_name=getattr(file, "name", "")[:200] or "file",
            size=file.size,
        )
        kind = cast(str, attachment_kind(file))  # validate_attachment refused any other kind
        attachment.file.save(f"attachment.{ATTACHMENT_EXTENSIONS[kind]}", file, save=False)
        attachment.save()
        _timeline(suggestion, "attached", by, attachment.original_name, public=False)
    return attachment


# -- suggestions: submission and review -----------------------------------------------------


def _session_deadline(suggestion: Suggestion, now) -> dict:
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
    return {}


def suggestion_submit(*, suggestion: Suggestion, by: User) -> Suggestion:
    """File a draft: it needs a title, a text and a category, and a session's deadline holds."""
    return front_submit(suggestion, by=by, checks=_session_deadline)


def suggestion_withdraw(*, suggestion: Suggestion, by: User, reason: str = "") -> Suggestion:
    """The lead deputy withdraws in writing; handling stops (domain.md §2.1)."""
    with transaction.atomic():
        suggestion = workflow.lock(Suggestion, suggestion.pk)
        active = suggestion.assignments.filter(active=True)
        units = [a.organisation for a in active.select_related("organisation")]
        workflow.transition(
            suggestion,
            S.WITHDRAWN,
            by=by,
            action="withdrawn",
            note=reason,
            message=_("A suggestion that is “%(status)s” can no longer be withdrawn."),
            notices=[
                _mail(
                    subject=_("Suggestion withdrawn: %(title)s") % {"title": suggestion.title},
                    body=_("The deputy withdrew %(code)s “%(title)s”; stop handling it.")
                    % {"code": suggestion.code, "title": suggestion.title},
                    users=_unit_users(unit),
                )
                for unit in units
            ],
        )
        pagecache.touched(f"suggestion:{suggestion.pk}")  # update() sends no signals
        active.update(active=False)
    return suggestion


def _review(
    suggestion: Suggestion,
    to,
    *,
    by: User,
    action: str,
    note: str,
    message: str,
    subject: str,
    body: str,
    fields=(),
    now=None,
) -> Suggestion:
    """The office's decision on a submitted suggestion; its signers are told."""
    return workflow.transition(
        suggestion,
        to,
        by=by,
        action=action,
        note=note,
        fields=fields,
        now=now,
        message=message,
        notices=[_mail(subject=subject, body=body, users=_signer_users(suggestion))],
    )


def suggestion_register(*, suggestion: Suggestion, by: User) -> Suggestion:
    """Accept a submitted suggestion (立案) and give it its official number."""
    with transaction.atomic():
        suggestion = workflow.lock(Suggestion, suggestion.pk)
        message = _("Only a submitted suggestion can be registered; this one is “%(status)s”.")
        workflow.check(suggestion, S.REGISTERED, message)
        suggestion.number, suggestion.code = next_suggestion_number(suggestion)
        suggestion.reviewed_at = now = timezone.now()
        return _review(
            suggestion,
            S.REGISTERED,
            by=by,
            action="registered",
            note=suggestion.code,
            message=message,
            fields=["number", "code", "reviewed_at"],
            now=now,
            subject=_("Suggestion registered as %(code)s") % {"code": suggestion.code},
            body=_("“%(title)s” was registered as %(code)s and will be assigned to a unit.")
            % {"title": suggestion.title, "code": suggestion.code},
        )


def suggestion_reject(
    *, suggestion: Suggestion, reason: str, by: User, note: str = ""
) -> Suggestion:
    """Do not register (不予立案), for one of the reasons of domain.md §2.1; the deputy is told."""
    if reason not in Suggestion.RejectReason.values:
        _refuse(_("Choose the reason the suggestion is not registered."), code="reason")
    label = Suggestion.RejectReason(reason).label
    with transaction.atomic():
        suggestion = workflow.lock(Suggestion, suggestion.pk)
        suggestion.reject_reason, suggestion.decision_note = reason, note
        return _review(
            suggestion,
            S.REJECTED,
            by=by,
            action="rejected",
            note=f"{label}{'：' + note if note else ''}",
            message=_("Only a submitted suggestion can be refused; this one is “%(status)s”."),
            fields=["reject_reason", "decision_note"],
            subject=_("Suggestion not registered: %(title)s") % {"title": suggestion.title},
            body=_("“%(title)s” was not registered: %(reason)s. %(note)s")
            % {"title": suggestion.title, "reason": label, "note": note},
        )


def suggestion_merge(
    *, suggestion: Suggestion, into: Suggestion, by: User, note: str = ""
) -> Suggestion:
    """Handle together with a like item (并案): this one follows `into`."""
    if into.pk == suggestion.pk:
        _refuse(_("A suggestion cannot be merged into itself."), code="self")
    with transaction.atomic():
        # Two rows of one model: the lower primary key first, whichever way round they are merged.
        suggestion, into = workflow.lock_many(Suggestion, suggestion.pk, into.pk)
        message = _("Only a submitted suggestion can be merged; this one is “%(status)s”.")
        workflow.check(suggestion, S.MERGED, message)
        if into.status not in [S.SUBMITTED, *S.published()] or into.merged_into_id:
            _refuse(_("Merge into a suggestion that is under review or being handled."), "into")
        suggestion.merged_into, suggestion.decision_note = into, note
        _review(
            suggestion,
            S.MERGED,
            by=by,
            action="merged",
            note=into.code or into.title,
            message=message,
            fields=["merged_into", "decision_note"],
            subject=_("Suggestion merged: %(title)s") % {"title": suggestion.title},
            body=_(
                "“%(title)s” will be handled together with “%(other)s”; you will still get your own reply."
            )
            % {"title": suggestion.title, "other": into.title},
        )
        _timeline(into, "merged_in", by, suggestion.title, public=False)
    return suggestion


def suggestion_convert(
    *, suggestion: Suggestion, channel: str, by: User, note: str = ""
) -> Suggestion:
    """Pass a submitted item to another channel (e.g. letters and visits, 信访) instead."""
    if not channel.strip():
        _refuse(_("Say which channel the item goes to."), code="channel")
    with transaction.atomic():
        suggestion = workflow.lock(Suggestion, suggestion.pk)
        suggestion.converted_to, suggestion.decision_note = channel.strip(), note
        return _review(
            suggestion,
            S.CONVERTED,
            by=by,
            action="converted",
            note=channel,
            message=_("Only a submitted suggestion can be converted; this one is “%(status)s”."),
            fields=["converted_to", "decision_note"],
            subject=_("Suggestion passed on: %(title)s") % {"title": suggestion.title},
            body=_("“%(title)s” is handled through another channel: %(channel)s.")
            % {"title": suggestion.title, "channel": channel},
        )


# -- flags ----------------------------------------------------------------------------------


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
        suggestion = workflow.lock(Suggestion, suggestion.pk)
        workflow.require(
            suggestion,
            "flag",
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
        suggestion = workflow.lock(Suggestion, suggestion.pk)
        workflow.require(
            suggestion,
            "flag",
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
        suggestion = workflow.lock(Suggestion, suggestion.pk)
        if suggestion.is_public == is_public:
            _refuse(_("Nothing to change."), code="unchanged")
        suggestion.is_public = is_public
        suggestion.save(update_fields=["is_public"])
        _timeline(suggestion, "made_public" if is_public else "made_private", by, public=False)
    return suggestion
