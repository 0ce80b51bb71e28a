"""The opinions demo step: the article's 1,322 opinions and 94.3 %, deterministic and idempotent."""

import io
import time

import pytest

from congress.demo import DemoContext, run
from proposals.models import Assignment, Opinion, Reply, TimelineEntry
from proposals.opinions import demo as opinion_demo
from proposals.opinions.selectors import opinion_stats

pytestmark = pytest.mark.django_db


@pytest.fixture
def foundation():
    run(DemoContext(password="demo-password-for-tests"))


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Opinion, Assignment, Reply, TimelineEntry)
    }


def test_the_demo_has_the_articles_figures_and_the_zhouwei_case(foundation):
    started = time.perf_counter()
    out = io.StringIO()
    opinion_demo.load(stdout=out)
    assert time.perf_counter() - started < 10
    year = Opinion.objects.in_year(2022)
    assert year.count() == 1322
    assert year.closed().count() == 1247
    stats = opinion_stats(year=2022)
    assert stats["total"].closure_rate == 94.3
    assert len(stats["by_station"]) >= 10
    assert len(stats["by_month"]) == 12
    assert len(set(Opinion.objects.values_list("code", flat=True))) == 1322

    case = Opinion.objects.get(code=opinion_demo.ZHOUWEI_CODE)
    assert case.station.name == "独山港镇周圩人大代表联络站"
    assert case.source == Opinion.Source.RECEPTION and case.reception is not None
    assert case.assignments.get().organisation.name == "独山港镇村镇建设管理办公室"
    reply = case.replies.get()
    assert "举手表决" in reply.text and "裂缝" in case.content
    assert case.status == Opinion.Status.CLOSED
    # Every opinion routed to a unit has its assignment; every unit reply its assignment too.
    assert not Opinion.objects.filter(handling="unit", assignments__isnull=True).exists()

    before = counts()
    codes = list(Opinion.objects.order_by("pk").values_list("pk", "code", "status"))
    opinion_demo.load(stdout=io.StringIO())
    assert counts() == before
    assert list(Opinion.objects.order_by("pk").values_list("pk", "code", "status")) == codes
