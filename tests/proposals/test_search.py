"""Chinese search over titles and texts: the same results and order on SQLite and PostgreSQL."""

import pytest
from django.db import connection

from proposals import search
from proposals.models import Suggestion
from tests.factories import SuggestionFactory

pytestmark = pytest.mark.django_db
S = Suggestion.Status


@pytest.fixture
def items(term, session, category, lead):
    def make(title, body="正文。", year=2022, number=None, status=S.CLOSED, **kw):
        make.n += 1
        return SuggestionFactory(
            lead=lead,
            session=session,
            category=category,
            status=status,
            year=year,
            number=number or make.n,
            code=f"第{make.n:03d}号",
            title=title,
            body=body,
            **kw,
        )

    make.n = 0
    return make


def titles(queryset):
    return [s.title for s in queryset]


def test_a_chinese_phrase_finds_the_title(items):
    target = items("关于加快农村道路亮化设施建设的建议")
    items("关于完善城区停车设施建设的建议")
    found = search.search(Suggestion.objects.public(), "农村道路")
    assert list(found) == [target]


def test_title_matches_come_before_text_matches_then_recent_first(items):
    body_only = items("关于改善夜间照明的建议", body="建议加快农村道路路灯建设。", year=2023)
    older_title = items("关于农村道路养护的建议", year=2021)
    newer_title = items("关于农村道路拓宽的建议", year=2023)
    split_title = items("关于农村公路和乡村道路的建议", year=2024)
    items("关于小微企业融资的建议")
    found = titles(search.search(Suggestion.objects.public(), "农村道路"))
    assert found == [newer_title.title, older_title.title, body_only.title]
    found = titles(search.search(Suggestion.objects.public(), "农村 道路"))
    # every word in the title (rank 2) comes before the text-only match (rank 1); the whole
    # phrase in the title (rank 3) before both
    assert found == [
        newer_title.title,
        older_title.title,
        split_title.title,
        body_only.title,
    ]


def test_every_word_must_match_and_full_width_spaces_split(items):
    both = items("关于农村道路亮化的建议")
    items("关于农村电网的建议")
    assert list(search.search(Suggestion.objects.all(), "农村\u3000亮化")) == [both]
    assert search.terms("  农村  道路 农村 ") == ["农村", "道路"]
    assert len(search.terms("a b c d e f g")) == search.MAX_TERMS


def test_latin_letters_ignore_case(items):
    five_g = items("关于加快5G基站建设的建议")
    assert list(search.search(Suggestion.objects.all(), "5g")) == [five_g]


def test_like_wildcards_are_literal(items):
    items("关于100%覆盖的建议")
    items("关于全面覆盖的建议")
    assert titles(search.search(Suggestion.objects.all(), "%覆盖")) == ["关于100%覆盖的建议"]
    assert titles(search.search(Suggestion.objects.all(), "_")) == []


def test_search_page_finds_only_public_items(client, items):
    shown = items("关于加快农村道路亮化设施建设的建议")
    items("关于农村道路的不公开建议", is_public=False)
    items("关于农村道路的草稿", status=S.DRAFT)
    response = client.get("/suggestions/", {"q": "农村道路"})
    assert [s.pk for s in response.context["suggestions"]] == [shown.pk]


def test_empty_query_keeps_the_list(client, items):
    items("一")
    items("二")
    assert client.get("/suggestions/?q=").context["paginator"].count == 2
    assert client.get("/suggestions/?q=+++").context["paginator"].count == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
def test_postgresql_has_trigram_indexes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'proposals_suggestion' "
            "AND indexdef LIKE '%gin_trgm_ops%'"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert names == {"suggestion_title_trgm", "suggestion_body_trgm"}


def test_two_and_one_character_terms_find_titles_and_texts(items):
    """Two characters use the bigram index on PostgreSQL, one a scan: the same results."""
    in_title = items("关于城区停车设施建设的建议")
    in_body = items("关于优化公交线路的建议", body="站点附近停车难，建议统筹。")
    items("关于垃圾分类的建议", body="停下来，车辆绕行。")  # 停 and 车, never 停车
    everything = Suggestion.objects.all()
    assert titles(search.search(everything, "停车")) == [in_title.title, in_body.title]
    assert set(titles(search.search(everything, "停"))) == {
        in_title.title,
        in_body.title,
        "关于垃圾分类的建议",
    }
    assert titles(search.search(everything, "停车 公交")) == [in_body.title]


def test_a_two_character_term_across_the_title_and_text_is_not_found(items):
    """The title and the text are separate: their last and first characters make no word."""
    items("关于道路的建议停", body="车辆太多。")
    assert titles(search.search(Suggestion.objects.all(), "停车")) == []


def test_a_two_character_term_with_letters_or_digits_ignores_case(items):
    five_g = items("关于加快5G基站建设的建议")
    items("关于加快农村道路建设的建议", body="预计2025年完成。")
    assert titles(search.search(Suggestion.objects.all(), "5g")) == [five_g.title]
    assert len(search.search(Suggestion.objects.all(), "20")) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bigram index is PostgreSQL's")
def test_postgresql_answers_two_character_chinese_terms_from_the_bigram_index(items):
    for n in range(30):
        items(f"关于第{n}项民生工作的建议", body="正文内容。" * 20)
    items("关于城区停车设施建设的建议")
    queryset = search.search(Suggestion.objects.all(), "停车")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # tiny table: show the index can serve
        plan = queryset.explain()
    assert "suggestion_cjk_bigrams" in plan
    assert titles(queryset) == ["关于城区停车设施建设的建议"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
def test_postgresql_answers_three_character_chinese_terms_from_the_trigram_index(items):
    for n in range(30):
        items(f"关于第{n}项民生工作的建议", body="正文内容。" * 20)
    items("关于城区停车场建设的建议")
    queryset = search.search(Suggestion.objects.all(), "停车场")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert "suggestion_title_trgm" in plan and "suggestion_body_trgm" in plan
    assert titles(queryset) == ["关于城区停车场建设的建议"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bigram index is PostgreSQL's")
def test_postgresql_scans_for_a_common_two_character_term_instead_of_computing_bigrams(items):
    """建议 is in nearly every title. The planner does not use the bigram index for it, and
    `@>` then computed each row's bigrams: `q=建议` took a second at 20,000 suggestions. A
    common bigram (by the statistics ANALYZE keeps) is matched by LIKE alone; a rare one still
    goes to the index."""
    for n in range(40):
        items(f"关于第{n}项民生工作的建议")
    items("关于城区停车设施建设的意见")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE proposals_suggestion")
    search.forget_statistics()
    try:
        common = search.search(Suggestion.objects.all(), "建议")
        rare = search.search(Suggestion.objects.all(), "停车")
        assert "proposals_cjk_bigrams" not in common.explain()
        assert "proposals_cjk_bigrams" in str(rare.query)
        assert len(common) == 40
        assert titles(rare) == ["关于城区停车设施建设的意见"]
    finally:
        search.forget_statistics()  # the next tests' statistics are not these
