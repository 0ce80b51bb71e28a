"""Demo data for supervision, votes and projects in 2022 (the seed article's section 5 and 7).

`load(stdout=...)` runs after the foundation demo (congress/demo: the 16th term, its 1st session,
about 280 deputies, handling units, standing-committee meetings of 2022, deputy groups). It looks
everything up by name, so it is safe to run on its own: without the foundation it says so and
stops. It is deterministic (seeded generators) and idempotent: every block first looks for what it
would create, and a second run creates nothing.

What the article gives, and what is assumed:
- Facts: 12 candidate projects worth about 2.2 亿元; on 2022-02-18, 251 deputies chose 10 by a
  competitive vote; areas include transport, health care, education, elderly care, renovation of
  dilapidated houses and help for families in difficulty; inspections by the 当湖 groups and by
  孙建峰's group; 25.57 亿元 of new government debt; the first report on municipal state-owned
  enterprise assets; 11 major projects, 21.96 亿元 in all, the 6 above 2 亿元 voted on; the
  environment report with its satisfaction evaluation.
- Assumed: project titles, amounts, owners, milestones and dates; every vote count; the
  ballots are stored as electronic ballots (the hall used paper; an electronic record lets the
  demo show receipts); the roll of the standing committee is a stand-in of 35 deputies led by
  吴金华, as the data has no standing-committee membership; every handling report came in on time.
- Assumed (issue 16): at the year's end the deputies rated five handling units chosen by the
  chair's meeting (UNIT_EVALUATIONS), each poll's evidence the unit's 2022 scorecard; the two
  units the scorecard fails are rated lower.
"""

import datetime
import random
import secrets
import sys
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q

from congress.demo.base import Step, app_step, register
from congress.demo.reference import ABSENT_FROM_SESSION
from congress.models import Meeting, Organisation, Session, Term, TimelineEntry
from deputies.models import Deputy, DeputyGroup
from supervision import rules, services
from supervision.models import (
    Ballot,
    BallotReceipt,
    Inspection,
    LivelihoodProject,
    MajorProject,
    Milestone,
    Poll,
    ProjectApproval,
    ProjectIdea,
    Result,
    SupervisionItem,
    UnitEvaluation,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEED = "16_2022:supervision"
D = datetime.date
WAN = Decimal(10_000)
YI = Decimal(100_000_000)
YEAR = 2022


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


# (title, area, owner, investment in 万元, description, selected)
CANDIDATES = [
    ("城乡公交服务提升工程", "交通", "市交通运输局", 3180,
     "新辟和优化城乡公交线路，更新新能源公交车，改造镇村公交候车亭，让农村居民出行更方便。", True),
    ("“健康关爱”惠民工程", "健康", "市卫生健康局", 2150,
     "为适龄妇女免费开展两癌筛查，为65周岁以上老年人提供免费体检和慢病随访。", True),
    ("中小学和幼儿园扩容工程", "教育", "市教育局", 4260,
     "新建、改扩建一批中小学和幼儿园，新增学位，缓解城区学校大班额问题。", True),
    ("居家养老服务提升工程", "养老", "市民政局", 1820,
     "新建一批镇（街道）居家养老服务中心和老年食堂，为高龄独居老人提供助餐、助浴等上门服务。", True),
    ("农村困难家庭危房改造", "住房", "市住房和城乡建设局", 1350,
     "对鉴定为C级、D级的农村困难家庭住房实施加固或翻建，年内完成全部存量危房改造。", True),
    ("困难群众帮扶救助提升工程", "帮扶", "市民政局", 960,
     "为困难家庭提供临时救助和结对帮扶，在行政服务中心设立一站式救助服务窗口。", True),
    ("农村道路亮化工程", "交通", "市交通运输局", 1640,
     "为通村公路和自然村主要道路安装路灯，解决群众夜间出行不便和安全隐患。", True),
    ("城镇污水零直排提升工程", "环境", "嘉兴市生态环境局平湖分局", 2300,
     "对老旧小区和沿街商铺雨污管网实施分流改造，推进镇级污水零直排区建设。", True),
    ("婴幼儿照护服务扩面工程", "健康", "市卫生健康局", 780,
     "新增普惠性托育机构和托位，在社区卫生服务中心开设儿童早期发展指导门诊。", True),
    ("校园饮水和食堂改善工程", "教育", "市教育局", 690,
     "为中小学更新直饮水设备，改造一批学校食堂，推行明厨亮灶。", True),
    ("农贸市场改造提升工程", "市场", "市商务局", 1520,
     "对镇级农贸市场进行改造，改善排水、通风和摊位布局，引入智慧监管设备。", False),
    ("社区嵌入式体育健身设施建设", "体育", "市文化广电旅游体育局", 1350,
     "在城市社区和公园新建百姓健身房和多功能运动场地。", False),
]  # fmt: skip
APPROVAL_DATES = {
    ProjectApproval.Step.EXECUTIVE: D(2021, 12, 20),
    ProjectApproval.Step.CHAIRS: D(2021, 12, 28),
    ProjectApproval.Step.PARTY: D(2022, 1, 6),
    ProjectApproval.Step.STANDING: D(2022, 1, 20),
}
# Progress at year end and which last milestone is still open, for the two building projects.
UNFINISHED = {"中小学和幼儿园扩容工程": 92, "城镇污水零直排提升工程": 96}
# (project, group, date, place, notes): the article names these visits; the notes are ours.
INSPECTIONS = [
    ("“健康关爱”惠民工程", "当湖一组", D(2022, 6, 15), "当湖街道社区卫生服务中心",
     "查看两癌筛查和老年人体检的预约流程，建议增加周末体检时段，方便上班族陪同老人。"),
    ("“健康关爱”惠民工程", "当湖二组", D(2022, 9, 20), "当湖街道社区卫生服务中心",
     "了解筛查阳性人员的随访和转诊情况，建议建立结果告知回访台账。"),
    ("居家养老服务提升工程", "当湖三组", D(2022, 7, 12), "当湖街道居家养老服务中心",
     "走访老年食堂，建议根据老人口味调整菜品并公开收费标准。"),
    ("居家养老服务提升工程", "当湖四组", D(2022, 10, 18), "当湖街道老年食堂",
     "查看助餐送餐记录，建议把送餐服务延伸到偏远村落的独居老人。"),
    ("农村困难家庭危房改造", "孙建峰代表小组", D(2022, 5, 26), "独山港镇",
     "实地查看危房改造进度和施工质量，督促按期完成并做好改造后的安全鉴定。"),
    ("困难群众帮扶救助提升工程", "孙建峰代表小组", D(2022, 8, 24), "南湖公园、市行政服务中心",
     "视察帮扶项目设施和一站式救助窗口，就扩大政策宣传和维护服务设施提出意见建议。"),
]  # fmt: skip
MAJOR_PROJECTS = [  # (name, 亿元, owner)
    ("市中心医院医技综合楼建设工程", "4.20", "市卫生健康局"),
    ("城市快速路网东延工程", "3.60", "市交通运输局"),
    ("城东片区中学新建工程", "3.10", "市教育局"),
    ("城区防洪排涝能力提升工程", "2.50", "市水利局"),
    ("市级养老服务综合体建设工程", "2.30", "市民政局"),
    ("老旧小区综合改造工程（二期）", "2.05", "市住房和城乡建设局"),
    ("乡镇污水处理厂提标改造工程", "1.20", "嘉兴市生态环境局平湖分局"),
    ("全民健身中心改造工程", "0.95", "市文化广电旅游体育局"),
    ("农村公路提档升级工程", "0.86", "市交通运输局"),
    ("城市公园绿地提升工程", "0.70", "市住房和城乡建设局"),
    ("应急物资储备库建设工程", "0.50", "市应急管理局"),
]
# (meeting date, kind, title, organisation, debt in 亿元, summary, opinion issued, report received)
ITEMS = [
    (D(2022, 6, 28), SupervisionItem.Kind.WORK_REPORT,
     "市人民政府关于2021年度环境状况和环境保护目标完成情况的报告", "嘉兴市生态环境局平湖分局", None,
     "常委会连续第七年听取环境状况报告，围绕碧水、蓝天、净土、清废攻坚开展审议，并由组成人员进行满意度测评。",
     D(2022, 7, 5), D(2022, 8, 29)),
    (D(2022, 8, 30), SupervisionItem.Kind.PLAN_BUDGET,
     "市人民政府关于上半年国民经济和社会发展计划执行情况的报告", "市发展和改革局", None,
     "审议上半年经济运行和计划执行情况，要求紧盯全年目标，落实稳进提质各项举措。",
     D(2022, 9, 6), D(2022, 10, 28)),
    (D(2022, 8, 30), SupervisionItem.Kind.PLAN_BUDGET,
     "2021年度市本级财政决算", "市财政局", None,
     "审查批准2021年度市本级财政决算，关注预算绩效和支出结构。",
     D(2022, 9, 6), D(2022, 11, 1)),
    (D(2022, 9, 27), SupervisionItem.Kind.DEBT,
     "市人民政府关于新增政府债务限额及2022年财政预算调整方案", "市财政局", "25.57",
     "分两批审查批准新增政府债务，两批合计25.57亿元；要求严控债务风险，资金用于在建重点项目。",
     None, None),
    (D(2022, 9, 27), SupervisionItem.Kind.WORK_REPORT,
     "市人民政府关于民生实事项目推进情况的报告", "市发展和改革局", None,
     "听取十项民生实事项目的推进情况，结合代表小组督查意见开展审议。",
     D(2022, 10, 9), D(2022, 11, 25)),
    (D(2022, 10, 26), SupervisionItem.Kind.STATE_ASSETS,
     "市人民政府关于市属企业国有资产管理情况的专项报告", "市财政局", None,
     "常委会首次审议市属企业国有资产管理情况，要求摸清国资家底，深化国企改革，守住风险底线。",
     D(2022, 11, 2), D(2022, 12, 26)),
    (D(2022, 10, 26), SupervisionItem.Kind.WORK_REPORT,
     "市人民政府关于政府重大投资项目实施情况的报告", "市发展和改革局", None,
     "审议政府重大投资项目的实施进度、资金到位和概算控制情况。",
     None, None),
    (D(2022, 11, 29), SupervisionItem.Kind.AUDIT,
     "市人民政府关于2021年度审计查出问题整改情况的报告", "市审计局", None,
     "听取审计查出问题的整改情况，推动联合督查机制落实，要求逐项销号。",
     D(2022, 12, 6), D(2023, 1, 31)),
    (D(2022, 11, 29), SupervisionItem.Kind.PLAN_BUDGET,
     "政府重大投资项目计划", "市发展和改革局", None,
     "审议通过11个政府重大投资项目，总投资21.96亿元，对投资超过2亿元的6个项目逐项票决。",
     None, None),
]  # fmt: skip
IDEA_SOURCES = [
    ProjectIdea.Source.HOTLINE,
    ProjectIdea.Source.MAILBOX,
    ProjectIdea.Source.PORTAL,
    ProjectIdea.Source.WECHAT,
    ProjectIdea.Source.DEPUTIES,
    ProjectIdea.Source.TOWN,
    ProjectIdea.Source.DEPARTMENT,
]
IDEAS_RECEIVED = 63


class _Out:
    def __init__(self, stdout):
        self.stdout = stdout or sys.stdout

    def __call__(self, message: str) -> None:
        self.stdout.write(message + "\n")


def load(*, stdout=None) -> None:
    """Add 2022's supervision items, votes and livelihood projects; skip what exists."""
    say = _Out(stdout)
    term = Term.objects.filter(number=16).first()
    session = Session.objects.filter(term=term, number=1).first() if term else None
    serving_at_vote = (
        Deputy.objects.filter(term=term)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=D(2022, 2, 18)))
        .order_by("card_number")
        if term
        else Deputy.objects.none()
    )
    if session is None or serving_at_vote.count() < 251:
        say(
            "supervision: the foundation demo (16th term, its 1st session, 251 or more deputies) "
            "is missing; skipped."
        )
        return
    orgs = {o.name: o for o in Organisation.objects.all()}
    with transaction.atomic():
        projects = _projects(say, orgs)
        _ideas(projects)
        _project_ballot(say, term, projects, list(serving_at_vote))
        committee = _committee(term)
        _implementation(say, term, projects)
        _project_evaluation(say, term, committee)
        items = _items(say, term, orgs)
        _environment_evaluation(say, term, items, committee)
        _major_projects(say, term, orgs, committee)
        _unit_evaluations(say, term, orgs)


def _rng(name: str) -> random.Random:
    return random.Random(f"{SEED}:{name}")  # noqa: S311 - demo data, not security


def _backdate(obj, moment: datetime.datetime) -> None:
    """Services stamp their timeline entries with the present; the demo's happened in 2022."""
    TimelineEntry.objects.for_object(obj).update(at=moment)


# --- Livelihood projects ------------------------------------------------------------------


def _projects(say, orgs) -> dict[str, LivelihoodProject]:
    projects = {}
    for order, (title, area, owner, wan, description, _selected) in enumerate(CANDIDATES, 1):
        project, _created = LivelihoodProject.objects.get_or_create(
            year=YEAR,
            title=title,
            defaults={
                "area": area,
                "owner": orgs.get(owner),
                "investment": Decimal(wan) * WAN,
                "description": description,
                "completion_target": "2022年12月底前",
                "order": order,
            },
        )
        projects[title] = project
        done = set(project.approvals.values_list("step", flat=True))
        for step, day in APPROVAL_DATES.items():
            if step not in done:
                services.project_approval_record(project=project, step=step, decided_on=day)
                _backdate(project, at(day, 17))
    return projects


def _ideas(projects) -> None:
    if ProjectIdea.objects.filter(year=YEAR).exists():
        return
    rng = _rng("ideas")
    titles = list(projects)
    ideas = []
    for i in range(IDEAS_RECEIVED):
        title = titles[i % len(titles)] if i < 36 else None
        area = projects[title].area if title else rng.choice(["停车", "绿化", "文化", "就业"])
        ideas.append(
            ProjectIdea(
                year=YEAR,
                source=rng.choice(IDEA_SOURCES),
                text=f"关于{area}方面民生实事的意见建议（第{i + 1}条）",
                received_on=D(2021, 9, 1) + datetime.timedelta(days=rng.randrange(0, 75)),
                project=projects[title] if title else None,
            )
        )
    ProjectIdea.objects.bulk_create(ideas)


def _project_ballot(say, term, projects, roll) -> None:
    first = next(iter(projects.values()))
    if first.ballot_option_id:
        return
    day = D(2022, 2, 18)
    poll = services.livelihood_ballot_create(
        year=YEAR,
        title="2022年平湖市民生实事项目票决",
        opens_at=at(day, 9, 30),
        closes_at=at(day, 11, 30),
        max_choices=10,
        seats=10,
        term=term,
    )
    services.poll_open(poll=poll, voters=roll)
    # 251 of the deputies present voted; the absent (on leave) are not among them.
    rng = _rng("project-ballot")
    present = [d for d in roll if d.card_number not in ABSENT_FROM_SESSION]
    voters = sorted(rng.sample(present, 251), key=lambda d: d.card_number)
    options = list(poll.options.order_by("order"))
    selected = {title for title, *_rest, chosen in CANDIDATES if chosen}
    # Each deputy leaves out two or three candidates; the two that lost are left out far more.
    weights = [9.0 if o.label not in selected else rng.uniform(0.6, 1.6) for o in options]
    ballots = []
    for _voter in voters:
        left_out: set[int] = set()
        wanted = 3 if rng.random() < 0.12 else 2
        while len(left_out) < wanted:
            left_out.add(rng.choices(range(len(options)), weights)[0])
        ballots.append({str(o.pk): rules.YES for i, o in enumerate(options) if i not in left_out})
    _store_ballots(poll, voters, ballots)
    result = services.poll_close(poll=poll, present=session_present(term))
    services.poll_publish(poll=poll)
    _settle(poll, result, at(day, 11, 45))
    outcome = result.summary
    if outcome.tied or len(outcome.selected) != 10:  # pragma: no cover - fixed by the seed
        raise RuntimeError("the demo ballot should select 10 projects without a tie")
    services.livelihood_selection_record(poll=poll)
    for project in projects.values():
        _backdate(project, at(day, 12))
    say(f"supervision: project ballot counted, {outcome.cast} deputies voted, 10 selected.")


def session_present(term) -> int | None:
    session = Session.objects.filter(term=term, number=1).first()
    return session.deputies_present if session else None


def _store_ballots(poll, voters, ballots) -> None:
    """Receipts and ballots in bulk, the ballots shuffled: their order says nothing of the voters.

    The marks come from the seeded draw, so who cast which must not: the shuffle is drawn from
    the system's random source, never from the seed (rerunning the draw would relink them).
    """
    secrets.SystemRandom().shuffle(ballots)
    BallotReceipt.objects.bulk_create(BallotReceipt(poll=poll, voter=v) for v in voters)
    Ballot.objects.bulk_create(Ballot(poll=poll, marks=marks) for marks in ballots)


def _settle(poll, result, moment) -> None:
    Result.objects.filter(pk=result.pk).update(computed_at=moment)
    _backdate(poll, moment)


def _committee(term) -> list[Deputy]:
    """A stand-in roll for the standing committee: 吴金华 and 34 deputies drawn by the seed."""
    rng = _rng("committee")
    deputies = list(Deputy.objects.filter(term=term).serving().order_by("card_number"))
    chair = [d for d in deputies if d.name == "吴金华"]
    others = [d for d in deputies if d.name != "吴金华"]
    return chair + rng.sample(others, 35 - len(chair))


def _graded_ballots(options, voters, rng, weights) -> list[dict]:
    grades = rules.grade_codes(rules.Method.EVALUATION)
    return [{str(o.pk): rng.choices(grades, weights)[0] for o in options} for _v in voters]


def _implementation(say, term, projects) -> None:
    rng = _rng("implementation")
    groups = {g.name: g for g in DeputyGroup.objects.filter(term=term)}
    for project in projects.values():
        # The selection was recorded by a service with an UPDATE: read the status it left.
        project.refresh_from_db(fields=["status"])
        if project.status != LivelihoodProject.Status.SELECTED:
            continue
        if not project.milestones.exists():
            progress = UNFINISHED.get(project.title, 100)
            plan = [
                ("实施方案制定并公布", D(2022, 3, 31)),
                ("完成年度任务的一半", D(2022, 7, 31)),
                ("全面完成并通过验收", D(2022, 12, 20)),
            ]
            Milestone.objects.bulk_create(
                Milestone(
                    project=project,
                    title=title,
                    due_on=due,
                    done_on=(
                        None
                        if i == 2 and progress < 100
                        else due - datetime.timedelta(days=rng.randrange(0, 12))
                    ),
                )
                for i, (title, due) in enumerate(plan)
            )
            LivelihoodProject.objects.filter(pk=project.pk).update(progress=progress)
    for title, group_name, day, place, notes in INSPECTIONS:
        group, project = groups.get(group_name), projects.get(title)
        if group is None or project is None:
            say(f"supervision: deputy group {group_name} not found; inspection skipped.")
            continue
        Inspection.objects.get_or_create(
            project=project, group=group, date=day, defaults={"place": place, "notes": notes}
        )


def _project_evaluation(say, term, committee) -> None:
    if LivelihoodProject.objects.filter(year=YEAR).exclude(evaluation_option=None).exists():
        return
    day = D(2022, 12, 27)
    poll = services.livelihood_evaluation_create(
        year=YEAR,
        title="2022年民生实事项目实施情况满意度测评",
        opens_at=at(day, 14),
        closes_at=at(day, 16),
        term=term,
    )
    services.poll_open(poll=poll, voters=committee)
    rng = _rng("project-evaluation")
    voters = sorted(rng.sample(committee, 33), key=lambda d: d.card_number)
    options = list(poll.options.all())
    _store_ballots(poll, voters, _graded_ballots(options, voters, rng, [85, 14, 1]))
    result = services.poll_close(poll=poll)
    services.poll_publish(poll=poll)
    _settle(poll, result, at(day, 16, 30))
    say("supervision: year-end evaluation of the ten projects counted.")


# --- Supervision items --------------------------------------------------------------------


def _items(say, term, orgs) -> dict[str, SupervisionItem]:
    meetings = {
        m.date: m for m in Meeting.objects.filter(term=term, kind=Meeting.Kind.STANDING_COMMITTEE)
    }
    items = {}
    for day, kind, title, org, debt, summary, issued, received in ITEMS:
        meeting = meetings.get(day)
        if meeting is None:
            say(f"supervision: no standing-committee meeting on {day}; {title} skipped.")
            continue
        item, created = SupervisionItem.objects.get_or_create(
            meeting=meeting,
            title=title,
            defaults={
                "kind": kind,
                "reporting_organisation": orgs.get(org),
                "debt_amount": Decimal(debt) * YI if debt else None,
                "summary": summary,
            },
        )
        items[title] = item
        if not created:
            continue
        services.supervision_item_publish(item=item)
        if issued:
            opinion = services.review_opinion_issue(
                item=item,
                issued_on=issued,
                text="建议进一步压实责任，细化举措，对审议中指出的问题逐项整改，并按时书面报告研究处理情况。",
            )
            services.rectification_report_receive(
                opinion=opinion,
                received_on=received,
                text="已对审议意见逐条研究，明确责任单位和完成时限，相关整改措施正在落实。",
            )
        _backdate(item, at(day, 17))
    return items


def _environment_evaluation(say, term, items, committee) -> None:
    item = items.get(ITEMS[0][2])
    if item is None or item.satisfaction_poll_id:
        return
    day = ITEMS[0][0]
    poll = services.poll_create(
        kind=Poll.Kind.SATISFACTION,
        title="对2021年度环境状况和环境保护目标完成情况报告的满意度测评",
        options=[{"label": "2021年度环境状况和环境保护目标完成情况报告"}],
        opens_at=at(day, 15),
        closes_at=at(day, 16),
        term=term,
    )
    services.poll_open(poll=poll, voters=committee)
    rng = _rng("environment-evaluation")
    voters = sorted(rng.sample(committee, 32), key=lambda d: d.card_number)
    options = list(poll.options.all())
    _store_ballots(poll, voters, _graded_ballots(options, voters, rng, [80, 18, 2]))
    result = services.poll_close(poll=poll)
    services.poll_publish(poll=poll)
    _settle(poll, result, at(day, 16, 15))
    SupervisionItem.objects.filter(pk=item.pk).update(satisfaction_poll=poll)
    outcome = result.summary.lines[0].outcome
    say(f"supervision: environment report evaluated: {outcome}.")


# The units the deputies rated at the year's end, and the weights of their grades (满意, 基本满意,
# 不满意): the two the scorecard fails (proposals/demo.py) are rated lower.
UNIT_EVALUATIONS = {
    "市交通运输局": [88, 11, 1],
    "市水利局": [84, 14, 2],
    "市民政局": [86, 13, 1],
    "市综合行政执法局": [46, 44, 10],
    "市教育局": [52, 40, 8],
}


def _unit_evaluations(say, term, orgs) -> None:
    if UnitEvaluation.objects.filter(year=YEAR).exists():
        return
    units = [orgs[name] for name in UNIT_EVALUATIONS if name in orgs]
    if not units:
        return
    day = D(2022, 12, 28)
    polls = services.unit_evaluations_open(
        year=YEAR, organisations=units, opens_at=at(day, 9), closes_at=at(day, 17), term=term
    )
    rng = _rng("unit-evaluations")
    for unit, poll in zip(units, polls, strict=True):
        roll = list(Deputy.objects.filter(poll_rolls__poll=poll).order_by("card_number"))
        voters = sorted(rng.sample(roll, len(roll) * 9 // 10), key=lambda d: d.card_number)
        options = list(poll.options.all())
        weights = UNIT_EVALUATIONS[unit.name]
        _store_ballots(poll, voters, _graded_ballots(options, voters, rng, weights))
        result = services.poll_close(poll=poll)
        services.poll_publish(poll=poll)
        _settle(poll, result, at(day, 17, 30))
    say(f"supervision: {len(polls)} handling units rated by the deputies.")


def _major_projects(say, term, orgs, committee) -> None:
    for name, yi, owner in MAJOR_PROJECTS:
        MajorProject.objects.get_or_create(
            year=YEAR,
            name=name,
            defaults={"investment": Decimal(yi) * YI, "owner": orgs.get(owner)},
        )
    if MajorProject.objects.filter(year=YEAR).exclude(approval_option=None).exists():
        return
    day = D(2022, 11, 29)
    poll = services.major_project_poll_create(
        year=YEAR,
        title="政府重大投资项目票决（总投资超2亿元的项目）",
        opens_at=at(day, 15),
        closes_at=at(day, 16),
        term=term,
    )
    services.poll_open(poll=poll, voters=committee)
    rng = _rng("major-projects")
    voters = sorted(rng.sample(committee, 33), key=lambda d: d.card_number)
    options = list(poll.options.all())
    grades = rules.grade_codes(rules.Method.APPROVAL)
    ballots = [{str(o.pk): rng.choices(grades, [95, 2, 3])[0] for o in options} for _v in voters]
    _store_ballots(poll, voters, ballots)
    result = services.poll_close(poll=poll)
    services.poll_publish(poll=poll)
    _settle(poll, result, at(day, 16, 15))
    approved = len(result.summary.selected)
    say(f"supervision: {approved} of {len(options)} major projects approved by vote.")


register(
    Step(
        "supervision",
        app_step(load),
        (
            SupervisionItem,
            Poll,
            BallotReceipt,
            Ballot,
            LivelihoodProject,
            MajorProject,
            UnitEvaluation,
        ),
        order=70,
    )
)


# Filing review registers its own step (after the supervision items, before the review).
# Networked budget supervision likewise.
from supervision.budget import demo as budget_demo  # noqa: E402,F401
from supervision.filing import demo as filing_demo  # noqa: E402,F401
