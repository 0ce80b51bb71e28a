"""Filters of the public suggestion and motion lists, the statistics page and the CSV export.

Every filter validates its value: an unknown id, status or class makes the form invalid and the
page answers 400 (congress.kit.listing.FilteredListView). Filters read published data only: the
reply class is that of a published reply.
"""

import django_filters
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from congress.kit.listing import FastSelectFilterSet, LookupFilter
from congress.kit.rules import rule
from congress.models import Category, Organisation, Session
from deputies.models import Deputy
from proposals import search
from proposals.models import Assignment, CarryOver, Motion, Reply, Signature, Suggestion

YES_NO = [("1", _("yes")), ("0", _("no"))]


# The choices read only what their labels show: a session's other columns (dates, deadlines)
# cost more to convert than the labels to write.
def _sessions(request=None):
    return Session.objects.select_related("term").only("id", "number", "term", "term__number")


def _categories(request=None):
    return Category.objects.order_by("-term__number", "order", "name").only("id", "name")


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


def _years(request=None):
    first = Suggestion.objects.order_by("year").values_list("year", flat=True).first()
    last = timezone.localdate().year
    return [(year, year) for year in range(last, (first or last) - 1, -1)]


class SuggestionFilter(FastSelectFilterSet):
    q = django_filters.CharFilter(
        label=_("Search titles and texts"), method="filter_search", max_length=100
    )
    session = django_filters.ModelChoiceFilter(
        label=_("Session"),
        queryset=_sessions,
        empty_label=_("All sessions"),
        null_label=_("Between sessions"),
    )
    year = django_filters.ChoiceFilter(label=_("Year"), choices=_years, empty_label=_("All years"))
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=_categories, empty_label=_("All categories")
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
