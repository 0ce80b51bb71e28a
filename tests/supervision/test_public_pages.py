"""/supervision/ and /projects/ as a resident sees them: public rows only, 400, 404, flat queries."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from supervision import rules, services
from supervision.models import InspectionPhoto, LivelihoodProject, Poll, SupervisionItem
from tests.factories import (
    DeputyFactory,
    InspectionFactory,
    LivelihoodProjectFactory,
    MajorProjectFactory,
    MeetingFactory,
    MilestoneFactory,
    SupervisionItemFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def test_list_shows_public_items_only(client):
    SupervisionItemFactory(title="环境状况报告")
    SupervisionItemFactory(title="未公开的报告", is_public=False)
    html = client.get("/supervision/").content.decode()
    assert "环境状况报告" in html and "未公开的报告" not in html


def test_list_filters_by_year_and_kind(client):
    SupervisionItemFactory(
        title="二〇二二年的审计整改", kind="audit", meeting=MeetingFactory(date=D(2022, 11, 29))
    )
    SupervisionItemFactory(
        title="二〇二三年的债务", kind="debt", meeting=MeetingFactory(date=D(2023, 6, 1))
    )
    html = client.get("/supervision/", {"year": "2022"}).content.decode()
    assert "二〇二二年的审计整改" in html and "二〇二三年的债务" not in html
    html = client.get("/supervision/", {"kind": "debt"}).content.decode()
    assert "二〇二三年的债务" in html and "二〇二二年的审计整改" not in html


@pytest.mark.parametrize(
    "params", [{"year": "1999"}, {"year": "abc"}, {"kind": "nonsense"}, {"year": "2022'--"}]
)
def test_list_answers_400_to_bad_filters(client, params):
    SupervisionItemFactory(meeting=MeetingFactory(date=D(2022, 6, 28)))
    assert client.get("/supervision/", params).status_code == 400


def test_list_query_count_is_flat(client, count_queries):
    SupervisionItemFactory.create_batch(3)
    small = count_queries(client, "/supervision/")
    SupervisionItemFactory.create_batch(27)
    # 3 queries: the paginator's count, the years for the filter, and the page of items with
    # their meeting joined. None per item.
    assert count_queries(client, "/supervision/") == small


def test_detail_shows_documents_opinions_and_whether_the_report_was_on_time(client):
    item = SupervisionItemFactory(
        title="国有资产管理情况专项报告",
        kind="state_assets",
        meeting=MeetingFactory(date=D(2022, 10, 26)),
    )
    on_time = services.review_opinion_issue(
        item=item, text="厘清国资家底", issued_on=D(2022, 11, 2)
    )
    late = services.review_opinion_issue(item=item, text="深化国企改革", issued_on=D(2022, 11, 2))
    services.rectification_report_receive(
        opinion=on_time, received_on=D(2022, 12, 26), text="已落实"
    )
    services.rectification_report_receive(opinion=late, received_on=D(2023, 2, 1), text="已落实")
    response = client.get(f"/en/supervision/{item.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "厘清国资家底" in html and "on time" in html and "after the due date" in html
    assert "Jan. 2, 2023" in html  # the due date


def test_detail_of_a_debt_item_shows_the_amount(client):
    item = SupervisionItemFactory(kind="debt", debt_amount=Decimal("2557000000"))
    assert "25.57亿元" in client.get(f"/supervision/{item.pk}/").content.decode()
    assert "2.557 billion yuan" in client.get(f"/en/supervision/{item.pk}/").content.decode()


def test_detail_404_for_unknown_or_unpublished(client):
    hidden = SupervisionItemFactory(is_public=False)
    assert client.get(f"/supervision/{hidden.pk}/").status_code == 404
    assert client.get("/supervision/999999/").status_code == 404


def _evaluated_item(publish):
    item = SupervisionItemFactory(title="环境状况报告")
    now = timezone.now()
    poll = services.poll_create(
        kind=Poll.Kind.SATISFACTION,
        title="满意度测评",
        options=[{"label": "环境状况报告"}],
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(hours=1),
    )
    members = DeputyFactory.create_batch(5)
    services.poll_open(poll=poll, voters=members)
    line = poll.options.get()
    for member, grade in zip(members, ["satisfied"] * 3 + ["basic"], strict=False):
        services.ballot_cast(poll=poll, voter=member, marks={line.pk: grade})
    services.poll_close(poll=poll)
    if publish:
        services.poll_publish(poll=poll)
    SupervisionItem.objects.filter(pk=item.pk).update(satisfaction_poll=poll)
    return item


def test_detail_shows_a_published_satisfaction_result(client):
    item = _evaluated_item(publish=True)
    html = client.get(f"/en/supervision/{item.pk}/").content.decode()
    assert "Satisfaction evaluation" in html
    assert "<strong>satisfied</strong>" in html


def test_detail_hides_an_unpublished_satisfaction_result(client):
    item = _evaluated_item(publish=False)
    assert (
        "Satisfaction evaluation" not in client.get(f"/en/supervision/{item.pk}/").content.decode()
    )


def _project_year(n, *, with_vote=True):
    projects = LivelihoodProjectFactory.create_batch(n, year=2022)
    for project in projects:
        MilestoneFactory(project=project)
        InspectionFactory(project=project)
    MajorProjectFactory(year=2022)
    if not with_vote:
        return projects
    now = timezone.now()
    poll = services.poll_create(
        kind=Poll.Kind.PROJECT_BALLOT,
        title="票决",
        options=[{"label": p.title, "amount": p.investment} for p in projects],
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(hours=1),
        max_choices=max(1, n - 1),
        seats=max(1, n - 1),
        majority=rules.Majority.PLURALITY,
    )
    options = {o.label: o for o in poll.options.all()}
    for project in projects:
        project.ballot_option = options[project.title]
        project.save(update_fields=["ballot_option"])
    voters = DeputyFactory.create_batch(3)
    services.poll_open(poll=poll, voters=voters)
    for i, voter in enumerate(voters):
        chosen = [o.pk for o in list(options.values())[: n - 1]][: n - 1 - (i % 2)]
        services.ballot_cast(poll=poll, voter=voter, option_ids=chosen)
    services.poll_close(poll=poll)
    services.poll_publish(poll=poll)
    services.livelihood_selection_record(poll=poll)
    return projects


def test_projects_page_lists_years(client):
    _project_year(3)
    response = client.get("/projects/")
    assert response.status_code == 200
    assert "/projects/2022/" in response.content.decode()


def test_project_year_shows_votes_progress_milestones_and_inspections(client):
    projects = _project_year(3)
    response = client.get("/en/projects/2022/")
    html = response.content.decode()
    assert response.status_code == 200
    assert projects[0].title in html
    assert "2,150万元" not in html and "21.5 million yuan" in html
    assert re.search(r'<progress id="progress-\d+" max="100" value="0">', html)
    assert "selected" in html and "Milestones" in html and "Inspections by deputy groups" in html
    assert ' style="' not in html  # the CSP forbids inline styles
    assert response.context["data"].ballot.cast == 3


def test_project_year_hides_an_unpublished_vote(client):
    _project_year(3, with_vote=False)
    response = client.get("/en/projects/2022/")
    assert response.status_code == 200
    assert response.context["data"].ballot is None


def test_project_year_404_for_an_empty_year(client):
    _project_year(2)
    assert client.get("/projects/2019/").status_code == 404
    assert client.get("/projects/abcd/").status_code == 404


def test_project_year_query_count_is_flat(client, count_queries):
    projects = _project_year(3)
    small = count_queries(client, "/projects/2022/")
    for project in LivelihoodProjectFactory.create_batch(27, year=2022, status="selected"):
        MilestoneFactory.create_batch(2, project=project)
        InspectionPhoto.objects.create(
            inspection=InspectionFactory(project=project), image="i.jpg", caption="现场"
        )
    MajorProjectFactory.create_batch(5, year=2022)
    assert len(projects) == 3
    # 5 queries: the year's livelihood projects, the major projects, the selected projects'
    # milestones, their inspections with the photos, and the polls with their results. None
    # per project.
    assert count_queries(client, "/projects/2022/") == small == 5


def test_project_year_labels_follow_the_language_page_after_page(client):
    """The cards' and tables' fixed texts are kept per language: the English page after the
    Chinese one (and the Chinese one again) is in its own language."""
    projects = _project_year(3)
    LivelihoodProject.objects.filter(pk=projects[0].pk).update(status="selected")
    MajorProjectFactory(year=2022, investment=1)  # below the threshold: no vote
    zh = client.get("/projects/2022/").content.decode()
    en = client.get("/en/projects/2022/").content.decode()
    zh_again = client.get("/projects/2022/").content.decode()
    assert "<dt>责任单位</dt>" in zh and "代表小组视察督查" in zh and "未达票决标准" in zh
    assert "<dt>Owner unit</dt>" in en and "Inspections by deputy groups" in en
    assert "below the threshold: no vote" in en and "责任单位" not in en
    assert zh_again == zh


def test_project_year_shows_the_inspections_photos_escaped(client):
    projects = _project_year(3)
    inspection = InspectionFactory(project=projects[0], place="<现场>")
    InspectionPhoto.objects.create(inspection=inspection, image="a b.jpg", caption='"照片" & 说明')
    html = client.get("/en/projects/2022/").content.decode()
    assert " · &lt;现场&gt;<br>" in html
    assert (
        '<img src="/media/a%20b.jpg" alt="&quot;照片&quot; &amp; 说明">'
        "<figcaption>&quot;照片&quot; &amp; 说明</figcaption>"
    ) in html
