"""Reference data: terms, the 1st session, 2022 meetings, towns, handling units, categories."""

import datetime

from congress.demo.base import DemoContext, Step, at, register, sync_rows
from congress.models import Category, Meeting, Organisation, Session, Term, Town

D = datetime.date

# The 1st session's roll: the deputies' demo step elects exactly this many (deputies/demo/people.py
# checks it), and these six were on leave (present: 276 of 282; 251 took part in the project vote).
DEPUTY_TOTAL = 282
ABSENT_FROM_SESSION = ["PH16-009", "PH16-064", "PH16-131", "PH16-177", "PH16-203", "PH16-260"]

# (number, start, end). A term lasts until the next congress convenes.
TERMS = [(15, D(2017, 1, 9), D(2022, 2, 13)), (16, D(2022, 2, 14), D(2027, 2, 13))]

# Streets first (the city seat leading), then the towns from north-west to south-east.
TOWNS = [
    ("当湖街道", Town.Kind.STREET),
    ("钟埭街道", Town.Kind.STREET),
    ("曹桥街道", Town.Kind.STREET),
    ("乍浦镇", Town.Kind.TOWN),
    ("新埭镇", Town.Kind.TOWN),
    ("新仓镇", Town.Kind.TOWN),
    ("广陈镇", Town.Kind.TOWN),
    ("林埭镇", Town.Kind.TOWN),
    ("独山港镇", Town.Kind.TOWN),
]

# Standing-committee meetings of 2022 in the 16th term: (date, agenda lines).
STANDING_MEETINGS = [
    (
        D(2022, 2, 24),
        [
            "通过市人大常委会2022年工作要点、监督工作计划和代表工作计划",
            "决定任命市人民政府部分组成人员",
        ],
    ),
    (
        D(2022, 4, 27),
        [
            "听取和审议市人民政府关于“扩中”“提低”议案办理工作的报告",
            "审议通过关于加快推进“扩中”“提低”行动议案处理意见的决议",
            "听取和审议市人民法院关于优化法治化营商环境工作情况的报告",
        ],
    ),
    (
        D(2022, 6, 28),
        [
            "听取和审议市人民政府关于2021年度环境状况和环境保护目标完成情况的报告，并进行满意度测评",
            "审查批准市人民政府关于新增政府债务限额及2022年财政预算调整方案（第一批）",
        ],
    ),
    (
        D(2022, 8, 30),
        [
            "听取和审议市人民政府关于上半年国民经济和社会发展计划执行情况的报告",
            "审查批准2021年度市本级财政决算",
            "听取和审议市人民政府关于2021年度市本级预算执行和其他财政收支的审计工作报告",
        ],
    ),
    (
        D(2022, 9, 27),
        [
            "审查批准市人民政府关于新增政府债务限额及2022年财政预算调整方案（第二批），两批合计新增政府债务25.57亿元",
            "听取和审议市人民政府关于民生实事项目推进情况的报告",
        ],
    ),
    (
        D(2022, 10, 26),
        [
            "首次听取和审议市人民政府关于市属企业国有资产管理情况的专项报告",
            "听取和审议市人民政府关于政府重大投资项目实施情况的报告",
        ],
    ),
    (
        D(2022, 11, 29),
        [
            "听取和审议市人民政府关于2021年度审计查出问题整改情况的报告",
            "审议政府重大投资项目计划（11个项目，总投资21.96亿元），对总投资超2亿元的6个项目进行票决",
        ],
    ),
    (
        D(2022, 12, 27),
        [
            "决定召开市第十六届人民代表大会第二次会议",
            "听取和审议市人民政府关于“扩中”“提低”决议落实情况的报告",
            "通过市人大常委会2023年度监督工作计划（草案）",
        ],
    ),
]

# Chair's meetings that prepare them, plus a few on their own.
CHAIRS_MEETINGS = [
    (D(2022, 2, 21), "研究常委会第一次会议议程和日程；确定2022年重点督办建议"),
    (D(2022, 3, 16), "研究代表建议交办方案；部署代表初任培训"),
    (D(2022, 4, 20), "研究常委会第二次会议议程和日程"),
    (D(2022, 5, 25), "研究代表联络站建设和“六码(马)民情通”场景应用推进工作"),
    (D(2022, 6, 21), "研究常委会第三次会议议程和日程；听取代表建议办理答复情况汇报"),
    (D(2022, 7, 19), "研究助推经济稳进提质“百日攻坚”工作方案和向代表发出的倡议书"),
    (D(2022, 8, 23), "研究常委会第四次会议议程和日程"),
    (D(2022, 9, 20), "研究常委会第五次会议议程和日程"),
    (D(2022, 10, 19), "研究常委会第六次会议议程和日程；部署代表学习宣讲党的二十大精神"),
    (D(2022, 11, 22), "研究常委会第七次会议议程和日程；研究“扩中”“提低”决议落实督查方案"),
    (D(2022, 12, 20), "研究常委会第八次会议议程和日程；研究市十六届人大二次会议筹备工作"),
]

CATEGORIES = [
    "经济建设",
    "城乡建设",
    "环境资源",
    "民生事业",
    "农业农村",
    "法治建设",
    "教科文卫",
    "其他",
]

# Handling units: (name, short name, kind). Town governments are added from TOWNS.
ORGANISATIONS = [
    ("市发展和改革局", "发改局", Organisation.Kind.GOVERNMENT),
    ("市经济和信息化局", "经信局", Organisation.Kind.GOVERNMENT),
    ("市教育局", "教育局", Organisation.Kind.GOVERNMENT),
    ("市科学技术局", "科技局", Organisation.Kind.GOVERNMENT),
    ("市公安局", "公安局", Organisation.Kind.GOVERNMENT),
    ("市民政局", "民政局", Organisation.Kind.GOVERNMENT),
    ("市司法局", "司法局", Organisation.Kind.GOVERNMENT),
    ("市财政局", "财政局", Organisation.Kind.GOVERNMENT),
    ("市人力资源和社会保障局", "人力社保局", Organisation.Kind.GOVERNMENT),
    ("市自然资源和规划局", "自然资源规划局", Organisation.Kind.GOVERNMENT),
    ("嘉兴市生态环境局平湖分局", "生态环境分局", Organisation.Kind.GOVERNMENT),
    ("市住房和城乡建设局", "住建局", Organisation.Kind.GOVERNMENT),
    ("市交通运输局", "交通运输局", Organisation.Kind.GOVERNMENT),
    ("市水利局", "水利局", Organisation.Kind.GOVERNMENT),
    ("市农业农村局", "农业农村局", Organisation.Kind.GOVERNMENT),
    ("市商务局", "商务局", Organisation.Kind.GOVERNMENT),
    ("市文化广电旅游体育局", "文广旅体局", Organisation.Kind.GOVERNMENT),
    ("市卫生健康局", "卫健局", Organisation.Kind.GOVERNMENT),
    ("市退役军人事务局", "退役军人局", Organisation.Kind.GOVERNMENT),
    ("市应急管理局", "应急管理局", Organisation.Kind.GOVERNMENT),
    ("市审计局", "审计局", Organisation.Kind.GOVERNMENT),
    ("市市场监督管理局", "市场监管局", Organisation.Kind.GOVERNMENT),
    ("市统计局", "统计局", Organisation.Kind.GOVERNMENT),
    ("市医疗保障局", "医保局", Organisation.Kind.GOVERNMENT),
    ("市综合行政执法局", "综合执法局", Organisation.Kind.GOVERNMENT),
    ("市大数据发展管理局", "大数据局", Organisation.Kind.GOVERNMENT),
    ("市信访局", "信访局", Organisation.Kind.GOVERNMENT),
    ("市人民防空办公室", "人防办", Organisation.Kind.GOVERNMENT),
    ("市供销合作社联合社", "供销社", Organisation.Kind.GOVERNMENT),
    ("市气象局", "气象局", Organisation.Kind.GOVERNMENT),
    ("市人民法院", "法院", Organisation.Kind.COURT),
    ("市人民检察院", "检察院", Organisation.Kind.PROCURATORATE),
    ("国网浙江平湖市供电公司", "供电公司", Organisation.Kind.OTHER),
    ("市消防救援大队", "消防救援大队", Organisation.Kind.OTHER),
]


def town_government(name: str) -> str:
    return f"{name}办事处" if name.endswith("街道") else f"{name}人民政府"


def load(ctx: DemoContext) -> None:
    terms = sync_rows(
        Term.objects.all(),
        ["number"],
        [{"number": n, "start_date": s, "end_date": e} for n, s, e in TERMS],
    )
    ctx.term = terms[-1]

    opening = D(2022, 2, 14)
    (ctx.session,) = sync_rows(
        Session.objects.all(),
        ["term_id", "number"],
        [
            {
                "term_id": ctx.term.pk,
                "number": 1,
                "start_date": opening,
                "end_date": D(2022, 2, 18),
                # The presidium sets the motion deadline; suggestions run until the day before closing.
                "motion_deadline": at(D(2022, 2, 16), 12),
                "suggestion_deadline": at(D(2022, 2, 17), 17),
                "deputies_due": DEPUTY_TOTAL,
                "deputies_present": DEPUTY_TOTAL - len(ABSENT_FROM_SESSION),
            }
        ],
    )

    meetings = [
        {
            "term_id": ctx.term.pk,
            "kind": Meeting.Kind.STANDING_COMMITTEE,
            "number": i,
            "date": day,
            "agenda": "\n".join(lines),
        }
        for i, (day, lines) in enumerate(STANDING_MEETINGS, start=1)
    ] + [
        {
            "term_id": ctx.term.pk,
            "kind": Meeting.Kind.CHAIRS,
            "number": i,
            "date": day,
            "agenda": agenda,
        }
        for i, (day, agenda) in enumerate(CHAIRS_MEETINGS, start=1)
    ]
    sync_rows(Meeting.objects.filter(term=ctx.term), ["term_id", "kind", "number"], meetings)

    towns = sync_rows(
        Town.objects.all(),
        ["name"],
        [{"name": name, "kind": kind, "order": i} for i, (name, kind) in enumerate(TOWNS, 1)],
    )
    ctx.towns = {t.name: t for t in towns}

    rows = [
        {
            "name": name,
            "short_name": short,
            "kind": kind,
            "order": i,
            "parent_id": None,
            "town_id": None,
            "active": True,
        }
        for i, (name, short, kind) in enumerate(ORGANISATIONS, 1)
    ] + [
        {
            "name": town_government(t.name),
            "short_name": t.name,
            "kind": Organisation.Kind.TOWN,
            "order": 100 + t.order,
            "parent_id": None,
            "town_id": t.pk,
            "active": True,
        }
        for t in towns
    ]
    orgs = {o.name: o for o in sync_rows(Organisation.objects.all(), ["name"], rows)}
    # 独山港镇's village-and-town construction office handles the 周圩 floor-crack case.
    parent = orgs[town_government("独山港镇")]
    (office,) = sync_rows(
        Organisation.objects.all(),
        ["name"],
        [
            {
                "name": "独山港镇村镇建设管理办公室",
                "short_name": "独山港镇村建办",
                "kind": Organisation.Kind.TOWN,
                "order": 120,
                "parent_id": parent.pk,
                "town_id": parent.town_id,
                "active": True,
            }
        ],
    )
    orgs[office.name] = office
    ctx.organisations = orgs

    sync_rows(
        Category.objects.filter(term=ctx.term),
        ["term_id", "name"],
        [
            {"term_id": ctx.term.pk, "name": name, "order": i}
            for i, name in enumerate(CATEGORIES, 1)
        ],
    )


register(
    Step(
        "reference",
        load,
        (Term, Session, Meeting, Town, Organisation, Category),
        order=10,
    )
)
