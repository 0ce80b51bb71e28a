"""The official suggestion form (代表建议) as a PDF: printed by a signer from the workspace and
by staff from the back office; embedded Chinese fonts, text that can be extracted."""

import io
import re

import pypdf
import pytest
from django.test import Client

from tests.factories import (
    AssignmentFactory,
    OrganisationFactory,
    SignatureFactory,
    StaffFactory,
    SuggestionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(lead, make_deputy):
    suggestion = SuggestionFactory(
        lead=lead,
        term=lead.term,
        status="assigned",
        code="十六届一次会议第001号",
        title="关于加快农村道路亮化设施建设的建议",
        body="农村道路夜间照明不足，群众出行不便。\n\n建议分年度实施路灯建设。",
    )
    SignatureFactory(suggestion=suggestion, deputy=make_deputy("王芳"))
    SignatureFactory(suggestion=suggestion, deputy=make_deputy("李强"), status="declined")
    AssignmentFactory(suggestion=suggestion, organisation=OrganisationFactory(name="市交通运输局"))
    return suggestion


def _text_and_fonts(data):
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages).replace(" ", "")
    fonts = {}
    for page in reader.pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            fonts[str(font["/BaseFont"])] = font
    return text, fonts


def _assert_form(data, item):
    text, fonts = _text_and_fonts(data)
    for shown in ("代表建议", "十六届一次会议第001号", item.title, "徐杰", "王芳", "市交通运输局"):
        assert shown in text, shown
    assert "群众出行不便" in text and "李强" not in text  # a declined co-signer is not on it
    assert any(re.search(r"Noto-?S[a-z]+-?CJK", name) for name in fonts), list(fonts)
    for font in fonts.values():
        inner = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = inner["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor


def test_the_lead_prints_the_form_from_the_workspace(lead, item):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(lead.user)
    page = client.get(f"/portal/suggestions/{item.pk}/").content.decode()
    assert f"/portal/suggestions/{item.pk}/form.pdf" in page
    response = client.get(f"/portal/suggestions/{item.pk}/form.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    _assert_form(response.content, item)


def test_another_deputy_cannot_print_it(item, make_deputy):
    client = Client()
    client.force_login(make_deputy("张敏").user)
    assert client.get(f"/portal/suggestions/{item.pk}/form.pdf").status_code == 404


def test_staff_print_it_from_the_back_office(item):
    staff = StaffFactory(is_superuser=True)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(staff)
    change = client.get(f"/admin/proposals/suggestion/{item.pk}/change/").content.decode()
    assert f"/admin/proposals/suggestion/{item.pk}/form.pdf" in change
    response = client.get(f"/admin/proposals/suggestion/{item.pk}/form.pdf")
    assert response.status_code == 200
    _assert_form(response.content, item)


def test_anonymous_visitors_are_sent_to_the_login(client, item):
    response = client.get(f"/admin/proposals/suggestion/{item.pk}/form.pdf")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
