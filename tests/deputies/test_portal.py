"""The deputy's workspace: only for deputies, and each sees and records only their own activities."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from deputies import selectors
from deputies.models import Activity, ActivityKind
from tests.factories import (
    ActivityFactory,
    DeputyFactory,
    PointRuleFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def deputy_client(client):
    deputy = DeputyFactory(user=UserFactory(), name="徐杰")
    client.force_login(deputy.user)
    client.deputy = deputy
    return client


def test_portal_requires_login(client):
    response = client.get("/portal/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/portal/")


def test_portal_is_refused_to_an_account_without_a_deputy(client):
    client.force_login(StaffFactory())
    response = client.get("/portal/")
    assert response.status_code == 403
    assert "代表" in response.content.decode()


def test_portal_home_shows_the_deputys_record(deputy_client):
    ActivityFactory.create_batch(2, deputy=deputy_client.deputy)
    ActivityFactory(deputy=deputy_client.deputy, verified=False)
    response = deputy_client.get("/portal/")
    assert response.status_code == 200
    assert response.context["record"].total_count == 2
    assert response.context["pending"] == 1
    assert "徐杰" in response.content.decode()


def test_the_overview_shows_the_record_of_the_latest_year_with_verified_activities(deputy_client):
    """The overview's record is the one of the latest year with verified activities (its year
    and the unverified count read in one query): rules changed in the year, a kind without a
    rule, older years and unverified activities left out."""
    deputy = deputy_client.deputy
    day = datetime.date
    PointRuleFactory(kind=ActivityKind.INSPECTION, points=Decimal("3"), valid_from=day(2020, 1, 1))
    PointRuleFactory(
        kind=ActivityKind.RESEARCH,
        points=Decimal("2.5"),
        valid_from=day(2020, 1, 1),
        valid_to=day(2022, 6, 30),
    )
    PointRuleFactory(kind=ActivityKind.RESEARCH, points=Decimal("4"), valid_from=day(2022, 7, 1))
    for kind, date, hours, verified in [
        (ActivityKind.INSPECTION, day(2022, 3, 1), Decimal("2.5"), True),
        (ActivityKind.INSPECTION, day(2022, 3, 1), Decimal("1"), True),
        (ActivityKind.RESEARCH, day(2022, 6, 30), Decimal("3"), True),
        (ActivityKind.RESEARCH, day(2022, 7, 1), Decimal("0"), True),
        (ActivityKind.TRAINING, day(2022, 9, 9), Decimal("4"), True),
        (ActivityKind.RESEARCH, day(2022, 10, 1), Decimal("8"), False),
        (ActivityKind.INSPECTION, day(2021, 5, 5), Decimal("6"), True),
    ]:
        ActivityFactory(deputy=deputy, kind=kind, date=date, hours=hours, verified=verified)
    record = deputy_client.get("/en/portal/").context["record"]
    expected = selectors.performance_record(deputy, 2022)
    assert (record.year, record.total_count, record.total_hours, record.total_points) == (
        2022,
        expected.total_count,
        expected.total_hours,
        expected.total_points,
    )
    assert (record.total_count, record.total_hours, record.total_points) == (
        5,
        Decimal("10.5"),
        Decimal("12.5"),
    )
    assert deputy_client.get("/en/portal/").context["pending"] == 1


def test_the_overview_without_activities_shows_this_years_empty_record(deputy_client):
    record = deputy_client.get("/en/portal/").context["record"]
    expected = selectors.performance_record(deputy_client.deputy)
    assert (record.year, record.total_count, record.total_hours, record.total_points) == (
        expected.year,
        0,
        0,
        0,
    )


def _post(client, **overrides):
    data = {
        "kind": ActivityKind.RESEARCH,
        "title": "农村道路亮化调研",
        "date": "2022-05-20",
        "hours": "3.5",
        "evidence": "调研通知",
    }
    data.update(overrides)
    return client.post("/portal/activities/", data)


def test_a_deputy_records_an_unverified_activity(deputy_client):
    response = _post(deputy_client)
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.deputy == deputy_client.deputy
    assert not activity.verified
    page = deputy_client.get("/portal/activities/").content.decode()
    assert "农村道路亮化调研" in page and "待核实" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "这个字段是必填项。"),
        ("date", "2022-13-45", "输入一个有效的日期。"),
        ("hours", "30", "请填写0到24之间的小时数。"),
        ("hours", "-1", "请填写0到24之间的小时数。"),
        ("kind", "party", "选择一个有效的选项"),
    ],
)
def test_bad_input_is_shown_beside_the_field_and_nothing_is_written(
    deputy_client, field, value, message
):
    response = _post(deputy_client, **{field: value})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert message in html
    assert "农村道路亮化调研" in html or field == "title"  # what was typed is kept
    assert not Activity.objects.exists()


def test_a_future_date_is_refused(deputy_client):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = _post(deputy_client, date=tomorrow.isoformat())
    assert "不能晚于今天" in response.content.decode()
    assert not Activity.objects.exists()


def test_a_deputy_sees_only_their_own_activities(deputy_client):
    other = DeputyFactory(name="另一位代表")
    ActivityFactory(deputy=other, title="别人的视察")
    ActivityFactory(deputy=deputy_client.deputy, title="我的视察")
    html = deputy_client.get("/portal/activities/").content.decode()
    assert "我的视察" in html and "别人的视察" not in html


def test_the_form_needs_a_csrf_token(db):
    from django.test import Client

    deputy = DeputyFactory(user=UserFactory())
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(deputy.user)
    response = strict.post(
        "/portal/activities/",
        {"kind": "research", "title": "x", "date": "2022-05-20", "hours": "1"},
    )
    assert response.status_code == 403
    assert not Activity.objects.exists()


def test_the_overview_prices_activities_with_the_rule_that_started_last(deputy_client):
    """Where an open-ended rule and a later one both cover a day, the later one prices it, as
    in the printed record."""
    deputy = deputy_client.deputy
    day = datetime.date
    PointRuleFactory(kind=ActivityKind.INSPECTION, points=Decimal("3"), valid_from=day(2020, 1, 1))
    PointRuleFactory(
        kind=ActivityKind.INSPECTION, points=Decimal("4.5"), valid_from=day(2023, 1, 1)
    )
    ActivityFactory(deputy=deputy, date=day(2023, 2, 1), hours=Decimal("2.1"))
    ActivityFactory(deputy=deputy, date=day(2023, 3, 1), hours=Decimal("1.2"))
    html = deputy_client.get("/en/portal/").content.decode()
    expected = selectors.performance_record(deputy, 2023)
    assert expected.total_points == Decimal("9")
    assert '<span class="figure">9.0</span> points' in html
    assert '<span class="figure">3.3</span> hours' in html


def test_the_overview_lists_my_active_stations_with_their_open_session(deputy_client):
    """Each active station I am stationed at, in the stations' order, with the end of its open
    reception session in local time; a closed session or another deputy's station is not
    shown."""
    from deputies.models import ReceptionSession
    from tests.factories import StationFactory

    deputy = deputy_client.deputy
    later = StationFactory(name="乙站", order=2)
    first = StationFactory(name="甲站", order=1)
    gone = StationFactory(name="丙站", active=False)
    StationFactory(name="丁站")
    for station in (later, first, gone):
        station.deputies.add(deputy)
    now = timezone.now()
    ends = now + datetime.timedelta(hours=2)
    ReceptionSession.objects.create(
        station=first,
        opened_by=deputy.user,
        opened_at=now - datetime.timedelta(hours=1),
        ends_at=ends,
    )
    ReceptionSession.objects.create(
        station=later,
        opened_by=deputy.user,
        opened_at=now - datetime.timedelta(hours=5),
        ends_at=now - datetime.timedelta(hours=1),
    )
    html = deputy_client.get("/en/portal/").content.decode()
    assert "丙站" not in html and "丁站" not in html
    assert html.index("甲站") < html.index("乙站")
    local = timezone.localtime(ends).strftime("%H:%M")
    assert f"Reception session open until {local}" in html
    assert html.count("Reception session open until") == 1


def test_the_overview_names_my_delegation_and_term(deputy_client):
    """The deputy is read with their delegation and term in the one query the workspace
    asks on every page (deputies.portal.deputy_of_user)."""
    deputy = deputy_client.deputy
    html = deputy_client.get("/en/portal/").content.decode()
    assert f"{deputy.delegation.name} · {deputy.term.label} · " in html
    assert f'href="{deputy.get_absolute_url()}"' in html
