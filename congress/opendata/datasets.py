"""Open data: every public dataset of the site, as CSV and JSON (/open-data/, export_open_data).

A dataset is registered with `register(Dataset(...))` (or `dataset(...)` over a QuerySet): a slug,
a title, its columns and a function `rows(year)` that yields one tuple per row, read from the apps'
public selectors and QuerySets only (published, public rows; never a private column). Each app
registers its own from its `opendata.py` (deputies/opendata.py, proposals/opendata.py,
supervision/opendata.py), which `autodiscover()` imports (congress.kit.registry); the annual
review's figures come from congress/review/opendata.py. This package never imports an app.

Queries per download are bounded, whatever the number of rows: each dataset reads its rows with
`iterator(chunk_size=…)` and `select_related`, and any `prefetch_related` runs once per chunk.
"""

import csv
import datetime
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import batched

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import timezone

from congress.kit.importing import escape_formula
from congress.kit.registry import Discovery

CHUNK = 2000
FIRST_YEAR = 2000


class BadYear(ValueError):
    """`?year=` is not a year the site can hold, or the dataset has no year."""


@dataclass(frozen=True)
class Column:
    key: str  # the JSON key, stable: scripts depend on it
    label: object  # the CSV header, translated


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: object
    description: object
    columns: tuple[Column, ...]
    rows: Callable[[int | None], Iterable[tuple]]
    count: Callable[[int | None], int]
    has_year: bool = True

    def keys(self) -> list[str]:
        return [c.key for c in self.columns]


_datasets: dict[str, Dataset] = {}
_discovery = Discovery("opendata", own=("congress.review.opendata",))


def register(dataset: Dataset) -> Dataset:
    if dataset.slug in _datasets:
        raise ValueError(f"open dataset {dataset.slug!r} is already registered")
    _datasets[dataset.slug] = dataset
    return dataset


def autodiscover() -> None:
    """Import every app's `opendata.py` once, then congress's own (the review's figures)."""
    _discovery.discover()


def all_datasets() -> list[Dataset]:
    autodiscover()
    return list(_datasets.values())


def get(slug: str) -> Dataset | None:
    autodiscover()
    return _datasets.get(slug)


def validate_year(raw: str | None) -> int | None:
    """A `?year=` value: None when absent, else a year between 2000 and next year."""
    if raw is None or raw == "":
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) != 4:
        raise BadYear("not a year")
    year = int(raw)
    if not FIRST_YEAR <= year <= timezone.localdate().year + 1:
        raise BadYear("year out of range")
    return year


def parse_year(raw: str | None, dataset: Dataset) -> int | None:
    """`validate_year`, and a dataset without a year refuses one rather than ignore it."""
    year = validate_year(raw)
    if year is not None and not dataset.has_year:
        raise BadYear("this dataset has no year")
    return year


# --- Writing ------------------------------------------------------------------------------------


def _cell(value, tz):
    """A CSV cell: text escaped against spreadsheet formulas, dates in ISO form (local time)."""
    if type(value) is str:  # most cells: the cheap test first
        return escape_formula(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime.datetime):
        return value.astimezone(tz).replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    return escape_formula(str(value))


class _Line:
    """A file-like object whose write() returns what it was given: csv.writer → one string."""

    def write(self, value):
        return value


def csv_chunks(dataset: Dataset, year: int | None = None) -> Iterator[str]:
    """The dataset as CSV text: a UTF-8 BOM (so that Excel reads Chinese), the header, the rows."""
    writer = csv.writer(_Line())
    tz = timezone.get_current_timezone()
    yield "\ufeff" + writer.writerow([str(c.label) for c in dataset.columns])
    for row in dataset.rows(year):
        yield writer.writerow([_cell(v, tz) for v in row])


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            return timezone.localtime(o).replace(microsecond=0).isoformat()
        try:
            return super().default(o)
        except TypeError:
            return str(o)  # lazy translations


def json_chunks(dataset: Dataset, year: int | None = None) -> Iterator[str]:
    """{"dataset", "title", "year", "columns": [{key, label}], "rows": [{key: value}]}, streamed."""
    head = {
        "dataset": dataset.slug,
        "title": str(dataset.title),
        "year": year,
        "columns": [{"key": c.key, "label": str(c.label)} for c in dataset.columns],
    }
    yield json.dumps(head, ensure_ascii=False, cls=_Encoder)[:-1] + ', "rows": ['
    keys = dataset.keys()
    separator = "\n"
    for row in dataset.rows(year):
        yield separator + json.dumps(
            dict(zip(keys, row, strict=True)), ensure_ascii=False, cls=_Encoder
        )
        separator = ",\n"
    yield "\n]}\n"


# --- Helpers for the apps' datasets -------------------------------------------------------------


def columns(*pairs) -> tuple[Column, ...]:
    return tuple(Column(key, label) for key, label in pairs)


def from_queryset(queryset_for: Callable, row: Callable) -> tuple[Callable, Callable]:
    """(rows, count) functions over `queryset_for(year)`, read in chunks."""

    def rows(year):
        for obj in queryset_for(year).iterator(chunk_size=CHUNK):
            yield row(obj)

    def count(year):
        return queryset_for(year).count()

    return rows, count


def dataset(slug, title, description, pairs, queryset_for, row, has_year=True) -> Dataset:
    """Register a dataset whose rows are `row(obj)` for each object of `queryset_for(year)`."""
    rows, count = from_queryset(queryset_for, row)
    return register(
        Dataset(slug, title, description, columns(*pairs), rows, count, has_year=has_year)
    )


def in_chunks(queryset) -> Iterator[tuple]:
    """The rows of `queryset` (values_list, best) read from the database CHUNK at a time, as
    tuples of rows: a dataset looks up the chunk's related rows in one query per relation."""
    return batched(queryset.iterator(chunk_size=CHUNK), CHUNK, strict=False)


def grouped(pairs: Iterable[tuple]) -> dict:
    """{key: [value, ...]} from (key, value) rows, in their order."""
    result: dict = {}
    for key, value in pairs:
        result.setdefault(key, []).append(value)
    return result


def names(people) -> str:
    return "、".join(p.name for p in people)


def term_in_year(year, prefix="term__") -> Q:
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return Q(**{f"{prefix}start_date__lte": end}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": start})
    )
