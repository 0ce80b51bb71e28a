"""A search's pages: the count, the ranked order and every match exactly once across pages."""

import pytest

from proposals.models import Suggestion
from tests.factories import SuggestionFactory

pytestmark = pytest.mark.django_db


def test_search_results_page_through_in_rank_order(client, term, session, category, lead):
    made = []
    for n in range(1, 31):
        in_title = n % 3 == 0  # every third item has the phrase in its title: those rank first
        made.append(
            SuggestionFactory(
                lead=lead,
                session=session,
                category=category,
                status=Suggestion.Status.CLOSED,
                year=2022,
                number=n,
                code=f"第{n:03d}号",
                title=f"关于农村道路建设的建议{n}" if in_title else f"关于民生事项的建议{n}",
                body="涉及农村道路养护。" if not in_title else "正文。",
            )
        )
    SuggestionFactory(lead=lead, session=session, category=category, status=Suggestion.Status.CLOSED,
                      year=2022, number=99, code="第099号", title="无关的建议", body="无关。")  # fmt: skip
    first = client.get("/suggestions/", {"q": "农村道路"})
    second = client.get("/suggestions/", {"q": "农村道路", "page": 2})
    assert first.context["paginator"].count == 30
    shown = list(first.context["suggestions"]) + list(second.context["suggestions"])
    assert len(shown) == 30 and len({s.pk for s in shown}) == 30
    title_matches = [s for s in shown if "农村道路" in s.title]
    assert shown[: len(title_matches)] == title_matches  # title matches before body matches
    assert [s.number for s in title_matches] == sorted(s.number for s in title_matches)
    assert client.get("/suggestions/", {"q": "农村道路", "page": 3}).status_code == 404
    assert (
        client.get("/suggestions/", {"q": "农村道路", "page": "last"}).context["page_obj"].number
        == 2
    )
    for page in ("0", "-3", "abc", "9223372036854775807", "9" * 30):
        assert client.get("/suggestions/", {"q": "农村道路", "page": page}).status_code == 404


def test_an_item_unpublished_while_the_page_is_read_is_left_out(
    client, monkeypatch, term, session, category, lead
):
    """The ranked ids and the page's rows are two queries: an item made private between them
    is left out of the page (it used to be a KeyError, a 500)."""
    from proposals.suggestions import views

    items = [
        SuggestionFactory(lead=lead, session=session, category=category,
                          status=Suggestion.Status.CLOSED, year=2022, number=n,
                          code=f"第{n:03d}号", title=f"关于农村道路建设的建议{n}")
        for n in (1, 2)
    ]  # fmt: skip
    read_ids = views.SearchMatches.__init__

    def unpublish_after_reading(self, *args, **kwargs):
        read_ids(self, *args, **kwargs)
        Suggestion.objects.filter(pk=self.page[0]).update(is_public=False)

    monkeypatch.setattr(views.SearchMatches, "__init__", unpublish_after_reading)
    response = client.get("/suggestions/", {"q": "农村道路"})
    assert response.status_code == 200
    assert len(response.context["suggestions"]) == 1
    assert response.context["suggestions"][0].pk in {item.pk for item in items}
