"""Attacks on the anonymous page cache: emptying it with junk POSTs, poisoning it across hosts
and schemes, and filling it with junk query strings."""

import pytest
from django.test import Client

from tests.factories import DeputyFactory, StationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.ALLOWED_HOSTS = ["renda.example.cn", "www.renda.example.cn", "testserver"]


def _cached(client, url="/deputies/", **extra) -> bool:
    return client.get(url, **extra).get("X-Page-Cache") == "hit"


def test_refused_anonymous_posts_leave_the_cached_pages_in_place():
    DeputyFactory()
    station = StationFactory()
    visitor = Client()
    visitor.get("/deputies/")
    assert _cached(visitor)

    attacker = Client(enforce_csrf_checks=True)
    answers = [
        attacker.post("/deputies/").status_code,  # no CSRF token
        attacker.post("/no-such-page/", {"x": "1"}).status_code,
        attacker.post(f"/opinions/new/?station={station.pk}", {"content": "x"}).status_code,
        Client().post("/deputies/").status_code,  # with CSRF checks off: 405
        Client().post(f"/opinions/new/?station={station.pk}", {"content": "短"}).status_code,
        Client().post("/accounts/login/", {"username": "a", "password": "b"}).status_code,
    ]
    assert answers == [403, 404, 403, 405, 200, 200]
    assert _cached(visitor)


def test_a_page_rendered_for_one_host_and_scheme_is_not_served_to_another():
    DeputyFactory()
    browser = Client()
    secure = {"HTTP_HOST": "renda.example.cn", "HTTP_X_FORWARDED_PROTO": "https"}
    first = browser.get("/deputies/", **secure)
    assert first.status_code == 200
    assert _cached(browser, **secure)
    assert not _cached(browser, HTTP_HOST="www.renda.example.cn", HTTP_X_FORWARDED_PROTO="https")
    assert not _cached(browser, HTTP_HOST="renda.example.cn")  # plain http


def test_unknown_query_parameters_are_not_stored():
    DeputyFactory()
    browser = Client()
    for n in range(3):
        assert browser.get(f"/deputies/?junk={n}").status_code == 200
        assert not _cached(browser, f"/deputies/?junk={n}")
    # A parameter the page reads is stored.
    browser.get("/deputies/?gender=F")
    assert _cached(browser, "/deputies/?gender=F")


def test_known_parameters_fill_at_most_a_fixed_number_of_variants(settings):
    settings.PAGE_CACHE_VARIANTS = 5
    DeputyFactory()
    browser = Client()
    stored = 0
    for n in range(12):
        url = f"/deputies/?name=x{n}"
        browser.get(url)
        stored += _cached(browser, url)
    assert stored == 5
    browser.get("/deputies/")
    assert _cached(browser)  # the page itself is always stored


def test_not_found_pages_are_not_stored():
    browser = Client()
    for _ in range(2):
        response = browser.get("/deputies/987654/")
    assert response.status_code == 404
    assert "X-Page-Cache" not in response
