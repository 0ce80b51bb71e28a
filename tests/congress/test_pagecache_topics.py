"""The page cache is emptied only by real writes, and only where they show.

Everything goes through HTTP with the page cache on: visitors read pages, residents and staff
write through the real forms and admin actions, attackers send junk. A cached page answers
with the "X-Page-Cache: hit" marker and without a single query.
"""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from congress.kit import pagecache
from congress.models import AnnualReview
from deputies.models import Activity, Deputy
from proposals.models import Opinion, Reply, Suggestion
from tests.factories import (
    ActivityFactory,
    AssignmentFactory,
    CategoryFactory,
    DeputyFactory,
    LivelihoodProjectFactory,
    OrganisationFactory,
    ReplyFactory,
    SessionFactory,
    StaffFactory,
    StationFactory,
    SuggestionFactory,
    TermFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)
S = Suggestion.Status
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


@pytest.fixture
def site():
    """A deputy at a station, a public suggestion with an unpublished reply, a 2022 project
    year and the published 2022 review."""
    term = TermFactory()
    deputy = DeputyFactory(term=term, name="沈永良")
    station = StationFactory()
    station.deputies.add(deputy)
    suggestion = SuggestionFactory(
        lead=deputy,
        session=SessionFactory(term=term),
        category=CategoryFactory(term=term),
        status=S.REPLIED,
        is_public=True,
        number=7,
        code="十六届一次会议第007号",
        title="关于改善农村道路的建议",
        registered_at=datetime.datetime(2022, 3, 1, 9, tzinfo=datetime.UTC),
    )
    unit = OrganisationFactory(name="市交通运输局")
    AssignmentFactory(suggestion=suggestion, organisation=unit)
    reply = ReplyFactory(
        suggestion=suggestion, organisation=unit, text="已列入今年农村道路提升计划。"
    )
    LivelihoodProjectFactory(year=2022, title="农贸市场改造")
    AnnualReview.objects.create(
        year=2022,
        title="为民履职 实干见效",
        published=True,
        published_on=datetime.date(2023, 1, 16),
    )
    return {"deputy": deputy, "station": station, "suggestion": suggestion, "reply": reply}


def pages(site) -> list[str]:
    return [
        "/",
        "/deputies/",
        f"/deputies/{site['deputy'].pk}/",
        "/stations/",
        f"/stations/{site['station'].pk}/",
        "/suggestions/",
        f"/suggestions/{site['suggestion'].pk}/",
        "/suggestions/stats/",
        "/opinions/stats/",
        "/projects/",
        "/projects/2022/",
        "/reviews/",
        "/reviews/2022/",
    ]


def warm(visitor, urls) -> None:
    for url in urls:
        assert visitor.get(url).status_code == 200, url
    assert cached(visitor, urls) == urls, "every page is stored on the first visit"


def cached(visitor, urls) -> list[str]:
    """The pages served from the cache: with the marker and without a query."""
    found = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = visitor.get(url)
        if response.get("X-Page-Cache") == "hit":
            assert len(queries) == 0, url
            found.append(url)
    return found


def test_junk_posts_leave_every_cached_page_in_place(site):
    urls = pages(site)
    visitor = Client()
    warm(visitor, urls)
    station = site["station"]
    attacker = Client(enforce_csrf_checks=True)
    answers = [
        attacker.post("/no-such-page/", {"x": "1"}).status_code,
        attacker.post(f"/opinions/new/?station={station.pk}", {"content": "x"}).status_code,
        Client().post(f"/opinions/new/?station={station.pk}", {"content": "短"}).status_code,
        Client().post("/deputies/").status_code,
        Client().post("/accounts/login/", {"username": "a", "password": "b"}).status_code,
    ]
    assert answers == [404, 403, 200, 405, 200]  # 200: the forms again, with their errors
    assert Opinion.objects.count() == 0
    assert cached(visitor, urls) == urls


def test_a_staff_members_login_and_logout_leave_the_pages_cached(site):
    """Successful POSTs by a logged-in user that write no public row bump nothing."""
    urls = pages(site)
    visitor = Client()
    warm(visitor, urls)
    StaffFactory(username="office")
    staff = Client()
    login = staff.post("/accounts/login/", {"username": "office", "password": "pw-for-tests"})
    assert login.status_code == 302
    assert staff.post("/accounts/logout/").status_code in {200, 302}
    assert cached(visitor, urls) == urls


def test_a_reply_published_by_staff_refreshes_its_suggestion_and_keeps_the_directory(site):
    suggestion, reply = site["suggestion"], site["reply"]
    urls = pages(site)
    visitor = Client()
    warm(visitor, urls)
    assert (
        "已列入今年农村道路提升计划"
        not in visitor.get(f"/suggestions/{suggestion.pk}/").content.decode()
    )

    staff = Client()
    staff.force_login(StaffFactory())
    response = staff.post(
        "/admin/proposals/reply/",
        {"action": "publish", "_selected_action": [reply.pk]},
        follow=True,
    )
    assert response.status_code == 200
    reply.refresh_from_db()
    assert reply.published_at is not None

    page = visitor.get(f"/suggestions/{suggestion.pk}/")
    assert "X-Page-Cache" not in page  # rendered afresh, on the very next request
    assert "已列入今年农村道路提升计划" in page.content.decode()
    still = cached(visitor, urls)
    # The reply counts in its suggestion's lists and figures and on the home page...
    for url in ["/", "/suggestions/", "/suggestions/stats/"]:
        assert url not in still
    # ...and nowhere else: the directory, the stations, opinions, projects and reviews stay.
    assert "/deputies/" in still
    assert "/stations/" in still
    assert f"/stations/{site['station'].pk}/" in still
    assert "/opinions/stats/" in still
    assert "/projects/2022/" in still
    assert "/reviews/" in still


def test_a_residents_opinion_leaves_the_directory_projects_and_an_old_review_cached(site):
    station = site["station"]
    urls = pages(site)
    visitor = Client()
    warm(visitor, urls)

    resident = Client()
    response = resident.post(
        f"/opinions/new/?station={station.pk}",
        {
            "category": "roads",
            "content": "路口的红绿灯坏了三天了，请尽快修理。",
            "consent": "on",
            "website": "",
        },
    )
    assert response.status_code == 302
    assert Opinion.objects.count() == 1

    still = cached(visitor, urls)
    for url in [
        "/deputies/",
        f"/deputies/{site['deputy'].pk}/",
        "/projects/2022/",
        "/reviews/2022/",
    ]:
        assert url in still, url
    assert f"/suggestions/{site['suggestion'].pk}/" in still
    # The opinion shows on the statistics and on its station's page: those are fresh.
    assert "/opinions/stats/" not in still
    assert f"/stations/{station.pk}/" not in still


def test_a_write_that_is_rolled_back_drops_nothing(site):
    visitor = Client()
    warm(visitor, ["/deputies/"])
    with pytest.raises(RuntimeError), transaction.atomic():
        Deputy.objects.filter(pk=site["deputy"].pk).get().save()
        raise RuntimeError("changed my mind")
    assert cached(visitor, ["/deputies/"]) == ["/deputies/"]


def test_a_renamed_deputy_shows_at_once_wherever_their_name_is(site):
    deputy = site["deputy"]
    visitor = Client()
    warm(visitor, pages(site))
    deputy.name = "沈永良（已更名）"
    deputy.save()
    for url in ["/deputies/", f"/deputies/{deputy.pk}/", f"/suggestions/{site['suggestion'].pk}/"]:
        response = visitor.get(url)
        assert "X-Page-Cache" not in response, url
        assert "沈永良（已更名）" in response.content.decode(), url
    assert cached(visitor, ["/projects/2022/", "/reviews/"]) == ["/projects/2022/", "/reviews/"]


def test_activities_verified_in_bulk_by_staff_refresh_the_deputys_profile(site):
    """QuerySet.update() sends no signals: the service says which pages it touched."""
    deputy = site["deputy"]
    activity = ActivityFactory(
        deputy=deputy, title="走访农村道路", date=datetime.date(2022, 5, 10), verified=False
    )
    visitor = Client()
    profile = f"/deputies/{deputy.pk}/?year=2022"
    warm(visitor, [profile, "/deputies/", "/projects/2022/"])
    staff = Client()
    staff.force_login(StaffFactory())
    staff.post(
        "/admin/deputies/activity/",
        {"action": "mark_verified", "_selected_action": [activity.pk]},
    )
    assert Activity.objects.get(pk=activity.pk).verified
    assert cached(visitor, [profile, "/deputies/", "/projects/2022/"]) == [
        "/deputies/",
        "/projects/2022/",
    ]


def test_every_model_of_the_site_says_which_pages_it_touches():
    assert pagecache.undeclared_models() == []


# -- two app processes, one Redis ------------------------------------------------------------------

REDIS_URL = os.environ.get("PAGECACHE_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")


@pytest.fixture
def shared_redis(settings):
    """The production cache set-up (Redis, the same key prefix as congress/settings.py)."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "renda",
        }
    }
    from django.core.cache import cache

    cache.clear()  # our own database index only
    yield
    cache.clear()


def other_process(code: str) -> str:
    """Run `code` in a second app process: its own interpreter, the same Redis."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "congress.settings",
        "DJANGO_SECRET_KEY": "test-secret-key-for-the-suite-only-0123456789abcdefghij",
        "DJANGO_DEBUG": "0",
        "REDIS_URL": REDIS_URL,
    }
    script = f"import django\ndjango.setup()\nfrom congress.kit import pagecache\n{code}"
    done = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", script],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.strip()


def test_two_app_processes_see_each_others_invalidations(site, shared_redis):
    visitor = Client()
    urls = ["/deputies/", "/projects/2022/"]
    warm(visitor, urls)
    # The other process imports deputies in bulk and says so; this one serves fresh pages.
    other_process('pagecache.touched("deputies")')
    assert cached(visitor, urls) == ["/projects/2022/"]
    assert cached(visitor, urls) == urls  # stored again

    # A write here is seen there: the generation it reads has moved.
    read = 'print(pagecache.generations(["deputies"])["deputies"])'
    before = other_process(read)
    site["deputy"].save()
    assert other_process(read) != before
    assert cached(visitor, urls) == ["/projects/2022/"]


def test_with_redis_down_pages_are_served_and_writes_go_through(site, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    visitor = Client()
    for _ in range(2):
        assert visitor.get("/deputies/").status_code == 200
    site["deputy"].name = "新名字"
    site["deputy"].save()
    assert "新名字" in visitor.get("/deputies/").content.decode()
    pagecache.shared.reset()


def test_a_reply_saved_in_a_transaction_bumps_once_at_commit(
    site, django_capture_on_commit_callbacks
):
    reply = site["reply"]
    with transaction.atomic(), django_capture_on_commit_callbacks(execute=False) as callbacks:
        reply.text = "补充答复。"
        reply.save()
        Reply.objects.get(pk=reply.pk).save()
        site["suggestion"].save()
    touches = [c for c in callbacks if isinstance(c, pagecache.PendingTouch)]
    assert len(touches) == 1
    assert {"suggestions", f"suggestion:{site['suggestion'].pk}", "reviews:2022"} <= touches[
        0
    ].topics
    assert "deputies" not in touches[0].topics
