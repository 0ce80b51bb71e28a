"""The home page, /suggestions/stats/ and the review read summary rows (congress.kit.summaries):
the same number of queries at 10 and at 1,000 suggestions, activities and reception days, and the
deputies' summary agrees with a full re-aggregation after the writes that feed it."""

import datetime

import pytest

from congress.kit import pagecache, summaries
from deputies import summaries as deputy_summaries
from deputies.models import Activity, Reception
from deputies.services import activities_verify
from proposals.models import Assignment, Reply, Suggestion
from tests.factories import (
    ActivityFactory,
    CategoryFactory,
    DeputyFactory,
    OrganisationFactory,
    ReceptionFactory,
    SessionFactory,
    StaffFactory,
    StationFactory,
    TermFactory,
)
from tests.reviews.conftest import make_review

SUGGESTION_KEYS = (
    "suggestions.received, suggestions.session_received, suggestions.replied_on_time_rate, "
    "suggestions.reply_classes, suggestions.by_category, suggestions.satisfaction_rate, "
    "suggestions.contact_rate, suggestions.solved_first_reply_rate, "
    "suggestions.promises_overdue, receptions.count, receptions.by_month, activities.by_kind, "
    "deputies.active, trainings.held"
)
PAGES = ["/", "/suggestions/stats/", "/suggestions/stats/?year=2022", "/reviews/2022/"]


@pytest.fixture
def world(db):
    term = TermFactory()
    return {
        "term": term,
        "session": SessionFactory(term=term, number=1, start_date=datetime.date(2022, 2, 14)),
        "category": CategoryFactory(term=term),
        "unit": OrganisationFactory(),
        "lead": DeputyFactory(term=term),
        "station": StationFactory(),
        "count": 0,
    }


def grow(world, n):
    """n more published, assigned and replied suggestions, verified activities and reception
    days, written in bulk as an import does (touched_rows says which summary rows are stale)."""
    start = world["count"]
    world["count"] += n
    on = datetime.date(2022, 6, 10)
    items = Suggestion.objects.bulk_create(
        Suggestion(
            lead=world["lead"],
            term=world["term"],
            session=world["session"],
            category=world["category"],
            year=2022,
            number=start + i + 1,
            code=f"十六届一次会议第{start + i + 1:04d}号",
            title=f"关于第{start + i + 1}项工作的建议",
            body="建议内容。",
            status=Suggestion.Status.CLOSED,
            is_public=True,
            submitted_at=datetime.datetime(2022, 2, 15, tzinfo=datetime.UTC),
            registered_at=datetime.datetime(2022, 2, 20, tzinfo=datetime.UTC),
        )
        for i in range(n)
    )
    rows = list(items)
    rows += Assignment.objects.bulk_create(
        Assignment(
            suggestion=item,
            organisation=world["unit"],
            role=Assignment.Role.LEAD,
            assigned_at=datetime.date(2022, 3, 1),
            due_date=datetime.date(2022, 6, 1),
        )
        for item in items
    )
    rows += Reply.objects.bulk_create(
        Reply(
            suggestion=item,
            organisation=world["unit"],
            reply_class="AB"[i % 2],
            text="答复。",
            replied_at=on,
            promised_by=datetime.date(2022, 10, 1) if i % 2 else None,
            published_at=datetime.datetime(2022, 6, 12, tzinfo=datetime.UTC),
        )
        for i, item in enumerate(items)
    )
    rows += Activity.objects.bulk_create(
        Activity(
            deputy=world["lead"],
            kind="inspection",
            title=f"视察{start + i}",
            date=datetime.date(2022, 1 + i % 12, 5),
            hours=2,
            verified=True,
        )
        for i in range(n)
    )
    rows += Reception.objects.bulk_create(
        Reception(station=world["station"], date=datetime.date(2022, 1 + i % 12, 1 + i % 28))
        for i in range(n)
    )
    pagecache.touched_rows(rows)


def test_query_counts_are_the_same_at_10_and_1000_rows(
    client, world, count_queries, django_capture_on_commit_callbacks
):
    make_review(keys=SUGGESTION_KEYS, sections=2)
    with django_capture_on_commit_callbacks(execute=True):
        grow(world, 10)
    for path in PAGES:
        client.get(path)  # a year no write touched yet is computed by its first reader
    small = {path: count_queries(client, path) for path in PAGES}
    with django_capture_on_commit_callbacks(execute=True):
        grow(world, 990)
    large = {path: count_queries(client, path) for path in PAGES}
    assert large == small
    # The review 3 (the review with its sections, every summary's row of the year in one
    # query, the categories' names);
    # the statistics 7 (the years, their rows, the units' names, the promises overdue, the
    # ledger's years, the filter's sessions and first year); the home page 5 (the directory's
    # summary row with the term, its deputies and the stations, the latest reception day, the
    # year's summary rows, the stations listed, the latest replies).
    assert small["/reviews/2022/"] == 3
    assert small["/suggestions/stats/"] == 7
    assert small["/"] == 5
    assert summaries.check() == []


def test_the_summarised_figures_match_the_rows(client, world, django_capture_on_commit_callbacks):
    make_review(keys=SUGGESTION_KEYS, sections=1)
    with django_capture_on_commit_callbacks(execute=True):
        grow(world, 24)
    html = client.get("/reviews/2022/").content.decode()
    assert "24" in html
    counts = deputy_summaries.year_counts(2022)
    assert counts["receptions"] == Reception.objects.filter(date__year=2022).count() == 24
    assert counts["activities"] == 24


def test_deputies_summary_follows_activities_and_receptions(
    world, django_capture_on_commit_callbacks
):
    def committed(func, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)

    reception = committed(ReceptionFactory, station=world["station"], residents_received=8)
    assert deputy_summaries.year_counts(2022)["residents"] == 8
    pending = committed(ActivityFactory, deputy=world["lead"], kind="training", verified=False)
    assert deputy_summaries.year_counts(2022)["trainings_attended"] == 0
    # Staff verify in bulk (QuerySet.update, no signals): touched_rows marks the row stale.
    committed(activities_verify, activities=[pending], by=StaffFactory())
    assert deputy_summaries.year_counts(2022)["trainings_attended"] == 1
    # A reception day moved to another year leaves both years right.
    reception.date = datetime.date(2023, 1, 5)
    committed(reception.save)
    assert deputy_summaries.year_counts(2022)["receptions"] == 0
    assert deputy_summaries.year_counts(2023)["receptions_by_month"] == {"1": 1}
    committed(reception.delete)
    assert deputy_summaries.year_counts(2023)["receptions"] == 0
    assert summaries.check() == []
