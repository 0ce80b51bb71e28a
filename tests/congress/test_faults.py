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


urlpatterns = [path("down/", _unreachable), path("bug/", _bug)]


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
