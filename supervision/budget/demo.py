"""The demo's 2022 budget register for Pinghu: twelve monthly snapshots of every register —
budget execution for eleven departments and for twenty-one functional classes, the four budgets'
totals, 三公 spending, transfer payments, the reserve fund, and the city's government debt (25.57
亿元 of new debt in two batches, as the standing committee approved) — eight warning rules, and
what the rules found: a handful of warnings, two opened as cases — the transport bureau's,
answered late and closed by September's figures, and the housing bureau's, answered on time and
closed by December's — the rest dismissed with reasons (among them government funds revenue
falling with land sales, the police's 三公 cars over budget, a transfer held 53 days).

The figures are written for the demo at a plausible scale for a county-level city; they are not
the city's published accounts."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from congress.demo.base import SHANGHAI, Step, app_step, register
from congress.models import Meeting, Organisation, TimelineEntry, UnitMembership
from deputies.models import Deputy
from supervision.budget import cases, services
from supervision.budget.models import (
    BudgetSnapshot,
    BudgetTotal,
    BudgetWarning,
    DebtLine,
    ExecutionLine,
    FunctionalLine,
    ReserveLine,
    SanGongLine,
    TransferLine,
    WarningRule,
)
from supervision.budget.session import AnswerAssessment, BudgetQuestion, DraftBudgetLine
from supervision.events import BudgetQuestionEvent

D = datetime.date
YEAR = 2022
YI = Decimal(100_000_000)
WAN = Decimal(10_000)
NORMAL = [6, 13, 21, 29, 37, 46, 54, 62, 70, 78, 86, 97]

# Department, budget at the start of the year and adjusted budget (万元), the share of the
# adjusted budget spent by the end of each month (%).
DEPARTMENTS = [
    ("市教育局", 162_000, 165_400, [7, 14, 22, 30, 38, 47, 55, 61, 70, 79, 87, 98]),
    ("市卫生健康局", 95_500, 98_200, [6, 13, 21, 29, 37, 48, 56, 63, 71, 80, 88, 97]),
    ("市住房和城乡建设局", 70_800, 72_300, [2, 4, 7, 10, 14, 19, 24, 30, 36, 42, 47, 88]),
    ("市交通运输局", 54_600, 56_100, [3, 6, 9, 13, 18, 25, 31, 38, 45, 55, 68, 95]),
    ("市农业农村局", 47_900, 49_200, NORMAL),
    ("市公安局", 42_300, 43_000, [8, 16, 24, 32, 40, 49, 57, 65, 73, 81, 89, 99]),
    ("市水利局", 36_500, 38_400, [4, 8, 12, 16, 22, 30, 45, 60, 72, 80, 88, 96]),
    ("市民政局", 30_600, 31_100, NORMAL),
    ("市自然资源和规划局", 25_800, 26_400, [5, 11, 19, 27, 35, 44, 52, 60, 69, 77, 85, 96]),
    ("市经济和信息化局", 23_700, 24_500, [4, 10, 18, 26, 33, 42, 51, 60, 68, 75, 84, 95]),
    ("市文化广电旅游体育局", 18_900, 19_300, [3, 8, 13, 18, 23, 29, 34, 38, 42, 45, 48, 90]),
]

# Government debt (亿元): the balance at the start of the year, new debt issued to the end of each
# month (the first batch of 13.20 in spring, the second of 12.37 after the limit was raised in
# July: 25.57 in all), repaid to date, and the limit in force.
OPENING_BALANCE = Decimal("128.40")
NEW_DEBT = ["0", "0", "4.50", "9.80", "13.20", "13.20", "13.20", "19.60", "25.57", "25.57",
            "25.57", "25.57"]  # fmt: skip
REPAID = ["0.60", "1.30", "2.00", "2.90", "3.70", "4.50", "5.40", "6.20", "7.10", "7.90", "8.80",
          "9.60"]  # fmt: skip
LIMIT = ["141.60"] * 6 + ["156.20"] * 6

# Execution by functional classification (类级科目): code, name, budget at the start of the
# year and adjusted budget (万元), the share spent by the end of each month (%). Health and
# disaster relief grew with the epidemic and typhoon Muifa; culture shrank with cancelled events.
FUNCTIONS = [
    ("201", "一般公共服务支出", 98_000, 101_500, NORMAL),
    ("203", "国防支出", 1_200, 1_300, NORMAL),
    ("204", "公共安全支出", 52_000, 53_800, [8, 16, 24, 32, 40, 49, 57, 65, 73, 81, 89, 99]),
    ("205", "教育支出", 198_000, 203_600, [7, 14, 22, 30, 38, 47, 55, 61, 70, 79, 87, 98]),
    ("206", "科学技术支出", 61_000, 64_500, [4, 10, 18, 26, 33, 42, 51, 60, 68, 75, 84, 95]),
    ("207", "文化旅游体育与传媒支出", 24_500, 23_100, [3, 8, 13, 18, 23, 29, 34, 38, 42, 45, 48, 90]),
    ("208", "社会保障和就业支出", 112_000, 118_400, NORMAL),
    ("210", "卫生健康支出", 108_000, 121_600, [6, 13, 21, 29, 37, 48, 56, 63, 71, 80, 88, 97]),
    ("211", "节能环保支出", 26_000, 27_300, NORMAL),
    ("212", "城乡社区支出", 156_000, 162_400, [3, 6, 10, 14, 19, 25, 31, 38, 45, 52, 60, 92]),
    ("213", "农林水支出", 98_000, 104_200, [4, 8, 12, 16, 22, 30, 45, 60, 72, 80, 88, 96]),
    ("214", "交通运输支出", 72_000, 74_600, [3, 6, 9, 13, 18, 25, 31, 38, 45, 55, 68, 95]),
    ("215", "资源勘探工业信息等支出", 45_000, 47_800, [4, 10, 18, 26, 33, 42, 51, 60, 68, 75, 84, 95]),
    ("216", "商业服务业等支出", 9_800, 10_200, NORMAL),
    ("220", "自然资源海洋气象等支出", 14_500, 15_100, NORMAL),
    ("221", "住房保障支出", 21_000, 21_900, NORMAL),
    ("222", "粮油物资储备支出", 3_800, 4_000, NORMAL),
    ("224", "灾害防治及应急管理支出", 8_600, 11_900, [5, 10, 16, 22, 28, 34, 40, 46, 66, 74, 82, 96]),
    ("229", "其他支出", 12_000, 10_500, NORMAL),
    ("232", "债务付息支出", 41_000, 42_300, [2, 4, 16, 18, 20, 48, 50, 52, 64, 66, 68, 100]),
    ("233", "债务发行费用支出", 300, 330, [0, 0, 30, 40, 45, 45, 45, 70, 100, 100, 100, 100]),
]  # fmt: skip

# The four budgets (亿元): revenue budgeted, revenue to the end of each month, the same months of
# 2021, expenditure budgeted and to date. General public revenue dipped with the VAT refunds of
# the spring; government funds revenue fell with land sales, as it did across the province.
TOTALS = {
    BudgetTotal.Budget.GENERAL: (
        "86.00",
        ["9.80", "16.20", "23.10", "27.40", "33.00", "40.10", "48.90", "55.70", "62.80",
         "70.90", "77.60", "84.30"],
        ["9.60", "16.40", "24.30", "29.80", "35.70", "43.60", "51.20", "57.40", "63.90",
         "71.50", "77.90", "83.10"],
    ),
    BudgetTotal.Budget.FUNDS: (
        "138.00",
        ["6.20", "11.80", "19.40", "25.10", "33.60", "45.20", "52.80", "61.30", "72.40",
         "80.10", "91.50", "112.60"],
        ["9.10", "17.60", "28.90", "39.20", "50.10", "66.80", "78.40", "90.20", "104.50",
         "116.30", "130.70", "158.40"],
    ),
    BudgetTotal.Budget.STATE_CAPITAL: (
        "1.20",
        ["0", "0", "0.05", "0.10", "0.18", "0.42", "0.55", "0.61", "0.70", "0.82", "0.95",
         "1.26"],
        ["0", "0", "0.04", "0.09", "0.15", "0.38", "0.49", "0.55", "0.64", "0.75", "0.86",
         "1.12"],
    ),
    BudgetTotal.Budget.SOCIAL_INSURANCE: (
        "62.40",
        ["5.10", "10.30", "15.60", "20.80", "26.10", "31.40", "36.50", "41.70", "46.90",
         "52.20", "57.40", "63.10"],
        ["4.70", "9.50", "14.30", "19.20", "24.00", "28.90", "33.70", "38.60", "43.40",
         "48.30", "53.10", "58.20"],
    ),
}  # fmt: skip
# Expenditure (亿元) budgeted and the share spent by each month for the three budgets other than
# the general public one (whose expenditure is the functional classes' sum).
EXPENDITURE = {
    BudgetTotal.Budget.FUNDS: ("146.00", [5, 11, 18, 25, 33, 42, 49, 57, 66, 74, 83, 96]),
    BudgetTotal.Budget.STATE_CAPITAL: ("1.05", [0, 0, 5, 10, 18, 30, 38, 45, 55, 66, 75, 98]),
    BudgetTotal.Budget.SOCIAL_INSURANCE: ("58.80", NORMAL),
}

# 三公 (万元): travel abroad, official cars, receptions — budget; the share of each spent by
# each month (%). Travel abroad was all but stopped in 2022; the police's cars ran over budget
# with epidemic checkpoints and the typhoon.
SANGONG = [
    ("市教育局", (0, 86, 32), [5, 11, 18, 24, 31, 39, 45, 52, 60, 68, 76, 92]),
    ("市卫生健康局", (0, 64, 18), [7, 15, 24, 32, 41, 49, 56, 63, 71, 79, 87, 98]),
    ("市住房和城乡建设局", (0, 42, 16), NORMAL),
    ("市交通运输局", (6, 58, 14), NORMAL),
    ("市农业农村局", (0, 47, 21), NORMAL),
    ("市公安局", (0, 312, 24), [9, 18, 28, 37, 46, 55, 63, 72, 84, 92, 98, 104]),
    ("市水利局", (0, 38, 9), NORMAL),
    ("市民政局", (0, 26, 8), NORMAL),
    ("市自然资源和规划局", (0, 41, 12), NORMAL),
    ("市经济和信息化局", (12, 28, 26), [4, 9, 15, 21, 28, 35, 42, 49, 57, 65, 73, 86]),
    ("市文化广电旅游体育局", (0, 24, 19), [3, 7, 11, 15, 20, 26, 31, 36, 41, 46, 51, 78]),
]

# Transfer payments from the province and Jiaxing: item, amount (万元), received, passed on
# (None: kept at the city level and spent by its own departments, no date), to whom.
TRANSFERS = [
    ("2022年均衡性转移支付", 18_600, D(2022, 1, 18), D(2022, 2, 10), "各镇街道"),
    ("2022年义务教育经费保障机制资金", 4_260, D(2022, 2, 22), D(2022, 3, 15), "市教育局、各镇街道"),
    ("2022年重点生态功能区转移支付", 2_150, D(2022, 3, 9), D(2022, 3, 30), "各镇街道"),
    ("2022年疫情防控专项补助资金", 3_800, D(2022, 4, 6), D(2022, 4, 19), "市卫生健康局"),
    ("2022年农村综合改革转移支付资金", 2_940, D(2022, 5, 16), D(2022, 7, 8), "各镇街道"),
    ("2022年困难群众救助补助资金", 1_720, D(2022, 6, 10), D(2022, 6, 28), "市民政局"),
    ("2022年农田建设补助资金", 3_360, D(2022, 7, 14), D(2022, 8, 5), "市农业农村局"),
    ("2022年车辆购置税收入补助地方资金", 5_480, D(2022, 8, 23), D(2022, 9, 16), "市交通运输局"),
    ("2022年台风灾后恢复重建补助资金", 1_200, D(2022, 9, 20), D(2022, 10, 11), "市应急管理局、各镇街道"),
    ("2022年城镇保障性安居工程补助资金", 2_630, D(2022, 10, 26), D(2022, 11, 18), "市住房和城乡建设局"),
    ("2022年公共文化服务体系建设补助资金", 640, D(2022, 11, 21), D(2022, 12, 9), "市文化广电旅游体育局"),
    ("2023年提前下达均衡性转移支付", 16_900, D(2022, 12, 2), D(2022, 12, 23), "各镇街道"),
]  # fmt: skip

# The reserve fund (万元): budgeted; used to the end of each month, and what for.
RESERVE_BUDGET = 20_000
RESERVE_USES = [
    (3, 2_100, "3月疫情防控物资和核酸检测"),
    (4, 1_100, "4月疫情防控隔离点运行"),
    (9, 1_500, "9月台风“梅花”防御和灾后恢复"),
    (12, 2_300, "12月疫情防控医疗救治物资"),
]

RULES = [
    ("6月底执行进度低于40%", WarningRule.Kind.EXECUTION_LAG, "40", 6, None),
    ("11月底执行进度低于50%", WarningRule.Kind.EXECUTION_LAG, "50", 11, None),
    ("12月支出超过全年支出的30%", WarningRule.Kind.DECEMBER_RUSH, "30", None, None),
    ("债务余额超过限额的95%", WarningRule.Kind.DEBT_OVER_LIMIT, "95", None, None),
    ("债务余额超过限额", WarningRule.Kind.DEBT_OVER_LIMIT, "100", None, None),
    ("三公经费超过预算", WarningRule.Kind.SANGONG_OVER, "100", None, None),
    ("转移支付收到后30日内未分解下达", WarningRule.Kind.TRANSFER_HELD, "30", None, None),
    ("收入比上年同期下降超过20%", WarningRule.Kind.REVENUE_FALL, "20", None, None),
    # Asked for by the finance committee: the same reading on the functional classes, transfers
    # passed on only in part, and 三公 spent by a department with no 三公 budget.
    ("功能分类11月底执行进度低于50%", WarningRule.Kind.FUNCTIONAL_LAG, "50", 11, None),
    ("转移支付收到60日后下达不足九成", WarningRule.Kind.TRANSFER_PARTIAL, "10", None, 60),
    ("无三公预算却有三公支出", WarningRule.Kind.SANGONG_UNBUDGETED, "0", None, None),
]

# The new registers' warnings, by rule kind and whom or what they are about.
REGISTER_DISMISSALS = {
    (WarningRule.Kind.REVENUE_FALL, BudgetTotal.Budget.FUNDS): (
        "受房地产市场下行影响，国有土地使用权出让收入减少，全省普遍下降；市政府已在预算调整中"
        "调减政府性基金预算收支，常委会审查预算调整方案时一并监督，不另行函询。"
    ),
    (WarningRule.Kind.SANGONG_OVER, "市公安局"): (
        "公务用车运行费超支系疫情防控卡口执勤和台风防御期间车辆使用增加，已按程序追加预算，"
        "超支部分有审批手续，不作函询；年度决算审查时关注。"
    ),
    (WarningRule.Kind.FUNCTIONAL_LAG, "207 文化旅游体育与传媒支出"): (
        "该功能科目支出主要由市文化广电旅游体育局列支，执行缓慢的原因（部分大型文体活动因疫情"
        "取消或延期）已在该局11月执行进度预警中核实，相应预算已在12月调减，不另行函询。"
    ),
    (WarningRule.Kind.TRANSFER_HELD, "2022年农村综合改革转移支付资金"): (
        "资金按各镇街道项目验收结果分配，6月底完成验收，7月8日已分解下达；已提醒市财政局"
        "今后对此类资金先行预拨，不作函询。"
    ),
}

# By the rule's month (None for debt) and the department (None for debt).
DISMISSALS = {
    (
        6,
        "市水利局",
    ): "汛期前水利工程以竣工验收后结算为主，7月起集中支付；已核对工程进度，不作函询。",
    (6, "市住房和城乡建设局"): (
        "老旧小区改造项目按工程进度结算，支付集中在四季度；已掌握项目进度，11月底再看。"
    ),
    (6, "市文化广电旅游体育局"): "大型文体活动安排在下半年举办，资金随活动支付，不作函询。",
    (11, "市文化广电旅游体育局"): (
        "受疫情影响，部分大型文体活动取消或延期，相应预算已在12月预算调整中调减，不作函询。"
    ),
    (12, "市住房和城乡建设局"): (
        "12月集中支付的原因已在11月执行进度预警的函询中说明，支付清单和绩效目标已报送，"
        "并入该案件跟踪，不另行函询。"
    ),
    (12, "市文化广电旅游体育局"): (
        "12月支出主要为已完成活动的结算款和文化惠民补贴集中兑付，已核对支付凭证，不作函询。"
    ),
    (None, None): (
        "第二批新增债务限额7月下达后，债务余额占限额比重回落至90%以下，属限额下达时间差，不作函询。"
    ),
}

CASES = {
    (6, "市交通运输局"): {
        "meeting": D(2022, 7, 19),
        "issued_on": D(2022, 7, 20),
        "text": (
            "市交通运输局：6月底你局预算执行进度为25%，低于40%的预警线。请书面说明执行进度"
            "偏慢的原因、下半年重点项目资金支付计划及加快执行的措施。"
        ),
        "answer_on": D(2022, 8, 22),
        "answer": (
            "上半年公路改造项目受疫情影响开工推迟；8月起三个重点项目全面复工，计划9月底执行"
            "进度达到45%以上，年底前完成95%。"
        ),
        "assessment": "答复逾期。原因和措施说明清楚，9月底执行进度再跟踪。",
    },
    (11, "市住房和城乡建设局"): {
        "meeting": D(2022, 12, 27),
        "issued_on": D(2022, 12, 28),
        "text": (
            "市住房和城乡建设局：11月底你局预算执行进度为47%，低于50%的预警线。请书面说明"
            "原因，以及12月集中支付资金的项目清单和资金使用绩效。"
        ),
        "answer_on": D(2023, 1, 9),
        "answer": (
            "老旧小区改造项目按工程进度结算，集中在12月完成验收支付；12月支付项目清单及绩效"
            "目标已报送市财政局，全年执行进度88%。"
        ),
        "assessment": "",
    },
}


def _snapshot(kind, month, by_date):
    snapshot = services.snapshot_start(
        kind=kind, year=YEAR, month=month, file_name=f"{YEAR}年{month}月{kind}.xlsx"
    )
    BudgetSnapshot.objects.filter(pk=snapshot.pk).update(
        imported_at=datetime.datetime.combine(by_date, datetime.time(9, 30), datetime.UTC)
    )
    return snapshot


def spent_share(amount, rate) -> Decimal:
    return (Decimal(amount) * Decimal(rate) / 100).quantize(Decimal("0.01"))


def functional_rows(month):
    """(code, name, budgeted, adjusted, spent) in yuan for the month."""
    return [
        (code, name, Decimal(budgeted) * WAN, Decimal(adjusted) * WAN,
         spent_share(Decimal(adjusted) * WAN, rates[month - 1]))
        for code, name, budgeted, adjusted, rates in FUNCTIONS
    ]  # fmt: skip


def totals_rows(month):
    """(budget, revenue budgeted, revenue, last year, expenditure budgeted, expenditure) in yuan."""
    functions = functional_rows(month)
    rows = []
    for budget, (budgeted, revenue, last_year) in TOTALS.items():
        if budget == BudgetTotal.Budget.GENERAL:
            spend_budget = sum(row[3] for row in functions)
            spent = sum(row[4] for row in functions)
        else:
            amount, rates = EXPENDITURE[budget]
            spend_budget = Decimal(amount) * YI
            spent = spent_share(spend_budget, rates[month - 1])
        rows.append(
            (
                budget,
                Decimal(budgeted) * YI,
                Decimal(revenue[month - 1]) * YI,
                Decimal(last_year[month - 1]) * YI,
                spend_budget,
                spent,
            )
        )
    return rows


def sangong_rows(month):
    """(department, travel, travel spent, cars, cars spent, receptions, spent) in yuan."""
    rows = []
    for name, budgets, rates in SANGONG:
        amounts = [Decimal(budget) * WAN for budget in budgets]
        spent = [spent_share(amount, rates[month - 1]) for amount in amounts]
        rows.append((name, amounts[0], spent[0], amounts[1], spent[1], amounts[2], spent[2]))
    return rows


def transfer_rows(month):
    """(item, amount, received, passed on, amount passed on, to whom) received by the month's end."""
    end = D(YEAR, month, 28)
    while (end + datetime.timedelta(days=1)).month == month:
        end += datetime.timedelta(days=1)
    rows = []
    for item, amount, received, passed, recipient in TRANSFERS:
        if received > end:
            continue
        done = passed is not None and passed <= end
        rows.append(
            (
                item,
                Decimal(amount) * WAN,
                received,
                passed if done else None,
                Decimal(amount) * WAN if done else None,
                recipient if done else "",
            )
        )
    return rows


def reserve_row(month):
    """(budgeted, used, uses) in yuan."""
    uses = [(amount, what) for at, amount, what in RESERVE_USES if at <= month]
    used = sum((Decimal(amount) for amount, _what in uses), Decimal(0)) * WAN
    text = "；".join(f"{what}{amount}万元" for amount, what in uses)
    return Decimal(RESERVE_BUDGET) * WAN, used, text


def _registers(month, departments, imported):
    """The month's snapshots of the five registers beside execution and debt."""
    functional = _snapshot(BudgetSnapshot.Kind.FUNCTIONAL, month, imported)
    FunctionalLine.objects.bulk_create(
        FunctionalLine(snapshot=functional, code=code, name=name, budgeted=budgeted,
                       adjusted=adjusted, spent=spent)
        for code, name, budgeted, adjusted, spent in functional_rows(month)
    )  # fmt: skip
    totals = _snapshot(BudgetSnapshot.Kind.TOTALS, month, imported)
    BudgetTotal.objects.bulk_create(
        BudgetTotal(snapshot=totals, budget=budget, revenue_budgeted=revenue_budgeted,
                    revenue=revenue, revenue_last_year=last_year,
                    expenditure_budgeted=expenditure_budgeted, expenditure=expenditure)
        for budget, revenue_budgeted, revenue, last_year, expenditure_budgeted, expenditure
        in totals_rows(month)
    )  # fmt: skip
    sangong = _snapshot(BudgetSnapshot.Kind.SANGONG, month, imported)
    SanGongLine.objects.bulk_create(
        SanGongLine(snapshot=sangong, department=departments[name], travel_budget=travel,
                    travel_spent=travel_spent, vehicles_budget=cars, vehicles_spent=cars_spent,
                    reception_budget=reception, reception_spent=reception_spent)
        for name, travel, travel_spent, cars, cars_spent, reception, reception_spent
        in sangong_rows(month)
    )  # fmt: skip
    transfer = _snapshot(BudgetSnapshot.Kind.TRANSFER, month, imported)
    TransferLine.objects.bulk_create(
        TransferLine(snapshot=transfer, item=item, amount=amount, received_on=received,
                     passed_on=passed, passed_amount=passed_amount, recipient=recipient)
        for item, amount, received, passed, passed_amount, recipient in transfer_rows(month)
    )  # fmt: skip
    reserve = _snapshot(BudgetSnapshot.Kind.RESERVE, month, imported)
    budgeted, used, uses = reserve_row(month)
    ReserveLine.objects.create(snapshot=reserve, budgeted=budgeted, used=used, uses=uses)
    return [functional, totals, sangong, transfer, reserve]


def _month(month, departments):
    imported = D(YEAR + (month == 12), month % 12 + 1, 10)
    execution = _snapshot(BudgetSnapshot.Kind.EXECUTION, month, imported)
    ExecutionLine.objects.bulk_create(
        ExecutionLine(
            snapshot=execution,
            department=departments[name],
            budgeted=Decimal(budgeted) * WAN,
            adjusted=Decimal(adjusted) * WAN,
            spent=(Decimal(adjusted) * WAN * rates[month - 1] / 100).quantize(Decimal("0.01")),
        )
        for name, budgeted, adjusted, rates in DEPARTMENTS
    )
    debt = _snapshot(BudgetSnapshot.Kind.DEBT, month, imported)
    new, repaid = Decimal(NEW_DEBT[month - 1]), Decimal(REPAID[month - 1])
    DebtLine.objects.create(
        snapshot=debt,
        new_debt=new * YI,
        repaid=repaid * YI,
        balance=(OPENING_BALANCE + new - repaid) * YI,
        limit=Decimal(LIMIT[month - 1]) * YI,
    )
    others = _registers(month, departments, imported)
    for snapshot in (execution, debt, *others):
        services.snapshot_checks(snapshot=snapshot)
        BudgetWarning.objects.filter(snapshot=snapshot).update(
            raised_at=datetime.datetime.combine(imported, datetime.time(10), datetime.UTC)
        )
    return imported


def _decide(imported, meetings, write, clerks, office):
    at = datetime.datetime.combine(imported, datetime.time(15), datetime.UTC)
    for warning in BudgetWarning.objects.filter(status=BudgetWarning.Status.OPEN).select_related(
        "department", "rule"
    ):
        name = warning.department.name if warning.department else None
        month = 12 if warning.rule.kind == WarningRule.Kind.DECEMBER_RUSH else None
        key = (warning.rule.by_month or month, name)
        register_key = (warning.rule.kind, name or warning.subject)
        if register_key in REGISTER_DISMISSALS:
            services.warning_dismiss(warning=warning, reason=REGISTER_DISMISSALS[register_key])
        elif key in CASES:
            case = CASES[key]
            meeting = meetings.get(case["meeting"])
            if meeting is None:
                write(f"budget: no meeting on {case['meeting']}; {name}'s case not opened.")
                continue
            services.warning_open_case(
                warning=warning, meeting=meeting, issued_on=case["issued_on"], text=case["text"]
            )
            # The department's clerk answers in their own login; the office accepts the answer.
            cases.inquiry_answer(
                warning=warning,
                received_on=case["answer_on"],
                text=case["answer"],
                by=clerks[name],
            )
            cases.answer_assess(
                warning=warning,
                verdict=AnswerAssessment.Verdict.ACCEPTED,
                note=case["assessment"],
                by=office,
            )
            at = datetime.datetime.combine(case["issued_on"], datetime.time(15), datetime.UTC)
        else:
            reason = DISMISSALS.get(key, "经核对属正常支付进度，不作函询。")
            services.warning_dismiss(warning=warning, reason=reason)
        BudgetWarning.objects.filter(pk=warning.pk).update(decided_at=at)


def load(*, stdout=None) -> None:
    write = stdout.write if stdout else (lambda message: None)
    if BudgetSnapshot.objects.exists():
        write("budget: the register already has snapshots; left as it is.")
        return
    departments = {o.name: o for o in Organisation.objects.all()}
    missing = [name for name, *_rest in DEPARTMENTS if name not in departments]
    if missing:
        write("budget: the foundation demo (handling units) is missing; skipped.")
        return
    meetings = {m.date: m for m in Meeting.objects.filter(date__year__in=[YEAR, YEAR + 1])}
    with transaction.atomic():
        clerks = _clerks(departments)
        office = get_user_model().objects.filter(username="admin").first()
        for name, kind, threshold, by_month, days in RULES:
            WarningRule.objects.create(
                name=name, kind=kind, threshold=Decimal(threshold), by_month=by_month, days=days
            )
        for month in range(1, 13):
            imported = _month(month, departments)
            _decide(imported, meetings, write, clerks, office)
        for warning in BudgetWarning.objects.filter(status=BudgetWarning.Status.CLOSED):
            if warning.followed_up_on is not None:
                closed_at = warning.followed_up_on.imported_at
                BudgetWarning.objects.filter(pk=warning.pk).update(closed_at=closed_at)
        _date_timelines()
        # The government publishes the monthly figures up to November; December's wait for
        # the final accounts and stay in the deputies' workspace.
        BudgetSnapshot.objects.filter(year=YEAR, month__lte=11, active=True).update(published=True)


# The budget inquiries' clerks: a login each for the units the two cases and the debt go to.
CLERKS = {
    "市交通运输局": ("jiaotong", "交通运输局经办人"),
    "市住房和城乡建设局": ("zhujian", "住房城乡建设局经办人"),
    "市财政局": ("caizheng", "财政局经办人"),
}


def _clerks(departments) -> dict:
    """The units' clerks, with the password of every demo login (the admin's)."""
    User = get_user_model()
    password = User.objects.filter(username="admin").values_list("password", flat=True).first()
    clerks = {}
    for unit, (username, full_name) in CLERKS.items():
        if unit not in departments:
            continue
        user, _created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": full_name, "is_staff": True, "password": password or "!"},
        )
        UnitMembership.objects.get_or_create(user=user, organisation=departments[unit])
        clerks[unit] = user
    return clerks


def _date_timelines():
    """The case steps happened on the story's dates, not when the demo ran."""
    for warning in BudgetWarning.objects.exclude(case=None).select_related(
        "case", "inquiry", "followed_up_on"
    ):
        issued = datetime.datetime.combine(warning.inquiry.issued_on, datetime.time(15), SHANGHAI)
        answer = warning.inquiry.reports.order_by("received_on").first()
        answered = (
            datetime.datetime.combine(answer.received_on, datetime.time(10), SHANGHAI)
            if answer
            else issued
        )
        moments = {
            "budget_case_opened": issued,
            "budget_inquiry_sent": issued,
            "budget_inquiry_answered": answered,
            "budget_inquiry_answered_late": answered,
            "budget_answer_assessed": answered + datetime.timedelta(hours=6),
        }
        if warning.followed_up_on is not None:
            moments["budget_case_closed"] = warning.followed_up_on.imported_at
        entries = TimelineEntry.objects.for_object(warning.case)
        for action, moment in moments.items():
            entries.filter(action=action).update(at=moment)
        AnswerAssessment.objects.filter(report__opinion=warning.inquiry).update(
            assessed_at=answered + datetime.timedelta(hours=6)
        )


register(
    Step(
        "budget",
        app_step(load),
        (
            BudgetSnapshot,
            ExecutionLine,
            FunctionalLine,
            BudgetTotal,
            SanGongLine,
            TransferLine,
            ReserveLine,
            DebtLine,
            BudgetWarning,
        ),
        order=76,
    )
)


# --- The 2023 draft budget at the session (预算审查) ----------------------------------------------

DRAFT_YEAR = YEAR + 1
# Department: [(line, 万元)].
DRAFT = {
    "市教育局": [("义务教育学校运转", 98_600), ("学校新建和改扩建", 41_200), ("学生资助", 6_300)],
    "市卫生健康局": [("公立医院运行补助", 52_800), ("基本公共卫生服务", 24_100)],
    "市住房和城乡建设局": [("老旧小区改造", 38_500), ("城市道路和管网维护", 21_700)],
    "市交通运输局": [("农村公路提升改造", 31_900), ("城乡公交运营补贴", 12_600)],
    "市农业农村局": [("高标准农田建设", 22_400), ("农村人居环境整治", 14_800)],
    "市民政局": [("最低生活保障", 16_200), ("养老服务补助", 9_700)],
}
# (deputy index, department, line, question, answer or None, published)
QUESTIONS = [
    (
        0,
        "市交通运输局",
        "农村公路提升改造",
        "农村公路提升改造资金比上年增加约三成，请说明增加的依据和2023年计划改造的里程。",
        "增加部分主要为省级交通强省建设补助的配套资金。2023年计划提升改造农村公路85公里，"
        "项目清单已随预算草案报送财政经济委员会。",
        True,
    ),
    (
        1,
        "市住房和城乡建设局",
        "老旧小区改造",
        "2022年老旧小区改造资金12月集中支付，2023年如何按工程进度均衡支付？",
        "2023年起老旧小区改造项目实行按月报送工程进度、按进度拨付，预计上半年支付不低于40%。",
        True,
    ),
    (
        2,
        "市教育局",
        "学校新建和改扩建",
        "学校新建和改扩建资金涉及哪些学校，是否已完成立项审批？",
        "涉及当湖、钟埭两所学校新建和三所学校扩建，均已完成立项，其中两所已开工。",
        False,
    ),
    (3, "市民政局", "养老服务补助", "养老服务补助是否覆盖居家养老服务站点的运营？", None, False),
]


def load_review(ctx) -> None:
    write = ctx.stdout.write if ctx.stdout else (lambda message: None)
    if DraftBudgetLine.objects.filter(year=DRAFT_YEAR).exists():
        write("budget review: the draft budget is already there; left as it is.")
        return
    departments = {o.name: o for o in Organisation.objects.filter(name__in=DRAFT)}
    deputies = list(
        Deputy.objects.filter(user__is_active=True).order_by("card_number")[: len(QUESTIONS)]
    )
    bureau = get_user_model().objects.filter(username="caizheng").first()
    if len(departments) < len(DRAFT) or len(deputies) < len(QUESTIONS) or bureau is None:
        write("budget review: the units, the deputies or the finance clerk are missing; skipped.")
        return
    with transaction.atomic():
        lines = {}
        for name, rows in DRAFT.items():
            for order, (line, amount) in enumerate(rows):
                lines[name, line] = DraftBudgetLine.objects.create(
                    year=DRAFT_YEAR,
                    department=departments[name],
                    name=line,
                    amount=Decimal(amount) * WAN,
                    order=order,
                )
        for index, name, line, text, answer, published in QUESTIONS:
            question = cases.question_write(
                deputy=deputies[index],
                year=DRAFT_YEAR,
                department=departments[name],
                line=lines[name, line],
                text=text,
                send=True,
            )
            if answer:
                cases.question_answer(question=question, answer=answer, by=bureau)
            if published:
                cases.question_publish(question=question)
        # The session's review ran in January 2023.
        BudgetQuestion.objects.filter(year=DRAFT_YEAR).update(
            created_at=datetime.datetime(2023, 1, 5, 9, tzinfo=SHANGHAI),
            sent_at=datetime.datetime(2023, 1, 5, 9, tzinfo=SHANGHAI),
        )
        BudgetQuestion.objects.filter(year=DRAFT_YEAR, answer__gt="").update(
            answered_at=datetime.datetime(2023, 1, 9, 16, tzinfo=SHANGHAI)
        )
        # Their threads carry the same dates (published the day after the answers).
        threads = TimelineEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(BudgetQuestion),
            object_id__in=[
                question.pk for question in BudgetQuestion.objects.filter(year=DRAFT_YEAR)
            ],
        )
        for code, day, hour in (
            (BudgetQuestionEvent.SENT, 5, 9),
            (BudgetQuestionEvent.ANSWERED, 9, 16),
            (BudgetQuestionEvent.PUBLISHED, 10, 10),
        ):
            threads.filter(action=code.value).update(
                at=datetime.datetime(2023, 1, day, hour, tzinfo=SHANGHAI)
            )


register(Step("budget_review", load_review, (DraftBudgetLine, BudgetQuestion), order=77))
