"""The transition maps and the services agree: every (state, action) pair of Suggestion, Motion,
Opinion and Poll, walked through the services.

For each service that changes state and for each state an item can be in, the item is put in
that state (with the data a real item in it has: an active lead unit once assigned, a reply once
replied) and the service is called with good input. It succeeds exactly when the model's map
(TRANSITIONS, STEPS) allows it, and otherwise refuses with a DomainError and writes nothing.
A last pair of tests shows that services touching one item lock its rows in one order.
"""

import datetime
import importlib

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from congress.kit import workflow
from congress.kit.errors import DomainError
from proposals.handling import services as handling
from proposals.models import (
    Assignment,
    Decision,
    Motion,
    Opinion,
    Rating,
    Reply,
    ReturnRequest,
    Suggestion,
    TimelineEntry,
)
from proposals.motions import services as motions
from proposals.opinions import services as opinions
from proposals.suggestions import services as suggestions
from supervision import services as votes
from supervision.models import Poll
from tests.factories import (
    CategoryFactory,
    DeputyFactory,
    OpinionFactory,
    OrganisationFactory,
    SessionFactory,
    StaffFactory,
    TermFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
S, M, OS = Suggestion.Status, Motion.Status, Opinion.Status


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def world(db, settings):
    settings.CONGRESS_RULES = {**settings.CONGRESS_RULES, "MOTION_MIN_SIGNERS": 1}
    term = TermFactory()
    session = SessionFactory(
        term=term,
        number=1,
        suggestion_deadline=timezone.now() + datetime.timedelta(days=1),
        motion_deadline=timezone.now() + datetime.timedelta(days=1),
    )
    lead = DeputyFactory(term=term, name="徐杰")
    lead.user = UserFactory(email="xujie@example.cn")
    lead.save(update_fields=["user"])
    return {
        "term": term,
        "session": session,
        "category": CategoryFactory(term=term),
        "lead": lead,
        "unit": OrganisationFactory(name="市交通运输局"),
        "staff": StaffFactory(username="office"),
    }


def snapshot(item):
    item.refresh_from_db()
    return (
        model_to_dict(item),
        TimelineEntry.objects.count(),
        Assignment.objects.filter(active=True).count(),
        Reply.objects.count(),
        Suggestion.objects.count(),
    )


def walk(item, call, allowed: bool):
    """Call the service; it succeeds when `allowed`, else refuses and writes nothing."""
    before = snapshot(item)
    if allowed:
        call()
        return
    with pytest.raises(DomainError):
        call()
    assert snapshot(item) == before


# -- suggestions ----------------------------------------------------------------------------------

HANDLED = {S.ASSIGNED, S.HANDLING, S.REPLIED, S.REHANDLING, S.CLOSED}


def suggestion_in(world, status) -> Suggestion:
    """A suggestion in `status`, as real as the status makes it: registered with a number; a lead
    unit assigned (and its reply recorded) once it is handled."""
    by, lead = world["staff"], world["lead"]
    item = suggestions.suggestion_create_draft(
        lead=lead,
        title="关于加快农村道路亮化设施建设的建议",
        body="农村道路夜间照明不足。",
        category=world["category"],
        session=world["session"],
        by=by,
    )
    extra = {}
    if status != S.DRAFT:
        suggestions.suggestion_submit(suggestion=item, by=by)
        suggestions.suggestion_register(suggestion=item, by=by)
    if status in HANDLED:
        handling.suggestion_assign(suggestion=item, lead_unit=world["unit"], by=by)
        Reply.objects.create(
            suggestion=item,
            organisation=world["unit"],
            reply_class="A",
            text="已实施。",
            replied_at=timezone.localdate(),
        )
    if status == S.REJECTED:
        extra["reject_reason"] = "case"
    if status == S.MERGED:
        extra["merged_into"] = suggestions.suggestion_submit(
            suggestion=suggestions.suggestion_create_draft(
                lead=lead,
                title="另一件",
                body="正文",
                category=world["category"],
                session=world["session"],
                by=by,
            ),
            by=by,
        )
    Suggestion.objects.filter(pk=item.pk).update(status=status, **extra)
    item.refresh_from_db()
    return item


def lead_assignment(item):
    return item.assignments.filter(active=True, role=Assignment.Role.LEAD).first()


def other_submitted(world):
    other = suggestions.suggestion_create_draft(
        lead=world["lead"],
        title="并案对象",
        body="正文",
        category=world["category"],
        session=world["session"],
        by=world["staff"],
    )
    return suggestions.suggestion_submit(suggestion=other, by=world["staff"])


# name: (target status or None, how to call it, when it is allowed beyond the map)
SUGGESTION_SERVICES = {
    "submit": (
        S.SUBMITTED,
        lambda w, s: suggestions.suggestion_submit(suggestion=s, by=w["staff"]),
    ),
    "withdraw": (
        S.WITHDRAWN,
        lambda w, s: suggestions.suggestion_withdraw(suggestion=s, by=w["staff"]),
    ),
    "register": (
        S.REGISTERED,
        lambda w, s: suggestions.suggestion_register(suggestion=s, by=w["staff"]),
    ),
    "reject": (
        S.REJECTED,
        lambda w, s: suggestions.suggestion_reject(suggestion=s, reason="case", by=w["staff"]),
    ),
    "merge": (
        S.MERGED,
        lambda w, s: suggestions.suggestion_merge(suggestion=s, into=w["into"], by=w["staff"]),
    ),
    "convert": (
        S.CONVERTED,
        lambda w, s: suggestions.suggestion_convert(suggestion=s, channel="信访", by=w["staff"]),
    ),
    "assign": (
        S.ASSIGNED,
        lambda w, s: handling.suggestion_assign(
            suggestion=s, lead_unit=OrganisationFactory(), by=w["staff"]
        ),
    ),
    "reply": (
        S.REPLIED,
        lambda w, s: handling.reply_record(
            suggestion=s, organisation=w["unit"], reply_class="A", text="答复", by=w["staff"]
        ),
    ),
    "rehandle": (
        S.REHANDLING,
        lambda w, s: handling.suggestion_rehandle(suggestion=s, by=w["staff"]),
    ),
    "close": (S.CLOSED, lambda w, s: handling.suggestion_close(suggestion=s, by=w["staff"])),
}


@pytest.mark.parametrize("status", S.values)
@pytest.mark.parametrize("action", SUGGESTION_SERVICES)
def test_suggestion_services_follow_the_map(world, action, status):
    target, call = SUGGESTION_SERVICES[action]
    item = suggestion_in(world, status)
    world["into"] = other_submitted(world) if action == "merge" else None
    allowed = item.can_become(target)
    if action == "assign":  # the map's handling → assigned is a return, not a fresh assignment
        allowed = allowed and item.can("assign")
    walk(item, lambda: call(world, item), allowed)
    if allowed:
        item.refresh_from_db()
        assert item.status == target


@pytest.mark.parametrize("status", S.values)
def test_signing_for_and_rating_follow_the_steps_map(world, status):
    item = suggestion_in(world, status)
    assignment = lead_assignment(item)
    if assignment is not None:
        walk(
            item,
            lambda: handling.assignment_accept(assignment=assignment, by=world["staff"]),
            item.can("sign_for"),
        )
        item.refresh_from_db()
        if status in (S.ASSIGNED, S.HANDLING):
            assert item.status == S.HANDLING  # the lead's signature starts the handling
    reply = item.replies.first()
    if reply is not None:
        walk(
            item,
            lambda: handling.feedback_give(
                reply=reply,
                rater=world["lead"],
                process_rating=Rating.SATISFIED,
                result_rating=Rating.SATISFIED,
                by=world["lead"].user,
            ),
            item.can("feedback"),
        )
        item.refresh_from_db()
        if status == S.REPLIED:
            assert item.status == S.CLOSED  # the only signer is satisfied


# -- motions --------------------------------------------------------------------------------------


def motion_in(world, status) -> Motion:
    motion = motions.motion_create_draft(
        lead=world["lead"],
        session=world["session"],
        title="关于加快推进“扩中”“提低”行动的议案",
        reason="案由",
        grounds="案据",
        proposal="方案",
        by=world["staff"],
    )
    extra = {"resolution_text": "决议"} if status in (M.RESOLVED, M.CLOSED) else {}
    Motion.objects.filter(pk=motion.pk).update(status=status, **extra)
    motion.refresh_from_db()
    return motion


MOTION_SERVICES = {
    "submit": (M.SUBMITTED, lambda w, m: motions.motion_submit(motion=m, by=w["staff"])),
    "withdraw": (M.WITHDRAWN, lambda w, m: motions.motion_withdraw(motion=m, by=w["staff"])),
    "list": (M.LISTED, lambda w, m: motions.motion_list(motion=m, by=w["staff"])),
    "not_list": (M.NOT_LISTED, lambda w, m: motions.motion_not_list(motion=m, by=w["staff"])),
    "convert": (
        M.CONVERTED,
        lambda w, m: motions.motion_convert_to_suggestion(motion=m, by=w["staff"]),
    ),
    "resolution": (
        M.RESOLVED,
        lambda w, m: motions.motion_record_resolution(
            motion=m, text="决议", adopted_on=datetime.date(2022, 4, 27), by=w["staff"]
        ),
    ),
    "close": (M.CLOSED, lambda w, m: motions.motion_close(motion=m, by=w["staff"])),
}


@pytest.mark.parametrize("status", M.values)
@pytest.mark.parametrize("action", MOTION_SERVICES)
def test_motion_services_follow_the_map(world, action, status):
    target, call = MOTION_SERVICES[action]
    motion = motion_in(world, status)
    allowed = motion.can_become(target)
    walk(motion, lambda: call(world, motion), allowed)
    if allowed:
        motion.refresh_from_db()
        assert motion.status == target


@pytest.mark.parametrize("status", M.values)
def test_motion_progress_and_inspections_follow_the_steps_map(world, status):
    motion = motion_in(world, status)
    on, by = datetime.date(2022, 12, 1), world["staff"]
    walk(
        motion,
        lambda: motions.motion_record_progress(motion=motion, on=on, text="进展", by=by),
        motion.can("progress"),
    )
    walk(
        motion,
        lambda: motions.motion_record_inspection(motion=motion, on=on, title="督查", by=by),
        motion.can("inspection"),
    )


# -- residents' opinions --------------------------------------------------------------------------


def opinion_in(world, status) -> Opinion:
    """An opinion in `status`; routed (and what follows a unit's handling) with the unit assigned."""
    opinion = OpinionFactory()
    if status in (OS.ROUTED, OS.REOPENED):
        Assignment.objects.create(
            opinion=opinion,
            organisation=world["unit"],
            role=Assignment.Role.LEAD,
            assigned_at=timezone.localdate(),
            due_date=timezone.localdate() + datetime.timedelta(days=15),
        )
    extra = {}
    if status == OS.NOT_ACCEPTED:
        extra.update(not_accepted_reason="属于诉讼事项", channel=opinions.OpinionChannel.values[0])
    if status in (OS.CLOSED, OS.NOT_ACCEPTED):
        extra["closed_at"] = timezone.now()
    if status == OS.ESCALATED:
        extra["suggestion"] = suggestions.suggestion_create_draft(
            lead=world["lead"], title="关于路灯的建议", by=world["staff"]
        )
    Opinion.objects.filter(pk=opinion.pk).update(status=status, **extra)
    opinion.refresh_from_db()
    return opinion


OPINION_SERVICES = {
    "accept": (OS.ACCEPTED, lambda w, o: opinions.opinion_accept(opinion=o, by=w["staff"])),
    "not_accept": (
        OS.NOT_ACCEPTED,
        lambda w, o: opinions.opinion_not_accept(
            opinion=o,
            by=w["staff"],
            reason="属于诉讼事项",
            channel=opinions.OpinionChannel.values[0],
        ),
    ),
    "answer": (
        OS.REPLIED,
        lambda w, o: opinions.opinion_answer(opinion=o, by=w["staff"], text="已当场答复"),
    ),
    "route": (
        OS.ROUTED,
        lambda w, o: opinions.opinion_route(
            opinion=o, organisation=OrganisationFactory(), by=w["staff"]
        ),
    ),
    "unit_reply": (
        OS.REPLIED,
        lambda w, o: opinions.opinion_reply_record(
            opinion=o, organisation=w["unit"], text="已修复", by=w["staff"]
        ),
    ),
    "escalate": (
        OS.ESCALATED,
        lambda w, o: opinions.opinion_escalate(
            opinion=o, deputy=w["lead"], by=w["staff"], title="关于路灯的建议"
        ),
    ),
    "rate": (
        OS.CLOSED,
        lambda w, o: opinions.opinion_rate(opinion=o, rating=Rating.SATISFIED),
    ),
    "close": (OS.CLOSED, lambda w, o: opinions.opinion_close(opinion=o, by=w["staff"])),
}


@pytest.mark.parametrize("status", OS.values)
@pytest.mark.parametrize("action", OPINION_SERVICES)
def test_opinion_services_follow_the_map(world, action, status):
    target, call = OPINION_SERVICES[action]
    opinion = opinion_in(world, status)
    allowed = opinion.can_become(target)
    # Two ways reach "answered": a deputy's answer, and the reply of the unit that handles it.
    if action == "answer":
        allowed = allowed and opinions.answerable_by_deputy(opinion)
    if action == "unit_reply":
        allowed = allowed and opinion.can("unit_reply")
    walk(opinion, lambda: call(world, opinion), allowed)
    if allowed:
        opinion.refresh_from_db()
        assert opinion.status == target


# -- polls ----------------------------------------------------------------------------------------


def poll_in(status) -> Poll:
    now = timezone.now()
    poll = votes.poll_create(
        kind=Poll.Kind.APPROVAL,
        title="重大项目表决",
        options=[{"label": "项目一"}],
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(hours=1),
    )
    if status != Poll.Status.DRAFT:
        votes.poll_open(poll=poll, voters=DeputyFactory.create_batch(2))
    if status in (Poll.Status.CLOSED, Poll.Status.PUBLISHED):
        votes.poll_close(poll=poll)
    Poll.objects.filter(pk=poll.pk).update(status=status)
    poll.refresh_from_db()
    return poll


POLL_SERVICES = {
    "open": (
        Poll.Status.OPEN,
        lambda p: votes.poll_open(poll=p, voters=DeputyFactory.create_batch(2)),
    ),
    "close": (Poll.Status.CLOSED, lambda p: votes.poll_close(poll=p)),
    "publish": (Poll.Status.PUBLISHED, lambda p: votes.poll_publish(poll=p)),
}


@pytest.mark.parametrize("status", Poll.Status.values)
@pytest.mark.parametrize("action", POLL_SERVICES)
def test_poll_services_follow_the_map(action, status):
    target, call = POLL_SERVICES[action]
    poll = poll_in(status)
    allowed = poll.can_become(target)
    walk(poll, lambda: call(poll), allowed)
    if allowed:
        poll.refresh_from_db()
        assert poll.status == target


def test_a_refusal_names_the_state_and_the_target(world):
    poll = poll_in(Poll.Status.DRAFT)
    with pytest.raises(DomainError) as error:
        votes.poll_publish(poll=poll)
    assert error.value.code == "poll_state"
    assert "draft" in error.value.message and "result published" in error.value.message


# -- lock order -----------------------------------------------------------------------------------


def test_services_lock_an_item_before_its_assignment(world):
    """Every service touching a suggestion and its assignment locks the suggestion first (the
    order congress/kit/workflow.py documents), so that two of them never deadlock."""
    item = suggestion_in(world, S.HANDLING)
    assignment = lead_assignment(item)
    by = world["staff"]
    orders = {}
    with workflow.recording_locks() as seen:
        request = handling.return_request(assignment=assignment, reason="不属于本单位", by=by)
    orders["return_request"] = list(seen)
    with workflow.recording_locks() as seen:
        handling.return_decide(request=request, approve=False, by=by)
    orders["return_decide"] = list(seen)
    with workflow.recording_locks() as seen:
        handling.extension_request(
            assignment=assignment,
            reason="需要统筹资金",
            new_due_date=assignment.due_date + datetime.timedelta(days=30),
            by=by,
        )
    orders["extension_request"] = list(seen)
    Suggestion.objects.filter(pk=item.pk).update(status=S.REPLIED)
    with workflow.recording_locks() as seen:
        handling.suggestion_rehandle(suggestion=item, by=by)
    orders["rehandle"] = list(seen)
    for name, order in orders.items():
        assert order[:2] == ["proposals.Suggestion", "proposals.Assignment"], name
    assert orders["return_decide"][2] == "proposals.ReturnRequest"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="FOR UPDATE is PostgreSQL's")
def test_on_postgresql_the_row_locks_are_taken_parent_first(world):
    item = suggestion_in(world, S.HANDLING)
    assignment = lead_assignment(item)
    request = ReturnRequest.objects.create(
        assignment=assignment, reason="不属于本单位", decision=Decision.PENDING
    )
    with CaptureQueriesContext(connection) as queries:
        handling.return_decide(request=request, approve=False, by=world["staff"])
    locked = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    tables = [
        next(t for t in ("suggestion", "assignment", "returnrequest") if f'"proposals_{t}"' in sql)
        for sql in locked
    ]
    assert tables == ["suggestion", "assignment", "returnrequest"]


# -- the pages offer what the map and the services allow ------------------------------------------


@pytest.mark.parametrize("status", OS.values)
def test_the_portal_offers_an_opinions_answer_exactly_when_the_service_takes_it(
    client, world, status
):
    opinion = opinion_in(world, status)
    opinion.station.deputies.add(world["lead"])
    client.force_login(world["lead"].user)
    page = client.get(f"/en/portal/opinions/{opinion.pk}/").content.decode()
    offered = 'name="action" value="answer"' in page
    assert offered == (opinion.can_become(OS.REPLIED) and opinions.answerable_by_deputy(opinion))
    response = client.post(
        f"/en/portal/opinions/{opinion.pk}/",
        {"action": "answer", "answer-text": "已联系社区维修。"},
    )
    assert response.status_code == (302 if offered else 200)
    opinion.refresh_from_db()
    assert (opinion.status == OS.REPLIED) == (offered or status == OS.REPLIED)


def test_a_routed_opinion_is_not_answered_on_the_spot(client, world):
    opinion = opinion_in(world, OS.ROUTED)
    opinion.station.deputies.add(world["lead"])
    client.force_login(world["lead"].user)
    response = client.post(
        f"/en/portal/opinions/{opinion.pk}/",
        {"action": "answer", "answer-text": "已联系社区维修。"},
    )
    assert "is not waiting for an answer" in response.content.decode()
    opinion.refresh_from_db()
    assert opinion.status == OS.ROUTED and opinion.answer == ""


@pytest.mark.parametrize("status", S.values)
def test_the_workspace_offers_editing_exactly_when_the_map_allows_it(client, world, status):
    item = suggestion_in(world, status)
    client.force_login(world["lead"].user)
    page = client.get(f"/en/portal/suggestions/{item.pk}/").content.decode()
    edit_url = f"/en/portal/suggestions/{item.pk}/edit/"
    assert (edit_url in page) == item.can("edit")
    assert client.get(edit_url).status_code == (200 if item.can("edit") else 404)


def test_only_the_current_reply_is_offered_for_rating(client, world):
    item = suggestion_in(world, S.REPLIED)
    old = item.replies.get()
    Reply.objects.filter(pk=old.pk).update(replied_at=timezone.localdate() - datetime.timedelta(1))
    current = Reply.objects.create(
        suggestion=item,
        organisation=world["unit"],
        reply_class="A",
        text="重办后的答复。",
        replied_at=timezone.localdate(),
    )
    client.force_login(world["lead"].user)
    page = client.get(f"/en/portal/suggestions/{item.pk}/").content.decode()
    assert f"/replies/{current.pk}/rate/" in page
    assert f"/replies/{old.pk}/rate/" not in page


ADMIN_PAGES = [
    (
        "/en/admin/proposals/suggestion/",
        Suggestion,
        "proposals.suggestions.admin",
        "SuggestionAdmin",
    ),
    ("/en/admin/proposals/motion/", Motion, "proposals.motions.admin", "MotionAdmin"),
    ("/en/admin/proposals/opinion/", Opinion, "proposals.opinions.admin", "OpinionAdmin"),
]
MAKERS = {Suggestion: suggestion_in, Motion: motion_in, Opinion: opinion_in}


@pytest.mark.parametrize("url, model, module, name", ADMIN_PAGES)
def test_the_admin_offers_the_bulk_actions_a_filtered_status_allows(
    staff_client, world, url, model, module, name
):
    admin_class = getattr(importlib.import_module(module), name)
    actions = {
        a: how for a, how in admin_class.workflow_actions.items() if a in admin_class.actions
    }
    for status in model.Status.values:
        MAKERS[model](world, status)
    unfiltered = staff_client.get(url).content.decode()
    assert all(f'value="{action}"' in unfiltered for action in actions)
    for status in model.Status.values:
        page = staff_client.get(f"{url}?status__exact={status}").content.decode()
        offered = {action for action in actions if f'value="{action}"' in page}
        # (Drafts are the deputies' own and never listed: nothing is offered on them.)
        expected = set() if status == "draft" else workflow.offered(model, status, actions)
        assert offered == expected, status
