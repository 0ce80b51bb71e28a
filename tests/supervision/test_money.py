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
