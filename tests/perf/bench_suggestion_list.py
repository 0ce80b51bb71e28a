"""Benchmark: the public suggestion list with a filter and a Chinese search, at 20,000 items.

Standalone, not a test. It runs twice when DATABASE_URL is set, each run in a child process:

- SQLite: a throwaway file in a temporary directory (SQLITE_PATH), migrated from scratch;
- PostgreSQL: a throwaway database `<name>_bench_list` created next to DATABASE_URL's database
  and dropped afterwards.

Each run builds 20,000 public suggestions with their lead assignments and published replies
(bulk_create), then requests pages with Django's test Client and prints, per page, the number of
queries and the median server time over 20 requests. Target: under 50 ms.

    .venv/bin/python tests/perf/bench_suggestion_list.py [items]
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
ITEMS = 20_000
REQUESTS = 20
URLS = [
    "/suggestions/",
    "/suggestions/?status=closed&category={category}",
    "/suggestions/?q=农村道路",
    "/suggestions/?q=农村道路&status=closed&year=2022",
    "/suggestions/?q=营商环境&unit={unit}",
]

SUBJECTS = [
    "农村道路亮化设施建设", "老旧小区改造", "城区停车设施建设", "农村公路养护管理",
    "小微企业融资服务", "营商环境建设", "中小学课后服务", "养老服务体系建设",
    "河道综合治理", "垃圾分类处理", "公交线路布局", "基层医疗服务能力",
]  # fmt: skip
VERBS = ["关于加快", "关于进一步加强", "关于完善", "关于推进", "关于优化"]


def build(items: int) -> dict:
    import datetime
    import random

    from congress.models import Category, Organisation, Session, Term, Town
    from deputies.models import Delegation, Deputy
    from proposals.models import Assignment, Reply, Suggestion

    rng = random.Random(20_000)  # noqa: S311 - benchmark data
    term = Term.objects.create(number=16, start_date=datetime.date(2022, 1, 1))
    sessions = [
        Session.objects.create(
            term=term,
            number=n,
            start_date=datetime.date(2021 + n, 2, 14),
            end_date=datetime.date(2021 + n, 2, 18),
        )
        for n in range(1, 5)
    ]
    categories = [Category.objects.create(term=term, name=f"类别{i}") for i in range(8)]
    units = Organisation.objects.bulk_create(
        [Organisation(name=f"市测试局{i:02d}") for i in range(40)]
    )
    town = Town.objects.create(name="当湖街道", kind="street")
    delegation = Delegation.objects.create(term=term, town=town, name="当湖街道代表团")
    deputies = Deputy.objects.bulk_create(
        [
            Deputy(
                term=term,
                card_number=f"B{i:04d}",
                name=f"代表{i:03d}",
                gender="F",
                delegation=delegation,
            )  # fmt: skip
            for i in range(280)
        ]
    )
    now = datetime.datetime(2022, 3, 1, 10, tzinfo=datetime.UTC)
    rows = []
    for i in range(items):
        session = sessions[i % len(sessions)]
        subject = rng.choice(SUBJECTS)
        rows.append(
            Suggestion(
                term=term,
                session=session,
                number=i // len(sessions) + 1,
                code=f"十六届{session.number}次会议第{i // len(sessions) + 1:05d}号",
                year=session.start_date.year,
                title=f"{rng.choice(VERBS)}{subject}的建议（{i}）",
                body=(
                    f"关于{rng.choice(SUBJECTS)}的情况：群众反映较多，存在短板。"
                    f"建议有关部门统筹推进{subject}，明确责任，加大投入，定期通报进展。" * 3
                ),
                lead=rng.choice(deputies),
                category=rng.choice(categories),
                status=Suggestion.Status.CLOSED,
                is_public=True,
                submitted_at=now,
                registered_at=now,
                replied_at=now,
                closed_at=now,
            )
        )
    suggestions = Suggestion.objects.bulk_create(rows, batch_size=2000)
    Assignment.objects.bulk_create(
        [
            Assignment(
                suggestion=s,
                organisation=rng.choice(units),
                role="lead",
                assigned_at=datetime.date(s.year, 3, 18),
                due_date=datetime.date(s.year, 6, 18),
            )
            for s in suggestions
        ],
        batch_size=2000,
    )
    Reply.objects.bulk_create(
        [
            Reply(
                suggestion=s,
                organisation=units[0],
                reply_class=rng.choice("AAAABC"),
                text="经研究，已列入年度计划并组织实施。",
                replied_at=datetime.date(s.year, 6, 1),
                published_at=now,
            )
            for s in suggestions
        ],
        batch_size=2000,
    )
    return {"category": categories[0].pk, "unit": units[3].pk}


def measure(ids: dict) -> None:
    from django.conf import settings
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import setup_test_environment, teardown_test_environment

    client = Client()
    for template in URLS:
        url = template.format(**ids)
        assert client.get(url).status_code == 200, url  # warm caches
        setup_test_environment()  # response.context, for the row count; off while timing
        response = client.get(url)
        count = response.context["paginator"].count
        teardown_test_environment()
        settings.DEBUG = True  # connection.queries, for the query count; off while timing
        reset_queries()
        client.get(url)
        queries = len(connection.queries)
        settings.DEBUG = False
        times = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        print(
            f"  {url:<55} {count:>6} rows  {queries:>2} queries  "
            f"median {statistics.median(times):6.1f} ms  max {max(times):6.1f} ms",
            flush=True,
        )


def child(items: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    ids = build(items)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum leaves the tables after a load
    print(
        f"{connection.vendor}: {items:,} suggestions built in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    measure(ids)


def run_child(env: dict, items: int) -> int:
    return subprocess.run(
        [sys.executable, __file__, "--child", str(items)], cwd=ROOT, env=env, check=False
    ).returncode


def postgres_run(url: str, items: int) -> int:
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'renda'}_bench_list"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        env = {**os.environ, "DATABASE_URL": urlunsplit(parts._replace(path=f"/{name}"))}
        return run_child(env, items)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> int:
    items = int(sys.argv[1]) if len(sys.argv) > 1 else ITEMS
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env["SQLITE_PATH"] = str(Path(tmp) / "bench_list.sqlite3")
        failed = run_child(env, items)
    if os.environ.get("DATABASE_URL"):
        failed |= postgres_run(os.environ["DATABASE_URL"], items)
    return failed


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(int(sys.argv[2]))
    else:
        sys.exit(main())
