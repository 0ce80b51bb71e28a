"""Notices that reach people (issue 16 item 4): who gets what on which channel for each event,
quiet hours, retries and the fallback to e-mail, preferences, residents' consent, the inbox,
short links, and no phone number in any log.

Texts go to congress.notices.sms.outbox (tests/settings.py: LocmemBackend); the time source of
the layer (congress.notices.delivery.current_time) is set by the `at` fixture.
"""

import datetime
import logging
import zoneinfo

import pytest
from django.core import mail
from django.db import transaction

from congress.kit import notify
from congress.models import Delivery, Notice, NoticePreference, ShortLink
from congress.notices import delivery, events, sms
from proposals import services
from proposals.handling import services as handling_services
from proposals.handling.reminders import send_reminders
from proposals.models import Opinion, Rating, Suggestion
from proposals.opinions import services as opinion_services
from proposals.suggestions import services as suggestion_services
from tests.factories import OpinionFactory, OrganisationFactory, UnitMembershipFactory
from tests.proposals import helpers

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
PHONE = "13912345678"  # every deputy of the factories has it


@pytest.fixture(autouse=True)
def empty_outboxes():
    sms.outbox.clear()
    mail.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def at(monkeypatch):
    """Stand at a local time in Pinghu: at(23) is 23:00 tonight."""

    def stand(hour, minute=0, day=datetime.date(2022, 6, 10)):
        moment = datetime.datetime.combine(day, datetime.time(hour, minute), SHANGHAI)
        monkeypatch.setattr(delivery, "current_time", lambda: moment)
        return moment

    stand(10)  # office hours unless a test says otherwise
    return stand


@pytest.fixture
def now_on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def clerk(unit):
    membership = UnitMembershipFactory(organisation=unit, user__email="clerk@unit.cn")
    return membership.user


def log(notice, channel=None):
    rows = notice.deliveries.order_by("pk")
    if channel:
        rows = rows.filter(channel=channel)
    return [(d.channel, d.status, d.fallback, d.error) for d in rows]


def texts_to(phone=PHONE):
    return [t for t in sms.outbox if t.phone == phone]


# -- per event: who gets what on which channel ------------------------------------------------


def test_a_cosign_request_reaches_the_deputy_in_the_inbox_by_mail_and_by_text(
    lead, make_deputy, session, category, now_on_commit, at
):
    colleague = make_deputy("王芳")
    draft = helpers.draft(lead=lead, session=session, category=category, by=lead.user)
    with now_on_commit():
        signature = services.signature_request(item=draft, deputy=colleague, by=lead.user)
    (notice,) = Notice.objects.filter(user=colleague.user)
    assert notice.event == events.COSIGN_REQUEST and notice.read_at is None
    assert notice.url == f"/portal/signatures/{signature.pk}/"
    assert [m.to for m in mail.outbox] == [[colleague.user.email]]
    (text,) = sms.outbox
    assert text.phone == PHONE and text.event == "cosign_request"
    assert text.params["lead"] == "徐杰"
    link = ShortLink.objects.get()
    assert f"/n/{link.code}/" in text.text and "徐杰" in text.text
    assert log(notice) == [("email", "sent", False, ""), ("sms", "sent", False, "")]
    assert not Notice.objects.filter(user=lead.user).exists()


def test_an_assigned_item_reaches_the_units_clerk_who_has_no_mobile_by_mail(
    lead, session, category, staff, unit, clerk, now_on_commit
):
    suggestion = helpers.registered(lead=lead, session=session, category=category, by=staff)
    with now_on_commit():
        handling_services.suggestion_assign(
            suggestion=suggestion, lead_unit=unit, by=staff, on=datetime.date(2022, 3, 18)
        )
    (notice,) = Notice.objects.filter(user=clerk)
    assert notice.event == events.ITEM_ASSIGNED
    assert notice.params["code"] == suggestion.code
    assert [m.to for m in mail.outbox] == [["clerk@unit.cn"]]
    assert sms.outbox == []  # a clerk's account has no mobile: the text is skipped
    assert log(notice) == [("email", "sent", False, ""), ("sms", "skipped", False, "no_phone")]


def test_a_reply_reaches_every_signer_with_a_link_to_rate_it(
    lead, make_deputy, session, category, staff, unit, now_on_commit
):
    colleague = make_deputy("王芳")
    draft = helpers.draft(lead=lead, session=session, category=category, by=lead.user)
    signature = services.signature_request(item=draft, deputy=colleague, by=lead.user)
    services.signature_confirm(signature=signature, by=colleague.user)
    suggestion_services.suggestion_submit(suggestion=draft, by=lead.user)
    suggestion_services.suggestion_register(suggestion=draft, by=staff)
    handling_services.suggestion_assign(suggestion=draft, lead_unit=unit, by=staff)
    suggestion = Suggestion.objects.get(pk=draft.pk)
    with now_on_commit():
        reply = handling_services.reply_record(
            suggestion=suggestion, organisation=unit, reply_class="A", text="已解决", by=staff
        )
    notices = Notice.objects.filter(event=events.REPLY_PUBLISHED)
    assert {n.user for n in notices} == {lead.user, colleague.user}
    assert {n.url for n in notices} == {f"/portal/replies/{reply.pk}/rate/"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([lead.user.email, colleague.user.email])
    assert len(texts_to()) == 2 and all(suggestion.code in t.text for t in sms.outbox)


def test_deadline_reminders_reach_the_clerks_near_and_missed(
    lead, session, category, staff, unit, clerk, now_on_commit
):
    helpers.assigned(
        unit=unit, lead=lead, session=session, category=category, by=staff,
        on=datetime.date(2022, 3, 18),
    )  # fmt: skip
    Notice.objects.all().delete()
    with now_on_commit():
        send_reminders(today=datetime.date(2022, 6, 13))  # due 2022-06-18: 5 working days
        send_reminders(today=datetime.date(2022, 6, 21))  # missed
    events_told = list(
        Notice.objects.filter(user=clerk).order_by("pk").values_list("event", flat=True)
    )
    assert events.DEADLINE_NEAR in events_told and events.DEADLINE_MISSED in events_told
    missed = Notice.objects.filter(user=clerk, event=events.DEADLINE_MISSED).first()
    assert missed.params["date"]  # the SMS template's date
    # A clerk has no mobile: mail only.
    assert sms.outbox == [] and all(m.to == ["clerk@unit.cn"] for m in mail.outbox)


def test_the_decision_on_a_not_satisfied_rating_reaches_the_unit_and_the_signers(
    lead, session, category, staff, unit, clerk, now_on_commit
):
    suggestion, reply = helpers.replied(
        unit=unit, lead=lead, session=session, category=category, by=staff
    )
    handling_services.feedback_give(
        reply=reply,
        rater=lead,
        process_rating=Rating.UNSATISFIED,
        result_rating=Rating.UNSATISFIED,
        by=lead.user,
        comment="没有解决",
    )
    Notice.objects.all().delete()
    with now_on_commit():
        handling_services.suggestion_decide_unsatisfied(
            suggestion=suggestion, rehandle=True, by=staff, reason="请重新办理"
        )
    told = {(n.user, n.event) for n in Notice.objects.filter(event=events.UNSATISFIED_DECISION)}
    assert told == {(clerk, events.UNSATISFIED_DECISION), (lead.user, events.UNSATISFIED_DECISION)}
    assert [t.phone for t in sms.outbox] == [PHONE]  # the deputy; the clerk has no mobile


def test_a_unit_recording_a_contact_asks_the_lead_deputy_to_confirm_it(
    lead, session, category, staff, unit, now_on_commit
):
    suggestion = helpers.assigned(
        unit=unit, lead=lead, session=session, category=category, by=staff
    )
    assignment = suggestion.assignments.get()
    with now_on_commit():
        handling_services.contact_record(
            assignment=assignment,
            contact_on=datetime.date(2022, 4, 1),
            way="site",
            stage="before",
            participants="徐杰、李科长",
            by=staff,
        )
    (notice,) = Notice.objects.filter(user=lead.user)
    assert notice.event == events.CONTACT_TO_CONFIRM
    # Its default is e-mail and the inbox, no text.
    assert [m.to for m in mail.outbox] == [[lead.user.email]] and sms.outbox == []


# -- residents ------------------------------------------------------------------------------


def test_a_resident_who_agreed_is_texted_when_the_opinion_is_answered(staff, now_on_commit):
    opinion = OpinionFactory(phone="13700001111", texts=True)
    with now_on_commit():
        opinion_services.opinion_answer(opinion=opinion, by=staff, text="已修复路灯。")
    (notice,) = Notice.objects.filter(event=events.OPINION_ANSWERED)
    assert notice.user is None and notice.about == opinion
    (text,) = sms.outbox
    assert text.phone == "13700001111"
    # The link opens the tracking page without a login; the text carries no tracking code.
    assert opinion.code not in text.text
    assert mail.outbox == []
    assert log(notice) == [("sms", "sent", False, "")]


def test_a_resident_without_consent_to_texts_is_not_texted(staff, now_on_commit):
    opinion = OpinionFactory(phone="13700001111", texts=False)
    with now_on_commit():
        opinion_services.opinion_answer(opinion=opinion, by=staff, text="已修复路灯。")
    (notice,) = Notice.objects.filter(event=events.OPINION_ANSWERED)
    assert sms.outbox == []
    assert log(notice) == [("sms", "skipped", False, "no_consent")]


def test_a_units_reply_to_a_routed_opinion_texts_the_resident(staff, unit, now_on_commit):
    opinion = OpinionFactory(phone="13700001111", texts=True)
    opinion_services.opinion_route(opinion=opinion, organisation=unit, by=staff)
    with now_on_commit():
        opinion_services.opinion_reply_record(
            opinion=opinion, organisation=unit, text="已安排维修。", by=staff
        )
    assert [t.phone for t in sms.outbox] == ["13700001111"]


def test_asking_for_texts_without_a_number_is_refused_beside_the_field(client, db):
    from tests.factories import StationFactory

    station = StationFactory()
    response = client.post(
        f"/en/opinions/new/?station={station.pk}",
        {
            "category": "roads",
            "content": "小区门口的路灯坏了，晚上出行不方便，请尽快修复。",
            "phone": "",
            "texts": "on",
            "consent": "on",
        },
    )
    assert response.status_code == 200
    assert "Give a mobile number to be texted." in response.content.decode()
    assert not Opinion.objects.exists()


# -- quiet hours, retries, fallback ---------------------------------------------------------


def test_quiet_hours_hold_a_text_until_the_morning_but_not_the_mail(
    lead, make_deputy, session, category, now_on_commit, at
):
    colleague = make_deputy("王芳")
    draft = helpers.draft(lead=lead, session=session, category=category, by=lead.user)
    at(23, 15)
    with now_on_commit():
        services.signature_request(item=draft, deputy=colleague, by=lead.user)
    notice = Notice.objects.get(user=colleague.user)
    assert [m.to for m in mail.outbox] == [[colleague.user.email]]  # at once
    assert sms.outbox == []
    held = notice.deliveries.get(channel="sms")
    assert held.status == Delivery.Status.QUEUED
    assert held.not_before == datetime.datetime(2022, 6, 11, 8, 0, tzinfo=SHANGHAI)
    # At 07:30 it is still night; at 08:05 the text goes, once.
    assert delivery.send_queued(now=at(7, 30, day=datetime.date(2022, 6, 11))) == 0
    assert delivery.send_queued(now=at(8, 5, day=datetime.date(2022, 6, 11))) == 1
    assert delivery.send_queued(now=at(8, 10, day=datetime.date(2022, 6, 11))) == 0
    assert len(sms.outbox) == 1
    assert log(notice, "sms") == [("sms", "queued", False, "released"), ("sms", "sent", False, "")]


def test_the_quiet_hours_are_a_rule(settings):
    rules = {**settings.CONGRESS_RULES, "SMS_QUIET_HOURS": ("21:30", "07:00")}
    settings.CONGRESS_RULES = rules
    at = datetime.datetime(2022, 6, 10, 21, 45, tzinfo=SHANGHAI)
    assert delivery.quiet_until(at) == datetime.datetime(2022, 6, 11, 7, 0, tzinfo=SHANGHAI)
    early = datetime.datetime(2022, 6, 11, 6, 0, tzinfo=SHANGHAI)
    assert delivery.quiet_until(early) == datetime.datetime(2022, 6, 11, 7, 0, tzinfo=SHANGHAI)
    assert delivery.quiet_until(datetime.datetime(2022, 6, 11, 12, tzinfo=SHANGHAI)) is None
    settings.CONGRESS_RULES = {**rules, "SMS_QUIET_HOURS": None}
    assert delivery.quiet_until(at) is None


class RefusingBackend(sms.BaseBackend):
    calls = 0

    def send(self, text):
        RefusingBackend.calls += 1
        raise sms.SmsError("isp.SYSTEM_ERROR")


class BrokenBackend(sms.BaseBackend):
    def send(self, text):
        raise ConnectionError(f"gateway down for {text.phone}: {text.text}")


def test_a_failed_text_is_tried_again_then_falls_back_to_mail_all_logged(
    lead, make_deputy, session, category, settings, now_on_commit, caplog
):
    settings.SMS_BACKEND = "tests.proposals.test_notices.RefusingBackend"
    RefusingBackend.calls = 0
    colleague = make_deputy("王芳")
    # The deputy wants co-sign requests by text only.
    NoticePreference.objects.create(
        user=colleague.user, event=events.COSIGN_REQUEST, email=False, sms=True
    )
    draft = helpers.draft(lead=lead, session=session, category=category, by=lead.user)
    with caplog.at_level(logging.INFO), now_on_commit():
        services.signature_request(item=draft, deputy=colleague, by=lead.user)
    notice = Notice.objects.get(user=colleague.user)
    assert RefusingBackend.calls == 3  # SMS_TRIES
    assert log(notice) == [
        ("sms", "failed", False, "isp.SYSTEM_ERROR"),
        ("sms", "failed", False, "isp.SYSTEM_ERROR"),
        ("sms", "failed", False, "isp.SYSTEM_ERROR"),
        ("email", "sent", True, ""),
    ]
    assert list(notice.deliveries.filter(channel="sms").values_list("attempt", flat=True)) == [
        3,
        2,
        1,
    ]
    assert [m.to for m in mail.outbox] == [[colleague.user.email]]
    assert PHONE not in caplog.text and colleague.user.email not in caplog.text


def test_a_provider_refusing_the_number_is_not_tried_again(
    lead, make_deputy, session, category, settings, now_on_commit
):
    settings.SMS_BACKEND = "tests.proposals.test_notices.IllegalNumberBackend"
    colleague = make_deputy("王芳")
    draft = helpers.draft(lead=lead, session=session, category=category, by=lead.user)
    with now_on_commit():
        services.signature_request(item=draft, deputy=colleague, by=lead.user)
    notice = Notice.objects.get(user=colleague.user)
    # E-mail was wanted anyway (the default): no fallback mail on top of it.
    assert log(notice) == [
        ("email", "sent", False, ""),
        ("sms", "failed", False, "isv.MOBILE_NUMBER_ILLEGAL"),
    ]
    assert len(mail.outbox) == 1


class IllegalNumberBackend(sms.BaseBackend):
    def send(self, text):
        raise sms.SmsError("isv.MOBILE_NUMBER_ILLEGAL", retry=False)


def test_a_broken_sms_gateway_never_breaks_the_request_nor_logs_the_number(
    client, lead, make_deputy, session, category, settings, caplog, now_on_commit
):
    settings.SMS_BACKEND = "tests.proposals.test_notices.BrokenBackend"
    colleague = make_deputy("王芳")
    draft = helpers.draft(lead=lead, session=session, category=category, by=lead.user)
    with caplog.at_level(logging.DEBUG), now_on_commit():
        services.signature_request(item=draft, deputy=colleague, by=lead.user)
    notice = Notice.objects.get(user=colleague.user)
    assert [d.error for d in notice.deliveries.filter(channel="sms")] == ["ConnectionError"] * 3
    assert PHONE not in caplog.text and "co-sign" not in caplog.text.lower()
    for row in Delivery.objects.values():
        assert PHONE not in str(row)


def test_nothing_is_told_when_the_step_rolls_back(lead, make_deputy, now_on_commit):
    colleague = make_deputy("王芳")
    with now_on_commit():
        with pytest.raises(RuntimeError), transaction.atomic():
            notify.notify(colleague.user, "主题", "内容", event=events.COSIGN_REQUEST, url="/x/")
            raise RuntimeError
    assert not Notice.objects.exists() and sms.outbox == [] and mail.outbox == []


# -- preferences ----------------------------------------------------------------------------


def test_preferences_chosen_on_the_page_are_respected(
    client, lead, make_deputy, session, category, now_on_commit
):
    colleague = make_deputy("王芳")
    client.force_login(colleague.user)
    page = client.get("/en/notices/preferences/")
    assert page.status_code == 200 and "A deputy asks me to co-sign" in page.content.decode()
    data = {f"{e.code}__email": "on" for e in events.for_people()}
    data.pop("cosign_request__email")  # no mail for co-sign requests, and no text either
    response = client.post("/en/notices/preferences/", data)
    assert response.status_code == 302
    pref = NoticePreference.objects.get(user=colleague.user, event=events.COSIGN_REQUEST)
    assert (pref.email, pref.sms) == (False, False)
    draft = helpers.draft(lead=lead, session=session, category=category, by=lead.user)
    with now_on_commit():
        services.signature_request(item=draft, deputy=colleague, by=lead.user)
    notice = Notice.objects.get(user=colleague.user)  # the inbox always has it
    assert mail.outbox == [] and sms.outbox == [] and log(notice) == []


# -- the inbox and the short links ------------------------------------------------------------


def test_the_inbox_lists_counts_and_marks_read_only_ones_own(client, lead, make_deputy):
    other = make_deputy("王芳")
    mine = notify.notify(lead.user, "请联名", "徐杰请您联名。", url="/en/portal/")
    notify.notify(lead.user, "答复已到", "请评价。")
    theirs = notify.notify(other.user, "别人的", "别人的通知")
    client.force_login(lead.user)
    frame = client.get("/en/portal/").content.decode()
    assert "2 unread" in frame
    page = client.get("/en/notices/").content.decode()
    assert "请联名" in page and "答复已到" in page and "别人的" not in page
    assert client.post(f"/en/notices/{theirs.pk}/read/").status_code == 404
    opened = client.post(f"/en/notices/{mine.pk}/read/", {"open": "1"})
    assert opened.status_code == 302 and opened["Location"] == "/portal/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert "1 unread" in client.get("/en/portal/").content.decode()
    client.post("/en/notices/read-all/")
    assert not Notice.objects.filter(user=lead.user).unread().exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_clerk_finds_the_inbox_from_the_back_office(client, unit, clerk):
    notify.notify(clerk, "交办通知", "请签收。")
    client.force_login(clerk)
    front = client.get("/en/admin/").content.decode()
    assert "/en/notices/" in front and "1 unread" in front
    assert "交办通知" in client.get("/en/notices/").content.decode()


def test_the_inbox_needs_a_login(client, db):
    response = client.get("/en/notices/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_short_link_opens_the_action_after_the_login(
    client, lead, make_deputy, session, category, now_on_commit
):
    colleague = make_deputy("王芳")
    draft = helpers.draft(lead=lead, session=session, category=category, by=lead.user)
    with now_on_commit():
        signature = services.signature_request(item=draft, deputy=colleague, by=lead.user)
    link = ShortLink.objects.get()
    response = client.get(f"/n/{link.code}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    client.force_login(colleague.user)
    response = client.get(f"/n/{link.code}/")
    assert response["Location"] == f"/portal/signatures/{signature.pk}/"
    assert client.get("/n/AAAAAAAAAAAA/").status_code == 404
    assert len(link.code) == 12 and link.code.isalnum()


def test_a_residents_short_link_opens_the_tracking_page_without_login(client, staff):
    opinion = OpinionFactory(phone="13700001111", texts=True)
    notify.notify_resident(
        opinion, "答复", "请查看。", event=events.OPINION_ANSWERED, url="/opinions/track/"
    )
    link = ShortLink.objects.get()
    response = client.get(f"/n/{link.code}/")
    assert response.status_code == 302 and response["Location"] == "/opinions/track/"


def test_a_short_link_expires_after_short_link_days(client, staff, settings):
    """A text forwarded or a phone lost does not open the action forever: after SHORT_LINK_DAYS
    days the link answers 404, for whoever asks."""
    settings.CONGRESS_RULES = {**settings.CONGRESS_RULES, "SHORT_LINK_DAYS": 60}
    opinion = OpinionFactory(phone="13700001111", texts=True)
    notify.notify_resident(
        opinion, "答复", "请查看。", event=events.OPINION_ANSWERED, url="/opinions/track/"
    )
    link = ShortLink.objects.get()
    sent = link.created_at
    ShortLink.objects.filter(pk=link.pk).update(created_at=sent - datetime.timedelta(days=59))
    assert client.get(f"/n/{link.code}/").status_code == 302
    ShortLink.objects.filter(pk=link.pk).update(created_at=sent - datetime.timedelta(days=61))
    assert client.get(f"/n/{link.code}/").status_code == 404
    client.force_login(staff)
    assert client.get(f"/n/{link.code}/").status_code == 404
    # The rule decides: a congress that keeps links for 90 days opens it again.
    settings.CONGRESS_RULES = {**settings.CONGRESS_RULES, "SHORT_LINK_DAYS": 90}
    assert client.get(f"/n/{link.code}/").status_code == 302


# -- the back office ------------------------------------------------------------------------


def test_the_delivery_log_is_read_only_and_shows_no_number(admin_client, lead, now_on_commit):
    with now_on_commit():
        notify.notify(lead.user, "请联名", "内容", event=events.COSIGN_REQUEST, url="/portal/")
    page = admin_client.get("/en/admin/congress/delivery/")
    assert page.status_code == 200 and PHONE not in page.content.decode()
    row = Delivery.objects.filter(channel="sms").get()
    detail = admin_client.get(f"/en/admin/congress/delivery/{row.pk}/change/").content.decode()
    assert PHONE not in detail and "Save" not in detail
    assert admin_client.get("/en/admin/congress/delivery/add/").status_code == 403
    assert admin_client.get("/en/admin/congress/notice/").status_code == 200


def test_a_unit_created_without_clerks_tells_no_one(staff, lead, session, category):
    unit = OrganisationFactory(name="无人单位")
    suggestion = helpers.registered(lead=lead, session=session, category=category, by=staff)
    handling_services.suggestion_assign(suggestion=suggestion, lead_unit=unit, by=staff)
    assert not Notice.objects.filter(event=events.ITEM_ASSIGNED).exists()


def test_a_signer_who_has_not_rated_is_reminded_once(
    lead, make_deputy, session, category, staff, unit, now_on_commit
):
    from proposals.handling.reminders import send_rating_reminders

    suggestion, reply = helpers.replied(
        unit=unit, lead=lead, session=session, category=category, by=staff
    )  # replied on 2022-06-10
    Notice.objects.all().delete()
    sms.outbox.clear()
    with now_on_commit():
        assert send_rating_reminders(today=datetime.date(2022, 6, 20)) == 0  # 6 working days
        assert send_rating_reminders(today=datetime.date(2022, 6, 27)) == 1
        assert send_rating_reminders(today=datetime.date(2022, 6, 28)) == 0  # once
    (notice,) = Notice.objects.filter(user=lead.user)
    assert notice.event == events.RATING_DUE
    assert notice.url == f"/portal/replies/{reply.pk}/rate/"
    assert [t.event for t in sms.outbox] == ["rating_due"]


def test_a_signer_who_rated_is_not_reminded(lead, session, category, staff, unit):
    from proposals.handling.reminders import send_rating_reminders

    _suggestion, reply = helpers.replied(
        unit=unit, lead=lead, session=session, category=category, by=staff
    )
    handling_services.feedback_give(
        reply=reply,
        rater=lead,
        process_rating=Rating.SATISFIED,
        result_rating=Rating.SATISFIED,
        by=lead.user,
    )
    assert send_rating_reminders(today=datetime.date(2022, 7, 30)) == 0


def test_a_resident_ticks_text_me_on_the_public_form(client, db):
    from tests.factories import StationFactory

    station = StationFactory()
    response = client.post(
        f"/en/opinions/new/?station={station.pk}",
        {
            "category": "roads",
            "content": "小区门口的路灯坏了，晚上出行不方便，请尽快修复。",
            "phone": "137 0000 1111",
            "texts": "on",
            "consent": "on",
        },
    )
    assert response.status_code == 302
    opinion = Opinion.objects.get()
    assert (opinion.phone, opinion.texts, opinion.phone_for_texts()) == (
        "13700001111",
        True,
        "13700001111",
    )
    # The tracking page never shows the number.
    assert "13700001111" not in client.get(opinion.get_absolute_url()).content.decode()


def test_send_queued_notices_releases_the_nights_texts_in_the_morning(lead, at):
    from io import StringIO

    from django.core.management import call_command

    at(23)
    notice = notify.notify(lead.user, "请联名", "内容", event=events.COSIGN_REQUEST, url="/portal/")
    delivery.deliver(notice)
    assert sms.outbox == []
    out = StringIO()
    at(8, 30, day=datetime.date(2022, 6, 11))
    call_command("send_queued_notices", stdout=out)
    assert out.getvalue().startswith("1 held text messages sent")
    assert [t.phone for t in sms.outbox] == [PHONE]


def test_the_inbox_costs_the_same_few_queries_for_many_notices(client, lead, count_queries):
    notify.notify(lead.user, "通知", "内容", url="/portal/")
    client.force_login(lead.user)
    # session, user, the page's count and rows, the unread count, the deputy (is_deputy)
    few = count_queries(client, "/en/notices/")
    for n in range(30):
        notify.notify(lead.user, f"通知{n}", "内容", url="/portal/")
    assert count_queries(client, "/en/notices/") == few <= 8


def test_what_a_deputy_receives_during_one_suggestions_life(
    lead, make_deputy, session, category, staff, unit, clerk, now_on_commit
):
    """The note's story: the lead deputy's inbox from drafting to the office's decision."""
    from proposals.handling.reminders import send_rating_reminders

    colleague = make_deputy("王芳")
    with now_on_commit():
        draft = helpers.draft(lead=lead, session=session, category=category, by=lead.user)
        signature = services.signature_request(item=draft, deputy=colleague, by=lead.user)
        services.signature_confirm(signature=signature, by=colleague.user)
        suggestion_services.suggestion_submit(suggestion=draft, by=lead.user)
        suggestion_services.suggestion_register(suggestion=draft, by=staff)
        handling_services.suggestion_assign(
            suggestion=draft, lead_unit=unit, by=staff, on=datetime.date(2022, 3, 18)
        )
        assignment = draft.assignments.get()
        handling_services.contact_record(
            assignment=assignment,
            contact_on=datetime.date(2022, 4, 1),
            way="site",
            stage="before",
            participants="徐杰、李科长",
            by=clerk,
        )
        reply = handling_services.reply_record(
            suggestion=Suggestion.objects.get(pk=draft.pk),
            organisation=unit,
            reply_class="A",
            text="已解决",
            by=staff,
            replied_on=datetime.date(2022, 6, 10),
        )
        send_rating_reminders(today=datetime.date(2022, 6, 30))
        handling_services.feedback_give(
            reply=reply,
            rater=lead,
            process_rating=Rating.UNSATISFIED,
            result_rating=Rating.UNSATISFIED,
            by=lead.user,
            comment="没有解决",
        )
        handling_services.suggestion_decide_unsatisfied(
            suggestion=Suggestion.objects.get(pk=draft.pk),
            rehandle=True,
            by=staff,
            reason="请重新办理",
        )
    lead_events = sorted(Notice.objects.filter(user=lead.user).values_list("event", flat=True))
    assert lead_events == sorted(
        [
            events.GENERAL,  # the colleague agreed to co-sign
            events.GENERAL,  # registered with its number
            events.CONTACT_TO_CONFIRM,
            events.REPLY_PUBLISHED,
            events.RATING_DUE,
            events.UNSATISFIED_DECISION,
        ]
    )
    assert [t.event for t in texts_to()].count("cosign_request") == 1  # the colleague's
    clerk_events = set(Notice.objects.filter(user=clerk).values_list("event", flat=True))
    assert {events.ITEM_ASSIGNED, events.UNSATISFIED_DECISION} <= clerk_events


def test_a_clerk_gives_a_mobile_on_the_preferences_page_and_is_texted(
    client, lead, session, category, staff, unit, clerk, now_on_commit
):
    client.force_login(clerk)
    data = {f"{e.code}__email": "on" for e in events.for_people()}
    data["item_assigned__sms"] = "on"
    refused = client.post("/en/notices/preferences/", {**data, "mobile": "12345"})
    assert refused.status_code == 200
    assert "Enter an 11-digit mainland mobile number" in refused.content.decode()
    assert not NoticePreference.objects.exists()
    saved = client.post("/en/notices/preferences/", {**data, "mobile": "+86 137-0000-2222"})
    assert saved.status_code == 302
    suggestion = helpers.registered(lead=lead, session=session, category=category, by=staff)
    with now_on_commit():
        handling_services.suggestion_assign(suggestion=suggestion, lead_unit=unit, by=staff)
    assert [(t.phone, t.event) for t in sms.outbox] == [("13700002222", "item_assigned")]
    # The number is the clerk's own: the page shows it to them, the admin and the log do not.
    assert "13700002222" in client.get("/en/notices/preferences/").content.decode()
    for row in Delivery.objects.values():
        assert "13700002222" not in str(row)


def test_a_deputy_is_not_asked_for_a_number_on_the_preferences_page(client, lead):
    client.force_login(lead.user)
    page = client.get("/en/notices/preferences/").content.decode()
    assert 'name="mobile"' not in page
