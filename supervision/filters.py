"""Filters for the public list of supervision items (django-filter). Invalid values answer 400."""

import django_filters
from django.utils.translation import gettext_lazy as _

from supervision import selectors
from supervision.models import SupervisionItem


def _years(request=None):
    return [(str(year), str(year)) for year in selectors.supervision_years()]


class SupervisionFilter(django_filters.FilterSet):
    year = django_filters.ChoiceFilter(
        label=_("Year"), choices=_years, method="filter_year", empty_label=_("All years")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=SupervisionItem.Kind.choices, empty_label=_("All kinds")
    )

    class Meta:
        model = SupervisionItem
        fields = ["year", "kind"]

    def filter_year(self, queryset, name, value):
        return queryset.filter(meeting__date__year=int(value))
