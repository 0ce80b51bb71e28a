"""The back office's two busiest change lists (suggestions, residents' opinions) run the same
queries at 10 rows as at 200 spread over more sessions, stations and towns: no query per row and
none per filter option."""

import datetime

import pytest
from django.urls import reverse

from proposals.models import Suggestion
from tests.factories import (
    CategoryFactory,
    DeputyFactory,
    OpinionFactory,
    SessionFactory,
    StaffFactory,
    StationFactory,
    SuggestionFactory,
    TermFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client):
    client.force_login(StaffFactory(username="office"))
    return client


def add_suggestions(count, sessions, start):
    term = TermFactory()
    leads = [DeputyFactory(term=term) for _ in range(3)]
    categories = [CategoryFactory(term=term, name=f"类别{start + i}") for i in range(2)]
    for i in range(count):
        SuggestionFactory(
            lead=leads[i % 3],
            session=sessions[i % len(sessions)],
            category=categories[i % 2],
            status=Suggestion.Status.SUBMITTED,
            number=start + i,
            code=f"十六届第{start + i:03d}号",
        )


def test_suggestion_changelist_queries_do_not_grow(office, count_queries):
    term = TermFactory()
    url = reverse("admin:proposals_suggestion_changelist")
    add_suggestions(10, [SessionFactory(term=term, number=n) for n in (1, 2)], 1)
    few = count_queries(office, url)
    add_suggestions(190, [SessionFactory(term=term, number=n) for n in (3, 4, 5, 6)], 11)
    # The session and the user; the filters' options: the sessions with their term joined, the
    # categories, the years; one count (no second count of the whole table); one page of
    # suggestions with their lead deputy and category joined. Nothing a row or an option.
    assert count_queries(office, url) == few
    assert count_queries(office, f"{url}?status=submitted") == few


def add_opinions(count, stations, start):
    deputy = DeputyFactory()
    for i in range(count):
        OpinionFactory(
            station=stations[i % len(stations)],
            deputy=deputy,
            submitted_at=datetime.datetime(2020 + i % 3, 3, 1 + i % 28, tzinfo=datetime.UTC),
        )


def test_opinion_changelist_queries_do_not_grow(office, count_queries):
    url = reverse("admin:proposals_opinion_changelist")
    add_opinions(10, [StationFactory() for _ in range(2)], 1)
    few = count_queries(office, url)
    add_opinions(190, [StationFactory() for _ in range(5)], 11)
    # The session and the user; the filters' options (towns, stations); one count; one page of
    # opinions with station and deputy joined; the date hierarchy's range and years.
    assert count_queries(office, url) == few
    assert count_queries(office, f"{url}?status=submitted") == few
