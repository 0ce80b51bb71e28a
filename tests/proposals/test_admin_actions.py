"""The back office's actions run the services the one way congress/kit/admin.py gives: an
action with a form shows its page first and writes nothing until the form is right; a row the
service refuses is named in an error while the other rows go on."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import ERROR, SUCCESS
from django.urls import reverse
from django.utils import timezone

from deputies.models import ReceptionSession
from proposals.models import Motion
from supervision.models import ReviewOpinion
from tests.factories import MeetingFactory, MotionFactory, StationFactory, SupervisionItemFactory

pytestmark = pytest.mark.django_db
M = Motion.Status
MOTIONS = "admin:proposals_motion_changelist"


@pytest.fixture
def office(client, staff):
    client.force_login(staff)
    return client


def _messages(response):
    return [(m.level, str(m)) for m in response.context["messages"]]


def test_a_form_action_asks_first_and_writes_nothing_until_the_form_is_right(office, lead):
    motion = MotionFactory(lead=lead, status=M.LISTED)
    choose = {"action": "record_resolution", ACTION_CHECKBOX_NAME: [motion.pk]}
    page = office.post(reverse(MOTIONS), choose)
    assert page.status_code == 200
    assert page.templates[0].name == "admin/action_form.html"
    assert str(motion) in page.content.decode()  # the rows it applies to are listed
    office.post(reverse(MOTIONS), {**choose, "apply": "1", "text": "决议全文"})  # no date
    motion.refresh_from_db()
    assert motion.status == M.LISTED and not motion.resolution_text
    done = office.post(
        reverse(MOTIONS),
        {**choose, "apply": "1", "text": "决议全文", "adopted_on": "2024-03-01"},
        follow=True,
    )
    motion.refresh_from_db()
    assert motion.status == M.RESOLVED and motion.resolution_text == "决议全文"
    assert [level for level, _text in _messages(done)] == [SUCCESS]


def test_a_refused_row_is_named_and_the_others_go_on(office, lead):
    listed = MotionFactory(lead=lead, status=M.LISTED)
    submitted = MotionFactory(lead=lead, status=M.SUBMITTED)
    response = office.post(
        reverse(MOTIONS),
        {"action": "list_motion", ACTION_CHECKBOX_NAME: [listed.pk, submitted.pk]},
        follow=True,
    )
    listed.refresh_from_db()
    submitted.refresh_from_db()
    assert submitted.status == M.LISTED
    assert listed.status == M.LISTED and listed.review_outcome == ""  # untouched
    messages = _messages(response)
    assert [level for level, _text in messages].count(ERROR) == 1
    assert any(level == ERROR and str(listed) in text for level, text in messages)
    assert any(level == SUCCESS for level, _text in messages)


def test_closing_an_ended_reception_session_says_so_and_closes_the_others(client, staff):
    client.force_login(staff)
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    station = StationFactory()
    ended = ReceptionSession.objects.create(
        station=station, opened_at=now - 3 * hour, ends_at=now - hour
    )
    running = ReceptionSession.objects.create(
        station=StationFactory(), opened_at=now - hour, ends_at=now + hour
    )
    response = client.post(
        reverse("admin:deputies_receptionsession_changelist"),
        {"action": "close_sessions", ACTION_CHECKBOX_NAME: [ended.pk, running.pk]},
        follow=True,
    )
    running.refresh_from_db()
    ended.refresh_from_db()
    assert running.ends_at <= timezone.now()
    assert ended.ends_at == now - hour
    levels = [level for level, _text in _messages(response)]
    assert sorted(levels) == [SUCCESS, ERROR]


def test_a_review_opinion_dated_before_its_meeting_is_refused_beside_the_form(client, staff):
    """The admin's add form asks the service's check first (ServiceCheckedForm): the refusal
    is shown on the form, nothing is written; a right date issues it with its due date."""
    client.force_login(staff)
    item = SupervisionItemFactory(meeting=MeetingFactory(date=datetime.date(2022, 6, 28)))
    add = reverse("admin:supervision_reviewopinion_add")
    inline = client.get(add).context["inline_admin_formsets"][0].formset.prefix
    data = {
        "item": item.pk,
        "text": "请整改",
        "issued_on": "2022-06-01",
        f"{inline}-TOTAL_FORMS": 0,
        f"{inline}-INITIAL_FORMS": 0,
    }
    refused = client.post(add, data)
    assert refused.status_code == 200
    assert refused.context["adminform"].form.non_field_errors()
    assert not ReviewOpinion.objects.exists()
    client.post(add, {**data, "issued_on": "2022-07-05"})
    assert ReviewOpinion.objects.get().report_due == datetime.date(2022, 9, 5)
