"""On PostgreSQL a page's queries are prepared once a connection has run them a few times
(DATABASE_PREPARED, on by default): PostgreSQL then skips parsing and planning them."""

import pytest
from django.db import connection
from django.test import override_settings

from tests.factories import ReceptionFactory, StationFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
@override_settings(PAGE_CACHE_SECONDS=0)  # every visit runs the page's queries
def test_a_station_page_visited_often_runs_on_prepared_statements(client):
    station = StationFactory(name="当湖街道人大代表联络站")
    ReceptionFactory(station=station, theme="老旧小区加装电梯")
    url = f"/stations/{station.pk}/"
    assert not [s for s in prepared() if "deputies_reception" in s]

    for _ in range(connection.connection.prepare_threshold + 1):
        response = client.get(url)
        assert response.status_code == 200
        assert "老旧小区加装电梯" in response.content.decode()

    assert [s for s in prepared() if "deputies_reception" in s]
