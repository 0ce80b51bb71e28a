"""The session's budget review (预算审查): deputies read the draft budget by department in their
workspace and ask about a department's lines; the finance bureau's clerk answers in their own
login; the office publishes the answers it chooses, kept with the year."""

from decimal import Decimal

import pytest
from django.utils import translation

from congress.kit.errors import DomainError
from congress.kit.events import event_label
from congress.models import TimelineEntry
from supervision.budget import cases
from supervision.budget.session import BudgetQuestion, DraftBudgetLine
from tests.factories import (
    DeputyFactory,
    OrganisationFactory,
    StaffFactory,
    UnitMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

Q = BudgetQuestion.Status
PASSWORD = "pw-for-tests"


@pytest.fixture
def finance():
    return OrganisationFactory(name="市财政局")


@pytest.fixture
def lines():
    roads = OrganisationFactory(name="市交通运输局")
    schools = OrganisationFactory(name="市教育局")
    return {
        "roads": DraftBudgetLine.objects.create(
            year=2023, department=roads, name="农村公路提升改造", amount=Decimal("182000000")
        ),
        "schools": DraftBudgetLine.objects.create(
            year=2023, department=schools, name="义务教育学校建设", amount=Decimal("96000000")
        ),
    }


def deputy_logged_in(client, username):
    user = UserFactory(username=username)
    deputy = DeputyFactory(user=user, name=f"代表{username}")
    client.force_login(user)
    return deputy


def clerk_logged_in(client, unit, username):
    membership = UnitMembershipFactory(organisation=unit, user__username=username)
    membership.user.set_password(PASSWORD)
    membership.user.save()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return membership.user


def ask(client, line, text="农村公路提升改造资金比上年增加较多，请说明依据。", send="on"):
    data = {"department": line.department_id, "line": line.pk, "text": text}
    if send:
        data["send"] = send
    return client.post("/portal/budget/2023/draft/", data)


def test_a_deputy_reads_the_draft_and_sends_a_question_on_a_departments_line(client, lines):
    deputy_logged_in(client, "wang")
    page = client.get("/portal/budget/2023/draft/").content.decode()
    assert "农村公路提升改造" in page and "182,000,000.00" in page

    response = ask(client, lines["roads"])
    assert response.status_code == 302
    question = BudgetQuestion.objects.get()
    assert (question.status, question.department, question.line) == (
        Q.SENT,
        lines["roads"].department,
        lines["roads"],
    )
    assert question.sent_at is not None


def test_bad_input_is_refused_beside_the_field_and_nothing_written(client, lines):
    deputy_logged_in(client, "wang")
    empty = ask(client, lines["roads"], text="   ")
    assert empty.status_code == 400
    assert empty.context["form"].errors["text"]
    # A line of another department than the one chosen.
    mixed = client.post(
        "/portal/budget/2023/draft/",
        {"department": lines["roads"].department_id, "line": lines["schools"].pk, "text": "问"},
    )
    assert mixed.status_code == 400
    assert (
        "请选择该部门预算中的项目" in mixed.content.decode() or mixed.context["form"].errors["line"]
    )
    unknown = client.post("/portal/budget/2023/draft/", {"department": 999999, "text": "问"})
    assert unknown.context["form"].errors["department"]
    assert BudgetQuestion.objects.count() == 0
    assert client.get("/portal/budget/2031/draft/").status_code == 404


def test_a_deputy_sees_only_their_own_drafts_and_sends_them_later(client, lines):
    wang = deputy_logged_in(client, "wang")
    ask(client, lines["roads"], text="王代表的草稿问题", send="")
    draft = BudgetQuestion.objects.get()
    assert draft.status == Q.DRAFT and draft.deputy == wang
    assert "王代表的草稿问题" in client.get("/portal/budget/2023/draft/").content.decode()

    other = client.__class__()
    deputy_logged_in(other, "li")
    assert "王代表的草稿问题" not in other.get("/portal/budget/2023/draft/").content.decode()
    assert other.post(f"/portal/budget/questions/{draft.pk}/send/").status_code == 404
    draft.refresh_from_db()
    assert draft.status == Q.DRAFT

    client.post(f"/portal/budget/questions/{draft.pk}/send/")
    draft.refresh_from_db()
    assert draft.status == Q.SENT


def test_the_finance_bureaus_clerk_answers_in_their_login_and_deputies_read_it(
    client, lines, finance
):
    asker = client.__class__()
    deputy_logged_in(asker, "wang")
    ask(asker, lines["roads"])
    question = BudgetQuestion.objects.get()

    clerk_logged_in(client, finance, "caizheng")
    assert "待答复的代表预算审查提问" in client.get("/admin/").content.decode()
    page = client.get(f"/admin/supervision/budgetquestion/{question.pk}/change/")
    assert "农村公路提升改造资金比上年增加较多" in page.content.decode()
    refused = client.post(
        f"/admin/supervision/budgetquestion/{question.pk}/answer/", {"answer": ""}
    )
    assert refused.context["form"].errors["answer"]
    question.refresh_from_db()
    assert question.status == Q.SENT

    client.post(
        f"/admin/supervision/budgetquestion/{question.pk}/answer/",
        {"answer": "增加部分为省补助资金配套，已列入交通强市三年行动计划。"},
    )
    question.refresh_from_db()
    assert question.status == Q.ANSWERED
    assert question.answered_by.username == "caizheng"

    reader = client.__class__()
    deputy_logged_in(reader, "li")
    assert "交通强市三年行动计划" in reader.get("/portal/budget/2023/draft/").content.decode()


def test_other_units_clerks_get_404_on_the_questions(client, lines, finance):
    asker = client.__class__()
    deputy_logged_in(asker, "wang")
    ask(asker, lines["roads"])
    question = BudgetQuestion.objects.get()
    clerk_logged_in(client, lines["roads"].department, "jiaotong")
    assert client.get(f"/admin/supervision/budgetquestion/{question.pk}/change/").status_code == 404
    answer = client.post(
        f"/admin/supervision/budgetquestion/{question.pk}/answer/", {"answer": "越权答复"}
    )
    assert answer.status_code == 404
    question.refresh_from_db()
    assert question.status == Q.SENT


def test_answers_are_public_once_the_office_publishes_them(client, lines, finance):
    asker = client.__class__()
    deputy_logged_in(asker, "wang")
    ask(asker, lines["roads"], text="请说明农村公路资金依据。")
    ask(asker, lines["schools"], text="未公开的问题")
    roads_q, schools_q = BudgetQuestion.objects.order_by("pk")
    clerk = clerk_logged_in(client.__class__(), finance, "caizheng")
    cases.question_answer(question=roads_q, answer="依据交通强市三年行动计划。", by=clerk)
    cases.question_answer(question=schools_q, answer="内部答复", by=clerk)
    assert client.get("/supervision/budget/2023/").status_code == 404  # nothing published yet

    office = client.__class__()
    office.force_login(StaffFactory(username="caijingwei"))
    office.post(
        "/admin/supervision/budgetquestion/",
        {"action": "question_publish", "_selected_action": [roads_q.pk]},
    )
    page = client.get("/supervision/budget/2023/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "依据交通强市三年行动计划。" in text
    assert "未公开的问题" not in text and "内部答复" not in text
    assert "代表wang" not in text


def test_staff_do_not_see_deputies_drafts(client, lines):
    asker = client.__class__()
    deputy_logged_in(asker, "wang")
    ask(asker, lines["roads"], text="王代表的草稿问题", send="")
    client.force_login(StaffFactory(username="caijingwei"))
    assert (
        "王代表的草稿问题" not in client.get("/admin/supervision/budgetquestion/").content.decode()
    )


def test_a_questions_thread_is_on_its_timeline_and_the_deputy_reads_it_on_their_question(
    client, lines, finance
):
    deputy_logged_in(client, "wang")
    ask(client, lines["roads"], text="请说明农村公路资金依据。")
    question = BudgetQuestion.objects.get()
    clerk = clerk_logged_in(client.__class__(), finance, "caizheng")
    cases.question_answer(question=question, answer="依据交通强市三年行动计划。", by=clerk)
    office = client.__class__()
    office.force_login(StaffFactory(username="caijingwei"))
    office.post(
        "/admin/supervision/budgetquestion/",
        {"action": "question_publish", "_selected_action": [question.pk]},
    )

    entries = TimelineEntry.objects.for_object(question).order_by("at", "id")
    assert [(e.action, e.actor_label) for e in entries] == [
        ("budget_question_sent", "代表wang"),
        ("budget_question_answered", "市财政局"),
        ("budget_question_published", ""),
    ]
    page = client.get("/portal/budget/2023/draft/").content.decode()
    with translation.override("zh-hans"):
        labels = [str(event_label("supervision.budgetquestion", e.action)) for e in entries]
    positions = [page.index(label) for label in labels]
    assert positions == sorted(positions)  # in the order they happened, under the question
    assert page.index("请说明农村公路资金依据。") < positions[0]
    # The office reads the same thread beside the question in the admin.
    admin_page = office.get(f"/admin/supervision/budgetquestion/{question.pk}/change/")
    assert all(label in admin_page.content.decode() for label in labels)


def test_a_draft_has_no_thread_yet_and_a_refused_answer_writes_none(client, lines, finance):
    deputy_logged_in(client, "wang")
    ask(client, lines["roads"], text="草稿", send="")
    question = BudgetQuestion.objects.get()
    assert not TimelineEntry.objects.for_object(question).exists()
    clerk = clerk_logged_in(client.__class__(), finance, "caizheng")
    with pytest.raises(DomainError):
        cases.question_answer(question=question, answer="答复", by=clerk)
    assert not TimelineEntry.objects.for_object(question).exists()
