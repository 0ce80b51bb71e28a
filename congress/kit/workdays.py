"""Working-day arithmetic: Monday to Friday, corrected by the Holiday table staff maintain."""

import calendar
import datetime

from congress.models import Holiday


def exceptions_between(start: datetime.date, end: datetime.date) -> dict[datetime.date, bool]:
    """The Holiday table's days in a range (day → is it a working day). One query; pass it to
    `add_working_days` to count many dates without a query each."""
    return dict(
        Holiday.objects.filter(date__range=(start, end)).values_list("date", "is_working_day")
    )


def is_working_day(day: datetime.date, exceptions: dict[datetime.date, bool] | None = None) -> bool:
    exceptions = exceptions_between(day, day) if exceptions is None else exceptions
    if day in exceptions:
        return exceptions[day]
    return day.weekday() < 5


def _window_end(start: datetime.date, days: int) -> datetime.date:
    # Long holidays (Spring Festival) take at most ~9 days; a generous window covers them.
    return start + datetime.timedelta(days=days * 2 + 30)


def add_working_days(
    start: datetime.date, days: int, exceptions: dict[datetime.date, bool] | None = None
) -> datetime.date:
    """The date `days` working days after `start` (start itself not counted). One query, none
    when given the `exceptions` (exceptions_between) covering the days after `start`."""
    if days < 0:
        raise ValueError("days must not be negative")
    if exceptions is None:
        exceptions = exceptions_between(start, _window_end(start, days))
    return _add(start, days, exceptions)


def add_working_days_each(starts: list[datetime.date], days: int) -> list[datetime.date]:
    """add_working_days for each of several dates (a list's rows), in one query for them all."""
    if days < 0:
        raise ValueError("days must not be negative")
    if not starts:
        return []
    exceptions = exceptions_between(min(starts), _window_end(max(starts), days))
    return [_add(start, days, exceptions) for start in starts]


def _add(start: datetime.date, days: int, exceptions: dict[datetime.date, bool]) -> datetime.date:
    day, left = start, days
    while left:
        day += datetime.timedelta(days=1)
        if is_working_day(day, exceptions):
            left -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    exceptions = exceptions_between(start, end)
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_working_day(day, exceptions)
    return count


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan → 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
