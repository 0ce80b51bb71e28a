"""Filters of the public suggestion and motion lists, the statistics page and the CSV export.

Every filter validates its value: an unknown id, status or class makes the form invalid and the
page answers 400 (congress.kit.listing.FilteredListView). Filters read published data only: the
reply class is that of a published reply.
"""

import copy
from dataclasses import dataclass

import django_filters
from django.db import connection
from django.db.models import Exists, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from congress.kit.htmlrows import esc, joined
from congress.kit.listing import FastSelectFilterSet, LookupFilter, fixed_choices
from congress.kit.rules import rule
from congress.models import Organisation, Session, session_label
from deputies.models import Deputy
from proposals import search
from proposals.models import Assignment, CarryOver, Motion, Reply, Signature, Suggestion

YES_NO = [("1", _("yes")), ("0", _("no"))]


# The choices read only what their labels show: a session's other columns (dates, deadlines)
# cost more to convert than the labels to write.
def _sessions(request=None):
    return Session.objects.select_related("term").only("id", "number", "term", "term__number")


def _units():
    # A semi-join (EXISTS) stops at the first assignment of each unit; DISTINCT over the join
    # read every assignment (13 ms at 20,000 suggestions against under 1 ms).
    return Organisation.objects.filter(
        Exists(Assignment.objects.filter(organisation=OuterRef("pk"), suggestion__isnull=False))
    )


def _deputies():
    return Deputy.objects.all()


# Deputies and units are typed, not chosen from a <select>: ten terms of deputies made a list
# of thousands of options on every page (100 KB, most of the page's render).
def unit_lookup():
    return LookupFilter(
        label=_("Handling unit"),
        queryset=_units,
        search_fields=("name", "short_name"),
        method="filter_unit",
        help_text=_("Type part of the unit's name."),
        not_found=_("No handling unit called “%(text)s” was found. Type part of its name."),
    )


def deputy_lookup():
    return LookupFilter(
        label=pgettext_lazy("filter", "Deputy"),
        queryset=_deputies,
        method="filter_deputy",
        help_text=_("Type the deputy's name or part of it."),
        not_found=_("No deputy called “%(text)s” was found. Type part of the name."),
    )


def year_choices(first: int | None) -> list[tuple[int, int]]:
    """The year select's options: this year back to the first year of any suggestion."""
    last = timezone.localdate().year
    return [(year, year) for year in range(last, (first or last) - 1, -1)]


def _years(request=None):
    return year_choices(Suggestion.objects.order_by("year").values_list("year", flat=True).first())


# The options of the suggestion list's selects (sessions, categories, and the first year of any
# suggestion: the years run from it to this one) in one query, and no model instance per option:
# through the ORM, three queries and their instances cost more than the list's search. Each
# select in its model's order: sessions by term and number, latest first; categories by term,
# latest first, then by order and name. tests/proposals/test_list_options.py checks the order.
LIST_OPTIONS_SQL = """
    SELECT 'session', se.id, t.number, se.number, 0, ''
      FROM congress_session se INNER JOIN congress_term t ON t.id = se.term_id
    UNION ALL
    SELECT 'category', c.id, t.number, 0, c."order", c.name
      FROM congress_category c INNER JOIN congress_term t ON t.id = c.term_id
    UNION ALL
    SELECT 'year', MIN(year), 0, 0, 0, '' FROM proposals_suggestion
    ORDER BY 1, 3 DESC, 4 DESC, 5, 6, 2
"""


@dataclass(frozen=True)
class ListOptions:
    """The options of the suggestion list's selects as (value, label) pairs, as the form shows
    them (list_options)."""

    sessions: tuple[tuple[str, str], ...]
    categories: tuple[tuple[str, str], ...]
    years: tuple[tuple[int, int], ...]


def read_list_options() -> ListOptions:
    """The suggestion list's options (LIST_OPTIONS_SQL)."""
    sessions: list[tuple[str, str]] = []
    categories: list[tuple[str, str]] = []
    first = None
    with connection.cursor() as cursor:
        cursor.execute(LIST_OPTIONS_SQL)
        for kind, pk, term_number, number, _order, name in cursor.fetchall():
            if kind == "session":
                sessions.append((str(pk), session_label(term_number, number)))
            elif kind == "category":
                categories.append((str(pk), name))
            else:
                first = pk
    return ListOptions(tuple(sessions), tuple(categories), tuple(year_choices(first)))


def list_options(request) -> ListOptions:
    """read_list_options(), once a request (every read when there is no request)."""
    options = getattr(request, "_suggestion_list_options", None)
    if options is None:
        options = read_list_options()
        if request is not None:
            request._suggestion_list_options = options
    return options


class SuggestionFilter(FastSelectFilterSet):
    q = django_filters.CharFilter(
        label=_("Search titles and texts"), method="filter_search", max_length=100
    )
    # The choices of session, year and category are set per request in __init__ (an unknown
    # value is not among them: 400).
    session = django_filters.ChoiceFilter(
        label=_("Session"),
        choices=[],
        empty_label=_("All sessions"),
        null_label=_("Between sessions"),
    )
    year = django_filters.ChoiceFilter(label=_("Year"), choices=[], empty_label=_("All years"))
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=[], empty_label=_("All categories")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(s, Suggestion.Status(s).label) for s in Suggestion.Status.published()],
        empty_label=_("Any status"),
    )
    unit = unit_lookup()
    deputy = deputy_lookup()
    reply_class = django_filters.ChoiceFilter(
        label=_("Reply class"),
        choices=lambda: list(rule("REPLY_CLASSES")),
        method="filter_reply_class",
        empty_label=_("Any class"),
    )
    key = django_filters.ChoiceFilter(
        label=_("Key supervision"),
        choices=YES_NO,
        method="filter_key",
        empty_label=_("All"),
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Reply overdue"),
        choices=YES_NO,
        method="filter_overdue",
        empty_label=_("All"),
    )

    class Meta:
        model = Suggestion
        fields = [
            "q",
            "session",
            "year",
            "category",
            "status",
            "unit",
            "deputy",
            "reply_class",
            "key",
            "overdue",
        ]

    def __init__(self, *args, request=None, options: ListOptions | None = None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        options = options or list_options(request)
        for name, choices in (
            ("session", options.sessions),
            ("year", options.years),
            ("category", options.categories),
        ):
            self.filters[name].extra["choices"] = fixed_choices(choices)

    def filter_search(self, queryset, name, value):
        return search.search(queryset, value)

    def filter_unit(self, queryset, name, value):
        return queryset.for_unit(value)

    def filter_deputy(self, queryset, name, value):
        """Items the deputies (the ids the typed name resolved to) lead or co-signed."""
        signed = Signature.objects.filter(
            deputy__in=value, status=Signature.Status.CONFIRMED, suggestion__isnull=False
        ).values("suggestion_id")
        return queryset.filter(Q(lead__in=value) | Q(pk__in=signed))

    def filter_reply_class(self, queryset, name, value):
        published = Reply.objects.published().filter(
            suggestion=OuterRef("pk"), reply_class=value, is_followup=False
        )
        return queryset.filter(Exists(published))

    def filter_key(self, queryset, name, value):
        return queryset.filter(key_supervision=value == "1")

    def filter_overdue(self, queryset, name, value):
        overdue = Suggestion.objects.overdue().values("pk")
        return queryset.filter(pk__in=overdue) if value == "1" else queryset.exclude(pk__in=overdue)


def search_alone(data) -> bool:
    """Whether the suggestion list's query string chooses no filter but the search (a page
    number aside)."""
    return not any(data.get(name) for name in SuggestionFilter.base_filters if name != "q")


_search_filter: list[django_filters.Filter] = []  # a copy of SuggestionFilter's q, made once


def clean_search(text: str) -> str:
    """The search as SuggestionFilter's form cleans it (stripped; ValidationError when it is
    too long or holds a NUL), without building the form: a copy of its field does it."""
    if not _search_filter:
        _search_filter.append(copy.deepcopy(SuggestionFilter.base_filters["q"]))
    return _search_filter[0].field.clean(text)


# The list's filter fields when nothing but the search is chosen, as includes/fields.html writes
# them, by language and options: the fields with nothing chosen, and the same fields split where
# the search's text goes (a form with a marker as its search, rendered once). Building the form
# (django-filter deep-copies its filters and Django its fields) and rendering ten fields through
# templates cost more than the page's search (~5 ms of ~19 at ten times the demo). The options
# are the data itself, so a new session or category is a new key and never a stale form; so are
# the reply classes, a setting (tests replace it).
_MARK = "\ue000"  # a private-use character: in no label, and as it is after escaping
_search_fields: dict[tuple, tuple[str, str, str]] = {}
_SEARCH_FIELDS_KEPT = 16  # a few sets of options in each language; older keys are dropped


def search_fields(options: ListOptions, typed: str) -> SafeString:
    """includes/fields.html for the suggestion list's form bound to nothing but the search
    `typed` (as typed, unstripped: the field shows it so; "" shows none)."""
    key = (get_language(), options, tuple(rule("REPLY_CLASSES")))
    parts = _search_fields.get(key)
    if parts is None:
        blank = _fields_html(SuggestionFilter(None, options=options))
        with_mark = _fields_html(SuggestionFilter({"q": _MARK}, options=options))
        before, after = with_mark.split(_MARK)
        if len(_search_fields) >= _SEARCH_FIELDS_KEPT:
            _search_fields.clear()
        parts = _search_fields[key] = (blank, before, after)
    blank, before, after = parts
    return joined([before, esc(typed), after]) if typed else joined([blank])


def _fields_html(filterset: "SuggestionFilter") -> str:
    return render_to_string("includes/fields.html", {"form": filterset.form})


class MotionFilter(FastSelectFilterSet):
    q = django_filters.CharFilter(label=_("Search titles"), method="filter_search", max_length=100)
    session = django_filters.ModelChoiceFilter(
        label=_("Session"), queryset=_sessions, empty_label=_("All sessions")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[
            (s.value, s.label)
            for s in Motion.Status
            if s not in (Motion.Status.DRAFT, Motion.Status.WITHDRAWN)
        ],
        empty_label=_("Any status"),
    )
    deputy = deputy_lookup()

    class Meta:
        model = Motion
        fields = ["q", "session", "status", "deputy"]

    def filter_search(self, queryset, name, value):
        for word in search.terms(value):
            queryset = queryset.filter(
                Q(title__icontains=word) | Q(reason__icontains=word) | Q(proposal__icontains=word)
            )
        return queryset

    def filter_deputy(self, queryset, name, value):
        signed = Signature.objects.filter(
            deputy__in=value, status=Signature.Status.CONFIRMED, motion__isnull=False
        ).values("motion_id")
        return queryset.filter(Q(lead__in=value) | Q(pk__in=signed))


class StatsFilter(FastSelectFilterSet):
    """The statistics page: one session, or one year (session and between-session items)."""

    session = django_filters.ModelChoiceFilter(
        label=_("Session"), queryset=_sessions, empty_label=_("All sessions")
    )
    year = django_filters.ChoiceFilter(label=_("Year"), choices=_years, empty_label=_("All years"))

    class Meta:
        model = Suggestion
        fields = ["session", "year"]


def lead_unit_of(queryset):
    """Annotate each row with its lead unit's name (one subquery, no query per row)."""
    lead = Assignment.objects.filter(
        suggestion=OuterRef("pk"), active=True, role=Assignment.Role.LEAD
    )
    return queryset.annotate(lead_unit_name=Subquery(lead.values("organisation__name")[:1]))


class LedgerFilter(django_filters.FilterSet):
    """The look-back ledger's page: the entries of one status (an unknown one is a 400)."""

    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=CarryOver.Status.choices, empty_label=_("Any status")
    )

    class Meta:
        model = CarryOver
        fields = ["status"]
