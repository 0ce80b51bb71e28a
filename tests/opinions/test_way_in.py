"""A resident without a QR code: the header and the home page lead to /opinions/start/, which
leads from a town to a station or a deputy and on to the same form the QR codes open."""

import pytest
from django.test import Client

from tests.factories import DelegationFactory, DeputyFactory, StationFactory, TownFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def zh():
    return Client(HTTP_ACCEPT_LANGUAGE="zh-hans")


@pytest.fixture
def town(term):
    return TownFactory(name="独山港镇")


def test_every_page_header_and_the_home_page_offer_the_two_ways_in(zh, term):
    for url in ("/", "/deputies/", "/suggestions/", "/opinions/track/"):
        page = zh.get(url).content.decode()
        assert '<a class="quick" href="/opinions/start/"' in page, url
        assert '<a class="quick" href="/opinions/track/"' in page, url
        assert "反映意见" in page and "查询办理进度" in page, url
    home = zh.get("/").content.decode()
    assert home.count('href="/opinions/start/"') >= 2  # the header and the home page's own


def test_town_then_station_or_deputy_then_the_qr_form(zh, term, town, deputy):
    other_town = TownFactory(name="乍浦镇")
    station = StationFactory(name="独山港镇周圩人大代表联络站", town=town)
    StationFactory(name="乍浦镇人大代表联络站", town=other_town)
    deputy.delegation = DelegationFactory(term=term, town=town)
    deputy.save()
    first = zh.get("/opinions/start/").content.decode()
    assert f'href="?town={town.pk}"' in first and "乍浦镇" in first
    assert "opinions/new/" not in first  # the town first
    listing = zh.get("/opinions/start/", {"town": town.pk}).content.decode()
    assert f'href="/opinions/new/?station={station.pk}"' in listing
    assert f'href="/opinions/new/?deputy={deputy.pk}"' in listing
    assert "乍浦镇人大代表联络站" not in listing  # only the chosen town's
    assert deputy.phone not in listing
    assert zh.get(f"/opinions/new/?station={station.pk}").status_code == 200
    assert zh.get(f"/opinions/new/?deputy={deputy.pk}").status_code == 200


def test_the_list_is_searchable_by_name(zh, term, town, deputy):
    deputy.delegation = DelegationFactory(term=term, town=town)
    deputy.save()
    other = DeputyFactory(term=term, name="沈永良", delegation=deputy.delegation)
    found = zh.get("/opinions/start/", {"town": town.pk, "q": "潘"}).content.decode()
    assert f"?deputy={deputy.pk}" in found and f"?deputy={other.pk}" not in found
    none = zh.get("/opinions/start/", {"town": town.pk, "q": "无此人"}).content.decode()
    assert "没有符合条件的代表" in none


@pytest.mark.parametrize("query", ["town=abc", "town=999999", "town=1&q=" + "字" * 31])
def test_bad_input_is_a_400(zh, term, town, query):
    assert zh.get(f"/opinions/start/?{query}").status_code == 400
