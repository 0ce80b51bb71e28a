#!/usr/bin/env python
"""Benchmark: 251 deputies cast their ballots through gunicorn in the same second.

    .venv/bin/python tests/perf/bench_votes.py

Against PostgreSQL only (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/renda_bench_votes).
The database is dropped and recreated: its name must start with "renda_bench". The script creates
251 deputies with logins and an open ballot (12 candidates, 10 to mark), logs every deputy in by
writing their session directly (no password hashing), starts gunicorn with 4 workers on 127.0.0.1,
fetches each deputy's ballot page (for the CSRF token), then fires the 251 ballot POSTs at once from
a thread pool. It checks that exactly 251 receipts and 251 ballots exist, times poll_close and
prints the figures.
"""

import datetime
import http.client
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
VOTERS = 251
CANDIDATES = 12
K = 10
HOST = "127.0.0.1"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/renda_bench_votes"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if not name.startswith("renda_bench"):
        sys.exit(f"refusing to drop {name!r}: the benchmark database must be named renda_bench*")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> dict:
    env = {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "congress.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-" + secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    import django

    django.setup()
    return env


def build_data():
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from congress.models import Term, Town
    from deputies.models import Delegation, Deputy
    from supervision import services
    from supervision.models import Poll

    call_command("migrate", verbosity=0)
    # DEBUG off serves hashed static names from the manifest: build it (staticfiles/ is ignored).
    call_command("collectstatic", interactive=False, verbosity=0)
    User = get_user_model()
    term = Term.objects.create(number=16, start_date=datetime.date(2022, 1, 1))
    town = Town.objects.create(name="当湖街道", kind=Town.Kind.STREET)
    delegation = Delegation.objects.create(term=term, town=town, name="当湖街道代表团")
    users = User.objects.bulk_create(
        User(username=f"ph16-{i:03d}", password="!unusable") for i in range(1, VOTERS + 1)
    )
    users = list(User.objects.order_by("username"))
    Deputy.objects.bulk_create(
        Deputy(
            term=term,
            card_number=f"PH16-{i:03d}",
            name=f"代表{i:03d}",
            gender="F",
            delegation=delegation,
            user=user,
        )
        for i, user in enumerate(users, 1)
    )
    now = timezone.now()
    poll = services.poll_create(
        kind=Poll.Kind.PROJECT_BALLOT,
        title="民生实事项目票决（压力测试）",
        options=[
            {"label": f"候选项目{i:02d}", "description": "说明", "amount": 10_000_000 + i}
            for i in range(1, CANDIDATES + 1)
        ],
        opens_at=now - datetime.timedelta(minutes=1),
        closes_at=now + datetime.timedelta(hours=1),
        max_choices=K,
        seats=K,
    )
    services.poll_open(poll=poll)
    sessions = []
    backend = "django.contrib.auth.backends.ModelBackend"
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    option_ids = list(poll.options.order_by("order").values_list("pk", flat=True))
    return poll, sessions, option_ids


def request(port, method, path, *, cookies, body=None, timeout=120):
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), "Host": HOST}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def wait_for(port, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            status, _h, _b = request(port, "GET", "/healthz", cookies={}, timeout=2)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer on /healthz")


def fetch_token(port, poll_id, session):
    status, headers, body = request(
        port, "GET", f"/portal/votes/{poll_id}/", cookies={"sessionid": session}
    )
    if status != 200:
        raise RuntimeError(f"ballot page answered {status}")
    cookie = next(
        v.split(";")[0].split("=", 1)[1]
        for k, v in headers
        if k.lower() == "set-cookie" and v.startswith("csrftoken=")
    )
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    return cookie, token


def main() -> int:
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        sys.exit("this benchmark needs PostgreSQL (DATABASE_URL=postgres://…)")
    recreate_database(url)
    env = setup_django(url)
    poll, sessions, option_ids = build_data()

    port = free_port()
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    log = tempfile.NamedTemporaryFile("w+", prefix="bench_votes_", suffix=".log", delete=False)
    server = subprocess.Popen(
        [str(gunicorn), "congress.wsgi", "-w", "4", "-b", f"{HOST}:{port}"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(port)
        with ThreadPoolExecutor(max_workers=32) as pool:
            tokens = list(pool.map(lambda s: fetch_token(port, poll.pk, s), sessions))

        barrier = threading.Barrier(VOTERS, timeout=60)
        rng_choices = [option_ids[:K] if i % 3 else option_ids[2:] for i in range(VOTERS)]

        def vote(i):
            session, (cookie, token) = sessions[i], tokens[i]
            body = urlencode(
                [("csrfmiddlewaretoken", token)] + [("option", o) for o in rng_choices[i]]
            )
            barrier.wait()
            started = time.perf_counter()
            try:
                status, headers, _b = request(
                    port,
                    "POST",
                    f"/portal/votes/{poll.pk}/cast/",
                    cookies={"sessionid": session, "csrftoken": cookie},
                    body=body,
                )
            except OSError as error:
                return time.perf_counter() - started, repr(error)
            location = dict((k.lower(), v) for k, v in headers).get("location", "")
            ok = status == 302 and location.endswith("/done/")
            return time.perf_counter() - started, None if ok else f"{status} {location}"

        fired = time.perf_counter()
        with ThreadPoolExecutor(max_workers=VOTERS) as pool:
            outcomes = list(pool.map(vote, range(VOTERS)))
        wall = time.perf_counter() - fired
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()

    from supervision import services
    from supervision.models import Ballot, BallotReceipt, SealedBallot

    receipts = BallotReceipt.objects.filter(poll=poll).count()
    # Written in shuffled batches; the last ones still wait sealed in the pool until the close.
    waiting = SealedBallot.objects.filter(poll=poll).count()
    ballots = Ballot.objects.filter(poll=poll).count() + waiting
    started = time.perf_counter()
    result = services.poll_close(poll=poll)
    close_seconds = time.perf_counter() - started

    latencies = sorted(t for t, _e in outcomes)
    errors = [e for _t, e in outcomes if e]
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(f"requests:                {len(outcomes)}")
    print(f"errors:                  {len(errors)}" + (f"  e.g. {errors[0]}" if errors else ""))
    print(f"wall time:               {wall:.2f} s")
    print(f"latency p50:             {statistics.median(latencies) * 1000:.0f} ms")
    print(f"latency p99:             {p99 * 1000:.0f} ms")
    print(f"receipts:                {receipts}")
    print(f"ballots:                 {ballots} ({waiting} still sealed in the pool)")
    print(f"close-and-tally:         {close_seconds:.3f} s")
    print(f"selected:                {len(result.summary.selected)} of {CANDIDATES}")
    after_close = Ballot.objects.filter(poll=poll).count()
    print(f"ballots after the close: {after_close}")
    ok = receipts == ballots == after_close == VOTERS and not errors
    print("OK" if ok else f"FAILED (server log: {log.name})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
