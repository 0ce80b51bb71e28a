"""Several plain-SQL reads that do not depend on each other's answers, sent together.

One after another, each statement costs PostgreSQL a round trip: the worker sends it and
waits, PostgreSQL wakes and answers, the worker wakes. In psycopg 3's pipeline mode the
statements go out at once and their answers come back in one round trip; each is still its
own statement (prepared like any other once a connection has run it often). On the projects
page's five reads this took 1.27 to 0.80 ms (median, wall clock, ten-times bench copy, two
busy cores). SQLite runs in the process: there the statements run one after another.

Give it only statements whose parameters are known beforehand: one that needs another's
answer must wait for it anyway. The queries go through Django's cursors, so they are logged
and counted (`django_assert_num_queries`, CaptureQueriesContext) like any other.
"""

from collections.abc import Sequence
from contextlib import AbstractContextManager, ExitStack, nullcontext
from typing import Any

import psycopg
from django.db import connection

Statement = tuple[str, Sequence[Any]]


def fetch_each(statements: Sequence[Statement]) -> list[list[tuple[Any, ...]]]:
    """The rows of each statement (SQL and its parameters), in the statements' order."""
    with ExitStack() as stack:
        cursors = [stack.enter_context(connection.cursor()) for _ in statements]
        with connection.wrap_database_errors, _together():
            for cursor, (sql, params) in zip(cursors, statements, strict=True):
                cursor.execute(sql, params)
        return [list(cursor.fetchall()) for cursor in cursors]


def _together() -> AbstractContextManager[object]:
    """psycopg's pipeline on PostgreSQL (where libpq has it: version 14 on), else nothing."""
    if connection.vendor == "postgresql" and psycopg.Pipeline.is_supported():
        return connection.connection.pipeline()  # type: ignore[no-any-return]
    return nullcontext()
