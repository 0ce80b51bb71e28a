"""The suggestion list's filter form without the ORM: its options in one query, and its fields
written once per set of options (proposals.filters.read_list_options, search_fields), the same
as the form writes them."""

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from congress.models import Category, Session
from proposals.filters import SuggestionFilter, read_list_options, search_fields
from tests.factories import CategoryFactory, SessionFactory, SuggestionFactory, TermFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def options_world():
    old, new = TermFactory(number=15), TermFactory(number=16)
    sessions = [
        SessionFactory(term=term, number=number)
        for term, number in ((old, 5), (new, 1), (old, 1), (new, 2))
    ]
    categories = [
        CategoryFactory(term=term, order=order, name=name)
        for term, order, name in ((new, 2, "乙"), (old, 1, "旧"), (new, 1, "丙"), (new, 2, "甲"))
    ]
    for year in (2019, 2023):  # drafts: the years run from the first of any suggestion
        SuggestionFactory(year=year, session=sessions[1], category=categories[0])


def test_options_come_in_one_query_in_the_models_order(options_world, count_queries):
    with count_queries.capture() as queries:
        options = read_list_options()
    assert len(queries) == 1
    sessions = Session.objects.select_related("term")  # Meta ordering: latest term and number
    assert list(options.sessions) == [(str(s.pk), str(s)) for s in sessions]
    assert [label for _pk, label in options.sessions][:2] == [
        "2nd session of the 16th term",
        "1st session of the 16th term",
    ]
    categories = Category.objects.order_by("-term__number", "order", "name")
    assert list(options.categories) == [(str(c.pk), c.name) for c in categories]
    this_year = timezone.localdate().year
    assert list(options.years) == [(year, year) for year in range(this_year, 2018, -1)]


def test_options_with_no_rows_at_all():
    options = read_list_options()
    this_year = timezone.localdate().year
    assert (options.sessions, options.categories, options.years) == ((), (), ((this_year,) * 2,))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_fields_written_for_a_search_are_the_forms(options_world, language):
    options = read_list_options()
    with translation.override(language):
        for typed in ("", "农村道路", " 农村  道路 ", "<b>\"&'", "  "):
            form = SuggestionFilter({"q": typed} if typed else None, options=options).form
            expected = render_to_string("includes/fields.html", {"form": form})
            assert search_fields(options, typed) == expected, typed


def test_a_search_page_is_the_one_the_form_writes(client, options_world):
    """The list with nothing chosen but the search writes its fields without a form: the same
    page as with another filter that changes nothing (a blank status)."""
    SuggestionFactory(status="closed", year=2023, session=Session.objects.first(),
                      category=Category.objects.first(), title="关于<农村道路>的“建议”&说明")  # fmt: skip
    for query in ("q=农村道路", "q=+农村+", "", "q="):
        alone = client.get(f"/suggestions/?{query}").content.decode()
        with_form = client.get(f"/suggestions/?{query}&status=").content.decode()
        for start, end in (('<form method="get"', "</form>"), ("<tbody>", "</tbody>")):
            part = alone[alone.index(start) : alone.index(end)]
            assert part == with_form[with_form.index(start) : with_form.index(end)], query
    html = client.get("/suggestions/?q=农村道路").content.decode()
    assert "关于&lt;农村道路&gt;的“建议”&amp;说明</a>" in html
    assert 'name="q" value="农村道路"' in html


def test_an_invalid_search_alone_still_answers_400_beside_the_field(client):
    response = client.get("/en/suggestions/", {"q": "长" * 101})
    assert response.status_code == 400
    assert "Search titles and texts</strong>: Ensure this value has at most 100 characters" in (
        response.content.decode()
    )
    assert client.get("/suggestions/", {"q": "农村\x00"}).status_code == 400


def test_session_year_and_category_filters_take_the_options_values(client, options_world):
    session = Session.objects.get(term__number=15, number=5)
    category = Category.objects.get(name="甲")
    shown = SuggestionFactory(status="closed", year=2023, session=session, category=category,
                              title="在选中的会议和类别中")  # fmt: skip
    hidden = SuggestionFactory(status="closed", year=2023, session=None, title="在别处",
                               category=Category.objects.get(name="乙"))  # fmt: skip
    for query in (f"session={session.pk}", f"category={category.pk}", "session=null"):
        html = client.get(f"/suggestions/?{query}").content.decode()
        expected, other = (hidden, shown) if query == "session=null" else (shown, hidden)
        assert expected.title in html and other.title not in html, query
    html = client.get(f"/suggestions/?session={session.pk}&year=2023").content.decode()
    assert f'<option value="{session.pk}" selected>' in html
    assert '<option value="2023" selected>2023</option>' in html
    for query in ("session=999999", "category=999999", "year=1990", "session=abc"):
        assert client.get(f"/suggestions/?{query}").status_code == 400, query


def test_fields_written_for_a_search_follow_the_reply_classes_setting(client, settings):
    assert 'value="Z"' not in client.get("/suggestions/?q=道路").content.decode()
    classes = [*settings.CONGRESS_RULES["REPLY_CLASSES"], ("Z", "Z: another class")]
    settings.CONGRESS_RULES = {**settings.CONGRESS_RULES, "REPLY_CLASSES": classes}
    assert '<option value="Z">' in client.get("/suggestions/?q=道路").content.decode()
