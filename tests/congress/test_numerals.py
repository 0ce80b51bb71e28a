import pytest
from django.utils import translation

from congress.kit.numerals import chinese_numeral, english_ordinal, ordinals


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "一"),
        (10, "十"),
        (16, "十六"),
        (20, "二十"),
        (105, "一百零五"),
        (226, "二百二十六"),
        (1322, "一千三百二十二"),
    ],
)
def test_chinese_numerals(n, text):
    assert chinese_numeral(n) == text


def test_english_ordinals():
    assert [english_ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 16, 21, 22, 101)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "16th",
        "21st",
        "22nd",
        "101st",
    ]


def test_ordinals_follow_the_active_language():
    with translation.override("zh-hans"):
        assert ordinals(term=16) == {"term": "十六"}
    with translation.override("en"):
        assert ordinals(term=16, session=1) == {"term": "16th", "session": "1st"}
