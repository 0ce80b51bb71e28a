"""Filing review of normative documents (规范性文件备案审查).

A normative document (规范性文件) issued by the city government, its departments, the court, the
procuratorate or a town is filed with the standing committee within a set number of days after it
is published (FILING_DEADLINE_DAYS). The legislative-affairs office reviews each filing; where it
finds a problem the procedure escalates one step at a time — communication, a written inquiry
(函询), a written review opinion with a deadline to correct, the organ's correction report, and
if nothing is corrected a proposal to the standing committee to revoke the document. Each step is
a ReviewStep row with its date and, where the rules give one, its deadline: the review's record.
"""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from congress.kit.rules import rule
from congress.kit.uploads import generated_name, validate_attachment
from congress.kit.workflow import Workflow
from congress.models import Organisation


def filing_deadline_days() -> int:
    return rule("FILING_DEADLINE_DAYS")


def document_path(instance, filename):
    return generated_name("filings", filename)


class NormativeDocumentQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)

    def of_year(self, year: int):
        return self.filter(published_on__year=year)

    def filed(self):
        return self.filter(filed_on__isnull=False)

    def filed_late(self):
        days = datetime.timedelta(days=filing_deadline_days())
        return self.filter(filed_on__gt=F("published_on") + days)

    def filed_on_time(self):
        days = datetime.timedelta(days=filing_deadline_days())
        return self.filter(filed_on__lte=F("published_on") + days)

    def in_filing_state(self, state: str):
        """The documents whose `filing_state` is `state` today (on_time, late, overdue, due)."""
        if state == "due":
            overdue = self.unfiled_overdue().values("pk")
            return self.filter(filed_on__isnull=True).exclude(pk__in=overdue)
        return {
            "on_time": self.filed_on_time,
            "late": self.filed_late,
            "overdue": self.unfiled_overdue,
        }[state]()

    def unfiled_overdue(self, on: datetime.date | None = None):
        """Known to be published, not filed, and past the filing deadline on `on`."""
        on = on or timezone.localdate()
        last_published = on - datetime.timedelta(days=filing_deadline_days())
        return self.filter(filed_on__isnull=True, published_on__lt=last_published)


class NormativeDocument(models.Model):
    """One normative document an organ issued: filed with the standing committee, or known to be
    published and not yet filed (entered by the office from its "known published" list)."""

    class Category(models.TextChoices):
        GOVERNMENT = "government", _("city government document")
        DEPARTMENT = "department", _("government department document")
        JUDICIAL = "judicial", _("court or procuratorate document")
        TOWN = "town", _("town or street document")

    title = models.CharField(_("title"), max_length=200)
    number = models.CharField(_("document number"), max_length=60, blank=True)
    organ = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="normative_documents",
        verbose_name=_("issuing organ"),
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    published_on = models.DateField(_("published on"))
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    file = models.FileField(
        _("text as filed"),
        upload_to=document_path,
        blank=True,
        validators=[validate_attachment],
    )
    is_public = models.BooleanField(_("public"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = NormativeDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("normative document")
        verbose_name_plural = _("normative documents")
        constraints = [
            models.CheckConstraint(
                condition=Q(filed_on__isnull=True) | Q(filed_on__gte=F("published_on")),
                name="normativedocument_filed_after_published",
                violation_error_message=_("A document cannot be filed before it is published."),
            ),
            models.CheckConstraint(
                condition=Q(adopted_on__isnull=True) | Q(published_on__gte=F("adopted_on")),
                name="normativedocument_published_after_adopted",
                violation_error_message=_("A document cannot be published before it is adopted."),
            ),
            models.UniqueConstraint(
                fields=["organ", "number"],
                condition=~Q(number=""),
                name="normativedocument_unique_number_per_organ",
                violation_error_message=_("This organ already filed a document with this number."),
            ),
        ]

    def __str__(self):
        return f"{self.title}（{self.number}）" if self.number else self.title

    def get_absolute_url(self):
        return reverse("supervision:filing_detail", args=[self.pk])

    @property
    def filing_due(self) -> datetime.date:
        return self.published_on + datetime.timedelta(days=filing_deadline_days())

    @property
    def filing_state(self) -> str:
        """on_time, late, or unfiled (and, while before the deadline, not yet due)."""
        if self.filed_on:
            return "on_time" if self.filed_on <= self.filing_due else "late"
        return "overdue" if timezone.localdate() > self.filing_due else "due"

    FILING_STATE_LABELS = {
        "on_time": _("filed on time"),
        "late": _("filed late"),
        "overdue": _("published, not filed"),
        "due": _("filing due"),
    }

    def get_filing_state_display(self):
        return self.FILING_STATE_LABELS[self.filing_state]


class FilingReview(Workflow, models.Model):
    """The review of one filed document, from its start to its conclusion."""

    class Kind(models.TextChoices):
        ACTIVE = "active", _("review of every filing")
        REQUESTED = "requested", _("review on a state organ's request")
        SUGGESTED = "suggested", _("review on a suggestion")
        THEMED = "themed", _("themed review")
        REFERRED = "referred", _("review referred by another body")

    class Status(models.TextChoices):
        UNDER_REVIEW = "under_review", _("under review")
        COMMUNICATING = "communicating", _("in communication with the organ")
        INQUIRY = "inquiry", _("written inquiry sent")
        OPINION = "opinion", _("review opinion issued")
        REVOCATION = "revocation", _("revocation proposed")
        NO_ISSUE = "no_issue", _("no issue found")
        CORRECTED = "corrected", _("corrected by the organ")
        REVOKED = "revoked", _("revoked by the standing committee")

    # The procedure escalates one step at a time (no step is skipped); the organ may correct at
    # any point once a problem is raised, and a review may end without issue until an opinion
    # is issued.
    TRANSITIONS = {
        Status.UNDER_REVIEW: {Status.NO_ISSUE, Status.COMMUNICATING},
        Status.COMMUNICATING: {Status.NO_ISSUE, Status.INQUIRY, Status.CORRECTED},
        Status.INQUIRY: {Status.NO_ISSUE, Status.OPINION, Status.CORRECTED},
        Status.OPINION: {Status.CORRECTED, Status.REVOCATION},
        Status.REVOCATION: {Status.CORRECTED, Status.REVOKED},
        Status.NO_ISSUE: set(),
        Status.CORRECTED: set(),
        Status.REVOKED: set(),
    }
    CONCLUDED = {Status.NO_ISSUE, Status.CORRECTED, Status.REVOKED}
    ISSUE_FOUND = {
        Status.COMMUNICATING,
        Status.INQUIRY,
        Status.OPINION,
        Status.REVOCATION,
        Status.CORRECTED,
        Status.REVOKED,
    }

    document = models.ForeignKey(
        NormativeDocument, models.PROTECT, related_name="reviews", verbose_name=_("document")
    )
    kind = models.CharField(_("kind of review"), max_length=16, choices=Kind.choices)
    requested_by = models.CharField(
        _("requested or referred by"),
        max_length=100,
        blank=True,
        help_text=_("The organ that asked for the review or sent it on, where there is one."),
    )
    theme = models.CharField(_("theme"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.UNDER_REVIEW
    )
    started_on = models.DateField(_("started on"))
    due_on = models.DateField(_("current step due on"), null=True, blank=True)
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)
    conclusion = models.TextField(_("conclusion (public)"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("filing review")
        verbose_name_plural = _("filing reviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(concluded_on__isnull=True) | Q(concluded_on__gte=F("started_on")),
                name="filingreview_concluded_after_started",
            ),
            # One review at a time per document: later concerns are added to the open review.
            models.UniqueConstraint(
                fields=["document"],
                condition=Q(
                    status__in=["under_review", "communicating", "inquiry", "opinion", "revocation"]
                ),
                name="filingreview_one_open_per_document",
            ),
        ]

    def __str__(self):
        return f"{self.document.title} · {self.get_kind_display()}"

    @property
    def concluded(self) -> bool:
        return self.status in self.CONCLUDED


class ReviewFinding(models.Model):
    """A problem the review found in the document, on one of the standard grounds."""

    class Ground(models.TextChoices):
        UNCONSTITUTIONAL = "law", _("conflicts with the Constitution or a law")
        BEYOND_AUTHORITY = "authority", _("beyond the organ's authority")
        RIGHTS = "rights", _("improperly restricts rights or adds duties")
        INAPPROPRIATE = "inappropriate", _("clearly inappropriate")
        PROCEDURE = "procedure", _("breaches the required procedure")

    review = models.ForeignKey(
        FilingReview, models.CASCADE, related_name="findings", verbose_name=_("review")
    )
    ground = models.CharField(_("ground"), max_length=16, choices=Ground.choices)
    articles = models.CharField(_("articles concerned"), max_length=200, blank=True)
    explanation = models.TextField(_("explanation"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self):
        return self.get_ground_display()


class ReviewStep(models.Model):
    """One step of the review's procedure, with its date and the deadline it sets."""

    class Kind(models.TextChoices):
        STARTED = "started", _("review started")
        NO_ISSUE = "no_issue", _("concluded: no issue found")
        COMMUNICATED = "communicated", _("problem raised with the organ")
        INQUIRY_SENT = "inquiry_sent", _("written inquiry sent to the organ")
        INQUIRY_ANSWERED = "inquiry_answered", _("the organ answered the inquiry")
        OPINION_ISSUED = "opinion_issued", _("written review opinion issued")
        CORRECTED = "corrected", _("the organ reported its correction")
        REVOCATION_PROPOSED = (
            "revocation_proposed",
            _("revocation proposed to the standing committee"),
        )
        REVOKED = "revoked", _("revoked by the standing committee")

    review = models.ForeignKey(
        FilingReview, models.CASCADE, related_name="steps", verbose_name=_("review")
    )
    kind = models.CharField(_("step"), max_length=24, choices=Kind.choices)
    on = models.DateField(pgettext_lazy("date of a step", "on"))
    due_on = models.DateField(_("answer due on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")

    def __str__(self):
        return self.get_kind_display()


SUGGESTION_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SUGGESTION_CODE_LENGTH = 10


def new_suggestion_code() -> str:
    return "".join(secrets.choice(SUGGESTION_CODE_ALPHABET) for _ in range(SUGGESTION_CODE_LENGTH))


def normalise_suggestion_code(raw: str) -> str:
    return "".join((raw or "").split()).upper()


class ReviewSuggestion(models.Model):
    """A resident's or an organisation's suggestion that a document be reviewed (审查建议).

    The sender follows it with its tracking code, which is the only way to it from outside: it
    is never listed. The name and phone are for the office to reply; they are never public."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("received, awaiting the office's answer")
        ACCEPTED = "accepted", _("accepted for review")
        MERGED = "merged", _("added to a review already under way")
        NOT_IN_REMIT = "not_in_remit", _("not within the filing review's remit")

    code = models.CharField(
        _("tracking code"), max_length=16, unique=True, default=new_suggestion_code, editable=False
    )
    document = models.ForeignKey(
        NormativeDocument,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("document"),
    )
    document_title = models.CharField(
        _("document named by the sender"),
        max_length=200,
        blank=True,
        help_text=_("When the document is not in the register."),
    )
    grounds = models.TextField(_("grounds"))
    name = models.CharField(_("name (not public)"), max_length=50, blank=True)
    phone = models.CharField(_("phone (not public)"), max_length=20, blank=True)
    consent = models.BooleanField(_("consent to be contacted"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    answer_due = models.DateField(_("answer due on"))
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer = models.TextField(_("the office's answer"), blank=True)
    review = models.ForeignKey(
        FilingReview,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("review"),
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("review suggestion")
        verbose_name_plural = _("review suggestions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(document__isnull=True, document_title=""),
                name="reviewsuggestion_names_a_document",
            ),
        ]

    def __str__(self):
        return str(self.document or self.document_title)

    def get_absolute_url(self):
        return reverse("supervision:filing_suggestion_track", args=[self.code])
