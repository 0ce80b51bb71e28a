"""The public lists' deputy and unit filters: a typed name resolved on the server, not a <select>
over every deputy or unit (issue 15: the page must not grow with the tables)."""

import pytest

from proposals.models import Suggestion
from tests.factories import DeputyFactory, MotionFactory, OrganisationFactory
from tests.proposals.test_public_pages import make_public, world  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db
S = Suggestion.Status


def test_deputy_filter_takes_a_typed_name_lead_or_cosigner(client, world):  # noqa: F811
    plain = make_public(world, 1, lead=DeputyFactory(term=world["term"], name="沈建国"))
    other = make_public(world, 2, lead=DeputyFactory(term=world["term"], name="沈建国华"))
    html = client.get("/suggestions/?deputy=沈建国").content.decode()
    assert plain.title in html and other.title not in html  # the exact name wins
    html = client.get("/suggestions/?deputy=建国").content.decode()
    assert plain.title in html and other.title in html  # else every name containing it
    cosigner = plain.signatures.get().deputy
    html = client.get(f"/suggestions/?deputy={cosigner.name}").content.decode()
    assert plain.title in html and other.title not in html
    assert 'name="deputy"' in html and 'value="' + cosigner.name + '"' in html
    # An id, as a link writes it, still works.
    html = client.get(f"/suggestions/?deputy={plain.lead.pk}").content.decode()
    assert plain.title in html and other.title not in html


def test_unit_filter_takes_a_typed_name(client, world):  # noqa: F811
    plain = make_public(world, 1)
    other_unit = OrganisationFactory(name="市住房和城乡建设局", short_name="住建局")
    other = make_public(world, 2)
    other.assignments.filter(role="lead").update(organisation=other_unit)
    for text in ("市住房和城乡建设局", "住房", "住建局"):
        html = client.get(f"/suggestions/?unit={text}").content.decode()
        assert other.title in html and plain.title not in html, text


@pytest.mark.parametrize(
    "query, text",
    [("deputy=无此代表", "无此代表"), ("unit=不存在的局", "不存在的局"),
     ("deputy=99999999999999999999", "99999999999999999999")],
)  # fmt: skip
def test_unknown_name_answers_400_with_the_error_beside_the_field(client, world, query, text):  # noqa: F811
    make_public(world, 1)
    response = client.get(f"/suggestions/?{query}")
    assert response.status_code == 400
    assert f"“{text}”" in response.content.decode()
    assert client.get(f"/suggestions/export.csv?{query}").status_code == 400


def test_motion_list_deputy_filter_takes_a_typed_name(client, world):  # noqa: F811
    lead = DeputyFactory(term=world["term"], name="陆晓东")
    shown = MotionFactory(lead=lead, session=world["session"], status="listed", is_public=True)
    hidden = MotionFactory(session=world["session"], status="listed", is_public=True)
    html = client.get("/motions/?deputy=陆晓东").content.decode()
    assert shown.title in html and hidden.title not in html
    assert client.get("/motions/?deputy=无此代表").status_code == 400


def test_page_does_not_grow_with_the_deputies_and_units(
    client,
    world,  # noqa: F811
    count_queries,
    django_capture_on_commit_callbacks,
):
    # The writes commit: their summary rows are computed again after the commit, as in
    # production, and the whole list's length is read from them.
    with django_capture_on_commit_callbacks(execute=True):
        make_public(world, 1)
    small = count_queries(client, "/suggestions/")
    size = len(client.get("/suggestions/").content)
    with django_capture_on_commit_callbacks(execute=True):
        DeputyFactory.create_batch(200, term=world["term"])
        OrganisationFactory.create_batch(50)
        for n in range(2, 12):
            make_public(world, n, lead=DeputyFactory(term=world["term"]))
    # 4 queries: the list's length (the years and their summary rows), the filter's choices
    # (sessions, categories and the first year in one query), and the page of suggestions with
    # their foreign keys joined. No query and no <option> per deputy or unit.
    assert count_queries(client, "/suggestions/") == small == 4
    html = client.get("/suggestions/").content.decode()
    assert html.count("<option") < 60
    assert len(html) < size + 10 * 1500  # ten more rows, nothing per deputy
    # Filtered: the paginator's count instead of the summary rows (3), and the two lookups.
    assert count_queries(client, "/suggestions/?deputy=代表&unit=市") == 3 + 2


def test_reply_admin_finds_replies_by_typing_a_units_name(staff_client, world):  # noqa: F811
    plain = make_public(world, 1)
    other_unit = OrganisationFactory(name="市住房和城乡建设局")
    other = make_public(world, 2)
    other.replies.update(organisation=other_unit)
    response = staff_client.get("/admin/proposals/reply/", {"q": "住房和城乡"})
    assert response.status_code == 200
    html = response.content.decode()
    assert other.title in html and plain.title not in html
    # No list filter with a link per unit.
    assert "organisation__id__exact" not in html
