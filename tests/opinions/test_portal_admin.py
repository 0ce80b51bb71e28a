"""Deputies route their stations' opinions in the portal; staff and unit clerks in the admin."""

import datetime

import pytest
from django.contrib.auth.models import Permission

from proposals.models import Opinion, Suggestion
from proposals.opinions import services
from tests.factories import (
    OpinionFactory,
    ReceptionFactory,
    StaffFactory,
    StationFactory,
    UnitMembershipFactory,
    UserFactory,
)
from tests.opinions.conftest import PHONE, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def deputy_client(client, deputy):
    client.force_login(deputy.user)
    return client


@pytest.fixture
def mine(station):
    return OpinionFactory(station=station, phone=PHONE, name="陆老伯")


@pytest.fixture
def theirs(db):
    return OpinionFactory(station=StationFactory(), content="别的联络站收到的意见：河道有异味。")


def test_the_portal_lists_only_the_deputys_opinions(deputy_client, mine, theirs, deputy):
    own_code = OpinionFactory(station=None, deputy=deputy, source="deputy_qr")
    page = deputy_client.get("/en/portal/opinions/").content.decode()
    assert mine.code in page and own_code.code in page
    assert theirs.code not in page
    assert PHONE not in page and "陆老伯" not in page


def test_another_stations_opinion_is_404(deputy_client, theirs):
    assert deputy_client.get(f"/en/portal/opinions/{theirs.pk}/").status_code == 404
    response = deputy_client.post(f"/en/portal/opinions/{theirs.pk}/", {"action": "accept"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Opinion.Status.SUBMITTED


def test_a_bad_status_filter_is_400(deputy_client, mine):
    assert deputy_client.get("/en/portal/opinions/?status=nonsense").status_code == 400


def test_the_portal_needs_a_deputy(client, mine):
    assert client.get("/en/portal/opinions/").status_code == 302
    client.force_login(UserFactory())
    assert client.get("/en/portal/opinions/").status_code == 403


def test_the_detail_page_hides_contact(deputy_client, mine):
    page = deputy_client.get(f"/en/portal/opinions/{mine.pk}/").content.decode()
    assert mine.content in page and PHONE not in page and "陆老伯" not in page


def test_a_deputy_answers_on_the_spot(deputy_client, mine):
    url = f"/en/portal/opinions/{mine.pk}/"
    response = deputy_client.post(url, {"action": "answer", "answer-text": "已联系社区维修。"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == Opinion.Status.REPLIED and mine.answer == "已联系社区维修。"


def test_an_empty_answer_is_shown_beside_the_field(deputy_client, mine):
    response = deputy_client.post(
        f"/en/portal/opinions/{mine.pk}/", {"action": "answer", "answer-text": ""}
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == Opinion.Status.SUBMITTED


def test_a_deputy_routes_to_a_unit(deputy_client, mine, unit):
    response = deputy_client.post(
        f"/en/portal/opinions/{mine.pk}/", {"action": "route", "route-organisation": unit.pk}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == Opinion.Status.ROUTED
    assert mine.assignments.get().organisation == unit


def test_a_deputy_escalates_into_a_draft_in_their_portal(deputy_client, mine, deputy):
    response = deputy_client.post(
        f"/en/portal/opinions/{mine.pk}/",
        {"action": "escalate", "escalate-title": "关于安置房质量监管的建议"},
    )
    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert suggestion.lead == deputy and suggestion.status == Suggestion.Status.DRAFT
    mine.refresh_from_db()
    assert mine.suggestion == suggestion


def test_a_deputy_does_not_accept_with_the_channel(deputy_client, mine):
    response = deputy_client.post(
        f"/en/portal/opinions/{mine.pk}/",
        {
            "action": "not_accept",
            "not_accept-channel": "arbitration",
            "not_accept-reason": "劳动争议",
        },
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == Opinion.Status.NOT_ACCEPTED and mine.channel == "arbitration"


def test_a_refused_step_is_a_message_not_a_500(deputy_client, mine):
    services.opinion_not_accept(
        opinion=mine, by=StaffFactory(), reason="已起诉", channel="litigation"
    )
    response = deputy_client.post(
        f"/en/portal/opinions/{mine.pk}/", {"action": "accept"}, follow=True
    )
    assert response.status_code == 200
    assert "Only a new opinion can be accepted" in response.content.decode()


def test_an_unknown_action_is_400(deputy_client, mine):
    assert (
        deputy_client.post(f"/en/portal/opinions/{mine.pk}/", {"action": "delete"}).status_code
        == 400
    )


def test_a_deputy_records_an_opinion_from_a_reception(deputy_client, station, deputy):
    reception = ReceptionFactory(station=station, date=datetime.date(2022, 3, 15))
    other = ReceptionFactory()  # another station's reception is not offered
    data = {
        "reception": reception.pk,
        "category": "housing",
        "content": "陆老伯反映安置房楼地面出现裂缝。",
        "consent": "on",
        "photos": [upload()],
    }
    response = deputy_client.post("/en/portal/opinions/reception/", data)
    assert response.status_code == 302
    opinion = Opinion.objects.get()
    assert opinion.source == Opinion.Source.RECEPTION
    assert opinion.reception == reception and opinion.station == station
    assert opinion.deputy == deputy and opinion.photos.count() == 1
    response = deputy_client.post("/en/portal/opinions/reception/", {**data, "reception": other.pk})
    assert response.status_code == 200
    assert Opinion.objects.count() == 1


def test_the_deputy_sees_photos_of_their_opinions_only(deputy_client, station):
    opinion = services.opinion_submit(
        source="station_qr",
        station=station,
        category="roads",
        content="路面坑洼积水请修补一下",
        photos=[upload()],
        consent=True,
    )
    photo = opinion.photos.get()
    response = deputy_client.get(f"/en/portal/opinions/{opinion.pk}/photos/{photo.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    elsewhere = OpinionFactory(station=StationFactory())
    assert (
        deputy_client.get(f"/en/portal/opinions/{elsewhere.pk}/photos/{photo.pk}/").status_code
        == 404
    )


# -- admin ---------------------------------------------------------------------------------------


def test_staff_without_the_contact_permission_see_no_contact(client, mine):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="view_opinion"),
        Permission.objects.get(codename="handle_opinion"),
    )
    client.force_login(user)
    listing = client.get("/en/admin/proposals/opinion/").content.decode()
    assert mine.code in listing and PHONE not in listing and "138****5678" not in listing
    page = client.get(f"/en/admin/proposals/opinion/{mine.pk}/change/").content.decode()
    assert PHONE not in page and "陆老伯" not in page


def test_staff_with_the_contact_permission_see_it_masked_in_the_list(client, mine):
    client.force_login(StaffFactory())
    listing = client.get("/en/admin/proposals/opinion/").content.decode()
    assert "138****5678" in listing and PHONE not in listing
    page = client.get(f"/en/admin/proposals/opinion/{mine.pk}/change/").content.decode()
    assert PHONE in page and "陆老伯" in page


def test_staff_route_through_an_admin_action(client, mine, unit):
    client.force_login(StaffFactory())
    response = client.post(
        "/en/admin/proposals/opinion/",
        {
            "action": "route",
            "_selected_action": [mine.pk],
            "apply": "1",
            "organisation": unit.pk,
            "on": "2022-03-15",
        },
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == Opinion.Status.ROUTED


def test_a_unit_clerk_sees_and_answers_only_their_units_opinions(client, mine, theirs, unit):
    services.opinion_route(opinion=mine, organisation=unit, by=StaffFactory())
    clerk = UnitMembershipFactory(organisation=unit).user
    client.force_login(clerk)
    listing = client.get("/en/admin/proposals/opinion/").content.decode()
    assert mine.code in listing and theirs.code not in listing
    assert client.get(f"/en/admin/proposals/opinion/{theirs.pk}/change/").status_code == 302
    assert client.get(f"/en/admin/proposals/opinion/{theirs.pk}/reply/").status_code == 404
    page = client.get(f"/en/admin/proposals/opinion/{mine.pk}/change/").content.decode()
    assert PHONE not in page
    response = client.post(
        f"/en/admin/proposals/opinion/{mine.pk}/reply/",
        {"replied_on": "2022-03-28", "text": "已现场查看并安排维修。"},
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == Opinion.Status.REPLIED
    # The clerk has no staff actions.
    response = client.post(
        "/en/admin/proposals/opinion/", {"action": "accept", "_selected_action": [theirs.pk]}
    )
    theirs.refresh_from_db()
    assert theirs.status == Opinion.Status.SUBMITTED


def test_the_admin_statistics_page_uses_the_same_figures(client, mine):
    client.force_login(StaffFactory())
    response = client.get("/en/admin/proposals/opinion/stats/?year=2022")
    assert response.status_code == 200
    assert response.context["stats"]["total"].received == 1
    assert client.get("/en/admin/proposals/opinion/stats/?year=abc").status_code == 400
