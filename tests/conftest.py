import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: rate-limit counters and cached figures are per test."""
    from django.core.cache import cache

    from congress.kit.sharedcache import shared

    shared.reset()
    cache.clear()
    yield
    shared.reset()
    cache.clear()


@pytest.fixture
def staff_client(client, db):
    from tests.factories import StaffFactory

    client.force_login(StaffFactory())
    return client


class QueryCounter:
    """The one way tests count database queries (the `count_queries` fixture).

        small = count_queries(client, "/deputies/")   # GET the page (it must answer 200)
        with count_queries.capture() as queries:       # or any block of code
            ...
        len(queries)

    Write beside each expected count what the queries are, so that a changed count says which
    one came or went. `SHOW_QUERIES=1 pytest -s …` prints the SQL of every count.
    """

    def __call__(self, client, url: str, *, status: int = 200) -> int:
        with self.capture() as queries:
            response = client.get(url)
        assert response.status_code == status, (url, response.status_code)
        return len(queries)

    @contextmanager
    def capture(self) -> Iterator[CaptureQueriesContext]:
        with CaptureQueriesContext(connection) as queries:
            yield queries
        if os.environ.get("SHOW_QUERIES"):
            print(f"\n-- {len(queries)} queries")
            for query in queries.captured_queries:
                print("  ", query["sql"][:300])


@pytest.fixture
def count_queries() -> QueryCounter:
    return QueryCounter()
