"""Suggestions, motions, residents' opinions and the handling machinery they share."""

import datetime
import re
import uuid
import zipfile
import zlib

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from congress.kit.numerals import chinese_numeral
from congress.models import Category, Meeting, Organisation, Session, Term
from deputies.models import Deputy


class TimelineEntryQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).select_related("actor")

    def public(self):
        return self.filter(public=True)


# What each action code the services write means, for staff (the admin's timeline and history)
# and, where public, for everyone. Apps add their own codes with register_timeline_labels().
TIMELINE_ACTION_LABELS = {
    "created": _("Draft created"),
    "edited": _("Draft edited"),
    "attached": _("File attached"),
    "signature_requested": _("Deputy asked to co-sign"),
    "signature_confirmed": _("Co-signature confirmed"),
    "signature_declined": _("Co-signature declined"),
    "submitted": _("Submitted"),
    "registered": pgettext_lazy("event", "Registered"),
    "rejected": _("Not registered"),
    "merged": _("Merged into another suggestion"),
    "merged_in": _("Another suggestion merged into this one"),
    "converted": _("Passed to another channel"),
    "converted_from_motion": _("Handled as a suggestion, converted from a motion"),
    "from_opinion": _("Taken up from a resident's opinion"),
    "withdrawn": _("Withdrawn"),
    "assigned": _("Assigned to handling units"),
    "accepted": _("Signed for by the unit"),
    "not_accepted": _("Not accepted"),
    "return_requested": _("The unit asked to send it back"),
    "returned": _("Sent back and reassigned"),
    "return_refused": _("Request to send back refused"),
    "extension_requested": _("The unit asked for more time"),
    "extended": _("More time granted"),
    "extension_refused": _("More time refused"),
    "replied": pgettext_lazy("event", "Replied"),
    "followup_replied": _("Follow-up reply"),
    "reply_published": _("Reply published"),
    "feedback": _("Deputy rated the reply"),
    "unsatisfied": _("Rated: unsatisfied"),
    "rehandling": _("Sent back for handling again"),
    "closed": pgettext_lazy("event", "Closed"),
    "key_flagged": _("Marked for key supervision"),
    "key_unflagged": _("Key supervision ended"),
    "look_back_flagged": _("Marked for the look-back review"),
    "look_back_unflagged": _("Look-back review ended"),
    "made_public": _("Made public"),
    "listed": _("Listed as a congress motion"),
    "not_listed": _("Not listed"),
    "resolution": _("Resolution adopted"),
    "progress": _("Progress reported"),
    "inspection": _("Implementation inspected"),
    "answered": _("Answered"),
    "routed": _("Routed to a handling unit"),
    "escalated": _("Taken up as a deputy's suggestion"),
    "rated_satisfied": _("Rated: satisfied"),
    "rated_basically": _("Rated: basically satisfied"),
    "rated_unsatisfied": _("Rated: unsatisfied"),
    "reopened": _("Reopened to be handled again"),
    "closed_unsatisfied": _("Closed; the resident remained unsatisfied"),
    "closed_unrated": _("Closed without a rating"),
    "note": _("Note"),
}


def register_timeline_labels(labels: dict) -> None:
    """Let an app label the action codes its services write (supervision: polls, projects)."""
    TIMELINE_ACTION_LABELS.update(labels)


class TimelineEntry(models.Model):
    """One dated, attributed step in the life of an item (a suggestion, an opinion, a poll …).

    Every service that changes an item's state writes one in the same transaction; an item's
    public timeline is this table filtered by `public`.
    """

    content_type = models.ForeignKey(ContentType, models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("action"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, verbose_name=_("by")
    )
    actor_label = models.CharField(
        _("by (as shown)"),
        max_length=100,
        blank=True,
        help_text=_("What the public timeline shows instead of a person: a unit, an office."),
    )
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    note = models.TextField(_("note"), blank=True)
    public = models.BooleanField(_("public"), default=True)

    objects = TimelineEntryQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"], name="timeline_item_at")
        ]

    def __str__(self):
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.get_action_display()}"

    def get_action_display(self) -> str:
        """The event's label (立案, 交办 …); an unknown code shows as itself."""
        return str(TIMELINE_ACTION_LABELS.get(self.action, self.action))


def timeline_write(
    *,
    item,
    action: str,
    actor=None,
    actor_label: str = "",
    note: str = "",
    public: bool = True,
    at=None,
) -> TimelineEntry:
    """Record a step; called by services inside their transaction."""
    return TimelineEntry.objects.create(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        action=action,
        actor=actor,
        actor_label=actor_label,
        note=note,
        public=public,
        at=at or timezone.now(),
    )


# ---------------------------------------------------------------------------------------------
# Suggestions (代表建议) and motions (议案)
#
# Design: an abstract base `Proposal` holds what both share (number, session, title, body, lead
# deputy, public flag, milestone times) and two concrete tables hold the rest. One table with a
# `kind` would force nullable motion-only columns on every suggestion and, worse, two state
# machines in one status column; the handling machinery (assignment, return, extension, reply,
# feedback) is a suggestion's alone — a listed motion is handled through its resolution,
# progress reports and inspections. Only signatures are shared: `Signature` points at exactly one
# of the two (a check constraint says so), so a motion converted into a suggestion keeps its
# signers by copying their rows.
# ---------------------------------------------------------------------------------------------


def current_year() -> int:
    return timezone.localdate().year


def reply_class_choices():
    """The reply classes of this deployment (CONGRESS_RULES["REPLY_CLASSES"], A/B/C by default)."""
    return [(code, label) for code, label in settings.CONGRESS_RULES["REPLY_CLASSES"]]


# Leading bytes of the file types a deputy may attach (checked on content, not on the name).
_SIGNATURES = {
    b"%PDF-": "pdf",
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpeg",
}


def attachment_kind(file) -> str | None:
    """'pdf', 'png', 'jpeg' or 'docx' from the file's content, None for anything else."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        head = file.read(8)
        for magic, kind in _SIGNATURES.items():
            if head.startswith(magic):
                return kind
        if head.startswith(b"PK\x03\x04"):
            file.seek(0)
            try:
                with zipfile.ZipFile(file) as archive:
                    if "word/document.xml" in archive.namelist():
                        return "docx"
            except zipfile.BadZipFile:
                return None
        return None
    finally:
        file.seek(position)


# The extension a stored attachment gets, from its content (the client's name is only shown).
ATTACHMENT_EXTENSIONS = {"pdf": "pdf", "png": "png", "jpeg": "jpg", "docx": "docx"}

# PDF names that run code in a reader: JavaScript (also from /OpenAction or /AA) or /Launch.
_PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch)(?![A-Za-z0-9])")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)


def _pdf_is_active(data: bytes) -> bool:
    """Whether a PDF carries JavaScript or a launch action, in plain or compressed objects."""
    chunks = [data]
    for match in _PDF_STREAM.finditer(data):
        try:  # object streams (PDF 1.5) hide dictionaries in Flate-compressed streams
            chunks.append(zlib.decompressobj().decompress(match.group(1), 20 * 1024 * 1024))
        except zlib.error:
            continue
    for chunk in chunks:
        unescaped = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), chunk)
        if _PDF_ACTIVE.search(unescaped):
            return True
    return False


def _docx_has_macros(file) -> bool:
    position = file.tell()
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            return any(name.lower().endswith("vbaproject.bin") for name in archive.namelist())
    finally:
        file.seek(position)


def _read_all(file) -> bytes:
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        return file.read()
    finally:
        file.seek(position)


def validate_attachment(file) -> None:
    """Reject a file that is too large or is not a PDF, PNG, JPEG or Word (.docx) document.

    Judged by content, never by the name: a PDF that carries JavaScript or a launch action and a
    Word file with macros are refused too. Used by SuggestionAttachment and by the forms that
    upload attachments.
    """
    limit = settings.CONGRESS_RULES["ATTACHMENT_MAX_BYTES"]
    if file.size > limit:
        raise ValidationError(
            _("The file is %(size)s MB; attachments may be at most %(limit)s MB."),
            code="too_large",
            params={"size": f"{file.size / 1048576:.1f}", "limit": f"{limit / 1048576:g}"},
        )
    kind = attachment_kind(file)
    if kind is None:
        raise ValidationError(_("Attach a PDF, PNG, JPEG or Word (.docx) file."), code="bad_type")
    if kind == "pdf" and _pdf_is_active(_read_all(file)):
        raise ValidationError(
            _(
                "This PDF contains scripts or actions; save it again as a plain PDF and attach that."
            ),
            code="active_pdf",
        )
    if kind == "docx" and _docx_has_macros(file):
        raise ValidationError(
            _("This Word file contains macros; save it as a plain .docx and attach that."),
            code="macros",
        )


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    BASICALLY = "basically", _("basically satisfied")
    UNSATISFIED = "unsatisfied", _("unsatisfied")


class Decision(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")


class Proposal(models.Model):
    """What a suggestion and a motion share."""

    term = models.ForeignKey(Term, models.PROTECT, related_name="+", verbose_name=_("term"))
    session = models.ForeignKey(
        Session,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("session"),
        help_text=_("Empty for an item filed between sessions."),
    )
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    code = models.CharField(
        _("item number"),
        max_length=40,
        blank=True,
        help_text=_("The official number, such as 十六届一次会议第001号; given at registration."),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    lead = models.ForeignKey(
        Deputy, models.PROTECT, related_name="+", verbose_name=_("lead deputy")
    )
    is_public = models.BooleanField(
        _("public"),
        default=True,
        help_text=_("Shown on the public pages once registered."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.code} {self.title}" if self.code else self.title

    def signers(self) -> list[Deputy]:
        """The lead and every co-signer who confirmed: the deputies a reply answers."""
        confirmed = [
            s.deputy for s in self.signatures.all() if s.status == Signature.Status.CONFIRMED
        ]
        return [self.lead, *[d for d in confirmed if d.pk != self.lead_id]]


def proposal_code(
    *, term_number: int, session_number: int | None, number: int, motion=False
) -> str:
    """十六届一次会议第001号 / 十六届闭会期间第001号; motions read 十六届一次会议议案第01号."""
    where = f"{chinese_numeral(session_number)}次会议" if session_number else "闭会期间"
    if motion:
        return f"{chinese_numeral(term_number)}届{where}议案第{number:02d}号"
    return f"{chinese_numeral(term_number)}届{where}第{number:03d}号"


class SuggestionQuerySet(models.QuerySet):
    def public(self):
        """Published items: marked public and registered (or further)."""
        return self.filter(is_public=True, status__in=Suggestion.Status.published())

    def open(self):
        return self.filter(status__in=Suggestion.Status.in_handling())

    def overdue(self, *, on: datetime.date | None = None):
        """Items still being handled whose lead unit's due date has passed."""
        on = on or timezone.localdate()
        late = Assignment.objects.filter(
            suggestion=OuterRef("pk"), active=True, role=Assignment.Role.LEAD, due_date__lt=on
        )
        return self.open().filter(Exists(late))

    def for_unit(self, organisation):
        """Items assigned (actively) to one unit or to any of several."""
        units = (
            organisation
            if isinstance(organisation, (list, tuple, set, models.QuerySet))
            else [organisation]
        )
        assigned = Assignment.objects.filter(
            suggestion=OuterRef("pk"), active=True, organisation__in=units
        )
        return self.filter(Exists(assigned))

    def for_deputy(self, deputy):
        """Items a deputy leads or co-signed; another deputy's drafts never appear."""
        signed = Signature.objects.filter(
            suggestion=OuterRef("pk"), deputy=deputy, status=Signature.Status.CONFIRMED
        )
        return self.filter(Q(lead=deputy) | (Exists(signed) & ~Q(status=Suggestion.Status.DRAFT)))

    def visible_to(self, user):
        """Drafts are their author's alone: everyone else sees submitted items only."""
        deputy = getattr(user, "deputy", None) if user.is_authenticated else None
        if deputy is None:
            return self.exclude(status=Suggestion.Status.DRAFT)
        return self.exclude(Q(status=Suggestion.Status.DRAFT) & ~Q(lead=deputy))

    def tracked(self):
        """Answered as B or C (being solved, planned): followed up until solved."""
        return self.filter(tracking=True)

    def unsatisfied_pending(self):
        """Replied items whose current reply a signer rated 不满意: the office must decide."""
        latest = (
            Reply.objects.filter(suggestion=OuterRef("suggestion"), is_followup=False)
            .order_by("-replied_at", "-id")
            .values("pk")[:1]
        )
        unhappy = Feedback.objects.filter(
            Q(process_rating=Rating.UNSATISFIED) | Q(result_rating=Rating.UNSATISFIED),
            suggestion=OuterRef("pk"),
            reply=models.Subquery(latest),
        )
        return self.filter(status=Suggestion.Status.REPLIED).filter(Exists(unhappy))


class Suggestion(Proposal):
    """A deputy's suggestion, criticism or opinion (代表建议), filed at a session or between them."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted, under review")
        REJECTED = "rejected", _("not registered")
        MERGED = "merged", _("merged into another")
        CONVERTED = "converted", _("handled through another channel")
        REGISTERED = "registered", _("registered")
        ASSIGNED = "assigned", _("assigned")
        HANDLING = "handling", _("being handled")
        REPLIED = "replied", _("replied")
        REHANDLING = "rehandling", _("being handled again")
        CLOSED = "closed", _("closed")
        WITHDRAWN = "withdrawn", _("withdrawn")

        @classmethod
        def published(cls):
            return [
                cls.REGISTERED,
                cls.ASSIGNED,
                cls.HANDLING,
                cls.REPLIED,
                cls.REHANDLING,
                cls.CLOSED,
            ]

        @classmethod
        def in_handling(cls):
            return [cls.ASSIGNED, cls.HANDLING, cls.REHANDLING]

    # The workflow, written once (domain.md §2.8); each arrow is one service in services.py.
    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {
            Status.REGISTERED,
            Status.REJECTED,
            Status.MERGED,
            Status.CONVERTED,
            Status.WITHDRAWN,
        },
        Status.REGISTERED: {Status.ASSIGNED, Status.WITHDRAWN},
        Status.ASSIGNED: {Status.HANDLING, Status.REPLIED, Status.WITHDRAWN},
        Status.HANDLING: {Status.REPLIED, Status.ASSIGNED, Status.WITHDRAWN},
        Status.REPLIED: {Status.CLOSED, Status.REHANDLING},
        Status.REHANDLING: {Status.REPLIED},
        Status.CLOSED: set(),
        Status.REJECTED: set(),
        Status.MERGED: set(),
        Status.CONVERTED: set(),
        Status.WITHDRAWN: set(),
    }

    class RejectReason(models.TextChoices):
        # domain.md §2.1: what is not accepted as a suggestion.
        OUTSIDE_POWERS = "outside_powers", _("outside the powers of local state organs")
        PERSONAL = "personal", _("the deputy's own or relatives' personal matter")
        LETTER = "letter", _("forwards a citizen's letter or visit")
        CASE = "case", _("a specific judicial case")
        ACADEMIC = "academic", _("academic discussion, advertising or product promotion")
        NO_CONTENT = "no_content", _("no real content or not actionable")

    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    year = models.PositiveSmallIntegerField(_("year"), default=current_year)
    category = models.ForeignKey(
        Category,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("category"),
    )
    cosigners = models.ManyToManyField(
        Deputy,
        through="Signature",
        through_fields=("suggestion", "deputy"),
        related_name="suggestions_signed",
        verbose_name=_("co-signing deputies"),
    )
    # Review outcome
    reject_reason = models.CharField(
        _("reason not registered"), max_length=20, choices=RejectReason.choices, blank=True
    )
    decision_note = models.TextField(_("review note"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_items",
        verbose_name=_("merged into"),
    )
    converted_to = models.CharField(
        _("handled through"),
        max_length=100,
        blank=True,
        help_text=_("The channel an item was passed to, e.g. 信访件 (letters and visits)."),
    )
    from_motion = models.OneToOneField(
        "Motion",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="converted_suggestion",
        verbose_name=_("converted from motion"),
    )
    # Flags
    key_supervision = models.BooleanField(_("key supervision"), default=False)
    key_leader = models.CharField(_("supervising leader"), max_length=100, blank=True)
    key_leader_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supervising leader's account"),
    )
    look_back = models.BooleanField(_("look-back"), default=False)
    tracking = models.BooleanField(
        _("tracked"), default=False, help_text=_("Answered B or C: followed up until solved.")
    )
    rehandle_count = models.PositiveSmallIntegerField(_("times handled again"), default=0)
    # Milestones
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = SuggestionQuerySet.as_manager()

    # Every change kept with who and when (admin "History"); bulk demo and import rows are not.
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "session_id", "number", "id"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        permissions = [("handle_suggestion", _("Can review, assign and follow up suggestions"))]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "number"],
                condition=Q(session__isnull=False, number__isnull=False),
                name="suggestion_unique_session_number",
            ),
            models.UniqueConstraint(
                fields=["term", "number"],
                condition=Q(session__isnull=True, number__isnull=False),
                name="suggestion_unique_between_number",
            ),
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="suggestion_unique_code"
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | ~Q(code=""), name="suggestion_number_has_code"
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reject_reason=""),
                name="suggestion_rejected_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False),
                name="suggestion_merged_has_target",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("id")), name="suggestion_not_merged_into_itself"
            ),
            models.CheckConstraint(
                condition=~Q(key_supervision=True) | ~Q(key_leader=""),
                name="suggestion_key_has_leader",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "year"], name="suggestion_status_year"),
            # The public list: its count, and its first page in the default order, from indexes.
            models.Index(fields=["is_public", "status"], name="suggestion_public_status"),
            models.Index(fields=["-year", "session", "number", "id"], name="suggestion_list_order"),
        ]

    def get_absolute_url(self):
        return reverse("suggestion_detail", args=[self.pk])

    def can_become(self, status) -> bool:
        return status in self.TRANSITIONS[self.status]

    @property
    def between_sessions(self) -> bool:
        return self.session_id is None

    def lead_assignment(self):
        return next(
            (a for a in self.assignments.all() if a.active and a.role == Assignment.Role.LEAD), None
        )


class SubmittedSuggestion(Suggestion):
    """The review queue: the same rows, listed on their own admin page (see admin.py)."""

    class Meta:
        proxy = True
        verbose_name = _("suggestion to review")
        verbose_name_plural = _("review queue")


class MotionQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True).exclude(
            status__in=[Motion.Status.DRAFT, Motion.Status.WITHDRAWN]
        )

    def for_deputy(self, deputy):
        signed = Signature.objects.filter(
            motion=OuterRef("pk"), deputy=deputy, status=Signature.Status.CONFIRMED
        )
        return self.filter(Q(lead=deputy) | (Exists(signed) & ~Q(status=Motion.Status.DRAFT)))

    def listed(self):
        return self.filter(review_outcome=Motion.Outcome.LISTED)


class Motion(Proposal):
    """A motion (议案) by ten or more deputies jointly, filed at a session before its deadline."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("collecting signatures")
        SUBMITTED = "submitted", _("submitted, under review")
        LISTED = "listed", _("listed as a congress motion")
        NOT_LISTED = "not_listed", _("not listed")
        CONVERTED = "converted", _("converted to a suggestion")
        WITHDRAWN = "withdrawn", _("withdrawn")
        RESOLVED = "resolved", _("resolution adopted")
        CLOSED = "closed", _("closed")

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.SUBMITTED: {
            Status.LISTED,
            Status.NOT_LISTED,
            Status.CONVERTED,
            Status.WITHDRAWN,
        },
        Status.NOT_LISTED: {Status.CONVERTED},
        Status.LISTED: {Status.RESOLVED},
        Status.RESOLVED: {Status.CLOSED},
        Status.CONVERTED: set(),
        Status.WITHDRAWN: set(),
        Status.CLOSED: set(),
    }

    class Outcome(models.TextChoices):
        LISTED = "listed", _("listed as a congress motion")
        NOT_LISTED = "not_listed", _("not listed")
        CONVERTED = "converted", _("converted to a suggestion")
        WITHDRAWN = "withdrawn", _("withdrawn")

    session = models.ForeignKey(
        Session, models.PROTECT, related_name="motions", verbose_name=_("session")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    reason = models.TextField(_("reason (案由)"), blank=True)
    grounds = models.TextField(_("grounds (案据)"), blank=True)
    proposal = models.TextField(_("proposed solution (方案)"), blank=True)
    cosigners = models.ManyToManyField(
        Deputy,
        through="Signature",
        through_fields=("motion", "deputy"),
        related_name="motions_signed",
        verbose_name=_("co-signing deputies"),
    )
    review_outcome = models.CharField(
        _("review outcome"), max_length=12, choices=Outcome.choices, blank=True
    )
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    resolution_text = models.TextField(_("resolution"), blank=True)
    resolution_date = models.DateField(_("resolution adopted on"), null=True, blank=True)
    resolution_meeting = models.ForeignKey(
        Meeting,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("adopted at"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = MotionQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-session__start_date", "number", "id"]
        verbose_name = _("motion")
        verbose_name_plural = _("motions")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "number"],
                condition=Q(number__isnull=False),
                name="motion_unique_session_number",
            ),
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="motion_unique_code"
            ),
            models.CheckConstraint(
                condition=Q(resolution_date__isnull=True) | ~Q(resolution_text=""),
                name="motion_resolution_has_text",
            ),
        ]

    def get_absolute_url(self):
        return reverse("motion_detail", args=[self.pk])

    def can_become(self, status) -> bool:
        return status in self.TRANSITIONS[self.status]


class Signature(models.Model):
    """A deputy asked to co-sign (附议) a suggestion or a motion, and their answer."""

    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("co-signature status", "requested")
        CONFIRMED = "confirmed", _("confirmed")
        DECLINED = "declined", _("declined")

    suggestion = models.ForeignKey(
        Suggestion,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="signatures",
        verbose_name=_("suggestion"),
    )
    motion = models.ForeignKey(
        Motion,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="signatures",
        verbose_name=_("motion"),
    )
    deputy = models.ForeignKey(
        Deputy, models.PROTECT, related_name="signatures", verbose_name=_("deputy")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    requested_at = models.DateTimeField(_("invited at"), default=timezone.now)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = _("co-signature")
        verbose_name_plural = _("co-signatures")
        constraints = [
            models.CheckConstraint(
                condition=Q(suggestion__isnull=False, motion__isnull=True)
                | Q(suggestion__isnull=True, motion__isnull=False),
                name="signature_one_item",
            ),
            models.UniqueConstraint(
                fields=["suggestion", "deputy"], name="signature_unique_suggestion_deputy"
            ),
            models.UniqueConstraint(
                fields=["motion", "deputy"], name="signature_unique_motion_deputy"
            ),
            models.CheckConstraint(
                condition=Q(status="requested", responded_at__isnull=True)
                | (~Q(status="requested") & Q(responded_at__isnull=False)),
                name="signature_answered_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.deputy} · {self.get_status_display()}"

    @property
    def item(self):
        return self.suggestion or self.motion


def attachment_path(instance, filename):
    """A generated name with the extension of the content's kind; the client's name is kept only
    in `original_name`, for display. The service passes "attachment.<kind's extension>"."""
    return _generated_name("suggestions", filename)


class SuggestionAttachment(models.Model):
    """A file attached to a suggestion: PDF, image or Word document."""

    suggestion = models.ForeignKey(
        Suggestion, models.CASCADE, related_name="attachments", verbose_name=_("suggestion")
    )
    file = models.FileField(_("file"), upload_to=attachment_path, validators=[validate_attachment])
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


class Assignment(models.Model):
    """A suggestion given to a handling unit (交办), as lead (主办) or co-handler (协办)."""

    class Role(models.TextChoices):
        LEAD = "lead", pgettext_lazy("handling unit role", "lead")
        CO = "co", pgettext_lazy("handling unit role", "co-handler")

    suggestion = models.ForeignKey(
        Suggestion,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("suggestion"),
    )
    # A residents' opinion routed to a unit uses the same row (exactly one of the two is set).
    opinion = models.ForeignKey(
        "Opinion",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("residents' opinion"),
    )
    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="assignments", verbose_name=_("handling unit")
    )
    role = models.CharField(_("role"), max_length=4, choices=Role.choices, default=Role.LEAD)
    assigned_at = models.DateField(_("assigned on"))
    due_date = models.DateField(_("reply due"))
    accepted_at = models.DateTimeField(_("signed for"), null=True, blank=True)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Off once the item was sent back to the office.")
    )

    class Meta:
        ordering = ["-active", "role", "id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "organisation"],
                condition=Q(active=True),
                name="assignment_one_active_per_unit",
            ),
            models.UniqueConstraint(
                fields=["suggestion"],
                condition=Q(active=True, role="lead"),
                name="assignment_one_active_lead",
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("assigned_at")), name="assignment_due_after_assigned"
            ),
            models.CheckConstraint(
                condition=Q(suggestion__isnull=False, opinion__isnull=True)
                | Q(suggestion__isnull=True, opinion__isnull=False),
                name="assignment_one_item",
            ),
            models.UniqueConstraint(
                fields=["opinion"],
                condition=Q(active=True, role="lead"),
                name="assignment_opinion_one_active_lead",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} · {self.get_role_display()}"


class UnitRequest(models.Model):
    """What a handling unit asks of the office about an assignment, and the office's decision."""

    reason = models.TextField(_("reason"))
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["-requested_at"]
        constraints = [
            # At most one undecided request of a kind per assignment.
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(decision="pending"),
                name="%(class)s_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(decision="pending") | Q(decided_at__isnull=False),
                name="%(class)s_decided_has_time",
            ),
        ]


class ReturnRequest(UnitRequest):
    """A unit's request to send an item back (退回) as outside its remit, with the unit it proposes."""

    assignment = models.ForeignKey(
        Assignment, models.CASCADE, related_name="return_requests", verbose_name=_("assignment")
    )
    proposed_unit = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed unit"),
    )

    class Meta(UnitRequest.Meta):
        verbose_name = _("return request")
        verbose_name_plural = _("return requests")

    def __str__(self):
        return f"{self.assignment} · {self.get_decision_display()}"


class ExtensionRequest(UnitRequest):
    """A unit's request for more time (延期), up to the extended reply limit after assignment."""

    assignment = models.ForeignKey(
        Assignment, models.CASCADE, related_name="extension_requests", verbose_name=_("assignment")
    )
    requested_due_date = models.DateField(_("requested due date"))

    class Meta(UnitRequest.Meta):
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")

    def __str__(self):
        return f"{self.assignment} · {self.requested_due_date}"


class ReplyQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)


def _generated_name(folder: str, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in ATTACHMENT_EXTENSIONS.values():
        extension = "bin"
    return f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


def reply_path(instance, filename):
    """Like attachments: a generated name, the extension of the content's kind."""
    return _generated_name("replies", filename)


class Reply(models.Model):
    """A unit's written reply (答复) to a suggestion, classed A/B/C; follow-ups track B/C items."""

    suggestion = models.ForeignKey(
        Suggestion,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("suggestion"),
    )
    # A unit's answer to a routed residents' opinion (exactly one of the two is set; no class).
    opinion = models.ForeignKey(
        "Opinion",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("residents' opinion"),
    )
    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="replies", verbose_name=_("handling unit")
    )
    reply_class = models.CharField(
        _("class"), max_length=2, choices=reply_class_choices, blank=True
    )
    letter_number = models.CharField(_("letter number"), max_length=60, blank=True)
    text = models.TextField(_("text"))
    file = models.FileField(
        _("signed letter"), upload_to=reply_path, blank=True, validators=[validate_attachment]
    )
    file_name = models.CharField(_("letter's file name"), max_length=200, blank=True)
    replied_at = models.DateField(_("replied on"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    is_followup = models.BooleanField(_("follow-up reply"), default=False)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ReplyQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["replied_at", "id"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        constraints = [
            models.CheckConstraint(
                condition=Q(suggestion__isnull=False, opinion__isnull=True)
                | Q(suggestion__isnull=True, opinion__isnull=False),
                name="reply_one_item",
            ),
            models.CheckConstraint(
                condition=Q(suggestion__isnull=True) | ~Q(reply_class=""),
                name="reply_suggestion_has_class",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} · {self.reply_class} · {self.replied_at}"


class Feedback(models.Model):
    """One signer's rating of a reply: the handling process and the result, separately."""

    reply = models.ForeignKey(
        Reply, models.CASCADE, related_name="feedback", verbose_name=_("reply")
    )
    suggestion = models.ForeignKey(
        Suggestion, models.CASCADE, related_name="feedback", verbose_name=_("suggestion")
    )
    rater = models.ForeignKey(
        Deputy, models.PROTECT, related_name="feedback_given", verbose_name=_("deputy")
    )
    process_rating = models.CharField(_("handling process"), max_length=12, choices=Rating.choices)
    result_rating = models.CharField(_("result"), max_length=12, choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True)
    given_at = models.DateTimeField(_("given"), default=timezone.now)

    class Meta:
        ordering = ["given_at", "id"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(fields=["reply", "rater"], name="feedback_unique_rater"),
            models.CheckConstraint(
                condition=~Q(comment="")
                | (~Q(process_rating="unsatisfied") & ~Q(result_rating="unsatisfied")),
                name="feedback_unsatisfied_has_comment",
            ),
        ]

    def __str__(self):
        return f"{self.rater} · {self.get_result_rating_display()}"

    @property
    def unsatisfied(self) -> bool:
        return Rating.UNSATISFIED in (self.process_rating, self.result_rating)

    def clean(self):
        if self.unsatisfied and not self.comment.strip():
            raise ValidationError({"comment": _("Say why you are not satisfied.")})


class MotionInspection(models.Model):
    """An inspection of how a motion's resolution is carried out (决议落实督查)."""

    motion = models.ForeignKey(
        Motion, models.CASCADE, related_name="inspections", verbose_name=_("motion")
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    note = models.TextField(_("findings"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("implementation inspection")
        verbose_name_plural = _("implementation inspections")

    def __str__(self):
        return f"{self.date} {self.title}"


class MotionProgressReport(models.Model):
    """A progress report on a listed motion from the unit carrying it out."""

    motion = models.ForeignKey(
        Motion, models.CASCADE, related_name="progress_reports", verbose_name=_("motion")
    )
    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handling unit"),
    )
    date = models.DateField(_("date"))
    text = models.TextField(_("text"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self):
        return f"{self.date} {self.organisation or ''}"


class UnitMembership(models.Model):
    """A login that answers for a handling unit (承办单位经办人): it sees that unit's items only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="unit_memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation, models.CASCADE, related_name="members", verbose_name=_("handling unit")
    )

    class Meta:
        verbose_name = _("handling-unit clerk")
        verbose_name_plural = _("handling-unit clerks")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="unitmembership_unique")
        ]

    def __str__(self):
        return f"{self.user} · {self.organisation}"


# ---------------------------------------------------------------------------------------------
# Residents' opinions (群众意见 / 民情) through liaison stations and deputies' QR codes
#
# A resident scans a station's or a deputy's code (or tells a deputy at a reception), writes what
# is wrong and gets a short tracking code. The station's deputies (or staff) accept it and answer
# on the spot, route it to a handling unit — through the same Assignment and Reply rows as a
# suggestion, pointing at the opinion instead — or turn it into a suggestion draft; or they do not
# accept it and say which channel to use. The resident rates the answer; an unsatisfied rating
# reopens it once. The resident's name and phone are private (see Opinion.PUBLIC_FIELDS).
# ---------------------------------------------------------------------------------------------

# Tracking codes: no 0/O, 1/I/L, so that a code read aloud or copied by hand cannot be mistaken.
OPINION_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
OPINION_CODE_LENGTH = 8
OPINION_CONTENT_MIN, OPINION_CONTENT_MAX = 10, 2000


class OpinionCategory(models.TextChoices):
    """What residents' opinions are about: a short list (Jiaxing's platform uses 28)."""

    ROADS = "roads", _("roads, traffic and parking")
    HOUSING = "housing", _("housing and property management")
    ENVIRONMENT = "environment", _("environment and sanitation")
    UTILITIES = "utilities", _("water, power, gas and networks")
    SAFETY = "safety", _("public safety and fire")
    ELDERLY = "elderly", _("elderly care and social security")
    EDUCATION = "education", _("schools and health care")
    RURAL = "rural", _("farming and village affairs")
    JOBS = "jobs", _("jobs, business and markets")
    COMMUNITY = "community", _("community services and other matters")


class OpinionChannel(models.TextChoices):
    """Where a matter the station does not accept belongs (domain.md §5: tell the resident)."""

    LITIGATION = "litigation", _("a lawsuit at the court")
    ADMIN_REVIEW = "admin_review", _("an application for administrative review")
    ARBITRATION = "arbitration", _("arbitration")
    PETITION = "petition", _("letters and visits (信访)")


def new_opinion_code() -> str:
    """8 characters from a 31-letter alphabet: about 8.5 × 10¹¹ codes, drawn with `secrets`."""
    import secrets

    return "".join(secrets.choice(OPINION_CODE_ALPHABET) for _i in range(OPINION_CODE_LENGTH))


def normalise_opinion_code(raw: str) -> str:
    """What a resident typed → the stored form: upper case, no spaces or dashes."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:20]


class OpinionQuerySet(models.QuerySet):
    def in_year(self, year: int):
        return self.filter(submitted_at__year=year)

    def closed(self):
        """办结: closed after a rating or by staff, or not accepted with the channel explained."""
        return self.filter(closed_at__isnull=False)

    def for_deputy(self, deputy):
        """The opinions a deputy handles: sent to their stations or to their own code."""
        stations = deputy.stations.values("pk")
        return self.filter(Q(station__in=stations) | Q(deputy=deputy))

    def for_unit(self, units):
        assigned = Assignment.objects.filter(
            opinion=OuterRef("pk"), active=True, organisation__in=units
        )
        return self.filter(Exists(assigned))

    def figures(self):
        """Received, closed, closure and satisfaction for these rows in their latest year.

        Callable without arguments, so that a template can ask a station for its block:
        `{% with f=station.opinions.figures %}`.
        """
        from proposals.opinions.selectors import latest_year_figures

        return latest_year_figures(self)


class Opinion(models.Model):
    """A resident's opinion (群众意见), sent by scanning a code or told to a deputy at a reception."""

    # Its URL carries the tracking code, the resident's only key: the admin never links to it.
    url_is_capability = True

    class Source(models.TextChoices):
        STATION_QR = "station_qr", _("station QR code")
        DEPUTY_QR = "deputy_qr", _("deputy QR code")
        RECEPTION = "reception", _("reception day")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("received")
        ACCEPTED = "accepted", _("accepted")
        NOT_ACCEPTED = "not_accepted", _("not accepted")
        ROUTED = "routed", _("with the handling unit")
        ESCALATED = "escalated", _("taken up as a deputy's suggestion")
        REPLIED = "replied", _("answered, waiting for your rating")
        REOPENED = "reopened", _("being handled again")
        CLOSED = "closed", _("closed")

        @classmethod
        def handling(cls):
            """Waiting for an answer: what the portal lists first."""
            return [cls.SUBMITTED, cls.ACCEPTED, cls.ROUTED, cls.ESCALATED, cls.REOPENED]

    class Handling(models.TextChoices):
        ON_THE_SPOT = "on_the_spot", _("answered on the spot")
        UNIT = "unit", _("routed to a handling unit")
        SUGGESTION = "suggestion", _("turned into a deputy's suggestion")

    # The workflow, written once (DESIGN.md "Opinion"); each arrow is one service in
    # opinion_services.py. Answering, routing or escalating a submitted opinion accepts it in the
    # same step.
    TRANSITIONS = {
        Status.SUBMITTED: {
            Status.ACCEPTED,
            Status.NOT_ACCEPTED,
            Status.REPLIED,
            Status.ROUTED,
            Status.ESCALATED,
        },
        Status.ACCEPTED: {Status.REPLIED, Status.ROUTED, Status.ESCALATED},
        Status.ROUTED: {Status.REPLIED},
        Status.ESCALATED: {Status.REPLIED},
        Status.REPLIED: {Status.CLOSED, Status.REOPENED},
        Status.REOPENED: {Status.REPLIED, Status.ROUTED},
        Status.NOT_ACCEPTED: set(),
        Status.CLOSED: set(),
    }

    code = models.CharField(
        _("tracking code"), max_length=OPINION_CODE_LENGTH, unique=True, default=new_opinion_code
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    station = models.ForeignKey(
        "deputies.LiaisonStation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="opinions",
        verbose_name=_("station"),
    )
    deputy = models.ForeignKey(
        Deputy,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="opinions",
        verbose_name=_("deputy"),
    )
    reception = models.ForeignKey(
        "deputies.Reception",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="opinions",
        verbose_name=_("reception"),
    )
    category = models.CharField(_("category"), max_length=12, choices=OpinionCategory.choices)
    content = models.TextField(_("what the resident says"))
    # Private: staff with proposals.view_opinion_contact only; never on a public page or export.
    name = models.CharField(_("resident's name"), max_length=30, blank=True)
    phone = models.CharField(_("resident's mobile"), max_length=11, blank=True)
    consent = models.BooleanField(
        _("consent"),
        default=False,
        help_text=_("The resident agreed that the details are kept to handle the opinion."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    handling = models.CharField(_("handling"), max_length=12, choices=Handling.choices, blank=True)
    handled_by = models.ForeignKey(
        Deputy,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="opinions_handled",
        verbose_name=_("deputy handling it"),
    )
    answer = models.TextField(
        _("answer"), blank=True, help_text=_("The deputy's or the office's own answer.")
    )
    not_accepted_reason = models.TextField(_("why it is not accepted"), blank=True)
    channel = models.CharField(
        _("channel to use"), max_length=12, choices=OpinionChannel.choices, blank=True
    )
    suggestion = models.OneToOneField(
        Suggestion,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="from_opinion",
        verbose_name=_("suggestion made from it"),
    )
    rating = models.CharField(
        _("resident's rating"), max_length=12, choices=Rating.choices, blank=True
    )
    rating_comment = models.TextField(_("resident's comment"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    needs_attention = models.BooleanField(
        _("needs staff attention"),
        default=False,
        help_text=_("Closed with the resident still unsatisfied after it was handled again."),
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    routed_at = models.DateTimeField(_("routed"), null=True, blank=True)
    replied_at = models.DateTimeField(_("answered"), null=True, blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = OpinionQuerySet.as_manager()

    # Columns a public page may read (the tracking page, statistics): never name or phone.
    PUBLIC_FIELDS = (
        "id",
        "code",
        "source",
        "station",
        "deputy",
        "category",
        "content",
        "status",
        "handling",
        "answer",
        "not_accepted_reason",
        "channel",
        "rating",
        "reopen_count",
        "submitted_at",
        "replied_at",
        "closed_at",
    )

    # The resident's name and phone are private: the history keeps neither.
    history = HistoricalRecords(excluded_fields=["name", "phone"])

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("residents' opinion")
        verbose_name_plural = _("residents' opinions")
        permissions = [
            ("view_opinion_contact", _("Can see residents' names and phone numbers")),
            ("handle_opinion", _("Can route and close residents' opinions")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(station__isnull=False) | Q(deputy__isnull=False),
                name="opinion_has_station_or_deputy",
            ),
            models.CheckConstraint(
                condition=~Q(status="not_accepted") | (~Q(not_accepted_reason="") & ~Q(channel="")),
                name="opinion_not_accepted_has_reason_and_channel",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["closed", "not_accepted"]) | Q(closed_at__isnull=False),
                name="opinion_closed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="escalated") | Q(suggestion__isnull=False),
                name="opinion_escalated_has_suggestion",
            ),
            models.CheckConstraint(
                condition=Q(reopen_count__lte=1), name="opinion_reopened_at_most_once"
            ),
            models.CheckConstraint(
                condition=Q(phone="") | Q(consent=True), name="opinion_contact_needs_consent"
            ),
        ]
        indexes = [models.Index(fields=["station", "submitted_at"], name="opinion_station_time")]

    def __str__(self):
        return self.code

    def get_absolute_url(self):
        return reverse("opinions_track_detail", args=[self.code])

    def can_become(self, status) -> bool:
        return status in self.TRANSITIONS[self.status]


def opinion_photo_path(instance, filename):
    # A random name: the file name a phone gives (IMG_2022…) says when it was taken.
    import secrets

    return f"opinions/{timezone.now():%Y/%m}/{secrets.token_hex(12)}.{filename.rsplit('.', 1)[-1]}"


class OpinionPhoto(models.Model):
    """A photo sent with an opinion, re-encoded in the background so that no metadata (GPS) is
    kept; shown to deputies and staff only once that is done (`ready`)."""

    opinion = models.ForeignKey(
        Opinion, models.CASCADE, related_name="photos", verbose_name=_("opinion")
    )
    image = models.FileField(_("photo"), upload_to=opinion_photo_path)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    size = models.PositiveIntegerField(_("size (bytes)"))
    # False while the photo waits to be re-encoded in the background: until then it is the
    # file as sent (with its metadata) and nobody is shown it.
    ready = models.BooleanField(_("processed"), default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return f"{self.opinion} #{self.pk}"


# ---------------------------------------------------------------------------------------------
# Co-handlers' views and sent reminders (issue 10: the handling loop)
# ---------------------------------------------------------------------------------------------


class CoHandlerView(models.Model):
    """A co-handling unit's written view (协办意见/会办意见) sent to the lead unit.

    One per co-handling assignment, due one month after assignment (CONGRESS_RULES
    "CO_HANDLER_VIEWS_MONTHS"); the lead unit and the office read it, and the lead's reply waits
    for every co-handler's view when "REPLY_NEEDS_CO_HANDLER_VIEWS" is on.
    """

    assignment = models.OneToOneField(
        Assignment,
        models.CASCADE,
        related_name="cohandler_view",
        verbose_name=_("co-handling assignment"),
    )
    # The assignment's item, kept here so that the item's pages list its views directly.
    suggestion = models.ForeignKey(
        Suggestion,
        models.CASCADE,
        related_name="cohandler_views",
        verbose_name=_("suggestion"),
    )
    text = models.TextField(_("written view"))
    submitted_at = models.DateTimeField(_("sent"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = _("co-handler's view")
        verbose_name_plural = _("co-handlers' views")

    def __str__(self):
        return str(self.assignment.organisation)


class ReminderSent(models.Model):
    """A reminder that went out, so that `send_reminders` run again sends nothing twice.

    `key` names the clock, the row it belongs to, its due date and the stage ("before" or
    "missed"): a due date that moves (an extension) starts a new pair of reminders.
    """

    key = models.CharField(_("reminder"), max_length=120, unique=True)
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")

    def __str__(self):
        return self.key
