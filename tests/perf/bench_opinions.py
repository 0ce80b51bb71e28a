#!/usr/bin/env python
"""Benchmark: 500 residents' opinions posted in a burst to gunicorn on PostgreSQL.

Sets up a throwaway database (DATABASE_URL, or renda_bench_opinions on the local server), migrates
it, creates one liaison station, starts gunicorn (4 workers, DEBUG off, Redis db 15 for the
rate-limit cache, the rate limits raised through a generated settings module), fires 500
submissions from a bounded thread pool at 127.0.0.1, then checks that every one was stored
exactly once and prints the latency percentiles. Drops the database at the end.

Run: .venv/bin/python tests/perf/bench_opinions.py   (target: p99 under 300 ms)
"""

import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/renda_bench_opinions"
COUNT, THREADS = 500, 8

SETTINGS = """
from congress.settings import *  # noqa: F401,F403

CONGRESS_RULES = {
    **CONGRESS_RULES,
    "OPINION_RATE_PER_ADDRESS": 1_000_000,
    "OPINION_RATE_PER_ADDRESS_HARD": 1_000_000,
    "OPINION_RATE_PER_STATION": 1_000_000,
}
# The bench talks plain http to 127.0.0.1: cookies marked Secure would never come back.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# No collectstatic for a bench run: serve static files without the manifest.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
"""

SETUP = """
from congress.models import Town
from deputies.models import LiaisonStation
town, _ = Town.objects.get_or_create(name="独山港镇", defaults={"kind": "town", "order": 9})
station, _ = LiaisonStation.objects.get_or_create(
    name="独山港镇周圩人大代表联络站", defaults={"town": town, "address": "周圩社区服务中心"}
)
print(station.pk)
"""

CHECK = """
import sys
from proposals.models import Opinion
rows = list(Opinion.objects.values_list("content", "code"))
print(len(rows), len({c for c, _ in rows}), len({k for _, k in rows}))
for content, _ in rows:
    sys.stderr.write(content + "\\n")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def admin_dsn(url: str) -> tuple[str, str]:
    parsed = urllib.parse.urlparse(url)
    return parsed._replace(path="/postgres").geturl(), parsed.path.lstrip("/")


def psql(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def main() -> int:
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    maintenance, name = admin_dsn(url)
    tmp = tempfile.mkdtemp(prefix="bench-opinions-")
    Path(tmp, "bench_opinion_settings.py").write_text(SETTINGS)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench_opinion_settings",
        "PYTHONPATH": f"{tmp}:{ROOT}",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_POOL_MAX": "8",
    }
    psql(maintenance, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(maintenance, f'CREATE DATABASE "{name}"')
    server = None
    try:
        started = time.perf_counter()
        subprocess.run(
            [PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
        )
        station = int(
            subprocess.run(
                [PY, "manage.py", "shell", "-c", SETUP],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()[-1]
        )
        print(f"database ready in {time.perf_counter() - started:.1f} s")
        port = free_port()
        server = subprocess.Popen(  # noqa: S603
            [GUNICORN, "congress.wsgi", "-c", "/dev/null", "-w", "4", "-b", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
        )
        form_path = f"/opinions/new/?station={station}"
        for _i in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", form_path)
                first = conn.getresponse()
                body = first.read().decode()
                cookie = first.getheader("Set-Cookie", "")
                break
            except OSError:
                time.sleep(0.2)
        else:
            print("gunicorn did not start")
            return 1
        assert first.status == 200, first.status
        token_match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        cookie_match = re.search(r"csrftoken=([^;]+)", cookie)
        assert token_match and cookie_match, "no CSRF token from the form page"
        token, csrf_cookie = token_match.group(1), cookie_match.group(1)
        contents = [
            f"压测意见第{i:04d}号：小区门口路灯坏了，晚上出行不方便，请尽快修复。"
            for i in range(COUNT)
        ]

        def submit(content: str) -> tuple[int, float]:
            data = urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "category": "roads",
                    "content": content,
                    "phone": "13812345678",
                    "consent": "on",
                    "website": "",
                }
            )
            t0 = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request(
                "POST",
                form_path,
                body=data,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"csrftoken={csrf_cookie}",
                },
            )
            response = conn.getresponse()
            response.read()
            conn.close()
            return response.status, time.perf_counter() - t0

        # Warm every worker up (URLconf, templates, the database pool) before measuring.
        def warm(_i):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", form_path)
            conn.getresponse().read()
            conn.close()

        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            list(pool.map(warm, range(40)))

        burst = time.perf_counter()
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            results = list(pool.map(submit, contents))
        wall = time.perf_counter() - burst
        statuses: dict[int, int] = {}
        for status, _t in results:
            statuses[status] = statuses.get(status, 0) + 1
        latencies = sorted(t * 1000 for _s, t in results)
        p50 = statistics.median(latencies)
        p99 = latencies[int(len(latencies) * 0.99) - 1]
        check = subprocess.run(
            [PY, "manage.py", "shell", "-c", CHECK],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        stored, distinct, codes = (int(x) for x in check.stdout.split()[-3:])
        stored_contents = set(check.stderr.splitlines())
        missing = len(set(contents) - stored_contents)
        print(f"submissions: {COUNT} in a burst from {THREADS} threads, {wall:.2f} s wall")
        print(f"HTTP statuses: {statuses} (302 = stored and redirected to the tracking page)")
        print(f"stored: {stored}, distinct contents: {distinct}, distinct codes: {codes}")
        print(f"lost: {missing}, duplicated: {stored - distinct}")
        print(
            f"latency ms: p50 {p50:.0f}, p90 {latencies[int(len(latencies) * 0.9) - 1]:.0f}, "
            f"p99 {p99:.0f}, max {latencies[-1]:.0f}  (target p99 < 300)"
        )
        ok = stored == COUNT == distinct == codes and missing == 0 and statuses == {302: COUNT}
        print("OK" if ok else "FAILED")
        return 0 if ok else 1
    finally:
        if server:
            server.terminate()
            server.wait(timeout=20)
        psql(maintenance, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
