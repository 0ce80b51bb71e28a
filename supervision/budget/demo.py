"""The demo's 2022 budget register for Pinghu: twelve monthly snapshots of budget execution for
eleven departments and of the city's government debt (25.57 亿元 of new debt in two batches, as
the standing committee approved), five warning rules, and what the rules found: a handful of
warnings, two opened as cases — the transport bureau's, answered late and closed by September's
figures, and the housing bureau's, answered on time and closed by December's — the rest dismissed
with reasons.

The figures are written for the demo at a plausible scale for a county-level city; they are not
the city's published accounts."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from congress.demo.base import SHANGHAI, Step, app_step, register
from congress.models import Meeting, Organisation, TimelineEntry, UnitMembership
from deputies.models import Deputy
from supervision.budget import cases, services
from supervision.budget.models import (
    BudgetSnapshot,
    BudgetWarning,
    DebtLine,
    ExecutionLine,
    WarningRule,
)
from supervision.budget.session import AnswerAssessment, BudgetQuestion, DraftBudgetLine

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

RULES = [
    ("6月底执行进度低于40%", WarningRule.Kind.EXECUTION_LAG, "40", 6),
    ("11月底执行进度低于50%", WarningRule.Kind.EXECUTION_LAG, "50", 11),
    ("12月支出超过全年支出的30%", WarningRule.Kind.DECEMBER_RUSH, "30", None),
    ("债务余额超过限额的95%", WarningRule.Kind.DEBT_OVER_LIMIT, "95", None),
    ("债务余额超过限额", WarningRule.Kind.DEBT_OVER_LIMIT, "100", None),
]

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
    for snapshot in (execution, debt):
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
        if key in CASES:
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
        for name, kind, threshold, by_month in RULES:
            WarningRule.objects.create(
                name=name, kind=kind, threshold=Decimal(threshold), by_month=by_month
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
        (BudgetSnapshot, ExecutionLine, DebtLine, BudgetWarning),
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


register(Step("budget_review", load_review, (DraftBudgetLine, BudgetQuestion), order=77))
