"""Benchmark: import 10,000 suggestions (with co-signers, units and replies) from an xlsx file.

Standalone, not a test. Uses a fresh SQLite file in a temporary directory unless DATABASE_URL is
set (then that database must be empty of suggestions). Prints seconds and peak memory.

    .venv/bin/python tests/perf/bench_suggestions_import.py [rows]

The file goes the admin's way: read (congress.kit.sheetfile), mapped (congress.kit.importing.prepare),
then a dry run (the preview) and the import (the background task of a confirmation).
Targets (issue 12): dry run ≤ 3 s, confirm ≤ 5 s, peak memory ≤ 200 MB for 10,000 rows.

The migrations and the test file are made in a forked child process: the peak memory printed
is the importer's (and Django's), not that of loading every migration or of openpyxl writing.
"""

import io
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ.setdefault("SQLITE_PATH", str(Path(tempfile.mkdtemp()) / "bench.sqlite3"))

import django  # noqa: E402

django.setup()

import datetime  # noqa: E402

from django.core.management import call_command  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from congress.kit.importing import import_prepared, prepare  # noqa: E402
from congress.kit.sheetfile import read_sheets  # noqa: E402
from congress.models import Category, Organisation, Session, Term, Town  # noqa: E402
from deputies.models import Delegation, Deputy  # noqa: E402
from proposals.models import Assignment, Reply, Signature, Suggestion  # noqa: E402
from proposals.resources import SuggestionResource  # noqa: E402

HEADERS = ["编号", "年度", "标题", "类别", "领衔代表", "附议代表", "状态", "公开", "重点督办",
           "督办领导", "主办单位", "协办单位", "交办日期", "答复类别", "答复文号", "答复日期",
           "答复内容", "内容"]  # fmt: skip


def setup_reference():
    term, _ = Term.objects.get_or_create(
        number=16, defaults={"start_date": datetime.date(2022, 2, 14)}
    )
    Session.objects.get_or_create(
        term=term,
        number=1,
        defaults={"start_date": datetime.date(2022, 2, 14), "end_date": datetime.date(2022, 2, 18)},
    )
    for name in ("经济建设", "城乡建设", "环境资源", "民生事业"):
        Category.objects.get_or_create(term=term, name=name)
    town, _ = Town.objects.get_or_create(name="当湖街道", defaults={"kind": "street"})
    delegation, _ = Delegation.objects.get_or_create(
        term=term, town=town, defaults={"name": "当湖街道代表团"}
    )
    Deputy.objects.bulk_create(
        [
            Deputy(
                term=term,
                card_number=f"B{i:04d}",
                name=f"代表{i:03d}",
                gender="F",
                delegation=delegation,
            )  # fmt: skip
            for i in range(280)
        ],
        ignore_conflicts=True,
    )
    Organisation.objects.bulk_create(
        [Organisation(name=f"市测试局{i:02d}") for i in range(30)], ignore_conflicts=True
    )


def workbook(rows: int) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADERS)
    categories = ["经济建设", "城乡建设", "环境资源", "民生事业"]
    for n in range(1, rows + 1):
        sheet.append(
            [
                f"十六届一次会议第{n:03d}号", 2022, f"关于第{n}项民生工作的建议",
                categories[n % 4], f"代表{n % 280:03d}",
                f"代表{(n + 1) % 280:03d}、代表{(n + 2) % 280:03d}", "", "是", "否", "",
                f"市测试局{n % 30:02d}", f"市测试局{(n + 7) % 30:02d}", "2022-03-18",
                "ABC"[n % 3], f"平测函〔2022〕{n}号", "2022-06-10", "经研究，已列入计划并实施。",
                "一、基本情况……二、建议……",
            ]
        )  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def in_child(function, *args):
    """`function(*args)` run in a forked process, its result sent back (see the docstring)."""
    django.db.connections.close_all()
    with multiprocessing.get_context("fork").Pool(1) as pool:
        return pool.apply(function, args)


def migrate() -> None:
    call_command("migrate", verbosity=0)
    django.db.connections.close_all()


def main(rows: int = 10_000) -> None:
    in_child(migrate)
    setup_reference()
    data = in_child(workbook, rows)
    print(f"database: {django.db.connection.vendor}  rows: {rows}")
    memory_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"memory before importing (max RSS so far): {memory_before:.0f} MB")
    for label, dry_run in (("dry run (preview)", True), ("import (confirm)", False)):
        started, cpu = time.perf_counter(), time.process_time()
        suggestions = SuggestionResource()
        prepared = prepare(suggestions, read_sheets(data, "suggestions.xlsx"))
        read = time.perf_counter() - started
        result = import_prepared(suggestions, prepared, dry_run=dry_run)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        if result.has_errors() or result.has_validation_errors():
            for row in result.invalid_rows[:5]:
                print(row.number, row.error_dict)
            for error_row in result.error_rows[:5]:
                print(error_row.number, [e.error for e in error_row.errors])
            raise SystemExit("the import failed")
        print(f"{label:18} {elapsed:5.2f} s  ({read:.2f} s reading xlsx, {cpu:.2f} s CPU here)")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    counts = {m.__name__: m.objects.count() for m in (Suggestion, Signature, Assignment, Reply)}
    print(f"peak memory (max RSS of the process): {peak_mb:.0f} MB")
    print(f"rows written: {counts}")
    print("targets for 10,000 rows: dry run ≤ 3 s, import ≤ 5 s, peak memory ≤ 200 MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
