"""The demo's notices (issue 16): the year's inboxes and delivery log, dated to the story."""

import datetime
import io
from collections import Counter

import pytest

from congress.demo import DemoContext, run
from congress.notices.models import Delivery, Notice, NoticePreference
from proposals import notices_demo
from proposals.models import Contact, Feedback, Signature, Suggestion

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_db():
    """The whole pipeline (the clerks' logins come from the budget step), in the test's
    transaction: nothing is left for the next test."""
    run(DemoContext(password="demo-password-for-tests"))


def snapshot():
    return (
        list(Notice.objects.order_by("pk").values_list("pk", "user_id", "event", "read_at")),
        list(Delivery.objects.order_by("pk").values_list("pk", "notice_id", "channel", "status")),
    )


def test_every_kind_of_notice_the_year_gave_and_its_log(demo_db):
    by_event = Counter(Notice.objects.values_list("event", flat=True))
    year = Suggestion.objects.filter(year=2022)
    cosigners = Signature.objects.filter(suggestion__in=year, status="confirmed").count()
    signers = Feedback.objects.filter(suggestion__in=year).count()
    assert by_event["cosign_request"] == cosigners
    assert by_event["reply_published"] == signers
    assert by_event["contact_to_confirm"] == Contact.objects.filter(suggestion__in=year).count()
    assert by_event["item_assigned"] > 0  # the clerks with a login (交通运输局's among them)
    assert 0 < by_event["rating_due"] < signers
    assert by_event["promise_due"] > 0  # class B items of the units with a clerk's login
    for notice in Notice.objects.filter(event="promise_due"):
        assert notice.user.unit_memberships.exists() and "承诺办结时限" in notice.subject
    # Most are read; the ones of December are not.
    unread = Notice.objects.filter(read_at__isnull=True)
    assert 0 < unread.count() < Notice.objects.count() / 4
    assert (
        not Notice.objects.filter(
            created_at__gte=datetime.datetime(2022, 12, 1, tzinfo=datetime.UTC),
            read_at__isnull=False,
        )
        .exclude(event="cosign_request")
        .exclude(event="item_assigned")
        .exists()
    )
    # Texts held by the quiet hours, then sent at 08:00.
    held = Delivery.objects.filter(channel="sms", status="queued")
    assert held.exists()
    for row in held[:5]:
        morning = row.not_before.astimezone(datetime.timezone(datetime.timedelta(hours=8)))
        assert (morning.hour, morning.minute) == (8, 0)
        assert row.notice.deliveries.filter(channel="sms", status="sent").exists()
    # One text failed three times and went by e-mail instead, all in the log.
    failed = Delivery.objects.filter(channel="sms", status="failed")
    assert failed.count() == 3
    notice = failed.first().notice
    assert notice.event == "reply_published"
    assert notice.deliveries.get(fallback=True).status == "sent"
    assert NoticePreference.objects.get(user=notice.user, event="reply_published").sms
    # No phone number or address in the log.
    for row in Delivery.objects.values("provider_id", "error")[:200]:
        assert "@" not in row["error"] and not row["provider_id"].startswith("1")

    # Run again, the step writes nothing and keeps every row.
    before = snapshot()
    out = io.StringIO()
    notices_demo.load(stdout=out)
    assert snapshot() == before
    assert "notices: " in out.getvalue()


def test_a_demo_deputys_inbox_shows_them_in_chinese(demo_db, client):
    xu = Suggestion.objects.get(title="关于加快农村道路亮化设施建设的建议")
    user = xu.lead.user
    client.force_login(user)
    page = client.get("/notices/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"您的建议{xu.code}已答复" in html
    mine = Notice.objects.filter(user=user)
    assert mine.filter(event="reply_published", object_id=xu.pk).exists()
    assert mine.filter(subject=f"请确认您的建议{xu.code}的面商记录").exists()
    assert "2022年" in "".join(mine.values_list("body", flat=True))
