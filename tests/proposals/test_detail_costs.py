"""A public suggestion's page costs the same with 2 or 40 co-signers and 1 or 10 replies."""

import datetime

import pytest

from proposals.models import CarryOver, ProgressReport, timeline_write
from tests.factories import DeputyFactory, ReplyFactory, SignatureFactory
from tests.proposals.test_public_pages import PUBLISHED, make_public, world  # noqa: F401

pytestmark = pytest.mark.django_db


def test_detail_query_count_is_flat(client, world, count_queries):  # noqa: F811
    item = make_public(world, 1, lead=DeputyFactory(term=world["term"], phone="13911112222"))
    client.get(f"/suggestions/{item.pk}/")  # the content type is looked up once a process
    small = count_queries(client, f"/suggestions/{item.pk}/")
    cosigners = DeputyFactory.create_batch(40, term=world["term"], phone="13933334444")
    for deputy in cosigners:
        SignatureFactory(suggestion=item, deputy=deputy)
    for _ in range(9):
        ReplyFactory(
            suggestion=item, organisation=world["unit"], published_at=PUBLISHED, is_followup=True
        )
    for _ in range(20):
        timeline_write(item=item, action="reply_published", actor_label="市交通运输局")
    # 5 queries: the suggestion (session, term, category and lead joined; whether it has
    # progress reports or look-back ledger entries), its confirmed co-signers, units, published
    # replies and public timeline. None per row.
    assert count_queries(client, f"/suggestions/{item.pk}/") == small == 5
    html = client.get(f"/suggestions/{item.pk}/").content.decode()
    assert cosigners[-1].name in html
    assert "1391111" not in html and "1393333" not in html


def test_progress_reports_and_ledger_entries_add_one_query_each(client, world, count_queries):  # noqa: F811
    item = make_public(world, 1)
    client.get(f"/suggestions/{item.pk}/")
    for day in (1, 2, 3):
        ProgressReport.objects.create(
            suggestion=item, organisation=world["unit"], reported_on=datetime.date(2022, 9, day),
            text=f"第{day}次进展", percent=10 * day,
        )  # fmt: skip
    CarryOver.objects.create(
        suggestion=item, from_year=2022, to_year=2023, reason=CarryOver.Reason.PLANNED
    )
    # 7: the five above, then the progress reports and the ledger entries the page lists.
    assert count_queries(client, f"/suggestions/{item.pk}/") == 7
    html = client.get(f"/suggestions/{item.pk}/").content.decode()
    assert "第3次进展" in html and "/suggestions/carried-over/2023/" in html


def test_detail_shows_each_step_at_its_local_time_and_escapes_what_people_typed(client, world):  # noqa: F811
    """The page reads its rows as SQL: times must still be Beijing time (SQLite stores them
    naive, in UTC) and every text a person typed must still come out escaped."""
    item = make_public(world, 1, title="<b>路灯</b> & 绿化")
    at = datetime.datetime(2022, 3, 1, 2, 30, tzinfo=datetime.UTC)  # 10:30 in Pinghu
    timeline_write(item=item, action="registered", actor_label="<i>办公室</i>", at=at)
    html = client.get(f"/suggestions/{item.pk}/").content.decode()
    assert 'datetime="2022-03-01T10:30:00+08:00"' in html
    assert "&lt;b&gt;路灯&lt;/b&gt; &amp; 绿化" in html and "<b>路灯" not in html
    assert "&lt;i&gt;办公室&lt;/i&gt;" in html
