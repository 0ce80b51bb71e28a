"""The public register of filed normative documents and the outcomes of their reviews."""

import django_filters
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from congress.kit.listing import FilteredListView
from supervision.filing.models import (
    FilingReview,
    NormativeDocument,
    ReviewStep,
    filing_deadline_days,
)


def _years(request=None):
    years = NormativeDocument.objects.public().dates("published_on", "year", order="DESC")
    return [(str(day.year), str(day.year)) for day in years]


FILING_CHOICES = [
    ("on_time", _("filed on time")),
    ("late", _("filed late")),
    ("overdue", _("published, not filed")),
]


class FilingFilter(django_filters.FilterSet):
    year = django_filters.ChoiceFilter(
        label=_("Year"), choices=_years, method="filter_year", empty_label=_("All years")
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"),
        choices=NormativeDocument.Category.choices,
        empty_label=_("All categories"),
    )
    filing = django_filters.ChoiceFilter(
        label=_("Filing"), choices=FILING_CHOICES, method="filter_filing", empty_label=_("All")
    )
    review = django_filters.ChoiceFilter(
        label=_("Review"),
        choices=FilingReview.Status.choices,
        method="filter_review",
        empty_label=_("All"),
    )

    class Meta:
        model = NormativeDocument
        fields = ["year", "category", "filing", "review"]

    def filter_year(self, queryset, name, value):
        return queryset.of_year(int(value))

    def filter_filing(self, queryset, name, value):
        return {
            "on_time": queryset.filed_on_time,
            "late": queryset.filed_late,
            "overdue": queryset.unfiled_overdue,
        }[value]()

    def filter_review(self, queryset, name, value):
        return queryset.filter(reviews__status=value).distinct()


def public_documents():
    return (
        NormativeDocument.objects.public()
        .select_related("organ")
        .prefetch_related(
            Prefetch("reviews", queryset=FilingReview.objects.order_by("-started_on", "-id"))
        )
    )


class FilingListView(FilteredListView):
    template_name = "supervision/filing_list.html"
    filterset_class = FilingFilter
    context_object_name = "documents"

    def get_base_queryset(self):
        return public_documents()

    def get_context_data(self, **kwargs):
        return super().get_context_data(filing_days=filing_deadline_days(), **kwargs)


def document_detail(request, pk):
    document = (
        public_documents()
        .prefetch_related(
            "reviews__findings",
            Prefetch("reviews__steps", queryset=ReviewStep.objects.order_by("on", "id")),
        )
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise Http404
    return render(request, "supervision/filing_detail.html", {"document": document})
