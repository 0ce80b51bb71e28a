#!/usr/bin/env python
"""Benchmark: the pages that read summary rows (congress.kit.summaries), in-process, at ten times
the demo.

    .venv/bin/python tests/perf/bench_summaries.py     (or `make bench BENCH=summaries`)

Set-up as tests/perf/bench_http.py (PostgreSQL only; its helpers build and keep the database),
in BENCH_DB_NAME (default renda_bench_summaries). Printed, with the page cache off:

- each page's first render (the summary rows the bulk-built data never wrote are computed by
  their first reader), then its queries, time in SQL and median render time;
- what a write costs: computing one year's slice again after its commit (queries, ms);
- the full re-aggregation the statistics page ran on every request before (ms), and
  `check_summaries` over every slice (s, disagreements).

Nothing is asserted: the machine is shared; the figures are for reading.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_DB_NAME", "renda_bench_summaries")

from tests.perf import bench_http as http  # noqa: E402 - after the database name is chosen

PAGES = ["/", "/suggestions/stats/", "/suggestions/stats/?year=2022", "/reviews/2022/"]
RUNS = 7


def timed(func, runs: int = RUNS) -> tuple[int, float, float]:
    """(queries, ms in SQL, median ms) of func() after one warm-up call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    func()
    with CaptureQueriesContext(connection) as ctx:
        func()
    # Read now: the next request resets the log.
    queries = len(ctx.captured_queries)
    sql = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append((time.perf_counter() - started) * 1000)
    return queries, sql, statistics.median(times)


def main() -> int:
    import tempfile

    url = http.database_url()
    version = http.data_version()
    meta = None if os.environ.get("BENCH_REBUILD") else http.stored_meta(url)
    if meta and meta.get("version") != version:
        meta = None
    if meta is None:
        print(f"building the data (version {version}) in {http.DB_NAME} …", flush=True)
        http.recreate_database(url)
    os.environ.update(
        {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "congress.settings", "REDIS_URL": ""}
    )
    os.environ["PAGE_CACHE_SECONDS"] = "0"
    import django

    django.setup()
    from django.test import Client, override_settings

    from congress.kit import summaries
    from proposals import summaries as suggestion_summaries
    from proposals.models import Suggestion

    if meta is None:
        http.build_data(url, version, Path(tempfile.mkdtemp(prefix="bench_summaries_")))
    print(http.load())
    with override_settings(PAGE_CACHE_SECONDS=0, ALLOWED_HOSTS=["*"]):
        client = Client()
        print(f"{'page':34} {'first':>9} {'queries':>8} {'SQL ms':>8} {'render ms':>10}")
        for path in PAGES:
            started = time.perf_counter()
            status = client.get(path, secure=True).status_code
            first = (time.perf_counter() - started) * 1000
            queries, sql, median = timed(lambda p=path: client.get(p, secure=True))
            print(f"{path:34} {first:8.0f}  {queries:8} {sql:8.1f} {median:10.1f}  ({status})")
    print("\nwhat a write costs after its commit (one year's slice computed again):")
    for name in ("suggestions", "deputies"):
        queries, sql, median = timed(lambda n=name: summaries.refresh(n, 2022), runs=3)
        print(f"  {name} 2022: {queries} queries, {median:.0f} ms")
    _q, _sql, whole = timed(
        lambda: suggestion_summaries.public_counts(Suggestion.objects.public()), runs=3
    )
    print(f"the statistics' full re-aggregation (each request before): {whole:.0f} ms")
    started = time.perf_counter()
    found = summaries.check()
    print(f"check_summaries: {len(found)} disagreements, {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
