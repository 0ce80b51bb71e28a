from decimal import Decimal

import pytest

from supervision.templatetags.money import format_yuan


@pytest.mark.parametrize(
    ("amount", "zh", "en"),
    [
        (Decimal("2557000000"), "25.57亿元", "2.557 billion yuan"),
        (Decimal("220000000"), "2.2亿元", "220 million yuan"),
        (Decimal("21500000"), "2,150万元", "21.5 million yuan"),
        (Decimal("9800"), "9,800元", "9,800 yuan"),
        (Decimal("0"), "0元", "0 yuan"),
        (None, "", ""),
    ],
)
def test_money_reads_well_in_both_languages(amount, zh, en):
    assert format_yuan(amount, "zh-hans") == zh
    assert format_yuan(amount, "en") == en


@pytest.mark.django_db
def test_an_amount_entered_in_wan_is_not_labelled_yuan_in_the_admin(client):
    """The livelihood project's and the ballot line's amount: a 万元/亿元 picker beside a label
    that said 投资额（元） told the clerk to type yuan."""
    from tests.factories import StaffFactory

    client.force_login(StaffFactory(is_superuser=True))
    for url in ("/admin/supervision/livelihoodproject/add/", "/admin/supervision/poll/add/"):
        page = client.get(url).content.decode()
        assert "万元" in page and "亿元" in page, url
        assert "（元）" not in page, url
