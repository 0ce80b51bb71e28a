"""Open data: every public dataset of the site, as CSV and JSON (/open-data/, export_open_data).

A dataset is registered here with `register(Dataset(...))`: a slug, a title, its columns and a
function `rows(year)` that yields one tuple per row, read from the apps' public selectors and
QuerySets only (published, public rows; never a private column). Another app adds its own from
an `opendata.py` module of its own, which `autodiscover()` imports.

Queries per download are bounded, whatever the number of rows: each dataset reads its rows with
`iterator(chunk_size=…)` and `select_related`, and any `prefetch_related` runs once per chunk.
"""

import csv
import datetime
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from congress.importing import escape_formula

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
_discovered = False
_lock = threading.Lock()


def register(dataset: Dataset) -> Dataset:
    if dataset.slug in _datasets:
        raise ValueError(f"open dataset {dataset.slug!r} is already registered")
    _datasets[dataset.slug] = dataset
    return dataset


def autodiscover() -> None:
    """Import every app's `opendata.py` once (this module registers the built-in datasets)."""
    global _discovered
    if _discovered:
        return
    with _lock:
        if not _discovered:
            autodiscover_modules("opendata")
            _discovered = True


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


def _cell(value):
    """A CSV cell: text escaped against spreadsheet formulas, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (datetime.datetime, datetime.date)):
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value).replace(microsecond=0)
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
    yield "\ufeff" + writer.writerow([str(c.label) for c in dataset.columns])
    for row in dataset.rows(year):
        yield writer.writerow([_cell(v) for v in row])


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


# --- The built-in datasets ----------------------------------------------------------------------


def _columns(*pairs) -> tuple[Column, ...]:
    return tuple(Column(key, label) for key, label in pairs)


def _from_queryset(queryset_for: Callable, row: Callable) -> tuple[Callable, Callable]:
    """(rows, count) functions over `queryset_for(year)`, read in chunks."""

    def rows(year):
        for obj in queryset_for(year).iterator(chunk_size=CHUNK):
            yield row(obj)

    def count(year):
        return queryset_for(year).count()

    return rows, count


def _dataset(slug, title, description, columns, queryset_for, row, has_year=True):
    rows, count = _from_queryset(queryset_for, row)
    return register(
        Dataset(slug, title, description, _columns(*columns), rows, count, has_year=has_year)
    )


def _names(deputies) -> str:
    return "、".join(d.name for d in deputies)


def _term_in_year(year, prefix="term__") -> Q:
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return Q(**{f"{prefix}start_date__lte": end}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": start})
    )


def _deputies(year):
    from deputies.models import Deputy

    queryset = Deputy.objects.public().order_by("term__number", "delegation__town__order", "id")
    return queryset.filter(_term_in_year(year)) if year else queryset


_dataset(
    "deputies",
    _("Deputies"),
    _("Deputies of every term: public fields only. With ?year=, the terms in force that year."),
    [
        ("id", _("ID")),
        ("name", _("Name")),
        ("gender", _("Gender")),
        ("ethnicity", _("Ethnicity")),
        ("party", _("Political affiliation")),
        ("occupation", _("Occupation and title")),
        ("delegation", _("Delegation")),
        ("town", _("Town or street")),
        ("constituency", _("Constituency")),
        ("term", _("Term")),
        ("status", _("Status")),
        ("ended_on", _("Mandate ended on")),
    ],
    _deputies,
    lambda d: (
        d.pk,
        d.name,
        d.get_gender_display(),
        d.ethnicity,
        d.party,
        d.occupation,
        d.delegation.name,
        d.delegation.town.name,
        d.constituency,
        d.term.number,
        d.get_status_display(),
        d.ended_on,
    ),
)


def _stations(year):
    from deputies.selectors import station_list

    return station_list().order_by("order", "town__order", "name")


_dataset(
    "stations",
    _("Liaison stations"),
    _("Active liaison stations, with the number of deputies serving at each."),
    [
        ("id", _("ID")),
        ("name", _("Name")),
        ("town", _("Town or street")),
        ("tier", _("Tier")),
        ("address", _("Address")),
        ("opening_hours", _("Opening hours")),
        ("telephone", _("Station telephone")),
        ("deputies", _("Deputies stationed")),
    ],
    _stations,
    lambda s: (
        s.pk,
        s.name,
        s.town.name,
        s.get_tier_display(),
        s.address,
        s.opening_hours,
        s.phone,
        s.deputy_count,
    ),
    has_year=False,
)


def _receptions(year):
    from deputies.models import Deputy, Reception

    queryset = (
        Reception.objects.filter(station__active=True)
        .select_related("station")
        .prefetch_related(
            Prefetch("deputies", queryset=Deputy.objects.public().order_by("name", "id"))
        )
        .order_by("date", "station__name", "id")
    )
    return queryset.filter(date__year=year) if year else queryset


_dataset(
    "receptions",
    _("Receptions"),
    _("Reception days at the liaison stations: deputies on duty and residents received."),
    [
        ("id", _("ID")),
        ("date", _("Date")),
        ("station", _("Station")),
        ("theme", _("Theme")),
        ("deputies", _("Deputies on duty")),
        ("residents_received", _("Residents received")),
        ("summary", _("Public summary")),
    ],
    _receptions,
    lambda r: (
        r.pk,
        r.date,
        r.station.name,
        r.theme,
        _names(r.deputies.all()),
        r.residents_received,
        r.notes,
    ),
)


def _suggestions(year):
    from proposals.models import Assignment, Reply, Signature
    from proposals.selectors import public_suggestions

    queryset = (
        public_suggestions()
        .select_related("lead__delegation")
        .only(
            "id",
            "code",
            "year",
            "title",
            "body",
            "status",
            "key_supervision",
            "session",
            "term",
            "category__name",
            "session__number",
            "session__term__number",
            "lead__name",
            "lead__delegation__name",
            "registered_at",
            "assigned_at",
            "replied_at",
            "closed_at",
        )  # fmt: skip
        .prefetch_related(
            Prefetch(
                "signatures",
                Signature.objects.filter(status=Signature.Status.CONFIRMED)
                .select_related("deputy")
                .only("id", "suggestion_id", "deputy__name")
                .order_by("id"),
            ),
            Prefetch(
                "assignments",
                Assignment.objects.filter(active=True)
                .select_related("organisation")
                .only("id", "suggestion_id", "role", "organisation__name")
                .order_by("role", "id"),
            ),
            Prefetch(
                "replies",
                Reply.objects.published()
                .filter(is_followup=False)
                .only("id", "suggestion_id", "reply_class", "replied_at")
                .order_by("replied_at", "id"),
                to_attr="first_replies",
            ),
        )
        .order_by("year", "session__number", "number", "id")
    )
    return queryset.filter(year=year) if year else queryset


def _suggestion_row(s):
    lead_units = [a.organisation.name for a in s.assignments.all() if a.role == "lead"]
    co_units = [a.organisation.name for a in s.assignments.all() if a.role != "lead"]
    first = s.first_replies[0] if s.first_replies else None
    return (
        s.pk,
        s.code,
        s.year,
        s.session.label if s.session else _("between sessions"),
        s.title,
        s.category.name if s.category else "",
        s.lead.name,
        s.lead.delegation.name,
        _names(sig.deputy for sig in s.signatures.all()),
        s.get_status_display(),
        s.key_supervision,
        "、".join(lead_units),
        "、".join(co_units),
        first.reply_class if first else "",
        s.registered_at,
        s.assigned_at,
        s.replied_at,
        s.closed_at,
        s.body,
    )


_dataset(
    "suggestions",
    _("Suggestions"),
    _("Deputies' published suggestions with their handling units, reply class and dates."),
    [
        ("id", _("ID")),
        ("code", _("Item number")),
        ("year", _("Year")),
        ("session", _("Session")),
        ("title", _("Title")),
        ("category", _("Category")),
        ("lead", _("Lead deputy")),
        ("delegation", _("Delegation")),
        ("cosigners", _("Co-signing deputies")),
        ("status", _("Status")),
        ("key_supervision", _("Key supervision")),
        ("lead_units", _("Lead handling unit")),
        ("co_units", _("Co-handling units")),
        ("reply_class", _("Reply class")),
        ("registered_at", _("Registered")),
        ("assigned_at", _("Assigned")),
        ("replied_at", _("Replied")),
        ("closed_at", _("Closed")),
        ("text", _("Text")),
    ],
    _suggestions,
    _suggestion_row,
)


def _replies(year):
    from proposals.models import Reply, Suggestion

    queryset = (
        Reply.objects.published()
        .filter(suggestion__in=Suggestion.objects.public())
        .select_related("suggestion", "organisation")
        .only(
            "id",
            "reply_class",
            "letter_number",
            "text",
            "replied_at",
            "published_at",
            "is_followup",
            "suggestion__id",
            "suggestion__code",
            "suggestion__title",
            "organisation__name",
        )  # fmt: skip
        .order_by("replied_at", "id")
    )
    return queryset.filter(replied_at__year=year) if year else queryset


_dataset(
    "replies",
    _("Replies"),
    _("Handling units' published replies to public suggestions."),
    [
        ("id", _("ID")),
        ("suggestion_id", _("Suggestion ID")),
        ("suggestion_code", _("Item number")),
        ("suggestion_title", _("Suggestion")),
        ("unit", _("Handling unit")),
        ("reply_class", _("Reply class")),
        ("letter_number", _("Letter number")),
        ("replied_on", _("Replied on")),
        ("published_at", _("Published")),
        ("follow_up", _("Follow-up reply")),
        ("text", _("Text")),
    ],
    _replies,
    lambda r: (
        r.pk,
        r.suggestion.pk,
        r.suggestion.code,
        r.suggestion.title,
        r.organisation.name,
        r.reply_class,
        r.letter_number,
        r.replied_at,
        r.published_at,
        r.is_followup,
        r.text,
    ),
)


def _motions(year):
    from proposals.models import Signature
    from proposals.selectors import public_motions

    queryset = (
        public_motions()
        .annotate(
            signers=Count("signatures", filter=Q(signatures__status=Signature.Status.CONFIRMED))
        )
        .order_by("session__start_date", "number", "id")
    )
    return queryset.filter(session__start_date__year=year) if year else queryset


_dataset(
    "motions",
    _("Motions"),
    _("Motions filed at the sessions, their review outcome and resolution."),
    [
        ("id", _("ID")),
        ("code", _("Item number")),
        ("session", _("Session")),
        ("title", _("Title")),
        ("lead", _("Lead deputy")),
        ("cosigners", _("Co-signing deputies")),
        ("status", _("Status")),
        ("review_outcome", _("Review outcome")),
        ("resolution_date", _("Resolution adopted on")),
        ("reason", _("Reason")),
        ("proposal", _("Proposed solution")),
    ],
    _motions,
    lambda m: (
        m.pk,
        m.code,
        m.session.label,
        m.title,
        m.lead.name,
        m.signers,
        m.get_status_display(),
        m.get_review_outcome_display() if m.review_outcome else "",
        m.resolution_date,
        m.reason,
        m.proposal,
    ),
)


def _supervision(year):
    from supervision.selectors import supervision_list

    queryset = (
        supervision_list().annotate(opinion_count=Count("opinions")).order_by("meeting__date", "id")
    )
    return queryset.filter(meeting__date__year=year) if year else queryset


_dataset(
    "supervision",
    _("Supervision items"),
    _(
        "Reports heard, accounts reviewed, inspections and inquiries at standing-committee meetings."
    ),
    [
        ("id", _("ID")),
        ("date", _("Meeting date")),
        ("kind", _("Kind")),
        ("title", _("Title")),
        ("organisation", _("Reporting organisation")),
        ("debt_amount", _("Debt approved (yuan)")),
        ("review_opinions", _("Review opinions")),
        ("summary", _("Summary")),
    ],
    _supervision,
    lambda i: (
        i.pk,
        i.meeting.date,
        i.get_kind_display(),
        i.title,
        i.reporting_organisation.name if i.reporting_organisation else "",
        i.debt_amount,
        i.opinion_count,
        i.summary,
    ),
)


def _poll_lines(year):
    """One row per option of every published poll, with its result line."""
    from supervision import rules
    from supervision.models import Poll, PollOption
    from supervision.selectors import PUBLIC_RESULT

    queryset = (
        PollOption.objects.filter(poll__status__in=PUBLIC_RESULT)
        .select_related("poll__result")
        .order_by("poll__opens_at", "poll_id", "order", "id")
    )
    if year:
        queryset = queryset.filter(poll__opens_at__year=year)
    summaries: dict[int, dict] = {}  # per poll, computed once
    for option in queryset.iterator(chunk_size=CHUNK):
        poll = option.poll
        if poll.pk not in summaries:
            outcome = poll.result.summary
            labels = dict(rules.grade_choices(poll.method))
            summaries.clear()  # options come poll by poll: keep one
            summaries[poll.pk] = {
                "lines": {line.option: line for line in outcome.lines},
                "labels": labels,
                "cast": outcome.cast,
            }
        info = summaries[poll.pk]
        line = info["lines"].get(option.pk)
        counts = (
            "；".join(f"{info['labels'].get(g, g)} {n}" for g, n in line.counts.items())
            if line
            else ""
        )
        yield (
            poll.pk,
            poll.title,
            Poll.Kind(poll.kind).label,
            timezone.localtime(poll.opens_at).date(),
            poll.roll_size,
            info["cast"],
            option.label,
            option.amount,
            line.votes if line else None,
            line.share if line else None,
            counts,
            rules.outcome_label(poll.method, line.outcome) if line else "",
            line.rank if line else None,
        )


def _poll_count(year):
    from supervision.models import PollOption
    from supervision.selectors import PUBLIC_RESULT

    queryset = PollOption.objects.filter(poll__status__in=PUBLIC_RESULT)
    return (queryset.filter(poll__opens_at__year=year) if year else queryset).count()


register(
    Dataset(
        "polls",
        _("Votes and their results"),
        _("Every vote with a published result: one row per option, with its count and outcome."),
        _columns(
            ("poll_id", _("Vote ID")),
            ("poll", _("Vote")),
            ("kind", _("Kind")),
            ("date", _("Date")),
            ("roll_size", _("Voters on the roll")),
            ("cast", _("Ballots cast")),
            ("option", _("Option")),
            ("amount", _("Investment (yuan)")),
            ("votes", _("Votes")),
            ("share", _("Share")),
            ("counts", _("Counts by grade")),
            ("outcome", _("Outcome")),
            ("rank", _("Rank")),
        ),
        _poll_lines,
        _poll_count,
    )
)


def _livelihood(year):
    from supervision.models import LivelihoodProject

    queryset = LivelihoodProject.objects.select_related("owner").order_by("year", "order", "id")
    return queryset.filter(year=year) if year else queryset


_dataset(
    "livelihood-projects",
    _("Livelihood projects"),
    _(
        "Candidate livelihood projects of each year, the ones selected by the deputies' vote and their progress."
    ),
    [
        ("id", _("ID")),
        ("year", _("Year")),
        ("title", _("Title")),
        ("area", _("Area")),
        ("owner", _("Owner unit")),
        ("investment", _("Investment (yuan)")),
        ("status", _("Status")),
        ("progress", _("Progress (%)")),
        ("completion_target", _("To be completed")),
    ],
    _livelihood,
    lambda p: (
        p.pk,
        p.year,
        p.title,
        p.area,
        p.owner.name if p.owner else "",
        p.investment,
        p.get_status_display(),
        p.progress,
        p.completion_target,
    ),
)


def _major(year):
    from supervision.models import MajorProject

    queryset = MajorProject.objects.select_related("owner").order_by("year", "-investment", "id")
    return queryset.filter(year=year) if year else queryset


_dataset(
    "major-projects",
    _("Major investment projects"),
    _(
        "Major government investment projects in each year's plan; those above the threshold go to a vote."
    ),
    [
        ("id", _("ID")),
        ("year", _("Year")),
        ("name", _("Name")),
        ("owner", _("Owner unit")),
        ("investment", _("Total investment (yuan)")),
        ("needs_vote", _("Voted on")),
    ],
    _major,
    lambda m: (
        m.pk,
        m.year,
        m.name,
        m.owner.name if m.owner else "",
        m.investment,
        m.needs_vote,
    ),
)


def _review_rows(year):
    """Each published review's figures: one row per number, one per point of a series.

    The figures are computed as the review page computes them: a few queries per figure key
    and year, never per row.
    """
    from congress.models import AnnualReview
    from congress.review import registry

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
        _columns(
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


def _opinion_model():
    try:
        return apps.get_model("proposals", "Opinion")
    except LookupError:
        return None


def _opinion_counts(year):
    """Residents' opinions as counts only: by station, month and category — never a content."""
    Opinion = _opinion_model()
    queryset = Opinion.objects.all()
    if year:
        queryset = queryset.filter(submitted_at__year=year)
    return (
        queryset.annotate(month=TruncMonth("submitted_at"))
        .values("month", "station__name", "category")
        .annotate(
            received=Count("id"),
            closed=Count("id", filter=Q(closed_at__isnull=False)),
        )
        .order_by("month", "station__name", "category")
    )


if _opinion_model() is not None:
    _categories = dict(_opinion_model()._meta.get_field("category").choices)
    _dataset(
        "opinion-counts",
        _("Residents' opinions (counts)"),
        _(
            "How many opinions residents sent, by station, month and category, and how many were "
            "closed. Counts only: no opinion's text and nobody's name or phone."
        ),
        [
            ("month", _("Month")),
            ("station", _("Station")),
            ("category", _("Category")),
            ("received", pgettext_lazy("count", "Received")),
            ("closed", pgettext_lazy("count", "Closed")),
        ],
        _opinion_counts,
        lambda r: (
            timezone.localtime(r["month"]).strftime("%Y-%m") if r["month"] else "",
            r["station__name"] or _("sent to a deputy"),
            _categories.get(r["category"], r["category"]),
            r["received"],
            r["closed"],
        ),
    )
