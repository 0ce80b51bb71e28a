"""A burst of residents' opinions refreshes the year's summary slice once, and every reader still
sees every opinion (congress.kit.summaries, `coalesce`)."""

from unittest import mock

import pytest
from django.utils import timezone

from congress.kit import summaries
from congress.kit.sharedcache import shared
from congress.models import Summary
from proposals.opinions import services


@pytest.fixture
def send(station, django_capture_on_commit_callbacks):
    """One resident's opinion, committed (the after-commit refresh runs)."""

    def run(n: int):
        with django_capture_on_commit_callbacks(execute=True):
            services.opinion_submit(
                source="station_qr",
                station=station,
                category="roads",
                content=f"路口的路灯坏了，晚上看不清，第{n}条",
                consent=True,
            )

    return run


def stored(year: int):
    row = Summary.objects.filter(name="opinions", year=year).first()
    return row.data if row else None


def test_a_burst_is_refreshed_once_and_read_right(send):
    year = timezone.localdate().year
    run = summaries.SummaryDef.run
    with mock.patch.object(summaries.SummaryDef, "run", autospec=True, side_effect=run) as spy:

        def computed() -> int:
            return sum(1 for call in spy.call_args_list if call.args[0].name == "opinions")

        send(1)
        assert computed() == 1  # the first opinion: refreshed after its commit
        assert stored(year) is not None
        send(2)
        send(3)
        assert computed() == 1  # within the pause: left stale, not computed
        assert stored(year) is None
    # A reader sees all three (it computes the stale slice and stores it for the next one).
    assert summaries.check() == []
    assert summaries.read("opinions", [year])[year] == summaries.get("opinions").run(year)
    assert stored(year) == summaries.get("opinions").run(year)


def test_after_the_pause_a_write_refreshes_again(send):
    year = timezone.localdate().year
    send(1)
    shared.delete(f"summaries:refresh:opinions:{year}")  # the pause is over
    send(2)
    assert stored(year) is not None
    assert summaries.check() == []


def test_with_the_cache_down_every_write_refreshes(send):
    year = timezone.localdate().year
    with mock.patch("django.core.cache.cache.add", side_effect=ConnectionError("down")):
        send(1)
        send(2)
    assert stored(year) is not None  # nobody can tell a pause: each write refreshed
    assert summaries.check() == []
