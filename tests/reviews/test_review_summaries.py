"""The review's figures kept in summary rows (figure(summary=...): supervision, filing, budget,
opinions, the deputies' roster, motions, the look-back ledger; the stations' count from the
directory slice, the year's published scorecard scheme) show the same numbers as a fresh aggregation, follow the writes
that feed them, and agree with a full re-aggregation (check_summaries) after them; the review
page reads them all in a fixed, small number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from congress.kit import summaries
from congress.models import Summary
from congress.review import registry
from deputies.models import Delegation, Deputy
from proposals.models import CarryOver, Motion, ScorecardScheme
from tests.factories import (
    DelegationFactory,
    DeputyFactory,
    MajorProjectFactory,
    MeetingFactory,
    MotionFactory,
    OpinionFactory,
    StationFactory,
    SuggestionFactory,
    SupervisionItemFactory,
    TermFactory,
)
from tests.reviews.conftest import make_review

NEW_SUMMARIES = ("ledger", "motions", "opinions", "roster", "supervision")


def summarised_keys() -> list[str]:
    registry.autodiscover()
    return sorted(key for name in NEW_SUMMARIES for key in registry._summarised[name])


def values_from_rows(year: int) -> dict:
    return registry.compute(summarised_keys(), year)


def values_from_scratch(year: int) -> dict:
    """Each figure as a reader that finds no row computes it: from the tables."""
    Summary.objects.filter(name__in=NEW_SUMMARIES).delete()
    return {key: registry._figures[key].compute(year) for key in summarised_keys()}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run(func, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)

    return run


@pytest.mark.django_db
def test_the_demo_reads_the_same_figures_from_the_rows_as_from_the_tables(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False
    assert summaries.check() == []
    stored = values_from_rows(2022)
    assert stored["supervision.debt_approved"] == Decimal("2557000000")
    assert stored["major_projects.count"] == 11
    assert isinstance(stored["supervision.by_kind"][0], tuple)
    assert stored == values_from_scratch(2022)


@pytest.mark.django_db
def test_writes_refresh_the_rows_and_leave_them_in_agreement(committed):
    term = committed(TermFactory)
    meeting = committed(MeetingFactory, term=term)
    assert values_from_rows(2022)["supervision.items"] == 0
    committed(SupervisionItemFactory, meeting=meeting, kind="debt", debt_amount=Decimal("5e8"))
    committed(MajorProjectFactory, investment=Decimal("1.5e8"))
    committed(OpinionFactory)
    deputy = committed(DeputyFactory, term=term)
    committed(DelegationFactory, term=term)
    values = values_from_rows(2022)
    assert values["supervision.items"] == 1
    assert values["supervision.debt_approved"] == Decimal("500000000")
    assert values["major_projects.investment"] == Decimal("150000000")
    assert values["opinions.received"] == 1
    assert values["deputies.count"] == Deputy.objects.count() >= 1
    assert values["delegations.count"] == Delegation.objects.count() >= 1
    assert summaries.check() == []
    # A mandate ended, a meeting moved to another year: both years right.
    deputy.ended_on = datetime.date(2022, 6, 1)
    deputy.status = Deputy.Status.ENDED
    committed(deputy.save)
    meeting.date = datetime.date(2023, 3, 1)
    committed(meeting.save)
    assert values_from_rows(2022)["deputies.count"] == Deputy.objects.count() - 1
    assert values_from_rows(2022)["supervision.items"] == 0
    assert values_from_rows(2023)["supervision.items"] == 1
    assert summaries.check() == []
    assert values_from_rows(2023) == values_from_scratch(2023)


@pytest.mark.django_db
def test_the_review_page_reads_every_summary_in_one_query(client, count_queries, committed):
    term = committed(TermFactory)
    make_review(keys=", ".join(summarised_keys()), sections=3)
    client.get("/reviews/2022/")  # the rows no write made yet are computed by the first reader
    small = count_queries(client, "/reviews/2022/")
    for _ in range(20):
        committed(OpinionFactory)
        committed(DeputyFactory, term=term)
    # A burst of opinions leaves the opinions' slice stale after its first refresh
    # (summaries' `coalesce`): the first reader computes it; from then on nothing per row.
    assert count_queries(client, "/reviews/2022/") > small
    # The review with its sections, every summary's row of the year: nothing per figure or row.
    assert count_queries(client, "/reviews/2022/") == small == 2


@pytest.mark.django_db
def test_motions_ledger_scheme_and_stations_follow_their_writes(committed):
    """The figures that were a query each on every view of a review, now read with the year's
    slices: each follows the writes that change it."""
    keys = [
        "motions.count",
        "motions.listed",
        "suggestions.carried_over",
        "suggestions.carry_overs_solved",
        "scorecards.units_passed",
        "stations.count",
    ]

    def values(year: int = 2022) -> dict:
        return registry.compute(keys, year)

    assert values() == {
        "motions.count": 0,
        "motions.listed": 0,
        "suggestions.carried_over": 0,
        "suggestions.carry_overs_solved": 0,
        "scorecards.units_passed": None,
        "stations.count": 0,
    }
    submitted = datetime.datetime(2022, 2, 15, 9, tzinfo=datetime.UTC)
    motion = committed(MotionFactory, submitted_at=submitted)
    committed(MotionFactory, submitted_at=submitted, review_outcome=Motion.Outcome.LISTED)
    assert (values()["motions.count"], values()["motions.listed"]) == (2, 1)
    motion.review_outcome = Motion.Outcome.LISTED
    committed(motion.save)
    assert values()["motions.listed"] == 2
    # The session moved to the next year: its motions count there.
    session = motion.session
    session.start_date, session.end_date = datetime.date(2023, 2, 14), datetime.date(2023, 2, 18)
    committed(session.save)
    assert values()["motions.count"] == 1 and values(2023)["motions.count"] == 1

    item = committed(SuggestionFactory)
    row = committed(
        CarryOver.objects.create,
        suggestion=item,
        from_year=2021,
        to_year=2022,
        reason=CarryOver.Reason.PLANNED,
    )
    assert values(2021)["suggestions.carried_over"] == 1
    assert values()["suggestions.carry_overs_solved"] == 0
    row.status, row.closed_on = CarryOver.Status.SOLVED, datetime.date(2022, 10, 1)
    committed(row.save)
    assert values()["suggestions.carry_overs_solved"] == 1

    scheme = committed(ScorecardScheme.objects.create, year=2022, name="考评", published=False)
    assert values()["scorecards.units_passed"] is None
    scheme.published = True
    committed(scheme.save)
    assert values()["scorecards.units_passed"] == 0  # published, no unit handled anything

    station = committed(StationFactory)
    committed(StationFactory)
    assert values()["stations.count"] == 2
    station.active = False
    committed(station.save)
    assert values()["stations.count"] == 1
    assert summaries.check() == []
