"""congress.kit.sqlbatch: independent reads sent together (one round trip on PostgreSQL)."""

import pytest
from django.db import DatabaseError, connection, transaction

from congress.kit.sqlbatch import fetch_each
from congress.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

NAMES_SQL = "SELECT name FROM congress_organisation WHERE name LIKE %s ORDER BY name"
COUNT_SQL = "SELECT COUNT(*) FROM congress_organisation WHERE name LIKE %s"


def test_each_statement_answers_its_own_rows_in_order(count_queries, monkeypatch):
    OrganisationFactory(name="平湖市交通运输局")
    OrganisationFactory(name="平湖市教育局")
    OrganisationFactory(name="嘉兴市水利局")
    pipelines = []
    if connection.vendor == "postgresql":  # they go in one pipeline there
        connection.ensure_connection()
        pipeline = connection.connection.pipeline

        def counted():
            pipelines.append(1)
            return pipeline()

        monkeypatch.setattr(connection.connection, "pipeline", counted)
    with count_queries.capture() as queries:
        names, count, none = fetch_each(
            [
                (NAMES_SQL, ["平湖市%"]),
                (COUNT_SQL, ["嘉兴市%"]),
                (NAMES_SQL, ["无此单位%"]),
            ]
        )
    assert names == [("平湖市交通运输局",), ("平湖市教育局",)]
    assert count == [(1,)]
    assert none == []
    # Three statements, each counted like any other query (sent together on PostgreSQL).
    assert len(queries) == 3
    assert pipelines == ([1] if connection.vendor == "postgresql" else [])


def test_no_statement_reads_nothing():
    assert fetch_each([]) == []


def test_a_failing_statement_raises_a_database_error_and_the_connection_stays_usable():
    OrganisationFactory(name="平湖市民政局")
    with pytest.raises(DatabaseError), transaction.atomic():
        fetch_each(
            [
                (NAMES_SQL, ["平湖市%"]),
                ("SELECT no_such_column FROM congress_organisation", []),
            ]
        )
    assert Organisation.objects.filter(name="平湖市民政局").exists()
    if connection.vendor == "postgresql":
        assert connection.connection._pipeline is None  # out of pipeline mode again
