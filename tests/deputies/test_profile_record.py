"""A deputy's public profile lists their public suggestions and motions (led and co-signed, with
status), reception days and stations, the year's summary; and prints the performance record
(履职档案) for a year as a PDF with embedded Chinese fonts."""

import datetime
import io
import re

import pypdf
import pytest
from django.test import Client

from tests.factories import (
    ActivityFactory,
    DeputyFactory,
    PointRuleFactory,
    ReceptionFactory,
    SignatureFactory,
    StationFactory,
    SuggestionFactory,
    TermFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def zh():
    return Client(HTTP_ACCEPT_LANGUAGE="zh-hans")


@pytest.fixture
def world(db):
    term = TermFactory()
    deputy = DeputyFactory(term=term, name="潘晓")
    colleague = DeputyFactory(term=term, name="徐杰")
    station = StationFactory(name="独山港镇周圩人大代表联络站")
    station.deputies.add(deputy)
    reception = ReceptionFactory(station=station, theme="安置房质量", residents_received=17)
    reception.deputies.add(deputy)
    PointRuleFactory()
    for day in (3, 10):
        ActivityFactory(deputy=deputy, date=datetime.date(2022, 5, day))
    led = SuggestionFactory(
        lead=deputy,
        status="closed",
        is_public=True,
        code="十六届一次会议第001号",
        title="关于修复周圩安置房地面裂缝的建议",
    )
    signed = SuggestionFactory(
        lead=colleague, status="registered", is_public=True, title="关于农村道路亮化的建议"
    )
    SignatureFactory(suggestion=signed, deputy=deputy)
    private = SuggestionFactory(
        lead=deputy, status="registered", is_public=False, title="不公开的建议"
    )
    draft = SuggestionFactory(lead=deputy, title="还在起草的建议")
    return {"deputy": deputy, "led": led, "signed": signed, "private": private, "draft": draft}


def test_the_profile_lists_items_receptions_and_the_summary(zh, world):
    deputy = world["deputy"]
    page = zh.get(f"/deputies/{deputy.pk}/?year=2022").content.decode()
    assert world["led"].title in page and world["signed"].title in page
    assert "领衔" in page and "附议" in page  # the deputy's part in each
    assert world["private"].title not in page and world["draft"].title not in page
    assert "2022年3月15日" in page and "安置房质量" in page  # the reception day on duty
    assert "独山港镇周圩人大代表联络站" in page
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "1 领衔建议" in text and "1 附议建议" in text and "17 接待群众" in text
    assert f"/deputies/{deputy.pk}/record-2022.pdf" in page
    assert deputy.phone not in page and deputy.id_number not in page


def _fonts(reader):
    found = {}
    for page in reader.pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            found[str(font["/BaseFont"])] = font
    return found


def _embedded(font):
    if "/DescendantFonts" in font:
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font["/FontDescriptor"].get_object()
    return "/FontFile2" in descriptor or "/FontFile3" in descriptor


def test_the_performance_record_pdf(zh, world):
    deputy = world["deputy"]
    response = zh.get(f"/deputies/{deputy.pk}/record-2022.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages).replace(" ", "")
    assert "潘晓" in text and "2022" in text and "履职档案" in text
    assert world["led"].title in text and "十六届一次会议第001号" in text
    assert "独山港镇周圩人大代表联络站" in text and "安置房质量" in text
    assert "17" in text and "6.0" in text  # residents received; 2 activities × 3 points
    assert deputy.phone not in text and world["private"].title not in text
    fonts = _fonts(reader)
    assert any(re.search(r"Noto-?S[a-z]+-?CJK", name) for name in fonts), list(fonts)
    assert all(_embedded(font) for font in fonts.values()), list(fonts)


@pytest.mark.parametrize(
    "url",
    [
        "/deputies/999999/record-2022.pdf",
        "/deputies/{pk}/record-1900.pdf",
        "/deputies/{pk}/record-2019.pdf",  # nothing on record that year: not rendered
    ],
)
def test_unknown_deputy_or_year_is_404(zh, world, url):
    assert zh.get(url.format(pk=world["deputy"].pk)).status_code == 404


def test_the_deputy_prints_their_record_from_the_workspace_overview(zh, world):
    deputy = world["deputy"]
    deputy.user = UserFactory(username="panxiao")
    deputy.save(update_fields=["user"])
    response = zh.post(
        "/accounts/login/", {"username": "panxiao", "password": "pw-for-tests"}, follow=True
    )
    assert response.request["PATH_INFO"] == "/portal/"  # deputies land in their workspace
    page = response.content.decode()
    link = re.search(r'href="(/deputies/\d+/record-(\d{4})\.pdf)"', page)
    assert link, "the overview links the year's performance record"
    pdf = zh.get(link.group(1))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert deputy.name in pypdf.PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
