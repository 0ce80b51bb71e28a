"""Filters for the public deputies directory (django-filter). Invalid values answer 400."""

from dataclasses import dataclass

import django_filters
from django.db import connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from congress.kit.listing import FastSelectFilterSet, fixed_choices
from deputies.models import Deputy

# The current term's id (as Term.objects.current(): the term in force today with the highest
# number, else the latest term) and the four selects' options, in one query; each select in its
# model's order (Meta.ordering): delegations by their town's order and name, towns by order and
# name, groups by kind and name, and the term's political affiliations, each once,
# alphabetically. Columns: kind, value, label, then a number and a text that sort a select
# before its label and id do. Written as SQL: built through the ORM (a union of four annotated
# querysets, and the term's lookup) it cost more than the queries it replaced; as SQL it costs
# one round trip. tests/deputies/test_public_pages.py checks the order and the term. The
# affiliations are read by skipping through the index deputy_term_party, one probe for the first
# and one after each (a recursive query, as PostgreSQL has no skip scan): DISTINCT read the
# term's 2,800 deputies, 1.3 ms in PostgreSQL, the probes 0.13 ms. (party > '' is party <> ''
# for any collation, and bounds the first probe.)
OPTIONS_SQL = """
    WITH RECURSIVE term AS (
        SELECT id FROM congress_term
         ORDER BY CASE WHEN start_date <= %(on)s AND (end_date IS NULL OR end_date >= %(on)s)
                       THEN 0 ELSE 1 END,
                  number DESC
         LIMIT 1
    ),
    parties(party) AS (
        SELECT MIN(party) FROM deputies_deputy
         WHERE term_id = (SELECT id FROM term) AND party > ''
        UNION ALL
        SELECT (SELECT MIN(d.party) FROM deputies_deputy d
                 WHERE d.term_id = (SELECT id FROM term) AND d.party > p.party)
          FROM parties p
         WHERE p.party IS NOT NULL
    )
    SELECT 'term', CAST(id AS TEXT), '', 0, '', id
      FROM term
    UNION ALL
    SELECT 'delegation', CAST(d.id AS TEXT), d.name, t."order", '', d.id
      FROM deputies_delegation d INNER JOIN congress_town t ON t.id = d.town_id
     WHERE d.term_id = (SELECT id FROM term)
    UNION ALL
    SELECT 'town', CAST(t.id AS TEXT), t.name, t."order", '', t.id
      FROM congress_town t
    UNION ALL
    SELECT 'group', CAST(g.id AS TEXT), g.name, 0, g.kind, g.id
      FROM deputies_deputygroup g
     WHERE g.term_id = (SELECT id FROM term)
    UNION ALL
    SELECT 'party', party, party, 0, '', 0
      FROM parties
     WHERE party IS NOT NULL
"""
# With no filter chosen the same query counts the term's deputies: the paginator's count.
TOTAL_SQL = """
    UNION ALL
    SELECT 'total', CAST(COUNT(*) AS TEXT), '', 0, '', 0
      FROM deputies_deputy p
     WHERE p.term_id = (SELECT id FROM term)
"""
ORDER_SQL = """
    ORDER BY 1, 4, 5, 3, 6
"""


@dataclass(frozen=True)
class DirectoryOptions:
    term_id: int | None  # the current term's; None when there is no term at all
    choices: dict[str, list[tuple[str, str]]]  # (value, label) pairs by filter name
    total: int | None  # the number of the term's deputies, if asked for


def read_options(*, total: bool) -> DirectoryOptions:
    """The current term, the options of the directory's four selects as (value, label) pairs,
    in one query (OPTIONS_SQL) and no model instance per option: the term's delegations and
    groups, every town, and the political affiliations the term's deputies have; and, if
    asked, the number of the term's deputies (else None)."""
    choices: dict[str, list[tuple[str, str]]] = {
        part: [] for part in ("delegation", "town", "group", "party")
    }
    sql = OPTIONS_SQL + (TOTAL_SQL if total else "") + ORDER_SQL
    term_id = deputies = None
    with connection.cursor() as cursor:
        cursor.execute(sql, {"on": timezone.localdate()})
        for kind, value, label, *_order in cursor.fetchall():
            if kind == "term":
                term_id = int(value)
            elif kind == "total":
                deputies = int(value)
            else:
                choices[kind].append((value, label))
    return DirectoryOptions(term_id, choices, deputies)


def directory_options(request, *, total: bool = False) -> DirectoryOptions:
    """read_options(), once a request (again only if the count is asked for after a read
    without it): the directory's list and its filters are the current term's."""
    options = getattr(request, "_directory_options", None)
    if options is None or (total and options.total is None):
        options = request._directory_options = read_options(total=total)
    return options


def is_filtered(data) -> bool:
    """Whether the query string chooses a filter (a parameter of the form with a value)."""
    return any(data.get(name) for name in DeputyFilter.base_filters)


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

    def __init__(self, *args, request=None, choices=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        # With no filter chosen (the directory's first page, or another page of it) the list is
        # the term's deputies: their number comes with the choices, and the paginator does not
        # count them again (unfiltered_count; None when a filter is chosen).
        self.unfiltered_count = None
        if choices is None:
            options = directory_options(request, total=not is_filtered(self.data))
            choices, self.unfiltered_count = options.choices, options.total
        for name, options in choices.items():
            self.filters[name].extra["choices"] = fixed_choices(options)

    def filter_name(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__contains=value)) if value else queryset


# The fields of the form with no filter chosen, as HTML, by language and options: the options
# are the data itself (every name and id the selects show), so a rename, a new group or a new
# affiliation is a new key and never a stale form. Building the form (django-filter deep-copies
# its filters and Django its fields) and writing ~150 options cost more than the rest of the page.
_blank_fields: dict[tuple, SafeString] = {}
_BLANK_FIELDS_KEPT = 16  # a few terms' worth in each language; older keys are simply dropped


def blank_fields(choices: dict[str, list[tuple[str, str]]]) -> SafeString:
    """The filter form's fields with nothing chosen, as includes/fields.html writes them."""
    key = (get_language(), *(tuple(options) for options in choices.values()))
    html = _blank_fields.get(key)
    if html is None:
        form = DeputyFilter(None, choices=choices).form
        html = render_to_string("includes/fields.html", {"form": form})
        if len(_blank_fields) >= _BLANK_FIELDS_KEPT:
            _blank_fields.clear()
        _blank_fields[key] = html
    return html
