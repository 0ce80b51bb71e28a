"""Summary rows kept up to date on write: the figures of the home page, the statistics pages and
the annual review read one small row per year instead of re-aggregating whole tables.

An app declares a summary in its ``summaries.py`` (discovered like ``figures.py``, see
congress.kit.registry): a function that computes ONE year's slice — a JSON-able dict of counts,
cheap because it reads only that year's rows — and the models that feed it, each with a function
giving the years a row counts in::

    from congress.kit import summaries

    @summaries.summary(
        "suggestions",
        feeds={Suggestion: lambda s: [s.year], Reply: reply_years},
        years=suggestion_years,        # every year a slice may exist for (check_summaries)
        rules=("SOLVED_REPLY_CLASSES",),  # rules the counts depend on
    )
    def suggestions_summary(year: int) -> dict: ...

    counts = summaries.read("suggestions", [2022])[2022]

How a slice stays right (congress.models.Summary: name, year, data, token):

- A committed write of a feeding model (post_save / post_delete, and pre_save for the years a
  row counted in before the change) marks the slices of the row's years **stale in the same
  transaction** (data = None, a new token). A write rolled back takes its mark with it; a
  write committed always carries it. Bulk writes that send no signals say so with
  ``congress.kit.pagecache.touched_rows(rows)`` (or ``touched_everything()`` after an import):
  both mark the slices of those rows too.
- After the commit, the marked slices are computed again (one year each; a background task,
  run at once by the immediate task backend, by the worker with TASKS_BACKEND=database) and
  stored — only if their token is still the one read before computing, so a slice computed
  from rows read before a later write is never stored over that write's mark.
- A reader that finds a slice stale, missing, or computed under other rules computes it (and
  stores it, with the same token check). So a reader never sees counts older than the last
  committed write, whatever happened to the refresh after commit.
- A summary fed by frequent writes (residents' opinions: ten a second at a busy hour) declares
  ``coalesce=<seconds>``: after a refresh of one of its slices, the refreshes that follow within
  that pause are skipped (a claim in the shared cache, congress.kit.sharedcache). The slice stays
  marked stale meanwhile, so its readers still see every committed write (the first one computes
  it); a burst of writes costs one computation, not one each.

``manage.py check_summaries [--fix]`` computes every slice again from scratch and reports each
one that disagrees with its stored row.
"""

import contextlib
import contextvars
import hashlib
import json
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.tasks import task
from django.utils import timezone

from congress.kit.registry import Discovery
from congress.kit.sharedcache import shared

logger = logging.getLogger(__name__)

YearsOf = Callable[[Any], Iterable[int | None]]
Counts = dict[str, Any]  # a slice: JSON-able counts


@dataclass(frozen=True)
class SummaryDef:
    name: str
    compute: Callable[[int], Counts]
    feeds: dict[type, YearsOf]
    years: Callable[[], Iterable[int]]
    rules: tuple[str, ...] = field(default=())
    coalesce: float = 0  # seconds: refreshes after commit at most once per pause (see above)

    def run(self, year: int) -> Counts:
        """The year's slice as stored: JSON's types (string keys, lists, ISO dates)."""
        data: Counts = json.loads(json.dumps(self.compute(year), cls=DjangoJSONEncoder))
        return data

    def fingerprint(self) -> str:
        """The rules the counts were computed under: a row computed under others is stale."""
        if not self.rules:
            return ""
        text = repr([(key, settings.CONGRESS_RULES[key]) for key in self.rules])
        return hashlib.sha256(text.encode()).hexdigest()


_summaries: dict[str, SummaryDef] = {}
_feeds: dict[type, list[SummaryDef]] = {}
_discovery = Discovery("summaries")


def summary(
    name: str,
    *,
    feeds: dict[type, YearsOf],
    years: Callable[[], Iterable[int]],
    rules: Iterable[str] = (),
    coalesce: float = 0,
) -> Callable[[Callable[[int], Counts]], Callable[[int], Counts]]:
    """Register the decorated function(year) → dict as the summary `name`."""

    def decorator(func: Callable[[int], Counts]) -> Callable[[int], Counts]:
        definition = SummaryDef(name, func, dict(feeds), years, tuple(rules), coalesce)
        _summaries[name] = definition
        for model in feeds:
            _feeds.setdefault(model, [])
            _feeds[model] = [d for d in _feeds[model] if d.name != name] + [definition]
        return func

    return decorator


def all_summaries() -> list[SummaryDef]:
    _discovery.discover()
    return [_summaries[name] for name in sorted(_summaries)]


def get(name: str) -> SummaryDef:
    _discovery.discover()
    return _summaries[name]


def _model() -> Any:
    return apps.get_model("congress", "Summary")


# -- reading -------------------------------------------------------------------------------------


# Slices already read while one page is put together (`memo()`): each is read once.
_memo: contextvars.ContextVar[dict[tuple[str, int], Any] | None] = contextvars.ContextVar(
    "summaries_memo", default=None
)


@contextlib.contextmanager
def memo() -> Iterator[None]:
    """Within this block each slice is read from the database once (a page whose figures read
    the same row several times: the review, the home page)."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


# The slice of a summary that is no year's (the deputies' directory: what is true today).
# preload() reads it with any year's: a page showing a year's figures may show today's too.
TIMELESS = 0


def preload(years: Iterable[int]) -> None:
    """Within memo(): every summary's fresh slices of these years (and the TIMELESS ones), read
    in one query (a page reading several summaries: the review). Stale or missing ones are left
    to read()."""
    remembered = _memo.get()
    wanted = sorted(set(years))
    if remembered is None or not wanted:
        return
    wanted = sorted({*wanted, TIMELESS})
    definitions = {d.name: d for d in all_summaries()}
    prints = {name: d.fingerprint() for name, d in definitions.items()}
    names = list(definitions)
    # Plain SQL: through the ORM (filter, values) the query took longer to build than to run,
    # on every view of the review and the home page. Both databases hand the JSON over as
    # text (Django loads PostgreSQL's jsonb as text for JSONField to decode).
    sql = PRELOAD_SQL.format(
        table=_model()._meta.db_table,
        names=", ".join(["%s"] * len(names)),
        years=", ".join(["%s"] * len(wanted)),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*names, *wanted])
        rows = cursor.fetchall()
    for name, year, data, rules in rows:
        if data is not None and rules == prints[name]:
            value = json.loads(data) if isinstance(data, str | bytes) else data
            remembered.setdefault((name, year), value)


PRELOAD_SQL = (
    "SELECT name, year, data, rules FROM {table} WHERE name IN ({names}) AND year IN ({years})"
)


def remembered(key: tuple[str, int], compute: Callable[[], Any]) -> Any:
    """Within memo(): compute(), once per page for this key (figures sharing one computation);
    outside, simply compute()."""
    found = _memo.get()
    if found is None:
        return compute()
    if key not in found:
        found[key] = compute()
    return found[key]


def read(name: str, years: Iterable[int]) -> dict[int, Counts]:
    """Each year's slice of the summary `name`: one query for the stored rows, and for a slice
    that is stale, missing or computed under other rules, its computation (stored for the
    next reader)."""
    wanted = sorted(set(years))
    if not wanted:
        return {}
    remembered = _memo.get()
    if remembered is None:
        return _read(name, wanted)
    missing = [year for year in wanted if (name, year) not in remembered]
    for year, data in _read(name, missing).items():
        remembered[(name, year)] = data
    return {year: remembered[(name, year)] for year in wanted}


def _read(name: str, wanted: list[int]) -> dict[int, Counts]:
    if not wanted:
        return {}
    definition = get(name)
    fingerprint = definition.fingerprint()
    rows = {
        row["year"]: row
        for row in _model()
        .objects.filter(name=name, year__in=wanted)
        .values("year", "data", "token", "rules")
    }
    result = {}
    for year in wanted:
        row = rows.get(year)
        if row is not None and row["data"] is not None and row["rules"] == fingerprint:
            result[year] = row["data"]
        else:
            result[year] = _compute_and_store(definition, year, row["token"] if row else None)
    return result


def _compute_and_store(definition: SummaryDef, year: int, token: uuid.UUID | None) -> Counts:
    data = definition.run(year)
    Summary = _model()
    values = {
        "data": data,
        "token": uuid.uuid4(),
        "rules": definition.fingerprint(),
        "computed_at": timezone.now(),
    }
    if token is None:
        # Nobody marked it: store it unless a writer marked it meanwhile (its row then wins).
        Summary.objects.bulk_create(
            [Summary(name=definition.name, year=year, **values)], ignore_conflicts=True
        )
    else:
        Summary.objects.filter(name=definition.name, year=year, token=token).update(**values)
    return data


def refresh(name: str, year: int) -> Counts:
    """Compute one slice again and store it (unless a write marked it meanwhile)."""
    definition = get(name)
    token = _model().objects.filter(name=name, year=year).values_list("token", flat=True).first()
    return _compute_and_store(definition, year, token)


# -- writing -------------------------------------------------------------------------------------


class PendingRefresh:
    """The after-commit callback of one transaction: the slices its writes marked stale."""

    def __init__(self) -> None:
        self.slices: set[tuple[str, int]] = set()
        self.done = False

    def names(self) -> set[str]:
        return {name for name, _year in self.slices}

    def __call__(self) -> None:
        self.done = True
        try:
            refresh_slices.enqueue([[name, year] for name, year in sorted(self.slices)])
        except Exception:  # the slices stay stale: their next reader computes them
            logger.exception("Summary slices %s could not be queued", sorted(self.slices))


@task()
def refresh_slices(slices: list[list[Any]]) -> None:
    """Compute these (name, year) slices again: at once with the immediate task backend, in the
    worker with the database one (then the write's own request does not wait for it)."""
    for name, year in slices:
        if _recently_refreshed(str(name), int(year)):
            continue  # left stale: its next reader computes it (see coalesce above)
        try:
            refresh(str(name), int(year))
        except Exception:  # the slice stays stale: the next reader computes it
            logger.exception("Summary %s %s could not be refreshed", name, year)


def _recently_refreshed(name: str, year: int) -> bool:
    """For a summary declared with `coalesce`: True when this slice was refreshed less than
    that many seconds ago (the refresh is then skipped); claims the next refresh otherwise."""
    pause = get(name).coalesce
    return bool(pause) and not shared.claim(f"summaries:refresh:{name}:{year}", pause)


def mark_stale(name: str, years: Iterable[int | None]) -> None:
    """Mark these slices stale in the current transaction; refresh them once it commits."""
    years = sorted({int(year) for year in years if year is not None})
    if not years:
        return
    Summary = _model()
    Summary.objects.bulk_create(
        [Summary(name=name, year=year, data=None, token=uuid.uuid4()) for year in years],
        update_conflicts=True,
        unique_fields=["name", "year"],
        update_fields=["data", "token"],
    )
    _refresh_after_commit((name, year) for year in years)


def _refresh_after_commit(slices: Iterable[tuple[str, int]]) -> None:
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        pending = PendingRefresh()
        pending.slices.update(slices)
        pending()
        return
    # Join the latest pending callback that refreshes the same summary (one computation for
    # several writes of one service). Not just any pending one: a write of another summary
    # earlier in the transaction (a fixture's deputy in a test, a roster change) may have
    # registered its callback outside the block whose callbacks run. Nor one older than a
    # callback that has already run (a test's captured block): it may never run.
    slices = list(slices)
    names = {name for name, _year in slices}
    for _sids, func, _robust in reversed(connection.run_on_commit):
        if not isinstance(func, PendingRefresh):
            continue
        if func.done:
            break
        if func.names() & names:
            func.slices.update(slices)
            return
    pending = PendingRefresh()
    pending.slices.update(slices)
    transaction.on_commit(pending, robust=True)


def mark_all_stale() -> None:
    """Every slice of every summary (after an import or the demo wrote in bulk): marked stale
    now, computed again once the transaction commits (the import's worker pays, not the next
    visitor)."""
    Summary = _model()
    slices = list(Summary.objects.values_list("name", "year"))
    Summary.objects.update(data=None, token=uuid.uuid4())
    _refresh_after_commit((name, year) for name, year in slices if name in _summaries)


def rows_written(rows: Iterable[Any]) -> None:
    """The slices these rows count in are stale (a bulk write that sent no signals)."""
    found: dict[str, set[int | None]] = {}
    for row in rows:
        for definition in _definitions_of(type(row)):
            found.setdefault(definition.name, set()).update(definition.feeds[_feed_model(row)](row))
    for name, years in found.items():
        mark_stale(name, years)


def _feed_model(row: Any) -> Any:
    model = type(row)
    return model._meta.concrete_model if model._meta.proxy else model


def _definitions_of(model: Any) -> list[SummaryDef]:
    model = model._meta.concrete_model if model._meta.proxy else model
    return _feeds.get(model, [])


def _before_save(sender: Any, instance: Any, raw: bool = False, **_kwargs: Any) -> None:
    """The years the row counted in before this change (its year may be what changes)."""
    definitions = _definitions_of(sender)
    if raw or not definitions or instance._state.adding or instance.pk is None:
        return
    model = _feed_model(instance)
    old = model._default_manager.filter(pk=instance.pk).first()
    if old is None:
        return
    for definition in definitions:
        mark_stale(definition.name, definition.feeds[model](old))


def _on_write(sender: Any, instance: Any, raw: bool = False, **_kwargs: Any) -> None:
    definitions = _definitions_of(sender)
    if raw or not definitions:
        return
    model = _feed_model(instance)
    for definition in definitions:
        mark_stale(definition.name, definition.feeds[model](instance))


def connect_signals() -> None:
    """Called from CongressConfig.ready(): finds every app's summaries.py, listens to writes."""
    _discovery.discover()
    pre_save.connect(_before_save, dispatch_uid="summaries-pre-save")
    post_save.connect(_on_write, dispatch_uid="summaries-post-save")
    post_delete.connect(_on_write, dispatch_uid="summaries-post-delete")


# -- checking ------------------------------------------------------------------------------------


@dataclass
class Disagreement:
    name: str
    year: int
    stored: Counts | None
    computed: Counts

    @property
    def differing(self) -> list[str]:
        """The top-level keys whose counts differ (all of them for a stale or missing row)."""
        stored = self.stored or {}
        keys = sorted({*stored, *self.computed})
        return [k for k in keys if self.stored is None or stored.get(k) != self.computed.get(k)]


def check(*, fix: bool = False, include_stale: bool = False) -> list[Disagreement]:
    """Compute every slice of every summary from scratch and compare with its stored row.

    A stored row that differs is a disagreement. A stale or missing row is not (its next
    reader computes it) unless `include_stale`. With `fix`, every slice that differs, is stale
    or is missing is stored afresh.
    """
    found = []
    Summary = _model()
    for definition in all_summaries():
        fingerprint = definition.fingerprint()
        stored: dict[int, Counts | None] = {
            row["year"]: (row["data"] if row["rules"] == fingerprint else None)
            for row in Summary.objects.filter(name=definition.name).values("year", "data", "rules")
        }
        for year in sorted({*definition.years(), *stored}):
            computed = definition.run(year)
            current = stored.get(year)
            if current is not None and current != computed:
                found.append(Disagreement(definition.name, year, current, computed))
            elif current is None and include_stale:
                found.append(Disagreement(definition.name, year, None, computed))
            if fix and current != computed:
                Summary.objects.update_or_create(
                    name=definition.name,
                    year=year,
                    defaults={
                        "data": computed,
                        "token": uuid.uuid4(),
                        "rules": fingerprint,
                        "computed_at": timezone.now(),
                    },
                )
    return found
