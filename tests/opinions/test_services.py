"""Each transition of the opinion workflow: allowed from the right states, refused otherwise."""

import pytest
from django.core import mail

from congress.kit.errors import DomainError
from proposals.models import Assignment, Opinion, Reply, Suggestion, TimelineEntry
from proposals.opinions import services
from tests.factories import OrganisationFactory, StaffFactory

pytestmark = pytest.mark.django_db
S = Opinion.Status


@pytest.fixture
def staff(db):
    return StaffFactory(username="office", email="office@example.cn")


@pytest.fixture
def opinion(station):
    return services.opinion_submit(
        source=Opinion.Source.STATION_QR,
        station=station,
        category="housing",
        content="安置房楼地面出现多处裂缝，请帮忙协调检查。",
        phone="13812345678",
        name="陆老伯",
        consent=True,
    )


def actions(opinion):
    return list(TimelineEntry.objects.for_object(opinion).values_list("action", flat=True))


def test_submit_refuses_bad_input_and_stores_nothing(station):
    base = dict(source="station_qr", station=station, category="roads", consent=True)
    for bad in (
        {"content": "太短"},
        {"content": "长" * 2001},
        {"content": "路灯坏了很久了请修一下", "phone": "110"},
        {"content": "路灯坏了很久了请修一下", "consent": False},
        {"content": "路灯坏了很久了请修一下", "category": "nope"},
        {"content": "路灯坏了很久了请修一下", "station": None},
    ):
        with pytest.raises(DomainError):
            services.opinion_submit(**{**base, **bad})
    assert Opinion.objects.count() == 0


def test_submit_writes_a_public_timeline_without_private_data(opinion):
    entry = TimelineEntry.objects.for_object(opinion).get()
    assert entry.action == "submitted" and entry.public
    assert "13812345678" not in entry.note + entry.actor_label
    assert "陆老伯" not in entry.note + entry.actor_label


def test_the_deputies_are_told_without_the_residents_details(
    station, deputy, django_capture_on_commit_callbacks
):
    deputy.user.email = "pan@example.cn"
    deputy.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        opinion = services.opinion_submit(
            source="station_qr",
            station=station,
            category="roads",
            content="路灯坏了很久了请修一下",
            name="陆老伯",
            phone="13812345678",
            consent=True,
        )
    (message,) = mail.outbox
    assert message.to == ["pan@example.cn"] and opinion.code in message.subject
    assert "13812345678" not in message.body and "陆老伯" not in message.body
    assert opinion.content not in message.body


def test_accept_then_answer_on_the_spot(opinion, staff):
    services.opinion_accept(opinion=opinion, by=staff)
    opinion.refresh_from_db()
    assert opinion.status == S.ACCEPTED and opinion.accepted_at
    with pytest.raises(DomainError):
        services.opinion_accept(opinion=opinion, by=staff)
    services.opinion_answer(opinion=opinion, by=staff, text="已联系社区，本周内维修。")
    opinion.refresh_from_db()
    assert opinion.status == S.REPLIED and opinion.handling == Opinion.Handling.ON_THE_SPOT
    assert actions(opinion) == ["submitted", "accepted", "answered"]


def test_answering_a_new_opinion_accepts_it_in_the_same_step(opinion, deputy, staff):
    services.opinion_answer(opinion=opinion, by=staff, deputy=deputy, text="已当场解答。")
    opinion.refresh_from_db()
    assert opinion.accepted_at and opinion.handled_by == deputy
    assert actions(opinion) == ["submitted", "accepted", "answered"]


def test_an_empty_answer_is_refused(opinion, staff):
    with pytest.raises(DomainError):
        services.opinion_answer(opinion=opinion, by=staff, text="  ")
    opinion.refresh_from_db()
    assert opinion.status == S.SUBMITTED


def test_route_reply_rate_satisfied_closes(opinion, unit, staff):
    assignment = services.opinion_route(opinion=opinion, organisation=unit, by=staff)
    assert assignment.opinion == opinion and assignment.suggestion is None
    opinion.refresh_from_db()
    assert opinion.status == S.ROUTED
    other = OrganisationFactory(name="市交通运输局")
    with pytest.raises(DomainError):
        services.opinion_reply_record(opinion=opinion, organisation=other, text="答复", by=staff)
    reply = services.opinion_reply_record(
        opinion=opinion, organisation=unit, text="已现场查看并安排维修。", by=staff
    )
    assert reply.opinion == opinion and reply.published_at
    services.opinion_rate(opinion=opinion, rating="satisfied")
    opinion.refresh_from_db()
    assert opinion.status == S.CLOSED and opinion.closed_at and opinion.rating == "satisfied"
    with pytest.raises(DomainError):
        services.opinion_rate(opinion=opinion, rating="satisfied")


def test_route_refuses_an_inactive_unit(opinion, staff):
    inactive = OrganisationFactory(active=False)
    with pytest.raises(DomainError):
        services.opinion_route(opinion=opinion, organisation=inactive, by=staff)
    assert not Assignment.objects.exists()


def test_unsatisfied_reopens_once_then_closes_flagged(opinion, unit, staff):
    services.opinion_route(opinion=opinion, organisation=unit, by=staff)
    services.opinion_reply_record(opinion=opinion, organisation=unit, text="已处理。", by=staff)
    services.opinion_rate(opinion=opinion, rating="unsatisfied", comment="裂缝还在")
    opinion.refresh_from_db()
    assert opinion.status == S.REOPENED and opinion.reopen_count == 1
    assert not opinion.closed_at
    # The deputy cannot answer in the unit's stead; the unit replies again.
    with pytest.raises(DomainError):
        services.opinion_answer(opinion=opinion, by=staff, text="再答复")
    services.opinion_reply_record(opinion=opinion, organisation=unit, text="已重新施工。", by=staff)
    services.opinion_rate(opinion=opinion, rating="unsatisfied")
    opinion.refresh_from_db()
    assert opinion.status == S.CLOSED and opinion.needs_attention and opinion.reopen_count == 1
    assert Reply.objects.filter(opinion=opinion).count() == 2
    assert "closed_unsatisfied" in actions(opinion)


def test_a_reopened_opinion_can_go_to_another_unit(opinion, unit, staff):
    services.opinion_route(opinion=opinion, organisation=unit, by=staff)
    services.opinion_reply_record(opinion=opinion, organisation=unit, text="已处理。", by=staff)
    services.opinion_rate(opinion=opinion, rating="unsatisfied")
    other = OrganisationFactory(name="市住房和城乡建设局")
    services.opinion_route(opinion=opinion, organisation=other, by=staff)
    assert list(opinion.assignments.filter(active=True).values_list("organisation", flat=True)) == [
        other.pk
    ]


def test_basically_satisfied_closes(opinion, staff):
    services.opinion_answer(opinion=opinion, by=staff, text="已解答。")
    services.opinion_rate(opinion=opinion, rating="basically")
    opinion.refresh_from_db()
    assert opinion.status == S.CLOSED


def test_rating_is_refused_before_an_answer_and_for_a_bad_value(opinion, staff):
    with pytest.raises(DomainError):
        services.opinion_rate(opinion=opinion, rating="satisfied")
    services.opinion_answer(opinion=opinion, by=staff, text="已解答。")
    with pytest.raises(DomainError):
        services.opinion_rate(opinion=opinion, rating="great")


def test_not_accepted_needs_a_channel_and_reason_and_closes(opinion, staff):
    with pytest.raises(DomainError):
        services.opinion_not_accept(opinion=opinion, by=staff, reason="", channel="litigation")
    with pytest.raises(DomainError):
        services.opinion_not_accept(opinion=opinion, by=staff, reason="已起诉", channel="court")
    services.opinion_not_accept(
        opinion=opinion, by=staff, reason="该纠纷已在法院审理。", channel="litigation"
    )
    opinion.refresh_from_db()
    assert opinion.status == S.NOT_ACCEPTED and opinion.closed_at
    with pytest.raises(DomainError):
        services.opinion_route(opinion=opinion, organisation=OrganisationFactory(), by=staff)
    with pytest.raises(DomainError):
        services.opinion_answer(opinion=opinion, by=staff, text="x")


def test_an_accepted_opinion_can_no_longer_be_turned_down(opinion, staff):
    services.opinion_accept(opinion=opinion, by=staff)
    with pytest.raises(DomainError):
        services.opinion_not_accept(opinion=opinion, by=staff, reason="r", channel="petition")


def test_escalate_makes_a_linked_suggestion_draft(opinion, deputy):
    suggestion = services.opinion_escalate(
        opinion=opinion, deputy=deputy, by=deputy.user, title="关于安置房质量问题的建议"
    )
    opinion.refresh_from_db()
    assert opinion.status == S.ESCALATED and opinion.suggestion == suggestion
    assert suggestion.status == Suggestion.Status.DRAFT and suggestion.lead == deputy
    assert suggestion.from_opinion == opinion
    assert opinion.code in suggestion.body and "13812345678" not in suggestion.body
    assert "陆老伯" not in suggestion.body
    with pytest.raises(DomainError):
        services.opinion_escalate(opinion=opinion, deputy=deputy, by=deputy.user, title="again")
    services.opinion_answer(opinion=opinion, by=deputy.user, text="已作为代表建议提出。")
    opinion.refresh_from_db()
    assert opinion.status == S.REPLIED


def test_escalate_needs_a_title(opinion, deputy):
    with pytest.raises(DomainError):
        services.opinion_escalate(opinion=opinion, deputy=deputy, by=deputy.user, title=" ")
    assert not Suggestion.objects.exists()


def test_close_without_rating_only_when_answered(opinion, staff):
    with pytest.raises(DomainError):
        services.opinion_close(opinion=opinion, by=staff)
    services.opinion_answer(opinion=opinion, by=staff, text="已解答。")
    services.opinion_close(opinion=opinion, by=staff, note="多次联系未评价")
    opinion.refresh_from_db()
    assert opinion.status == S.CLOSED and not opinion.rating


def test_the_database_refuses_an_assignment_with_two_items(opinion, unit):
    from django.db import IntegrityError, transaction

    from tests.factories import SuggestionFactory

    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            suggestion=SuggestionFactory(),
            opinion=opinion,
            organisation=unit,
            assigned_at="2022-03-15",
            due_date="2022-03-30",
        )


def test_codes_are_unique_and_unambiguous(station):
    codes = {
        services.opinion_submit(
            source="station_qr",
            station=station,
            category="roads",
            content=f"第{i}条意见：路灯坏了请修。",
            consent=True,
        ).code
        for i in range(30)
    }
    assert len(codes) == 30
    assert all(len(c) == 8 and not set(c) & set("01OIL") for c in codes)
