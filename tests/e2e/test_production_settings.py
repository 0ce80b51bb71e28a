"""The browser tests really run on production-like settings (tests/e2e/conftest.py)."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_debug_is_off_and_the_cache_is_redis_when_redis_url_is_set():
    assert settings.DEBUG is False
    backend = settings.CACHES["default"]["BACKEND"]
    if os.environ.get("REDIS_URL"):
        assert backend == "django.core.cache.backends.redis.RedisCache"
        assert settings.CACHES["default"]["LOCATION"] == os.environ["REDIS_URL"]
    else:
        assert backend == "django.core.cache.backends.locmem.LocMemCache"


def test_a_second_anonymous_visit_of_the_home_page_comes_from_the_page_cache(live_server, page):
    first = page.goto(f"{live_server.url}/")
    assert first.status == 200 and "x-page-cache" not in first.headers
    second = page.goto(f"{live_server.url}/")
    assert second.status == 200 and second.headers.get("x-page-cache") == "hit"
    # The live server's thread and this one see the same cache (the entry is there).
    assert cache.get("pagecache:gen:everything") is not None


def test_the_cache_starts_empty_for_every_test(live_server):
    assert cache.get("pagecache:gen:everything") is None
