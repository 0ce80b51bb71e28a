"""The admin's front page starts with the day's work: each count links to the list it counts,
for the office everything, for a unit clerk their own unit's."""

import datetime
import re

import pytest
from django.utils import timezone

from proposals.models import ExtensionRequest, Feedback, ReturnRequest, Suggestion
from tests import factories

pytestmark = pytest.mark.django_db
S = Suggestion.Status


def log_in(client, username):
    response = client.post(
        "/admin/login/", {"username": username, "password": "pw-for-tests", "next": "/admin/"}
    )
    assert response.status_code == 302


def todo_rows(html: str) -> dict[str, tuple[str, int]]:
    section = re.search(r'<section class="module todo".*?</section>', html, flags=re.S)
    assert section, "the to-do list is on the front page"
    rows = re.findall(
        r'<a href="([^"]+)">([^<]+)</a></th>\s*<td class="todo-count">(?:<strong>)?(\d+)',
        section.group(0),
    )
    return {label: (url.replace("&amp;", "&"), int(count)) for url, label, count in rows}


@pytest.fixture
def desk():
    """A little of every queue: two units, one overdue item each, a reply to publish …"""
    today = timezone.localdate()
    unit, other = factories.OrganisationFactory(), factories.OrganisationFactory()
    factories.SuggestionFactory.create_batch(2, status=S.SUBMITTED, submitted_at=timezone.now())
    factories.SuggestionFactory(status=S.REGISTERED, submitted_at=timezone.now())
    late = factories.AssignmentFactory(
        organisation=unit, due_date=today - datetime.timedelta(days=3)
    )
    factories.AssignmentFactory(organisation=unit, due_date=today + datetime.timedelta(days=30))
    factories.AssignmentFactory(organisation=other, due_date=today - datetime.timedelta(days=1))
    ReturnRequest.objects.create(assignment=late, reason="不属于本单位职责")
    ExtensionRequest.objects.create(
        assignment=late,
        reason="需要更多时间",
        requested_due_date=today + datetime.timedelta(days=60),
    )
    reply = factories.ReplyFactory(organisation=unit)
    replied = reply.suggestion
    replied.replied_at = timezone.now() - datetime.timedelta(days=2)
    replied.save()
    factories.AssignmentFactory(suggestion=replied, organisation=unit)
    Feedback.objects.create(
        reply=reply,
        suggestion=replied,
        rater=replied.lead,
        process_rating="satisfied",
        result_rating="unsatisfied",
        comment="问题没有解决",
    )
    # Class B, closed and tracked: one past its promised date and not done, one done in time,
    # one still within its promise.
    for promised, done in ((-5, False), (-5, True), (20, False)):
        item = factories.SuggestionFactory(status=S.CLOSED, tracking=not done)
        factories.AssignmentFactory(suggestion=item, organisation=unit)
        factories.ReplyFactory(
            suggestion=item,
            organisation=unit,
            reply_class="B",
            promised_by=today + datetime.timedelta(days=promised),
            published_at=timezone.now(),
        )
        if done:
            factories.ReplyFactory(
                suggestion=item,
                organisation=unit,
                reply_class="A",
                is_followup=True,
                replied_at=today - datetime.timedelta(days=7),
                published_at=timezone.now(),
            )
    poll = factories.PollOptionFactory().poll  # a draft whose opening time has come
    return unit, poll


def test_the_office_sees_every_queue_and_each_count_opens_its_list(client, desk):
    factories.StaffFactory(username="office")
    log_in(client, "office")

    rows = todo_rows(client.get("/admin/").content.decode())

    counts = {label: count for label, (url, count) in rows.items()}
    assert counts["待审查的代表建议"] == 2
    assert counts["已立案、待交办的建议"] == 1  # 立案 leads on to 交办
    assert counts["待决定的退回申请"] == 1
    assert counts["待决定的延期申请"] == 1
    assert counts["待审核公开的答复"] == 1
    assert counts["逾期未答复的建议"] == 2
    assert counts["“不满意”评价待决定"] == 1
    assert counts["B类建议逾期未兑现承诺"] == 1
    assert counts["待开始的投票"] == 1
    # Every link opens a list showing exactly that many rows.
    for label, (url, count) in rows.items():
        page = client.get(url)
        assert page.status_code == 200, (label, url)
        shown = len(re.findall(r'name="_selected_action"', page.content.decode()))
        assert shown == count, (label, url, shown, count)


def test_a_unit_clerk_sees_their_unit_only(client, desk):
    unit, _poll = desk
    factories.UnitMembershipFactory(user__username="clerk", organisation=unit)
    log_in(client, "clerk")

    rows = todo_rows(client.get("/admin/").content.decode())

    counts = {label: count for label, (url, count) in rows.items()}
    assert counts == {
        "本单位逾期未答复的建议": 1,
        "本单位待答复的建议": 2,
        "本单位被评“不满意”、待办公室决定的建议": 1,
        "本单位逾期未兑现承诺的B类建议": 1,
    }
    for label, (url, count) in rows.items():
        page = client.get(url).content.decode()
        body = re.search(r'<table id="result_list">.*?<tbody>(.*?)</tbody>', page, flags=re.S)
        shown = len(re.findall(r"<tr[ >]", body.group(1))) if body else 0
        assert shown == count, (label, shown, count)
