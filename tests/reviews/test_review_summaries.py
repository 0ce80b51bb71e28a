"""The review's figures kept in summary rows (figure(summary=...): supervision, filing, budget,
opinions, the deputies' roster) show the same numbers as a fresh aggregation, follow the writes
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
from tests.factories import (
    DelegationFactory,
    DeputyFactory,
    MajorProjectFactory,
    MeetingFactory,
    OpinionFactory,
    SupervisionItemFactory,
    TermFactory,
)
from tests.reviews.conftest import make_review

NEW_SUMMARIES = ("opinions", "roster", "supervision")


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
