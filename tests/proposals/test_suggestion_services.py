"""Suggestion workflow: every transition, allowed and refused; refused ones change nothing."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from congress.kit import pagecache
from congress.kit.errors import DomainError
from congress.kit.workdays import add_months
from proposals import services
from proposals.handling import services as handling_services
from proposals.models import (
    Assignment,
    Feedback,
    Signature,
    Suggestion,
    TimelineEntry,
)
from proposals.suggestions import services as suggestion_services
from tests.factories import SessionFactory, SignatureFactory, SuggestionFactory
from tests.proposals import helpers

pytestmark = pytest.mark.django_db
S = Suggestion.Status


def snapshot(obj):
    obj.refresh_from_db()
    return model_to_dict(obj), TimelineEntry.objects.count(), Assignment.objects.count()


def assert_refused(call, obj, match):
    before = snapshot(obj)
    with pytest.raises(DomainError, match=match):
        call()
    assert snapshot(obj) == before


@pytest.fixture
def ctx(lead, session, category, staff):
    return {"lead": lead, "session": session, "category": category, "by": staff}


def actions(suggestion):
    return list(TimelineEntry.objects.for_object(suggestion).values_list("action", flat=True))


# -- drafting and signatures --------------------------------------------------------------------


def test_draft_is_created_with_the_session_term_and_a_private_timeline_entry(ctx, lead):
    suggestion = helpers.draft(**ctx)
    assert suggestion.status == S.DRAFT and suggestion.term == ctx["session"].term
    entry = TimelineEntry.objects.for_object(suggestion).get()
    assert (entry.action, entry.actor, entry.public) == ("created", ctx["by"], False)


def test_update_draft_changes_fields_and_refuses_after_submission(ctx):
    suggestion = helpers.draft(**ctx)
    suggestion_services.suggestion_update_draft(suggestion=suggestion, title="新标题", by=ctx["by"])
    suggestion.refresh_from_db()
    assert suggestion.title == "新标题"
    suggestion_services.suggestion_submit(suggestion=suggestion, by=ctx["by"])
    assert_refused(
        lambda: suggestion_services.suggestion_update_draft(
            suggestion=suggestion, title="x", by=ctx["by"]
        ),
        suggestion,
        "Only a draft can be changed",
    )


def test_update_draft_to_between_sessions_moves_it_to_the_lead_term(ctx):
    suggestion = helpers.draft(**ctx)
    suggestion_services.suggestion_update_draft(suggestion=suggestion, session=None, by=ctx["by"])
    suggestion.refresh_from_db()
    assert suggestion.session is None and suggestion.term == ctx["lead"].term


def test_signature_request_confirm_decline(ctx, make_deputy):
    suggestion = helpers.draft(**ctx)
    a, b = make_deputy(), make_deputy()
    sig_a = services.signature_request(item=suggestion, deputy=a, by=ctx["by"])
    sig_b = services.signature_request(item=suggestion, deputy=b, by=ctx["by"])
    services.signature_confirm(signature=sig_a, by=a.user)
    services.signature_decline(signature=sig_b, by=b.user)
    sig_a.refresh_from_db()
    sig_b.refresh_from_db()
    assert sig_a.status == Signature.Status.CONFIRMED and sig_a.responded_at
    assert sig_b.status == Signature.Status.DECLINED
    assert suggestion.signers() == [ctx["lead"], a]
    with pytest.raises(DomainError, match="answered already"):
        services.signature_confirm(signature=sig_b, by=b.user)
    # A declined deputy may be asked again.
    again = services.signature_request(item=suggestion, deputy=b, by=ctx["by"])
    assert again.pk == sig_b.pk and again.status == Signature.Status.REQUESTED


def test_signature_request_refusals(ctx, make_deputy):
    suggestion = helpers.draft(**ctx)
    with pytest.raises(DomainError, match="lead deputy signs already"):
        services.signature_request(item=suggestion, deputy=ctx["lead"], by=ctx["by"])
    a = make_deputy()
    services.signature_request(item=suggestion, deputy=a, by=ctx["by"])
    with pytest.raises(DomainError, match="asked already"):
        services.signature_request(item=suggestion, deputy=a, by=ctx["by"])
    suggestion_services.suggestion_submit(suggestion=suggestion, by=ctx["by"])
    assert_refused(
        lambda: services.signature_request(item=suggestion, deputy=make_deputy(), by=ctx["by"]),
        suggestion,
        "before the item is submitted",
    )


def test_mail_waits_for_the_commit(ctx, make_deputy, django_capture_on_commit_callbacks):
    suggestion = helpers.draft(**ctx)
    a = make_deputy()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.signature_request(item=suggestion, deputy=a, by=ctx["by"])
    # Besides the mail, the page cache waits for the commit too (congress.kit.pagecache).
    mails = [c for c in callbacks if not isinstance(c, pagecache.PendingTouch)]
    assert len(mail.outbox) == 0 and len(mails) == 1
    with django_capture_on_commit_callbacks(execute=True):  # the notice's task, after its commit
        mails[0]()
    assert mail.outbox[-1].to == [a.user.email]


# -- submission ------------------------------------------------------------------------------------


def test_submit_needs_text_and_category(ctx):
    suggestion = helpers.draft(**ctx)
    suggestion_services.suggestion_update_draft(
        suggestion=suggestion, body="", category=None, by=ctx["by"]
    )
    assert_refused(
        lambda: suggestion_services.suggestion_submit(suggestion=suggestion, by=ctx["by"]),
        suggestion,
        "Fill in the text、category",
    )


def test_submit_after_the_session_deadline_is_refused(ctx):
    ctx["session"].suggestion_deadline = timezone.now() - datetime.timedelta(minutes=1)
    ctx["session"].save()
    suggestion = helpers.draft(**ctx)
    assert_refused(
        lambda: suggestion_services.suggestion_submit(suggestion=suggestion, by=ctx["by"]),
        suggestion,
        "deadline for suggestions",
    )


def test_between_session_suggestion_has_no_deadline(ctx):
    ctx["session"] = None
    suggestion = helpers.submitted(**ctx)
    assert suggestion.status == S.SUBMITTED and suggestion.submitted_at


def test_submit_drops_unanswered_signature_requests(ctx, make_deputy):
    suggestion = helpers.draft(**ctx)
    services.signature_request(item=suggestion, deputy=make_deputy(), by=ctx["by"])
    suggestion_services.suggestion_submit(suggestion=suggestion, by=ctx["by"])
    assert not suggestion.signatures.exists()


def test_submit_twice_is_refused(ctx):
    suggestion = helpers.submitted(**ctx)
    assert_refused(
        lambda: suggestion_services.suggestion_submit(suggestion=suggestion, by=ctx["by"]),
        suggestion,
        "Only a draft can be submitted",
    )


# -- review ----------------------------------------------------------------------------------------


def test_register_numbers_per_session_and_between_sessions(ctx, staff):
    first = helpers.registered(**ctx)
    second = helpers.registered(**ctx)
    assert (first.number, first.code) == (1, "十六届一次会议第001号")
    assert second.code == "十六届一次会议第002号"
    ctx["session"] = None
    between = helpers.registered(**ctx)
    assert between.code == "十六届闭会期间第001号"
    other_session = SessionFactory(term=first.term, number=2)
    ctx["session"] = other_session
    assert helpers.registered(**ctx).code == "十六届二次会议第001号"
    assert_refused(
        lambda: suggestion_services.suggestion_register(suggestion=first, by=staff),
        first,
        "Only a submitted suggestion can be registered",
    )


def test_numbers_are_unique_in_the_database(ctx):
    first = helpers.registered(**ctx)
    clash = SuggestionFactory(lead=first.lead, session=first.session, status=S.REGISTERED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Suggestion.objects.filter(pk=clash.pk).update(number=first.number, code="另一个编号")
    with pytest.raises(IntegrityError), transaction.atomic():
        Suggestion.objects.filter(pk=clash.pk).update(number=99, code=first.code)


def test_reject_needs_a_listed_reason(ctx, django_capture_on_commit_callbacks):
    suggestion = helpers.submitted(**ctx)
    assert_refused(
        lambda: suggestion_services.suggestion_reject(
            suggestion=suggestion, reason="", by=ctx["by"]
        ),
        suggestion,
        "Choose the reason",
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        suggestion_services.suggestion_reject(
            suggestion=suggestion,
            reason=Suggestion.RejectReason.CASE,
            note="涉及具体诉讼案件",
            by=ctx["by"],
        )
    suggestion.refresh_from_db()
    assert suggestion.status == S.REJECTED and suggestion.reject_reason == "case"
    assert mail.outbox[0].to == [ctx["lead"].user.email]
    assert_refused(
        lambda: suggestion_services.suggestion_reject(
            suggestion=suggestion, reason="case", by=ctx["by"]
        ),
        suggestion,
        "Only a submitted suggestion can be refused",
    )


def test_merge_into_another(ctx):
    target = helpers.registered(**ctx)
    suggestion = helpers.submitted(**ctx)
    assert_refused(
        lambda: suggestion_services.suggestion_merge(
            suggestion=suggestion, into=suggestion, by=ctx["by"]
        ),
        suggestion,
        "merged into itself",
    )
    suggestion_services.suggestion_merge(suggestion=suggestion, into=target, by=ctx["by"])
    suggestion.refresh_from_db()
    assert suggestion.status == S.MERGED and suggestion.merged_into == target
    assert "merged_in" in actions(target)


def test_convert_to_another_channel(ctx):
    suggestion = helpers.submitted(**ctx)
    assert_refused(
        lambda: suggestion_services.suggestion_convert(
            suggestion=suggestion, channel=" ", by=ctx["by"]
        ),
        suggestion,
        "which channel",
    )
    suggestion_services.suggestion_convert(suggestion=suggestion, channel="信访件", by=ctx["by"])
    suggestion.refresh_from_db()
    assert suggestion.status == S.CONVERTED and suggestion.converted_to == "信访件"


def test_withdraw_stops_handling(ctx, unit):
    suggestion = helpers.assigned(unit=unit, **ctx)
    suggestion_services.suggestion_withdraw(
        suggestion=suggestion, reason="问题已解决", by=ctx["by"]
    )
    suggestion.refresh_from_db()
    assert suggestion.status == S.WITHDRAWN
    assert not suggestion.assignments.filter(active=True).exists()
    assert_refused(
        lambda: suggestion_services.suggestion_withdraw(suggestion=suggestion, by=ctx["by"]),
        suggestion,
        "can no longer be withdrawn",
    )


# -- assignment, returns, extensions -------------------------------------------------------------


def test_assign_sets_lead_co_handlers_and_the_three_month_due_date(ctx, unit, other_unit):
    suggestion = helpers.registered(**ctx)
    lead_a, co_a = handling_services.suggestion_assign(
        suggestion=suggestion,
        lead_unit=unit,
        co_units=[other_unit, unit],
        on=datetime.date(2022, 3, 31),
        by=ctx["by"],
    )
    assert (lead_a.role, co_a.role) == (Assignment.Role.LEAD, Assignment.Role.CO)
    assert lead_a.due_date == datetime.date(2022, 6, 30)
    suggestion.refresh_from_db()
    assert suggestion.status == S.ASSIGNED
    assert_refused(
        lambda: handling_services.suggestion_assign(
            suggestion=suggestion, lead_unit=unit, by=ctx["by"]
        ),
        suggestion,
        "Only a registered suggestion can be assigned",
    )


def test_one_active_lead_per_item_in_the_database(ctx, unit, other_unit):
    suggestion = helpers.assigned(unit=unit, **ctx)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            suggestion=suggestion,
            organisation=other_unit,
            assigned_at=datetime.date(2022, 3, 18),
            due_date=datetime.date(2022, 6, 18),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            suggestion=suggestion,
            organisation=unit,
            role=Assignment.Role.CO,
            assigned_at=datetime.date(2022, 3, 18),
            due_date=datetime.date(2022, 6, 18),
        )


def test_accept_starts_handling(ctx, unit):
    suggestion = helpers.assigned(unit=unit, **ctx)
    handling_services.assignment_accept(assignment=suggestion.assignments.get(), by=ctx["by"])
    suggestion.refresh_from_db()
    assert suggestion.status == S.HANDLING
    with pytest.raises(DomainError, match="not waiting to be signed for"):
        handling_services.assignment_accept(assignment=suggestion.assignments.get(), by=ctx["by"])


def test_return_approved_reassigns_to_the_proposed_unit(ctx, unit, other_unit):
    suggestion = helpers.assigned(unit=unit, on=datetime.date(2022, 3, 18), **ctx)
    assignment = suggestion.assignments.get()
    request = handling_services.return_request(
        assignment=assignment,
        reason="不属于本单位职责",
        proposed_unit=other_unit,
        on=datetime.date(2022, 3, 22),
        by=ctx["by"],
    )
    with pytest.raises(DomainError, match="waiting already"):
        handling_services.return_request(
            assignment=assignment, reason="again", on=datetime.date(2022, 3, 22), by=ctx["by"]
        )
    handling_services.return_decide(
        request=request, approve=True, on=datetime.date(2022, 3, 23), by=ctx["by"]
    )
    active = suggestion.assignments.get(active=True)
    assert active.organisation == other_unit and active.role == Assignment.Role.LEAD
    assert active.due_date == datetime.date(2022, 6, 23)
    with pytest.raises(DomainError, match="decided already"):
        handling_services.return_decide(request=request, approve=False, by=ctx["by"])


def test_return_refused_keeps_the_unit(ctx, unit):
    suggestion = helpers.assigned(unit=unit, **ctx)
    assignment = suggestion.assignments.get()
    request = handling_services.return_request(
        assignment=assignment, reason="职责不清", on=datetime.date(2022, 3, 21), by=ctx["by"]
    )
    handling_services.return_decide(
        request=request, approve=False, note="属于本单位职责", by=ctx["by"]
    )
    assignment.refresh_from_db()
    assert assignment.active and request.__class__.objects.get().decision == "refused"


def test_return_window_counts_working_days_over_national_day(ctx, unit):
    from congress.models import Holiday

    for day in range(1, 8):
        Holiday.objects.create(date=datetime.date(2022, 10, day), name="国庆节")
    for day in (8, 9):
        Holiday.objects.create(
            date=datetime.date(2022, 10, day), name="国庆调休", is_working_day=True
        )
    # Assigned Friday 30 September: 7 working days end on Friday 14 October (8 and 9 are worked).
    suggestion = helpers.assigned(unit=unit, on=datetime.date(2022, 9, 30), **ctx)
    assignment = suggestion.assignments.get()
    assert handling_services.return_deadline(assignment) == datetime.date(2022, 10, 14)
    assert_refused(
        lambda: handling_services.return_request(
            assignment=assignment,
            reason="不属于本单位",
            on=datetime.date(2022, 10, 17),
            by=ctx["by"],
        ),
        suggestion,
        "within 7 working days of assignment, that is until 2022-10-14",
    )
    handling_services.return_request(
        assignment=assignment, reason="不属于本单位", on=datetime.date(2022, 10, 14), by=ctx["by"]
    )


def test_extension_up_to_six_months(ctx, unit):
    suggestion = helpers.assigned(unit=unit, on=datetime.date(2022, 3, 18), **ctx)
    assignment = suggestion.assignments.get()
    assert_refused(
        lambda: handling_services.extension_request(
            assignment=assignment,
            reason="需要统筹资金",
            new_due_date=datetime.date(2022, 9, 19),
            by=ctx["by"],
        ),
        suggestion,
        "2022-09-18 at the latest",
    )
    assert_refused(
        lambda: handling_services.extension_request(
            assignment=assignment, reason="x", new_due_date=datetime.date(2022, 6, 1), by=ctx["by"]
        ),
        suggestion,
        "after the present due date",
    )
    request = handling_services.extension_request(
        assignment=assignment,
        reason="需要统筹资金",
        new_due_date=datetime.date(2022, 9, 18),
        by=ctx["by"],
    )
    handling_services.extension_decide(request=request, approve=True, by=ctx["by"])
    assignment.refresh_from_db()
    assert assignment.due_date == datetime.date(2022, 9, 18)


# -- replies, feedback, close and re-handle --------------------------------------------------------


def test_reply_only_by_the_lead_unit_and_mails_every_signer(
    ctx, unit, other_unit, make_deputy, django_capture_on_commit_callbacks
):
    suggestion = helpers.draft(**ctx)
    co = make_deputy()
    signature = services.signature_request(item=suggestion, deputy=co, by=ctx["by"])
    services.signature_confirm(signature=signature, by=co.user)
    suggestion_services.suggestion_submit(suggestion=suggestion, by=ctx["by"])
    suggestion_services.suggestion_register(suggestion=suggestion, by=ctx["by"])
    handling_services.suggestion_assign(
        suggestion=suggestion, lead_unit=unit, co_units=[other_unit], by=ctx["by"]
    )
    assert_refused(
        lambda: handling_services.reply_record(
            suggestion=suggestion,
            organisation=other_unit,
            reply_class="A",
            text="答复",
            by=ctx["by"],
        ),
        suggestion,
        "Only the lead unit replies",
    )
    assert_refused(
        lambda: handling_services.reply_record(
            suggestion=suggestion, organisation=unit, reply_class="Z", text="答复", by=ctx["by"]
        ),
        suggestion,
        "Choose the reply's class",
    )
    # The lead replies once the co-handler's view is in (CONGRESS_RULES, on by default).
    assert_refused(
        lambda: handling_services.reply_record(
            suggestion=suggestion, organisation=unit, reply_class="A", text="答复", by=ctx["by"]
        ),
        suggestion,
        "Waiting for the co-handling units' views: 市住房和城乡建设局",
    )
    handling_services.cohandler_view_submit(
        assignment=suggestion.assignments.get(organisation=other_unit), text="同意", by=ctx["by"]
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        handling_services.reply_record(
            suggestion=suggestion, organisation=unit, reply_class="A", text="答复", by=ctx["by"]
        )
    suggestion.refresh_from_db()
    assert suggestion.status == S.REPLIED and not suggestion.tracking
    # One mail per signer (each person's notice follows their own preferences).
    assert sorted(m.to[0] for m in mail.outbox) == sorted([ctx["lead"].user.email, co.user.email])


def test_every_signer_rates_then_the_item_closes(ctx, unit, make_deputy):
    suggestion = helpers.draft(**ctx)
    co = make_deputy()
    SignatureFactory(suggestion=suggestion, deputy=co)
    suggestion_services.suggestion_submit(suggestion=suggestion, by=ctx["by"])
    suggestion_services.suggestion_register(suggestion=suggestion, by=ctx["by"])
    handling_services.suggestion_assign(suggestion=suggestion, lead_unit=unit, by=ctx["by"])
    reply = handling_services.reply_record(
        suggestion=suggestion, organisation=unit, reply_class="A", text="答复", by=ctx["by"]
    )
    handling_services.feedback_give(
        reply=reply,
        rater=ctx["lead"],
        process_rating="satisfied",
        result_rating="satisfied",
        by=ctx["lead"].user,
    )
    suggestion.refresh_from_db()
    assert suggestion.status == S.REPLIED  # the co-signer has not rated yet
    with pytest.raises(DomainError, match="rated this reply already"):
        handling_services.feedback_give(
            reply=reply,
            rater=ctx["lead"],
            process_rating="satisfied",
            result_rating="satisfied",
            by=ctx["lead"].user,
        )
    with pytest.raises(DomainError, match="Only the deputies who signed"):
        handling_services.feedback_give(
            reply=reply,
            rater=make_deputy(),
            process_rating="satisfied",
            result_rating="satisfied",
            by=ctx["by"],
        )
    handling_services.feedback_give(
        reply=reply, rater=co, process_rating="basically", result_rating="satisfied", by=co.user
    )
    suggestion.refresh_from_db()
    assert suggestion.status == S.CLOSED and suggestion.closed_at
    assert Feedback.objects.filter(reply=reply).count() == 2


def test_unsatisfied_needs_a_comment_mails_staff_and_rehandling_gives_one_month(
    ctx, unit, django_capture_on_commit_callbacks
):
    suggestion, reply = helpers.replied(unit=unit, **ctx)
    with pytest.raises(DomainError, match="Say why"):
        handling_services.feedback_give(
            reply=reply,
            rater=ctx["lead"],
            process_rating="satisfied",
            result_rating="unsatisfied",
            by=ctx["lead"].user,
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        handling_services.feedback_give(
            reply=reply,
            rater=ctx["lead"],
            process_rating="satisfied",
            result_rating="unsatisfied",
            comment="路灯仍未安装",
            by=ctx["lead"].user,
        )
    suggestion.refresh_from_db()
    assert suggestion.status == S.REPLIED
    assert mail.outbox[-1].to == [ctx["by"].email]
    handling_services.suggestion_rehandle(suggestion=suggestion, by=ctx["by"])
    suggestion.refresh_from_db()
    lead_assignment = suggestion.assignments.get(active=True)
    today = timezone.localdate()
    assert suggestion.status == S.REHANDLING and suggestion.rehandle_count == 1
    assert lead_assignment.due_date == add_months(today, 1)
    second = handling_services.reply_record(
        suggestion=suggestion, organisation=unit, reply_class="A", text="已安装", by=ctx["by"]
    )
    with pytest.raises(DomainError, match="Rate the latest reply"):
        handling_services.feedback_give(
            reply=reply,
            rater=ctx["lead"],
            process_rating="satisfied",
            result_rating="satisfied",
            by=ctx["lead"].user,
        )
    handling_services.feedback_give(
        reply=second,
        rater=ctx["lead"],
        process_rating="satisfied",
        result_rating="satisfied",
        by=ctx["lead"].user,
    )
    suggestion.refresh_from_db()
    assert suggestion.status == S.CLOSED


def test_feedback_comment_rule_in_the_database(ctx, unit):
    suggestion, reply = helpers.replied(unit=unit, **ctx)
    with pytest.raises(IntegrityError), transaction.atomic():
        Feedback.objects.create(
            reply=reply,
            suggestion=suggestion,
            rater=ctx["lead"],
            process_rating="unsatisfied",
            result_rating="satisfied",
        )


def test_close_and_rehandle_refused_before_a_reply(ctx, unit):
    suggestion = helpers.assigned(unit=unit, **ctx)
    assert_refused(
        lambda: handling_services.suggestion_close(suggestion=suggestion, by=ctx["by"]),
        suggestion,
        "Only a replied suggestion can be closed",
    )
    assert_refused(
        lambda: handling_services.suggestion_rehandle(suggestion=suggestion, by=ctx["by"]),
        suggestion,
        "Only a replied suggestion can be handled again",
    )


def test_office_closes_a_replied_item(ctx, unit):
    suggestion, _reply = helpers.replied(unit=unit, **ctx)
    handling_services.suggestion_close(suggestion=suggestion, note="代表接受解释", by=ctx["by"])
    suggestion.refresh_from_db()
    assert suggestion.status == S.CLOSED


def test_b_class_reply_is_tracked_until_an_a_followup(ctx, unit):
    suggestion, _reply = helpers.replied(unit=unit, reply_class="B", **ctx)
    assert Suggestion.objects.tracked().get() == suggestion
    handling_services.reply_record(
        suggestion=suggestion,
        organisation=unit,
        reply_class="A",
        text="已解决",
        followup=True,
        by=ctx["by"],
    )
    assert not Suggestion.objects.tracked().exists()
    assert Suggestion.objects.get().status == S.REPLIED
    assert_refused(
        lambda: handling_services.reply_record(
            suggestion=suggestion,
            organisation=unit,
            reply_class="A",
            text="再次",
            followup=True,
            by=ctx["by"],
        ),
        suggestion,
        "still under tracking",
    )


def test_publish_reply(ctx, unit):
    suggestion, reply = helpers.replied(unit=unit, **ctx)
    handling_services.reply_publish(reply=reply, by=ctx["by"])
    reply.refresh_from_db()
    assert reply.published_at
    with pytest.raises(DomainError, match="published already"):
        handling_services.reply_publish(reply=reply, by=ctx["by"])


def test_private_suggestion_reply_is_not_published(ctx, unit):
    suggestion, reply = helpers.replied(unit=unit, **ctx)
    suggestion_services.suggestion_set_public(suggestion=suggestion, is_public=False, by=ctx["by"])
    with pytest.raises(DomainError, match="not public"):
        handling_services.reply_publish(reply=reply, by=ctx["by"])


# -- flags -----------------------------------------------------------------------------------------


def test_key_supervision_needs_a_leader_and_a_registered_item(ctx):
    draft = helpers.draft(**ctx)
    assert_refused(
        lambda: suggestion_services.suggestion_flag_key(
            suggestion=draft, leader="吴金华", by=ctx["by"]
        ),
        draft,
        "Only a registered suggestion can be supervised",
    )
    suggestion = helpers.registered(**ctx)
    assert_refused(
        lambda: suggestion_services.suggestion_flag_key(
            suggestion=suggestion, leader="", by=ctx["by"]
        ),
        suggestion,
        "Name the leader",
    )
    suggestion_services.suggestion_flag_key(suggestion=suggestion, leader="吴金华", by=ctx["by"])
    suggestion_services.suggestion_flag_look_back(suggestion=suggestion, by=ctx["by"])
    suggestion.refresh_from_db()
    assert suggestion.key_supervision and suggestion.key_leader == "吴金华"
    assert suggestion.look_back
    assert_refused(
        lambda: suggestion_services.suggestion_flag_look_back(suggestion=suggestion, by=ctx["by"]),
        suggestion,
        "Nothing to change",
    )


# -- querysets -------------------------------------------------------------------------------------


def test_overdue_on_a_date(ctx, unit):
    late = helpers.assigned(unit=unit, on=datetime.date(2022, 3, 1), **ctx)
    on_time = helpers.assigned(unit=unit, on=datetime.date(2022, 5, 1), **ctx)
    answered, _reply = helpers.replied(unit=unit, on=datetime.date(2022, 3, 1), **ctx)
    assert list(Suggestion.objects.overdue(on=datetime.date(2022, 6, 2))) == [late]
    assert set(Suggestion.objects.overdue(on=datetime.date(2022, 8, 2))) == {late, on_time}
    assert answered not in Suggestion.objects.overdue(on=datetime.date(2022, 12, 31))


def test_public_for_unit_for_deputy_and_drafts(ctx, unit, other_unit, make_deputy):
    draft = helpers.draft(**ctx)
    registered = helpers.registered(**ctx)
    assigned = helpers.assigned(unit=unit, **ctx)
    private = helpers.registered(**ctx)
    suggestion_services.suggestion_set_public(suggestion=private, is_public=False, by=ctx["by"])
    assert set(Suggestion.objects.public()) == {registered, assigned}
    assert list(Suggestion.objects.for_unit(unit)) == [assigned]
    assert not Suggestion.objects.for_unit(other_unit).exists()
    lead = ctx["lead"]
    assert draft in Suggestion.objects.for_deputy(lead)
    co = make_deputy()
    SignatureFactory(suggestion=draft, deputy=co)
    SignatureFactory(suggestion=registered, deputy=co)
    assert list(Suggestion.objects.for_deputy(co)) == [registered]
    assert draft not in Suggestion.objects.visible_to(co.user)
    assert draft in Suggestion.objects.visible_to(lead.user)
