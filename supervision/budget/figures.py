"""Figures of the annual review (congress.review.registry) from budget supervision: the year's
warnings, the cases opened from them and the cases a later month's figures closed."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from congress.review.registry import figure
from supervision.budget.models import BudgetWarning

S = BudgetWarning.Status


@figure(
    "budget.warnings",
    summary="supervision",
    label=_("Budget warnings raised"),
    definition=_("Warnings the budget rules raised on the year's monthly figures."),
    unit=pgettext_lazy("figure unit", "warnings"),
)
def warnings_raised(year: int) -> int:
    return BudgetWarning.objects.of_year(year).count()


@figure(
    "budget.cases_opened",
    summary="supervision",
    label=_("Budget warnings opened as cases"),
    definition=_("Warnings of the year opened as a case with a written inquiry to the department."),
    unit=pgettext_lazy("figure unit", "cases"),
)
def cases_opened(year: int) -> int:
    return BudgetWarning.objects.of_year(year).filter(status__in=[S.CASE, S.CLOSED]).count()


@figure(
    "budget.cases_closed",
    summary="supervision",
    label=_("Budget cases closed"),
    definition=_(
        "Cases of the year closed after the department answered and a later month's figures "
        "were back within the rule's threshold."
    ),
    unit=pgettext_lazy("figure unit", "cases"),
)
def cases_closed(year: int) -> int:
    return BudgetWarning.objects.of_year(year).filter(status=S.CLOSED).count()
