"""The contact log (面商, issue 16): the lead unit's clerk records each contact with the lead
deputy in the back office, the deputy confirms or disputes it in the workspace, and a rule can
hold the unit's reply until a contact is confirmed. Also the promised date of a class B reply."""

import datetime

import pytest

from congress.review import registry
from proposals.handling import services as hs
from proposals.models import Contact, Reply, Suggestion, TimelineEntry
from tests.factories import UnitMembershipFactory, UserFactory
from tests.proposals import helpers

S = Suggestion.Status
PASSWORD = "pw-for-tests"
ASSIGNED_ON = datetime.date(2022, 3, 18)
CONTACT = {
    "contact_on": "2022-03-25",
    "way": "face",
    "stage": "before",
    "participants": "徐杰代表；市交通运输局副局长、规划科科长",
    "note": "上门听取代表对路灯建设的具体意见。",
}


def login(client, path, username):
    response = client.post(path, {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


@pytest.fixture
def ctx(lead, session, category, staff):
    return {"lead": lead, "session": session, "category": category, "by": staff}


@pytest.fixture
def item(ctx, unit):
    """Assigned on 18 March 2022 to 市交通运输局, signed for: being handled."""
    suggestion = helpers.assigned(unit=unit, on=ASSIGNED_ON, **ctx)
    clerk = UnitMembershipFactory(
        organisation=unit, user=UserFactory(username="lead-clerk", is_staff=True)
    ).user
    hs.assignment_accept(assignment=suggestion.assignments.get(), by=clerk)
    return Suggestion.objects.get(pk=suggestion.pk)


def admin_url(item, step):
    return f"/admin/proposals/suggestion/{item.pk}/{step}/"


def answer_url(item, contact):
    return f"/portal/suggestions/{item.pk}/contacts/{contact.pk}/answer/"


def record_contact(client, item, **changes):
    return client.post(admin_url(item, "contact"), {**CONTACT, **changes})


def test_clerk_records_a_contact_and_the_lead_deputy_confirms_it_in_one_tap(client, item, lead):
    login(client, "/admin/login/", "lead-clerk")
    page = client.get(f"/admin/proposals/suggestion/{item.pk}/change/").content.decode()
    assert f'href="{admin_url(item, "contact")}"' in page  # the clerk is offered the step
    response = record_contact(client, item)
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (contact.suggestion, contact.assignment.organisation.name) == (item, "市交通运输局")
    assert contact.status == Contact.Status.PENDING and contact.contact_on.day == 25
    assert TimelineEntry.objects.for_object(item).filter(action="contact_recorded").exists()

    client.logout()
    login(client, "/accounts/login/", lead.user.username)
    overview = client.get("/portal/").content.decode()  # the overview says what waits
    assert "1条面商记录待您确认" in overview and f"#contact-{contact.pk}" in overview
    # The card names the item, the unit, the day and the way (the overview reads plain rows).
    way = str(Contact.Way(contact.way).label)
    assert (
        f"{item.title}</a>" in overview
        and f"市交通运输局 · {contact.contact_on:%Y年%-m月%-d日} · {way}" in overview
    )
    page = client.get(f"/portal/suggestions/{item.pk}/").content.decode()
    assert "与承办单位的面商" in page and "当面商谈" in page and "待代表确认" not in page
    assert answer_url(item, contact) in page  # the button is there
    response = client.post(answer_url(item, contact), {"answer": "confirm"}, follow=True)
    assert "谢谢，面商记录已确认。" in response.content.decode()
    contact.refresh_from_db()
    assert contact.status == Contact.Status.CONFIRMED and contact.answered_at is not None
    assert "代表已确认" in response.content.decode()
    assert answer_url(item, contact) not in response.content.decode()  # answered: no button
    assert "面商记录待您确认" not in client.get("/portal/").content.decode()


def test_the_deputy_disputes_a_contact_with_a_reason(client, item, lead):
    login(client, "/admin/login/", "lead-clerk")
    record_contact(client, item, way="phone")
    contact = Contact.objects.get()
    client.logout()
    login(client, "/accounts/login/", lead.user.username)
    response = client.post(
        answer_url(item, contact),
        {"answer": "dispute", "reason": "只打过一次电话，未见面商谈。"},
        follow=True,
    )
    page = response.content.decode()
    assert "已记录您的异议" in page and "只打过一次电话，未见面商谈。" in page
    contact.refresh_from_db()
    assert contact.status == Contact.Status.DISPUTED
    assert contact.dispute_reason == "只打过一次电话，未见面商谈。"
    assert TimelineEntry.objects.for_object(item).filter(action="contact_disputed").exists()

    # The answer is final: a second tap is refused with a clear message, nothing changes.
    response = client.post(answer_url(item, contact), {"answer": "confirm"}, follow=True)
    assert "您已对这条面商记录作出答复（代表有异议）。" in response.content.decode()
    contact.refresh_from_db()
    assert contact.status == Contact.Status.DISPUTED


def test_a_deputy_cannot_answer_for_a_contact_on_another_deputys_item(client, item, make_deputy):
    login(client, "/admin/login/", "lead-clerk")
    record_contact(client, item)
    contact = Contact.objects.get()
    client.logout()
    other = make_deputy("沈永良")
    login(client, "/accounts/login/", other.user.username)
    assert client.post(answer_url(item, contact), {"answer": "confirm"}).status_code == 404
    contact.refresh_from_db()
    assert contact.status == Contact.Status.PENDING and contact.answered_at is None


def test_only_the_lead_units_clerk_records_contacts(client, item, other_unit):
    UnitMembershipFactory(
        organisation=other_unit, user=UserFactory(username="other-clerk", is_staff=True)
    )
    login(client, "/admin/login/", "other-clerk")
    assert record_contact(client, item).status_code == 404  # not their unit's item
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    "changes, error",
    [
        ({"participants": "  "}, "这个字段是必填项"),
        ({"contact_on": "2022-03-01"}, "面商日期不能早于交办日期"),
        ({"contact_on": "2099-01-01"}, "面商发生后才能登记"),
    ],
)
def test_a_contact_with_bad_input_is_refused_and_nothing_written(client, item, changes, error):
    login(client, "/admin/login/", "lead-clerk")
    response = record_contact(client, item, **changes)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Contact.objects.exists()


# -- the reply waits for a confirmed contact (the rule) ---------------------------------------------

REPLY = {"reply_class": "A", "replied_on": "2022-06-10", "text": "已实施。", "letter_number": ""}


@pytest.fixture
def contact_rule_on(settings):
    settings.CONGRESS_RULES = {**settings.CONGRESS_RULES, "REPLY_NEEDS_CONFIRMED_CONTACT": True}


def test_with_the_rule_on_a_reply_without_a_confirmed_contact_is_refused(
    client, item, lead, contact_rule_on
):
    login(client, "/admin/login/", "lead-clerk")
    response = client.post(admin_url(item, "reply"), REPLY)
    assert response.status_code == 200
    assert "尚无经领衔代表确认的面商记录，暂不能答复" in response.content.decode()
    assert not Reply.objects.exists()
    item.refresh_from_db()
    assert item.status == S.HANDLING

    record_contact(client, item)  # recorded, but the deputy has not confirmed it yet
    response = client.post(admin_url(item, "reply"), REPLY)
    assert "尚无经领衔代表确认的面商记录" in response.content.decode()
    assert not Reply.objects.exists()

    client.logout()
    login(client, "/accounts/login/", lead.user.username)
    client.post(answer_url(item, Contact.objects.get()), {"answer": "confirm"})
    client.logout()
    login(client, "/admin/login/", "lead-clerk")
    assert client.post(admin_url(item, "reply"), REPLY).status_code == 302
    item.refresh_from_db()
    assert item.status == S.REPLIED and Reply.objects.count() == 1


def test_with_the_rule_on_a_disputed_contact_does_not_count(client, item, lead, contact_rule_on):
    login(client, "/admin/login/", "lead-clerk")
    record_contact(client, item)
    client.logout()
    login(client, "/accounts/login/", lead.user.username)
    client.post(answer_url(item, Contact.objects.get()), {"answer": "dispute"})
    client.logout()
    login(client, "/admin/login/", "lead-clerk")
    assert (
        "尚无经领衔代表确认的面商记录"
        in client.post(admin_url(item, "reply"), REPLY).content.decode()
    )
    assert not Reply.objects.exists()


def test_with_the_rule_off_by_default_the_unit_replies_without_a_contact(client, item):
    login(client, "/admin/login/", "lead-clerk")
    assert client.post(admin_url(item, "reply"), REPLY).status_code == 302
    assert Reply.objects.get().reply_class == "A"


# -- class B promises a date, class C gives reasons --------------------------------------------------


@pytest.mark.parametrize(
    "changes, error",
    [
        ({"reply_class": "B"}, "B类答复须写明承诺完成时间。"),
        ({"reply_class": "B", "promised_by": "2022-05-01"}, "承诺完成时间不能早于答复日期。"),
        ({"reply_class": "C"}, "C类答复须写明该事项暂不能解决的理由。"),
    ],
)
def test_a_b_reply_without_its_promise_or_a_c_reply_without_reasons_is_refused(
    client, item, changes, error
):
    login(client, "/admin/login/", "lead-clerk")
    response = client.post(admin_url(item, "reply"), {**REPLY, **changes})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Reply.objects.exists()
    item.refresh_from_db()
    assert item.status == S.HANDLING


def test_a_b_reply_keeps_its_promise_and_stays_tracked_until_reported_done(client, item, lead):
    login(client, "/admin/login/", "lead-clerk")
    response = client.post(
        admin_url(item, "reply"), {**REPLY, "reply_class": "B", "promised_by": "2022-11-30"}
    )
    assert response.status_code == 302
    reply = Reply.objects.get()
    assert reply.promised_by == datetime.date(2022, 11, 30)
    item.refresh_from_db()
    assert item.tracking
    # Progress, then done: a follow-up of class A ends the tracking.
    progress = {**REPLY, "reply_class": "B", "followup": "on", "replied_on": "2022-09-01"}
    assert client.post(admin_url(item, "reply"), progress).status_code == 302
    done = {**REPLY, "followup": "on", "replied_on": "2022-11-20", "text": "已完工。"}
    assert client.post(admin_url(item, "reply"), done).status_code == 302
    item.refresh_from_db()
    assert not item.tracking and Reply.objects.filter(is_followup=True).count() == 2
    # The deputy reads the promise in the workspace.
    client.logout()
    login(client, "/accounts/login/", lead.user.username)
    page = client.get(f"/portal/suggestions/{item.pk}/").content.decode()
    assert "承诺完成时间" in page and "2022年11月30日" in page and "已完工。" in page


def test_a_c_reply_shows_its_reasons_to_the_deputy(client, item, lead):
    login(client, "/admin/login/", "lead-clerk")
    reply = {**REPLY, "reply_class": "C", "reasons": "涉及跨区域规划调整，需待上级规划修编。"}
    assert client.post(admin_url(item, "reply"), reply).status_code == 302
    assert Reply.objects.get().reasons == "涉及跨区域规划调整，需待上级规划修编。"
    client.logout()
    login(client, "/accounts/login/", lead.user.username)
    page = client.get(f"/portal/suggestions/{item.pk}/").content.decode()
    assert "暂不能解决的理由" in page and "涉及跨区域规划调整，需待上级规划修编。" in page


# -- the figures, counted from the records ----------------------------------------------------------


def test_contact_and_outcome_figures_on_crafted_records(client, ctx, unit, staff):
    """Five replied items of 2022:
    1 A, contact confirmed · 2 B promised 30 Sep, done 20 Sep · 3 B promised 31 Aug, never done,
    contact disputed · 4 C, no contact · 5 B promised 31 Oct, done 15 Jan 2023 (late)."""
    items = [helpers.assigned(unit=unit, on=ASSIGNED_ON, **ctx) for _ in range(5)]
    Suggestion.objects.update(year=2022, is_public=True)
    plans = [
        ("A", None, None),
        ("B", datetime.date(2022, 9, 30), datetime.date(2022, 9, 20)),
        ("B", datetime.date(2022, 8, 31), None),
        ("C", None, None),
        ("B", datetime.date(2022, 10, 31), datetime.date(2023, 1, 15)),
    ]
    for suggestion, (cls, promised, done) in zip(items, plans, strict=True):
        hs.reply_record(
            suggestion=suggestion,
            organisation=unit,
            reply_class=cls,
            text="答复",
            replied_on=datetime.date(2022, 6, 10),
            promised_by=promised,
            reasons="资金不足" if cls == "C" else "",
            by=staff,
        )
        if done:
            hs.reply_record(
                suggestion=suggestion,
                organisation=unit,
                reply_class="A",
                text="已办结",
                replied_on=done,
                followup=True,
                by=staff,
            )
    for suggestion, confirm in ((items[0], True), (items[2], False)):
        contact = hs.contact_record(
            assignment=suggestion.assignments.get(),
            contact_on=datetime.date(2022, 4, 1),
            way="site",
            stage="during",
            participants="代表、科长",
            by=staff,
        )
        hs.contact_answer(contact=contact, deputy=ctx["lead"], confirm=confirm, by=staff)

    def value(key):
        return registry.get(key).compute(2022)

    assert value("suggestions.contact_rate") == 40.0  # 2 of 5 lead units met the deputy
    assert value("suggestions.contacts_confirmed_rate") == 50.0  # 1 of 2 contacts confirmed
    assert value("suggestions.solved_first_reply_rate") == 20.0  # item 1
    assert value("suggestions.solved_by_year_end_rate") == 40.0  # items 1 and 2
    assert value("suggestions.promises_overdue") == 2  # items 3 and 5
    # Beside them, the satisfied rate stays what the ratings say (none given here).
    assert value("suggestions.satisfaction_rate") is None

    page = client.get("/suggestions/stats/?year=2022").content.decode()
    assert "不只看满意，更看解决" in page
    for shown in ("20.0 %", "40.0 %", "50.0 %", "（5件中2件；面商率）", "（2条中1条；1条有异议）"):
        assert shown in page, shown


def _replied_with_contact(ctx, unit, staff, reply_class="B"):
    suggestion = helpers.assigned(unit=unit, on=ASSIGNED_ON, **ctx)
    contact = hs.contact_record(
        assignment=suggestion.assignments.get(),
        contact_on=datetime.date(2022, 4, 1),
        way="face",
        stage="before",
        participants="代表、科长",
        by=staff,
    )
    hs.contact_answer(contact=contact, deputy=ctx["lead"], confirm=True, by=staff)
    hs.reply_record(
        suggestion=suggestion,
        organisation=unit,
        reply_class=reply_class,
        text="答复",
        replied_on=datetime.date(2022, 6, 10),
        promised_by=datetime.date(2022, 12, 1),
        by=staff,
    )
    return suggestion


def test_the_new_figures_cost_the_same_queries_however_many_items(
    client, ctx, unit, staff, count_queries
):
    """The statistics page's contact and outcome figures: one aggregate each for the lead units
    and the contacts, one annotated list of replied items — not one query per item."""
    _replied_with_contact(ctx, unit, staff)
    Suggestion.objects.update(year=2022, is_public=True)
    few = count_queries(client, "/suggestions/stats/?year=2022")
    for _ in range(4):
        _replied_with_contact(ctx, unit, staff)
    Suggestion.objects.update(year=2022, is_public=True)
    many = count_queries(client, "/suggestions/stats/?year=2022")
    assert many == few

    lead = ctx["lead"]
    login(client, "/accounts/login/", lead.user.username)
    item = Suggestion.objects.first()
    few = count_queries(client, f"/portal/suggestions/{item.pk}/")
    for stage in ("during", "after"):  # more contacts on the same item: the same queries
        hs.contact_record(
            assignment=item.assignments.get(),
            contact_on=datetime.date(2022, 6, 20),
            way="phone",
            stage=stage,
            participants="代表",
            by=staff,
        )
    assert count_queries(client, f"/portal/suggestions/{item.pk}/") == few
