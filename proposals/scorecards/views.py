"""The units' scorecards on the public site (issue 16): every unit's scorecard for a year beside
the rules that produced it, and one unit's with the items behind each figure. Only published
schemes are shown; staff preview a scheme in the admin."""

from django import forms
from django.core.exceptions import BadRequest
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from congress.kit.pagecache import accept_params, cached_page
from congress.kit.unitparts import unit_parts
from congress.models import Organisation
from proposals.scorecards import selectors

# The scorecards read the year's items and their handling ("suggestions"), the scheme
# ("scorecards") and the deputies' satisfaction polls on the units ("supervision").
TOPICS = ["suggestions", "scorecards", "supervision"]


class ResultFilter(forms.Form):
    result = forms.ChoiceField(
        label=_("Scorecard result"),
        required=False,
        choices=[("", _("All units")), ("passed", _("Passed")), ("failed", _("Failed"))],
    )


@cached_page(depends=["scorecards"])
def scorecard_years(request):
    return render(request, "proposals/scorecards/years.html", {"years": selectors.public_years()})


def year_context(scheme, *, result: str = "", preview: bool = False) -> dict:
    cards = selectors.scorecards(scheme)
    parts = unit_parts(scheme.year, [card.pk for card in cards])
    for card in cards:
        card.parts = parts.get(card.pk, [])
    shown = [c for c in cards if not result or c.passed == (result == "passed")]
    return {
        "scheme": scheme,
        "criteria": [
            (criterion, selectors.DEFINITIONS[criterion.kind])
            for criterion in scheme.criteria.all()
        ],
        "cards": shown,
        "passed": sum(card.passed for card in cards),
        "failed": sum(not card.passed for card in cards),
        "as_of": selectors.as_of(scheme.year),
        "preview": preview,
    }


@cached_page(depends=TOPICS)
def scorecard_year(request, year):
    accept_params(request, ["result"])
    scheme = selectors.public_scheme(year)
    if scheme is None:
        raise Http404
    form = ResultFilter(request.GET or None)
    if form.is_bound and not form.is_valid():
        request.invalid_filter_form = form
        raise BadRequest("invalid filter")
    result = form.cleaned_data["result"] if form.is_bound else ""
    context = year_context(scheme, result=result)
    return render(request, "proposals/scorecards/year.html", {**context, "filter": form})


def unit_context(scheme, organisation, *, preview: bool = False) -> dict | None:
    cards = selectors.scorecards(scheme, organisation_id=organisation.pk)
    if not cards:
        return None
    card = cards[0]
    card.parts = unit_parts(scheme.year, [card.pk]).get(card.pk, [])
    return {
        "scheme": scheme,
        "card": card,
        "definitions": selectors.DEFINITIONS,
        "as_of": selectors.as_of(scheme.year),
        "preview": preview,
    }


@cached_page(depends=TOPICS)
def scorecard_unit(request, year, pk):
    scheme = selectors.public_scheme(year)
    organisation = Organisation.objects.filter(pk=pk).first()
    if scheme is None or organisation is None:
        raise Http404
    context = unit_context(scheme, organisation)
    if context is None:
        raise Http404  # a unit with nothing to handle that year has no scorecard
    return render(request, "proposals/scorecards/unit.html", context)
