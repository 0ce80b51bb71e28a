"""The livelihood-project year in the admin without a browser: money as written, clear errors."""

import datetime
from decimal import Decimal

import pytest

from supervision.forms import MoneyField, parse_money
from supervision.models import LivelihoodProject, ProjectIdea
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "unit", "yuan"),
    [
        ("2.2亿元", "万元", "220000000.00"),
        ("1500万元", "亿元", "15000000.00"),
        ("1500", "万元", "15000000.00"),
        ("1,500.5万", "元", "15005000.00"),
        ("21960000元", "万元", "21960000.00"),
        ("0.5", "亿元", "50000000.00"),
    ],
)
def test_money_is_read_as_officials_write_it(text, unit, yuan):
    assert MoneyField().clean([text, unit]) == Decimal(yuan)
    assert parse_money(text, unit) == Decimal(yuan)


@pytest.fixture
def office(client):
    StaffFactory(username="office")
    client.post("/admin/login/", {"username": "office", "password": "pw-for-tests"})
    return client


def idea(text="希望新开城乡公交线路"):
    return ProjectIdea.objects.create(
        year=2027, source="hotline", text=text, received_on=datetime.date(2026, 11, 20)
    )


def make_candidate(client, ideas, **data):
    return client.post(
        "/admin/supervision/projectidea/",
        {
            "action": "make_candidate",
            "_selected_action": [i.pk for i in ideas],
            "apply": "1",
            "title": "城乡公交服务提升工程",
            "description": "新辟和优化城乡公交线路。",
            **data,
        },
    )


def test_an_idea_becomes_a_candidate_with_its_investment_in_yi(office):
    first, second = idea(), idea("公交站台太少")
    form = office.post(
        "/admin/supervision/projectidea/",
        {"action": "make_candidate", "_selected_action": [first.pk, second.pk]},
    )
    assert form.status_code == 200 and "金额单位" in form.content.decode()

    response = make_candidate(office, [first, second], investment_0="2.2亿元", investment_1="万元")

    assert response.status_code == 302
    project = LivelihoodProject.objects.get()
    assert project.investment == Decimal("220000000.00") and project.year == 2027
    assert set(project.ideas.all()) == {first, second}
    listing = office.get("/admin/supervision/livelihoodproject/").content.decode()
    assert "2.2亿元" in listing


def test_an_amount_that_is_not_one_is_refused_in_chinese_and_nothing_written(office):
    response = make_candidate(office, [idea()], investment_0="两亿", investment_1="万元")

    assert "请填写金额，例如 1500、1500万元 或 2.2亿元。" in response.content.decode()
    assert not LivelihoodProject.objects.exists()
