"""Every change to suggestions, replies, opinions, polls and supervision items is kept with
who made it and when, and staff can read it in the admin — without residents' contact details."""

import datetime

import pytest

from proposals.models import Opinion, Suggestion
from proposals.opinions import services as opinion_services
from tests.factories import StationFactory
from tests.proposals import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(db):
    from tests.factories import StaffFactory

    return StaffFactory(username="office-history")


def test_a_suggestion_keeps_every_step_with_who_and_when(office, client):
    from django.utils import timezone

    from tests.factories import (
        CategoryFactory,
        DeputyFactory,
        OrganisationFactory,
        SessionFactory,
        UserFactory,
    )

    session = SessionFactory(suggestion_deadline=timezone.now() + datetime.timedelta(days=1))
    lead = DeputyFactory(term=session.term, user=UserFactory())
    category = CategoryFactory(term=session.term)
    unit = OrganisationFactory()
    client.force_login(office)
    suggestion = helpers.assigned(
        unit=unit, lead=lead, session=session, category=category, by=office
    )
    history = Suggestion.history.filter(id=suggestion.pk).order_by("history_date")
    statuses = [h.status for h in history]
    assert statuses[0] == Suggestion.Status.DRAFT
    assert statuses[-1] == Suggestion.Status.ASSIGNED
    assert len(statuses) >= 4
    page = client.get(f"/admin/proposals/historicalsuggestion/?q={suggestion.code}")
    assert page.status_code == 200
    assert suggestion.title in page.content.decode()
    assert client.get("/admin/proposals/historicalsuggestion/add/").status_code == 403


def test_opinion_history_leaves_out_the_residents_contact(office, client):
    station = StationFactory()
    opinion = opinion_services.opinion_submit(
        station=station,
        source=Opinion.Source.STATION_QR,
        category=Opinion._meta.get_field("category").choices[0][0],
        content="小区门口的路灯坏了很久，晚上出行不便，请尽快维修。",
        name="陆老伯",
        phone="13812345678",
        consent=True,
    )
    record = Opinion.history.get(id=opinion.pk)
    assert not hasattr(record, "phone") and not hasattr(record, "name")
    client.force_login(office)
    html = client.get("/admin/proposals/historicalopinion/").content.decode()
    assert opinion.code in html
    assert "13812345678" not in html
