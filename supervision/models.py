"""Supervision items, review opinions, the vote engine, livelihood and major projects.

The vote engine (Poll → PollVoter roll → BallotReceipt + Ballot / PaperTally → Result) serves
every vote the congress holds: the session's livelihood-project ballot, satisfaction evaluations
and approval votes on major projects. How votes are counted lives in `supervision.rules`.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from congress.kit.rules import rule as congress_rule
from congress.kit.workflow import Workflow
from congress.models import Meeting, Organisation, Term
from deputies.models import Deputy, DeputyGroup
from supervision import rules


def validate_pdf(upload):
    """A real PDF (by its first bytes, not its name) no larger than the configured limit."""
    limit = congress_rule("SUPERVISION_DOCUMENT_MAX_BYTES")
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is larger than %(limit)s MB."),
            code="too_large",
            params={"limit": limit // (1024 * 1024)},
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(5)
    upload.seek(position)
    if head != b"%PDF-":
        raise ValidationError(_("The file is not a PDF document."), code="not_pdf")


PDF_VALIDATORS = [FileExtensionValidator(["pdf"]), validate_pdf]
MONEY = {"max_digits": 14, "decimal_places": 2}


# --- Supervision -------------------------------------------------------------------------------


class Appointee(models.Model):
    """A person appointed by the standing committee (任命人员) who reports on their work."""

    name = models.CharField(_("name"), max_length=50)
    post = models.CharField(_("post"), max_length=100)
    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="appointees",
        verbose_name=_("organisation"),
    )
    appointed_on = models.DateField(_("appointed on"))

    class Meta:
        ordering = ["-appointed_on", "name"]
        verbose_name = _("appointee")
        verbose_name_plural = _("appointees")

    def __str__(self):
        return f"{self.name} ({self.post})"


class SupervisionItemQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)

    def of_year(self, year: int):
        return self.filter(meeting__date__year=year)


class SupervisionItem(models.Model):
    """One matter the standing committee supervised at a meeting: a report heard, accounts
    reviewed, an inspection, an inquiry, an appointee's report."""

    class Kind(models.TextChoices):
        WORK_REPORT = "work_report", _("special work report")
        PLAN_BUDGET = "plan_budget", _("plan, budget and final accounts")
        AUDIT = "audit", _("audit rectification")
        STATE_ASSETS = "state_assets", _("state-owned assets")
        DEBT = "debt", _("government debt")
        INSPECTION = "inspection", _("law-enforcement inspection")
        INQUIRY = "inquiry", _("special inquiry")
        APPOINTEE = "appointee", _("appointee report")

    meeting = models.ForeignKey(
        Meeting, models.PROTECT, related_name="supervision_items", verbose_name=_("meeting")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    reporting_organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_items",
        verbose_name=_("reporting organisation"),
    )
    debt_amount = models.DecimalField(
        _("debt amount (yuan)"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Only for government debt: the new debt approved, in yuan."),
    )
    appointee = models.ForeignKey(
        Appointee,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("appointee"),
    )
    satisfaction_poll = models.ForeignKey(
        "Poll",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervision_items",
        verbose_name=_("satisfaction evaluation"),
    )
    is_public = models.BooleanField(_("public"), default=False)

    objects = SupervisionItemQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-meeting__date", "id"]
        verbose_name = _("supervision item")
        verbose_name_plural = _("supervision items")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="debt") | Q(debt_amount__isnull=True),
                name="supervisionitem_debt_amount_only_for_debt",
            ),
            models.CheckConstraint(
                condition=Q(debt_amount__isnull=True) | Q(debt_amount__gte=0),
                name="supervisionitem_debt_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(kind="appointee", appointee__isnull=False)
                | (~Q(kind="appointee") & Q(appointee__isnull=True)),
                name="supervisionitem_appointee_iff_appointee_report",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("supervision:item_detail", args=[self.pk])


class SupervisionDocument(models.Model):
    """A PDF attached to a supervision item: the report, the review opinions, a resolution."""

    item = models.ForeignKey(
        SupervisionItem, models.CASCADE, related_name="documents", verbose_name=_("item")
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("PDF file"), upload_to="supervision/%Y/", validators=PDF_VALIDATORS)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["item", "order", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.title


class ReviewOpinionQuerySet(models.QuerySet):
    def with_report_status(self):
        first = RectificationReport.objects.filter(opinion=OuterRef("pk")).order_by("received_on")
        return self.annotate(
            first_report_on=models.Subquery(first.values("received_on")[:1]),
        )

    def overdue(self, on=None):
        """Opinions whose handling report is due before `on` (today) and has not come in."""
        on = on or timezone.localdate()
        received = RectificationReport.objects.filter(opinion=OuterRef("pk"))
        return self.filter(report_due__lt=on).exclude(Exists(received))


class ReviewOpinion(models.Model):
    """Deliberation opinions (审议意见) sent to the reporting organ after a meeting; it must answer
    in writing (研究处理情况报告) within REVIEW_OPINION_REPORT_MONTHS."""

    item = models.ForeignKey(
        SupervisionItem, models.CASCADE, related_name="opinions", verbose_name=_("item")
    )
    text = models.TextField(_("text"))
    issued_on = models.DateField(_("issued on"))
    report_due = models.DateField(_("handling report due"))

    objects = ReviewOpinionQuerySet.as_manager()

    class Meta:
        ordering = ["item", "issued_on", "id"]
        verbose_name = _("review opinion")
        verbose_name_plural = _("review opinions")
        constraints = [
            models.CheckConstraint(
                condition=Q(report_due__gte=F("issued_on")),
                name="reviewopinion_due_after_issue",
            )
        ]

    def __str__(self):
        return f"{self.item} · {self.issued_on:%Y-%m-%d}"


class RectificationReport(models.Model):
    """The organ's written report on how it handled the review opinions."""

    opinion = models.ForeignKey(
        ReviewOpinion, models.CASCADE, related_name="reports", verbose_name=_("review opinion")
    )
    received_on = models.DateField(_("received on"))
    text = models.TextField(_("text"), blank=True)
    file = models.FileField(
        _("PDF file"), upload_to="supervision/reports/%Y/", blank=True, validators=PDF_VALIDATORS
    )

    class Meta:
        ordering = ["opinion", "received_on", "id"]
        verbose_name = _("handling report")
        verbose_name_plural = _("handling reports")
        constraints = [
            models.CheckConstraint(
                condition=~Q(text="") | ~Q(file=""), name="rectificationreport_text_or_file"
            )
        ]

    def __str__(self):
        return f"{self.opinion} · {self.received_on:%Y-%m-%d}"

    @property
    def on_time(self) -> bool:
        return self.received_on <= self.opinion.report_due


# --- The vote engine ---------------------------------------------------------------------------


class Poll(Workflow, models.Model):
    """A vote: who may vote (the roll, frozen when it opens), on what (options) and by which rule."""

    class Kind(models.TextChoices):
        PROJECT_BALLOT = "project", _("project ballot")
        SATISFACTION = "satisfaction", _("satisfaction evaluation")
        APPROVAL = "approval", _("approval vote")

    Method = rules.Method
    Base = rules.Base
    Majority = rules.Majority

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", pgettext_lazy("poll", "open")
        CLOSED = "closed", pgettext_lazy("poll", "closed")
        PUBLISHED = "published", _("result published")

    # The only transitions the services allow; written once.
    TRANSITIONS = {
        Status.DRAFT: {Status.OPEN},
        Status.OPEN: {Status.CLOSED},
        Status.CLOSED: {Status.PUBLISHED},
        Status.PUBLISHED: set(),
    }
    # Actions that keep the status, and the statuses they are allowed in.
    STEPS = {
        "paper_tally": {Status.OPEN},  # staff enter a box of paper ballots
        "counted": {Status.CLOSED, Status.PUBLISHED},  # a run-off, the projects it selected
    }
    # The counting method a kind uses unless staff choose otherwise.
    DEFAULT_METHOD = {
        Kind.PROJECT_BALLOT: rules.Method.CHOOSE,
        Kind.SATISFACTION: rules.Method.EVALUATION,
        Kind.APPROVAL: rules.Method.APPROVAL,
    }

    term = models.ForeignKey(
        Term, models.PROTECT, null=True, blank=True, related_name="polls", verbose_name=_("term")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    method = models.CharField(_("counting method"), max_length=16, choices=rules.Method.choices)
    max_choices = models.PositiveSmallIntegerField(
        _("most choices per ballot"),
        null=True,
        blank=True,
        help_text=_("For ballots that pick options: a ballot marking more is invalid."),
    )
    seats = models.PositiveSmallIntegerField(
        _("places to fill"),
        null=True,
        blank=True,
        help_text=_("Leave empty when every option that reaches the threshold is carried."),
    )
    base = models.CharField(
        _("threshold base"), max_length=10, choices=rules.Base.choices, default=rules.Base.ELIGIBLE
    )
    majority = models.CharField(
        _("majority"),
        max_length=10,
        choices=rules.Majority.choices,
        default=rules.Majority.MORE_THAN_HALF,
    )
    present = models.PositiveIntegerField(
        _("voters present"),
        null=True,
        blank=True,
        help_text=_("Needed when the threshold is counted on the voters present."),
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    runoff_of = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="runoffs",
        verbose_name=_("run-off of"),
    )
    roll_size = models.PositiveIntegerField(_("voters on the roll"), null=True, blank=True)

    # Changes to the poll itself (status, rules, window); ballots are never tracked.
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opens_at", "id"]
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="poll_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=~Q(method="choose") | Q(max_choices__gte=1),
                name="poll_choose_needs_max_choices",
            ),
            models.CheckConstraint(
                condition=Q(seats__isnull=True) | Q(seats__gte=1), name="poll_seats_positive"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(roll_size__isnull=False),
                name="poll_roll_frozen_when_open",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def rule(self) -> rules.Rule:
        return rules.Rule(
            method=rules.Method(self.method),
            max_choices=self.max_choices,
            seats=self.seats,
            base=rules.Base(self.base),
            majority=rules.Majority(self.majority),
        )

    @property
    def grades(self):
        return rules.grade_choices(self.rule.method)

    def is_accepting(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.OPEN and self.opens_at <= now < self.closes_at


class PollOption(models.Model):
    """One line of the ballot: a candidate project, a report under evaluation, a major project."""

    poll = models.ForeignKey(Poll, models.CASCADE, related_name="options", verbose_name=_("poll"))
    label = models.CharField(_("label"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    amount = models.DecimalField(_("investment (yuan)"), **MONEY, null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["poll", "order", "id"]
        verbose_name = _("option")
        verbose_name_plural = _("options")
        constraints = [
            models.UniqueConstraint(fields=["poll", "label"], name="polloption_unique_label")
        ]

    def __str__(self):
        return self.label


class PollVoter(models.Model):
    """The roll: who may vote in a poll, copied when it opens and never changed afterwards."""

    poll = models.ForeignKey(Poll, models.CASCADE, related_name="roll", verbose_name=_("poll"))
    deputy = models.ForeignKey(
        Deputy, models.PROTECT, related_name="poll_rolls", verbose_name=_("deputy")
    )

    class Meta:
        verbose_name = _("voter on the roll")
        verbose_name_plural = _("roll")
        constraints = [
            models.UniqueConstraint(fields=["poll", "deputy"], name="pollvoter_unique_voter")
        ]

    def __str__(self):
        return f"{self.poll} · {self.deputy}"


class BallotReceipt(models.Model):
    """That a deputy has voted in a poll — and nothing about how.

    No timestamp and a random key: the receipt must not be matchable with a ballot by time or
    by sequence. The unique constraint is the last guard against voting twice.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, models.PROTECT, related_name="receipts", verbose_name=_("poll"))
    voter = models.ForeignKey(
        Deputy, models.PROTECT, related_name="ballot_receipts", verbose_name=_("voter")
    )

    class Meta:
        verbose_name = _("ballot receipt")
        verbose_name_plural = _("ballot receipts")
        constraints = [
            models.UniqueConstraint(fields=["poll", "voter"], name="ballotreceipt_one_per_voter")
        ]

    def __str__(self):
        return f"{self.poll} · {self.voter}"


class SealedBallot(models.Model):
    """A ballot waiting in the poll's pool: its marks sealed (AES-GCM, padded to one length).

    The voter's transaction writes this row with their receipt, so it carries the same `xmin`:
    what keeps the vote secret is that the key (`BALLOT_SEAL_KEY`) is never in the database, and
    that the row lives only until the pool holds an anonymity set of ballots. Then another
    transaction opens the whole pool, writes the ballots in a random order and deletes it
    (`services.ballot_pool_flush`). No timestamp, a random key.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(
        Poll, models.PROTECT, related_name="sealed_ballots", verbose_name=_("poll")
    )
    sealed = models.BinaryField(_("sealed marks"))

    class Meta:
        verbose_name = _("sealed ballot")
        verbose_name_plural = _("sealed ballots")

    def __str__(self):
        return str(_("sealed ballot"))


class Ballot(models.Model):
    """A secret ballot: the poll and the marks only. No voter, no time, a random key.

    `marks` maps option ids (as strings) to a grade code of the poll's method (`rules.GRADES`).
    Ballots are only ever written in shuffled batches of at least an anonymity set, by a
    transaction no voter's receipt is part of (see `SealedBallot`), and rewritten together,
    shuffled, when the poll closes.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, models.PROTECT, related_name="ballots", verbose_name=_("poll"))
    marks = models.JSONField(_("marks"), default=dict)
    valid = models.BooleanField(_("valid"), default=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self):
        return str(_("ballot"))


class PaperTally(models.Model):
    """The count of one box of paper ballots, entered by staff after the scrutineers counted it."""

    poll = models.ForeignKey(
        Poll, models.PROTECT, related_name="paper_tallies", verbose_name=_("poll")
    )
    label = models.CharField(_("ballot box"), max_length=100, blank=True)
    issued = models.PositiveIntegerField(_("ballots issued"))
    returned = models.PositiveIntegerField(_("ballots returned"))
    valid = models.PositiveIntegerField(_("valid ballots"))
    invalid = models.PositiveIntegerField(_("invalid ballots"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)

    class Meta:
        ordering = ["poll", "id"]
        verbose_name = _("paper tally")
        verbose_name_plural = _("paper tallies")
        constraints = [
            models.CheckConstraint(
                condition=Q(returned__lte=F("issued")), name="papertally_returned_not_above_issued"
            ),
            models.CheckConstraint(
                condition=Q(returned=F("valid") + F("invalid")),
                name="papertally_valid_plus_invalid_is_returned",
            ),
        ]

    def __str__(self):
        return self.label or f"{self.poll} #{self.pk}"


class PaperTallyCount(models.Model):
    """How many valid paper ballots of a box gave an option a grade (for a plain pick: "yes")."""

    tally = models.ForeignKey(
        PaperTally, models.CASCADE, related_name="counts", verbose_name=_("paper tally")
    )
    option = models.ForeignKey(
        PollOption, models.CASCADE, related_name="paper_counts", verbose_name=_("option")
    )
    grade = models.CharField(_("grade"), max_length=16)
    count = models.PositiveIntegerField(pgettext_lazy("votes", "count"))

    class Meta:
        verbose_name = _("paper count")
        verbose_name_plural = _("paper counts")
        constraints = [
            models.UniqueConstraint(
                fields=["tally", "option", "grade"], name="papertallycount_unique_line"
            )
        ]

    def __str__(self):
        return f"{self.option} · {self.grade}: {self.count}"


class Result(models.Model):
    """The result of a poll, computed once when it closes and never recomputed."""

    poll = models.OneToOneField(Poll, models.PROTECT, related_name="result", verbose_name=_("poll"))
    computed_at = models.DateTimeField(_("computed at"))
    data = models.JSONField(pgettext_lazy("vote", "result"))

    class Meta:
        verbose_name = pgettext_lazy("vote", "result")
        verbose_name_plural = pgettext_lazy("vote", "results")

    def __str__(self):
        return str(self.poll)

    @property
    def summary(self) -> rules.Outcome:
        return rules.Outcome.from_json(self.data)


# --- Livelihood projects and major projects ---------------------------------------------------


class ProjectIdea(models.Model):
    """An idea for a livelihood project sent in by a resident, a deputy group, a town, a department."""

    class Source(models.TextChoices):
        HOTLINE = "hotline", _("12345 hotline")
        MAILBOX = "mailbox", _("mayor's mailbox")
        PORTAL = "portal", _("government portal")
        WECHAT = "wechat", _("WeChat account")
        DEPUTIES = "deputies", _("deputy group")
        TOWN = "town", _("town or street")
        DEPARTMENT = "department", _("government department")
        OPINION = "opinion", _("resident's opinion")

    year = models.PositiveSmallIntegerField(_("for year"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    text = models.TextField(_("idea"))
    received_on = models.DateField(_("received on"))
    opinion_reference = models.CharField(
        _("resident's opinion"),
        max_length=40,
        blank=True,
        help_text=_("The tracking code of the resident's opinion this idea came from, if any."),
    )
    project = models.ForeignKey(
        "LivelihoodProject",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("merged into candidate"),
    )

    class Meta:
        ordering = ["year", "received_on", "id"]
        verbose_name = _("project idea")
        verbose_name_plural = _("project ideas")

    def __str__(self):
        return self.text[:40]


class LivelihoodProjectQuerySet(models.QuerySet):
    def of_year(self, year: int):
        return self.filter(year=year)

    def selected(self):
        return self.filter(status=LivelihoodProject.Status.SELECTED)


class LivelihoodProject(Workflow, models.Model):
    """A candidate livelihood project (民生实事候选项目) and, once voted in, its implementation."""

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("candidate")
        SELECTED = "selected", _("selected")
        NOT_SELECTED = "not_selected", _("not selected")

    TRANSITIONS = {
        Status.CANDIDATE: {Status.SELECTED, Status.NOT_SELECTED},
        Status.SELECTED: set(),
        Status.NOT_SELECTED: set(),
    }

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    title = models.CharField(_("title"), max_length=200)
    area = models.CharField(_("area"), max_length=50, blank=True)
    description = models.TextField(_("description"))
    investment = models.DecimalField(_("investment (yuan)"), **MONEY)
    completion_target = models.CharField(_("to be completed"), max_length=100, blank=True)
    owner = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="livelihood_projects",
        verbose_name=_("owner unit"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.CANDIDATE
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    ballot_option = models.OneToOneField(
        PollOption,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="livelihood_project",
        verbose_name=_("line on the session ballot"),
    )
    evaluation_option = models.OneToOneField(
        PollOption,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="evaluated_project",
        verbose_name=_("line on the year-end evaluation"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = LivelihoodProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "order", "id"]
        verbose_name = _("livelihood project")
        verbose_name_plural = _("livelihood projects")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "title"], name="livelihoodproject_unique_title"
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="livelihoodproject_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(investment__gte=0), name="livelihoodproject_investment_not_negative"
            ),
        ]

    def __str__(self):
        return self.title


class ProjectApproval(models.Model):
    """One step of a candidate's approval chain, in the order of `Step`."""

    class Step(models.TextChoices):
        EXECUTIVE = "executive", _("government executive meeting")
        CHAIRS = "chairs", _("chair's meeting")
        PARTY = "party", _("Party committee")
        STANDING = "standing", _("standing committee")

    project = models.ForeignKey(
        LivelihoodProject, models.CASCADE, related_name="approvals", verbose_name=_("project")
    )
    step = models.CharField(_("step"), max_length=10, choices=Step.choices)
    decided_on = models.DateField(_("decided on"))

    class Meta:
        ordering = ["project", "decided_on", "id"]
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        constraints = [
            models.UniqueConstraint(fields=["project", "step"], name="projectapproval_unique_step")
        ]

    def __str__(self):
        return f"{self.project} · {self.get_step_display()}"


class Milestone(models.Model):
    project = models.ForeignKey(
        LivelihoodProject, models.CASCADE, related_name="milestones", verbose_name=_("project")
    )
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["project", "due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return self.title


class Inspection(models.Model):
    """A deputy group's visit to a project (督查/视察) and what it told the owner unit."""

    project = models.ForeignKey(
        LivelihoodProject, models.CASCADE, related_name="inspections", verbose_name=_("project")
    )
    group = models.ForeignKey(
        DeputyGroup, models.PROTECT, related_name="inspections", verbose_name=_("deputy group")
    )
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    notes = models.TextField(_("notes"))

    class Meta:
        ordering = ["project", "date", "id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self):
        return f"{self.group} · {self.date:%Y-%m-%d}"


class InspectionPhoto(models.Model):
    inspection = models.ForeignKey(
        Inspection, models.CASCADE, related_name="photos", verbose_name=_("inspection")
    )
    image = models.ImageField(_("photo"), upload_to="inspections/%Y/")
    caption = models.CharField(_("caption"), max_length=200)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return self.caption


class MajorProjectQuerySet(models.QuerySet):
    def needing_vote(self):
        threshold = congress_rule("MAJOR_PROJECT_VOTE_THRESHOLD_YUAN")
        return self.filter(investment__gt=threshold)


class MajorProject(models.Model):
    """A major government investment project (政府重大投资项目) in the year's plan."""

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    name = models.CharField(_("name"), max_length=200)
    investment = models.DecimalField(_("total investment (yuan)"), **MONEY)
    owner = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="major_projects",
        verbose_name=_("owner unit"),
    )
    approval_option = models.OneToOneField(
        PollOption,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="major_project",
        verbose_name=_("line on the approval vote"),
    )

    objects = MajorProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-investment", "id"]
        verbose_name = _("major investment project")
        verbose_name_plural = _("major investment projects")
        constraints = [
            models.UniqueConstraint(fields=["year", "name"], name="majorproject_unique_name"),
            models.CheckConstraint(
                condition=Q(investment__gte=0), name="majorproject_investment_not_negative"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def needs_vote(self) -> bool:
        return self.investment > congress_rule("MAJOR_PROJECT_VOTE_THRESHOLD_YUAN")


class UnitEvaluation(models.Model):
    """The deputies' yearly satisfaction poll on one handling unit (issue 16): one poll per unit
    and year, its evidence the unit's public scorecard (linked by URL in the poll's text)."""

    year = models.PositiveSmallIntegerField(_("year"))
    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="evaluations", verbose_name=_("handling unit")
    )
    poll = models.OneToOneField(
        Poll, models.PROTECT, related_name="unit_evaluation", verbose_name=_("poll")
    )

    class Meta:
        ordering = ["-year", "organisation__order", "organisation__name"]
        verbose_name = _("unit satisfaction poll")
        verbose_name_plural = _("unit satisfaction polls")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "organisation"], name="unit_evaluation_once_a_year"
            )
        ]

    def __str__(self):
        return f"{self.year} · {self.organisation}"


# Filing review of normative documents and networked budget supervision live in their own
# modules; Django finds their models here.
from supervision.budget.models import (  # noqa: E402,F401
    BudgetSnapshot,
    BudgetTotal,
    BudgetWarning,
    DebtLine,
    ExecutionLine,
    FunctionalLine,
    ReserveLine,
    SanGongLine,
    TransferLine,
    WarningRule,
)
from supervision.budget.session import (  # noqa: E402,F401
    AnswerAssessment,
    BudgetInquiry,
    BudgetQuestion,
    DraftBudgetLine,
)
from supervision.filing.models import (  # noqa: E402,F401
    FilingReview,
    NormativeDocument,
    ReviewFinding,
    ReviewStep,
    ReviewSuggestion,
)
