"""DJANGO_SECURE_COOKIES: secure cookies by default with debug off, and a switch to turn them off
for a plain-http intranet test server."""

import os
import subprocess
import sys

import pytest

SHOW = "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"


def cookie_flags(**env) -> str:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "congress.settings",
        "DJANGO_SECRET_KEY": "a-production-like-key-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "rd.example.gov.cn",
        **env,
    }
    script = f"import django; django.setup(); {SHOW}"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DJANGO_DEBUG": "0"}, "True True"),
        ({"DJANGO_DEBUG": "0", "DJANGO_SECURE_COOKIES": "0"}, "False False"),
        ({"DJANGO_DEBUG": "1"}, "False False"),
    ],
)
def test_secure_cookies_follow_debug_and_the_switch(env, expected):
    assert cookie_flags(**env) == expected
