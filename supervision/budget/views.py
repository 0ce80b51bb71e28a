"""The public budget page: the figures the government has published, in plain words, and the
session's budget-review questions and answers the office has published."""

from django.http import Http404
from django.shortcuts import render

from congress.kit.pagecache import cached_page
from supervision.budget import register
from supervision.budget.session import BudgetQuestion


@cached_page(depends=["budget"])
def budget_year(request, year):
    sections = register.sections(year, published_only=True)
    questions = list(
        BudgetQuestion.objects.public()
        .filter(year=year)
        .select_related("department", "line")
        .order_by("department__name", "sent_at", "id")
    )
    if not sections and not questions:
        raise Http404
    return render(
        request,
        "supervision/budget_year.html",
        {
            "year": year,
            "sections": sections,
            "questions": questions,
            "years": register.years(published_only=True),
        },
    )
