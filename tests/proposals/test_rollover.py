"""Followed to the end (issue 16, item 2): the lead unit reports progress on a class B item until
it is done, and at year end every item not solved rolls into the next year's look-back ledger
(回头看台账), which the public reads per year."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from congress.review import registry
from proposals import selectors
from proposals.handling import services as hs
from proposals.models import (
    CarryOver,
    Feedback,
    ProgressReport,
    Rating,
    Reply,
    Suggestion,
    TimelineEntry,
)
from tests.factories import UnitMembershipFactory, UserFactory
from tests.proposals import helpers

PASSWORD = "pw-for-tests"
REPLIED_ON = datetime.date(2022, 6, 10)  # helpers.replied; a class B reply promises 31 Oct 2022
PROGRESS = {
    "reported_on": "2022-09-01",
    "text": "路灯基础已浇筑，正在安装灯杆。",
    "percent": "60",
}


@pytest.fixture
def ctx(lead, session, category, staff):
    return {"lead": lead, "session": session, "category": category, "by": staff}


@pytest.fixture
def clerk(unit):
    return UnitMembershipFactory(
        organisation=unit, user=UserFactory(username="lead-clerk", is_staff=True)
    ).user


def replied(ctx, unit, reply_class="B", title="关于加快农村道路亮化设施建设的建议"):
    """An item of 2022, public, answered on 10 June 2022 with a reply of `reply_class`."""
    suggestion, _reply = helpers.replied(unit=unit, reply_class=reply_class, title=title, **ctx)
    Suggestion.objects.filter(pk=suggestion.pk).update(year=2022, is_public=True)
    return Suggestion.objects.get(pk=suggestion.pk)


def done_followup(suggestion, unit, staff, on):
    hs.reply_record(
        suggestion=suggestion,
        organisation=unit,
        reply_class="A",
        text="已全部完工。",
        replied_on=on,
        followup=True,
        by=staff,
    )


def login(client, username):
    response = client.post("/admin/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def progress_url(item):
    return f"/admin/proposals/suggestion/{item.pk}/progress/"


def roll(year=2022) -> str:
    out = io.StringIO()
    call_command("roll_over_unsolved", str(year), stdout=out)
    return out.getvalue()


# -- the roll-over ------------------------------------------------------------------------------


def test_a_b_item_not_done_by_year_end_rolls_into_next_years_ledger(ctx, unit):
    item = replied(ctx, unit, "B")
    assert "1 items carried from 2022 into 2023" in roll()
    entry = CarryOver.objects.get()
    assert (entry.suggestion, entry.from_year, entry.to_year) == (item, 2022, 2023)
    assert entry.status == CarryOver.Status.OPEN and entry.reason == CarryOver.Reason.PLANNED
    assert entry.promised_by == datetime.date(2022, 10, 31)
    step = TimelineEntry.objects.for_object(item).get(action="carried_over")
    assert step.public and "2022 → 2023" in step.note


def test_solved_items_and_reasoned_c_items_do_not_roll(ctx, unit, staff):
    done = replied(ctx, unit, "B", title="关于增设公交站台的建议")
    done_followup(done, unit, staff, datetime.date(2022, 11, 20))
    replied(ctx, unit, "A", title="关于修缮村文化礼堂的建议")
    replied(ctx, unit, "C", title="关于新建高铁站的建议")
    assert "0 items carried" in roll()
    assert not CarryOver.objects.exists()


def test_the_roll_over_is_idempotent(ctx, unit, staff, client):
    replied(ctx, unit, "B")
    roll()
    steps = TimelineEntry.objects.count()
    assert "0 items carried" in roll()  # the command again
    client.force_login(staff)  # and the office's page in the admin
    response = client.post("/admin/proposals/carryover/roll-over/", {"year": "2022"}, follow=True)
    assert "0件建议已转入下一年度回头看台账。" in response.content.decode()
    assert CarryOver.objects.count() == 1 and TimelineEntry.objects.count() == steps


def test_a_year_not_ended_is_not_rolled_over(ctx, unit, staff, client):
    replied(ctx, unit, "B")
    year = timezone.localdate().year
    with pytest.raises(CommandError, match="has not ended yet"):
        roll(year)
    client.force_login(staff)
    response = client.post("/admin/proposals/carryover/roll-over/", {"year": str(year)})
    assert response.status_code == 200 and "年度尚未结束" in response.content.decode()
    assert not CarryOver.objects.exists()


def test_an_item_done_after_new_year_is_entered_solved_and_a_later_report_closes_the_entry(
    ctx, unit, staff
):
    early = replied(ctx, unit, "B", title="关于增设公交站台的建议")
    done_followup(early, unit, staff, datetime.date(2023, 1, 15))  # done before the roll-over
    late = replied(ctx, unit, "B")
    roll()
    assert CarryOver.objects.get(suggestion=early).status == CarryOver.Status.SOLVED
    assert CarryOver.objects.get(suggestion=early).closed_on == datetime.date(2023, 1, 15)
    entry = CarryOver.objects.get(suggestion=late)
    assert entry.status == CarryOver.Status.OPEN
    hs.progress_report(
        assignment=late.assignments.get(),
        reported_on=datetime.date(2023, 5, 6),
        text="已全部完工。",
        percent=100,
        done=True,
        done_on=datetime.date(2023, 5, 5),
        by=staff,
    )
    entry.refresh_from_db()
    assert (entry.status, entry.closed_on) == (CarryOver.Status.SOLVED, datetime.date(2023, 5, 5))
    assert selectors.carry_over_figures(2023)["carried_in_solved"] == 2
    registry.autodiscover()
    assert registry.get("suggestions.carry_overs_solved").compute(2023) == 2
    assert registry.get("suggestions.carried_over").compute(2022) == 2


def test_an_open_entry_rolls_on_and_a_dropped_one_does_not(ctx, unit, staff):
    kept = replied(ctx, unit, "B")
    dropped = replied(ctx, unit, "B", title="关于增设公交站台的建议")
    roll()
    hs.carry_over_drop(
        carry_over=CarryOver.objects.get(suggestion=dropped),
        reason="代表同意纳入省级项目统筹解决。",
        by=staff,
    )
    roll(2023)
    assert list(CarryOver.objects.filter(to_year=2024).values_list("suggestion", "reason")) == [
        (kept.pk, CarryOver.Reason.CARRIED)
    ]
    assert TimelineEntry.objects.for_object(dropped).filter(action="carry_over_dropped").exists()


def test_an_item_its_lead_deputy_rated_unsatisfied_rolls_too(ctx, unit, staff, lead):
    item = replied(ctx, unit, "C", title="关于新建高铁站的建议")
    feedback = hs.feedback_give(
        reply=item.replies.get(),
        rater=lead,
        process_rating=Rating.SATISFIED,
        result_rating=Rating.UNSATISFIED,
        comment="未见实质推进。",
        by=lead.user,
    )
    Feedback.objects.filter(pk=feedback.pk).update(
        given_at=datetime.datetime(2022, 7, 1, 10, tzinfo=datetime.UTC)
    )
    roll()
    assert CarryOver.objects.get().reason == CarryOver.Reason.UNSATISFIED


# -- progress reports, by the unit's clerk in the back office -------------------------------------


def test_the_units_clerk_reports_progress_then_done_and_the_public_reads_it(
    ctx, unit, clerk, client, lead
):
    item = replied(ctx, unit, "B")
    login(client, "lead-clerk")
    page = client.get(f"/admin/proposals/suggestion/{item.pk}/change/").content.decode()
    assert f'href="{progress_url(item)}"' in page  # the clerk is offered the step
    assert client.post(progress_url(item), PROGRESS).status_code == 302
    report = ProgressReport.objects.get()
    assert (report.percent, report.done, report.organisation) == (60, False, unit)
    assert TimelineEntry.objects.for_object(item).filter(action="progress_reported").exists()

    done = {**PROGRESS, "reported_on": "2022-10-21", "text": "路灯已全部亮灯。"}
    done |= {"percent": "95", "done": "on", "done_on": "2022-10-20"}
    assert client.post(progress_url(item), done).status_code == 302
    last = ProgressReport.objects.get(done=True)
    assert (last.percent, last.done_on) == (100, datetime.date(2022, 10, 20))
    assert last.reply.reply_class == "A" and last.reply.is_followup
    item.refresh_from_db()
    assert not item.tracking  # no longer followed: nothing to roll over
    assert selectors.outcome_figures(Suggestion.objects.filter(pk=item.pk))["promised_done"] == 1
    roll()
    assert not CarryOver.objects.exists()

    client.logout()
    with translation.override("zh-hans"):
        page = client.get(f"/suggestions/{item.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert page.status_code == 200
    assert "承办单位的办理进展报告" in text and "路灯基础已浇筑，正在安装灯杆。" in text
    assert "已于2022年10月20日落实完成。" in text and "承办单位报告办理进展" in text

    # The lead deputy reads the same in the workspace.
    response = client.post(
        "/accounts/login/", {"username": lead.user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    page = client.get(f"/portal/suggestions/{item.pk}/").content.decode()
    assert "承办单位的办理进展报告" in page and "60 %" in page and "路灯已全部亮灯。" in page


@pytest.mark.parametrize(
    "changes, field, error",
    [
        ({"reported_on": "2022-06-01"}, "reported_on", "报告日期不能早于承办单位的答复日期"),
        ({"done": "on"}, "done_on", "请填写事项完成的日期。"),
        ({"done": "on", "done_on": "2022-06-01"}, "done_on", "完成日期不能早于承办单位的答复日期"),
        ({"done_on": "2022-08-01"}, "done_on", "填写完成日期须同时勾选“已完成”"),
        ({"done": "on", "done_on": "2022-09-02"}, "done_on", "完成日期不能晚于报告日期。"),
        ({"reported_on": "2099-01-01"}, "reported_on", "日期不能晚于今天。"),
        ({"percent": "150"}, "percent", "100"),
        ({"text": "  "}, "text", "这个字段是必填项。"),
    ],
)
def test_bad_progress_is_refused_beside_its_field_and_nothing_is_written(
    ctx, unit, clerk, client, changes, field, error
):
    item = replied(ctx, unit, "B")
    steps = TimelineEntry.objects.count()
    login(client, "lead-clerk")
    with translation.override("zh-hans"):
        response = client.post(
            progress_url(item), {**PROGRESS, **changes}, HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and any(error in e for e in errors[field])  # beside its field
    assert error in response.content.decode()
    assert not ProgressReport.objects.exists()
    assert Reply.objects.count() == 1 and TimelineEntry.objects.count() == steps
    item.refresh_from_db()
    assert item.tracking


def test_another_units_clerk_cannot_report_progress(ctx, unit, other_unit, client):
    item = replied(ctx, unit, "B")
    UnitMembershipFactory(
        organisation=other_unit, user=UserFactory(username="other-clerk", is_staff=True)
    )
    login(client, "other-clerk")
    assert client.get(progress_url(item)).status_code == 404
    assert client.post(progress_url(item), PROGRESS).status_code == 404
    assert not ProgressReport.objects.exists()


def test_a_co_handlers_clerk_cannot_report_progress(ctx, unit, other_unit, client, staff):
    item = helpers.assigned(unit=unit, co_units=[other_unit], **ctx)
    UnitMembershipFactory(
        organisation=other_unit, user=UserFactory(username="co-clerk", is_staff=True)
    )
    login(client, "co-clerk")
    assert client.post(progress_url(item), PROGRESS).status_code == 403
    assert not ProgressReport.objects.exists()


def test_an_item_not_followed_up_takes_no_progress_report(ctx, unit, clerk, client):
    item = replied(ctx, unit, "A")
    login(client, "lead-clerk")
    page = client.get(f"/admin/proposals/suggestion/{item.pk}/change/").content.decode()
    assert progress_url(item) not in page
    response = client.post(progress_url(item), PROGRESS)
    assert response.status_code == 200
    assert "办理进展只针对已答复且仍在跟踪办理的建议" in response.content.decode()
    assert not ProgressReport.objects.exists()


# -- the public ledger ----------------------------------------------------------------------------


def test_the_public_ledger_lists_the_year_in_chinese(ctx, unit, staff, client):
    open_item = replied(ctx, unit, "B")
    solved = replied(ctx, unit, "B", title="关于增设公交站台的建议")
    done_followup(solved, unit, staff, datetime.date(2023, 3, 1))
    private = replied(ctx, unit, "B", title="关于内部事项的建议")
    Suggestion.objects.filter(pk=private.pk).update(is_public=False)
    roll()
    with translation.override("zh-hans"):
        response = client.get("/suggestions/carried-over/2023/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    text = response.content.decode()
    assert "2023年度回头看台账" in text
    assert open_item.code in text and solved.title in text and private.title not in text
    assert "跟踪督办中" in text and "已解决" in text and "2022年10月31日" in text
    assert "列入计划，年底前未完成" in text
    with translation.override("zh-hans"):
        only_open = client.get("/suggestions/carried-over/2023/?status=open").content.decode()
    assert open_item.title in only_open and solved.title not in only_open
    # The statistics page lists the year's ledger beside the overdue promise.
    stats = client.get("/suggestions/stats/").content.decode()
    assert "/suggestions/carried-over/2023/" in stats and open_item.title in stats


def test_the_ledger_answers_404_for_an_unknown_year_and_400_for_a_bad_filter(ctx, unit, client):
    replied(ctx, unit, "B")
    roll()
    assert client.get("/suggestions/carried-over/1990/").status_code == 404
    assert client.get("/suggestions/carried-over/2023/?status=lost").status_code == 400
    assert client.get("/suggestions/carried-over/").status_code == 200


def test_the_ledger_page_costs_the_same_queries_however_many_items(
    ctx, unit, staff, client, count_queries
):
    replied(ctx, unit, "B")
    roll()
    url = "/suggestions/carried-over/2023/"
    small = count_queries(client, url)
    for n in range(4):
        item = replied(ctx, unit, "B", title=f"关于第{n}条乡村道路提升的建议")
        hs.progress_report(
            assignment=item.assignments.get(),
            reported_on=datetime.date(2022, 9, 1),
            text="推进中",
            percent=30 + n,
            by=staff,
        )
    CarryOver.objects.all().delete()
    roll()
    cache.clear()
    assert count_queries(client, url) == small


def test_the_roll_over_costs_the_same_queries_however_many_items(ctx, unit, count_queries):
    replied(ctx, unit, "B")
    with count_queries.capture() as one:
        roll()
    CarryOver.objects.all().delete()
    for n in range(4):
        replied(ctx, unit, "B", title=f"关于第{n}条乡村道路提升的建议")
    with count_queries.capture() as five:
        roll()
    # The reads and the bulk insert are fixed; each item adds its public timeline step only.
    assert len(five.captured_queries) - len(one.captured_queries) == 4


def test_the_office_reads_the_ledger_keeps_notes_and_takes_an_entry_off_with_its_reason(
    ctx, unit, staff, client
):
    item = replied(ctx, unit, "B")
    roll()
    entry = CarryOver.objects.get()
    client.force_login(staff)
    listing = client.get("/admin/proposals/carryover/").content.decode()
    assert "/admin/proposals/carryover/roll-over/" in listing and item.code in listing
    action = {"action": "drop", "_selected_action": [entry.pk]}
    asked = client.post("/admin/proposals/carryover/", {**action, "apply": "1", "reason": " "})
    assert asked.status_code == 200  # the reason is required: asked again, nothing changed
    entry.refresh_from_db()
    assert entry.status == CarryOver.Status.OPEN
    reason = "代表同意纳入省级项目统筹解决。"
    client.post("/admin/proposals/carryover/", {**action, "apply": "1", "reason": reason})
    entry.refresh_from_db()
    assert (entry.status, entry.drop_reason) == (CarryOver.Status.DROPPED, reason)
    assert entry.closed_on == timezone.localdate()
    page = client.get(f"/suggestions/{item.pk}/").content.decode()
    assert reason in page and "不再跟踪" in page
