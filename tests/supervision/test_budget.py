"""Networked budget supervision (预算联网监督), through the front doors: staff log in at
/admin/login/, import the finance bureau's monthly sheets, and handle the warnings the rules raise
— dismissed with a reason, or opened as a case whose follow-up on a later month closes it."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import ngettext

from congress.demo import DemoContext, steps
from congress.kit.errors import DomainError
from congress.kit.import_jobs import UploadStore
from congress.kit.workdays import add_working_days
from congress.models import ImportJob
from congress.review import registry
from supervision.budget import demo, services
from supervision.budget.models import (
    BudgetSnapshot,
    BudgetWarning,
    DebtLine,
    ExecutionLine,
    WarningRule,
)
from supervision.budget.resources import ExecutionResource
from supervision.models import SupervisionItem
from tests.factories import MeetingFactory, OrganisationFactory, StaffFactory

pytestmark = pytest.mark.django_db

S = BudgetWarning.Status
K = BudgetSnapshot.Kind
WAN = Decimal(10_000)
YI = Decimal(100_000_000)


@pytest.fixture
def office(client):
    """A member of the finance committee's office, logged in through the admin's login page."""
    StaffFactory(username="caijingwei")
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "caijingwei", "password": "pw-for-tests"}
    )
    assert response.status_code == 302
    return client


@pytest.fixture(autouse=True)
def private_uploads(tmp_path, monkeypatch):
    def init(self):
        self.shared_cache = False
        self.folder = tmp_path / "uploads"

    monkeypatch.setattr(UploadStore, "__init__", init)


@pytest.fixture
def roads():
    return OrganisationFactory(name="市交通运输局")


@pytest.fixture
def schools():
    return OrganisationFactory(name="市教育局")


def lag_rule(threshold="50", by_month=11):
    return WarningRule.objects.create(
        name=f"{by_month}月底执行进度低于{threshold}%",
        kind=WarningRule.Kind.EXECUTION_LAG,
        threshold=Decimal(threshold),
        by_month=by_month,
    )


def debt_rule(threshold="100"):
    return WarningRule.objects.create(
        name=f"债务余额超过限额的{threshold}%",
        kind=WarningRule.Kind.DEBT_OVER_LIMIT,
        threshold=Decimal(threshold),
    )


def month_of_execution(month, lines, year=2022):
    """A current snapshot of `month` with {department: (adjusted 万元, spent 万元)}."""
    snapshot = services.snapshot_start(kind=K.EXECUTION, year=year, month=month)
    for department, (adjusted, spent) in lines.items():
        ExecutionLine.objects.create(
            snapshot=snapshot,
            department=department,
            budgeted=Decimal(adjusted) * WAN,
            adjusted=Decimal(adjusted) * WAN,
            spent=Decimal(spent) * WAN,
        )
    return snapshot


def month_of_debt(month, balance, limit, year=2022):
    snapshot = services.snapshot_start(kind=K.DEBT, year=year, month=month)
    DebtLine.objects.create(
        snapshot=snapshot,
        new_debt=0,
        repaid=0,
        balance=Decimal(balance) * YI,
        limit=Decimal(limit) * YI,
    )
    return snapshot


# --- The rules ---------------------------------------------------------------------------------


def test_an_execution_rule_fires_from_its_month_not_one_month_early(roads, schools):
    rule = lag_rule("50", by_month=11)
    october = month_of_execution(10, {roads: (1000, 300), schools: (1000, 800)})
    assert services.rules_run(snapshot=october) == []  # 30 % in October: not yet the rule's month

    november = month_of_execution(11, {roads: (1000, 499), schools: (1000, 500)})
    raised = services.rules_run(snapshot=november)

    assert [(w.department, w.rule) for w in raised] == [(roads, rule)]  # 49.9 % < 50; 50 % is not
    warning = raised[0]
    assert warning.figures == {
        "month": 11,
        "adjusted": "10000000.00",
        "spent": "4990000.00",
        "rate": "49.9",
        "threshold": "50.00",
    }
    with translation.override("zh-hans"):
        assert (
            warning.finding == "市交通运输局截至11月底预算执行进度为49.9%（规则：不低于50.00%）。"
        )


def test_running_the_rules_again_or_on_a_later_month_adds_no_second_warning(roads):
    lag_rule("50", by_month=11)
    november = month_of_execution(11, {roads: (1000, 400)})
    services.rules_run(snapshot=november)
    services.rules_run(snapshot=november)
    december = month_of_execution(12, {roads: (1000, 450)})
    services.rules_run(snapshot=december)

    assert BudgetWarning.objects.count() == 1
    assert BudgetWarning.objects.get().snapshot == november


def test_the_debt_rule_fires_only_when_the_balance_is_over_the_limit():
    debt_rule("100")
    at_limit = month_of_debt(5, balance="141.60", limit="141.60")
    assert services.rules_run(snapshot=at_limit) == []

    over = month_of_debt(6, balance="141.61", limit="141.60")
    (warning,) = services.rules_run(snapshot=over)
    assert warning.department is None
    assert warning.figures["balance"] == "14161000000.00"
    assert warning.figures["share"] == "100.0"
    with translation.override("zh-hans"):
        assert "政府债务余额141.61亿元，为限额141.60亿元的100.0%" in warning.finding


def december_rule(threshold="30"):
    return WarningRule.objects.create(
        name=f"12月支出超过全年的{threshold}%",
        kind=WarningRule.Kind.DECEMBER_RUSH,
        threshold=Decimal(threshold),
    )


def test_the_december_rule_compares_decembers_spending_with_the_years(roads, schools):
    december_rule("30")
    month_of_execution(11, {roads: (1000, 700), schools: (1000, 600)})
    december = month_of_execution(12, {roads: (1000, 1000), schools: (1000, 900)})

    (warning,) = services.rules_run(snapshot=december)

    # roads: 300 of 1000 is 30 %, not over; schools: 300 of 900 is 33.3 %.
    assert warning.department == schools
    assert (warning.figures["december"], warning.figures["share"]) == ("3000000.00", "33.3")


def test_the_december_rule_waits_for_december_and_needs_november(roads):
    december_rule("10")
    november = month_of_execution(11, {roads: (1000, 100)})
    assert services.rules_run(snapshot=november) == []  # November is not December

    BudgetSnapshot.objects.filter(pk=november.pk).delete()
    december = month_of_execution(12, {roads: (1000, 1000)})
    assert services.rules_run(snapshot=december) == []  # no November: nothing to compare


def test_a_rule_of_another_kind_or_out_of_use_raises_nothing(roads):
    debt_rule("1")  # a debt rule never reads execution lines
    lag_rule("50", by_month=6).__class__.objects.update(active=False)
    snapshot = month_of_execution(6, {roads: (1000, 10)})
    assert services.rules_run(snapshot=snapshot) == []


def test_a_replaced_snapshot_is_not_run(roads):
    lag_rule("50", by_month=6)
    old = month_of_execution(6, {roads: (1000, 10)})
    month_of_execution(6, {roads: (1000, 900)})
    old.refresh_from_db()
    with pytest.raises(DomainError):
        services.rules_run(snapshot=old)


def test_staff_keep_the_rules_in_the_admin_and_an_execution_rule_needs_its_month(office):
    data = {
        "name": "9月底执行进度低于60%",
        "kind": WarningRule.Kind.EXECUTION_LAG,
        "threshold": "60",
        "by_month": "",
        "active": "on",
    }
    refused = office.post("/admin/supervision/warningrule/add/", data)
    assert "请填写须在哪个月底前达到该执行进度" in refused.content.decode()
    assert WarningRule.objects.count() == 0

    office.post("/admin/supervision/warningrule/add/", {**data, "by_month": "9"})
    rule = WarningRule.objects.get()
    assert (rule.threshold, rule.by_month) == (Decimal("60"), 9)


def test_staff_run_a_snapshots_rules_again_on_demand_without_duplicates(office, roads):
    rule = lag_rule("50", by_month=6)
    rule.active = False
    rule.save()
    june = month_of_execution(6, {roads: (1000, 100)})
    services.snapshot_checks(snapshot=june)
    assert BudgetWarning.objects.count() == 0

    rule.active = True  # a rule switched on later finds what is already there
    rule.save()
    for _time in range(2):
        office.post(
            "/admin/supervision/budgetsnapshot/",
            {"action": "run_checks", "_selected_action": [june.pk]},
        )
    assert BudgetWarning.objects.get().snapshot == june


# --- The import ---------------------------------------------------------------------------------

EXECUTION = ["年度", "月份", "单位", "年初预算（元）", "调整预算（元）", "累计支出（元）"]
DEBT = ["年度", "月份", "新增债务", "偿还", "债务余额", "债务限额"]


def workbook(headers, rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_file(client, model, data, name="2022年11月预算执行.xlsx"):
    """Upload, preview, confirm: returns the preview, and the finished job if it was offered."""
    preview = client.post(
        f"/admin/supervision/{model}/import/", {"import_file": SimpleUploadedFile(name, data)}
    )
    if "confirm_form" not in preview.context:
        return preview, None
    done = client.post(
        f"/admin/supervision/{model}/process_import/", preview.context["confirm_form"].initial
    )
    return preview, client.get(done["Location"]).context["job"]


def test_a_months_execution_sheet_imports_as_a_snapshot_and_runs_the_rules(office, roads, schools):
    lag_rule("50", by_month=11)
    data = workbook(
        EXECUTION,
        [
            [2022, 11, "市交通运输局", "5,460,000.00", 5_610_000, 2_500_000],
            [2022, 11, "市教育局", 16_200_000, 16_540_000, "14,390,000"],
        ],
    )
    _preview, job = import_file(office, "executionline", data)

    assert job.status == ImportJob.Status.DONE
    snapshot = BudgetSnapshot.objects.get()
    assert (snapshot.kind, snapshot.year, snapshot.month, snapshot.active) == (
        K.EXECUTION,
        2022,
        11,
        True,
    )
    assert snapshot.imported_by.username == "caijingwei"
    assert snapshot.execution_lines.get(department=roads).budgeted == Decimal("5460000.00")
    assert [w.department for w in BudgetWarning.objects.all()] == [roads]  # 44.6 % < 50 %


def test_the_imports_result_page_says_how_many_warnings_it_raised_with_a_link_to_them(
    office, roads, schools
):
    lag_rule("50", by_month=11)
    data = workbook(
        EXECUTION,
        [
            [2022, 11, "市交通运输局", 5_460_000, 5_610_000, 2_500_000],  # 44.6 %
            [2022, 11, "市教育局", 16_200_000, 16_540_000, 14_390_000],
        ],
    )
    _preview, job = import_file(office, "executionline", data)
    assert job.counts["extra"] == {"year": 2022, "month": 11, "raised": 1, "closed": 0}

    page = office.get(f"/admin/supervision/executionline/import/job/{job.pk}/")
    text = page.content.decode()
    with translation.override("zh-hans"):
        line = ngettext(
            "This import raised %(count)s warning.", "This import raised %(count)s warnings.", 1
        ) % {"count": 1}
    link = "/admin/supervision/budgetwarning/?year=2022&amp;snapshot__month=11"
    assert f'<a href="{link}">{line}</a>' in text
    listed = office.get(link.replace("&amp;", "&"))
    assert listed.status_code == 200
    assert [w.department for w in listed.context["cl"].result_list] == [roads]

    # A month that trips nothing says so, and a register without rules shows no such line.
    again = workbook(EXECUTION, [[2022, 12, "市教育局", 16_200_000, 16_540_000, 16_400_000]])
    _preview, quiet = import_file(office, "executionline", again)
    assert quiet.counts["extra"]["raised"] == 0
    with translation.override("zh-hans"):
        none = ngettext(
            "This import raised %(count)s warning.", "This import raised %(count)s warnings.", 0
        ) % {"count": 0}
    assert (
        none
        in office.get(f"/admin/supervision/executionline/import/job/{quiet.pk}/").content.decode()
    )


def test_a_bad_row_refuses_the_whole_file_names_the_row_and_writes_nothing(office, roads):
    data = workbook(
        EXECUTION,
        [
            [2022, 11, "市交通运输局", 100, 100, 50],
            [2022, 11, "市不存在局", 100, 100, 50],
            [2022, 11, "市交通运输局", 100, 100, "五十"],
        ],
    )
    preview, job = import_file(office, "executionline", data)

    assert job is None
    text = preview.content.decode()
    assert "第3行「单位」列的值“市不存在局”不存在" in text
    assert "第4行「累计支出」列的值“五十”有误：请填写以元为单位的金额" in text
    assert BudgetSnapshot.objects.count() == 0
    assert ExecutionLine.objects.count() == 0


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ([2022, "十一", "市交通运输局", 1, 1, 1], "第2行：年度和月份请填写数字"),
        ([2022, 13, "市交通运输局", 1, 1, 1], "第2行：2022年13月不是有效的月份"),
        ([2022, 11, "市交通运输局", 1, -5, 1], "第2行「调整预算」"),
    ],
)
def test_a_bad_month_or_a_negative_amount_is_refused_and_nothing_written(
    office, roads, row, message
):
    preview, job = import_file(office, "executionline", workbook(EXECUTION, [row]))
    assert job is None
    assert message in preview.content.decode()
    assert BudgetSnapshot.objects.count() == 0


def test_the_preview_alone_writes_nothing(office, roads):
    preview = office.post(
        "/admin/supervision/executionline/import/",
        {
            "import_file": SimpleUploadedFile(
                "11月.xlsx", workbook(EXECUTION, [[2022, 11, "市交通运输局", 1, 1, 1]])
            )
        },
    )
    assert "confirm_form" in preview.context
    assert BudgetSnapshot.objects.count() == 0
    assert ExecutionLine.objects.count() == 0


def test_a_file_of_two_months_is_refused_with_the_row_named(office, roads, schools):
    data = workbook(
        EXECUTION,
        [[2022, 10, "市交通运输局", 100, 100, 50], [2022, 11, "市教育局", 100, 100, 50]],
    )
    preview, job = import_file(office, "executionline", data)
    assert job is None
    assert "第3行" in preview.content.decode() or "Row 3" in preview.content.decode()
    assert BudgetSnapshot.objects.count() == 0


def test_a_reimport_replaces_the_month_and_keeps_the_old_snapshot(office, roads):
    first = workbook(EXECUTION, [[2022, 11, "市交通运输局", 100, 100, 40]])
    second = workbook(EXECUTION, [[2022, 11, "市交通运输局", 100, 100, 60]])
    import_file(office, "executionline", first)
    import_file(office, "executionline", second)

    old, new = BudgetSnapshot.objects.order_by("pk")
    assert (old.active, old.superseded_by, new.active) == (False, new, True)
    assert old.execution_lines.get().spent == Decimal("40.00")  # history kept as it was
    assert BudgetSnapshot.objects.active().get().execution_lines.get().spent == Decimal("60.00")


def test_an_exported_month_is_a_file_that_imports_again(office, roads):
    import_file(office, "executionline", workbook(EXECUTION, [[2022, 11, "市交通运输局", 1, 2, 1]]))
    columns = {f"executionresource_{f}": "on" for f in ExecutionResource().get_export_order()}
    exported = office.post(
        "/admin/supervision/executionline/export/", {"format": "0", "resource": "0", **columns}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(exported.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["年度", "月份", "单位"]
    assert [str(v) for v in rows[1][:3]] == ["2022", "11", "市交通运输局"]

    _preview, job = import_file(office, "executionline", exported.content)
    assert job.status == ImportJob.Status.DONE
    assert BudgetSnapshot.objects.filter(month=11).count() == 2  # the month replaced, kept


def test_a_refused_reimport_leaves_the_months_snapshot_current(office, roads):
    import_file(office, "executionline", workbook(EXECUTION, [[2022, 11, "市交通运输局", 1, 1, 1]]))
    import_file(office, "executionline", workbook(EXECUTION, [[2022, 11, "市无此局", 1, 1, 1]]))
    assert BudgetSnapshot.objects.get().active is True


def test_the_debt_sheet_takes_one_row_a_month(office):
    debt_rule("100")
    _preview, job = import_file(
        office,
        "debtline",
        workbook(DEBT, [[2022, 6, 1_320_000_000, 450_000_000, 14_200_000_000, 14_160_000_000]]),
        name="2022年6月债务.xlsx",
    )
    assert job.status == ImportJob.Status.DONE
    assert BudgetWarning.objects.get().figures["share"] == "100.3"

    twice = workbook(DEBT, [[2022, 7, 1, 1, 1, 2], [2022, 7, 1, 1, 1, 2]])
    preview, job = import_file(office, "debtline", twice)
    assert job is None
    assert "第3行「月份」列的值“7”与第2行重复" in preview.content.decode()
    assert BudgetSnapshot.objects.filter(month=7).count() == 0


# --- Warning → case -------------------------------------------------------------------------


@pytest.fixture
def warning(roads):
    lag_rule("40", by_month=6)
    june = month_of_execution(6, {roads: (1000, 250)})
    (raised,) = services.rules_run(snapshot=june)
    return raised


@pytest.fixture
def meeting():
    return MeetingFactory(date=datetime.date(2022, 7, 19))


def act(client, action, warning, **data):
    return client.post(
        "/admin/supervision/budgetwarning/",
        {"action": action, "_selected_action": [warning.pk], "apply": "1", **data},
        follow=True,
    )


def test_a_warning_is_dismissed_only_with_a_reason(office, warning):
    page = act(office, "warning_dismiss", warning, reason="  ")
    warning.refresh_from_db()
    assert warning.status == S.OPEN
    assert page.context["form"].errors  # the form asks for the reason again

    act(office, "warning_dismiss", warning, reason="工程按进度结算，7月起集中支付。")
    warning.refresh_from_db()
    assert (warning.status, warning.reason) == (S.DISMISSED, "工程按进度结算，7月起集中支付。")
    assert warning.decided_by.username == "caijingwei"
    with pytest.raises(DomainError):
        services.warning_dismiss(warning=warning, reason="again")


def test_opening_a_case_sends_a_written_inquiry_due_in_working_days(office, warning, meeting):
    act(
        office,
        "warning_open_case",
        warning,
        meeting=meeting.pk,
        issued_on="2022-07-20",
        text="请书面说明执行进度偏慢的原因。",
    )
    warning.refresh_from_db()
    assert warning.status == S.CASE
    case = warning.case
    assert case.kind == SupervisionItem.Kind.PLAN_BUDGET
    assert case.reporting_organisation.name == "市交通运输局"
    assert warning.inquiry.item == case
    assert warning.inquiry.report_due == add_working_days(datetime.date(2022, 7, 20), 15)


def test_the_inquirys_due_date_is_a_rule_in_settings(warning, meeting, settings):
    settings.CONGRESS_RULES = {**settings.CONGRESS_RULES, "BUDGET_INQUIRY_ANSWER_WORKING_DAYS": 5}
    services.warning_open_case(
        warning=warning, meeting=meeting, issued_on=datetime.date(2022, 7, 20), text="函询"
    )
    warning.refresh_from_db()
    assert warning.inquiry.report_due == add_working_days(datetime.date(2022, 7, 20), 5)


def test_an_inquiry_before_its_meeting_is_refused_and_nothing_is_written(warning, meeting):
    with pytest.raises(DomainError):
        services.warning_open_case(
            warning=warning, meeting=meeting, issued_on=datetime.date(2022, 7, 1), text="函询"
        )
    warning.refresh_from_db()
    assert warning.status == S.OPEN
    assert SupervisionItem.objects.count() == 0


def open_case(warning, meeting):
    services.warning_open_case(
        warning=warning, meeting=meeting, issued_on=datetime.date(2022, 7, 20), text="函询"
    )
    warning.refresh_from_db()
    return warning


def test_a_case_closes_only_when_a_later_month_is_back_within_the_threshold(
    office, warning, meeting, roads
):
    open_case(warning, meeting)
    act(office, "warning_answer", warning, received_on="2022-08-05", text="8月起项目复工。")
    assert warning.inquiry.reports.get().on_time

    july = month_of_execution(7, {roads: (1000, 399)})
    services.snapshot_checks(snapshot=july)  # 39.9 %: still under 40 %
    warning.refresh_from_db()
    assert warning.status == S.CASE
    assert warning.follow_up == {"month": 7, "outcome": "outside", "figure": "39.9"}
    page = office.get(f"/admin/supervision/budgetwarning/{warning.pk}/change/").content.decode()
    assert "7月：39.9%，仍未回到预警线以内。" in page

    august = month_of_execution(8, {roads: (1000, 400)})
    assert services.snapshot_checks(snapshot=august)["closed"] == 1
    warning.refresh_from_db()
    assert (warning.status, warning.followed_up_on) == (S.CLOSED, august)


def test_a_case_without_the_answer_stays_open_though_the_figure_is_back(warning, meeting, roads):
    open_case(warning, meeting)
    services.snapshot_checks(snapshot=month_of_execution(7, {roads: (1000, 500)}))
    warning.refresh_from_db()
    assert warning.status == S.CASE
    assert warning.follow_up["outcome"] == "unanswered"


def test_a_case_is_not_followed_up_on_its_own_month(warning, meeting, roads):
    open_case(warning, meeting)
    services.warning_answer(warning=warning, received_on=datetime.date(2022, 8, 1), text="答复")
    reimported = month_of_execution(6, {roads: (1000, 900)})
    with pytest.raises(DomainError):
        services.warning_follow_up(warning=warning, snapshot=reimported)
    assert services.follow_up_all(snapshot=reimported) == []


def test_an_answer_dated_before_the_inquiry_is_refused_and_nothing_written(
    office, warning, meeting
):
    open_case(warning, meeting)
    page = act(office, "warning_answer", warning, received_on="2022-07-01", text="答复")
    assert "研究处理情况报告的收到日期不能早于审议意见印发日期" in page.content.decode()
    assert not warning.inquiry.reports.exists()


def test_a_dismissed_warning_takes_no_answer(warning):
    services.warning_dismiss(warning=warning, reason="正常")
    with pytest.raises(DomainError):
        services.warning_answer(warning=warning, received_on=datetime.date(2022, 8, 1), text="x")


def test_the_warnings_list_and_rules_are_reached_after_logging_in(office, warning, client):
    assert office.get("/admin/supervision/budgetwarning/").status_code == 200
    assert office.get("/admin/supervision/warningrule/add/").status_code == 200
    assert office.get("/admin/supervision/budgetsnapshot/").status_code == 200
    assert office.get("/admin/supervision/executionline/import/").status_code == 200
    office.post("/admin/logout/")
    assert office.get("/admin/supervision/budgetwarning/")["Location"].startswith("/admin/login/")


# --- The demo and the annual review ------------------------------------------------------------


def test_the_demo_year_has_twelve_months_a_handful_of_warnings_and_two_cases_closed():
    reference = next(step for step in steps() if step.name == "reference")
    reference.load(DemoContext(password="x"))
    demo.load()
    demo.load()  # a second run changes nothing

    assert BudgetSnapshot.objects.active().count() == 7 * 12  # seven registers, twelve months
    assert ExecutionLine.objects.count() == 12 * 11
    december = DebtLine.objects.get(snapshot__month=12)
    assert december.new_debt == Decimal("25.57") * YI  # as the standing committee approved
    statuses = sorted(BudgetWarning.objects.values_list("status", flat=True))
    assert statuses.count(S.CLOSED) == 2
    assert statuses.count(S.DISMISSED) >= 3
    assert S.OPEN not in statuses
    late = BudgetWarning.objects.get(department__name="市交通运输局")
    assert not late.inquiry.reports.get().on_time  # answered late, closed by September
    assert late.followed_up_on.month == 9

    registry.autodiscover()
    figures = registry.compute(
        ["budget.warnings", "budget.cases_opened", "budget.cases_closed"], 2022
    )
    assert figures == {
        "budget.warnings": len(statuses),
        "budget.cases_opened": 2,
        "budget.cases_closed": 2,
    }
