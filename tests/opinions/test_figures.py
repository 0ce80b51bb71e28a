"""The figures: their arithmetic, the public statistics page, the station block, the review keys."""

import datetime

import pytest

from congress.review import registry
from proposals.models import Opinion
from proposals.opinions.selectors import OpinionFigures, opinion_stats
from tests.factories import OpinionFactory, StationFactory, TownFactory

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def when(month, day=10):
    return datetime.datetime(2022, month, day, 4, tzinfo=UTC)


@pytest.fixture
def data(station):
    other = StationFactory(name="当湖街道人大代表联络站", town=TownFactory(name="当湖街道"))
    closed = dict(status=Opinion.Status.CLOSED, closed_at=when(4))
    rows = [
        # station: 4 received, 3 closed (2 satisfied, 1 unsatisfied), 1 open
        OpinionFactory(station=station, submitted_at=when(3), rating="satisfied", **closed),
        OpinionFactory(station=station, submitted_at=when(3), rating="basically", **closed),
        OpinionFactory(
            station=station, submitted_at=when(5), rating="unsatisfied", reopen_count=1, **closed
        ),
        OpinionFactory(station=station, submitted_at=when(5)),
        # other: 2 received, 1 not accepted (closed, no rating)
        OpinionFactory(
            station=other,
            submitted_at=when(5),
            status=Opinion.Status.NOT_ACCEPTED,
            not_accepted_reason="已起诉",
            channel="litigation",
            closed_at=when(5, 12),
            category="jobs",
        ),
        OpinionFactory(station=other, submitted_at=when(7)),
        # another year: not counted in 2022
        OpinionFactory(station=station, submitted_at=datetime.datetime(2021, 12, 1, tzinfo=UTC)),
    ]
    return station, other, rows


def test_the_arithmetic(data):
    station, other, _rows = data
    stats = opinion_stats(year=2022)
    total = stats["total"]
    assert (total.received, total.closed, total.rated, total.satisfied) == (6, 4, 3, 2)
    assert total.closure_rate == 66.7  # 4 / 6
    assert total.satisfaction_rate == 66.7  # 2 / 3
    by_station = dict(stats["by_station"])
    assert by_station[station.name] == OpinionFigures(4, 3, 3, 2)
    assert by_station[other.name].closure_rate == 50.0
    assert by_station[other.name].satisfaction_rate is None
    assert dict(stats["by_month"]) == {
        "2022-03": OpinionFigures(2, 2, 2, 2),
        "2022-05": OpinionFigures(3, 2, 1, 0),
        "2022-07": OpinionFigures(1, 0, 0, 0),
    }
    assert dict(stats["by_town"])["当湖街道"].received == 2
    assert opinion_stats(year=2022, station=station)["total"].received == 4
    assert opinion_stats(year=2022, town=other.town)["total"].received == 2
    assert opinion_stats()["total"].received == 7
    assert OpinionFigures().closure_rate is None


def test_the_review_figures_match(data):
    values = registry.compute(
        [
            "opinions.received",
            "opinions.closed",
            "opinions.closure_rate",
            "opinions.by_month",
            "opinions.by_station",
        ],
        2022,
    )
    assert values["opinions.received"] == 6
    assert values["opinions.closed"] == 4
    assert values["opinions.closure_rate"] == 66.7
    assert dict(values["opinions.by_month"]) == {
        **{m: 0 for m in range(1, 13)},
        3: 2,
        5: 3,
        7: 1,
    }
    assert values["opinions.by_station"][0][1] == 4
    assert registry.get("opinions.by_month").chart == "months"
    assert any(name == "opinions" for name, _v in registry.data_versions(2022))


def test_the_public_statistics_page(client, data):
    station, other, _rows = data
    response = client.get("/en/opinions/stats/", {"year": 2022})
    assert response.status_code == 200
    page = response.content.decode()
    assert "66.7%" in page and "Closure rate" in page and station.name in page
    response = client.get("/en/opinions/stats/", {"year": 2022, "station": other.pk})
    assert response.context["stats"]["total"].received == 2


@pytest.mark.parametrize(
    "query",
    [{"year": "abc"}, {"year": "1999"}, {"station": "x"}, {"station": "99999"}, {"town": "-1"}],
)
def test_bad_filter_values_are_400(client, data, query):
    assert client.get("/en/opinions/stats/", query).status_code == 400


def test_the_station_page_shows_its_figures_block(client, data):
    station, _other, _rows = data
    page = client.get(f"/en/stations/{station.pk}/").content.decode()
    assert "Residents' opinions" in page and "75.0%" in page  # 3 of 4 in 2022
    assert f"/stations/{station.pk}/poster.pdf" in page


def test_the_statistics_query_count_does_not_grow(client, data, count_queries):
    few = count_queries(client, "/en/opinions/stats/")
    OpinionFactory.create_batch(30, station=data[0])
    # 7 queries: five aggregates (by town, category, in total, by place, by month) and the
    # filter's choices (towns, stations). None per opinion.
    assert count_queries(client, "/en/opinions/stats/") == few
    assert few <= 12


def test_the_poster_is_an_a4_pdf_with_embedded_chinese_fonts(client, station):
    import io

    from pypdf import PdfReader

    response = client.get(f"/stations/{station.pk}/poster.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert round(float(box.width)) == 595 and round(float(box.height)) == 842
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            fonts.add(str(target["/BaseFont"]))
            assert "/FontFile" in str(target.get("/FontDescriptor", {}).get_object().keys()) or (
                descendants is None
            )
    assert any("NotoSansCJK" in name or "Noto" in name for name in fonts), fonts
    assert station.name in "".join(p.extract_text() for p in reader.pages).replace("\n", "")
    assert client.get("/stations/99999/poster.pdf").status_code == 404
