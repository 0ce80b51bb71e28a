"""Benchmark: import 10,000 deputies from an xlsx file the way the admin does.

The file is read (congress.kit.sheetfile), mapped (congress.kit.importing.prepare) and run through
DeputyResource, as a dry run (the preview) and for real (the background task of a confirmation).
Targets (issue 12): dry run ≤ 3 s, confirm ≤ 5 s, peak memory ≤ 200 MB for 10,000 rows.

Run: .venv/bin/python tests/perf/bench_import.py [--rows N]
Uses a throwaway SQLite file, or a throwaway PostgreSQL database beside the one DATABASE_URL
names (created, migrated and dropped here). Prints figures; asserts nothing.

The migrations and the test files are made in a forked child process: the peak memory printed
is the importer's (and Django's), not that of loading every migration or of openpyxl writing.
"""

import argparse
import io
import multiprocessing
import os
import resource as rusage
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
_tmp = tempfile.TemporaryDirectory()
if not os.environ.get("DATABASE_URL"):
    os.environ["SQLITE_PATH"] = str(Path(_tmp.name) / "bench.sqlite3")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from congress.kit.importing import import_prepared, prepare  # noqa: E402
from congress.kit.sheetfile import read_sheets  # noqa: E402
from congress.models import Term, Town  # noqa: E402
from deputies.models import Delegation, Deputy, DeputyGroup  # noqa: E402
from deputies.resources import DeputyResource  # noqa: E402

TOWNS = [
    "当湖街道",
    "钟埭街道",
    "曹桥街道",
    "乍浦镇",
    "新埭镇",
    "新仓镇",
    "广陈镇",
    "林埭镇",
    "独山港镇",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
HEADERS = ["代表证号", "姓名", "性别", "民族", "党派", "职务", "代表团", "选区", "代表小组", "状态",
           "手机", "身份证号", "出生日期", "简介"]  # fmt: skip


def setup_reference_data():
    import datetime

    term, _ = Term.objects.get_or_create(
        number=99, defaults={"start_date": datetime.date(2000, 1, 1)}
    )
    groups = []
    for order, name in enumerate(TOWNS):
        town, _ = Town.objects.get_or_create(
            name=f"基准{name}", defaults={"kind": "town", "order": order}
        )
        Delegation.objects.get_or_create(
            term=term, town=town, defaults={"name": f"基准{name}代表团"}
        )
        group, _ = DeputyGroup.objects.get_or_create(
            term=term, name=f"基准{name}代表小组", defaults={"kind": "constituency", "town": town}
        )
        groups.append(group.name)
    return term, groups


def id_number(i: int) -> str:
    """A distinct, valid ID number (GB 11643 check digit) born 1980-01-01."""
    body = f"{330482 + i // 1000:06d}19800101{i % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def build_xlsx(rows: int, groups, revision: int = 0) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADERS)
    for i in range(rows):
        town = TOWNS[i % len(TOWNS)]
        sheet.append([
            f"B{i:05d}", SURNAMES[i % 20] + "代表" + str(i), "男" if i % 3 else "女", "汉族", "中共党员",
            f"某单位职员{i}-{revision}", f"基准{town}代表团", f"第{i % 40 + 1}选区",
            f"{groups[i % len(groups)]}、{groups[(i + 1 + revision) % len(groups)]}", "在任",
            f"138{i:08d}", id_number(i), "1980-01-01", "",
        ])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def timed_import(data: bytes, dry_run: bool):
    start, cpu = time.perf_counter(), time.process_time()
    resource = DeputyResource()
    prepared = prepare(resource, read_sheets(data, "deputies.xlsx"))
    read = time.perf_counter() - start
    with CaptureQueriesContext(connection) as queries:
        result = import_prepared(resource, prepared, dry_run=dry_run)
    total, cpu = time.perf_counter() - start, time.process_time() - cpu
    if result.has_errors() or result.has_validation_errors():
        first = result.base_errors[:1] or result.invalid_rows[:1]
        raise SystemExit(f"import failed: {first}")
    return total, read, cpu, len(queries), result.totals


def in_child(function, *args):
    """`function(*args)` run in a forked process, its result sent back (see the docstring)."""
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(1) as pool:
        return pool.apply(function, args)


def create_database(name):
    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0)  # into the temporary file set above
    else:
        connection.settings_dict["TEST"]["NAME"] = name
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
    connections.close_all()


def build_files(rows, groups):
    return [
        build_xlsx(rows, groups),
        build_xlsx(rows, groups),
        build_xlsx(rows, groups),
        build_xlsx(rows, groups),
        build_xlsx(rows, groups, revision=1),
        build_xlsx(rows, groups, revision=1),
    ]


def rss_mb() -> float:
    return rusage.getrusage(rusage.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10000)
    rows = parser.parse_args().rows

    # A throwaway database (beside the one DATABASE_URL names, on PostgreSQL), migrated.
    original_name = connection.settings_dict["NAME"]
    bench_name = original_name + "_bench"
    in_child(create_database, bench_name)
    if connection.vendor != "sqlite":
        connection.settings_dict["NAME"] = bench_name
    try:
        term, groups = setup_reference_data()
        files = in_child(build_files, rows, groups)
        print(f"database: {connection.vendor}  rows: {rows}")
        print(f"memory before importing (max RSS so far): {rss_mb():.0f} MB")
        labels = ["new rows, dry run", "new rows, import", "unchanged, dry run",
                  "unchanged, import", "all changed, dry run", "all changed, import"]  # fmt: skip
        for label, data in zip(labels, files, strict=True):
            dry_run = label.endswith("dry run")
            total, read, cpu, queries, totals = timed_import(data, dry_run)
            print(
                f"{label:22} {total:5.2f} s  ({read:.2f} s reading xlsx, {cpu:.2f} s CPU here)"
                f"  {queries:5d} queries  new={totals['new']} updated={totals['update']}"
                f" unchanged={totals['skip']}"
            )
        assert Deputy.objects.filter(term=term).count() == rows
        print(f"peak memory (max RSS of the process): {rss_mb():.0f} MB")
        print("targets for 10,000 rows: dry run ≤ 3 s, import ≤ 5 s, peak memory ≤ 200 MB")
    finally:
        if connection.vendor != "sqlite":
            connection.creation.destroy_test_db(original_name, verbosity=0)


if __name__ == "__main__":
    main()
