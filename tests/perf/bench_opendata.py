"""Benchmark: the open-data suggestions download at 20,000 items, streamed row by row.

Standalone, not a test; the data is bench_suggestion_list's (20,000 public suggestions, each with
a lead assignment and a published reply). SQLite always, PostgreSQL too when DATABASE_URL is set.
Prints, per download, the time to stream the whole body, its size, the number of queries and the
peak Python memory while streaming (tracemalloc, in a separate pass: it slows the code down).
Flat memory means the peak does not grow with the rows (compare `bench_opendata.py 2000`).

    .venv/bin/python tests/perf/bench_opendata.py [items]
"""

import os
import sys
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_suggestion_list as data  # noqa: E402

URLS = ["/open-data/suggestions.csv", "/open-data/suggestions.json", "/open-data/replies.csv"]


def measure() -> None:
    from django.conf import settings
    from django.db import connection, reset_queries
    from django.test import Client

    client = Client()
    for url in URLS:
        started = time.perf_counter()
        response = client.get(url)
        size = sum(len(chunk) for chunk in response.streaming_content)
        seconds = time.perf_counter() - started
        settings.DEBUG = True
        reset_queries()
        for _chunk in client.get(url).streaming_content:
            pass
        queries = len(connection.queries)
        settings.DEBUG = False
        tracemalloc.start()
        for _chunk in client.get(url).streaming_content:
            pass
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(
            f"  {url:<32} {seconds:6.2f} s  {size / 1e6:6.1f} MB  {queries:>3} queries  "
            f"peak {peak / 1e6:5.1f} MB",
            flush=True,
        )


def child(items: int) -> None:
    sys.path.insert(0, str(data.ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    data.build(items)
    print(f"{connection.vendor}: {items:,} suggestions", flush=True)
    measure()


data.__file__ = __file__  # run_child re-runs this script, not the list bench
data.child = child

if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(int(sys.argv[2]))
    else:
        sys.exit(data.main())
