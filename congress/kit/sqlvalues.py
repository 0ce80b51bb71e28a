"""Values read with plain SQL (a cursor, not the ORM), made what the ORM would have made of them
on either database: PostgreSQL answers aware datetimes and Decimals; SQLite answers naive UTC
datetimes (or, for an expression, the text it stores) and floats."""

import datetime
from decimal import Decimal
from typing import Any, overload

from django.utils import timezone
from django.utils.dateparse import parse_datetime


@overload
def aware(value: None) -> None: ...
@overload
def aware(value: datetime.datetime | str) -> datetime.datetime: ...
def aware(value: Any) -> datetime.datetime | None:
    """A datetime column's value, aware (UTC as stored) or None."""
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    moment: datetime.datetime = value
    if timezone.is_naive(moment):
        return timezone.make_aware(moment, datetime.UTC)
    return moment


def decimal(value: Any, places: int) -> Decimal:
    """A decimal column's value (or a sum of them) with the column's places; None as 0."""
    if value is None:
        return Decimal("0")
    if isinstance(value, Decimal):
        return value
    return Decimal(str(round(value, places)))
