"""congress.kit.sqlvalues.constant: code constants written into SQL made once, never a value
a person typed."""

import pytest
from django.db import connection

from congress.kit.sqlvalues import constant
from proposals.models import Signature, Suggestion


def test_a_status_is_written_as_its_quoted_value():
    assert constant(Signature.Status.REQUESTED) == "'requested'"
    assert constant(Suggestion.Status.DRAFT) == f"'{Suggestion.Status.DRAFT.value}'"


@pytest.mark.parametrize("value", ["", "a'b", "x; DROP TABLE t", "状态", "a b", "a\\b"])
def test_anything_but_a_plain_code_is_refused(value):
    with pytest.raises(ValueError, match="not a code constant"):
        constant(value)


@pytest.mark.django_db
def test_the_literal_selects_what_the_parameter_selected():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {constant('requested')} = %s", ["requested"])
        assert cursor.fetchone()[0] in (True, 1)
