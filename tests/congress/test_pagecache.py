"""The anonymous page cache: fast repeat visits, and never a stale page after a write."""

import pytest

from deputies.models import Deputy
from tests.factories import DelegationFactory, DeputyFactory, StationFactory, UserFactory

# Writes really commit here: the generation is bumped once a transaction has committed.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


def test_a_repeat_visit_is_served_from_the_cache_without_queries(client, count_queries):
    DeputyFactory(name="沈永良")
    first = client.get("/deputies/")
    assert "X-Page-Cache" not in first
    with count_queries.capture() as queries:
        second = client.get("/deputies/")
    assert second["X-Page-Cache"] == "hit"
    assert len(queries) == 0  # the stored page as it was: no session, no rows, nothing
    assert second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_a_change_saved_anywhere_shows_on_the_next_request(client):
    deputy = DeputyFactory(name="徐杰")
    assert "徐杰" in client.get(f"/deputies/{deputy.pk}/").content.decode()
    deputy.name = "徐杰（已更名）"
    deputy.save()  # not through a request: the model signal drops the cached pages
    response = client.get(f"/deputies/{deputy.pk}/")
    assert "X-Page-Cache" not in response
    assert "徐杰（已更名）" in response.content.decode()


def test_a_new_station_deputy_link_drops_the_station_page(client):
    station = StationFactory()
    deputy = DeputyFactory(name="潘晓")
    assert "潘晓" not in client.get(f"/stations/{station.pk}/").content.decode()
    station.deputies.add(deputy)  # m2m_changed
    assert "潘晓" in client.get(f"/stations/{station.pk}/").content.decode()


def test_a_write_through_a_form_drops_the_pages_that_show_it_and_a_failed_login_does_not(client):
    DeputyFactory()
    station = StationFactory()
    client.get("/deputies/")
    client.get("/opinions/stats/")
    client.post("/accounts/login/", {"username": "nobody", "password": "wrong"})
    client.cookies.clear()
    assert client.get("/deputies/")["X-Page-Cache"] == "hit"
    response = client.post(
        f"/opinions/new/?station={station.pk}",
        {"category": "roads", "content": "路口的红绿灯坏了三天了，请尽快修理。", "consent": "on"},
    )
    assert response.status_code == 302
    client.cookies.clear()
    assert "X-Page-Cache" not in client.get("/opinions/stats/")
    # The directory shows no opinion (tests/congress/test_pagecache_topics.py has the rest).
    assert client.get("/deputies/")["X-Page-Cache"] == "hit"


def test_logged_in_visitors_are_never_served_or_stored(client):
    DeputyFactory()
    client.force_login(UserFactory())
    client.get("/deputies/")
    assert "X-Page-Cache" not in client.get("/deputies/")
    client.logout()
    client.cookies.clear()
    assert "X-Page-Cache" not in client.get("/deputies/")  # nothing was stored for them


def test_pages_with_a_csrf_token_or_an_error_are_not_cached(client):
    station = StationFactory()
    for _ in range(2):
        form = client.get(f"/opinions/new/?station={station.pk}")
    assert form.status_code == 200 and "X-Page-Cache" not in form
    for _ in range(2):
        missing = client.get("/deputies/999999/")
    assert missing.status_code == 404 and "X-Page-Cache" not in missing


def test_english_and_chinese_pages_are_cached_apart(client):
    delegation = DelegationFactory()
    DeputyFactory(delegation=delegation)
    client.get("/deputies/")
    english = client.get("/en/deputies/")
    assert '<html lang="en">' in english.content.decode()
    assert '<html lang="zh-CN">' in client.get("/deputies/").content.decode()
    assert Deputy.objects.count() == 1


def test_remembered_figures_are_recomputed_after_a_write(settings):
    from congress.kit.pagecache import remember
    from deputies.models import Deputy

    calls = []

    def count():
        calls.append(1)
        return Deputy.objects.count()

    assert remember("deputies", count) == 0
    assert remember("deputies", count) == 0
    assert len(calls) == 1
    DeputyFactory()
    assert remember("deputies", count) == 1
    assert len(calls) == 2


def test_a_logged_in_deputy_sees_a_new_reply_figure_at_once(client):
    """The home page's figures are remembered, yet a write shows on the next request."""
    from tests.factories import ReceptionFactory

    client.force_login(UserFactory())
    ReceptionFactory(residents_received=7)
    assert client.get("/").context["residents_received"] == 7
    ReceptionFactory(residents_received=5)
    assert client.get("/").context["residents_received"] == 12


def test_a_hit_reads_the_cache_once_and_another_process_sees_a_write(client, monkeypatch):
    """A page this process stored is checked in one read (the entry and its topics'
    generations together); a process that did not store it (a second client: its own
    middleware) checks it in two, and both see a write made in between."""
    from django.test import Client

    from congress.kit.sharedcache import shared

    deputy = DeputyFactory(name="陆晓明")
    url = f"/deputies/{deputy.pk}/"
    client.get(url)
    reads = []
    real_get_many = shared.get_many
    monkeypatch.setattr(shared, "get_many", lambda keys: reads.append(keys) or real_get_many(keys))

    assert client.get(url)["X-Page-Cache"] == "hit"
    assert len(reads) == 1

    other = Client()  # another worker: it never stored this page
    reads.clear()
    assert other.get(url)["X-Page-Cache"] == "hit"
    assert len(reads) == 2
    reads.clear()
    assert other.get(url)["X-Page-Cache"] == "hit"
    assert len(reads) == 1  # it has learnt the page's topics

    deputy.name = "陆晓明（已更名）"
    deputy.save()
    response = other.get(url)
    assert "X-Page-Cache" not in response  # its learnt topics' generations moved: rendered
    assert "陆晓明（已更名）" in response.content.decode()
    response = client.get(url)  # the copy the other process stored after the write
    assert response["X-Page-Cache"] == "hit"
    assert "陆晓明（已更名）" in response.content.decode()
