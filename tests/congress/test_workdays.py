"""Working-day deadlines follow the holiday table, including worked weekends (调休)."""

import datetime

import pytest

from congress.kit.workdays import add_working_days, working_days_between
from congress.models import Holiday

pytestmark = pytest.mark.django_db


def test_plain_week_skips_the_weekend():
    friday = datetime.date(2022, 6, 17)
    assert add_working_days(friday, 1) == datetime.date(2022, 6, 20)
    assert add_working_days(friday, 7) == datetime.date(2022, 6, 28)


def test_national_day_week_and_its_worked_weekend():
    # 2022: 1–7 October off; Saturday 8 and Sunday 9 October worked.
    for day in range(1, 8):
        Holiday.objects.create(date=datetime.date(2022, 10, day), name="国庆节")
    for day in (8, 9):
        Holiday.objects.create(
            date=datetime.date(2022, 10, day), name="国庆调休", is_working_day=True
        )
    sept_30 = datetime.date(2022, 9, 30)
    assert add_working_days(sept_30, 1) == datetime.date(2022, 10, 8)
    assert add_working_days(sept_30, 7) == datetime.date(2022, 10, 14)
    assert working_days_between(sept_30, datetime.date(2022, 10, 14)) == 7


def test_zero_days_and_reversed_ranges():
    day = datetime.date(2022, 3, 1)
    assert add_working_days(day, 0) == day
    assert working_days_between(day, day) == 0
    assert working_days_between(day, day - datetime.timedelta(days=3)) == 0
    with pytest.raises(ValueError):
        add_working_days(day, -1)
