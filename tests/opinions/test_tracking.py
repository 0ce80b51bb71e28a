"""Tracking by code, the resident's rating, and that no public page shows a resident's contact."""

import pytest
from django.test import override_settings

from proposals.models import Opinion
from proposals.opinions import services
from tests.factories import StaffFactory
from tests.opinions.conftest import PHONE

pytestmark = pytest.mark.django_db


@pytest.fixture
def opinion(station):
    return services.opinion_submit(
        source=Opinion.Source.STATION_QR,
        station=station,
        category="housing",
        content="安置房楼地面出现多处裂缝，请帮忙协调检查。",
        phone=PHONE,
        name="陆老伯",
        consent=True,
    )


@pytest.fixture
def answered(opinion, unit):
    staff = StaffFactory()
    services.opinion_route(opinion=opinion, organisation=unit, by=staff)
    services.opinion_reply_record(
        opinion=opinion, organisation=unit, text="已会同施工单位现场查看，安排维修。", by=staff
    )
    return opinion


def test_the_track_form_finds_a_code_typed_loosely(client, opinion):
    loose = f" {opinion.code[:4].lower()}-{opinion.code[4:]} "
    response = client.get("/en/opinions/track/", {"code": loose})
    assert response.status_code == 302
    assert response["Location"] == f"/en/opinions/track/{opinion.code}/"


@pytest.mark.parametrize("code", ["ABCDEFGH", "ZZZZZZZZ", "123", "<script>", "x" * 30])
def test_a_wrong_code_gets_a_clear_message(client, opinion, code):
    response = client.get("/en/opinions/track/", {"code": code})
    assert response.status_code == 200
    page = response.content.decode()
    assert "No opinion has this code" in page or "8 letters and digits" in page
    assert "<script>" not in page.split("<main", 1)[1].split("</main>")[0].replace(
        "&lt;script&gt;", ""
    )


@pytest.mark.parametrize("code", ["ABCDEFGH", "not-a-code", "%3Cb%3E"])
def test_an_unknown_code_address_is_404_with_the_form(client, opinion, code):
    response = client.get(f"/en/opinions/track/{code}/")
    assert response.status_code == 404
    assert "No opinion has this code" in response.content.decode()


def test_the_tracking_page_shows_status_timeline_and_reply(client, answered):
    page = client.get(f"/en/opinions/track/{answered.code}/").content.decode()
    assert "answered, waiting for your rating" in page
    assert "独山港镇村镇建设管理办公室" in page
    assert "已会同施工单位现场查看" in page
    assert "Routed to a handling unit" in page
    assert 'name="rating"' in page


def test_a_lowercase_code_address_redirects_to_the_canonical_one(client, opinion):
    response = client.get(f"/en/opinions/track/{opinion.code.lower()}/")
    assert response.status_code == 302


def test_the_resident_rates_once_and_unsatisfied_reopens_once(client, answered, unit):
    url = f"/en/opinions/track/{answered.code}/"
    response = client.post(url, {"rating": "unsatisfied", "comment": "裂缝还在"})
    assert response.status_code == 302
    answered.refresh_from_db()
    assert answered.status == Opinion.Status.REOPENED
    # No rating form while it is handled again; a POST is refused politely.
    assert 'name="rating"' not in client.get(url).content.decode()
    assert client.post(url, {"rating": "satisfied"}).status_code == 302
    answered.refresh_from_db()
    assert answered.status == Opinion.Status.REOPENED
    services.opinion_reply_record(
        opinion=answered, organisation=unit, text="已返工。", by=StaffFactory()
    )
    page = client.get(url).content.decode()
    assert "still not satisfied" in page
    client.post(url, {"rating": "unsatisfied"})
    answered.refresh_from_db()
    assert answered.status == Opinion.Status.CLOSED and answered.needs_attention


def test_a_bad_rating_is_shown_and_nothing_changes(client, answered):
    url = f"/en/opinions/track/{answered.code}/"
    response = client.post(url, {"rating": "wonderful"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    answered.refresh_from_db()
    assert answered.status == Opinion.Status.REPLIED and not answered.rating


@override_settings(
    CONGRESS_RULES={
        **__import__("django.conf").conf.settings.CONGRESS_RULES,
        "OPINION_TRACK_RATE_PER_ADDRESS": 3,
    }
)
def test_tracking_is_rate_limited_per_address(client, opinion):
    for _i in range(3):
        assert client.get("/en/opinions/track/", {"code": "ABCDEFGH"}).status_code == 200
    response = client.get("/en/opinions/track/", {"code": opinion.code})
    assert response.status_code == 429
    assert client.get(f"/en/opinions/track/{opinion.code}/").status_code == 429


def test_the_phone_and_name_never_appear_on_public_pages(client, answered, station):
    pages = [
        f"/opinions/track/{answered.code}/?new=1",
        f"/opinions/track/{answered.code}/",
        f"/en/opinions/track/{answered.code}/",
        f"/stations/{station.pk}/",
        "/opinions/stats/",
        f"/opinions/stats/?station={station.pk}&year=2022",
        f"/opinions/new/?station={station.pk}",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert PHONE not in page and "138****5678" not in page, url
        assert "陆老伯" not in page, url
