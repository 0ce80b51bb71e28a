"""The proposals demo step: the seed article's figures, deterministic and idempotent."""

import datetime
import io
import time

import pytest

from congress.demo import DemoContext, run
from proposals import demo
from proposals.models import (
    CarryOver,
    Contact,
    Feedback,
    Motion,
    ProgressReport,
    Reply,
    Signature,
    Suggestion,
    TimelineEntry,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def foundation():
    run(DemoContext(password="demo-password-for-tests"))


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Suggestion, Signature, Reply, Feedback, Motion, TimelineEntry, Contact)
    }


def test_demo_figures_and_idempotence(foundation):
    started = time.perf_counter()
    demo.load(stdout=io.StringIO())
    assert time.perf_counter() - started < 10
    session_items = Suggestion.objects.filter(session__number=1)
    assert session_items.count() == 226
    assert Suggestion.objects.filter(year=2022).count() == 231
    assert not Suggestion.objects.exclude(status="closed").exists()
    # Every session item answered by 18 June 2022 (the seed); B items' follow-ups come later.
    assert not Reply.objects.filter(
        suggestion__session__number=1,
        is_followup=False,
        replied_at__gt=datetime.date(2022, 6, 18),
    ).exists()
    assert not Feedback.objects.exclude(
        process_rating="satisfied", result_rating="satisfied"
    ).exists()
    # Every signer rated.
    for item in Suggestion.objects.prefetch_related("signatures__deputy")[:20]:
        assert Feedback.objects.filter(suggestion=item).count() == len(item.signers())
    xu = Suggestion.objects.get(title="关于加快农村道路亮化设施建设的建议")
    assert xu.lead.name == "徐杰" and xu.replies.get().reply_class == "A"
    motion = Motion.objects.get()
    assert motion.lead.name == "沈永良" and motion.review_outcome == "listed"
    assert motion.signatures.filter(status="confirmed").count() + 1 == 23
    assert motion.resolution_text and motion.inspections.get().date == datetime.date(2022, 12, 1)
    assert len(set(Suggestion.objects.values_list("title", flat=True))) == 231

    before = counts()
    codes = list(Suggestion.objects.order_by("pk").values_list("pk", "code", "lead_id"))
    demo.load(stdout=io.StringIO())
    assert counts() == before
    assert list(Suggestion.objects.order_by("pk").values_list("pk", "code", "lead_id")) == codes


def test_stats_of_the_demo_year(foundation, count_queries):
    from proposals.selectors import handling_stats, public_suggestion_detail, public_suggestions

    demo.load()
    with count_queries.capture() as queries:
        stats = handling_stats(Suggestion.objects.filter(year=2022))
    # 5 queries: the total, replies by class, feedback ratings, replied and replied-on-time
    # suggestions (one aggregate each); 6 leaves room for one more figure, not one per row.
    assert len(queries) <= 6
    assert stats["total"] == 231 and stats["on_time"] == 231 and stats["on_time_rate"] == 100.0
    assert stats["process_satisfaction_rate"] == stats["result_satisfaction_rate"] == 100.0
    assert public_suggestions().count() == 231
    item = public_suggestion_detail(Suggestion.objects.get(code="十六届一次会议第002号").pk)
    assert [r.reply_class for r in item.replies] == ["A"]
    assert [e.action for e in item.timeline][0] == "submitted"


def test_the_demo_year_is_solved_less_often_than_it_is_satisfied(foundation):
    """Issue 16: the seed reports 100 % answered and satisfied; the contact log and the B
    items' fates give the figures beside it — plausible, and honestly below 100 %."""
    from proposals import selectors

    demo.load()
    year = Suggestion.objects.filter(year=2022)
    contacts = selectors.contact_figures(year)
    outcomes = selectors.outcome_figures(year, today=datetime.date(2026, 1, 1))
    assert 80 <= contacts["contact_rate"] < 100  # most lead units met the deputy
    assert 85 <= contacts["confirmed_rate"] < 100 and contacts["contacts_disputed"] > 0
    assert 70 <= outcomes["solved_first_rate"] < outcomes["solved_by_year_end_rate"] < 100
    assert 0 < outcomes["promised_overdue"] < outcomes["promised"]
    assert 0 < outcomes["promised_done"] < outcomes["promised"]
    # Followed to the end (回头看): nearly every B item keeps its promise, one done late and one
    # not done are overdue; those not done by 31 December 2022 are in 2023's ledger, nearly all
    # solved there, each reported on by its unit along the way.
    assert (outcomes["promised"], outcomes["promised_done"], outcomes["promised_overdue"]) == (
        41,
        40,
        2,
    )
    assert [len(selectors.overdue_promises(year, today=datetime.date(2026, 1, 1)))] == [2]
    ledger = selectors.carry_over_figures(2023)
    assert (ledger["carried_in"], ledger["carried_in_solved"]) == (16, 15)
    assert CarryOver.objects.filter(to_year=2023, status="open").count() == 1
    assert ProgressReport.objects.filter(done=True).count() == 40
    assert not ProgressReport.objects.filter(done=True, reply=None).exists()
    demo.load()  # the roll-over again adds nothing
    assert CarryOver.objects.count() == 16
    # No B reply without its promise, no C reply without its reasons.
    assert not Reply.objects.filter(reply_class="B", is_followup=False, promised_by=None).exists()
    assert not Reply.objects.filter(reply_class="C", is_followup=False, reasons="").exists()
