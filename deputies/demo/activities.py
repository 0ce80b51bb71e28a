"""Each deputy's 2022 activities (履职记录): the session, trainings, group work, receptions and more.

Almost all are verified; a handful from late December are still waiting for staff to check them.
"""

import datetime
from decimal import Decimal

from congress.demo.base import DemoContext, sync_rows
from congress.demo.reference import ABSENT_FROM_SESSION, CHAIRS_MEETINGS, STANDING_MEETINGS
from deputies.models import Activity, ActivityKind, Deputy, DeputyGroup

D = datetime.date
K = ActivityKind

HOURS = {
    K.MEETING: 4,
    K.INSPECTION: 3,
    K.RESEARCH: 3,
    K.TRAINING: 8,
    K.RECEPTION: 2.5,
    K.GROUP: 2,
    K.REPORT: 2,
    K.OTHER: 2,
}
EVIDENCE = {
    K.MEETING: "会议签到记录",
    K.INSPECTION: "活动签到表和现场照片",
    K.RESEARCH: "活动签到表和调研记录",
    K.TRAINING: "培训签到表",
    K.RECEPTION: "接待登记表",
    K.GROUP: "小组活动记录",
    K.REPORT: "述职报告和选民评议表",
    K.OTHER: "活动照片",
}

# A constituency group's year: (month, day, kind, title); {town} is the group's town.
GROUP_YEAR = [
    (3, 22, K.GROUP, "代表小组年度工作会议，制订全年活动计划"),
    (4, 19, K.INSPECTION, "视察{town}老旧小区改造和农村道路建设"),
    (5, 17, K.RESEARCH, "调研{town}村级集体经济发展情况"),
    (6, 21, K.INSPECTION, "视察民生实事项目推进情况"),
    (7, 26, K.RESEARCH, "调研{town}企业稳产达产和用工情况"),
    (8, 16, K.GROUP, "代表小组半年工作交流，跟进选民意见办理"),
    (9, 20, K.INSPECTION, "视察{town}农村生活污水治理设施运行"),
    (10, 18, K.RESEARCH, "调研{town}“一老一小”服务设施建设"),
    (11, 15, K.GROUP, "代表小组集中学习党的二十大精神"),
    (12, 13, K.GROUP, "代表小组年终工作交流，梳理下一年度建议选题"),
]
# Activities the review mentions, replacing the generic one of the same month.
GROUP_SPECIAL = {
    ("孙建峰代表小组", 5): (18, K.INSPECTION, "走进独山港镇视察农村危房改造项目进展"),
    ("孙建峰代表小组", 9): (15, K.INSPECTION, "视察南湖公园和行政服务中心帮扶困难群众项目建设"),
    ("当湖一组", 6): (16, K.INSPECTION, "督查“健康关爱”民生实事项目完成情况"),
    ("当湖二组", 6): (23, K.INSPECTION, "督查“健康关爱”民生实事项目完成情况"),
    ("当湖三组", 6): (14, K.INSPECTION, "督查“养老服务”民生实事项目完成情况"),
    ("当湖四组", 6): (28, K.INSPECTION, "督查“养老服务”民生实事项目完成情况"),
    ("曹桥街道代表小组", 5): (12, K.RESEARCH, "走进钟埭街道沈家弄村，了解美丽乡村项目进展"),
}
PROFESSIONAL_YEAR = {
    "财经专业小组": [
        (4, 14, K.RESEARCH, "调研一季度经济运行和助企纾困政策落实"),
        (8, 11, K.RESEARCH, "调研上半年计划执行和2021年度决算"),
        (10, 13, K.RESEARCH, "调研市属企业国有资产管理情况"),
        (11, 10, K.INSPECTION, "督查审计查出问题整改情况"),
    ],
    "城建环资专业小组": [
        (5, 10, K.INSPECTION, "视察重点河道水环境治理"),
        (6, 9, K.RESEARCH, "调研大气污染防治和“清废”行动"),
        (10, 18, K.INSPECTION, "视察政府重大投资项目建设"),
        (11, 17, K.RESEARCH, "调研农村杆线整治工作"),
    ],
    "社会建设专业小组": [
        (4, 21, K.RESEARCH, "调研县域医共体建设"),
        (6, 16, K.INSPECTION, "视察“养老服务”民生实事项目"),
        (9, 22, K.RESEARCH, "调研学前教育资源供给"),
        (11, 24, K.INSPECTION, "视察就业帮扶和困难群众救助工作"),
    ],
    "农业农村专业小组": [
        (4, 7, K.RESEARCH, "调研粮食生产功能区建设和春耕备耕"),
        (6, 7, K.INSPECTION, "视察未来乡村和美丽乡村精品线建设"),
        (8, 18, K.RESEARCH, "调研“强村富民”支持政策落实"),
        (11, 3, K.INSPECTION, "视察“四好农村路”建设"),
    ],
}
# Activities the standing committee organises, with deputies invited from every town:
# (date, kind, title, how many, people the review names who took part).
INVITED = [
    (D(2022, 4, 12), K.RESEARCH, "参加“扩中”“提低”议案办理专题调研", 20, ["沈永良"]),
    (D(2022, 5, 24), K.INSPECTION, "参加市人大常委会生态环境状况专题视察", 20, []),
    (D(2022, 10, 13), K.RESEARCH, "参加政府重大投资项目实施情况专题调研", 15, []),
    (D(2022, 11, 8), K.INSPECTION, "参加代表建议办理“回头看”督查", 20, ["徐杰"]),
    (D(2022, 12, 1), K.INSPECTION, "参加“扩中”“提低”决议落实督查会", 15, ["沈永良", "吴金华"]),
    (
        D(2022, 12, 16),
        K.TRAINING,
        "参加“感悟党的二十大精神，勇担新时代履职使命”履职培训学习成果交流会",
        45,
        ["朱晓燕"],
    ),
]
CAPACITY_BATCHES = [  # (date, delegations) of the capacity-training classes
    (D(2022, 6, 14), ["当湖街道"]),
    (D(2022, 6, 28), ["钟埭街道", "曹桥街道", "乍浦镇"]),
    (D(2022, 7, 12), ["新埭镇", "新仓镇", "广陈镇"]),
    (D(2022, 9, 20), ["林埭镇", "独山港镇"]),
]


def day_between(rng, start: D, end: D) -> D:
    day = start + datetime.timedelta(days=rng.randrange((end - start).days + 1))
    return day + datetime.timedelta(days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0)


def load(ctx: DemoContext) -> None:
    rng = ctx.rng("activities")
    deputies = list(ctx.deputies.values())
    serving = [d for d in deputies if d.status == Deputy.Status.SERVING]
    town_of = {d.pk: name for name, d in ctx.delegations.items()}
    rows: dict[tuple, dict] = {}

    def add(deputy: Deputy, kind: str, day: D, title: str, hours=None) -> None:
        if deputy.ended_on and day >= deputy.ended_on:
            return
        rows[(deputy.pk, kind, day, title)] = {
            "deputy_id": deputy.pk,
            "kind": kind,
            "date": day,
            "title": title,
            "hours": Decimal(str(hours if hours is not None else HOURS[kind])).quantize(
                Decimal("0.1")
            ),
            "evidence": EVIDENCE[kind],
            "verified": True,
        }

    def some(pool, share):
        return [d for d in pool if rng.random() < share]

    # The 1st session and standing-committee meetings.
    for d in deputies:
        if d.card_number not in ABSENT_FROM_SESSION:
            add(d, K.MEETING, D(2022, 2, 14), "出席市十六届人大一次会议", 30)
    director = ctx.deputy("吴金华")
    for number, (day, _agenda) in enumerate(STANDING_MEETINGS, 1):
        add(director, K.MEETING, day, f"出席市人大常委会第{number}次会议")
        for d in rng.sample(serving, 6):
            if d != director:
                add(d, K.MEETING, day, f"列席市人大常委会第{number}次会议")
    for number, (day, _agenda) in enumerate(CHAIRS_MEETINGS, 1):
        add(director, K.MEETING, day, f"出席市人大常委会第{number}次主任会议", 2)

    # Training: the initial course for first-time deputies, then capacity classes by delegation.
    for d in some(serving, 0.65):
        add(d, K.TRAINING, D(2022, 3, 10), "参加市十六届人大代表初任培训")
    for number, (day, towns) in enumerate(CAPACITY_BATCHES, 1):
        for d in deputies:
            if town_of[d.delegation_id] in towns and (d.name == "朱晓燕" or rng.random() < 0.92):
                add(d, K.TRAINING, day, f"参加市人大常委会履职能力提升培训班（第{number}期）")

    # Deputy groups: about 90 % of the members take part in each activity.
    for group, members in ctx.group_members.items():
        if ctx.groups[group].kind == DeputyGroup.Kind.CONSTITUENCY:
            town = town_of[members[0].delegation_id]
            year = []
            for month, day, kind, title in GROUP_YEAR:
                day, kind, title = GROUP_SPECIAL.get((group, month), (day, kind, title))
                year.append((D(2022, month, day), kind, title.format(town=town)))
        else:
            year = [
                (D(2022, m, day), kind, title) for m, day, kind, title in PROFESSIONAL_YEAR[group]
            ]
        leader_id = ctx.groups[group].leader_id
        for day, kind, title in year:
            for d in members:
                if d.pk == leader_id or rng.random() < 0.9:
                    add(d, kind, day, title)

    for day, kind, title, size, names in INVITED:
        named = [ctx.deputy(n) for n in names]
        for d in named + rng.sample([d for d in serving if d not in named], size - len(named)):
            add(d, kind, day, title, 3 if kind == K.TRAINING else None)

    # The "百日攻坚" forums: 38 held in the towns between late July and October.
    towns = list(ctx.delegations)
    for i in range(38):
        town = towns[i % len(towns)]
        pool = [d for d in serving if town_of[d.delegation_id] == town]
        day = day_between(rng, D(2022, 7, 20), D(2022, 10, 28))
        for d in rng.sample(pool, rng.randint(4, 6)):
            add(d, K.RESEARCH, day, "参加经济稳进提质“百日攻坚”座谈会", 2)

    # One reception activity per duty at a station.
    station_names = {s.pk: name for name, s in ctx.stations.items()}
    for reception, on_duty in ctx.reception_duties:
        for d in on_duty:
            add(d, K.RECEPTION, reception.date, f"在{station_names[reception.station_id]}接待选民")

    # Quarterly meetings of each station's deputies.
    for station, members in ctx.stationed.items():
        for day in (D(2022, 4, 8), D(2022, 7, 8), D(2022, 10, 14)):
            for d in members:
                if rng.random() < 0.85:
                    add(d, K.OTHER, day, f"参加{station}季度工作例会", 1.5)

    # Reporting to voters, spreading the 20th Party Congress's message, typhoon and epidemic duty.
    for d in some(serving, 0.25):
        add(
            d,
            K.REPORT,
            day_between(rng, D(2022, 11, 14), D(2022, 12, 23)),
            "向选区选民报告履职情况",
        )
    for d in some(serving, 0.4):
        place = rng.choice(["企业", "社区", "村"])
        add(
            d,
            K.OTHER,
            day_between(rng, D(2022, 11, 1), D(2022, 11, 30)),
            f"进{place}宣讲党的二十大精神",
        )
    for d in some(serving, 0.2):
        add(d, K.OTHER, day_between(rng, D(2022, 4, 6), D(2022, 5, 20)), "参加疫情防控志愿服务", 4)
    for d in some(serving, 0.15):
        add(d, K.OTHER, D(2022, 9, 14), "下沉一线参与台风“梅花”防御值守", 6)

    # A handful recorded in late December wait for staff to verify them.
    late = sorted(
        k
        for k, row in rows.items()
        if row["date"] >= D(2022, 12, 19) and row["kind"] in (K.REPORT, K.OTHER, K.GROUP)
    )
    for key in rng.sample(late, min(12, len(late))):
        rows[key]["verified"] = False

    sync_rows(
        Activity.objects.filter(deputy__term=ctx.term, date__year=2022),
        ["deputy_id", "kind", "date", "title"],
        list(rows.values()),
    )
