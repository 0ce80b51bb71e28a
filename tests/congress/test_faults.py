"""When the database cannot be reached, people see a 503 page that asks them to retry."""

import os
import subprocess
import sys

from django.db import OperationalError, ProgrammingError
from django.test import override_settings
from django.urls import path


def _unreachable(request):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')


def _bug(request):
    raise ProgrammingError("column does not exist")


def _unmigrated(request):
    raise OperationalError("no such table: deputies_deputy")


urlpatterns = [path("down/", _unreachable), path("bug/", _bug), path("empty/", _unmigrated)]


@override_settings(ROOT_URLCONF=__name__)
def test_database_unreachable_gives_a_503_page_without_a_traceback(client):
    response = client.get("/down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "系统暂时无法访问" in html
    assert "5432" not in html and "Traceback" not in html


@override_settings(ROOT_URLCONF=__name__)
def test_a_programming_error_is_still_a_500(client):
    client.raise_request_exception = False
    assert client.get("/bug/").status_code == 500


def test_a_real_unreachable_server_gives_503():
    """A separate process whose DATABASE_URL points at a port where nothing listens."""
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client(raise_request_exception=False).get('/deputies/');"
        "print(r.status_code, r['Retry-After'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing?connect_timeout=2",
        "DATABASE_POOL": "0",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.split() == ["503", "30"], result.stderr[-2000:]


def test_after_postgresql_restarts_the_next_request_is_served():
    """The pool's connections die with the server (a restart, a failover); the next request must
    get a live one, not a 503 (CONN_HEALTH_CHECKS: each is checked as the pool hands it out).
    A separate process on the real server: it serves /healthz, every connection of its pool is
    terminated as a restart would, and /healthz is asked again."""
    name = f"renda-fault-{os.getpid()}"
    script = (
        "import os, django, psycopg; django.setup();"
        "from django.db import connection; from django.test import Client;"
        "client = Client(raise_request_exception=False);"
        "first = client.get('/healthz').status_code;"
        "connection.close();"  # back to the pool, as at the end of a request
        "admin = psycopg.connect('host=127.0.0.1 port=5432 user=postgres dbname=postgres',"
        " autocommit=True);"
        "killed = admin.execute('SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
        " WHERE application_name = %s', [os.environ['FAULT_APP_NAME']]).fetchone()[0];"
        "print(first, killed > 0, client.get('/healthz').status_code)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/postgres?application_name={name}",
        "DATABASE_POOL": "1",
        "FAULT_APP_NAME": name,
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.split() == ["200", "True", "200"], result.stderr[-2000:]


@override_settings(ROOT_URLCONF=__name__)
def test_a_database_nobody_migrated_says_so_in_the_log(client, caplog):
    response = client.get("/empty/")
    assert response.status_code == 503  # still the retry page for the visitor, no traceback
    assert "deputies_deputy" not in response.content.decode()
    assert "run `manage.py migrate`" in caplog.text
