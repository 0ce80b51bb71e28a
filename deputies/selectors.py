"""Reads that public pages share. Every queryset here returns public rows and public columns only."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone
from django.utils.functional import Promise

from congress.kit import summaries
from congress.kit.sqlbatch import fetch_each
from congress.kit.sqlvalues import decimal
from congress.models import Town
from deputies.models import (
    Activity,
    ActivityKind,
    Deputy,
    DeputyGroup,
    LiaisonStation,
    PointRule,
    Reception,
)
from deputies.summaries import directory


def deputy_directory(term_id: int | None):
    """The public directory: a term's deputies (none without a term), in the deputies' order,
    to filter and count; directory_rows() reads a page of them."""
    if term_id is None:
        return Deputy.objects.none()
    # Deputy.Meta.ordering through the deputy's copy of the town's order (Deputy.town_order):
    # a filtered page sorts its deputies without the join to the towns, or reads them in order
    # from the index deputy_directory_order.
    return Deputy.objects.filter(term_id=term_id).order_by("town_order", "name", "id")


def directory_rows(deputies) -> list:
    """What each card shows (public columns) as named rows, no model instance per card; the
    groups come from directory_groups()."""
    return list(
        deputies.values_list(
            "id",
            "name",
            "gender",
            "party",
            "occupation",
            "status",
            "delegation__name",
            named=True,
        )
    )


class DirectoryRow(NamedTuple):
    id: int
    name: str
    gender: str
    party: str
    occupation: str
    status: str
    delegation__name: str  # as directory_rows() names it


# A page of a term's deputies as directory_rows() reads it, in the deputies' order
# (Deputy.Meta.ordering: the town's order, the name, the id). Written as SQL for the directory
# with no filter chosen: through the ORM the query took longer to build than to run. The town's
# order is the deputy's own copy (Deputy.town_order), so that the index deputy_directory_order
# gives the page in order: at 2,800 deputies the first page took PostgreSQL 0.1 ms instead of
# 2.5 ms sorting the whole term across the join to the towns.
DIRECTORY_PAGE_SQL = """
    SELECT d.id, d.name, d.gender, d.party, d.occupation, d.status, g.name
      FROM deputies_deputy d
      JOIN deputies_delegation g ON g.id = d.delegation_id
     WHERE d.term_id = %s
     ORDER BY d.town_order, d.name, d.id
     LIMIT %s OFFSET %s
"""


def directory_page(term_id: int | None, *, offset: int, limit: int) -> list[DirectoryRow]:
    """What the cards of a page of the term's deputies show, as directory_rows() (one query)."""
    if term_id is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(DIRECTORY_PAGE_SQL, [term_id, limit, offset])
        return [DirectoryRow(*row) for row in cursor.fetchall()]


# The names of some deputies' groups, in the groups' order (DeputyGroup.Meta.ordering: kind,
# name). Written as SQL: through the ORM the query took ~0.6 ms more to build than to run.
DIRECTORY_GROUPS_SQL = """
    SELECT m.deputy_id, g.name
      FROM deputies_deputygroup_members m
      JOIN deputies_deputygroup g ON g.id = m.deputygroup_id
     WHERE m.deputy_id IN ({ids})
     ORDER BY g.kind, g.name, g.id
"""


def directory_groups(deputy_ids) -> dict[int, list[str]]:
    """The names of the deputies' groups, by deputy, in one query (DIRECTORY_GROUPS_SQL)."""
    groups: dict[int, list[str]] = {pk: [] for pk in deputy_ids}
    if not groups:
        return groups
    placeholders = ", ".join(["%s"] * len(groups))
    with connection.cursor() as cursor:
        cursor.execute(DIRECTORY_GROUPS_SQL.format(ids=placeholders), list(groups))  # noqa: S608 - only placeholders are formatted in
        for deputy_id, name in cursor.fetchall():
            groups[deputy_id].append(name)
    return groups


def deputy_profile(pk):
    """One deputy for the public profile; raises Deputy.DoesNotExist for an unknown id."""
    return (
        Deputy.objects.public()
        .prefetch_related(
            Prefetch("groups", queryset=DeputyGroup.objects.only("id", "name", "kind")),
            Prefetch(
                "stations",
                queryset=LiaisonStation.objects.filter(active=True).select_related("town"),
            ),
        )
        .get(pk=pk)
    )


def station_list():
    return (
        LiaisonStation.objects.filter(active=True)
        .select_related("town")
        .annotate(deputy_count=Count("deputies", filter=Q(deputies__status=Deputy.Status.SERVING)))
    )


def station_detail(pk):
    return LiaisonStation.objects.filter(active=True).select_related("town").get(pk=pk)


class ReceptionRow(NamedTuple):
    date: datetime.date
    theme: str
    notes: str
    residents_received: int
    on_duty: list[tuple[int, str]]  # the deputies on duty as (id, name), in the deputies' order


# A station's serving deputies (reception NULL) and the deputies on duty at its latest
# receptions, as (reception, id, name, town's order), sorted as the deputies are
# (Deputy.Meta.ordering: the town's order, the name, the id). The town's order is the copy the
# database keeps on each deputy (Deputy.town_order): no join to the delegations and towns.
# Written as SQL: through the ORM (a union of two annotated querysets) it took ~1 ms more to
# build than to run.
STATION_PEOPLE_SQL = """
    SELECT NULL, d.id, d.name, d.town_order
      FROM deputies_liaisonstation_deputies link
      JOIN deputies_deputy d ON d.id = link.deputy_id
     WHERE link.liaisonstation_id = %s AND d.status = %s
    UNION ALL
    SELECT link.reception_id, d.id, d.name, d.town_order
      FROM deputies_reception_deputies link
      JOIN deputies_deputy d ON d.id = link.deputy_id
     WHERE link.reception_id IN (
           SELECT r.id FROM deputies_reception r
            WHERE r.station_id = %s ORDER BY r.date DESC, r.id DESC LIMIT %s)
    ORDER BY 4, 3, 2
"""


# The station (active only) with its town's name, and its latest receptions' public columns.
STATION_SQL = """
    SELECT s.id, s.name, s.town_id, s.tier, s.address, s.opening_hours, s.phone, s.description,
           t.name
      FROM deputies_liaisonstation s
      JOIN congress_town t ON t.id = s.town_id
     WHERE s.id = %s AND s.active
"""
RECEPTIONS_SQL = """
    SELECT id, date, theme, notes, residents_received
      FROM deputies_reception
     WHERE station_id = %s
     ORDER BY date DESC, id DESC
     LIMIT %s
"""
# Model.from_db takes the values of the fields it is given in the model's order of fields.
STATION_FIELDS = [
    "id",
    "name",
    "town_id",
    "tier",
    "address",
    "opening_hours",
    "phone",
    "description",
]


def station_page(
    pk: int, limit: int = 20
) -> tuple[LiaisonStation, list[tuple[int, str]], list[ReceptionRow]] | None:
    """An active station's page (None if there is none): the station with its town, its serving
    deputies as (id, name) pairs, and its latest receptions with the deputies on duty, as rows
    (public columns, no model instance per row). Three reads that need only the station's id,
    sent together (congress.kit.sqlbatch): as three ORM queries, one after another, they cost
    more to build and wait for than the rest of the page's work."""
    station_rows, receptions, people = fetch_each(
        [
            (STATION_SQL, [pk]),
            (RECEPTIONS_SQL, [pk, limit]),
            (STATION_PEOPLE_SQL, [pk, Deputy.Status.SERVING.value, pk, limit]),
        ]
    )
    if not station_rows:
        return None
    *values, town_name = station_rows[0]
    station = LiaisonStation.from_db(connection.alias, STATION_FIELDS, values)
    town = Town.from_db(connection.alias, ["id", "name"], [station.town_id, town_name])
    LiaisonStation._meta.get_field("town").set_cached_value(station, town)  # type: ignore[union-attr]
    on_duty: dict[int, list[tuple[int, str]]] = {row[0]: [] for row in receptions}
    deputies: list[tuple[int, str]] = []
    for reception_id, deputy_id, name, _town in people:
        if reception_id is None:
            deputies.append((deputy_id, name))
        elif reception_id in on_duty:  # a reception added between the reads: not shown
            on_duty[reception_id].append((deputy_id, name))
    rows = [
        ReceptionRow(date, theme, notes, received, on_duty[reception_id])
        for reception_id, date, theme, notes, received in receptions
    ]
    return station, deputies, rows


@dataclass(frozen=True)
class RecordLine:
    kind: str
    label: str | Promise
    count: int
    hours: Decimal
    points: Decimal


@dataclass(frozen=True)
class PerformanceRecord:
    """A deputy's performance record (履职档案) for one year, computed from verified activities."""

    year: int
    lines: list[RecordLine]

    @property
    def total_count(self) -> int:
        return sum(line.count for line in self.lines)

    @property
    def total_hours(self) -> Decimal:
        return sum((line.hours for line in self.lines), Decimal("0"))

    @property
    def total_points(self) -> Decimal:
        return sum((line.points for line in self.lines), Decimal("0"))


def performance_record(deputy, year: int | None = None) -> PerformanceRecord:
    """Count verified activities by kind for the year and price them with the rules then in force.

    Two queries whatever the number of activities: one grouped count per (kind, date), one for rules.
    """
    year = year or timezone.localdate().year
    rows = (
        Activity.objects.filter(deputy=deputy, verified=True, date__year=year)
        .values("kind", "date")
        .annotate(n=Count("id"), hours=Sum("hours"))
    )
    rules = list(
        PointRule.objects.filter(valid_from__year__lte=year).filter(
            Q(valid_to__isnull=True) | Q(valid_to__year__gte=year)
        )
    )
    totals: dict[str, list] = {}
    for row in rows:
        points_each = next(
            (
                rule.points
                for rule in rules
                if rule.kind == row["kind"]
                and rule.valid_from <= row["date"]
                and (rule.valid_to is None or row["date"] <= rule.valid_to)
            ),
            Decimal("0"),
        )
        line = totals.setdefault(row["kind"], [0, Decimal("0"), Decimal("0")])
        line[0] += row["n"]
        line[1] += row["hours"] or Decimal("0")
        line[2] += points_each * row["n"]
    lines = [
        RecordLine(kind, label, *totals[kind])
        for kind, label in ActivityKind.choices
        if kind in totals
    ]
    return PerformanceRecord(year=year, lines=lines)


# The workspace overview's figures in one query (deputies.portal.home), where the ORM took
# three (the latest year and the unverified count, the point rules, the year's activities) and
# ~1.5 ms more to build them than to run them: the deputy's activities by (verified, kind, day),
# each group with the points of the rule in force that day (the one started last, as
# performance_record's rules in PointRule's order pick it), then one row with the person's
# unread notices (kind NULL).
WORKSPACE_FIGURES_SQL = """
SELECT a.verified, a.kind, a.date, COUNT(*), SUM(a.hours),
       (SELECT r.points FROM deputies_pointrule r
         WHERE r.kind = a.kind AND r.valid_from <= a.date
           AND (r.valid_to IS NULL OR r.valid_to >= a.date)
         ORDER BY r.valid_from DESC LIMIT 1)
  FROM deputies_activity a
 WHERE a.deputy_id = %s
 GROUP BY a.verified, a.kind, a.date
UNION ALL
SELECT NULL, NULL, NULL, COUNT(*), NULL, NULL
  FROM congress_notice n
 WHERE n.user_id = %s AND n.read_at IS NULL
"""


class WorkspaceFigures(NamedTuple):
    record: PerformanceRecord  # of the latest year with verified activities (this year if none)
    pending: int  # activities waiting for verification
    unread_notices: int


def workspace_figures(deputy, user_id: int) -> WorkspaceFigures:
    """What the workspace overview shows of the deputy's record, with the unread notices' count,
    in one query (WORKSPACE_FIGURES_SQL): the same figures as performance_record(deputy, year)
    for the latest year with verified activities."""
    with connection.cursor() as cursor:
        cursor.execute(WORKSPACE_FIGURES_SQL, [deputy.pk, user_id])
        rows = cursor.fetchall()
    unread = pending = 0
    verified = []
    for is_verified, kind, day, n, hours, points in rows:
        if kind is None:
            unread = n
        elif is_verified:
            verified.append((kind, day, n, hours, points))
        else:
            pending += n
    year = max(day for _kind, day, *_rest in verified).year if verified else None
    year = year or timezone.localdate().year
    totals: dict[str, list] = {}
    for kind, day, n, hours, points in verified:
        if day.year != year:
            continue
        line = totals.setdefault(kind, [0, Decimal("0"), Decimal("0")])
        line[0] += n
        line[1] += decimal(hours, 1)
        line[2] += decimal(points, 1) * n
    lines = [
        RecordLine(kind, label, *totals[kind])
        for kind, label in ActivityKind.choices
        if kind in totals
    ]
    return WorkspaceFigures(PerformanceRecord(year=year, lines=lines), pending, unread)


def home_figures():
    """The home page's roster and reception figures: three small queries whatever the data (the
    directory slice, the latest reception day, then the year's slices of every summary — the
    suggestions' block reads its own from there), no count over the tables
    (deputies/summaries.py)."""
    found = directory()
    # The latest year with receptions: early in January, last year's figures are the news.
    latest = Reception.objects.order_by("-date").values_list("date", flat=True).first()
    year = latest.year if latest else timezone.localdate().year
    summaries.preload([year])
    counts = summaries.read("deputies", [year])[year]
    return {
        **found,
        # The year's summary row (deputies/summaries.py), not a count over every reception.
        "reception_count": counts["receptions"],
        "residents_received": counts["residents"],
        "year": year,
    }


def activity_years(deputy) -> list[int]:
    """Years in which the deputy has verified activities, newest first."""
    return sorted(
        {
            d.year
            for d in Activity.objects.filter(deputy=deputy, verified=True).dates("date", "year")
        },
        reverse=True,
    )
