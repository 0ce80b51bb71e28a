"""What suggestions and motions share: the proposal row, its code, co-signatures, ratings."""

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from congress.kit.numerals import chinese_numeral
from congress.kit.rules import rule
from congress.kit.workflow import Workflow
from congress.models import Session, Term
from deputies.models import Deputy

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager

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
    return [(code, label) for code, label in rule("REPLY_CLASSES")]


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    BASICALLY = "basically", _("basically satisfied")
    UNSATISFIED = "unsatisfied", _("unsatisfied")


class Decision(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")


class Proposal(Workflow, models.Model):
    """What a suggestion and a motion share."""

    signatures: "RelatedManager[Signature]"  # Signature's foreign key to each kind

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


class Signature(models.Model):
    """A deputy asked to co-sign (附议) a suggestion or a motion, and their answer."""

    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("co-signature status", "requested")
        CONFIRMED = "confirmed", _("confirmed")
        DECLINED = "declined", _("declined")

    suggestion = models.ForeignKey(
        "Suggestion",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="signatures",
        verbose_name=_("suggestion"),
    )
    motion = models.ForeignKey(
        "Motion",
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
