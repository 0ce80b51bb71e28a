"""The co-signer picker: the plain field resolved on the server, the JSON search behind the
script, and requests to co-sign answered from the deputy's overview (/portal/)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from congress.models import Holiday
from proposals import services
from proposals.models import Signature, Suggestion
from proposals.suggestions import services as suggestion_services
from tests.factories import DelegationFactory, DeputyFactory, TermFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(lead):
    client = Client()
    client.force_login(lead.user)
    return client


def _data(category, session, cosigners):
    return {
        "title": "关于加快农村道路亮化设施建设的建议",
        "category": category.pk,
        "session": session.pk,
        "body": "农村道路夜间照明不足。",
        "is_public": "on",
        "cosigners": cosigners,
    }


def test_the_form_offers_a_plain_field_the_script_enhances(me):
    page = me.get("/portal/suggestions/new/").content.decode()
    assert "data-cosigner-picker" in page and "/portal/cosigners/search/" in page
    assert '<script src="/static/js/cosigner-picker.js' in page
    assert "Ctrl" not in page and '<select name="cosigners"' not in page
    assert "或逗号" in page or "、" in page  # the help says how to type several


def test_names_and_card_numbers_in_any_separator_are_resolved(
    me, lead, make_deputy, category, session
):
    a, b, c = make_deputy("王芳"), make_deputy("李强"), make_deputy("张敏")
    typed = f"王芳，{b.card_number}、张敏（{c.card_number}）;王芳"
    response = me.post("/portal/suggestions/new/", _data(category, session, typed))
    assert response.status_code == 302
    asked = set(Suggestion.objects.get().signatures.values_list("deputy__name", flat=True))
    assert asked == {a.name, b.name, c.name}


def test_an_ambiguous_name_lists_the_namesakes_and_writes_nothing(
    me, lead, make_deputy, category, session
):
    first, second = make_deputy("王芳"), make_deputy("王芳")
    response = me.post("/portal/suggestions/new/", _data(category, session, "王芳"))
    assert response.status_code == 200
    error = " ".join(response.context["form"].errors["cosigners"])
    assert "“王芳”：有多位代表同名" in error
    assert first.card_number in error and second.card_number in error
    assert Suggestion.objects.count() == 0 and Signature.objects.count() == 0


def test_an_unknown_name_is_named_in_a_chinese_error(me, lead, make_deputy, category, session):
    make_deputy("王芳")
    response = me.post("/portal/suggestions/new/", _data(category, session, "王芳、查无此人"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "“查无此人”：没有可邀请的本届在任代表使用这个姓名或代表证号" in page
    assert Suggestion.objects.count() == 0 and Signature.objects.count() == 0


def test_search_matches_name_card_number_and_delegation_with_public_fields_only(
    me, lead, make_deputy, term
):
    town_team = DelegationFactory(term=term, name="乍浦镇代表团")
    wang = make_deputy("王芳")
    wang.delegation, wang.phone, wang.id_number = town_team, "13900001111", "330482199001011234"
    wang.save()
    other_term = DeputyFactory(
        name="王芳芳", term=TermFactory(number=15, start_date=datetime.date(2017, 1, 1))
    )
    by_name = me.get("/portal/cosigners/search/", {"q": "王芳"}).json()["results"]
    assert [r["name"] for r in by_name] == ["王芳"]
    assert set(by_name[0]) == {"id", "name", "card_number", "delegation", "value"}
    assert by_name[0]["value"] == f"王芳（{wang.card_number}）"
    raw = me.get("/portal/cosigners/search/", {"q": "王"}).content.decode()
    assert "13900001111" not in raw and "330482" not in raw and other_term.card_number not in raw
    by_card = me.get("/portal/cosigners/search/", {"q": wang.card_number}).json()["results"]
    assert [r["id"] for r in by_card] == [wang.pk]
    by_team = me.get("/portal/cosigners/search/", {"q": "乍浦"}).json()["results"]
    assert [r["id"] for r in by_team] == [wang.pk]
    assert me.get("/portal/cosigners/search/", {"q": lead.name}).json()["results"] == []


def test_search_leaves_out_deputies_already_asked_for_the_item(me, lead, make_deputy):
    wang = make_deputy("王芳")
    draft = suggestion_services.suggestion_create_draft(lead=lead, title="草稿", by=lead.user)
    services.signature_request(item=draft, deputy=wang, by=lead.user)
    url = "/portal/cosigners/search/"
    assert me.get(url, {"q": "王芳", "suggestion": draft.pk}).json()["results"] == []
    assert len(me.get(url, {"q": "王芳"}).json()["results"]) == 1


def test_search_needs_a_deputy_login(client, lead):
    response = client.get("/portal/cosigners/search/", {"q": "王"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _asked(lead, deputy, *, requested_at=None):
    draft = suggestion_services.suggestion_create_draft(
        lead=lead, title="关于路灯的建议", by=lead.user
    )
    signature = services.signature_request(item=draft, deputy=deputy, by=lead.user)
    if requested_at:
        Signature.objects.filter(pk=signature.pk).update(requested_at=requested_at)
    return draft, signature


def test_the_overview_lists_requests_with_the_day_to_answer_by(lead, make_deputy, settings):
    settings.CONGRESS_RULES = {**settings.CONGRESS_RULES, "SIGNATURE_ANSWER_WORKING_DAYS": 3}
    wang = make_deputy("王芳")
    # Asked on Friday 2026-09-25; the National Day holiday pushes three working days out.
    asked = datetime.datetime(2026, 9, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    Holiday.objects.create(date=datetime.date(2026, 9, 28), name="国庆", is_working_day=False)
    _asked(lead, wang, requested_at=asked)
    client = Client()
    client.force_login(wang.user)
    page = client.get("/portal/").content.decode()
    assert "1 件附议邀请" in page
    assert "关于路灯的建议" in page and "徐杰" in page
    assert "2026年10月1日" in page  # Mon 28 off: Tue 29, Wed 30, Thu 1


def test_one_tap_accept_from_the_overview(lead, make_deputy):
    wang = make_deputy("王芳")
    _, signature = _asked(lead, wang)
    client = Client(enforce_csrf_checks=True)
    client.force_login(wang.user)
    page = client.get("/portal/")
    token = page.cookies["csrftoken"].value
    response = client.post(
        f"/portal/signatures/{signature.pk}/",
        {"answer": "confirm", "next": "overview", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302 and response["Location"] == "/portal/"
    assert Signature.objects.get().status == Signature.Status.CONFIRMED
    assert "附议邀请" not in client.get("/portal/").content.decode()


def test_one_tap_decline_needs_the_csrf_token(lead, make_deputy):
    wang = make_deputy("王芳")
    _, signature = _asked(lead, wang)
    client = Client(enforce_csrf_checks=True)
    client.force_login(wang.user)
    response = client.post(
        f"/portal/signatures/{signature.pk}/", {"answer": "decline", "next": "overview"}
    )
    assert response.status_code == 403
    assert Signature.objects.get().status == Signature.Status.REQUESTED
