"""A promise coming due (issue 16): the lead unit's clerks are reminded of a class B reply's
promised completion date PROMISE_REMINDER_WORKING_DAYS working days before it, once, through
the notification layer (inbox, e-mail, text), by the daily `manage.py send_reminders`."""

import datetime
import io
import zoneinfo

import pytest
from django.core import mail
from django.core.management import call_command

from congress.models import Notice, NoticeProfile
from congress.notices import delivery, events, sms
from proposals.models import ReminderSent, Suggestion
from tests import factories

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
S = Suggestion.Status
TODAY = datetime.date(2022, 11, 1)  # a Tuesday
PROMISED = datetime.date(2022, 11, 11)  # 8 working days later: within the 10


@pytest.fixture(autouse=True)
def office_hours(monkeypatch):
    moment = datetime.datetime.combine(TODAY, datetime.time(9), SHANGHAI)
    monkeypatch.setattr(delivery, "current_time", lambda: moment)
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def unit():
    return factories.OrganisationFactory(name="市住房和城乡建设局")


@pytest.fixture
def clerk(unit):
    user = factories.UnitMembershipFactory(organisation=unit, user__email="clerk@unit.cn").user
    NoticeProfile.objects.create(user=user, mobile="13800001111")
    return user


def promise(unit, promised_by, *, done=False):
    item = factories.SuggestionFactory(
        status=S.CLOSED, tracking=not done, code=f"十六届一次会议第{promised_by.day:03d}号"
    )
    factories.AssignmentFactory(suggestion=item, organisation=unit)
    factories.ReplyFactory(
        suggestion=item, organisation=unit, reply_class="B", promised_by=promised_by
    )
    if done:
        factories.ReplyFactory(
            suggestion=item,
            organisation=unit,
            reply_class="A",
            is_followup=True,
            replied_at=datetime.date(2022, 10, 20),
        )
    return item


def run(day, capture):
    out = io.StringIO()
    with capture(execute=True):
        call_command("send_reminders", today=day.isoformat(), stdout=out)
    return out.getvalue()


def test_the_lead_units_clerks_are_told_once_by_inbox_mail_and_text(
    unit, clerk, django_capture_on_commit_callbacks
):
    item = promise(unit, PROMISED)
    other_clerk = factories.UnitMembershipFactory(user__email="other@unit.cn").user

    output = run(TODAY, django_capture_on_commit_callbacks)

    assert "1 units reminded of a date they promised." in output
    notice = Notice.objects.get(event=events.PROMISE_DUE)
    assert notice.user == clerk and notice.about == item
    assert notice.url == f"/admin/proposals/suggestion/{item.pk}/change/"
    assert "2022年11月11日" in notice.subject and item.code in notice.subject
    assert [m.to for m in mail.outbox] == [["clerk@unit.cn"]]
    (text,) = sms.outbox
    assert text.phone == "13800001111" and text.event == events.PROMISE_DUE
    assert item.code in text.text and "2022年11月11日" in text.text and "/n/" in text.text
    assert not Notice.objects.filter(user=other_clerk).exists()
    assert not Notice.objects.filter(user=item.lead.user).exists()

    # The next run, the same day or any later day before the date, sends nothing new.
    for day in (TODAY, TODAY + datetime.timedelta(days=1), PROMISED):
        assert "0 units reminded" in run(day, django_capture_on_commit_callbacks)
    assert Notice.objects.filter(event=events.PROMISE_DUE).count() == 1
    assert ReminderSent.objects.filter(key=f"promise:{item.pk}:2022-11-11").get().recipients == 1


def test_no_reminder_too_early_after_the_date_or_for_a_done_item(
    unit, clerk, django_capture_on_commit_callbacks
):
    promise(unit, datetime.date(2022, 12, 30))  # about 44 working days away
    promise(unit, datetime.date(2022, 10, 31))  # passed: the to-do list shows it instead
    promise(unit, PROMISED, done=True)

    assert "0 units reminded" in run(TODAY, django_capture_on_commit_callbacks)
    assert not Notice.objects.filter(event=events.PROMISE_DUE).exists()
    assert not mail.outbox and not sms.outbox


def test_a_new_promised_date_is_reminded_again(unit, clerk, django_capture_on_commit_callbacks):
    item = promise(unit, PROMISED)
    run(TODAY, django_capture_on_commit_callbacks)
    item.replies.filter(is_followup=False).update(promised_by=datetime.date(2022, 11, 25))

    run(datetime.date(2022, 11, 15), django_capture_on_commit_callbacks)

    assert Notice.objects.filter(event=events.PROMISE_DUE, user=clerk).count() == 2


def test_the_number_of_working_days_is_a_rule(
    unit, clerk, settings, django_capture_on_commit_callbacks
):
    settings.CONGRESS_RULES = {**settings.CONGRESS_RULES, "PROMISE_REMINDER_WORKING_DAYS": 3}
    promise(unit, PROMISED)

    assert "0 units reminded" in run(TODAY, django_capture_on_commit_callbacks)
    assert "1 units reminded" in run(datetime.date(2022, 11, 8), django_capture_on_commit_callbacks)
