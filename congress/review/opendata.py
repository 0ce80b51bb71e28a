"""The annual reviews' figures as an open dataset (congress/opendata)."""

from django.utils.translation import gettext_lazy as _

from congress.models import AnnualReview
from congress.opendata.datasets import Dataset, columns, register
from congress.review import registry


def _review_rows(year):
    """Each published review's figures: one row per number, one per point of a series.

    The figures are computed as the review page computes them: a few queries per figure key
    and year, never per row.
    """

    reviews = AnnualReview.objects.published().prefetch_related("sections").order_by("year")
    if year:
        reviews = reviews.filter(year=year)
    for review in reviews:
        keys = list(dict.fromkeys(k for s in review.sections.all() for k in s.keys))
        values = registry.compute(keys, review.year)
        for key in keys:
            fig = registry.get(key)
            if fig is None or key not in values:
                continue
            value = values[key]
            if fig.kind == registry.FigureKind.SERIES:
                for item, number in value or []:
                    yield (review.year, review.title, key, fig.label, item, number, fig.unit)
            else:
                yield (review.year, review.title, key, fig.label, "", value, fig.unit)


def _review_count(year):
    return sum(1 for _row in _review_rows(year))


register(
    Dataset(
        "review-figures",
        _("Annual review figures"),
        _("The figures of each published annual work review, as computed from the records."),
        columns(
            ("year", _("Year")),
            ("review", _("Review")),
            ("key", _("Figure key")),
            ("label", _("Figure")),
            ("item", _("Item")),
            ("value", _("Value")),
            ("unit", _("Unit")),
        ),
        _review_rows,
        _review_count,
    )
)
