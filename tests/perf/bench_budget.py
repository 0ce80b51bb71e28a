"""Benchmark: a year of the budget register imported from xlsx the way the admin does, and the
warning rules run over it.

Each of 12 months is seven files: execution by 200 departments, execution by 100 functional
classification lines, 三公 spending of the 200 departments, the four budgets' totals, the
transfers received so far (3 a month), the reserve fund and the debt (84 files, about 6,400
rows). Each file is read (congress.kit.sheetfile), mapped (congress.kit.importing.prepare), and
run through its resource twice, as the admin does: the preview (a dry run) and the import (which
makes the month's snapshot and runs the rules and follow-ups on it). Then the warning run alone:
the year's warnings are deleted and the rules run again on the 84 current snapshots.
Targets (issue 18): the 12-month import under 10 s, the warning run under 2 s.

Run: .venv/bin/python tests/perf/bench_budget.py [--departments 200] [--functions 100]
Uses a throwaway SQLite file, or a throwaway PostgreSQL database beside the one DATABASE_URL
names (created, migrated and dropped here). Prints figures; asserts nothing about time.
"""

import argparse
import datetime
import multiprocessing
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
_tmp = tempfile.TemporaryDirectory()
if not os.environ.get("DATABASE_URL"):
    os.environ["SQLITE_PATH"] = str(Path(_tmp.name) / "bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from congress.kit.importing import import_prepared, prepare  # noqa: E402
from congress.kit.sheetfile import read_sheets  # noqa: E402
from congress.models import Organisation  # noqa: E402
from supervision.budget import services  # noqa: E402
from supervision.budget.models import BudgetSnapshot, BudgetWarning, WarningRule  # noqa: E402
from supervision.budget.samples import HEADERS, REGISTERS, workbook  # noqa: E402

K = BudgetSnapshot.Kind
YEAR = 2022
WAN = 10_000
BUDGETS = ["一般公共预算", "政府性基金预算", "国有资本经营预算", "社会保险基金预算"]
RULES = [
    ("6月底执行进度低于40%", WarningRule.Kind.EXECUTION_LAG, 40, 6, None),
    ("11月底执行进度低于50%", WarningRule.Kind.EXECUTION_LAG, 50, 11, None),
    ("12月支出超过全年支出的30%", WarningRule.Kind.DECEMBER_RUSH, 30, None, None),
    ("债务余额超过限额", WarningRule.Kind.DEBT_OVER_LIMIT, 100, None, None),
    ("三公经费超过预算", WarningRule.Kind.SANGONG_OVER, 100, None, None),
    ("转移支付30日内未下达", WarningRule.Kind.TRANSFER_HELD, 30, None, None),
    ("收入比上年同期下降超过20%", WarningRule.Kind.REVENUE_FALL, 20, None, None),
    ("功能分类11月底执行进度低于50%", WarningRule.Kind.FUNCTIONAL_LAG, 50, 11, None),
    ("转移支付收到60日后下达不足九成", WarningRule.Kind.TRANSFER_PARTIAL, 10, None, 60),
    ("无三公预算却有三公支出", WarningRule.Kind.SANGONG_UNBUDGETED, 0, None, None),
]


def department(i: int) -> str:
    return f"基准预算单位{i:03d}"


def month_rows(kind: str, month: int, departments: int, functions: int) -> list[list]:
    """A month's rows of one register: figures that rise through the year, a few departments
    and items tripping the rules."""
    head = [YEAR, month]
    if kind == K.EXECUTION:
        rows = []
        for i in range(departments):
            adjusted = (100 + 37 * (i % 23)) * WAN
            rate = min(100, month * (8 - (i % 5 == 0) * 3) + (12 - month == 0) * 4)
            rows.append([*head, department(i), adjusted - 5 * WAN, adjusted, adjusted * rate / 100])
        return rows
    if kind == K.FUNCTIONAL:
        return [
            [*head, f"2{i:04d}", f"功能分类科目{i:03d}", (500 + i) * WAN, (520 + i) * WAN,
             (520 + i) * WAN * min(100, month * 8) / 100]
            for i in range(functions)
        ]  # fmt: skip
    if kind == K.SANGONG:
        rows = []
        for i in range(departments):
            cars, reception = (20 + i % 9) * WAN, (5 + i % 4) * WAN
            share = month * (9 if i % 11 == 0 else 8) / 100
            rows.append([*head, department(i), 0, 0, cars, cars * share, reception,
                         reception * share])  # fmt: skip
        return rows
    if kind == K.TOTALS:
        return [
            [*head, name, 100 * 10**8, (6 + n) * month * 10**7, (8 - n) * month * 10**7,
             100 * 10**8, 7 * month * 10**7]
            for n, name in enumerate(BUDGETS)
        ]  # fmt: skip
    if kind == K.TRANSFER:
        rows, end = [], datetime.date(YEAR, month, 28)
        for m in range(1, month + 1):
            for n in range(3):
                received = datetime.date(YEAR, m, 3 + 7 * n)
                passed = received + datetime.timedelta(days=20 if n else 40)
                done = passed <= end
                rows.append([*head, f"{m}月转移支付项目{n + 1}", (300 + n) * WAN, received,
                             passed if done else None, (300 + n) * WAN if done else None,
                             "各镇街道" if done else ""])  # fmt: skip
        return rows
    if kind == K.RESERVE:
        return [[*head, 20_000 * WAN, 400 * month * WAN, f"1至{month}月疫情防控等"]]
    return [[*head, 25 * 10**8, month * 10**8, (128 + 2 * month) * 10**8, 156 * 10**8]]


def build_files(departments: int, functions: int) -> list[tuple[str, int, bytes]]:
    files = []
    for month in range(1, 13):
        for kind in REGISTERS:
            rows = month_rows(kind, month, departments, functions)
            files.append((kind, len(rows), workbook(HEADERS[kind], rows)))
    return files


def in_child(function, *args):
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(1) as pool:
        return pool.apply(function, args)


def create_database(name):
    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0)
    else:
        connection.settings_dict["TEST"]["NAME"] = name
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
    connections.close_all()


def import_one(kind: str, data: bytes, dry_run: bool) -> float:
    resource = REGISTERS[kind][0]()
    start = time.perf_counter()
    prepared = prepare(resource, read_sheets(data, f"{kind}.xlsx"))
    result = import_prepared(resource, prepared, dry_run=dry_run, file=f"{kind}.xlsx")
    if result.has_errors() or result.has_validation_errors():
        first = result.base_errors[:1] or result.invalid_rows[:1]
        raise SystemExit(f"{kind} import failed: {first}")
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--departments", type=int, default=200)
    parser.add_argument("--functions", type=int, default=100)
    options = parser.parse_args()

    original_name = connection.settings_dict["NAME"]
    bench_name = original_name + "_bench"
    in_child(create_database, bench_name)
    if connection.vendor != "sqlite":
        connection.settings_dict["NAME"] = bench_name
    try:
        Organisation.objects.bulk_create(
            Organisation(name=department(i)) for i in range(options.departments)
        )
        for name, kind, threshold, by_month, days in RULES:
            WarningRule.objects.create(
                name=name, kind=kind, threshold=Decimal(threshold), by_month=by_month, days=days
            )
        files = in_child(build_files, options.departments, options.functions)
        rows = sum(count for _kind, count, _data in files)
        print(
            f"database: {connection.vendor}  {len(files)} files, {rows} rows "
            f"({options.departments} departments, {options.functions} functional lines a month)"
        )

        by_kind: dict[str, float] = dict.fromkeys(REGISTERS, 0.0)
        preview = cpu_preview = 0.0
        started, cpu = time.perf_counter(), time.process_time()
        for kind, _count, data in files:
            preview += import_one(kind, data, dry_run=True)
        cpu_preview = time.process_time() - cpu
        print(f"previews (dry runs) of the 12 months: {preview:5.2f} s ({cpu_preview:.2f} s CPU)")

        started, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            for kind, _count, data in files:
                by_kind[kind] += import_one(kind, data, dry_run=False)
        total, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"12-month import, rules and follow-ups included: {total:5.2f} s ({cpu:.2f} s CPU), "
            f"{len(queries)} queries   target < 10 s"
        )
        for kind, seconds in by_kind.items():
            print(f"    {kind:12} {seconds:5.2f} s")
        raised = BudgetWarning.objects.count()
        assert BudgetSnapshot.objects.active().count() == 12 * len(REGISTERS)

        BudgetWarning.objects.all().delete()
        snapshots = list(BudgetSnapshot.objects.active().order_by("month", "kind"))
        started, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            again = sum(len(services.rules_run(snapshot=s)) for s in snapshots)
        total, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"warning run over {len(snapshots)} snapshots ({len(RULES)} rules): {total:5.2f} s "
            f"({cpu:.2f} s CPU), {len(queries)} queries, {again} warnings "
            f"(the imports raised {raised})   target < 2 s"
        )
    finally:
        if connection.vendor != "sqlite":
            connection.creation.destroy_test_db(original_name, verbosity=0)


if __name__ == "__main__":
    main()
