"""Wording on public pages: a projects page is titled after what it lists, vote counts read
as Chinese does ("赞成 1,201，弃权 8")."""

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from tests.factories import LivelihoodProjectFactory, MajorProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def zh():
    return Client(HTTP_ACCEPT_LANGUAGE="zh-hans")


def _title(html):
    return html.split("<h1>", 1)[1].split("</h1>", 1)[0].strip()


def test_a_year_with_major_projects_only_is_not_called_livelihood_projects(zh):
    MajorProjectFactory(year=2023)
    html = zh.get("/projects/2023/").content.decode()
    assert _title(html) == "2023年政府重大投资项目"
    assert "2023年民生实事项目" not in html
    listing = zh.get("/projects/").content.decode()
    assert "政府重大投资项目 1 个" in listing


def test_a_year_with_both_says_both(zh):
    MajorProjectFactory(year=2022)
    LivelihoodProjectFactory(year=2022)
    assert _title(zh.get("/projects/2022/").content.decode()) == (
        "2022年民生实事项目和政府重大投资项目"
    )


def test_vote_counts_use_chinese_punctuation_and_thousands():
    template = Template("{% load site %}{{ pairs|counts }}")
    pairs = [("赞成", 1201), ("弃权", 8), ("反对", 0)]
    with translation.override("zh-hans"):
        assert template.render(Context({"pairs": pairs})) == "赞成 1,201，弃权 8，反对 0"
    with translation.override("en"):
        assert template.render(Context({"pairs": [("For", 201), ("Abstain", 8)]})) == (
            "For 201, Abstain 8"
        )
