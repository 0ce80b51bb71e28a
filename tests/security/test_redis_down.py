"""Redis unreachable: the cache is optional at run time.

With REDIS_URL pointing at a closed port every page, /healthz and the login POST answered 500,
and every write failed because the cache-bump signal handler raised inside the transaction.
"""

import json

import pytest
from django.test import Client

from deputies.models import Deputy
from proposals.models import Opinion
from tests.factories import DeputyFactory, StaffFactory, StationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _redis(location: str) -> dict:
    return {
        "default": {
            "BACKEND": "congress.kit.rediscache.SharedClientRedisCache",  # as in production
            "LOCATION": location,
            "KEY_PREFIX": "renda-test-h13b",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture
def redis_down(settings):
    """The production set-up (Redis cache, page cache on) with nothing listening on the port."""
    settings.CACHES = _redis("redis://127.0.0.1:1/0")
    settings.PAGE_CACHE_SECONDS = 300
    yield
    from congress.kit.sharedcache import shared

    shared.reset()


@pytest.fixture
def redis_up(settings):
    settings.CACHES = _redis("redis://127.0.0.1:6379/6")
    settings.PAGE_CACHE_SECONDS = 300
    from django.core.cache import cache

    cache.clear()  # our own database index only
    yield
    cache.clear()


PUBLIC_PAGES = [
    "/",
    "/deputies/",
    "/stations/",
    "/suggestions/",
    "/suggestions/stats/",
    "/motions/",
    "/supervision/",
    "/projects/",
    "/reviews/",
    "/opinions/track/",
    "/opinions/stats/",
    "/open-data/",
    "/accounts/login/",
    "/en/deputies/",
]


def test_every_page_renders_without_the_cache(redis_down):
    deputy = DeputyFactory(name="沈永良")
    station = StationFactory()
    visitor = Client(raise_request_exception=False)
    pages = [*PUBLIC_PAGES, f"/deputies/{deputy.pk}/", f"/stations/{station.pk}/"]
    pages.append(f"/opinions/new/?station={station.pk}")
    answers = {page: visitor.get(page).status_code for page in pages}
    assert answers == dict.fromkeys(pages, 200)


def test_healthz_reports_the_cache_as_degraded_but_answers_200(redis_down):
    response = Client(raise_request_exception=False).get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "degraded",
        "database": "ok",
        "cache": "degraded",
    }


def test_writes_commit_without_the_cache(redis_down):
    deputy = DeputyFactory(name="徐杰")
    deputy.name = "徐杰（已更名）"
    deputy.save()  # the page-cache bump after commit must not raise
    assert Deputy.objects.get(pk=deputy.pk).name == "徐杰（已更名）"

    station = StationFactory()
    resident = Client(raise_request_exception=False)
    response = resident.post(
        f"/opinions/new/?station={station.pk}",
        {"category": "roads", "content": "路口的红绿灯坏了三天了，请尽快修理。", "consent": "on"},
    )
    assert response.status_code == 302
    assert Opinion.objects.filter(station=station).count() == 1

    staff = Client(raise_request_exception=False)
    staff.force_login(StaffFactory())
    response = staff.post(
        f"/admin/deputies/deputy/{deputy.pk}/change/",
        {"name": "x"},  # an incomplete form: re-rendered with errors, not a 500
    )
    assert response.status_code == 200


def test_login_works_without_the_cache(redis_down):
    UserFactory(username="ph16-001")
    browser = Client(raise_request_exception=False)
    response = browser.post(
        "/accounts/login/", {"username": "ph16-001", "password": "pw-for-tests"}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in browser.session
    # Wrong passwords are still throttled: axes keeps its attempts in the database.
    other = Client(raise_request_exception=False)
    for _ in range(5):
        other.post("/accounts/login/", {"username": "ph16-001", "password": "guess"})
    locked = other.post("/accounts/login/", {"username": "ph16-001", "password": "pw-for-tests"})
    assert locked.status_code == 429


def test_with_redis_up_pages_are_cached_and_healthz_is_ok(redis_up):
    DeputyFactory()
    visitor = Client()
    visitor.get("/deputies/")
    assert visitor.get("/deputies/")["X-Page-Cache"] == "hit"
    DeputyFactory(name="潘晓")  # a committed write shows at once
    fresh = visitor.get("/deputies/")
    assert "X-Page-Cache" not in fresh
    assert "潘晓" in fresh.content.decode()
    health = json.loads(Client().get("/healthz").content)
    assert health == {"status": "ok", "database": "ok", "cache": "ok"}


def test_cache_calls_share_one_redis_client_and_survive_a_dead_connection(redis_up):
    """One redis-py client per connection pool (congress.kit.rediscache), not one per call; a
    connection Redis dropped (a restart, an idle time-out) is replaced on the next call."""
    from django.core.cache import cache

    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client
    cache.set("restart-check", 1)
    client.connection_pool.disconnect()  # what a Redis restart does to the open connections
    assert cache.get("restart-check") == 1
    assert cache._cache.get_client() is client
