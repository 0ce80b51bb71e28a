"""Public suggestion and motion pages: only what is published, flat query counts, 400 and 404."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from proposals.models import Motion, Signature, Suggestion, timeline_write
from tests.factories import (
    AssignmentFactory,
    CategoryFactory,
    DeputyFactory,
    MotionFactory,
    OrganisationFactory,
    ReplyFactory,
    SignatureFactory,
    StaffFactory,
    SuggestionFactory,
)

pytestmark = pytest.mark.django_db
S = Suggestion.Status
PUBLISHED = datetime.datetime(2022, 6, 20, 9, tzinfo=datetime.UTC)


@pytest.fixture
def world(term, session, category):
    return {
        "term": term,
        "session": session,
        "category": category,
        "unit": OrganisationFactory(name="市交通运输局"),
        "co_unit": OrganisationFactory(name="国网浙江平湖市供电公司"),
    }


def make_public(world, n, *, title=None, body="建议内容。", status=S.CLOSED, published=True, **kw):
    """A registered, assigned and replied public suggestion with a co-signer."""
    item = SuggestionFactory(
        lead=kw.pop("lead", None) or DeputyFactory(term=world["term"]),
        session=world["session"],
        category=world["category"],
        status=status,
        number=n,
        code=f"十六届一次会议第{n:03d}号",
        title=title or f"关于第{n}项民生工作的建议",
        body=body,
        registered_at=PUBLISHED,
        **kw,
    )
    SignatureFactory(suggestion=item, deputy=DeputyFactory(term=world["term"]))
    AssignmentFactory(suggestion=item, organisation=world["unit"])
    AssignmentFactory(suggestion=item, organisation=world["co_unit"], role="co")
    ReplyFactory(
        suggestion=item,
        organisation=world["unit"],
        published_at=PUBLISHED if published else None,
        text=f"答复正文{n}",
    )
    return item


# -- the list -----------------------------------------------------------------------------------


def test_list_shows_only_published_public_items(client, world):
    shown = make_public(world, 1)
    make_public(world, 2, is_public=False, title="不公开的建议")
    SuggestionFactory(lead=shown.lead, session=world["session"], title="尚未提交的草稿")
    SuggestionFactory(
        lead=shown.lead, session=world["session"], status=S.SUBMITTED, title="审查中的建议"
    )
    html = client.get("/suggestions/").content.decode()
    assert shown.title in html
    for hidden in ("不公开的建议", "尚未提交的草稿", "审查中的建议"):
        assert hidden not in html


def test_list_query_count_is_flat(client, world, count_queries, django_capture_on_commit_callbacks):
    # The writes commit (their summary rows are computed again after the commit, as in
    # production): the whole list's length is then read from them.
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(1, 11):
            make_public(world, n)
    small = count_queries(client, "/suggestions/")
    # On PostgreSQL a process's first search for a two-character term also reads the bigram
    # statistics (then every ten minutes, proposals/search.py): not a query per page.
    client.get("/suggestions/?q=民生")
    small_search = count_queries(client, "/suggestions/?q=民生&status=closed")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(11, 61):
            make_public(world, n)
    # 4 queries: the list's length (the years, then their summary rows: no COUNT over every
    # suggestion), the filter's choices (sessions, categories and the first year in one query;
    # deputies and units are typed), and the page of suggestions with their foreign keys joined.
    # 3 with a search or a filter: the page's ranked ids with the number of matches (or the
    # paginator's count), the filter's choices, the page of suggestions.
    # None per suggestion.
    assert count_queries(client, "/suggestions/") == small == 4
    assert count_queries(client, "/suggestions/?q=民生&status=closed") == small_search == 3
    assert count_queries(client, "/suggestions/?status=closed") == 3
    assert count_queries(client, "/suggestions/?q=民生") == 3  # no form: the same queries


def test_the_whole_lists_length_is_that_of_the_public_items(client, world):
    for n in range(1, 4):
        make_public(world, n)
    SuggestionFactory(title="不公开的建议", is_public=False, status=S.CLOSED)
    SuggestionFactory(title="尚未提交的草稿", status=S.DRAFT)
    SuggestionFactory(year=2019, title="别的年份", status=S.CLOSED)
    expected = Suggestion.objects.public().count()
    for url in ("/suggestions/", "/suggestions/?page=1", "/suggestions/?q=+", "/en/suggestions/"):
        assert client.get(url).context["paginator"].count == expected


@pytest.mark.parametrize(
    "query",
    [
        "status=draft",
        "status=nonsense",
        "session=999999",
        "session=abc",
        "category=abc",
        "unit=999999",
        "deputy=999999",
        "reply_class=Z",
        "key=maybe",
        "overdue=2",
        "year=1999",
        "q=" + "长" * 101,
    ],
)
def test_invalid_filters_answer_400(client, world, query):
    response = client.get(f"/suggestions/?{query}")
    assert response.status_code == 400
    assert client.get(f"/suggestions/export.csv?{query}").status_code == 400


def test_filters_select_what_they_say(client, world):
    plain = make_public(world, 1)
    other_unit = OrganisationFactory(name="市住房和城乡建设局")
    other = make_public(world, 2, key_supervision=True, key_leader="张主任")
    other.assignments.filter(role="lead").update(organisation=other_unit)
    other.replies.update(reply_class="B")
    on = {"unit": other_unit.pk, "key": "1", "reply_class": "B"}
    for name, value in on.items():
        html = client.get(f"/suggestions/?{name}={value}").content.decode()
        assert other.title in html and plain.title not in html, name
    html = client.get(f"/suggestions/?deputy={plain.lead.pk}").content.decode()
    assert plain.title in html and other.title not in html
    cosigner = plain.signatures.get().deputy
    assert plain.title in client.get(f"/suggestions/?deputy={cosigner.pk}").content.decode()
    html = client.get(f"/suggestions/?session={world['session'].pk}&year=2022").content.decode()
    assert plain.title in html and other.title in html
    assert plain.title not in client.get("/suggestions/?session=null").content.decode()


def test_reply_class_filter_ignores_unpublished_replies(client, world):
    item = make_public(world, 1, published=False)
    assert item.title not in client.get("/suggestions/?reply_class=A").content.decode()


def test_overdue_filter(client, world):
    late = make_public(world, 1, status=S.ASSIGNED)
    late.replies.all().delete()
    late.assignments.update(due_date=timezone.localdate() - datetime.timedelta(days=1))
    on_time = make_public(world, 2)
    html = client.get("/suggestions/?overdue=1").content.decode()
    assert late.title in html and on_time.title not in html
    html = client.get("/suggestions/?overdue=0").content.decode()
    assert on_time.title in html and late.title not in html


def test_list_paginates_and_keeps_filters(client, world):
    for n in range(1, 26):
        make_public(world, n)
    response = client.get("/suggestions/?status=closed")
    html = response.content.decode()
    assert response.context["paginator"].count == 25
    assert "page=2" in html and "status=closed" in html
    assert client.get("/suggestions/?status=closed&page=2").status_code == 200


# -- one item -----------------------------------------------------------------------------------


def test_detail_shows_units_replies_signers_and_public_timeline(client, world):
    item = make_public(world, 7, title="关于加快农村道路亮化设施建设的建议")
    cosigner = item.signatures.get().deputy
    staff = StaffFactory(username="wangwu", first_name="王", last_name="五")
    timeline_write(item=item, action="registered", actor=staff, note=item.code)
    timeline_write(item=item, action="replied", actor=staff, actor_label="市交通运输局", note="A")
    timeline_write(item=item, action="submitted", actor=item.lead.user)
    timeline_write(item=item, action="feedback", actor=staff, note="秘密评价", public=False)
    response = client.get(f"/suggestions/{item.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert item.code in html and "城乡建设" in html
    assert f'href="/deputies/{item.lead.pk}/"' in html
    assert f'href="/deputies/{cosigner.pk}/"' in html
    assert "市交通运输局" in html and "国网浙江平湖市供电公司" in html
    assert "2022年6月18日" in html  # the lead unit's due date
    assert "答复正文7" in html
    assert "秘密评价" not in html
    assert "wangwu" not in html and "王五" not in html and "五王" not in html
    assert "人大常委会办公室" in html or "Standing committee office" in html


def test_detail_hides_unpublished_replies(client, world):
    item = make_public(world, 1, published=False)
    html = client.get(f"/suggestions/{item.pk}/").content.decode()
    assert "答复正文1" not in html


def test_detail_and_list_never_show_private_fields(client, world):
    item = make_public(world, 1)
    cosigner = item.signatures.get().deputy
    pages = [
        client.get("/suggestions/").content.decode(),
        client.get(f"/suggestions/{item.pk}/").content.decode(),
        client.get("/suggestions/stats/").content.decode(),
        client.get("/suggestions/export.csv").getvalue().decode(),
    ]
    for page in pages:
        for deputy in (item.lead, cosigner):
            assert deputy.phone not in page
            assert deputy.id_number not in page


@pytest.mark.parametrize("hidden", ["draft", "submitted", "private", "unknown", "rejected"])
def test_unpublished_or_unknown_items_are_404(client, world, hidden):
    if hidden == "unknown":
        pk = 999999
    elif hidden == "private":
        pk = make_public(world, 1, is_public=False).pk
    elif hidden == "rejected":
        pk = SuggestionFactory(status=S.REJECTED, reject_reason="personal").pk
    else:
        pk = SuggestionFactory(status=hidden).pk
    assert client.get(f"/suggestions/{pk}/").status_code == 404


def test_detail_query_count_is_flat(client, world, count_queries):
    item = make_public(world, 1)
    client.get(f"/suggestions/{item.pk}/")  # warm the content-type cache (the timeline's key)
    small = count_queries(client, f"/suggestions/{item.pk}/")
    for _ in range(10):
        SignatureFactory(suggestion=item, deputy=DeputyFactory(term=world["term"]))
        ReplyFactory(suggestion=item, organisation=world["unit"], published_at=PUBLISHED)
        timeline_write(item=item, action="registered", actor_label="办公室")
    # 5 queries: the suggestion (foreign keys joined), its signatures, assignments, published
    # replies and timeline entries (one query each). None per row.
    assert count_queries(client, f"/suggestions/{item.pk}/") == small


# -- statistics ---------------------------------------------------------------------------------


def test_stats_figures_and_their_definitions(client, world):
    from proposals.models import Feedback

    one = make_public(world, 1)
    two = make_public(world, 2)
    two.replies.update(reply_class="B", replied_at=datetime.date(2022, 7, 1))  # late
    for item, process, result in (
        (one, "satisfied", "satisfied"),
        (two, "basically", "unsatisfied"),
    ):
        Feedback.objects.create(
            reply=item.replies.get(),
            suggestion=item,
            rater=item.lead,
            process_rating=process,
            result_rating=result,
            comment="理由" if result == "unsatisfied" else "",
        )
    response = client.get("/suggestions/stats/")
    assert response.status_code == 200
    stats = response.context["stats"]
    assert stats["total"] == 2 and stats["on_time_rate"] == 50.0
    assert stats["process_satisfied_rate"] == 50.0
    assert stats["process_satisfaction_rate"] == 100.0
    assert stats["result_satisfied_rate"] == 50.0
    assert stats["result_satisfaction_rate"] == 50.0
    units = response.context["units"]
    assert units[0]["name"] == "市交通运输局" and units[0]["items"] == 2
    assert units[0]["on_time_rate"] == 50.0 and units[0]["a_rate"] == 50.0
    html = response.content.decode()
    # Each satisfaction measure is defined in a sentence on the page.
    assert html.count("<dt>") >= 4 and "满意＋基本满意" in html
    assert client.get("/suggestions/stats/?year=2022").status_code == 200
    assert client.get(f"/suggestions/stats/?session={world['session'].pk}").status_code == 200


@pytest.mark.parametrize("query", ["year=abc", "year=1990", "session=0", "session=x"])
def test_stats_bad_filters_answer_400(client, world, query):
    assert client.get(f"/suggestions/stats/?{query}").status_code == 400


def test_stats_query_count_is_flat(
    client, world, count_queries, django_capture_on_commit_callbacks
):
    # The writes commit (their summary rows are computed again after the commit, as in
    # production): the page then reads the summary rows, whatever the number of items.
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(1, 11):
            make_public(world, n)
    small = count_queries(client, "/suggestions/stats/")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(11, 61):
            make_public(world, n)
    # 7 queries: the years (first and last), their summary rows, the units' names for the
    # table, the promises overdue, the ledger's years, and the filter's choices (sessions, the
    # first year). None per suggestion.
    assert count_queries(client, "/suggestions/stats/") == small <= 7


# -- CSV ----------------------------------------------------------------------------------------


def test_export_has_public_columns_filters_and_escapes_formulas(client, world):
    make_public(world, 1, title='=HYPERLINK("http://evil")关于道路的建议')
    make_public(world, 2, title="关于学校的建议")
    make_public(world, 3, title="不公开", is_public=False)
    response = client.get("/suggestions/export.csv?q=道路")
    assert response["Content-Type"].startswith("text/csv")
    body = response.getvalue().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) == 2
    assert rows[1][1].startswith("'=HYPERLINK")
    assert rows[1][7] == "市交通运输局" and rows[1][8] == "国网浙江平湖市供电公司"
    everything = client.get("/suggestions/export.csv").getvalue().decode("utf-8-sig")
    assert "不公开" not in everything and "关于学校的建议" in everything


def test_export_leaves_out_unpublished_reply_class(client, world):
    make_public(world, 1, published=False)
    rows = list(csv.reader(io.StringIO(client.get("/suggestions/export.csv").getvalue().decode())))
    assert rows[1][10] == "" and rows[1][11] == ""


# -- motions ------------------------------------------------------------------------------------


@pytest.fixture
def motion(world):
    motion = MotionFactory(
        lead=DeputyFactory(term=world["term"], name="沈永良"),
        session=world["session"],
        status=Motion.Status.RESOLVED,
        review_outcome=Motion.Outcome.LISTED,
        code="十六届一次会议议案第01号",
        number=1,
        resolution_text="关于推进共同富裕的决议全文",
        resolution_date=datetime.date(2022, 4, 27),
        submitted_at=PUBLISHED,
    )
    for _ in range(3):
        SignatureFactory(suggestion=None, motion=motion, deputy=DeputyFactory(term=world["term"]))
    motion.inspections.create(date=datetime.date(2022, 12, 1), title="决议落实督查会")
    return motion


def test_motion_pages(client, world, motion):
    MotionFactory(session=world["session"], title="起草中的议案")
    html = client.get("/motions/").content.decode()
    assert motion.title in html and "起草中的议案" not in html
    response = client.get(f"/motions/{motion.pk}/")
    html = response.content.decode()
    assert "关于推进共同富裕的决议全文" in html and "决议落实督查会" in html
    assert "2022年12月1日" in html and response.context["signer_count"] == 4
    assert motion.lead.phone not in html


def test_motion_drafts_and_unknown_ids_are_404(client, world):
    draft = MotionFactory(session=world["session"])
    assert client.get(f"/motions/{draft.pk}/").status_code == 404
    assert client.get("/motions/999999/").status_code == 404
    assert client.get("/motions/?status=draft").status_code == 400


def test_motion_detail_query_count_is_flat(client, world, motion, count_queries):
    client.get(f"/motions/{motion.pk}/")  # warm the content-type cache (the timeline's key)
    small = count_queries(client, f"/motions/{motion.pk}/")
    for _ in range(10):
        SignatureFactory(suggestion=None, motion=motion, deputy=DeputyFactory(term=world["term"]))
        motion.inspections.create(date=datetime.date(2022, 12, 2), title="督查")
    # 5 queries: the motion (foreign keys joined), its signatures, inspections, progress
    # reports and timeline entries (one query each). None per row.
    assert count_queries(client, f"/motions/{motion.pk}/") == small


def test_motion_list_query_count_is_flat(client, world, motion, count_queries):
    small = count_queries(client, "/motions/")
    for n in range(2, 12):
        MotionFactory(
            session=world["session"],
            status=Motion.Status.SUBMITTED,
            number=n,
            code=f"议案{n}",
            submitted_at=PUBLISHED,
        )
    # 4 queries: the paginator's count, the filter's choices (sessions, deputies), and the page
    # of motions with their foreign keys joined. None per motion.
    assert count_queries(client, "/motions/") == small


# -- home ---------------------------------------------------------------------------------------


def test_home_shows_latest_published_replies_and_figures(client, world):
    for n in range(1, 8):
        make_public(world, n)
    hidden = make_public(world, 8, published=False, title="答复未公开的建议")
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert len(response.context["latest_replies"]) == 5
    assert hidden.title not in html
    assert "/suggestions/" in html


def test_home_latest_replies_link_their_suggestions_with_escaped_text(client, world):
    item = make_public(world, 1, title='关于<b>"路灯"</b>&维修的建议')
    world["unit"].name = "<i>住建局</i>"
    world["unit"].save()
    html = client.get("/").content.decode()
    assert (
        f'<a href="/suggestions/{item.pk}/">关于&lt;b&gt;&quot;路灯&quot;&lt;/b&gt;&amp;维修的建议</a>'
        in html
    )
    assert "&lt;i&gt;住建局&lt;/i&gt; · A类 · " in html
    assert "<b>" not in html and "<i>" not in html


def test_home_query_count_is_bounded(
    client, world, count_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(1, 4):
            make_public(world, n)
    client.get("/")  # the first reader of a year no write touched yet computes its summary row
    small = count_queries(client, "/")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(4, 30):
            make_public(world, n)
    # 5 queries: the directory's summary row (the term, its deputies, the stations), the latest
    # reception day, the year's summary rows (receptions, residents, suggestions received, the
    # on-time rate), the stations and the five latest replies. Flat however many suggestions.
    assert count_queries(client, "/") == small <= 5


def test_english_pages(client, world):
    item = make_public(world, 1)
    html = client.get(f"/en/suggestions/{item.pk}/").content.decode()
    assert "Lead deputy" in html and "Timeline" in html
    assert (
        "Satisfied or basically satisfied" in client.get("/en/suggestions/stats/").content.decode()
    )


def test_signature_request_rows_are_not_public(client, world):
    item = make_public(world, 1)
    asked = DeputyFactory(term=world["term"], name="未确认代表")
    Signature.objects.create(suggestion=item, deputy=asked)
    assert "未确认代表" not in client.get(f"/suggestions/{item.pk}/").content.decode()


def test_category_of_another_term_still_filters(client, world):
    old = CategoryFactory(name="旧类别")
    assert client.get(f"/suggestions/?category={old.pk}").status_code == 200


# -- review figures -----------------------------------------------------------------------------


def test_review_figures_from_factory_data(world, motion):
    from congress.review import registry
    from proposals.models import Feedback

    on_time = [make_public(world, n) for n in range(1, 4)]
    late = make_public(world, 4)
    late.replies.update(replied_at=datetime.date(2022, 7, 1), reply_class="C")
    between = make_public(world, 5)
    Suggestion.objects.filter(pk=between.pk).update(session=None, number=None, code="闭会第1号")
    SuggestionFactory(session=world["session"], status=S.DRAFT, submitted_at=None)
    SuggestionFactory(session=world["session"], status=S.WITHDRAWN, submitted_at=PUBLISHED)
    Suggestion.objects.exclude(status__in=[S.DRAFT]).update(submitted_at=PUBLISHED)
    for item, result in ((on_time[0], "satisfied"), (late, "unsatisfied")):
        Feedback.objects.create(
            reply=item.replies.get(),
            suggestion=item,
            rater=item.lead,
            process_rating="basically",
            result_rating=result,
            comment="理由",
        )
    MotionFactory(session=world["session"], status=Motion.Status.DRAFT)
    values = registry.compute(
        [
            "suggestions.received",
            "suggestions.session_received",
            "suggestions.replied_on_time_rate",
            "suggestions.reply_classes",
            "suggestions.by_category",
            "suggestions.satisfaction_rate",
            "motions.count",
            "motions.listed",
        ],
        2022,
    )
    assert values["suggestions.received"] == 5
    assert values["suggestions.session_received"] == 4
    assert values["suggestions.replied_on_time_rate"] == 80.0
    assert (
        dict(values["suggestions.reply_classes"])[
            "C: kept for reference, with the reasons explained"
        ]
        == 1
    )
    assert values["suggestions.by_category"] == [("城乡建设", 5)]
    assert values["suggestions.satisfaction_rate"] == 50.0
    assert values["motions.count"] == 1 and values["motions.listed"] == 1
    assert registry.compute(["suggestions.replied_on_time_rate"], 2019) == {
        "suggestions.replied_on_time_rate": None
    }
    versions = dict(registry.data_versions(2022))
    assert "'n': 5" in versions["suggestions"]
