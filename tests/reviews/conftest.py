import datetime

import pytest

from congress.models import AnnualReview, ReviewSection
from tests.factories import (
    ActivityFactory,
    DelegationFactory,
    DeputyFactory,
    DeputyGroupFactory,
    ReceptionFactory,
    StationFactory,
    TermFactory,
)

KEYS = (
    "deputies.count, delegations.count, groups.count, stations.count, receptions.count, "
    "receptions.residents, receptions.by_month, activities.by_kind, trainings.held, "
    "trainings.attended, deputies.active"
)


@pytest.fixture
def year_data(db):
    return build_year_data()


def build_year_data():
    """A small 2022: 2 delegations, 5 deputies (one ended mid-year), 2 groups, 2 stations."""
    term = TermFactory()
    d1, d2 = DelegationFactory(term=term), DelegationFactory(term=term)
    deputies = [DeputyFactory(term=term, delegation=d1) for _ in range(3)]
    deputies += [DeputyFactory(term=term, delegation=d2)]
    DeputyFactory(term=term, delegation=d2, status="ended", ended_on=datetime.date(2022, 6, 30))
    DeputyGroupFactory(term=term)
    DeputyGroupFactory(term=term, kind="professional")
    s1, s2 = StationFactory(), StationFactory()
    StationFactory(active=False)
    ReceptionFactory(
        station=s1, date=datetime.date(2022, 3, 15), residents_received=5, notice_date=None
    )
    ReceptionFactory(
        station=s1, date=datetime.date(2022, 3, 29), residents_received=7, notice_date=None
    )
    ReceptionFactory(
        station=s2, date=datetime.date(2022, 11, 8), residents_received=10, notice_date=None
    )
    ReceptionFactory(
        station=s2, date=datetime.date(2021, 11, 8), residents_received=99, notice_date=None
    )
    for deputy in deputies[:2]:
        ActivityFactory(
            deputy=deputy, kind="training", title="初任培训", date=datetime.date(2022, 4, 2)
        )
    ActivityFactory(
        deputy=deputies[0], kind="training", title="履职能力提升", date=datetime.date(2022, 9, 1)
    )
    ActivityFactory(deputy=deputies[2], kind="inspection", date=datetime.date(2022, 5, 10))
    ActivityFactory(deputy=deputies[3], kind="inspection", verified=False)
    ActivityFactory(deputy=deputies[3], kind="inspection", date=datetime.date(2021, 5, 10))
    return {"term": term, "deputies": deputies, "stations": [s1, s2]}


def make_review(*, year=2022, sections=3, published=True, keys=KEYS, title="为民履职 实干见效"):
    review = AnnualReview.objects.create(
        year=year,
        title=title,
        subtitle="市人大常委会工作回眸",
        lead="这一年，常委会依法履职，代表贴近群众。",
        published=published,
        published_on=datetime.date(year + 1, 1, 16) if published else None,
    )
    for n in range(sections):
        ReviewSection.objects.create(
            review=review,
            order=n,
            heading=f"第{n + 1}部分 代表联络站接待群众",
            narrative="代表们走进联络站，**倾听**群众呼声。\n\n## 小标题\n\n- 接待\n- 交办",
            figure_keys=keys,
        )
    return review


@pytest.fixture
def review(year_data):
    return make_review()
