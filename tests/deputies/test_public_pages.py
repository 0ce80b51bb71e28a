"""The public directory, profiles, stations and QR codes, as a resident sees them."""

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest
from django.utils import timezone

from congress.models import Term
from deputies.models import ActivityKind, Deputy
from tests.factories import (
    ActivityFactory,
    DelegationFactory,
    DeputyFactory,
    DeputyGroupFactory,
    PointRuleFactory,
    ReceptionFactory,
    StationFactory,
    TermFactory,
    TownFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_towns():
    term = TermFactory()
    danghu = DelegationFactory(term=term, town=TownFactory(name="当湖街道", order=1))
    zhapu = DelegationFactory(term=term, town=TownFactory(name="乍浦镇", order=2))
    return term, danghu, zhapu


def test_directory_lists_current_deputies_with_public_fields(client, two_towns):
    term, danghu, _ = two_towns
    DeputyFactory(term=term, delegation=danghu, name="沈永良", phone="13812345678")
    response = client.get("/deputies/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "沈永良" in html
    assert "当湖街道代表团" in html
    assert "13812345678" not in html
    assert "33048219800101123X" not in html


def test_directory_cards_escape_their_text_and_mark_ended_mandates(client, two_towns):
    term, danghu, _ = two_towns
    DeputyFactory(
        term=term,
        delegation=danghu,
        name="<b>王</b>",
        occupation="A & B",
        party="群众",
        gender=Deputy.Gender.FEMALE,
        status=Deputy.Status.ENDED,
        ended_on=datetime.date(2023, 1, 1),
    )
    deputy = Deputy.objects.get(name="<b>王</b>")
    DeputyGroupFactory(term=term, name="乙组", kind="professional").members.add(deputy)
    DeputyGroupFactory(term=term, name="甲<组>", kind="constituency").members.add(deputy)
    html = client.get("/deputies/").content.decode()
    assert "&lt;b&gt;王&lt;/b&gt;" in html and "<b>王" not in html
    assert (
        '<p class="tags"><span class="tag">甲&lt;组&gt;</span><span class="tag">乙组</span></p>'
        in html
    )
    assert "<p>A &amp; B</p>" in html
    assert "当湖街道代表团 · 女 · 群众" in html
    assert '<p class="status ended">代表资格已终止</p>' in html


def test_directory_filters_by_delegation_gender_and_name(client, two_towns):
    term, danghu, zhapu = two_towns
    DeputyFactory(term=term, delegation=danghu, name="徐杰", gender=Deputy.Gender.MALE)
    DeputyFactory(term=term, delegation=zhapu, name="朱晓燕", gender=Deputy.Gender.FEMALE)
    html = client.get("/deputies/", {"delegation": zhapu.pk}).content.decode()
    assert "朱晓燕" in html and "徐杰" not in html
    html = client.get("/deputies/", {"gender": "M"}).content.decode()
    assert "徐杰" in html and "朱晓燕" not in html
    html = client.get("/deputies/", {"name": "晓燕"}).content.decode()
    assert "朱晓燕" in html and "徐杰" not in html
    html = client.get("/deputies/", {"town": zhapu.town.pk}).content.decode()
    assert "朱晓燕" in html and "徐杰" not in html


def test_directory_filters_by_group_without_duplicates(client, two_towns):
    term, danghu, _ = two_towns
    deputy = DeputyFactory(term=term, delegation=danghu, name="孙建峰")
    other = DeputyFactory(term=term, delegation=danghu, name="金明")
    first, second = DeputyGroupFactory(term=term), DeputyGroupFactory(term=term)
    first.members.add(deputy)
    second.members.add(deputy, other)
    response = client.get("/deputies/", {"group": first.pk})
    assert [d.name for d in response.context["deputies"]] == ["孙建峰"]


@pytest.mark.parametrize(
    ("params", "label"),
    [
        ({"delegation": "999999"}, "代表团"),
        ({"delegation": "abc"}, "代表团"),
        ({"gender": "X"}, "性别"),
        ({"group": "-1"}, "代表小组"),
        ({"party": "不存在的党派"}, "政治面貌"),
        ({"name": "x" * 51}, "姓名"),
    ],
)
def test_directory_answers_400_naming_the_invalid_filter(client, two_towns, params, label):
    response = client.get("/deputies/", params)
    assert response.status_code == 400
    assert f"<strong>{label}</strong>" in response.content.decode()


def test_directory_paginates_and_keeps_filters_in_page_links(client, two_towns):
    term, danghu, _ = two_towns
    DeputyFactory.create_batch(30, term=term, delegation=danghu, gender=Deputy.Gender.MALE)
    response = client.get("/deputies/", {"gender": "M"})
    assert len(response.context["deputies"]) == 24
    assert "?gender=M&amp;page=2" in response.content.decode()
    assert len(client.get("/deputies/", {"gender": "M", "page": 2}).context["deputies"]) == 6
    assert client.get("/deputies/", {"page": 99}).status_code == 404


def test_directory_pages_list_every_deputy_once_in_the_deputies_order(client, two_towns):
    term, danghu, zhapu = two_towns
    for i in range(15):
        DeputyFactory(term=term, delegation=zhapu, name=f"乍浦代表{i % 7}")  # names repeat
        DeputyFactory(term=term, delegation=danghu, name=f"当湖代表{i % 5}")
    cards = re.compile(r'<li class="card"><h2><a href="/deputies/(\d+)/">')
    shown = [
        int(pk)
        for page in (1, 2)
        for pk in cards.findall(client.get("/deputies/", {"page": page}).content.decode())
    ]
    # by the town's order, then the name, then the id (Deputy.Meta.ordering)
    assert shown == list(Deputy.objects.filter(term=term).values_list("id", flat=True))


def test_directory_shows_only_the_current_term(client, two_towns):
    term, danghu, _ = two_towns
    old_term = TermFactory(
        number=15, start_date=datetime.date(2017, 1, 1), end_date=datetime.date(2021, 12, 31)
    )
    DeputyFactory(
        term=old_term,
        delegation=DelegationFactory(term=old_term, town=danghu.town),
        name="往届代表",
    )
    next_year = timezone.localdate().year + 1
    next_term = TermFactory(
        number=term.number + 1, start_date=datetime.date(next_year, 1, 1), end_date=None
    )
    DeputyFactory(
        term=next_term,
        delegation=DelegationFactory(term=next_term, town=danghu.town),
        name="下届代表",  # elected, not yet in office: its term has the highest number
    )
    DeputyFactory(term=term, delegation=danghu, name="本届代表")
    html = client.get("/deputies/").content.decode()
    assert "本届代表" in html and "往届代表" not in html and "下届代表" not in html


def test_directory_without_a_term_in_force_shows_the_latest_term(client, db):
    assert client.get("/deputies/").status_code == 200  # no term at all: an empty directory
    latest = TermFactory(
        number=15, start_date=datetime.date(2017, 1, 1), end_date=datetime.date(2021, 12, 31)
    )
    older = TermFactory(
        number=14, start_date=datetime.date(2012, 1, 1), end_date=datetime.date(2016, 12, 31)
    )
    town = TownFactory()
    for term, name in [(latest, "十五届代表"), (older, "十四届代表")]:
        DeputyFactory(term=term, delegation=DelegationFactory(term=term, town=town), name=name)
    html = client.get("/deputies/").content.decode()
    assert "十五届代表" in html and "十四届代表" not in html
    assert Term.objects.current() == latest


def test_directory_query_count_does_not_grow_with_deputies(client, two_towns, count_queries):
    term, danghu, zhapu = two_towns
    group = DeputyGroupFactory(term=term)
    group.members.set(DeputyFactory.create_batch(10, term=term, delegation=danghu))
    small = count_queries(client, "/deputies/")
    group.members.add(*DeputyFactory.create_batch(490, term=term, delegation=zhapu))
    assert Deputy.objects.count() == 500
    # 3 queries: the current term with the filter's choices (delegations, towns, groups and
    # parties in one UNION ALL, with the term's number of deputies when no filter is chosen),
    # the page of deputies with their delegation joined, and their groups. None per deputy.
    assert count_queries(client, "/deputies/") == small == 3
    assert count_queries(client, "/deputies/?page=2") == 3
    # With a filter chosen, the paginator counts the matching deputies: 4.
    assert count_queries(client, f"/deputies/?group={group.pk}") == 4


def test_directory_counts_all_or_the_matching_deputies(client, two_towns):
    term, danghu, zhapu = two_towns
    DeputyFactory.create_batch(3, term=term, delegation=danghu, gender=Deputy.Gender.MALE)
    DeputyFactory.create_batch(2, term=term, delegation=zhapu, gender=Deputy.Gender.FEMALE)
    assert client.get("/deputies/").context["paginator"].count == 5
    assert client.get("/deputies/", {"page": 1}).context["paginator"].count == 5
    assert client.get("/deputies/", {"gender": "F"}).context["paginator"].count == 2
    assert client.get("/deputies/", {"name": " "}).context["paginator"].count == 5


def _options(html, name):
    """The labels of a select's options on the page, without its "all" option."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [unescape(label) for value, label in OPTION.findall(select) if value]


OPTION = re.compile(r'<option value="([^"]*)"[^>]*>([^<]*)</option>')


@pytest.mark.parametrize("query", ["", "?gender=M"])  # the form written once, and a bound form
def test_directory_selects_keep_each_models_order(client, two_towns, query):
    """The four selects' options are read in one query: each keeps its own order, and each
    political affiliation of the term's deputies comes once, alphabetically."""
    term, danghu, zhapu = two_towns
    for party in ["群众", "中共党员", "群众", ""]:
        DeputyFactory(term=term, delegation=zhapu, party=party)
    DeputyGroupFactory(term=term, name="乙组", kind="professional")
    DeputyGroupFactory(term=term, name="甲组", kind="constituency")
    html = client.get(f"/deputies/{query}").content.decode()
    assert _options(html, "delegation") == [danghu.name, zhapu.name]  # by their towns' order
    assert _options(html, "town") == ["当湖街道", "乍浦镇"]
    assert _options(html, "group") == ["甲组", "乙组"]  # constituency groups first
    parties = Deputy.objects.exclude(party="").order_by("party").values_list("party", flat=True)
    assert _options(html, "party") == list(dict.fromkeys(parties))  # the database's collation


def test_directory_form_follows_edits_to_its_options(client, two_towns):
    """The form with no filter chosen is written once per set of options: a renamed town, a
    new group or a new affiliation shows at once, in each language."""
    term, danghu, zhapu = two_towns
    DeputyFactory(term=term, delegation=zhapu, party="群众")
    for path in ("/deputies/", "/en/deputies/"):
        assert _options(client.get(path).content.decode(), "town") == ["当湖街道", "乍浦镇"]
    zhapu.town.name = "乍浦镇<新>"
    zhapu.town.save()
    DeputyGroupFactory(term=term, name="新组")
    DeputyFactory(term=term, delegation=danghu, party="无党派人士")
    for path in ("/deputies/", "/en/deputies/"):
        html = client.get(path).content.decode()
        assert _options(html, "town") == ["当湖街道", "乍浦镇<新>"]
        assert _options(html, "group") == ["新组"]
        assert set(_options(html, "party")) == {"群众", "无党派人士"}
    assert "All towns and streets" in html  # the English form, not the Chinese one kept


def test_station_page_query_count_does_not_grow_with_receptions(client, two_towns, count_queries):
    term, danghu, _ = two_towns
    station = StationFactory(town=danghu.town)
    station.deputies.add(*DeputyFactory.create_batch(3, term=term, delegation=danghu))
    for _ in range(3):
        ReceptionFactory(station=station).deputies.add(*station.deputies.all())
    small = count_queries(client, f"/stations/{station.pk}/")
    on_duty = DeputyFactory.create_batch(60, term=term, delegation=danghu)
    station.deputies.add(*on_duty)
    for n in range(40):
        ReceptionFactory(station=station).deputies.add(*on_duty[n : n + 5])
    # 4 queries: the station (town joined), its latest 20 receptions, and its serving deputies
    # with the receptions' deputies on duty (one UNION ALL), sent together on PostgreSQL; then
    # its opinions' latest year (and that year's figures when there is one). None per
    # reception or deputy.
    assert count_queries(client, f"/stations/{station.pk}/") == small == 4
    html = client.get(f"/stations/{station.pk}/").content.decode()
    assert on_duty[-1].get_absolute_url() in html


def test_a_closed_station_has_no_page(client, two_towns):
    """A station taken out of service (active off) answers 404, its deputies and receptions
    with it; the open station beside it still shows its address and its deputies."""
    term, danghu, _ = two_towns
    closed = StationFactory(town=danghu.town, address="旧址路1号", active=False)
    open_station = StationFactory(town=danghu.town, address="新华路2号")
    deputy = DeputyFactory(term=term, delegation=danghu, name="王小明")
    closed.deputies.add(deputy)
    open_station.deputies.add(deputy)
    assert client.get(f"/stations/{closed.pk}/").status_code == 404
    html = client.get(f"/stations/{open_station.pk}/").content.decode()
    assert "新华路2号" in html and danghu.town.name in html and "王小明" in html


def test_profile_query_count_does_not_grow_with_activities(client, two_towns, count_queries):
    term, danghu, _ = two_towns
    deputy = DeputyFactory(term=term, delegation=danghu)
    StationFactory(town=danghu.town).deputies.add(deputy)
    PointRuleFactory()
    ActivityFactory.create_batch(10, deputy=deputy)
    small = count_queries(client, f"/deputies/{deputy.pk}/")
    ActivityFactory.create_batch(490, deputy=deputy, date=datetime.date(2022, 9, 1))
    # 12 queries: the deputy (term and delegation joined), their groups and stations, recent
    # activities, receptions (two queries), their suggestions and motions (a count and a list
    # each), the point rules and the year's activities for the performance record. None per row.
    assert count_queries(client, f"/deputies/{deputy.pk}/") == small


def test_profile_shows_performance_record_priced_by_rules(client, two_towns):
    term, danghu, _ = two_towns
    deputy = DeputyFactory(term=term, delegation=danghu, name="蒋云飞")
    PointRuleFactory(kind=ActivityKind.INSPECTION, points=Decimal("3"))
    PointRuleFactory(kind=ActivityKind.TRAINING, points=Decimal("1"))
    ActivityFactory.create_batch(2, deputy=deputy, kind=ActivityKind.INSPECTION, hours=Decimal("2"))
    ActivityFactory(deputy=deputy, kind=ActivityKind.TRAINING, hours=Decimal("4"))
    ActivityFactory(deputy=deputy, kind=ActivityKind.TRAINING, verified=False)
    response = client.get(f"/deputies/{deputy.pk}/")
    record = response.context["record"]
    assert record.year == 2022
    assert record.total_count == 3
    assert record.total_hours == Decimal("8")
    assert record.total_points == Decimal("7")
    assert "13912345678" not in response.content.decode()


def test_profile_year_parameter_is_validated(client, two_towns):
    term, danghu, _ = two_towns
    deputy = DeputyFactory(term=term, delegation=danghu)
    assert client.get(f"/deputies/{deputy.pk}/", {"year": "abc"}).status_code == 400
    assert client.get(f"/deputies/{deputy.pk}/", {"year": "1800"}).status_code == 400
    assert client.get(f"/deputies/{deputy.pk}/", {"year": "2022"}).status_code == 200


def test_unknown_ids_are_404(client, db):
    for url in (
        "/deputies/999999/",
        "/stations/999999/",
        "/deputies/999999/qr.svg",
        "/stations/999999/qr.svg",
        "/opinions/new/?station=999999",
        "/opinions/new/?deputy=abc",
    ):
        assert client.get(url).status_code == 404, url


def test_station_page_lists_deputies_and_receptions(client, two_towns):
    term, danghu, _ = two_towns
    station = StationFactory(name="独山港镇周圩人大代表联络站", town=danghu.town)
    deputy = DeputyFactory(term=term, delegation=danghu, name="潘晓", phone="13700001111")
    station.deputies.add(deputy)
    reception = ReceptionFactory(station=station, theme="安置房质量问题", residents_received=12)
    reception.deputies.add(deputy)
    response = client.get(f"/stations/{station.pk}/")
    html = response.content.decode()
    assert "潘晓" in html and "安置房质量问题" in html
    assert "2022年3月15日" in html
    assert f'<a href="{deputy.get_absolute_url()}">潘晓</a>' in html
    assert f"/stations/{station.pk}/qr.svg" in html
    assert "13700001111" not in html


def test_station_page_escapes_receptions_and_orders_deputies_on_duty(client, two_towns):
    term, danghu, zhapu = two_towns
    station = StationFactory(town=danghu.town)
    second = DeputyFactory(term=term, delegation=zhapu, name="甲")  # a later town
    first = DeputyFactory(term=term, delegation=danghu, name="乙")
    reception = ReceptionFactory(station=station, theme="<i>主题</i>", notes="A & B")
    reception.deputies.add(second, first)
    html = client.get(f"/stations/{station.pk}/").content.decode()
    assert "&lt;i&gt;主题&lt;/i&gt;" in html and "<i>主题" not in html
    assert '<span class="meta">A &amp; B</span>' in html
    assert (
        f'<a href="{first.get_absolute_url()}">乙</a>、<a href="{second.get_absolute_url()}">甲</a>'
        in html
    )

    quiet = StationFactory(town=danghu.town)  # deputies, no reception yet
    ended = DeputyFactory(
        term=term,
        delegation=danghu,
        name="丙",
        status=Deputy.Status.ENDED,
        ended_on=datetime.date(2023, 1, 1),
    )
    quiet.deputies.add(first, ended)
    html = client.get(f"/stations/{quiet.pk}/").content.decode()
    assert f'<li><a href="{first.get_absolute_url()}">乙</a></li>' in html
    assert ended.get_absolute_url() not in html  # serving deputies only
    assert "暂无接待活动记录。" in html


def test_station_list_counts_serving_deputies(client, two_towns):
    term, danghu, _ = two_towns
    station = StationFactory(town=danghu.town)
    station.deputies.add(
        DeputyFactory(term=term, delegation=danghu),
        DeputyFactory(
            term=term,
            delegation=danghu,
            status=Deputy.Status.ENDED,
            ended_on=datetime.date(2023, 1, 1),
        ),
    )
    response = client.get("/stations/")
    assert [s.deputy_count for s in response.context["stations"]] == [1]


def test_qr_codes_are_svg_pointing_at_the_opinion_form(client, two_towns):
    term, danghu, _ = two_towns
    station = StationFactory(town=danghu.town)
    deputy = DeputyFactory(term=term, delegation=danghu)
    response = client.get(f"/stations/{station.pk}/qr.svg")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in response.content and b"http://www.w3.org/2000/svg" in response.content
    decoded = _decode_qr_url(station=station.pk)
    assert decoded == f"http://testserver/opinions/new/?station={station.pk}"
    assert client.get(f"/deputies/{deputy.pk}/qr.svg").status_code == 200


def _decode_qr_url(**params):
    """What the station's code encodes, via the same helper the view uses."""
    from django.test import RequestFactory

    from congress.kit.qr import opinion_form_url

    return opinion_form_url(RequestFactory().get("/"), **params)


def test_qr_uses_site_url_when_configured(settings, two_towns):
    from django.test import RequestFactory

    from congress.kit.qr import opinion_form_url

    settings.SITE_URL = "https://rd.pinghu.gov.cn"
    assert opinion_form_url(RequestFactory().get("/"), deputy=7) == (
        "https://rd.pinghu.gov.cn/opinions/new/?deputy=7"
    )


def test_opinion_landing_page_names_the_station(client, two_towns):
    _, danghu, _ = two_towns
    station = StationFactory(town=danghu.town, name="当湖街道人大代表联络站")
    response = client.get("/opinions/new/", {"station": station.pk})
    assert response.status_code == 200
    assert "当湖街道人大代表联络站" in response.content.decode()
    assert client.get("/opinions/new/").status_code == 302  # to the way in without a QR code


def test_english_pages_live_under_en(client, two_towns):
    term, danghu, _ = two_towns
    deputy = DeputyFactory(term=term, delegation=danghu)
    response = client.get(f"/en/deputies/{deputy.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Delegation" in html
    chinese = client.get(f"/deputies/{deputy.pk}/").content.decode()
    assert '<html lang="zh-CN">' in chinese
    assert "代表团" in chinese
    assert f'href="/deputies/{deputy.pk}/"' in html  # the switch back to Chinese


def test_home_shows_figures_and_stations(client, two_towns):
    term, danghu, _ = two_towns
    DeputyFactory.create_batch(3, term=term, delegation=danghu)
    station = StationFactory(town=danghu.town, name="钟埭街道人大代表联络站")
    ReceptionFactory(station=station, residents_received=7)
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["deputy_count"] == 3
    assert response.context["residents_received"] == 7
    assert "钟埭街道人大代表联络站" in response.content.decode()


def test_home_station_cards_escape_their_text(client, two_towns):
    _term, danghu, _ = two_towns
    station = StationFactory(town=danghu.town, name="<b>东湖</b>站", address='"新华路"&1号')
    html = client.get("/").content.decode()
    assert (
        f'<li class="card"><h3><a href="/stations/{station.pk}/">&lt;b&gt;东湖&lt;/b&gt;站</a>'
        f'</h3><p class="meta">当湖街道</p><p>&quot;新华路&quot;&amp;1号</p></li>'
    ) in html


def test_pages_send_a_strict_content_security_policy(client, db):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"


def test_home_figures_follow_the_roster_and_the_stations(
    client, two_towns, django_capture_on_commit_callbacks
):
    """The serving deputies and the stations come from a summary row kept up to date on write:
    the next visitor after a mandate ends or a station closes sees the new figure."""
    term, danghu, _ = two_towns
    deputies = DeputyFactory.create_batch(3, term=term, delegation=danghu)
    closing = StationFactory(town=danghu.town)
    StationFactory(town=danghu.town)
    first = client.get("/").context
    assert (first["deputy_count"], first["station_count"]) == (3, 2)
    assert first["term"].label == term.label
    with django_capture_on_commit_callbacks(execute=True):
        ended = deputies[0]
        ended.status, ended.ended_on = Deputy.Status.ENDED, datetime.date(2024, 3, 1)
        ended.save()
    after = client.get("/").context
    assert (after["deputy_count"], after["station_count"]) == (2, 2)
    with django_capture_on_commit_callbacks(execute=True):
        closing.active = False
        closing.save()
    with django_capture_on_commit_callbacks(execute=True):
        DeputyFactory(term=TermFactory(number=term.number - 1), delegation=danghu)
    after = client.get("/").context
    assert (after["deputy_count"], after["station_count"]) == (2, 1)


def test_home_names_the_term_in_force_today(client, db):
    """The term in force is chosen on the day the page is read, not when the row was stored."""
    today = timezone.localdate()
    old = TermFactory(number=15, start_date=today.replace(year=today.year - 6), end_date=today)
    new = TermFactory(number=16, start_date=today + datetime.timedelta(days=1), end_date=None)
    DeputyFactory.create_batch(2, term=old)
    DeputyFactory(term=new)
    assert client.get("/").context["term"].number == 15
    assert client.get("/").context["deputy_count"] == 2
