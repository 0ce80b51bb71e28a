"""Budget supervision's answers and the session's budget review (预算审查).

- A case's written inquiry is answered by the clerk of the unit it is addressed to, in their own
  login (supervision.budget.case_admin): the answer is a handling report of the inquiry
  (supervision.RectificationReport); staff then assess it (`AnswerAssessment`).
- The draft budget for next year by department (`DraftBudgetLine`), which deputies read in their
  workspace and question (`BudgetQuestion`); the finance bureau's clerk answers in their login,
  and the office publishes the questions and answers it chooses.

The clerks' admin for inquiries works on `BudgetInquiry`, a proxy of the warning: a case and its
inquiry, seen from the unit that must answer.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.kit.workflow import Workflow
from congress.models import Organisation
from deputies.models import Deputy
from supervision.budget.models import BudgetWarning, money


class BudgetInquiryQuerySet(models.QuerySet):
    def cases(self):
        return self.filter(
            status__in=[BudgetWarning.Status.CASE, BudgetWarning.Status.CLOSED],
            inquiry__isnull=False,
        )

    def addressed_to(self, units):
        """The cases whose inquiry went to one of `units` (organisation ids)."""
        return self.cases().filter(case__reporting_organisation__in=units)


class BudgetInquiry(BudgetWarning):
    """A warning opened as a case, as the unit that must answer its inquiry sees it."""

    objects = BudgetInquiryQuerySet.as_manager()  # type: ignore[assignment,misc]

    class Meta:
        proxy = True
        verbose_name = _("budget inquiry (函询)")
        verbose_name_plural = _("budget inquiries (函询)")


class AnswerAssessment(models.Model):
    """Staff's assessment of a unit's answer to a budget inquiry."""

    class Verdict(models.TextChoices):
        ACCEPTED = "accepted", _("answer accepted")
        INSUFFICIENT = "insufficient", _("answer insufficient: a further answer is asked")

    report = models.OneToOneField(
        "supervision.RectificationReport",
        models.CASCADE,
        related_name="budget_assessment",
        verbose_name=_("answer"),
    )
    verdict = models.CharField(_("assessment"), max_length=12, choices=Verdict.choices)
    note = models.TextField(_("note"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessed by"),
    )
    assessed_at = models.DateTimeField(_("assessed at"), default=timezone.now)

    class Meta:
        ordering = ["assessed_at", "id"]
        verbose_name = _("assessment of an answer")
        verbose_name_plural = _("assessments of answers")
        constraints = [
            models.CheckConstraint(
                condition=~Q(verdict="insufficient") | ~Q(note=""),
                name="answerassessment_insufficient_says_why",
            )
        ]

    def __str__(self):
        return self.get_verdict_display()


class DraftBudgetLine(models.Model):
    """A line of the draft budget for `year`, as the government submits it to the session."""

    year = models.PositiveSmallIntegerField(_("year"))
    department = models.ForeignKey(
        Organisation, models.PROTECT, related_name="+", verbose_name=_("department")
    )
    name = models.CharField(_("line"), max_length=200)
    amount = money(_("amount (yuan)"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["year", "department__name", "order", "id"]
        verbose_name = _("draft budget line")
        verbose_name_plural = _("draft budget lines")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "department", "name"], name="draftbudgetline_unique_name"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="draftbudgetline_amount_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.year} · {self.department} · {self.name}"


class BudgetQuestionQuerySet(models.QuerySet):
    def for_deputy(self, deputy):
        """What a deputy sees: every answered question, and their own drafts and sent ones."""
        return self.filter(Q(status=BudgetQuestion.Status.ANSWERED) | Q(deputy=deputy))

    def public(self):
        return self.filter(status=BudgetQuestion.Status.ANSWERED, published=True)


class BudgetQuestion(Workflow, models.Model):
    """A deputy's question on a department's lines of the draft budget, and the finance
    bureau's answer."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SENT = "sent", _("sent, waiting for the answer")
        ANSWERED = "answered", _("answered")

    TRANSITIONS = {
        Status.DRAFT: {Status.SENT},
        Status.SENT: {Status.ANSWERED},
        Status.ANSWERED: set(),
    }
    STAMPS = {Status.SENT: "sent_at", Status.ANSWERED: "answered_at"}
    STEPS = {"edit": {Status.DRAFT}, "publish": {Status.ANSWERED}}

    year = models.PositiveSmallIntegerField(_("year"))
    department = models.ForeignKey(
        Organisation, models.PROTECT, related_name="+", verbose_name=_("department")
    )
    line = models.ForeignKey(
        DraftBudgetLine,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("budget line"),
    )
    deputy = models.ForeignKey(
        Deputy, models.PROTECT, related_name="budget_questions", verbose_name=_("deputy")
    )
    text = models.TextField(_("question"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    published = models.BooleanField(_("published"), default=False)

    objects = BudgetQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "department__name", "created_at", "id"]
        verbose_name = _("budget review question")
        verbose_name_plural = _("budget review questions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="answered") | ~Q(answer=""),
                name="budgetquestion_answered_has_answer",
            ),
            models.CheckConstraint(
                condition=Q(published=False) | Q(status="answered"),
                name="budgetquestion_published_only_answered",
            ),
        ]

    def __str__(self):
        return f"{self.year} · {self.department} · {self.text[:30]}"
