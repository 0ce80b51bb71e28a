"""The budget register's other monthly sheets — execution by functional classification, the four
budgets' totals, 三公 spending, transfer payments, the reserve fund — imported by staff through
the admin with the register's guarantees, and the rules that read them: 三公 over budget, a
transfer held too long, revenue falling against last year; each fires exactly at its threshold's
edge and not one row before. The sample files the command writes import as they are."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from congress.demo import DemoContext, steps
from congress.kit.import_jobs import UploadStore
from congress.models import ImportJob
from supervision.budget import demo, samples, services
from supervision.budget.models import (
    BudgetSnapshot,
    BudgetTotal,
    BudgetWarning,
    FunctionalLine,
    ReserveLine,
    SanGongLine,
    TransferLine,
    WarningRule,
)
from supervision.budget.session import DraftBudgetLine
from tests.factories import MeetingFactory, OrganisationFactory, StaffFactory

pytestmark = pytest.mark.django_db

K = BudgetSnapshot.Kind
R = WarningRule.Kind
S = BudgetWarning.Status
B = BudgetTotal.Budget
D = datetime.date
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
def police():
    return OrganisationFactory(name="市公安局")


def rule(kind, threshold, name=None):
    return WarningRule.objects.create(
        name=name or f"{kind} {threshold}", kind=kind, threshold=Decimal(threshold)
    )


# --- 三公 over budget ----------------------------------------------------------------------------


def month_of_sangong(month, lines, year=2022):
    """{department: ((travel, cars, receptions) budget 万元, (the same) spent 万元)}."""
    snapshot = services.snapshot_start(kind=K.SANGONG, year=year, month=month)
    for department, (budget, spent) in lines.items():
        SanGongLine.objects.create(
            snapshot=snapshot,
            department=department,
            travel_budget=Decimal(budget[0]) * WAN,
            vehicles_budget=Decimal(budget[1]) * WAN,
            reception_budget=Decimal(budget[2]) * WAN,
            travel_spent=Decimal(spent[0]) * WAN,
            vehicles_spent=Decimal(spent[1]) * WAN,
            reception_spent=Decimal(spent[2]) * WAN,
        )
    return snapshot


def test_the_sangong_rule_fires_one_fen_over_the_budget_not_at_it(police):
    roads = OrganisationFactory(name="市交通运输局")
    idle = OrganisationFactory(name="市档案馆")
    over = rule(R.SANGONG_OVER, "100", "三公经费超过预算")
    at_budget = month_of_sangong(
        11,
        {
            police: ((0, 300, 36), (0, 300, 36)),  # 336 of 336: at the budget
            roads: ((6, 58, 14), (0, 40, 10)),
            idle: ((0, 0, 0), (0, 2, 0)),  # no 三公 budget: not read by this rule
        },
    )
    assert services.rules_run(snapshot=at_budget) == []

    december = month_of_sangong(12, {police: ((0, 300, 36), (0, 300, "36.000001"))})
    (warning,) = services.rules_run(snapshot=december)
    assert (warning.rule, warning.department) == (over, police)
    assert warning.figures["spent"] == "3360000.01"  # the one fen over
    assert (warning.figures["share"], warning.figures["vehicles"]) == ("100.0", "3000000.00")
    with translation.override("zh-hans"):
        assert warning.finding.startswith("市公安局截至12月底三公经费支出336.00万元")
    with translation.override("en"):
        assert "市公安局 had spent 336.00 万元 on 三公 by the end of month 12" in warning.finding


def test_a_sangong_rule_below_the_budget_warns_early(police):
    rule(R.SANGONG_OVER, "90")
    june = month_of_sangong(6, {police: ((0, 100, 0), (0, 90, 0))})
    assert services.rules_run(snapshot=june) == []  # 90 % is not over 90 %
    july = month_of_sangong(7, {police: ((0, 100, 0), (0, "90.01", 0))})
    assert [w.department for w in services.rules_run(snapshot=july)] == [police]
    august = month_of_sangong(8, {police: ((0, 100, 0), (0, 99, 0))})
    assert services.rules_run(snapshot=august) == []  # one warning a year
    assert BudgetWarning.objects.count() == 1


# --- Transfers not passed on ---------------------------------------------------------------------


def month_of_transfers(month, lines, year=2022):
    """[(item, received, passed on or None)], 100 万元 each."""
    snapshot = services.snapshot_start(kind=K.TRANSFER, year=year, month=month)
    for item, received, passed in lines:
        TransferLine.objects.create(
            snapshot=snapshot,
            item=item,
            amount=100 * WAN,
            received_on=received,
            passed_on=passed,
            passed_amount=100 * WAN if passed else None,
            recipient="各镇街道" if passed else "",
        )
    return snapshot


def test_a_transfer_held_at_the_months_end_fires_the_day_after_its_allowance():
    held = rule(R.TRANSFER_HELD, "30", "转移支付30日内未下达")
    # June has 30 days: received May 31 → held 30 days on June 30, in time; May 30 → 31 days.
    june = month_of_transfers(
        6,
        [
            ("农田建设补助资金", D(2022, 5, 31), None),
            ("农村综合改革资金", D(2022, 5, 30), None),
            ("义务教育保障资金", D(2022, 6, 20), None),
        ],
    )
    (warning,) = services.rules_run(snapshot=june)
    assert (warning.rule, warning.subject, warning.department) == (held, "农村综合改革资金", None)
    assert warning.figures["days"] == 31
    assert warning.figures["passed_on"] == ""
    with translation.override("zh-hans"):
        assert warning.finding == (
            "转移支付“农村综合改革资金”（100.00万元，2022年5月30日收到）截至6月底仍未分解下达，"
            "已31天（规则：30天内）。"
        )


def test_a_transfer_passed_on_late_fires_and_one_passed_on_the_last_day_does_not():
    rule(R.TRANSFER_HELD, "30")
    july = month_of_transfers(
        7,
        [
            ("按期下达", D(2022, 6, 1), D(2022, 7, 1)),  # 30 days
            ("逾期下达", D(2022, 6, 1), D(2022, 7, 2)),  # 31 days
        ],
    )
    (warning,) = services.rules_run(snapshot=july)
    assert (warning.subject, warning.figures["days"]) == ("逾期下达", 31)
    with translation.override("zh-hans"):
        assert "于2022年7月2日分解下达，历时31天" in warning.finding

    august = month_of_transfers(8, [("逾期下达", D(2022, 6, 1), D(2022, 7, 2))])
    assert services.rules_run(snapshot=august) == []  # the item's warning is already there


def test_the_same_transfer_item_in_another_year_is_another_warning():
    rule(R.TRANSFER_HELD, "10")
    services.rules_run(snapshot=month_of_transfers(3, [("均衡性转移支付", D(2022, 1, 5), None)]))
    services.rules_run(
        snapshot=month_of_transfers(3, [("均衡性转移支付", D(2023, 1, 5), None)], year=2023)
    )
    assert sorted(BudgetWarning.objects.values_list("year", flat=True)) == [2022, 2023]


# --- Revenue falling against last year --------------------------------------------------------


def month_of_totals(month, lines, year=2022):
    """{budget: (revenue to date 亿元, same months last year 亿元)}."""
    snapshot = services.snapshot_start(kind=K.TOTALS, year=year, month=month)
    for budget, (revenue, last_year) in lines.items():
        BudgetTotal.objects.create(
            snapshot=snapshot,
            budget=budget,
            revenue_budgeted=100 * YI,
            revenue=Decimal(revenue) * YI,
            revenue_last_year=Decimal(last_year) * YI,
            expenditure_budgeted=100 * YI,
            expenditure=Decimal(revenue) * YI,
        )
    return snapshot


def test_the_revenue_rule_fires_past_the_fall_it_allows_budget_by_budget():
    falling = rule(R.REVENUE_FALL, "20", "收入比上年同期下降超过20%")
    march = month_of_totals(
        3,
        {
            B.GENERAL: ("24.00", "30.00"),  # down exactly 20 %: allowed
            B.FUNDS: ("23.99", "29.99"),  # down 20.003 %
            B.STATE_CAPITAL: ("0.05", "0"),  # nothing last year: nothing to compare
            B.SOCIAL_INSURANCE: ("40.00", "30.00"),  # up
        },
    )
    (warning,) = services.rules_run(snapshot=march)
    assert (warning.rule, warning.subject, warning.about) == (
        falling,
        B.FUNDS,
        "government funds budget",
    )
    assert (warning.figures["fall"], warning.figures["revenue"]) == ("20.0", "2399000000.00")
    with translation.override("zh-hans"):
        assert warning.finding == (
            "政府性基金预算截至3月底累计收入23.99亿元，比上年同期29.99亿元下降20.0%"
            "（规则：降幅不超过20.00%）。"
        )

    april = month_of_totals(4, {B.GENERAL: ("29.00", "40.00"), B.FUNDS: ("1", "40")})
    assert [w.subject for w in services.rules_run(snapshot=april)] == [B.GENERAL]


def test_the_rules_read_a_snapshot_in_a_fixed_number_of_queries(count_queries, police):
    rule(R.SANGONG_OVER, "100")
    rule(R.SANGONG_OVER, "50", "三公过半")
    departments = [OrganisationFactory() for _n in range(30)]
    small = month_of_sangong(5, {police: ((0, 10, 0), (0, 20, 0))})
    with count_queries.capture() as few:
        services.rules_run(snapshot=small)
    big = month_of_sangong(6, {d: ((0, 10, 0), (0, 20, 0)) for d in departments})
    with count_queries.capture() as many:
        raised = services.rules_run(snapshot=big)
    assert len(raised) == 60
    # The savepoint, the rules, the year's warnings, the lines, one insert, its release.
    assert len(many) == len(few) <= 7


# --- The finance committee's further rules ------------------------------------------------------


def month_of_functions(month, lines, year=2022):
    """{(code, name): (adjusted 万元, spent 万元)}."""
    snapshot = services.snapshot_start(kind=K.FUNCTIONAL, year=year, month=month)
    for (code, name), (adjusted, spent) in lines.items():
        FunctionalLine.objects.create(
            snapshot=snapshot,
            code=code,
            name=name,
            budgeted=Decimal(adjusted) * WAN,
            adjusted=Decimal(adjusted) * WAN,
            spent=Decimal(spent) * WAN,
        )
    return snapshot


FARMS, SCHOOLS, EMPTY = ("213", "农林水支出"), ("205", "教育支出"), ("229", "其他支出")


def test_a_functional_class_under_its_share_by_the_month_fires_from_that_month_on():
    lag = WarningRule.objects.create(
        name="功能分类11月底执行低于50%", kind=R.FUNCTIONAL_LAG, threshold=50, by_month=11
    )
    october = month_of_functions(10, {FARMS: (1000, 100)})
    assert services.rules_run(snapshot=october) == []  # the rule reads November on
    november = month_of_functions(
        11,
        {FARMS: (1000, 499), SCHOOLS: (1000, 500), EMPTY: (0, 0)},  # 49.9 %; 50 %; nothing
    )
    (warning,) = services.rules_run(snapshot=november)
    assert (warning.rule, warning.department, warning.subject) == (lag, None, "213 农林水支出")
    assert (warning.figures["rate"], warning.about) == ("49.9", "213 农林水支出")
    with translation.override("en"):
        assert warning.finding == (
            "213 农林水支出 had spent 49.9% of its adjusted budget by the end of month 11 "
            "(rule: at least 50.00%)."
        )
    assert services.rules_run(snapshot=month_of_functions(12, {FARMS: (1000, 600)})) == []


def test_a_functional_case_closes_when_a_later_month_is_back_within_its_share():
    WarningRule.objects.create(name="r", kind=R.FUNCTIONAL_LAG, threshold=50, by_month=6)
    (warning,) = services.rules_run(snapshot=month_of_functions(6, {FARMS: (1000, 300)}))
    services.warning_open_case(
        warning=warning, meeting=MeetingFactory(date=D(2022, 7, 19)), issued_on=D(2022, 7, 20),
        text="请说明农林水支出执行缓慢的原因。",
    )  # fmt: skip
    services.warning_answer(warning=warning, received_on=D(2022, 8, 1), text="项目集中在下半年。")
    services.snapshot_checks(snapshot=month_of_functions(7, {FARMS: (1000, 400)}))
    warning.refresh_from_db()
    assert (warning.status, warning.follow_up["figure"]) == (S.CASE, "40.0")
    services.snapshot_checks(snapshot=month_of_functions(8, {FARMS: (1000, 500)}))
    warning.refresh_from_db()
    assert (warning.status, warning.follow_up["figure"]) == (S.CLOSED, "50.0")


def month_of_partial_transfers(month, lines, year=2022):
    """[(item, received, passed on, 万元 passed on of 100)]."""
    snapshot = services.snapshot_start(kind=K.TRANSFER, year=year, month=month)
    for item, received, passed, amount in lines:
        TransferLine.objects.create(
            snapshot=snapshot,
            item=item,
            amount=100 * WAN,
            received_on=received,
            passed_on=passed,
            passed_amount=None if amount is None else Decimal(amount) * WAN,
            recipient="各镇街道" if passed else "",
        )
    return snapshot


def partial_rule(threshold="10", days=30):
    return WarningRule.objects.create(
        name="转移支付下达不足", kind=R.TRANSFER_PARTIAL, threshold=Decimal(threshold), days=days
    )


def test_a_transfer_passed_on_in_part_fires_past_its_days_and_its_shortfall():
    partial = partial_rule("10", days=30)
    lines = [
        ("部分下达", D(2022, 5, 31), D(2022, 6, 10), "89.99"),  # 10.01 % short
        ("下达九成", D(2022, 5, 31), D(2022, 6, 10), "90"),  # exactly 10 % short: allowed
        ("全额下达", D(2022, 5, 31), D(2022, 6, 10), "100"),
        ("尚未下达", D(2022, 5, 1), None, None),  # the held rule's, not this one's
    ]
    # June 30 is 30 days after May 31: not yet more than 30.
    assert services.rules_run(snapshot=month_of_partial_transfers(6, lines)) == []
    (warning,) = services.rules_run(snapshot=month_of_partial_transfers(7, lines))
    assert (warning.rule, warning.subject, warning.department) == (partial, "部分下达", None)
    assert (warning.figures["shortfall"], warning.figures["days"]) == ("10.0", 61)
    assert warning.figures["passed"] == "899900.00"
    with translation.override("en"):
        assert warning.finding.startswith(
            "The transfer “部分下达” (100.00 万元, received May 31, 2022) had been passed on only "
            "in part by the end of month 7, 61 days later: 89.99 万元, 10.0% short"
        )


def test_a_partial_transfer_case_closes_once_the_rest_is_passed_on():
    partial_rule("10", days=30)
    item = [("部分下达", D(2022, 5, 1), D(2022, 5, 10), "50")]
    (warning,) = services.rules_run(snapshot=month_of_partial_transfers(6, item))
    services.warning_open_case(
        warning=warning, meeting=MeetingFactory(date=D(2022, 7, 19)), issued_on=D(2022, 7, 20),
        text="请说明未全额下达的原因。",
    )  # fmt: skip
    services.warning_answer(warning=warning, received_on=D(2022, 7, 25), text="余款已下达。")
    services.snapshot_checks(
        snapshot=month_of_partial_transfers(7, [("部分下达", D(2022, 5, 1), D(2022, 7, 28), "100")])
    )
    warning.refresh_from_db()
    assert (warning.status, warning.follow_up["figure"]) == (S.CLOSED, "0.0")


def test_staff_give_a_partial_transfer_rule_its_days(office):
    data = {
        "name": "转移支付下达不足",
        "kind": R.TRANSFER_PARTIAL,
        "threshold": "10",
        "active": "on",
    }
    refused = office.post("/admin/supervision/warningrule/add/", data)
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["days"]
    assert WarningRule.objects.count() == 0
    office.post("/admin/supervision/warningrule/add/", {**data, "days": "30"})
    assert WarningRule.objects.get().days == 30


def test_a_department_without_a_sangong_budget_that_spends_fires_and_others_do_not(police):
    archive = OrganisationFactory(name="市档案馆")
    idle = OrganisationFactory(name="市史志办")
    unbudgeted = rule(R.SANGONG_UNBUDGETED, "0", "无三公预算却有支出")
    may = month_of_sangong(
        5,
        {
            police: ((0, 300, 36), (0, 400, 36)),  # over its budget: the other rule's
            archive: ((0, 0, 0), (0, 0, 0)),  # no budget, nothing spent
            idle: ((0, 0, 0), (0, 0, 0)),
        },
    )
    assert services.rules_run(snapshot=may) == []
    june = month_of_sangong(
        6,
        {
            police: ((0, 300, 36), (0, 400, 36)),
            archive: ((0, 0, 0), (0, 0, "0.000001")),  # one fen on receptions
            idle: ((0, 0, 0), (0, 0, 0)),
        },
    )
    (warning,) = services.rules_run(snapshot=june)
    assert (warning.rule, warning.department) == (unbudgeted, archive)
    assert (warning.figures["spent"], warning.figures["reception"]) == ("0.01", "0.01")
    with translation.override("en"):
        assert warning.finding == (
            "市档案馆 has no 三公 budget but had spent 0.00 万元 on 三公 by the end of month 6 "
            "(travel abroad 0.00, cars 0.00, receptions 0.00 万元)."
        )


def test_an_unbudgeted_sangong_case_closes_once_a_budget_covers_the_spending():
    archive = OrganisationFactory(name="市档案馆")
    rule(R.SANGONG_UNBUDGETED, "0")
    (warning,) = services.rules_run(snapshot=month_of_sangong(6, {archive: ((0, 0, 0), (0, 0, 2))}))
    services.warning_open_case(
        warning=warning, meeting=MeetingFactory(date=D(2022, 7, 19)), issued_on=D(2022, 7, 20),
        text="请说明无预算列支公务接待费的原因。",
    )  # fmt: skip
    services.warning_answer(warning=warning, received_on=D(2022, 7, 25), text="已调整预算。")
    services.snapshot_checks(snapshot=month_of_sangong(7, {archive: ((0, 0, 1), (0, 0, 2))}))
    warning.refresh_from_db()
    assert warning.follow_up == {"month": 7, "outcome": "outside", "figure": "2.00", "unit": "wan"}
    with translation.override("en"):
        assert (
            warning.follow_up_text == "Month 7: 2.00 万元 spent on 三公, not covered by a budget."
        )
    services.snapshot_checks(snapshot=month_of_sangong(8, {archive: ((0, 0, 3), (0, 0, 2))}))
    warning.refresh_from_db()
    assert warning.status == S.CLOSED


# --- Warning → case for the new rules --------------------------------------------------------


def test_a_transfer_case_closes_once_a_later_month_shows_it_passed_on_and_answered(office):
    rule(R.TRANSFER_HELD, "30", "转移支付30日内未下达")
    june = month_of_transfers(6, [("农村综合改革资金", D(2022, 5, 16), None)])
    (warning,) = services.rules_run(snapshot=june)
    meeting = MeetingFactory(date=D(2022, 7, 19))
    services.warning_open_case(
        warning=warning, meeting=meeting, issued_on=D(2022, 7, 20), text="请说明未下达的原因。"
    )
    warning.refresh_from_db()
    assert warning.case.title.endswith("农村综合改革资金")
    assert warning.case.reporting_organisation is None  # the finance bureau answers for the city

    services.snapshot_checks(
        snapshot=month_of_transfers(7, [("农村综合改革资金", D(2022, 5, 16), None)])
    )
    warning.refresh_from_db()
    assert warning.follow_up == {"month": 7, "outcome": "outside", "figure": "76", "unit": "days"}
    page = office.get(f"/admin/supervision/budgetwarning/{warning.pk}/change/").content.decode()
    assert "7月：仍未分解下达，距收到已76天。" in page

    services.warning_answer(warning=warning, received_on=D(2022, 8, 1), text="已于8月5日下达。")
    august = month_of_transfers(8, [("农村综合改革资金", D(2022, 5, 16), D(2022, 8, 5))])
    assert services.snapshot_checks(snapshot=august)["closed"] == 1
    warning.refresh_from_db()
    assert warning.status == S.CLOSED


def test_a_revenue_case_stays_open_while_the_fall_is_past_the_rule_and_closes_after():
    rule(R.REVENUE_FALL, "20")
    (warning,) = services.rules_run(snapshot=month_of_totals(3, {B.FUNDS: ("19", "29")}))
    services.warning_open_case(
        warning=warning, meeting=MeetingFactory(date=D(2022, 4, 19)), issued_on=D(2022, 4, 20),
        text="请说明政府性基金预算收入下降的原因及应对措施。",
    )  # fmt: skip
    services.warning_answer(warning=warning, received_on=D(2022, 5, 6), text="土地出让推迟。")

    services.snapshot_checks(snapshot=month_of_totals(4, {B.FUNDS: ("30", "40")}))
    warning.refresh_from_db()
    assert (warning.status, warning.follow_up["figure"]) == (S.CASE, "25.0")
    services.snapshot_checks(snapshot=month_of_totals(5, {B.FUNDS: ("40", "50")}))
    warning.refresh_from_db()
    assert (warning.status, warning.follow_up["figure"]) == (S.CLOSED, "20.0")  # 20 % is allowed


def test_staff_keep_a_transfer_rule_in_whole_days(office):
    data = {"name": "转移支付未下达", "kind": R.TRANSFER_HELD, "threshold": "30.5", "active": "on"}
    refused = office.post("/admin/supervision/warningrule/add/", data)
    assert "请填写整数天数，至少为1天" in refused.content.decode()
    assert WarningRule.objects.count() == 0
    office.post("/admin/supervision/warningrule/add/", {**data, "threshold": "30"})
    assert WarningRule.objects.get().threshold == 30


# --- The imports -----------------------------------------------------------------------------


def workbook(headers, rows) -> bytes:
    return samples.workbook(headers, rows)


def import_file(client, model, data, name="2022年11月.xlsx"):
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


H = samples.HEADERS

# Register, its admin's model, a good row, a bad row, and the Chinese sentence naming the bad
# row (row 3: the header is row 1, the good row 2) and its column.
CASES = [
    (
        K.FUNCTIONAL,
        "functionalline",
        [2022, 11, "205", "教育支出", 1_980_000_000, 2_036_000_000, 1_771_320_000],
        [2022, 11, "206", "科学技术支出", 610_000_000, 645_000_000, "五亿"],
        "第3行「累计支出」列的值“五亿”有误：请填写以元为单位的金额",
    ),
    (
        K.FUNCTIONAL,
        "functionalline",
        [2022, 11, "205", "教育支出", 1, 1, 1],
        [2022, 11, "205", "教育支出", 2, 2, 2],
        "第3行「科目编码」列的值“205”与第2行重复",
    ),
    (
        K.TOTALS,
        "budgettotal",
        [2022, 11, "一般公共预算", 8_600_000_000, 7_760_000_000, 7_790_000_000, 1, 1],
        [2022, 11, "其他预算", 1, 1, 1, 1, 1],
        "第3行「预算类别」列的值“其他预算”有误：请从以下选项中选择",
    ),
    (
        K.SANGONG,
        "sangongline",
        [2022, 11, "市公安局", 0, 0, 3_120_000, 3_050_000, 240_000, 230_000],
        [2022, 11, "市公安局分局", 0, 1, 0, 1, 0, 0],
        "第3行「单位」列的值“市公安局分局”不存在",
    ),
    (
        K.SANGONG,
        "sangongline",
        [2022, 11, "市公安局", 0, 0, 3_120_000, 3_050_000, 240_000, 230_000],
        [2022, 11, "市交通运输局", 60_000, -1, 0, 0, 0, 0],
        "第3行「因公出国（境）支出」",
    ),
    (
        K.TRANSFER,
        "transferline",
        [2022, 11, "农田建设补助资金", 33_600_000, D(2022, 7, 14), D(2022, 8, 5), 33_600_000, "市农业农村局"],
        [2022, 11, "车购税补助资金", 54_800_000, D(2022, 8, 23), D(2022, 8, 1), 54_800_000, "市交通运输局"],
        "第3行「下达日期」列的值“2022-08-01”有误：下达日期不能早于收到日期",
    ),
    (
        K.TRANSFER,
        "transferline",
        [2022, 11, "农田建设补助资金", 33_600_000, "2022/7/14", "", "", ""],
        [2022, 11, "车购税补助资金", 54_800_000, "8月23日", "", "", ""],
        "第3行「收到日期」列的值“8月23日”有误：请填写日期",
    ),
    (
        K.TRANSFER,
        "transferline",
        [2022, 11, "农田建设补助资金", 33_600_000, "2022/7/14", "", "", ""],
        [2022, 11, "车购税补助资金", 54_800_000, "2022-08-23", "2022-09-16", "", "市交通运输局"],
        "第3行「下达金额」列：请填写下达金额",
    ),
    (
        K.RESERVE,
        "reserveline",
        [2022, 11, 200_000_000, 47_000_000, "疫情防控；台风防御"],
        [2022, 11, 200_000_000, 48_000_000, "疫情防控"],
        "第3行「月份」列的值“11”与第2行重复",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "model", "good", "bad", "message"), CASES)
def test_a_bad_row_refuses_the_whole_file_names_row_and_column_and_writes_nothing(
    office, police, kind, model, good, bad, message
):
    OrganisationFactory(name="市交通运输局")
    preview, job = import_file(office, model, workbook(H[kind], [good, bad]))
    assert job is None
    assert message in preview.content.decode()
    assert BudgetSnapshot.objects.count() == 0

    _preview, job = import_file(office, model, workbook(H[kind], [good]))  # the good row alone
    assert job.status == ImportJob.Status.DONE
    snapshot = BudgetSnapshot.objects.get()
    assert (snapshot.kind, snapshot.year, snapshot.month, snapshot.active) == (kind, 2022, 11, True)
    assert snapshot.imported_by.username == "caijingwei"


def test_a_csv_from_excel_in_gb18030_imports_like_an_xlsx(office):
    rows = [
        ",".join(H[K.FUNCTIONAL]),
        '2022,11,205,教育支出,"1,980,000,000.00",2036000000,1771320000',
    ]
    data = "\r\n".join(rows).encode("gb18030")
    _preview, job = import_file(office, "functionalline", data, name="2022年11月功能分类.csv")
    assert job.status == ImportJob.Status.DONE
    line = FunctionalLine.objects.get()
    assert (line.code, line.name, line.budgeted) == ("205", "教育支出", Decimal("1980000000.00"))


def test_the_four_budgets_are_read_by_their_chinese_names_and_run_the_revenue_rule(office):
    rule(R.REVENUE_FALL, "20")
    rows = [
        [2022, 3, name, 100, revenue, last_year, 100, 50]
        for name, revenue, last_year in [
            ("一般公共预算", 2310, 2430),
            ("政府性基金预算", 1940, 2890),
            ("国有资本经营预算", 5, 4),
            ("社会保险基金预算", 1560, 1430),
        ]
    ]
    _preview, job = import_file(office, "budgettotal", workbook(H[K.TOTALS], rows))
    assert job.status == ImportJob.Status.DONE
    assert BudgetTotal.objects.count() == 4
    assert [w.subject for w in BudgetWarning.objects.all()] == [B.FUNDS]  # down 32.9 %


def test_a_correction_replaces_the_month_keeps_the_old_one_and_runs_the_rules_on_the_new(
    office, police
):
    rule(R.SANGONG_OVER, "100")
    first = [[2022, 11, "市公安局", 0, 0, 3_120_000, 3_050_000, 240_000, 230_000]]
    corrected = [[2022, 11, "市公安局", 0, 0, 3_120_000, 3_250_000, 240_000, 230_000]]
    import_file(office, "sangongline", workbook(H[K.SANGONG], first))
    assert BudgetWarning.objects.count() == 0
    import_file(office, "sangongline", workbook(H[K.SANGONG], corrected))

    old, new = BudgetSnapshot.objects.order_by("pk")
    assert (old.active, old.superseded_by, new.active) == (False, new, True)
    assert old.sangong_lines.get().vehicles_spent == Decimal("3050000.00")  # history as it was
    assert new.sangong_lines.get().vehicles_spent == Decimal("3250000.00")
    assert BudgetWarning.objects.get().snapshot == new  # 348 of 336 万元
    listed = office.get(
        "/admin/supervision/budgetwarning/",
        {"year": "2022", "snapshot__month": "11", "rule__kind__exact": R.SANGONG_OVER},
    ).content.decode()
    assert "市公安局截至11月底三公经费支出348.00万元，为预算336.00万元的103.6%" in listed


def test_a_refused_correction_leaves_the_month_as_it_was(office):
    good = [[2022, 5, 200_000_000, 32_000_000, "疫情防控"]]
    import_file(office, "reserveline", workbook(H[K.RESERVE], good))
    import_file(office, "reserveline", workbook(H[K.RESERVE], [[2022, 5, 200_000_000, "x", ""]]))
    snapshot = BudgetSnapshot.objects.get()
    assert snapshot.active
    assert ReserveLine.objects.get().used == Decimal("32000000.00")


def test_the_new_registers_pages_are_reached_after_logging_in(office):
    for model in ("functionalline", "budgettotal", "sangongline", "transferline", "reserveline"):
        assert office.get(f"/admin/supervision/{model}/").status_code == 200
        page = office.get(f"/admin/supervision/{model}/import/")
        assert page.status_code == 200
        assert "年度" in page.content.decode()


# --- The sample files --------------------------------------------------------------------------


def test_the_sample_files_import_as_they_are_once_the_departments_exist(office, tmp_path):
    for name, *_rest in demo.DEPARTMENTS:
        OrganisationFactory(name=name)
    call_command("budget_sample_files", str(tmp_path / "samples"), stdout=io.StringIO())
    files = sorted((tmp_path / "samples").glob("*.xlsx"))
    assert len(files) == len(samples.REGISTERS) + 1 == 8  # the registers and the draft budget

    models = {
        K.EXECUTION: "executionline",
        K.FUNCTIONAL: "functionalline",
        K.TOTALS: "budgettotal",
        K.SANGONG: "sangongline",
        K.TRANSFER: "transferline",
        K.RESERVE: "reserveline",
        K.DEBT: "debtline",
    }
    for kind, (_resource, stem) in samples.REGISTERS.items():
        path = tmp_path / "samples" / f"2022年11月{stem}.xlsx"
        rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
        assert list(rows[0]) == samples.HEADERS[kind]
        _preview, job = import_file(office, models[kind], path.read_bytes(), name=path.name)
        assert job.status == ImportJob.Status.DONE, kind
        snapshot = BudgetSnapshot.objects.get(kind=kind)
        assert (snapshot.year, snapshot.month) == (2022, 11)
    assert FunctionalLine.objects.count() == len(demo.FUNCTIONS)
    assert TransferLine.objects.count() == 11  # received by the end of November
    general = BudgetTotal.objects.get(budget=B.GENERAL)
    assert general.revenue == Decimal("7760000000.00")

    for name in set(demo.DRAFT) - {name for name, *_rest in demo.DEPARTMENTS}:
        OrganisationFactory(name=name)
    path = tmp_path / "samples" / "2023年预算草案（按部门）.xlsx"
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert list(rows[0]) == ["年度", "单位", "项目", "金额"]
    _preview, job = import_file(office, "draftbudgetline", path.read_bytes(), name=path.name)
    assert job.status == ImportJob.Status.DONE
    assert DraftBudgetLine.objects.count() == sum(len(lines) for lines in demo.DRAFT.values())


def test_the_sample_command_refuses_a_month_that_is_not_one(tmp_path):
    with pytest.raises(CommandError):
        call_command("budget_sample_files", str(tmp_path), "--month", "13")
    assert not list(tmp_path.glob("*.xlsx"))


# --- The draft budget for the session's review -----------------------------------------------

DRAFT_HEADERS = ["年度", "部门", "项目", "金额（元）"]


def test_the_draft_budget_imports_from_the_finance_bureaus_sheet_and_a_second_file_corrects_it(
    office,
):
    roads = OrganisationFactory(name="市交通运输局")
    schools = OrganisationFactory(name="市教育局")
    data = workbook(
        DRAFT_HEADERS,
        [
            [2023, "市交通运输局", "农村公路提升改造", "319,000,000"],
            [2023, "市教育局", "学生资助", 63_000_000],
        ],
    )
    _preview, job = import_file(office, "draftbudgetline", data, name="2023年预算草案.xlsx")
    assert job.status == ImportJob.Status.DONE
    assert DraftBudgetLine.objects.get(department=roads).amount == Decimal("319000000.00")

    again = workbook(DRAFT_HEADERS, [[2023, "市教育局", "学生资助", 64_000_000]])
    _preview, job = import_file(office, "draftbudgetline", again, name="2023年预算草案.xlsx")
    assert job.status == ImportJob.Status.DONE
    assert DraftBudgetLine.objects.count() == 2
    assert DraftBudgetLine.objects.get(department=schools).amount == Decimal("64000000.00")
    # The deputies' workspace reads the imported lines.
    assert office.get("/admin/supervision/draftbudgetline/").status_code == 200


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ([2023, "市不存在局", "学生资助", 100], "第3行「单位」列的值“市不存在局”不存在"),
        (
            [2023, "市教育局", "学生资助", "六千万"],
            "第3行「金额」列的值“六千万”有误：请填写以元为单位的金额",
        ),
        ([2023, "市教育局", "学生资助", -5], "第3行「金额」"),
        ([2023, "市教育局", "", 100], "第3行「项目」"),
    ],
)
def test_a_bad_draft_budget_row_refuses_the_file_names_row_and_column_and_writes_nothing(
    office, row, message
):
    OrganisationFactory(name="市交通运输局")
    OrganisationFactory(name="市教育局")
    data = workbook(DRAFT_HEADERS, [[2023, "市交通运输局", "农村公路提升改造", 100], row])
    preview, job = import_file(office, "draftbudgetline", data, name="2023年预算草案.xlsx")
    assert job is None
    assert message in preview.content.decode()
    assert DraftBudgetLine.objects.count() == 0


# --- The demo year -----------------------------------------------------------------------------


def test_the_demo_year_has_every_register_for_twelve_months_and_its_warnings_dismissed():
    reference = next(step for step in steps() if step.name == "reference")
    reference.load(DemoContext(password="x"))
    demo.load()

    for kind in K.values:
        assert BudgetSnapshot.objects.active().filter(kind=kind, year=2022).count() == 12, kind
    december = BudgetSnapshot.objects.active().get(kind=K.TOTALS, month=12)
    general = december.totals.get(budget=B.GENERAL)
    functions = FunctionalLine.objects.filter(snapshot__kind=K.FUNCTIONAL, snapshot__month=12)
    assert general.expenditure == sum(line.spent for line in functions)  # the two registers agree
    assert ReserveLine.objects.get(snapshot__month=12).used == 7_000 * WAN

    new_kinds = [R.SANGONG_OVER, R.TRANSFER_HELD, R.REVENUE_FALL]
    found = {
        (w.rule.kind, w.about): w
        for w in BudgetWarning.objects.filter(rule__kind__in=new_kinds).select_related("rule")
    }
    assert set(found) == {
        (R.SANGONG_OVER, "市公安局"),
        (R.TRANSFER_HELD, "2022年农村综合改革转移支付资金"),
        (R.REVENUE_FALL, "government funds budget"),
    }
    for warning in found.values():
        assert warning.status == S.DISMISSED
        assert len(warning.reason) > 20
    assert BudgetWarning.objects.filter(status__in=[S.CASE, S.CLOSED]).count() == 2

    # The finance committee's further rules, on the same year.
    further = [R.FUNCTIONAL_LAG, R.TRANSFER_PARTIAL, R.SANGONG_UNBUDGETED]
    assert WarningRule.objects.filter(kind__in=further).count() == 3
    found = {
        (w.rule.kind, w.about): w
        for w in BudgetWarning.objects.filter(rule__kind__in=further).select_related("rule")
    }
    # 文化旅游体育与传媒 had spent 48 % of its adjusted budget by November (as its department);
    # transfers are passed on in full and every department has a 三公 budget.
    assert set(found) == {(R.FUNCTIONAL_LAG, "207 文化旅游体育与传媒支出")}
    (culture,) = found.values()
    assert (culture.figures["month"], culture.figures["rate"]) == (11, "48.0")
    assert culture.status == S.DISMISSED and "文化广电旅游体育局" in culture.reason
