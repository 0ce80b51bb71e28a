"""Networked budget supervision in the browser: the office imports the finance bureau's monthly
debt sheet (logged in at /admin/login/), sees the warning the rules raised, opens it as a case
with a written inquiry; the finance bureau's clerk logs in where clerks log in, finds the inquiry
on their to-do list and answers it; the office assesses the answer. A deputy then reads the
register in plain words, charts with their tables."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from supervision.budget.models import BudgetWarning, WarningRule
from supervision.budget.session import AnswerAssessment
from supervision.models import RectificationReport
from tests.e2e.conftest import assert_accessible
from tests.factories import (
    DeputyFactory,
    MeetingFactory,
    OrganisationFactory,
    StaffFactory,
    UnitMembershipFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-tests"


def debt_sheet(year, month) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["年度", "月份", "新增债务", "偿还", "债务余额", "债务限额"])
    sheet.append([year, month, 2_557_000_000, 960_000_000, 15_780_000_000, 15_620_000_000])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def log_in(browser, base, username, at="/admin/login/"):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{base}{at}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form [type=submit]").last.click()
    page.wait_for_load_state()
    assert "/login/" not in page.url, page.url
    return page


@pytest.fixture
def setting():
    today = timezone.localdate()
    StaffFactory(username="caijingwei")
    finance = OrganisationFactory(name="市财政局")
    clerk = UnitMembershipFactory(organisation=finance, user__username="caizheng").user
    clerk.set_password(PASSWORD)
    clerk.save()
    WarningRule.objects.create(
        name="债务余额超过限额", kind=WarningRule.Kind.DEBT_OVER_LIMIT, threshold=Decimal("100")
    )
    meeting = MeetingFactory(date=today - datetime.timedelta(days=1))
    deputy_user = UserFactory(username="daibiao")
    deputy_user.set_password(PASSWORD)
    deputy_user.save()
    DeputyFactory(user=deputy_user)
    return {"today": today, "meeting": meeting}


def test_a_monthly_import_to_a_warning_to_a_case_answered_by_the_finance_bureau(
    live_server, browser, setting
):
    base, today = live_server.url, setting["today"]
    office = log_in(browser, base, "caijingwei")

    # The monthly debt sheet: preview, then confirm; the rules run on the new snapshot.
    office.goto(f"{base}/admin/supervision/debtline/import/")
    office.set_input_files(
        "input[name=import_file]",
        files=[
            {
                "name": f"{today.year}年{today.month}月政府债务.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": debt_sheet(today.year, today.month),
            }
        ],
    )
    office.locator("form:has(input[name=import_file]) [type=submit]").click()
    office.wait_for_load_state()
    office.locator("input[name=confirm]").click()
    office.wait_for_load_state()

    office.goto(f"{base}/admin/supervision/budgetwarning/")
    assert "政府债务余额157.80亿元" in office.content()
    warning = BudgetWarning.objects.get()
    office.check(f"input[name=_selected_action][value='{warning.pk}']")
    office.select_option("select[name=action]", "warning_open_case")
    office.locator("button[name=index]").first.click()
    office.wait_for_load_state()
    office.select_option("select[name=meeting]", str(setting["meeting"].pk))
    office.fill("textarea[name=text]", "市财政局：请书面说明债务余额超过限额的原因和化解措施。")
    office.locator("form [type=submit]").last.click()
    office.wait_for_load_state()
    warning.refresh_from_db()
    assert warning.status == BudgetWarning.Status.CASE
    assert warning.case.reporting_organisation.name == "市财政局"

    # The finance bureau's clerk: the to-do row leads to the inquiry and its due date.
    clerk = log_in(browser, base, "caizheng")
    clerk.get_by_role("link", name="预算函询待答复").click()
    clerk.wait_for_load_state()
    clerk.locator("#result_list tbody tr a").first.click()
    clerk.wait_for_load_state()
    due = warning.inquiry.report_due
    assert f"{due.year}年{due.month}月{due.day}日" in clerk.content()
    assert "请书面说明债务余额超过限额的原因和化解措施" in clerk.content()
    clerk.fill("textarea[name=text]", "第二批新增债务限额已于本月下达，下月余额将回到限额以内。")
    clerk.get_by_role("button", name="发送答复").click()
    clerk.wait_for_load_state()
    report = RectificationReport.objects.get()
    assert report.on_time
    assert "答复已提交" in clerk.content()
    assert "答复正在等待评估" in clerk.content()

    # The office assesses the answer on the same page.
    office.goto(f"{base}/admin/supervision/budgetinquiry/{warning.pk}/change/")
    assert "第二批新增债务限额已于本月下达" in office.content()
    office.check("input[name=verdict][value=accepted]")
    office.get_by_role("button", name="记录评估意见").click()
    office.wait_for_load_state()
    assert AnswerAssessment.objects.get().verdict == "accepted"
    assert "函询已答复" in office.content() and "答复已评估" in office.content()

    # A deputy reads the register: the debt against its limit, with its table.
    deputy = log_in(browser, base, "daibiao", at="/accounts/login/")
    deputy.goto(f"{base}/portal/budget/")
    assert deputy.locator("svg[role=img]").count() == 1
    deputy.locator("details.chart-table summary").first.click()
    assert "157.80" in deputy.locator("details.chart-table table").first.inner_text()
    assert_accessible(deputy)
