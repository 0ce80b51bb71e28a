"""A resident scans a station's code on a phone, sends an opinion with a photo, follows it."""

import io
import re

import pytest
from PIL import Image

from proposals.models import Opinion
from tests.e2e.conftest import assert_accessible
from tests.factories import DeputyFactory, StationFactory, TownFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def station():
    station = StationFactory(name="独山港镇周圩人大代表联络站", town=TownFactory(name="独山港镇"))
    station.deputies.add(DeputyFactory(name="潘晓"), DeputyFactory(name="徐红芳"))
    return station


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "crack.png"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 180, 170)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_a_resident_sends_an_opinion_with_a_photo_and_follows_it(
    live_server, phone_page, station, photo
):
    page = phone_page
    page.goto(f"{live_server.url}/opinions/new/?station={station.pk}")
    assert page.locator("h1").inner_text() == "反映意见"
    assert_accessible(page)
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.select_option("#id_category", "housing")
    page.fill("#id_content", "刚交付的安置房楼地面出现多处裂缝，担心质量问题，请帮忙协调检查。")
    page.set_input_files("#id_photos", str(photo))
    page.fill("#id_phone", "138 1234 5678")
    page.check("#id_consent")
    page.click("button[type=submit]")

    page.wait_for_url(re.compile(r"/opinions/track/[A-Z2-9]{8}/\?new=1$"))
    code = page.locator(".code").inner_text().strip()
    opinion = Opinion.objects.get()
    assert code == opinion.code
    assert opinion.photos.count() == 1 and opinion.phone == "13812345678"
    assert "13812345678" not in page.content()
    assert_accessible(page)

    page.click(f"a[href='/opinions/track/{code}/']")
    page.wait_for_url(f"**/opinions/track/{code}/")
    assert "已收到" in page.content()

    # Looking it up by typing the code, as a resident would a week later.
    page.goto(f"{live_server.url}/opinions/track/")
    assert_accessible(page)
    page.fill("#id_code", code.lower())
    page.click("button[type=submit]")
    page.wait_for_url(f"**/opinions/track/{code}/")
    assert_accessible(page)


def test_a_mistake_is_shown_beside_the_field_on_a_phone(live_server, phone_page, station):
    page = phone_page
    page.goto(f"{live_server.url}/opinions/new/?station={station.pk}")
    page.select_option("#id_category", "roads")
    page.fill("#id_content", "太短")
    page.click("button[type=submit]")
    assert page.locator("#id_content_error").is_visible()
    assert page.locator("#id_consent_error").is_visible()
    assert_accessible(page)
    assert Opinion.objects.count() == 0
