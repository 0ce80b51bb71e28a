"""A resident opens the home page, filters the directory by delegation and opens a profile."""

import pytest

from tests.e2e.conftest import assert_accessible
from tests.factories import (
    ActivityFactory,
    DelegationFactory,
    DeputyFactory,
    DeputyGroupFactory,
    PointRuleFactory,
    ReceptionFactory,
    StationFactory,
    TermFactory,
    TownFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pinghu():
    term = TermFactory()
    danghu = DelegationFactory(term=term, town=TownFactory(name="当湖街道", order=1))
    dushangang = DelegationFactory(term=term, town=TownFactory(name="独山港镇", order=9))
    for i in range(5):
        DeputyFactory(term=term, delegation=danghu, name=f"当湖代表{i}")
    pan = DeputyFactory(
        term=term, delegation=dushangang, name="潘晓", occupation="周圩村党总支书记"
    )
    xu = DeputyFactory(term=term, delegation=dushangang, name="徐红芳")
    group = DeputyGroupFactory(term=term, name="独山港代表小组")
    group.members.add(pan, xu)
    station = StationFactory(name="独山港镇周圩人大代表联络站", town=dushangang.town)
    station.deputies.add(pan, xu)
    ReceptionFactory(station=station, theme="安置房楼地面裂缝").deputies.add(pan, xu)
    PointRuleFactory()
    ActivityFactory.create_batch(3, deputy=pan)
    return {"dushangang": dushangang, "pan": pan}


def test_home_filter_by_delegation_and_open_profile(live_server, page, pinghu):
    page.goto(live_server.url + "/")
    assert page.locator("h1").first.inner_text() == "平湖人大"
    assert_accessible(page)

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="人大代表").click()
    page.wait_for_url("**/deputies/")
    assert page.locator(".deputy-grid .card").count() == 7
    assert_accessible(page)

    page.get_by_label("代表团").select_option(label="独山港镇代表团")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**/deputies/?*delegation=*")
    names = page.locator(".deputy-grid .card h2").all_inner_texts()
    assert sorted(names) == ["徐红芳", "潘晓"]

    page.get_by_role("link", name="潘晓").click()
    page.wait_for_url(f"**/deputies/{pinghu['pan'].pk}/")
    assert page.locator("h1").inner_text() == "潘晓"
    assert "独山港镇周圩人大代表联络站" in page.content()
    assert "13912345678" not in page.content()
    record = page.get_by_role("table").first
    assert "视察" in record.inner_text()
    assert_accessible(page)


def test_station_page_at_phone_width_is_accessible(live_server, phone_page, pinghu):
    from deputies.models import LiaisonStation

    station = LiaisonStation.objects.get()
    phone_page.goto(f"{live_server.url}/stations/{station.pk}/")
    assert phone_page.locator("h1").inner_text() == "独山港镇周圩人大代表联络站"
    qr = phone_page.locator("figure.qr img")
    assert qr.evaluate("img => img.naturalWidth") > 0  # the SVG code loaded
    # Nothing wider than the phone's screen.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(phone_page)


def test_english_switch_keeps_the_page(live_server, page, pinghu):
    page.goto(f"{live_server.url}/deputies/{pinghu['pan'].pk}/")
    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"**/en/deputies/{pinghu['pan'].pk}/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_text("Performance record, 2022").is_visible()
    assert_accessible(page)
