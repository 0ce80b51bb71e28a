"""The vote engine's services: roll, secret single ballots, paper tallies, closing, run-offs."""

import datetime

import pytest
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from congress.kit.errors import DomainError
from deputies.models import Deputy
from proposals.models import TimelineEntry
from supervision import rules, services
from supervision.models import (
    Ballot,
    BallotReceipt,
    PaperTally,
    PaperTallyCount,
    Poll,
    Result,
    SealedBallot,
)
from tests.factories import DeputyFactory
from tests.supervision.ballots import stored_marks

pytestmark = pytest.mark.django_db


def cast(poll, voter, *options):
    services.ballot_cast(poll=poll, voter=voter, option_ids=[o.pk for o in options])


def test_opening_freezes_the_roll(make_poll):
    poll, options, deputies = make_poll(voters=3)
    assert poll.status == Poll.Status.OPEN and poll.roll_size == 3
    newcomer = DeputyFactory(term=deputies[0].term)
    with pytest.raises(DomainError) as error:
        cast(poll, newcomer, options[0])
    assert error.value.code == "not_on_roll"
    assert TimelineEntry.objects.for_object(poll).filter(action="poll_opened").exists()


def test_opening_defaults_to_the_serving_deputies_of_the_current_term(make_poll):
    poll, options, deputies = make_poll(open_it=False, voters=4)
    Deputy.objects.filter(pk=deputies[0].pk).update(
        status=Deputy.Status.ENDED, ended_on=datetime.date(2022, 9, 1)
    )
    services.poll_open(poll=poll)
    assert set(poll.roll.values_list("deputy_id", flat=True)) == {d.pk for d in deputies[1:]}


def test_a_ballot_is_stored_with_a_receipt_and_without_the_voter(make_poll):
    poll, options, (voter, *_rest) = make_poll()
    cast(poll, voter, options[0], options[2])
    receipt = BallotReceipt.objects.get()
    assert receipt.voter == voter and receipt.poll == poll
    # One of three on the roll: the ballot waits sealed in the pool, not written yet.
    assert not Ballot.objects.exists() and SealedBallot.objects.get().poll == poll
    assert b"yes" not in bytes(SealedBallot.objects.get().sealed)
    assert stored_marks() == [{str(options[0].pk): "yes", str(options[2].pk): "yes"}]
    services.poll_close(poll=poll)
    ballot = Ballot.objects.get()
    assert ballot.marks == {str(options[0].pk): "yes", str(options[2].pk): "yes"}
    assert ballot.valid and not SealedBallot.objects.exists()


def test_nothing_stored_links_a_ballot_to_a_voter():
    fields = Ballot._meta.get_fields()
    related = {f.related_model for f in fields if f.is_relation}
    assert related == {Poll}
    assert not [
        f
        for f in fields
        if isinstance(f, models.DateTimeField | models.DateField | models.TimeField)
    ]
    assert Ballot._meta.pk.get_internal_type() == "UUIDField"
    # The receipt says who voted but carries no time or sequence either.
    receipt_fields = BallotReceipt._meta.get_fields()
    assert not [f for f in receipt_fields if isinstance(f, models.DateTimeField | models.DateField)]
    assert BallotReceipt._meta.pk.get_internal_type() == "UUIDField"


def test_a_second_ballot_is_refused(make_poll):
    poll, options, (voter, *_rest) = make_poll()
    cast(poll, voter, options[0])
    with pytest.raises(DomainError) as error:
        cast(poll, voter, options[1])
    assert error.value.code == "already_voted"
    assert "already voted" in error.value.message
    assert BallotReceipt.objects.count() == 1 and len(stored_marks()) == 1


def test_the_database_refuses_a_second_receipt(make_poll):
    poll, options, (voter, *_rest) = make_poll()
    BallotReceipt.objects.create(poll=poll, voter=voter)
    with pytest.raises(IntegrityError), transaction.atomic():
        BallotReceipt.objects.create(poll=poll, voter=voter)


def test_more_than_k_choices_are_refused_and_nothing_is_stored(make_poll):
    poll, options, (voter, *_rest) = make_poll(options=4, k=2)
    with pytest.raises(DomainError) as error:
        cast(poll, voter, *options[:3])
    assert error.value.code == "too_many_choices"
    assert "at most 2" in error.value.message
    assert not BallotReceipt.objects.exists() and not stored_marks()


def test_a_blank_ballot_is_accepted_as_an_abstention(make_poll):
    poll, options, (voter, *_rest) = make_poll()
    cast(poll, voter)
    assert stored_marks()[0] == {}


def test_a_closed_poll_refuses_ballots(make_poll):
    poll, options, (first, second, _third) = make_poll()
    cast(poll, first, options[0])
    services.poll_close(poll=poll)
    with pytest.raises(DomainError) as error:
        cast(poll, second, options[0])
    assert error.value.code == "poll_not_open"
    assert len(stored_marks()) == 1


def test_a_poll_outside_its_window_refuses_ballots(make_poll):
    poll, options, (voter, *_rest) = make_poll()
    later = timezone.now() + datetime.timedelta(hours=2)
    with pytest.raises(DomainError):
        services.ballot_cast(poll=poll, voter=voter, option_ids=[options[0].pk], now=later)


def test_a_draft_poll_refuses_ballots(make_poll):
    poll, options, (voter, *_rest) = make_poll(open_it=False)
    with pytest.raises(DomainError):
        cast(poll, voter, options[0])


def test_close_computes_and_freezes_the_result_once(make_poll):
    poll, options, voters = make_poll(options=3, k=2, seats=2, voters=5)
    for voter in voters[:4]:
        cast(poll, voter, options[0], options[1])
    result = services.poll_close(poll=poll)
    outcome = result.summary
    assert outcome.eligible == 5 and outcome.cast == 4 and outcome.base == 5
    assert outcome.selected == [options[0].pk, options[1].pk]
    assert outcome.line_for(options[0].pk).share == "80.00"
    with pytest.raises(DomainError):
        services.poll_close(poll=poll)
    assert Result.objects.count() == 1
    poll.refresh_from_db()
    assert poll.status == Poll.Status.CLOSED
    services.poll_publish(poll=poll)
    poll.refresh_from_db()
    assert poll.status == Poll.Status.PUBLISHED
    actions = list(TimelineEntry.objects.for_object(poll).values_list("action", flat=True))
    assert actions[-2:] == ["poll_closed", "poll_published"]


def test_publish_needs_a_closed_poll(make_poll):
    poll, _options, _voters = make_poll()
    with pytest.raises(DomainError) as error:
        services.poll_publish(poll=poll)
    assert error.value.code == "poll_state"


def test_present_base_needs_the_number_present(make_poll):
    poll, options, voters = make_poll(base=rules.Base.PRESENT)
    with pytest.raises(DomainError) as error:
        services.poll_close(poll=poll)
    assert error.value.code == "present_missing"
    result = services.poll_close(poll=poll, present=2)
    assert result.summary.base == 2


def test_electronic_and_paper_votes_add_up(make_poll):
    poll, options, voters = make_poll(options=3, k=2, seats=1, voters=10)
    cast(poll, voters[0], options[0])
    cast(poll, voters[1], options[1])
    services.paper_tally_enter(
        poll=poll,
        label="第1号票箱",
        issued=8,
        returned=7,
        valid=6,
        invalid=1,
        counts={options[0].pk: 5, options[1].pk: 2},
    )
    outcome = services.poll_close(poll=poll).summary
    assert outcome.electronic == 2 and outcome.paper_returned == 7
    assert outcome.cast == 9 and outcome.valid == 8 and outcome.invalid == 1
    assert outcome.line_for(options[0].pk).votes == 6
    assert outcome.selected == [options[0].pk]


@pytest.mark.parametrize(
    ("figures", "counts", "fragment"),
    [
        ({"issued": 5, "returned": 6, "valid": 6, "invalid": 0}, {}, "than issued"),
        ({"issued": 5, "returned": 5, "valid": 3, "invalid": 1}, {}, "must add up"),
        ({"issued": 5, "returned": 5, "valid": 4, "invalid": 1}, {0: 5}, "more than the 4 valid"),
        ({"issued": 5, "returned": 5, "valid": 2, "invalid": 3}, {0: 2, 1: 2, 2: 1}, "at most 2"),
        ({"issued": 5, "returned": 5, "valid": 5, "invalid": 0}, {"x": 1}, "not on this ballot"),
        ({"issued": 9, "returned": 7, "valid": 7, "invalid": 0}, {}, "roll of 6 voters"),
    ],
)
def test_a_paper_tally_that_does_not_add_up_is_refused_whole(make_poll, figures, counts, fragment):
    poll, options, _voters = make_poll(options=3, k=2, voters=6)
    by_index = {(options[k].pk if k != "x" else 999_999): v for k, v in counts.items()}
    with pytest.raises(services.PaperTallyInvalid) as error:
        services.paper_tally_enter(poll=poll, counts=by_index, **figures)
    assert any(fragment in message for message in error.value.errors), error.value.errors
    assert not PaperTally.objects.exists() and not PaperTallyCount.objects.exists()


def test_paper_tally_needs_an_open_poll(make_poll):
    poll, options, _voters = make_poll(open_it=False)
    with pytest.raises(DomainError):
        services.paper_tally_enter(poll=poll, issued=1, returned=1, valid=1, invalid=0, counts={})


def test_a_tie_is_reported_and_a_runoff_created_among_the_tied(make_poll):
    poll, options, voters = make_poll(
        options=4, k=2, seats=2, voters=6, majority=rules.Majority.PLURALITY
    )
    a, b, c, d = options
    for voter, chosen in zip(voters, [(a, b), (a, c), (a, b), (a, c), (d,), (a,)], strict=True):
        cast(poll, voter, *chosen)
    outcome = services.poll_close(poll=poll).summary
    assert outcome.selected == [a.pk]
    assert outcome.tied == sorted([b.pk, c.pk]) and outcome.seats_unfilled == 1
    assert "Tie" in TimelineEntry.objects.for_object(poll).get(action="poll_closed").note

    now = timezone.now()
    runoff = services.poll_runoff_create(
        poll=poll, opens_at=now, closes_at=now + datetime.timedelta(hours=1)
    )
    assert runoff.runoff_of == poll and runoff.status == Poll.Status.DRAFT
    assert sorted(runoff.options.values_list("label", flat=True)) == sorted([b.label, c.label])
    assert runoff.seats == 1 and runoff.max_choices == 1
    with pytest.raises(DomainError) as error:
        services.poll_runoff_create(poll=poll, opens_at=now, closes_at=now)
    assert error.value.code == "runoff_exists"


def test_no_runoff_without_a_tie(make_poll):
    poll, options, voters = make_poll()
    cast(poll, voters[0], options[0], options[1])
    services.poll_close(poll=poll)
    now = timezone.now()
    with pytest.raises(DomainError) as error:
        services.poll_runoff_create(
            poll=poll, opens_at=now, closes_at=now + datetime.timedelta(hours=1)
        )
    assert error.value.code == "no_tie"


def test_evaluation_poll_counts_graded_ballots(make_poll):
    poll, (line,), voters = make_poll(
        options=1, kind=Poll.Kind.SATISFACTION, method=rules.Method.EVALUATION, seats=None, voters=5
    )
    for voter, grade in zip(voters, ["satisfied", "satisfied", "basic", "basic"], strict=False):
        services.ballot_cast(poll=poll, voter=voter, marks={line.pk: grade})
    outcome = services.poll_close(poll=poll).summary
    # 2 satisfied of 5 members is not more than half; 4 with basic is.
    assert outcome.lines[0].outcome == "basic"
    assert outcome.lines[0].counts == {"satisfied": 2, "basic": 2, "unsatisfied": 0}


def test_an_evaluation_ballot_with_a_foreign_grade_is_refused(make_poll):
    poll, (line,), (voter, *_rest) = make_poll(
        options=1, kind=Poll.Kind.SATISFACTION, method=rules.Method.EVALUATION, seats=None
    )
    with pytest.raises(DomainError) as error:
        services.ballot_cast(poll=poll, voter=voter, marks={line.pk: "yes"})
    assert error.value.code == "bad_ballot"
    assert not BallotReceipt.objects.exists()
