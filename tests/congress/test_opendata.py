"""Open data: /open-data/, its CSV and JSON downloads and `manage.py export_open_data`."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.utils import timezone

from congress.models import AnnualReview, ReviewSection
from congress.opendata import datasets as opendata
from proposals.models import Suggestion
from supervision import rules, services
from supervision.models import Ballot, BallotReceipt, BudgetSnapshot, ExecutionLine, Poll
from tests.factories import (
    AssignmentFactory,
    CategoryFactory,
    DeputyFactory,
    LivelihoodProjectFactory,
    MajorProjectFactory,
    MotionFactory,
    OrganisationFactory,
    ReceptionFactory,
    ReplyFactory,
    SessionFactory,
    SignatureFactory,
    StationFactory,
    SuggestionFactory,
    SupervisionItemFactory,
    TermFactory,
)

pytestmark = pytest.mark.django_db

# Private values that must never leave the back office.
PRIVATE = [
    "13900001111",  # deputy's phone
    "330482197702023456",  # deputy's ID number
    "1977-02-02",  # deputy's birth date
    "13911112222",  # the co-signer's phone
    "居民隐私名",  # resident's name
    "13722223333",  # resident's phone
    "意见正文不公开",  # an opinion's text
]
FORMULA = '=HYPERLINK("http://evil.example","点我")'


def opinion_model():
    try:
        return apps.get_model("proposals", "Opinion")
    except LookupError:
        return None


def shanghai(year, month, day, hour=10):
    return datetime.datetime(
        year, month, day, hour, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
    )


@pytest.fixture
def world():
    term = TermFactory(number=16, start_date=datetime.date(2022, 1, 1), end_date=None)
    deputy = DeputyFactory(
        term=term,
        name="公开代表",
        phone="13900001111",
        id_number="330482197702023456",
        birth_date=datetime.date(1977, 2, 2),
    )
    cosigner = DeputyFactory(
        term=term, name="附议代表", phone="13911112222", delegation=deputy.delegation
    )
    station = StationFactory(name="当湖联络站", phone="0573-85000000")
    station.deputies.add(deputy)
    reception = ReceptionFactory(station=station, date=datetime.date(2022, 3, 15))
    reception.deputies.add(deputy)
    session = SessionFactory(term=term, number=1)
    category = CategoryFactory(term=term, name="城乡建设")

    def suggestion(code, title, *, year=2022, is_public=True, status="replied"):
        return SuggestionFactory(
            lead=deputy,
            term=term,
            session=session,
            category=category,
            year=year,
            code=code,
            number=int(code[-4:-1]),
            title=title,
            is_public=is_public,
            status=status,
            registered_at=shanghai(year, 3, 1),
        )

    public = suggestion("十六届一次会议第001号", "关于农村道路亮化的建议")
    SignatureFactory(suggestion=public, deputy=cosigner)
    AssignmentFactory(suggestion=public)
    ReplyFactory(suggestion=public, published_at=shanghai(2022, 6, 20), text="已答复公开")
    ReplyFactory(suggestion=public, published_at=None, text="未发布的答复", is_followup=True)
    formula = suggestion("十六届一次会议第002号", FORMULA)
    later = suggestion("十六届一次会议第003号", "二〇二三年的建议", year=2023)
    hidden = suggestion("十六届一次会议第004号", "不公开的建议", is_public=False)
    draft = suggestion("十六届一次会议第005号", "草稿中的建议", status="draft")
    MotionFactory(lead=deputy, term=term, session=session, status="listed", title="公开的议案")
    SupervisionItemFactory(title="公开的监督事项", is_public=True)
    SupervisionItemFactory(title="未公开的监督事项", is_public=False)
    poll = _published_poll(deputy)
    LivelihoodProjectFactory(title="民生实事公开项目", year=2022)
    MajorProjectFactory(name="重大项目公开", year=2022, investment=Decimal("250000000.00"))
    # A published month of the budget register (and an unpublished one, never in open data).
    for month, published in ((10, True), (11, False)):
        snapshot = BudgetSnapshot.objects.create(
            kind=BudgetSnapshot.Kind.EXECUTION, year=2022, month=month, published=published
        )
        ExecutionLine.objects.create(
            snapshot=snapshot,
            department=OrganisationFactory(name=f"市{month}月局"),
            budgeted=100,
            adjusted=100,
            spent=month,
        )
    review = AnnualReview.objects.create(
        year=2022,
        title="回眸",
        published=True,
        published_on=datetime.date(2023, 1, 16),
    )
    ReviewSection.objects.create(
        review=review, order=1, heading="一", figure_keys="deputies.count, receptions.by_month"
    )
    Opinion = opinion_model()
    if Opinion is not None:
        Opinion.objects.create(
            source="station_qr",
            station=station,
            category="roads",
            content="意见正文不公开，路灯坏了很久了。",
            name="居民隐私名",
            phone="13722223333",
            consent=True,
            submitted_at=shanghai(2022, 5, 3),
        )
    return {
        "deputy": deputy,
        "public": public,
        "formula": formula,
        "later": later,
        "hidden": hidden,
        "draft": draft,
        "poll": poll,
        "station": station,
    }


def _published_poll(deputy):
    now = timezone.now()
    poll = services.poll_create(
        kind=Poll.Kind.SATISFACTION,
        title="满意度测评公开",
        options=[{"label": "环境状况报告"}],
        opens_at=now - datetime.timedelta(hours=2),
        closes_at=now - datetime.timedelta(hours=1),
    )
    services.poll_open(poll=poll, voters=[deputy])
    option = poll.options.get()
    BallotReceipt.objects.create(poll=poll, voter=deputy)
    Ballot.objects.create(
        poll=poll, marks={str(option.pk): rules.grade_codes(rules.Method.EVALUATION)[0]}
    )
    services.poll_close(poll=poll)
    services.poll_publish(poll=poll)
    return poll


def download(client, slug, fmt, **params):
    response = client.get(f"/open-data/{slug}.{fmt}", params)
    assert response.status_code == 200, response
    assert response.streaming
    return response, b"".join(response.streaming_content).decode("utf-8")


def csv_rows(text):
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_every_dataset_downloads_as_csv_and_json_with_its_count(client, world):
    datasets = opendata.all_datasets()
    assert {d.slug for d in datasets} >= {
        "deputies", "stations", "receptions", "suggestions", "replies", "motions", "supervision",
        "polls", "livelihood-projects", "major-projects", "budget-execution", "review-figures",
    }  # fmt: skip
    for dataset in datasets:
        response, text = download(client, dataset.slug, "csv")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert f'filename="{dataset.slug}.csv"' in response["Content-Disposition"]
        rows = csv_rows(text)
        assert len(rows[0]) == len(dataset.columns)
        assert len(rows) - 1 == dataset.count(None) > 0, dataset.slug
        response, text = download(client, dataset.slug, "json")
        data = json.loads(text)
        assert data["dataset"] == dataset.slug
        assert [c["key"] for c in data["columns"]] == dataset.keys()
        assert len(data["rows"]) == dataset.count(None)
        assert all(set(row) == set(dataset.keys()) for row in data["rows"])


def test_only_public_rows_are_exported(client, world):
    _r, text = download(client, "suggestions", "json")
    codes = {row["code"] for row in json.loads(text)["rows"]}
    assert codes == {world["public"].code, world["formula"].code, world["later"].code}
    row = next(r for r in json.loads(text)["rows"] if r["code"] == world["public"].code)
    assert row["reply_class"] == "A"
    assert row["cosigners"] == "附议代表"
    assert row["lead"] == "公开代表"
    _r, text = download(client, "replies", "json")
    replies = json.loads(text)["rows"]
    assert [r["text"] for r in replies] == ["已答复公开"]
    _r, text = download(client, "supervision", "csv")
    assert "公开的监督事项" in text and "未公开的监督事项" not in text
    _r, text = download(client, "budget-execution", "csv")
    assert "市10月局" in text and "市11月局" not in text  # only the published month
    _r, text = download(client, "polls", "json")
    (line,) = json.loads(text)["rows"]
    assert line["poll"] == "满意度测评公开" and line["votes"] == 1


def test_private_data_never_appears_in_any_download_or_the_page(client, world):
    texts = [client.get("/open-data/").content.decode()]
    for dataset in opendata.all_datasets():
        for fmt in ("csv", "json"):
            texts.append(download(client, dataset.slug, fmt)[1])
    for text in texts:
        for value in PRIVATE:
            assert value not in text
    # The deputies dataset has no column for them at all.
    keys = opendata.get("deputies").keys()
    assert not {"phone", "id_number", "birth_date"} & set(keys)


@pytest.mark.skipif(opinion_model() is None, reason="proposals.Opinion does not exist yet")
def test_opinions_are_exported_as_counts_only(client, world):
    _r, text = download(client, "opinion-counts", "json")
    (row,) = json.loads(text)["rows"]
    assert row == {
        "month": "2022-05",
        "station": "当湖联络站",
        "category": row["category"],
        "received": 1,
        "closed": 0,
    }


def test_csv_cells_that_look_like_formulas_are_escaped(client, world):
    _r, text = download(client, "suggestions", "csv")
    titles = [row[4] for row in csv_rows(text)[1:]]
    assert "'" + FORMULA in titles
    assert FORMULA not in titles
    _r, text = download(client, "suggestions", "json")
    assert FORMULA in {row["title"] for row in json.loads(text)["rows"]}  # JSON is data, as is


def test_year_filters_rows(client, world):
    _r, text = download(client, "suggestions", "json", year="2023")
    data = json.loads(text)
    assert data["year"] == 2023
    assert [row["code"] for row in data["rows"]] == [world["later"].code]
    response, text = download(client, "suggestions", "csv", year="2022")
    assert 'filename="suggestions-2022.csv"' in response["Content-Disposition"]
    assert len(csv_rows(text)) == 1 + 2


@pytest.mark.parametrize("year", ["abc", "1999", "20222", "２０２２", "-2022", "2100"])
def test_a_bad_year_answers_400(client, world, year):
    assert client.get("/open-data/suggestions.csv", {"year": year}).status_code == 400


def test_a_year_on_a_dataset_without_years_answers_400(client, world):
    assert client.get("/open-data/stations.json", {"year": "2022"}).status_code == 400


@pytest.mark.parametrize(
    "path", ["/open-data/nothing.csv", "/open-data/deputies.xml", "/open-data/deputies"]
)
def test_unknown_dataset_or_format_answers_404(client, world, path):
    assert client.get(path).status_code == 404


def test_query_count_does_not_grow_with_rows(client, world, count_queries):
    def queries():
        counts = {}
        for dataset in opendata.all_datasets():
            with count_queries.capture() as queries:
                download(client, dataset.slug, "csv")
            counts[dataset.slug] = len(queries)
        return counts

    before = queries()
    deputy = world["deputy"]
    for n in range(6, 16):
        s = SuggestionFactory(
            lead=deputy,
            term=deputy.term,
            session=world["public"].session,
            category=world["public"].category,
            code=f"十六届一次会议第{n:03d}号",
            number=n,
            status=Suggestion.Status.REPLIED,
        )
        SignatureFactory(suggestion=s, deputy=DeputyFactory(term=deputy.term))
        AssignmentFactory(suggestion=s)
        ReplyFactory(suggestion=s, published_at=shanghai(2022, 6, 20))
        r = ReceptionFactory(station=world["station"], date=datetime.date(2022, 4, n))
        r.deputies.add(deputy)
    # Per dataset, 1 to 4 queries: its rows with their foreign keys joined, plus one per
    # prefetched relation (a suggestion's signers, units and replies). None per row.
    assert queries() == before


def test_index_lists_every_dataset_with_counts_and_links(client, world):
    response = client.get("/open-data/")
    assert response.status_code == 200
    body = response.content.decode()
    for dataset in opendata.all_datasets():
        assert f'href="/open-data/{dataset.slug}.csv"' in body
        assert f'href="/open-data/{dataset.slug}.json"' in body
    assert client.get("/en/open-data/").status_code == 200


def test_english_downloads_have_english_headers(client, world):
    _r, text = download(client, "deputies", "csv")
    assert csv_rows(text)[0][1] == "姓名"
    response = client.get("/en/open-data/deputies.csv")
    text = b"".join(response.streaming_content).decode()
    assert csv_rows(text)[0][1] == "Name"


def test_command_writes_every_dataset(world, tmp_path):
    out = io.StringIO()
    call_command("export_open_data", str(tmp_path / "export"), stdout=out)
    for dataset in opendata.all_datasets():
        csv_text = (tmp_path / "export" / f"{dataset.slug}.csv").read_text(encoding="utf-8")
        assert len(csv_rows(csv_text)) - 1 == dataset.count(None)
        data = json.loads((tmp_path / "export" / f"{dataset.slug}.json").read_text("utf-8"))
        assert len(data["rows"]) == dataset.count(None)
        assert f"{dataset.slug}.csv: {dataset.count(None)} rows" in out.getvalue()
        assert f"{dataset.slug}.json: {dataset.count(None)} rows" in out.getvalue()
    for path in (tmp_path / "export").iterdir():
        for value in PRIVATE:
            assert value not in path.read_text("utf-8")


def test_command_year_and_format(world, tmp_path):
    call_command(
        "export_open_data", str(tmp_path), year="2023", format=["json"], stdout=io.StringIO()
    )
    assert not list(tmp_path.glob("*.csv"))
    data = json.loads((tmp_path / "suggestions.json").read_text("utf-8"))
    assert [row["code"] for row in data["rows"]] == [world["later"].code]
    assert json.loads((tmp_path / "stations.json").read_text("utf-8"))["rows"]  # no year: whole
    with pytest.raises(CommandError):
        call_command("export_open_data", str(tmp_path), year="soon", stdout=io.StringIO())


def test_downloads_stream_rows_from_the_database_a_chunk_at_a_time(
    client, world, monkeypatch, count_queries
):
    """Issue 15: a download holds one chunk of rows in memory, never the whole table."""
    deputy = world["deputy"]
    for n in range(6, 11):
        s = SuggestionFactory(
            lead=deputy,
            term=deputy.term,
            session=world["public"].session,
            category=world["public"].category,
            code=f"十六届一次会议第{n:03d}号",
            number=n,
            status=Suggestion.Status.REPLIED,
            title=f"分块建议{n}",
        )
        SignatureFactory(suggestion=s, deputy=DeputyFactory(term=deputy.term, name=f"附议{n}"))
        AssignmentFactory(suggestion=s)
        ReplyFactory(suggestion=s, reply_class="B", published_at=shanghai(2022, 6, 20))
    whole = {fmt: download(client, "suggestions", fmt)[1] for fmt in ("csv", "json")}

    monkeypatch.setattr(opendata, "CHUNK", 3)  # 8 public suggestions: chunks of 3, 3 and 2
    response = client.get("/open-data/suggestions.csv")
    assert response.streaming
    chunks = iter(response.streaming_content)
    with count_queries.capture() as ctx:
        header = next(chunks).decode()
    assert header.startswith("\ufeff系统编号,") and ctx.captured_queries == []  # before any read
    with count_queries.capture() as ctx:
        rest = b"".join(chunks).decode()
    # Per chunk: its rows (one cursor for all three), then its co-signers, units and first replies.
    assert len(ctx.captured_queries) == 1 + 3 * 3
    assert header + rest == whole["csv"]  # the same rows, in the same order, as in one chunk
    rows = csv_rows(header + rest)[1:]
    assert len(rows) == 8
    row = next(r for r in rows if r[4] == "分块建议9")
    assert (row[8], row[13]) == ("附议9", "B")  # co-signer and first reply class of its own chunk
    assert download(client, "suggestions", "json")[1] == whole["json"]
