"""Filters for the public deputies directory (django-filter). Invalid values answer 400."""

from collections.abc import Callable

import django_filters
from django.db.models import CharField, F, Q, QuerySet, Value, Window
from django.db.models.functions import Cast, DenseRank
from django.utils.translation import gettext_lazy as _

from congress.kit.listing import FastSelectFilterSet
from congress.models import Term, Town
from deputies.models import Delegation, Deputy, DeputyGroup


def current_term_pk():
    """The current term's id as an SQL expression (Term.objects.current_pk()): the directory and
    three of its filters are the current term's, and filtering by the expression costs no
    round trip to read the term first."""
    return Term.objects.current_pk()


def _options(kind: str, queryset: QuerySet, value: str, label: str, *, ranked=True) -> QuerySet:
    """One select's options as (kind, value, label, position) rows for the union below. The
    position is the row's rank in its model's order (Meta.ordering), so that the union keeps
    each select's order; unranked rows (position 0) come in the order of their labels."""
    position = (
        Window(DenseRank(), order_by=[*queryset.model._meta.ordering, value])
        if ranked
        else Value(0)
    )
    return (
        queryset.order_by()
        .annotate(
            option_kind=Value(kind, output_field=CharField()),
            option_value=Cast(value, CharField()),
            option_label=F(label),
            option_position=position,
        )
        .values_list("option_kind", "option_value", "option_label", "option_position")
    )


def filter_choices(term) -> dict[str, list[tuple[str, str]]]:
    """The options of the directory's four selects, read in one query (UNION ALL) as (value,
    label) pairs, no model instance per option: the current term's delegations and groups,
    every town, and the political affiliations the term's deputies have (in alphabetical
    order, each once)."""
    parts = [
        _options("delegation", Delegation.objects.filter(term=term), "pk", "name"),
        _options("town", Town.objects.all(), "pk", "name"),
        _options("group", DeputyGroup.objects.filter(term=term), "pk", "name"),
        _options(
            "party",
            Deputy.objects.filter(term=term).exclude(party="").distinct(),
            "party",
            "party",
            ranked=False,
        ),
    ]
    first, *others = parts
    rows = first.union(*others, all=True).order_by("option_kind", "option_position", "option_label")
    choices: dict[str, list[tuple[str, str]]] = {
        part: [] for part in ("delegation", "town", "group", "party")
    }
    for kind, value, label, _position in rows:
        choices[kind].append((value, label))
    return choices


def _fixed(options: list[tuple[str, str]]) -> Callable[[], list[tuple[str, str]]]:
    # A callable, not the list: the form deep-copies its fields' choices for every form it
    # builds, and a list of a hundred options costs more to copy than to read.
    return lambda: options


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
        for name, options in filter_choices(current_term_pk()).items():
            self.filters[name].extra["choices"] = _fixed(options)

    def filter_name(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__contains=value)) if value else queryset
