"""What every demo step shares: the run's context, the step registry and two idempotent write
helpers.

Each app registers its steps from its own `demo.py` (deputies/demo/, proposals/demo.py,
supervision/demo.py; congress/demo/reference.py and congress/review/demo.py for congress's own),
found with congress.kit.registry; the pipeline runs them by `order`, so congress names no app.

A step builds its rows in memory from a seeded random generator (never the clock, never what the
database holds), then hands them to `sync_rows` / `sync_m2m`, which create what is missing and
correct what differs. Running the pipeline again therefore writes nothing and keeps primary keys.
"""

import datetime
import io
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.db import models

from congress.kit.registry import Discovery

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEED = 16_2022  # 16th congress, 2022


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """A timezone-aware moment in Pinghu."""
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


@dataclass
class DemoContext:
    """Passed from step to step. Steps leave what later steps need on it (by natural key)."""

    password: str
    seed: int = SEED
    stdout: object = None  # where steps from other apps print notes (the command's stdout)
    # Filled by the steps, in pipeline order.
    term: Any = None  # congress.models.Term, the 16th
    session: Any = None  # its 1st session
    towns: dict = field(default_factory=dict)  # name -> Town
    organisations: dict = field(default_factory=dict)  # name -> Organisation
    delegations: dict = field(default_factory=dict)  # town name -> Delegation
    deputies: dict = field(default_factory=dict)  # card number -> Deputy
    groups: dict = field(default_factory=dict)  # name -> DeputyGroup
    group_members: dict = field(default_factory=dict)  # group name -> [Deputy]
    stations: dict = field(default_factory=dict)  # name -> LiaisonStation
    stationed: dict = field(default_factory=dict)  # station name -> [Deputy]
    reception_duties: list = field(default_factory=list)  # (Reception, [Deputy])

    def rng(self, name: str) -> random.Random:
        """A generator per step: adding a step, or a draw to one, leaves the others' data alone."""
        return random.Random(f"{self.seed}:{name}")  # noqa: S311 - demo data, not security

    def deputy(self, name: str):
        """A deputy of the 16th term by name (the named people of the seed article are unique)."""
        return next(d for d in self.deputies.values() if d.name == name)


@dataclass(frozen=True)
class Step:
    name: str
    load: Callable[[DemoContext], None]
    models: tuple[type[models.Model], ...]  # counted in the command's summary
    # Where the step runs: reference 10, the deputies' people, stations and activities 20–40,
    # suggestions and motions 50, residents' opinions 60, supervision 70, the annual review last
    # (90), since its figures are computed from everything before it.
    order: int = 50


_steps: dict[str, Step] = {}
_discovery = Discovery("demo", own=("congress.demo.reference", "congress.review.demo"))


def register(step: Step) -> Step:
    if _steps.get(step.name, step) != step:
        raise ValueError(f"demo step {step.name!r} is already registered")
    _steps[step.name] = step
    return step


def steps() -> list[Step]:
    """Every app's steps, in the order they run."""
    _discovery.discover()
    return sorted(_steps.values(), key=lambda step: step.order)


def app_step(load: Callable[..., object]) -> Callable[[DemoContext], None]:
    """A step written by an app as `load(*, stdout)` (e.g. proposals.demo.load)."""

    def run(ctx: DemoContext) -> None:
        load(stdout=ctx.stdout or io.StringIO())

    return run


def sync_rows(queryset: models.QuerySet, key: Iterable[str], rows: list[dict]) -> list:
    """Make `queryset` hold `rows` (dicts of field values, foreign keys as `x_id`).

    Rows are matched on the `key` fields; missing ones are bulk-created, differing ones
    bulk-updated; rows not listed are left alone. Returns the objects in the order of `rows`.
    """
    key = tuple(key)
    model = queryset.model
    existing = {tuple(getattr(obj, f) for f in key): obj for obj in queryset}
    objects: list[Any] = []
    to_create: list[Any] = []
    to_update: list[Any] = []
    changed_fields: set[str] = set()
    for row in rows:
        obj = existing.get(tuple(row[f] for f in key))
        if obj is None:
            obj = model(**row)
            to_create.append(obj)
        else:
            for name, value in row.items():
                if getattr(obj, name) != value:
                    setattr(obj, name, value)
                    changed_fields.add(name)
                    if not to_update or to_update[-1] is not obj:
                        to_update.append(obj)
        objects.append(obj)
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields), batch_size=500)
    return objects


def sync_m2m(model: type[models.Model], field_name: str, wanted: dict[int, Iterable[int]]) -> None:
    """Make the many-to-many `field_name` of each owner (pk) in `wanted` hold exactly those pks."""
    m2m = cast("models.ManyToManyField[Any, Any]", model._meta.get_field(field_name))
    through: Any = m2m.remote_field.through  # the auto-created model (typed as optional)
    source, target = f"{m2m.m2m_field_name()}_id", f"{m2m.m2m_reverse_field_name()}_id"
    want = {(owner, other) for owner, others in wanted.items() for other in others}
    have = dict(
        ((s, t), pk)
        for pk, s, t in through.objects.filter(**{f"{source}__in": list(wanted)}).values_list(
            "pk", source, target
        )
    )
    extra = [pk for pair, pk in have.items() if pair not in want]
    if extra:
        through.objects.filter(pk__in=extra).delete()
    through.objects.bulk_create(
        [through(**{source: s, target: t}) for s, t in sorted(want - have.keys())], batch_size=1000
    )
