"""Today's figures, computed from factory data for 2022."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from congress.models import ReviewSection
from congress.review import registry
from congress.review.registry import DuplicateFigure, FigureKind, figure
from tests.factories import ActivityFactory, DeputyFactory, ReceptionFactory

pytestmark = pytest.mark.django_db


def value(key, year=2022):
    return registry.compute([key], year)[key]


def test_deputies_in_office_at_year_end(year_data):
    # 5 deputies of the term, one whose mandate ended in June.
    assert value("deputies.count") == 4


def test_delegations_groups_and_stations(year_data):
    assert value("delegations.count") == 2
    assert value("groups.count") == 2
    assert value("stations.count") == 2  # the inactive one is left out
    assert value("stations.receiving") == 2


def test_receptions_and_residents_of_the_year_only(year_data):
    assert value("receptions.count") == 3
    assert value("receptions.residents") == 22


def test_receptions_by_month(year_data):
    months = dict(value("receptions.by_month"))
    assert len(months) == 12
    assert months[3] == 2 and months[11] == 1 and months[1] == 0


def test_activities_count_and_by_kind(year_data):
    assert value("activities.count") == 4  # unverified and 2021 ones left out
    by_kind = dict((str(label), n) for label, n in value("activities.by_kind"))
    assert sorted(by_kind.values()) == [1, 3]


def test_trainings_held_and_attended(year_data):
    assert value("trainings.held") == 2  # 初任培训 (two deputies) and 履职能力提升
    assert value("trainings.attended") == 3


def test_deputies_with_verified_activity(year_data):
    assert value("deputies.active") == 3


def test_changing_the_data_changes_the_figures(year_data):
    assert value("deputies.count") == 4
    DeputyFactory(term=year_data["term"])
    ReceptionFactory(
        station=year_data["stations"][0],
        date=datetime.date(2022, 12, 1),
        residents_received=8,
        notice_date=None,
    )
    ActivityFactory(
        deputy=year_data["deputies"][3],
        kind="training",
        title="新培训",
        date=datetime.date(2022, 7, 1),
    )
    assert value("deputies.count") == 5
    assert value("receptions.count") == 4
    assert value("receptions.residents") == 30
    assert value("trainings.held") == 3
    assert value("deputies.active") == 4


def test_another_year_has_its_own_figures(year_data):
    assert value("receptions.count", 2021) == 1
    assert value("receptions.residents", 2021) == 99


def test_every_figure_is_one_cheap_query(year_data, count_queries):
    keys = [fig.key for fig in registry.all_figures()]
    registry.compute(keys, 2022)  # the first reader computes the year's summary rows
    with count_queries.capture() as queries:
        registry.compute(keys, 2022)
    # At most one query per figure (a count, a sum, one grouped aggregate or one summary row).
    assert len(queries) <= len(keys)


def test_the_registry_rejects_a_duplicate_key():
    with pytest.raises(DuplicateFigure):

        @figure("deputies.count", label="x", definition="y")
        def again(year):
            return 0


def test_the_registry_rejects_malformed_keys_and_kinds():
    with pytest.raises(ImproperlyConfigured):
        figure("NoDot", label="x", definition="y")
    with pytest.raises(ImproperlyConfigured):
        figure("a.b", label="x", definition="y", kind="pie")


def test_another_app_registers_a_figure():
    @figure("testapp.answer", label="Answer", definition="Always 42.", kind=FigureKind.COUNT)
    def answer(year):
        return 42

    try:
        assert registry.get("testapp.answer").label == "Answer"
        assert registry.compute(["testapp.answer", "nobody.has_this"], 2022) == {
            "testapp.answer": 42
        }
    finally:
        registry.unregister("testapp.answer")


def test_a_failing_figure_shows_a_dash_not_an_error():
    @figure("testapp.broken", label="Broken", definition="Raises.")
    def broken(year):
        raise RuntimeError("boom")

    try:
        assert registry.compute(["testapp.broken"], 2022) == {"testapp.broken": None}
    finally:
        registry.unregister("testapp.broken")


def test_parse_keys_accepts_commas_spaces_and_chinese_commas():
    assert registry.parse_keys("a.b, c.d，e.f、a.b\ng.h") == ["a.b", "c.d", "e.f", "g.h"]


def test_section_clean_rejects_malformed_keys_but_allows_unknown_ones(review):
    section = ReviewSection(review=review, heading="x", figure_keys="deputies.count, 代表数")
    with pytest.raises(ValidationError) as error:
        section.clean()
    assert "figure_keys" in error.value.message_dict
    section.figure_keys = "deputies.count, future.not_registered"
    section.clean()  # a key from an app that may load later


def test_motions_listed_counts_the_submitted_motions_the_presidium_listed_at_the_years_session():
    from proposals.models import Motion
    from tests.factories import MotionFactory, SessionFactory

    submitted = datetime.datetime(2022, 2, 15, 9, tzinfo=datetime.UTC)
    listed = Motion.Outcome.LISTED
    last_day = datetime.date(2022, 12, 31)
    session = SessionFactory(start_date=last_day, end_date=last_day)
    MotionFactory.create_batch(2, session=session, submitted_at=submitted, review_outcome=listed)
    MotionFactory(session=session, submitted_at=submitted, review_outcome=Motion.Outcome.NOT_LISTED)
    MotionFactory(session=session, submitted_at=None, review_outcome=listed)  # never submitted
    first_day = datetime.date(2023, 1, 1)
    next_year = SessionFactory(start_date=first_day, end_date=first_day, term=session.term)
    MotionFactory(session=next_year, submitted_at=submitted, review_outcome=listed)
    assert value("motions.listed") == 2
    assert value("motions.listed", year=2023) == 1
