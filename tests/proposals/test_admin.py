"""Back office: actions call the services; clerks see and answer only their unit's items."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from proposals.models import Assignment, ExtensionRequest, Reply, ReturnRequest, Suggestion
from tests.factories import (
    AssignmentFactory,
    SuggestionFactory,
    UnitMembershipFactory,
)

pytestmark = pytest.mark.django_db
S = Suggestion.Status
CHANGELIST = "admin:proposals_suggestion_changelist"


def change_url(suggestion):
    return reverse("admin:proposals_suggestion_change", args=[suggestion.pk])


@pytest.fixture
def office(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def clerk(client, unit):
    membership = UnitMembershipFactory(organisation=unit)
    client.force_login(membership.user)
    return client


@pytest.fixture
def mine(unit, lead):
    return AssignmentFactory(
        organisation=unit,
        suggestion__lead=lead,
        suggestion__code="十六届一次会议第001号",
        suggestion__number=1,
        assigned_at=timezone.localdate(),
        due_date=timezone.localdate() + datetime.timedelta(days=90),
    ).suggestion


@pytest.fixture
def theirs(other_unit, lead, mine):
    return AssignmentFactory(
        organisation=other_unit,
        suggestion__lead=lead,
        suggestion__session=mine.session,
        suggestion__code="十六届一次会议第002号",
        suggestion__number=2,
    ).suggestion


def test_clerk_sees_only_the_unit_items(clerk, mine, theirs):
    response = clerk.get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [mine]
    assert clerk.get(change_url(mine)).status_code == 200


def test_clerk_cannot_open_another_unit_item(clerk, mine, theirs):
    assert clerk.get(change_url(theirs)).status_code in (302, 404)
    for name in ("reply", "return", "extend"):
        url = reverse(f"admin:proposals_suggestion_{name}", args=[theirs.pk])
        assert clerk.get(url).status_code == 404
        assert clerk.post(url, {"reason": "x", "text": "x"}).status_code == 404
    assert not Reply.objects.exists() and not ReturnRequest.objects.exists()


def test_clerk_cannot_change_or_act(clerk, mine):
    response = clerk.post(
        reverse(CHANGELIST), {"action": "register", ACTION_CHECKBOX_NAME: [mine.pk]}
    )
    assert response.status_code in (200, 302)
    mine.refresh_from_db()
    assert mine.status == S.ASSIGNED
    assert clerk.get(reverse("admin:proposals_submittedsuggestion_changelist")).status_code == 403


def test_clerk_records_a_reply_for_the_unit(clerk, mine, unit):
    url = reverse("admin:proposals_suggestion_reply", args=[mine.pk])
    assert clerk.get(url).status_code == 200
    response = clerk.post(
        url,
        {
            "reply_class": "A",
            "letter_number": "平交函〔2022〕5号",
            "replied_on": "2022-06-10",
            "text": "已完成农村道路路灯安装。",
        },
    )
    assert response.status_code == 302
    reply = Reply.objects.get()
    assert reply.organisation == unit and reply.suggestion == mine
    mine.refresh_from_db()
    assert mine.status == S.REPLIED


def test_clerk_requests_return_and_extension(clerk, mine, other_unit):
    response = clerk.post(
        reverse("admin:proposals_suggestion_return", args=[mine.pk]),
        {"reason": "不属于本单位职责", "proposed_unit": other_unit.pk},
    )
    assert response.status_code == 302
    assert ReturnRequest.objects.get().proposed_unit == other_unit
    due = mine.assignments.get().due_date + datetime.timedelta(days=30)
    clerk.post(
        reverse("admin:proposals_suggestion_extend", args=[mine.pk]),
        {"reason": "需要统筹资金", "new_due_date": due.isoformat()},
    )
    assert ExtensionRequest.objects.get().requested_due_date == due


def test_co_handler_clerk_cannot_record_the_reply(client, mine, other_unit):
    Assignment.objects.create(
        suggestion=mine,
        organisation=other_unit,
        role=Assignment.Role.CO,
        assigned_at=timezone.localdate(),
        due_date=timezone.localdate(),
    )
    membership = UnitMembershipFactory(organisation=other_unit)
    client.force_login(membership.user)
    url = reverse("admin:proposals_suggestion_reply", args=[mine.pk])
    assert client.get(url).status_code == 403


def test_domain_error_becomes_a_message(clerk, mine):
    mine.status = S.REPLIED
    mine.save()
    response = clerk.post(
        reverse("admin:proposals_suggestion_reply", args=[mine.pk]),
        {"reply_class": "A", "replied_on": "2022-06-10", "text": "答复"},
    )
    assert response.status_code == 200
    assert "is not waiting for a reply" in response.content.decode()


def test_register_action(office, lead, session):
    items = [SuggestionFactory(lead=lead, session=session, status=S.SUBMITTED) for _ in range(2)]
    office.post(
        reverse("admin:proposals_submittedsuggestion_changelist"),
        {"action": "register", ACTION_CHECKBOX_NAME: [s.pk for s in items]},
    )
    assert sorted(Suggestion.objects.values_list("code", flat=True)) == [
        "十六届一次会议第001号",
        "十六届一次会议第002号",
    ]


def test_assign_action_with_its_intermediate_form(office, lead, session, unit, other_unit):
    items = [SuggestionFactory(lead=lead, session=session, status=S.REGISTERED) for _ in range(3)]
    data = {"action": "assign", ACTION_CHECKBOX_NAME: [s.pk for s in items]}
    page = office.post(reverse(CHANGELIST), data, follow=True)
    assert page.status_code == 200 and f"s{items[0].pk}-lead_unit" in page.content.decode()
    assert f'type="checkbox" name="s{items[0].pk}-co_units"' in page.content.decode()
    assert not Assignment.objects.exists()
    fields = {}
    for item in items:
        fields |= {
            f"s{item.pk}-lead_unit": unit.pk,
            f"s{item.pk}-co_units": [other_unit.pk],
            f"s{item.pk}-on": "2022-03-18",
        }
    office.post(page.redirect_chain[-1][0], fields)
    assert Assignment.objects.filter(role="lead", organisation=unit).count() == 3
    assert Assignment.objects.filter(role="co", organisation=other_unit).count() == 3
    assert set(Suggestion.objects.values_list("status", flat=True)) == {S.ASSIGNED}


def test_a_batch_goes_to_different_units_and_a_bad_row_stays_with_its_error(
    office, lead, session, unit, other_unit
):
    first, second, third = [
        SuggestionFactory(lead=lead, session=session, status=S.REGISTERED) for _ in range(3)
    ]
    url = reverse("admin:proposals_suggestion_assign") + f"?ids={first.pk},{second.pk},{third.pk}"
    response = office.post(
        url,
        {
            f"s{first.pk}-lead_unit": unit.pk,
            f"s{first.pk}-on": "2022-03-18",
            f"s{second.pk}-lead_unit": other_unit.pk,
            f"s{second.pk}-co_units": [unit.pk],
            f"s{second.pk}-on": "2022-03-18",
            # the third: no lead unit chosen
            f"s{third.pk}-on": "2022-03-18",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "errorlist" in page and third.title in page and first.title not in page
    assert first.assignments.get().organisation == unit
    assert {(a.organisation, a.role) for a in second.assignments.all()} == {
        (other_unit, "lead"),
        (unit, "co"),
    }
    third.refresh_from_db()
    assert third.status == S.REGISTERED and not third.assignments.exists()


def test_registering_leads_to_assigning(office, lead, session):
    items = [SuggestionFactory(lead=lead, session=session, status=S.SUBMITTED) for _ in range(2)]
    response = office.post(
        reverse("admin:proposals_submittedsuggestion_changelist"),
        {"action": "register", ACTION_CHECKBOX_NAME: [s.pk for s in items]},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:proposals_suggestion_assign"))
    page = office.get(response["Location"]).content.decode()
    assert all(f"s{s.pk}-lead_unit" in page for s in items)


def test_reject_action_needs_a_reason(office, lead, session):
    item = SuggestionFactory(lead=lead, session=session, status=S.SUBMITTED)
    data = {"action": "reject", ACTION_CHECKBOX_NAME: [item.pk], "apply": "1"}
    office.post(reverse("admin:proposals_submittedsuggestion_changelist"), data)
    item.refresh_from_db()
    assert item.status == S.SUBMITTED
    office.post(
        reverse("admin:proposals_submittedsuggestion_changelist"),
        {**data, "reason": "personal", "note": "属个人事项"},
    )
    item.refresh_from_db()
    assert item.status == S.REJECTED


def test_change_page_has_no_editable_status(office, mine):
    response = office.get(change_url(mine))
    assert response.status_code == 200
    assert 'name="status"' not in response.content.decode()


def test_changelist_query_count_is_flat(office, lead, session, unit, count_queries):
    def make(n, start):
        for i in range(n):
            AssignmentFactory(
                organisation=unit,
                suggestion__lead=lead,
                suggestion__session=session,
                suggestion__number=start + i,
                suggestion__code=f"十六届一次会议第{start + i:03d}号",
            )

    make(5, 1)
    few = count_queries(office, reverse(CHANGELIST))
    make(45, 6)
    # 9 queries: the session and the user, the filters' choices (sessions, their term,
    # categories, years), the changelist's two counts, and the page of suggestions with its
    # foreign keys joined. None per suggestion.
    assert count_queries(office, reverse(CHANGELIST)) == few


def test_the_only_unit_is_preselected_and_otherwise_the_prompt_is_chinese(client, lead, session):
    from tests.factories import OrganisationFactory, StaffFactory

    StaffFactory(username="desk")
    client.post("/admin/login/", {"username": "desk", "password": "pw-for-tests"})
    only = OrganisationFactory()
    item = SuggestionFactory(lead=lead, session=session, status=S.REGISTERED)
    url = reverse("admin:proposals_suggestion_assign") + f"?ids={item.pk}"

    page = client.get(url).content.decode()
    assert f'<option value="{only.pk}" selected>' in page

    OrganisationFactory()
    page = client.get(url).content.decode()
    assert "selected>" not in page.split(f"s{item.pk}-lead_unit")[1].split("</select>")[0]
    assert "请选择主办单位" in page and "Select an option" not in page
