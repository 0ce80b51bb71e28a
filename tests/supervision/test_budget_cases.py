"""A budget case after it is opened, through the front doors: the clerk of the unit the inquiry
is addressed to logs in at /admin/login/ and answers (text and PDF), late answers are marked,
the office assesses, the follow-up closes or re-opens the case — each step on the case's
timeline — and the to-do list says what waits for whom."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from congress.models import TimelineEntry
from supervision.budget import cases, services
from supervision.budget.models import (
    BudgetSnapshot,
    BudgetWarning,
    DebtLine,
    ExecutionLine,
    WarningRule,
)
from supervision.budget.session import AnswerAssessment
from supervision.models import RectificationReport
from tests.factories import (
    MeetingFactory,
    OrganisationFactory,
    StaffFactory,
    UnitMembershipFactory,
)

pytestmark = pytest.mark.django_db

S = BudgetWarning.Status
PASSWORD = "pw-for-tests"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def log_in(client, username):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return client


@pytest.fixture
def roads():
    return OrganisationFactory(name="市交通运输局")


@pytest.fixture
def finance():
    return OrganisationFactory(name="市财政局")


def clerk_of(unit, username):
    membership = UnitMembershipFactory(organisation=unit, user__username=username)
    membership.user.set_password(PASSWORD)
    membership.user.save()
    return membership.user


def month_of_execution(month, department, adjusted, spent):
    snapshot = services.snapshot_start(kind=BudgetSnapshot.Kind.EXECUTION, year=2022, month=month)
    ExecutionLine.objects.create(
        snapshot=snapshot,
        department=department,
        budgeted=Decimal(adjusted),
        adjusted=Decimal(adjusted),
        spent=Decimal(spent),
    )
    return snapshot


@pytest.fixture
def case(roads):
    WarningRule.objects.create(
        name="6月底执行进度低于40%",
        kind=WarningRule.Kind.EXECUTION_LAG,
        threshold=Decimal("40"),
        by_month=6,
    )
    (warning,) = services.rules_run(snapshot=month_of_execution(6, roads, 1000, 250))
    services.warning_open_case(
        warning=warning,
        meeting=MeetingFactory(date=datetime.date(2022, 7, 19)),
        issued_on=datetime.date(2022, 7, 20),
        text="请书面说明执行进度偏慢的原因。",
    )
    warning.refresh_from_db()
    return warning


def page(client, warning):
    return client.get(f"/admin/supervision/budgetinquiry/{warning.pk}/change/")


def answer(client, warning, text="8月起三个重点项目全面复工。", **extra):
    return client.post(
        f"/admin/supervision/budgetinquiry/{warning.pk}/answer/", {"text": text, **extra}
    )


def codes(warning):
    return list(
        TimelineEntry.objects.for_object(warning.case)
        .order_by("at", "id")
        .values_list("action", flat=True)
    )


def test_the_units_clerk_sees_the_inquiry_with_its_due_date_and_answers_it(
    client, case, roads, settings
):
    settings.LANGUAGE_CODE = "zh-hans"
    clerk_of(roads, "jiaotong")
    log_in(client, "jiaotong")

    index = client.get("/admin/").content.decode()
    assert "预算函询待答复" in index  # the to-do row that leads the clerk to it
    listing = client.get("/admin/supervision/budgetinquiry/?todo=to_answer").content.decode()
    assert "市交通运输局" in listing
    shown = page(client, case).content.decode()
    assert "请书面说明执行进度偏慢的原因。" in shown
    due = case.inquiry.report_due
    assert f"{due.year}年{due.month}月{due.day}日" in shown

    response = answer(
        client,
        case,
        file=SimpleUploadedFile("答复.pdf", PDF, content_type="application/pdf"),
        received_on="2000-01-01",  # not a field: the date is the day it is sent
    )
    assert response.status_code == 302
    report = RectificationReport.objects.get()
    assert report.text == "8月起三个重点项目全面复工。"
    assert report.file.name.endswith(".pdf")
    assert report.received_on == timezone.localdate()
    assert not report.on_time  # today is long after 2022's due date
    assert codes(case)[-1] == "budget_inquiry_answered_late"
    entry = TimelineEntry.objects.for_object(case.case).get(action="budget_inquiry_answered_late")
    assert entry.actor_label == "市交通运输局"

    again = answer(client, case, text="补充说明")  # waiting for assessment: no second answer
    assert RectificationReport.objects.count() == 1
    assert again.status_code == 200


def test_an_answer_on_time_is_not_marked_late(case, roads):
    clerk = clerk_of(roads, "jiaotong")
    report = cases.inquiry_answer(
        warning=case, text="答复", by=clerk, received_on=case.inquiry.report_due
    )
    assert report.on_time
    assert codes(case)[-1] == "budget_inquiry_answered"


def test_an_empty_answer_or_a_non_pdf_is_refused_beside_the_field_and_nothing_written(
    client, case, roads
):
    clerk_of(roads, "jiaotong")
    log_in(client, "jiaotong")
    empty = answer(client, case, text="  ")
    assert empty.status_code == 200
    assert empty.context["form"].errors["text"]
    not_pdf = answer(
        client, case, file=SimpleUploadedFile("答复.docx", b"PK..", content_type="application/zip")
    )
    assert not_pdf.context["form"].errors["file"]
    assert RectificationReport.objects.count() == 0


def test_another_units_clerk_gets_404_and_does_not_see_the_case(client, case, roads):
    clerk_of(OrganisationFactory(name="市教育局"), "jiaoyu")
    log_in(client, "jiaoyu")
    assert page(client, case).status_code == 404
    assert answer(client, case).status_code == 404
    listing = client.get("/admin/supervision/budgetinquiry/")
    assert "市交通运输局" not in listing.content.decode()
    assert RectificationReport.objects.count() == 0


def test_the_office_assesses_and_an_insufficient_answer_asks_for_another(client, case, roads):
    clerk = clerk_of(roads, "jiaotong")
    cases.inquiry_answer(warning=case, text="正在推进。", by=clerk)
    StaffFactory(username="caijingwei")
    log_in(client, "caijingwei")
    assert "待评估的预算函询答复" in client.get("/admin/").content.decode()

    url = f"/admin/supervision/budgetinquiry/{case.pk}/assess/"
    refused = client.post(url, {"verdict": "insufficient", "note": ""})
    assert refused.context["form"].errors["note"]
    assert AnswerAssessment.objects.count() == 0

    client.post(url, {"verdict": "insufficient", "note": "请列出项目支付计划。"})
    assessment = AnswerAssessment.objects.get()
    assert assessment.assessed_by.username == "caijingwei"
    # The unit answers again; an insufficient answer does not close the case.
    services.snapshot_checks(snapshot=month_of_execution(7, roads, 1000, 500))
    case.refresh_from_db()
    assert case.follow_up["outcome"] == "unanswered"

    cases.inquiry_answer(warning=case, text="支付计划见附件。", by=clerk)
    client.post(url, {"verdict": "accepted", "note": ""})
    services.snapshot_checks(snapshot=month_of_execution(8, roads, 1000, 600))
    case.refresh_from_db()
    assert case.status == S.CLOSED
    assert codes(case) == [
        "budget_case_opened",
        "budget_inquiry_sent",
        "budget_inquiry_answered_late",
        "budget_answer_assessed",
        "budget_inquiry_answered_late",
        "budget_answer_assessed",
        "budget_case_closed",
    ]


def test_a_closed_case_reopens_when_a_later_month_trips_the_rule_again(case, roads):
    clerk = clerk_of(roads, "jiaotong")
    cases.inquiry_answer(warning=case, text="答复", by=clerk)
    services.snapshot_checks(snapshot=month_of_execution(7, roads, 1000, 500))
    case.refresh_from_db()
    assert case.status == S.CLOSED
    # The budget was raised in August: 500 of 2000 is 25 %.
    services.snapshot_checks(snapshot=month_of_execution(8, roads, 2000, 500))
    case.refresh_from_db()
    assert (case.status, case.follow_up["outcome"], case.closed_at) == (S.CASE, "reopened", None)
    assert codes(case)[-2:] == ["budget_case_closed", "budget_case_reopened"]


def test_the_office_sees_inquiries_past_due_on_its_to_do_list(client, case):
    StaffFactory(username="caijingwei")
    log_in(client, "caijingwei")
    listing = client.get("/admin/supervision/budgetinquiry/?todo=overdue")
    assert case.case.title in listing.content.decode()
    assert "逾期未答复的预算函询" in client.get("/admin/").content.decode()


def test_a_debt_inquiry_goes_to_the_finance_bureaus_clerk(client, finance):
    WarningRule.objects.create(
        name="债务余额超过限额", kind=WarningRule.Kind.DEBT_OVER_LIMIT, threshold=Decimal("100")
    )
    snapshot = services.snapshot_start(kind=BudgetSnapshot.Kind.DEBT, year=2022, month=6)
    DebtLine.objects.create(snapshot=snapshot, new_debt=0, repaid=0, balance=101, limit=100)
    (warning,) = services.rules_run(snapshot=snapshot)
    services.warning_open_case(
        warning=warning,
        meeting=MeetingFactory(date=datetime.date(2022, 7, 19)),
        issued_on=datetime.date(2022, 7, 20),
        text="请说明债务余额超过限额的原因。",
    )
    warning.refresh_from_db()
    assert warning.case.reporting_organisation == finance
    clerk_of(finance, "caizheng")
    log_in(client, "caizheng")
    assert answer(client, warning).status_code == 302
    assert RectificationReport.objects.count() == 1
