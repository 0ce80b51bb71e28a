"""The demo's reception days vary month by month as real diaries do, while each station keeps
its 24 days a year (the yearly totals do not move)."""

from collections import Counter

from deputies.demo.stations import STATIONS, reception_dates


def test_each_station_keeps_24_distinct_weekdays_a_year():
    for index in range(len(STATIONS)):
        dates = reception_dates(index)
        assert len(dates) == len(set(dates)) == 24
        assert all(d.year == 2022 and d.weekday() < 5 for d in dates)


def test_the_months_differ_and_the_stations_differ():
    per_month = Counter(d.month for i in range(len(STATIONS)) for d in reception_dates(i))
    assert sum(per_month.values()) == 24 * len(STATIONS)
    assert len(set(per_month.values())) >= 4  # not a flat line
    assert per_month[2] < per_month[3] and per_month[8] < per_month[6]  # festival, summer heat
    diaries = {tuple(Counter(d.month for d in reception_dates(i)).values()) for i in range(9)}
    assert len(diaries) > 1
