"""The deputy's workspace costs the same whatever the deputy has on file (issue 15): the
overview and the suggestion list run a fixed number of queries with 3 or 40 items, requests to
co-sign and replies to rate."""

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from congress.kit.rules import rule
from congress.kit.workdays import add_working_days
from congress.models import Holiday
from proposals.models import Signature, Suggestion
from tests.factories import (
    AssignmentFactory,
    DeputyFactory,
    ReplyFactory,
    SignatureFactory,
    SuggestionFactory,
)

pytestmark = pytest.mark.django_db
S = Suggestion.Status


@pytest.fixture
def me(client, lead):
    client.force_login(lead.user)
    return client


def add_items(lead, session, category, unit, n, start=0):
    """n of each: an item I lead (assigned), a request to co-sign a colleague's draft, an item I
    co-signed with a reply waiting for my rating; and other deputies' items I have no part in."""
    for i in range(start, start + n):
        mine = SuggestionFactory(
            lead=lead, session=session, category=category, status=S.ASSIGNED, title=f"我领衔{i}"
        )
        AssignmentFactory(suggestion=mine, organisation=unit)
        asking = SuggestionFactory(
            lead=DeputyFactory(term=lead.term),
            session=session,
            category=category,
            title=f"请联名{i}",
        )
        SignatureFactory(
            suggestion=asking,
            deputy=lead,
            status=Signature.Status.REQUESTED,
            responded_at=None,
            requested_at=datetime.datetime(2022, 1, 5 + i % 20, 9, tzinfo=datetime.UTC),
        )
        signed = SuggestionFactory(
            lead=DeputyFactory(term=lead.term),
            session=session,
            category=category,
            status=S.REPLIED,
            title=f"已联名{i}",
        )
        SignatureFactory(suggestion=signed, deputy=lead)
        ReplyFactory(suggestion=signed, organisation=unit)
        SuggestionFactory(session=session, category=category, status=S.REPLIED)


@pytest.mark.parametrize("url", ["/en/portal/", "/en/portal/suggestions/"])
def test_workspace_query_count_is_flat(me, lead, session, category, unit, count_queries, url):
    add_items(lead, session, category, unit, 3)
    small = count_queries(me, url)
    add_items(lead, session, category, unit, 37, start=3)
    # /portal/: 7 queries — the session; the user with their deputy and the unread notices
    # (deputies.auth.WorkspaceBackend); the activities' figures by kind and day with their
    # points and the unread notices (one query); the deputy's stations with their open
    # sessions; the requests to co-sign with their items and leads and the holidays for all
    # their answer-by days; the contacts to confirm.
    # /portal/suggestions/: 5 — the session; the user with their deputy and the unread
    # notices; the requests to co-sign, the replies to rate, the page of my items with their
    # count. None per item.
    assert small == (5 if url.endswith("suggestions/") else 7)
    assert count_queries(me, url) == small
    html = me.get(url).content.decode()
    assert "请联名39" in html
    if url.endswith("suggestions/"):
        assert "已联名39" in html and "我领衔39" in html


def test_overview_answer_by_days_follow_the_holidays(me, lead, session, category, unit):
    """The answer-by day of every request (read with one holiday query for them all) is the
    one add_working_days gives for each, holidays and make-up working days counted."""
    Holiday.objects.create(date=datetime.date(2022, 1, 10), name="假日", is_working_day=False)
    Holiday.objects.create(date=datetime.date(2022, 1, 29), name="调休", is_working_day=True)
    add_items(lead, session, category, unit, 20)
    html = me.get("/en/portal/").content.decode()
    days = rule("SIGNATURE_ANSWER_WORKING_DAYS")
    requests = Signature.objects.filter(deputy=lead, status=Signature.Status.REQUESTED)
    assert requests.count() == 20
    with translation.override("en"):
        for signature in requests:
            due = add_working_days(timezone.localdate(signature.requested_at), days)
            assert date_format(due, "DATE_FORMAT") in html


def test_the_replies_to_rate_are_the_current_unrated_replies_on_my_items(
    me, lead, session, category, unit
):
    """The list of replies waiting for my rating (read with plain SQL) holds what
    selectors.replies_to_rate selects, newest first: on items I lead or co-signed that wait for
    feedback, the current reply (a follow-up replaces none), not one I rated, not a
    colleague's, not one on an item still being handled."""
    from proposals import selectors
    from proposals.models import Feedback, Rating

    def item(**kwargs):
        kwargs.setdefault("lead", lead)
        kwargs.setdefault("status", S.REPLIED)
        return SuggestionFactory(session=session, category=category, **kwargs)

    def reply(suggestion, day, **kwargs):
        return ReplyFactory(
            suggestion=suggestion,
            organisation=unit,
            replied_at=datetime.date(2022, 6, day),
            **kwargs,
        )

    replaced = item(title="替换")
    reply(replaced, 10)
    current = reply(replaced, 20)
    signed = item(lead=DeputyFactory(term=lead.term), title="联名")
    SignatureFactory(suggestion=signed, deputy=lead)
    signed_reply = reply(signed, 15)
    reply(signed, 30, is_followup=True)
    rated = item(title="已评")
    Feedback.objects.create(
        reply=reply(rated, 25),
        suggestion=rated,
        rater=lead,
        process_rating=Rating.SATISFIED,
        result_rating=Rating.SATISFIED,
    )
    reply(item(lead=DeputyFactory(term=lead.term), title="别人的"), 26)
    reply(item(status=S.ASSIGNED, title="办理中"), 27)

    expected = [r.pk for r in selectors.replies_to_rate(lead).order_by("-replied_at")]
    assert expected == [current.pk, signed_reply.pk]
    html = me.get("/en/portal/suggestions/").content.decode()
    links = [f"/en/portal/replies/{pk}/rate/" for pk in expected]
    assert all(link in html for link in links)
    assert html.index(links[0]) < html.index(links[1])
    assert html.count("/rate/") == 2
