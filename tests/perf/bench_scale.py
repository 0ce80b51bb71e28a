#!/usr/bin/env python
"""Benchmark: the public pages at ten times the demo's size, served by gunicorn with 4 workers.

    .venv/bin/python tests/perf/bench_scale.py [--seconds 10] [--scale 10] [--keep]

PostgreSQL only: a throwaway database `renda_bench_scale` on the server DATABASE_URL names
(default postgres://postgres@127.0.0.1:5432/) is created, migrated, filled by
tests/perf/scale_data.py (2,800 deputies of one term, ten years of activity, 20,000 suggestions …)
and dropped at the end (`--keep` keeps it for profiling). Redis db 14 is flushed and used as the
cache. Static files are collected into a temporary directory (DEBUG is off: manifest storage).

Each URL gets 16 concurrent keep-alive clients (threads, http.client, 127.0.0.1 only) for a
2-second warm-up and then `--seconds` of measurement; the bare view of tests/perf/scale_urls.py
(a small template, no database) is measured the same way first and last. Printed per URL:
requests per second, p50 and p99 latency, throughput as a share of the bare view (target ≥ 40 %),
p99 (target < 100 ms) and the number of queries one request makes (Django's test client,
in-process). Targets print PASS or MISS; a time never fails the run (machines are shared).
gunicorn runs with gunicorn.conf.py but without worker recycling (--max-requests 0), so that a
worker restart is not counted against the page that happened to be measured.
"""

import argparse
import http.client
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
HOST = "127.0.0.1"
DB_NAME = "renda_bench_scale"
REDIS_URL = "redis://127.0.0.1:6379/14"
CONCURRENCY = 16
WARMUP_SECONDS = 2.0
RATIO_TARGET = 0.40
P99_TARGET_MS = 100.0
LOCAL_APPS = ("congress", "deputies", "proposals", "supervision")


def database_url() -> str:
    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/"
    if not base.startswith("postgres"):
        sys.exit("this benchmark needs PostgreSQL (DATABASE_URL=postgres://…)")
    return urlparse(base)._replace(path=f"/{DB_NAME}").geturl()


def recreate_database(url: str, *, drop_only=False) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if not name.startswith("renda_bench"):
        sys.exit(f"refusing to drop {name!r}: the benchmark database must be named renda_bench*")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str, static_root: str) -> dict:
    env = {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "tests.perf.scale_settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-" + secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "REDIS_URL": REDIS_URL,
        "BENCH_STATIC_ROOT": static_root,
    }
    os.environ.update(env)
    import django

    django.setup()
    return env


def migrate(tmp: Path) -> None:
    """Migrate the throwaway database, even while an app's models are ahead of its migrations.

    Other work in progress may have changed models without writing the migration yet; the
    benchmark then writes the missing ones into a temporary copy of the migration packages
    (never into the project) and says so.
    """
    from django.conf import settings
    from django.core.management import call_command

    try:
        call_command("makemigrations", check_changes=True, dry_run=True, verbosity=0)
    except SystemExit:
        package = tmp / "bench_migrations"
        package.mkdir()
        (package / "__init__.py").touch()
        sys.path.insert(0, str(tmp))
        modules = {}
        for app in LOCAL_APPS:
            shutil.copytree(ROOT / app / "migrations", package / app)
            modules[app] = f"bench_migrations.{app}"
        settings.MIGRATION_MODULES = modules
        call_command("makemigrations", *LOCAL_APPS, verbosity=0)
        print("note: models ahead of their migrations (work in progress); the throwaway")
        print("      database got the missing changes from temporary migrations")
    call_command("migrate", verbosity=0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer on /healthz")


def hammer(port: int, path: str, seconds: float) -> tuple[int, list[float], dict]:
    """CONCURRENCY clients GET `path` until `seconds` pass: (completed, latencies, statuses)."""
    stop = time.perf_counter() + seconds
    latencies: list[float] = []
    statuses: dict = {}
    lock = threading.Lock()

    def client():
        mine, codes = [], {}
        conn = None
        while time.perf_counter() < stop:
            if conn is None:
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Host": HOST})
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.will_close:  # gunicorn's sync workers close after each response
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException) as error:
                status = type(error).__name__
                conn.close()
                conn = None
            mine.append(time.perf_counter() - started)
            codes[status] = codes.get(status, 0) + 1
        if conn is not None:
            conn.close()
        with lock:
            latencies.extend(mine)
            for code, n in codes.items():
                statuses[code] = statuses.get(code, 0) + n

    threads = [threading.Thread(target=client) for _ in range(CONCURRENCY)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies), latencies, statuses


def measure(port: int, path: str, seconds: float) -> dict:
    hammer(port, path, WARMUP_SECONDS)
    started = time.perf_counter()
    done, latencies, statuses = hammer(port, path, seconds)
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": done / elapsed,
        "p50": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
        if latencies
        else float("nan"),
        "statuses": statuses,
    }


def resolves(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def pages(built) -> list[tuple[str, str | None]]:
    """(path, None) to measure, or (path, why it is skipped)."""
    rows = [
        ("/", None),
        ("/deputies/", None),
        (f"/suggestions/?q=农村道路&category={built.category_id}", "suggestions"),
        (f"/suggestions/{built.suggestion_id}/", "suggestions"),
        (f"/stations/{built.station_id}/", None),
        (f"/projects/{built.project_year}/", None),
        (f"/reviews/{built.review_year}/", None),
    ]
    out = []
    for path, needs in rows:
        if needs and not resolves(path.split("?")[0]):
            out.append((path, f"skipped: {path.split('?')[0]} does not exist yet"))
        else:
            out.append((path, None))
    return out


def query_count(path: str) -> tuple[int, int, float]:
    """(status, queries, median ms) of a full render, in-process, with the page cache off.

    The HTTP figures below are with the page cache on (as production runs); these say what a
    request costs when the cache has just been dropped by a write.
    """
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    with override_settings(PAGE_CACHE_SECONDS=0):
        client = Client(SERVER_NAME=HOST, raise_request_exception=False)
        client.get(path)  # warm: first-request work (content types, caches) is not the page's
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        # Read now: the next request's start resets the connection's query log.
        queries = len(ctx.captured_queries)
        times = []
        for _ in range(5):
            started = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
    return response.status_code, queries, statistics.median(times)


def quote(path: str) -> str:
    from urllib.parse import quote as q

    return q(path, safe="/?&=")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    url = database_url()
    tmp = Path(tempfile.mkdtemp(prefix="bench_scale_"))
    recreate_database(url)
    env = setup_django(url, str(tmp / "static"))
    from django.core.management import call_command
    from django.db import connection

    server = None
    log = None
    try:
        migrate(tmp)
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        from tests.perf import scale_data

        started = time.perf_counter()
        built = scale_data.build(scale=args.scale)
        print(f"data built in {time.perf_counter() - started:.0f} s (scale ×{args.scale}):")
        print("  " + ", ".join(f"{k} {v:,}" for k, v in built.counts.items()))
        for note in built.notes:
            print(f"note: {note}")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would leave them
        call_command("collectstatic", interactive=False, verbosity=0)

        targets = pages(built)
        queries = {}
        for path, skipped in targets:
            if not skipped:
                queries[path] = query_count(quote(path))
        queries["/bench/bare/"] = query_count("/bench/bare/")

        port = free_port()
        log = open(tmp / "gunicorn.log", "w+")  # noqa: SIM115 - closed with the server below
        server = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "congress.wsgi", "-c", "gunicorn.conf.py",
             "-w", "4", "-b", f"{HOST}:{port}", "--max-requests", "0",
             "--access-logfile", "/dev/null"],
            cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_for(port)

        results = {"/bench/bare/": measure(port, "/bench/bare/", args.seconds)}
        for path, skipped in targets:
            if not skipped:
                results[path] = measure(port, quote(path), args.seconds)
        bare_after = measure(port, "/bench/bare/", args.seconds)
    except BaseException:
        if log is not None:
            log.seek(0)
            print("gunicorn's log, last lines:\n" + "".join(log.readlines()[-30:]))
        raise
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        if log is not None:
            log.close()
        connection.close()
        if not args.keep:
            recreate_database(url, drop_only=True)
        shutil.rmtree(tmp, ignore_errors=True)

    bare = results["/bench/bare/"]["rps"]
    print(f"\ngunicorn 4 sync workers, {CONCURRENCY} connections, {args.seconds:g} s per URL "
          f"after {WARMUP_SECONDS:g} s warm-up, PostgreSQL + Redis on {HOST}")  # fmt: skip
    header = (
        f"{'URL':48} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'vs bare':>8}     {'p99':5}  queries"
        "  uncached ms"
    )
    print(header)
    print("-" * len(header))

    def line(path, r, q):
        ratio = r["rps"] / bare if bare else 0
        errors = {k: v for k, v in r["statuses"].items() if k != 200}
        verdict_ratio = "PASS" if ratio >= RATIO_TARGET else "MISS"
        verdict_p99 = "PASS" if r["p99"] < P99_TARGET_MS else "MISS"
        status = "" if q[0] == 200 else f" (status {q[0]})"
        print(
            f"{path:48} {r['rps']:7.0f} {r['p50']:7.1f} {r['p99']:7.1f} {ratio:7.0%} {verdict_ratio}"
            f" {verdict_p99:5} {q[1]:4d}  {q[2]:11.1f}{status}"
            + (f"  errors {errors}" if errors else "")
        )

    line("/bench/bare/ (before)", results["/bench/bare/"], queries["/bench/bare/"])
    for path, skipped in targets:
        if skipped:
            print(f"{path:48} {skipped}")
        else:
            line(path, results[path], queries[path])
    line("/bench/bare/ (after)", bare_after, queries["/bench/bare/"])
    print(f"targets: throughput ≥ {RATIO_TARGET:.0%} of the bare view's (measured before the "
          f"pages), p99 < {P99_TARGET_MS:g} ms. Figures only; nothing fails on a time.")  # fmt: skip
    print("req/s, p50 and p99 are with the page cache on, as production runs with Redis; "
          "queries and 'uncached ms' are one full render in-process with the cache off "
          "(what the first request after a write costs).")  # fmt: skip
    if args.keep:
        print(f"database kept: {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
