"""The handling units' scorecard (承办单位考评), its rules kept as data (issue 16).

Staff define, per year, a scheme and its criteria: each criterion is one measurable kind read
from the records (assignments, replies, ratings, the contact log) with its thresholds. The
figures are computed (proposals/scorecards/selectors.py), never typed; the public page shows
every unit's scorecard beside the rules that produced it once the scheme is published.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class ScorecardScheme(models.Model):
    """One year's rules for judging the handling units."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    name = models.CharField(_("name"), max_length=120)
    fail_on_any = models.BooleanField(
        _("one failed criterion fails the unit"),
        default=True,
        help_text=_("Off: the unit passes when it meets at least the number of criteria below."),
    )
    min_met = models.PositiveSmallIntegerField(
        _("criteria a unit must meet"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Only when one failed criterion does not fail the unit."),
    )
    published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Only published schemes and their scorecards are shown on the public site."),
    )
    note = models.TextField(_("note for the public"), blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("unit scorecard scheme")
        verbose_name_plural = _("unit scorecard schemes")
        constraints = [
            models.CheckConstraint(
                condition=Q(fail_on_any=True) | Q(min_met__gte=1),
                name="scorecard_scheme_min_met_when_lenient",
            )
        ]

    def __str__(self):
        return f"{self.year} · {self.name}"

    def clean(self):
        if not self.fail_on_any and not self.min_met:
            raise ValidationError({"min_met": _("Say how many criteria a unit must meet to pass.")})


class ScorecardCriterion(models.Model):
    """One rule of a scheme: a kind of figure the records give, and the threshold to meet."""

    class Kind(models.TextChoices):
        SIGNED_WITHIN = "signed_within", _("signed for within N working days of assignment")
        REPLIED_ON_TIME = "replied_on_time", _("replied by the due date")
        SATISFIED = "satisfied", _("deputies satisfied with the handling")
        CONTACT_CONFIRMED = "contact_confirmed", _("a contact the lead deputy confirmed")
        PROMISES_KEPT = "promises_kept", _("class B items on schedule")

    # The kinds whose threshold counts working days.
    NEEDS_DAYS = {Kind.SIGNED_WITHIN}

    scheme = models.ForeignKey(
        ScorecardScheme, models.CASCADE, related_name="criteria", verbose_name=_("scheme")
    )
    kind = models.CharField(_("criterion"), max_length=20, choices=Kind.choices)
    days = models.PositiveSmallIntegerField(
        _("working days"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("For signing for: the working days a unit has after the assignment."),
    )
    min_share = models.DecimalField(
        _("lowest share (%)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal(100),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("The share of the unit's items (of ratings, for satisfaction) that must "
                    "meet the criterion; 100 means every one."),
    )  # fmt: skip
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["scheme", "order", "id"]
        verbose_name = _("scorecard criterion")
        verbose_name_plural = _("scorecard criteria")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "kind"], name="scorecard_criterion_one_kind"),
            models.CheckConstraint(
                condition=Q(min_share__gte=0, min_share__lte=100),
                name="scorecard_criterion_share_range",
            ),
            models.CheckConstraint(
                condition=~Q(kind="signed_within") | Q(days__gte=1),
                name="scorecard_criterion_days_when_signing",
            ),
        ]

    def __str__(self):
        return str(self.rule_text)

    def clean(self):
        if self.kind in self.NEEDS_DAYS and not self.days:
            raise ValidationError({"days": _("Say within how many working days.")})

    @property
    def share_text(self) -> str:
        share = self.min_share.normalize() if self.min_share is not None else ""
        return f"{share:f}" if share != "" else ""

    @property
    def rule_text(self) -> str:
        """The rule in a clerk's words, e.g. "按期答复率 ≥ 80%"."""
        every = self.min_share is not None and self.min_share >= 100
        share = self.share_text
        match self.kind:
            case self.Kind.SIGNED_WITHIN:
                if every:
                    return gettext("Every item signed for within %(days)s working days") % {
                        "days": self.days
                    }
                return gettext("Items signed for within %(days)s working days ≥ %(share)s%%") % {
                    "days": self.days,
                    "share": share,
                }
            case self.Kind.REPLIED_ON_TIME:
                if every:
                    return gettext("Every item replied to by its due date")
                return gettext("Replied on time ≥ %(share)s%%") % {"share": share}
            case self.Kind.SATISFIED:
                if every:
                    return gettext("Every rating satisfied or basically satisfied")
                return gettext("Satisfied ≥ %(share)s%%") % {"share": share}
            case self.Kind.CONTACT_CONFIRMED:
                if every:
                    return gettext("A confirmed contact for every lead item")
                return gettext("Lead items with a confirmed contact ≥ %(share)s%%") % {
                    "share": share
                }
            case self.Kind.PROMISES_KEPT:
                if every:
                    return gettext("No class B item overdue against its promise")
                return gettext("Class B items on schedule ≥ %(share)s%%") % {"share": share}
        return str(self.get_kind_display())
