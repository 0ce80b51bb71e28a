"""The handling loop (issue 10 findings 3, 4, 6; issue 11 finding 4): co-handlers' views, the
running clocks in working days, reminders once each, and the office's decision on a 不满意."""

import datetime
import logging

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation
from django.utils.formats import date_format

from congress.kit import notify
from congress.kit.errors import DomainError
from congress.models import Holiday
from proposals.handling import clocks
from proposals.handling import services as handling_services
from proposals.models import CoHandlerView, Feedback, ReminderSent, Suggestion, TimelineEntry
from tests.factories import UnitMembershipFactory, UserFactory
from tests.proposals import helpers

S = Suggestion.Status
PASSWORD = "pw-for-tests"
ASSIGNED_ON = datetime.date(2022, 3, 18)  # a Friday


def login(client, path, username):
    response = client.post(path, {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def ctx(lead, session, category, staff):
    return {"lead": lead, "session": session, "category": category, "by": staff}


@pytest.fixture
def co_handled(ctx, unit, other_unit):
    """Assigned on 18 March 2022 to 市交通运输局 (lead) and 市住房和城乡建设局 (co-handler)."""
    suggestion = helpers.assigned(unit=unit, co_units=[other_unit], on=ASSIGNED_ON, **ctx)
    lead_clerk = UnitMembershipFactory(
        organisation=unit, user=UserFactory(username="lead-clerk", email="lead@unit.cn")
    ).user
    co_clerk = UnitMembershipFactory(
        organisation=other_unit, user=UserFactory(username="co-clerk", email="co@unit.cn")
    ).user
    for user in (lead_clerk, co_clerk):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return {"suggestion": suggestion, "lead_clerk": lead_clerk, "co_clerk": co_clerk}


def change_page(client, suggestion):
    response = client.get(f"/admin/proposals/suggestion/{suggestion.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


# -- co-handlers' views ---------------------------------------------------------------------------


def test_co_handler_sends_its_view_and_only_then_the_lead_may_reply(
    client, co_handled, other_unit, django_capture_on_commit_callbacks
):
    suggestion = co_handled["suggestion"]
    login(client, "/admin/login/", "co-clerk")
    page = change_page(client, suggestion)
    view_url = f"/admin/proposals/suggestion/{suggestion.pk}/cohandler-view/"
    reply_url = f"/admin/proposals/suggestion/{suggestion.pk}/reply/"
    # The co-handler is offered its own action, never the lead's reply it would be refused.
    assert f'href="{view_url}"' in page
    assert f'href="{reply_url}"' not in page
    assert client.get(reply_url).status_code == 403

    client.logout()
    login(client, "/admin/login/", "lead-clerk")
    page = change_page(client, suggestion)
    assert f'href="{reply_url}"' not in page  # waiting for the co-handler's view
    assert other_unit.name in page  # … and the page says whose
    assert f'href="{view_url}"' not in page

    client.logout()
    login(client, "/admin/login/", "co-clerk")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(view_url, {"text": "同意主办单位意见，配合实施。"})
    assert response.status_code == 302
    view = CoHandlerView.objects.get()
    assert view.assignment.organisation == other_unit and view.suggestion == suggestion
    assert [m.to for m in mail.outbox] == [["lead@unit.cn"]]
    assert f'href="{view_url}"' not in change_page(client, suggestion)  # sent: no button

    client.logout()
    login(client, "/admin/login/", "lead-clerk")
    page = change_page(client, suggestion)
    assert "同意主办单位意见，配合实施。" in page  # the lead unit reads the view
    assert f'href="{reply_url}"' in page
    # Assigned in 2022: the windows to send it back and to ask for more time closed long ago.
    assert f"/admin/proposals/suggestion/{suggestion.pk}/return/" not in page
    assert f"/admin/proposals/suggestion/{suggestion.pk}/extend/" not in page


def test_a_clerk_is_offered_return_and_extension_while_they_are_open(client, ctx, unit, other_unit):
    import datetime as dt

    from django.utils import timezone

    suggestion = helpers.assigned(unit=unit, on=timezone.localdate(), **ctx)
    UnitMembershipFactory(organisation=unit, user=UserFactory(username="clerk", is_staff=True))
    login(client, "/admin/login/", "clerk")
    base = f"/admin/proposals/suggestion/{suggestion.pk}"
    page = change_page(client, suggestion)
    assert f'href="{base}/return/"' in page and f'href="{base}/extend/"' in page
    new_due = suggestion.assignments.get().due_date + dt.timedelta(days=30)
    client.post(f"{base}/extend/", {"reason": "需要调研", "new_due_date": new_due.isoformat()})
    page = change_page(client, suggestion)
    assert f'href="{base}/extend/"' not in page  # one request waits already
    assert f'href="{base}/return/"' in page


def test_a_clerk_of_another_unit_cannot_send_a_view(client, co_handled, unit, other_unit):
    suggestion = co_handled["suggestion"]
    outsider = UnitMembershipFactory(user=UserFactory(username="outsider", is_staff=True)).user
    login(client, "/admin/login/", "outsider")
    url = f"/admin/proposals/suggestion/{suggestion.pk}/cohandler-view/"
    assert client.post(url, {"text": "越权意见"}).status_code == 404
    translation.activate("en")  # the request above switched this thread to Chinese
    assignment = suggestion.assignments.get(organisation=other_unit)
    with pytest.raises(DomainError, match="Only a clerk of the co-handling unit"):
        handling_services.cohandler_view_submit(assignment=assignment, text="越权意见", by=outsider)
    # The lead unit's clerk is not the co-handler either, and the lead is not a co-handler.
    with pytest.raises(DomainError, match="Only a clerk of the co-handling unit"):
        handling_services.cohandler_view_submit(
            assignment=assignment, text="越权意见", by=co_handled["lead_clerk"]
        )
    with pytest.raises(DomainError, match="Only an active co-handling unit"):
        handling_services.cohandler_view_submit(
            assignment=suggestion.assignments.get(organisation=unit),
            text="主办单位",
            by=co_handled["lead_clerk"],
        )
    assert not CoHandlerView.objects.exists()
    assert not TimelineEntry.objects.filter(action="cohandler_view").exists()


def test_a_view_needs_text_and_is_sent_once(co_handled, other_unit):
    assignment = co_handled["suggestion"].assignments.get(organisation=other_unit)
    with pytest.raises(DomainError, match="Write the unit's view"):
        handling_services.cohandler_view_submit(
            assignment=assignment, text="  ", by=co_handled["co_clerk"]
        )
    handling_services.cohandler_view_submit(
        assignment=assignment, text="同意", by=co_handled["co_clerk"]
    )
    with pytest.raises(DomainError, match="sent its view already"):
        handling_services.cohandler_view_submit(
            assignment=assignment, text="再次", by=co_handled["co_clerk"]
        )
    assert CoHandlerView.objects.count() == 1


@override_settings()
def test_the_rule_can_let_the_lead_reply_without_views(settings, co_handled, unit):
    settings.CONGRESS_RULES = {**settings.CONGRESS_RULES, "REPLY_NEEDS_CO_HANDLER_VIEWS": False}
    handling_services.reply_record(
        suggestion=co_handled["suggestion"],
        organisation=unit,
        reply_class="A",
        text="答复",
        by=co_handled["lead_clerk"],
    )
    assert Suggestion.objects.get().status == S.REPLIED


# -- clocks ---------------------------------------------------------------------------------------


@pytest.fixture
def qingming(db):
    """2022's Qingming break: 4 and 5 April off, Saturday 2 April worked."""
    Holiday.objects.create(date=datetime.date(2022, 4, 4), name="清明节")
    Holiday.objects.create(date=datetime.date(2022, 4, 5), name="清明节")
    Holiday.objects.create(date=datetime.date(2022, 4, 2), name="调休", is_working_day=True)


def test_clocks_in_working_days_with_the_holiday_table(co_handled, qingming):
    suggestion = Suggestion.objects.get(pk=co_handled["suggestion"].pk)
    found = {c.code: c for c in clocks.item_clocks(suggestion, today=datetime.date(2022, 3, 28))}
    assert set(found) == {"return", "reply", "extend", "view"}
    # 7 working days after Friday 18 March: Tuesday 29 March.
    assert found["return"].due == datetime.date(2022, 3, 29) and found["return"].days_left == 1
    # The view is due a month on, 18 April: 15 weekdays away, less 4-5 April, plus 2 April.
    assert found["view"].due == datetime.date(2022, 4, 18)
    assert found["view"].days_left == 14
    assert found["reply"].due == datetime.date(2022, 6, 18)
    assert found["extend"].due == datetime.date(2022, 9, 18)
    late = clocks.item_clocks(suggestion, today=datetime.date(2022, 4, 21))
    view = next(c for c in late if c.code == "view")
    assert view.overdue and view.days_late == 3
    assert "return" not in {c.code for c in late}  # the window has closed
    assert "3 working days overdue" in view.text


def test_the_deputy_sees_only_the_deadlines_that_concern_them(co_handled):
    suggestion = Suggestion.objects.get(pk=co_handled["suggestion"].pk)
    codes = {c.code for c in clocks.item_clocks(suggestion, audience="deputy")}
    assert codes <= {"reply", "rehandle", "decide"}


def test_clocks_shown_on_the_admin_page_and_the_workspace(client, co_handled, lead):
    login(client, "/admin/login/", "co-clerk")
    page = change_page(client, co_handled["suggestion"])
    assert "co-handler" in page or "协办意见" in page
    client.logout()
    login(client, "/accounts/login/", lead.user.username)
    page = client.get(f"/en/portal/suggestions/{co_handled['suggestion'].pk}/").content.decode()
    assert "Deadlines" in page and "reply" in page
    assert date_format(datetime.date(2022, 6, 18), "DATE_FORMAT") in page


# -- reminders ------------------------------------------------------------------------------------


def remind(day, capture):
    mail.outbox.clear()
    with capture(execute=True):
        call_command("send_reminders", today=day)
    return [(m.to, m.subject) for m in mail.outbox]


def test_reminders_once_before_and_once_when_missed_skipping_holidays(
    co_handled, qingming, django_capture_on_commit_callbacks
):
    Holiday.objects.create(date=datetime.date(2022, 4, 13), name="测试假日")
    cap = django_capture_on_commit_callbacks
    # 5 working days before 18 April: with 13 April off, that is Friday 8 April, not the 11th.
    assert remind("2022-04-07", cap) == []
    sent = remind("2022-04-08", cap)
    assert [to for to, _subject in sent] == [["co@unit.cn"]]
    assert remind("2022-04-08", cap) == []  # a rerun sends nothing new
    assert remind("2022-04-18", cap) == []  # due today: reminded already
    missed = remind("2022-04-19", cap)
    assert [to for to, _subject in missed] == [["co@unit.cn"]]
    assert "missed" in missed[0][1]
    assert remind("2022-04-20", cap) == []
    assert ReminderSent.objects.count() == 2


def test_staff_are_reminded_of_an_undecided_unsatisfied_rating(
    ctx, unit, django_capture_on_commit_callbacks
):
    suggestion, reply = helpers.replied(unit=unit, **ctx)
    handling_services.feedback_give(
        reply=reply,
        rater=ctx["lead"],
        process_rating="satisfied",
        result_rating="unsatisfied",
        comment="未解决",
        by=ctx["lead"].user,
    )
    Feedback.objects.update(given_at=datetime.datetime(2022, 6, 1, 9, tzinfo=datetime.UTC))
    sent = remind("2022-06-09", django_capture_on_commit_callbacks)  # due 8 June
    assert [to for to, _s in sent] == [[ctx["by"].email]]
    assert remind("2022-06-10", django_capture_on_commit_callbacks) == []


def test_send_reminders_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="2022-05-18"):
        call_command("send_reminders", today="18/05/2022")


# -- the 不满意 loop --------------------------------------------------------------------------------


@pytest.fixture
def unsatisfied(ctx, unit, django_capture_on_commit_callbacks):
    suggestion, reply = helpers.replied(unit=unit, **ctx)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        handling_services.feedback_give(
            reply=reply,
            rater=ctx["lead"],
            process_rating="basically",
            result_rating="unsatisfied",
            comment="路灯仍未安装",
            by=ctx["lead"].user,
        )
    return suggestion


def test_staff_are_told_at_once_and_the_item_is_in_the_filter(client, unsatisfied, ctx):
    assert [m.to for m in mail.outbox] == [[ctx["by"].email]]
    assert "路灯仍未安装" in mail.outbox[0].body
    login(client, "/admin/login/", ctx["by"].username)
    listed = client.get("/en/admin/proposals/suggestion/?unsatisfied=pending").content.decode()
    assert unsatisfied.title in listed
    assert "unsatisfied, waiting for a decision" in listed
    handling_services.suggestion_rehandle(suggestion=unsatisfied, by=ctx["by"])
    listed = client.get("/en/admin/proposals/suggestion/?unsatisfied=pending").content.decode()
    assert unsatisfied.title not in listed


def test_the_deputy_sees_what_happens_next_and_is_told_the_decision(
    client, unsatisfied, ctx, django_capture_on_commit_callbacks
):
    deputy = ctx["lead"]
    login(client, "/accounts/login/", deputy.user.username)
    page = client.get(f"/en/portal/suggestions/{unsatisfied.pk}/").content.decode()
    assert "What happens next" in page and "The office decides" in page

    client.logout()
    login(client, "/admin/login/", ctx["by"].username)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/admin/proposals/suggestion/",
            {
                "action": "decide_unsatisfied",
                "_selected_action": [unsatisfied.pk],
                "apply": "1",
                "decision": "rehandle",
                "reason": "请与代表面商后重新答复。",
            },
        )
    assert response.status_code == 302
    unsatisfied.refresh_from_db()
    assert unsatisfied.status == S.REHANDLING
    told = [m for m in mail.outbox if m.to == [deputy.user.email]]
    assert len(told) == 1 and "请与代表面商后重新答复。" in told[0].body

    client.logout()
    login(client, "/accounts/login/", deputy.user.username)
    page = client.get(f"/en/portal/suggestions/{unsatisfied.pk}/").content.decode()
    due = unsatisfied.lead_assignment().due_date
    assert "handles the suggestion again" in page
    assert date_format(due, "DATE_FORMAT") in page


def test_closing_over_an_unsatisfied_rating_needs_reasons(client, unsatisfied, ctx):
    login(client, "/admin/login/", ctx["by"].username)
    response = client.post(
        "/en/admin/proposals/suggestion/",
        {
            "action": "decide_unsatisfied",
            "_selected_action": [unsatisfied.pk],
            "apply": "1",
            "decision": "close",
            "reason": "",
        },
    )
    assert response.status_code == 200
    assert "Give the reasons for closing the item." in response.content.decode()
    translation.activate("en")
    with pytest.raises(DomainError, match="give the reasons"):
        handling_services.suggestion_close(suggestion=unsatisfied, by=ctx["by"])
    unsatisfied.refresh_from_db()
    assert unsatisfied.status == S.REPLIED
    handling_services.suggestion_decide_unsatisfied(
        suggestion=unsatisfied, rehandle=False, reason="财政已列入明年预算。", by=ctx["by"]
    )
    unsatisfied.refresh_from_db()
    assert unsatisfied.status == S.CLOSED
    login(client, "/accounts/login/", ctx["lead"].user.username)
    page = client.get(f"/en/portal/suggestions/{unsatisfied.pk}/").content.decode()
    assert "closed the suggestion without handling it again" in page
    assert "财政已列入明年预算。" in page


def test_no_decision_without_an_unsatisfied_rating(ctx, unit):
    suggestion, _reply = helpers.replied(unit=unit, **ctx)
    with pytest.raises(DomainError, match="No deputy is waiting"):
        handling_services.suggestion_decide_unsatisfied(
            suggestion=suggestion, rehandle=True, by=ctx["by"]
        )
    assert Suggestion.objects.get(pk=suggestion.pk).status == S.REPLIED


# -- the notification channel ---------------------------------------------------------------------


class BrokenChannel(notify.Channel):
    name = "broken"

    def send(self, user, subject, body, url=""):
        raise ConnectionError(f"gateway down for {user.email}")


def test_a_failing_channel_is_logged_without_personal_data_and_others_still_deliver(
    db, settings, caplog, django_capture_on_commit_callbacks
):
    settings.NOTIFY_CHANNELS = [
        "tests.proposals.test_handling_loop.BrokenChannel",
        "congress.kit.notify.EmailChannel",
    ]
    user = UserFactory(username="someone", email="secret-person@example.cn")
    mail.outbox.clear()
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        notify.notify(user, "主题", "内容：手机 13800000000")
    assert [m.to for m in mail.outbox] == [["secret-person@example.cn"]]
    assert "channel=broken" in caplog.text
    assert "secret-person" not in caplog.text and "13800000000" not in caplog.text


def test_nothing_is_sent_when_the_step_rolls_back(db, django_capture_on_commit_callbacks):
    from django.db import transaction

    user = UserFactory(username="someone", email="a@example.cn")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            notify.notify(user, "主题", "内容")
            raise RuntimeError
    assert mail.outbox == []


# -- no button or link a role would be refused ------------------------------------------------------


@pytest.mark.parametrize("username", ["co-clerk", "lead-clerk"])
def test_every_admin_link_a_clerk_is_shown_opens(client, co_handled, username):
    import re

    login(client, "/admin/login/", username)
    suggestion = co_handled["suggestion"]
    for url in ("/admin/", "/admin/proposals/suggestion/"):
        assert client.get(url).status_code == 200
    page = change_page(client, suggestion)
    links = set(re.findall(r'href="(/admin/[^"#]*)"', page))
    assert links, "the page links somewhere"
    refused = {url: client.get(url).status_code for url in links}
    refused = {url: code for url, code in refused.items() if code not in (200, 302)}
    assert refused == {}


def test_staff_are_reminded_of_a_units_request_waiting_for_their_decision(
    ctx, unit, django_capture_on_commit_callbacks
):
    from proposals.models import ReturnRequest

    suggestion = helpers.assigned(unit=unit, on=ASSIGNED_ON, **ctx)
    handling_services.return_request(
        assignment=suggestion.assignments.get(),
        reason="不属于本单位职责",
        by=ctx["by"],
        on=datetime.date(2022, 3, 21),
    )
    ReturnRequest.objects.update(
        requested_at=datetime.datetime(2022, 3, 21, 9, tzinfo=datetime.UTC)
    )
    # Decision due 5 working days on, Monday 28 March: reminded before, then when missed.
    before = remind("2022-03-22", django_capture_on_commit_callbacks)
    assert [to for to, _s in before] == [[ctx["by"].email]]
    missed = remind("2022-03-29", django_capture_on_commit_callbacks)
    assert [to for to, _s in missed] == [[ctx["by"].email]]
    assert remind("2022-03-30", django_capture_on_commit_callbacks) == []
