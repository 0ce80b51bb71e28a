"""Filters for the public deputies directory (django-filter). Invalid values answer 400."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from congress.kit.listing import FastSelectFilterSet
from congress.models import Term, Town
from deputies.models import Delegation, Deputy, DeputyGroup


def current_term(request) -> Term | None:
    """The current term, looked up once per request: the directory and three of its filters
    are the current term's."""
    if request is None:
        return Term.objects.current()
    if not hasattr(request, "_current_term"):
        request._current_term = Term.objects.current()
    return request._current_term


def _choices(queryset) -> list[tuple[str, str]]:
    """(id, name) pairs in the model's order: read as tuples, no model instance per option."""
    return [(str(pk), name) for pk, name in queryset.values_list("pk", "name")]


def _parties(term):
    values = (
        Deputy.objects.filter(term=term)
        .exclude(party="")
        .order_by("party")
        .values_list("party", flat=True)
        .distinct()
    )
    return [(value, value) for value in values]


class DeputyFilter(FastSelectFilterSet):
    name = django_filters.CharFilter(label=_("Name"), method="filter_name", max_length=50)
    # The choices are the current term's, set per request in __init__ (an unknown id is not
    # among them: 400).
    delegation = django_filters.ChoiceFilter(
        label=_("Delegation"), choices=[], empty_label=_("All delegations")
    )
    town = django_filters.ChoiceFilter(
        label=_("Town or street"),
        choices=[],
        field_name="delegation__town",
        empty_label=_("All towns and streets"),
    )
    group = django_filters.ChoiceFilter(
        label=_("Deputy group"),
        choices=[],
        field_name="groups",
        distinct=True,
        empty_label=_("All groups"),
    )
    gender = django_filters.ChoiceFilter(
        label=_("Gender"), choices=Deputy.Gender.choices, empty_label=_("Any gender")
    )
    party = django_filters.ChoiceFilter(
        label=_("Political affiliation"), choices=[], empty_label=_("Any affiliation")
    )

    class Meta:
        model = Deputy
        fields = ["name", "delegation", "town", "group", "gender", "party"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        term = current_term(request)
        choices = {
            "delegation": _choices(Delegation.objects.filter(term=term)),
            "town": _choices(Town.objects.all()),
            "group": _choices(DeputyGroup.objects.filter(term=term)),
            "party": _parties(term),
        }
        for name, options in choices.items():
            self.filters[name].extra["choices"] = options

    def filter_name(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__contains=value)) if value else queryset
