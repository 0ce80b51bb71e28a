"""Benchmark: the annual review PDF — cold render, size, pages, and the cached response.

Run: .venv/bin/python tests/perf/bench_review_pdf.py [--factory]
By default it renders the demo's 2022 review (load_demo); --factory builds its own data instead.
Uses a throwaway SQLite file, or the PostgreSQL database named by DATABASE_URL (give it a
throwaway database: it is migrated, and only the review is deleted afterwards). Builds ~280
deputies, 6 stations, a year of receptions and activities and an 8-section review.
Prints figures; asserts nothing.
Targets: cold render < 4 s, PDF < 2 MB, cached GET /reviews/<year>.pdf < 50 ms (median of 20).
"""

import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
_tmp = tempfile.TemporaryDirectory()
if not os.environ.get("DATABASE_URL"):
    os.environ["SQLITE_PATH"] = str(Path(_tmp.name) / "bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from congress.models import AnnualReview, ReviewPdf, ReviewSection  # noqa: E402
from congress.review import pdf  # noqa: E402
from deputies.models import Activity, ActivityKind, Deputy, Reception  # noqa: E402
from tests.factories import (  # noqa: E402
    DelegationFactory,
    DeputyGroupFactory,
    StationFactory,
    TermFactory,
    TownFactory,
)

YEAR = 2031  # far from any demo year, so a shared PostgreSQL database keeps its own data
KEYS = [
    "deputies.count, delegations.count",
    "opinions.received, receptions.count, receptions.by_month",
    "deputies.count, groups.count, stations.count, receptions.residents, trainings.held, "
    "trainings.attended, deputies.active, activities.by_kind",
    "suggestions.received, suggestions.replied_on_time_rate",
    "supervision.debt_approved, major_projects.count",
    "activities.count, stations.receiving",
    "projects.voters, projects.selected",
    "receptions.by_month, activities.by_kind",
]
PARAGRAPH = (
    "代表们走进联络站和田间地头，面对面听取群众意见，把收集到的问题逐条登记、分类交办，"
    "并在规定时间内跟踪回复。常委会坚持问题导向，督促有关部门把每一件事办实办好，"
    "让群众看得见变化、感受得到温度。"
)


def build():
    rng = random.Random(2031)
    term = TermFactory(number=31, start_date=datetime.date(2031, 1, 1), end_date=None)
    towns = [TownFactory(name=f"基准镇{i}") for i in range(9)]
    delegations = [DelegationFactory(term=term, town=town) for town in towns]
    deputies = Deputy.objects.bulk_create(
        Deputy(
            term=term,
            card_number=f"B{i:05d}",
            name=f"基准代表{i}",
            gender="F" if i % 2 else "M",
            delegation=delegations[i % 9],
        )
        for i in range(280)
    )
    for i in range(12):
        DeputyGroupFactory(term=term, name=f"基准小组{i}")
    stations = [StationFactory(town=towns[i], name=f"基准联络站{i}") for i in range(6)]
    Reception.objects.bulk_create(
        Reception(
            station=rng.choice(stations),
            date=datetime.date(YEAR, rng.randint(1, 12), rng.randint(1, 28)),
            residents_received=rng.randint(1, 20),
        )
        for _ in range(300)
    )
    kinds = [k for k, _ in ActivityKind.choices]
    Activity.objects.bulk_create(
        Activity(
            deputy=rng.choice(deputies),
            kind=rng.choice(kinds),
            title=f"活动{rng.randint(1, 40)}",
            date=datetime.date(YEAR, rng.randint(1, 12), rng.randint(1, 28)),
            verified=rng.random() < 0.9,
        )
        for _ in range(3000)
    )
    review = AnnualReview.objects.create(
        year=YEAR,
        title="履职为民 实干见效",
        subtitle=f"平湖市人大常委会{YEAR}年工作回眸",
        lead=PARAGRAPH * 2,
        published=True,
        published_on=datetime.date(YEAR + 1, 1, 16),
    )
    for n, keys in enumerate(KEYS, start=1):
        ReviewSection.objects.create(
            review=review,
            order=n,
            heading=f"第{n}部分 依法履职 服务大局",
            narrative="\n\n".join([PARAGRAPH] * 5),
            figure_keys=keys,
        )
    return review


def main():
    global YEAR
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if "--factory" in sys.argv:
        AnnualReview.objects.filter(year=YEAR).delete()
        review = build()
        print(f"factory data built in {time.perf_counter() - started:.1f} s")
    else:
        # The real thing: the 2022 review of the demo, with every app's figures and charts.
        call_command("load_demo", force=True, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        YEAR = 2022
        review = AnnualReview.objects.get(year=YEAR)
        print(f"demo loaded in {time.perf_counter() - started:.1f} s; the 2022 review")

    started = time.perf_counter()
    data, pages = pdf.render(review, "zh-hans")
    cold = time.perf_counter() - started
    print(f"cold render: {cold:.2f} s (target < 4 s)")
    print(f"PDF size: {len(data) / 1024:.0f} KiB (target < 2048 KiB), pages: {pages}")

    client = Client()
    started = time.perf_counter()
    first = client.get(f"/reviews/{YEAR}.pdf")
    b"".join(first.streaming_content)
    print(f"first request (enqueue + immediate render): {time.perf_counter() - started:.2f} s")
    times = []
    for _ in range(20):
        started = time.perf_counter()
        response = client.get(f"/reviews/{YEAR}.pdf")
        b"".join(response.streaming_content)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        b"".join(client.get(f"/reviews/{YEAR}.pdf").streaming_content)
    print(
        f"cached response: median {statistics.median(times) * 1000:.1f} ms, "
        f"max {max(times) * 1000:.1f} ms (target < 50 ms), {len(ctx.captured_queries)} queries"
    )
    ReviewPdf.objects.filter(review=review).delete()
    review.delete()


if __name__ == "__main__":
    main()
