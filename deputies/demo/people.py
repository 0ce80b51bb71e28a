"""People: delegations, the 16th term's deputies (the seed article's named people among them),
their logins and the staff superuser, and deputy groups.
"""

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password

from congress.demo.base import DemoContext, sync_m2m, sync_rows
from congress.demo.reference import DEPUTY_TOTAL
from deputies.models import Delegation, Deputy, DeputyGroup

D = datetime.date

# Seats per delegation, roughly by resident population; 282 in all (our assumption: the
# article only says that 251 deputies voted on the livelihood projects).
DELEGATION_SIZES = {
    "当湖街道": 70,
    "钟埭街道": 28,
    "曹桥街道": 24,
    "乍浦镇": 36,
    "新埭镇": 26,
    "新仓镇": 24,
    "广陈镇": 18,
    "林埭镇": 22,
    "独山港镇": 34,
}
if (
    sum(DELEGATION_SIZES.values()) != DEPUTY_TOTAL
):  # the session's roll (congress/demo/reference.py)
    raise ValueError("the delegations' seats must add up to the session's DEPUTY_TOTAL")

# The people the 2022 review names: (name, gender, town, party, occupation, sector, bio).
NAMED = [
    (
        "吴金华",
        "M",
        "当湖街道",
        "中共党员",
        "市人大常委会主任",
        "official",
        "市第十六届人民代表大会常务委员会主任。主持常委会工作，多次到基层联络站和代表小组调研，"
        "推动代表建议办理和“扩中”“提低”决议的落实督查。",
    ),
    (
        "沈永良",
        "M",
        "当湖街道",
        "中共党员",
        "民营企业董事长",
        "business",
        "长期从事制造业经营。在市十六届人大一次会议上领衔23位代表提出加快推进“扩中”“提低”行动的议案，"
        "被大会列为议案，并跟进议案办理和决议落实。",
    ),
    (
        "孙建峰",
        "M",
        "当湖街道",
        "中共党员",
        "当湖街道社区党委书记",
        "social",
        "任代表小组组长，带领小组成员视察危房改造和帮扶困难群众项目，围绕项目管理、宣传和设施维护提出意见建议。",
    ),
    (
        "孙国强",
        "M",
        "钟埭街道",
        "中共党员",
        "钟埭街道沈家弄村党委书记",
        "agri",
        "在农村基层工作二十年。围绕乡村振兴发展村级集体经济、建设美丽乡村精品线，"
        "所在的沈家弄村先后获评全省首批未来乡村和全省数字乡村“金翼奖”“百优村”。",
    ),
    (
        "朱晓燕",
        "F",
        "乍浦镇",
        "中共党员",
        "乍浦镇中心小学副校长",
        "social",
        "从事基础教育工作。参加市人大常委会履职能力提升培训班后，结合教育一线实际查找不足、改进履职方法。",
    ),
    (
        "张学锋",
        "M",
        "新埭镇",
        "民建会员",
        "民营企业董事长",
        "business",
        "投身山海协作和东西部对口帮扶，在四川省屏山县走访动员企业家、组建扶贫专业公司，"
        "帮助当地约一万名劳动力实现就业。",
    ),
    (
        "徐杰",
        "M",
        "新仓镇",
        "中共党员",
        "新仓镇农机专业合作社理事长",
        "agri",
        "关注农村基础设施建设。在市十六届人大一次会议上提出加快农村道路亮化设施建设的建议，已被采纳落实。",
    ),
    (
        "蒋云飞",
        "M",
        "广陈镇",
        "群众",
        "平湖市养蜂协会会长",
        "agri",
        "养蜂二十年，人称平湖“蜂王”。发起成立市养蜂协会，推行“合作社+基地+农户”模式，"
        "把蜜蜂授粉和设施农业结合起来，带动农户增收。",
    ),
    (
        "刘建群",
        "M",
        "林埭镇",
        "中共党员",
        "林埭镇徐家埭村党委书记",
        "agri",
        "一边抓美丽乡村建设，一边抓产业发展，探索“棒球+农业+文旅”的错位发展路子，"
        "以乡村棒球赛带动徐家埭村农文旅融合和共同富裕。",
    ),
    (
        "潘晓",
        "F",
        "独山港镇",
        "中共党员",
        "独山港镇社区工作者",
        "social",
        "在独山港镇周圩人大代表联络站驻站，接待选民时认真记录群众反映的安置房质量问题并跟踪办理。",
    ),
    (
        "徐红芳",
        "F",
        "独山港镇",
        "群众",
        "独山港镇个体工商户",
        "business",
        "在独山港镇周圩人大代表联络站驻站，参与接待选民、收集和跟踪群众意见。",
    ),
]

SURNAMES = (
    "沈沈沈徐徐徐张张张陆陆陆朱朱王王王李李陈陈陈孙孙蒋蒋金金顾顾吴吴周周钱钱姚姚潘潘褚"
    "冯戴曹杨黄马郁俞屠许刘胡汤钟邵何唐严费卜倪盛范"
)
MALE_CHARS = (
    "建国伟明强军华峰杰斌林平勇良忠卫春荣新海东亮辉涛鹏俊磊飞文兴祥福根龙宏志永德学金云晨浩宇洪"
)
FEMALE_CHARS = "英芳红燕萍琴丽娟霞敏玲华洁静慧婷月芬雅秀梅丹颖晓佳琳蕾莉"
VILLAGES = "金桥 新港 南塘 东泾 北圩 西河 长浜 前进 联丰 红星 永安 兴旺 白马 荷花 三星 泖河".split()
COMPANIES = "箱包 服装 光机电 汽车零部件 食品 新材料 物流 电子 精密机械 纺织".split()
SCHOOLS = "中心小学 中学 实验学校 幼儿园".split()

# (sector, weight, occupation templates); {town}, {village}, {company}, {school}, {head} filled in.
OCCUPATIONS = [
    (
        "agri",
        22,
        [
            "{town}{village}村党委书记",
            "{town}{village}村村委会主任",
            "{town}家庭农场主",
            "{town}西瓜种植大户",
            "{town}蔬菜专业合作社理事长",
            "{town}种粮大户",
        ],
    ),
    (
        "business",
        22,
        [
            "{company}企业董事长",
            "{company}企业总经理",
            "{company}企业车间主任",
            "{company}企业高级技师",
        ],
    ),
    (
        "official",
        16,
        ["{town}{head}", "{town}党政办公室主任", "{town}农业农村办公室主任", "市级机关部门负责人"],
    ),
    (
        "social",
        28,
        [
            "{town}{school}教师",
            "{town}{school}校长",
            "{town}社区卫生服务中心医生",
            "市第一人民医院主任医师",
            "市中医院副主任医师",
            "{town}社区党委书记",
            "律师事务所律师",
            "{town}居家养老服务中心负责人",
        ],
    ),
    ("worker", 12, ["{company}企业一线职工", "{town}快递网点负责人", "{company}企业质检员"]),
]
PARTIES = [
    ("中共党员", 70),
    ("群众", 18),
    ("民盟盟员", 3),
    ("民建会员", 3),
    ("九三学社社员", 2),
    ("农工党党员", 2),
    ("民进会员", 2),
]
ETHNICITIES = [("汉族", 97), ("回族", 1), ("满族", 1), ("土家族", 1)]

# Constituency groups: several for the large towns. 孙建峰's group is named after him, as the
# review calls it ("市人大代表孙建峰小组").
GROUP_SPLITS = {
    "当湖街道": ["当湖一组", "当湖二组", "当湖三组", "当湖四组", "孙建峰代表小组"],
    "乍浦镇": ["乍浦一组", "乍浦二组"],
    "独山港镇": ["独山港一组", "独山港二组"],
}
GROUP_LEADERS = {
    "孙建峰代表小组": "孙建峰",
    "钟埭街道代表小组": "孙国强",
    "林埭镇代表小组": "刘建群",
}
PROFESSIONAL_GROUPS = [
    (
        "财经专业小组",
        "business",
        "沈永良",
        "联系计划、预算、国有资产和审计监督，参与经济运行分析。",
    ),
    ("城建环资专业小组", "official", None, "联系城乡建设、生态环境和自然资源工作，参与相关视察。"),
    (
        "社会建设专业小组",
        "social",
        None,
        "联系教育、卫生健康、养老和社会保障工作，参与民生实事项目督查。",
    ),
    ("农业农村专业小组", "agri", "刘建群", "联系乡村振兴、粮食安全和强村富民工作，参与相关调研。"),
]
ENDED = ("PH16-118", D(2022, 9, 26))  # left for work elsewhere: shows the "mandate ended" status
ENDED_BIO = "2022年9月因工作调动离开本市，代表资格终止。"
# Generated names that would call a well-known person to mind.
FAMOUS = {
    "朱德",
    "李鹏",
    "陈云",
    "王震",
    "李强",
    "王勇",
    "周涛",
    "张杰",
    "李健",
    "王菲",
    "李娜",
    "杨洋",
}


def group_names(town: str) -> list[str]:
    return GROUP_SPLITS.get(town, [f"{town}代表小组"])


def weighted(rng, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def id_number(birth: D, serial: int) -> str:
    """An 18-character resident ID of Pinghu (330482) with a valid ISO 7064 MOD 11-2 check digit."""
    body = f"330482{birth:%Y%m%d}{serial:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    return body + check


def generated_name(rng, gender: str, used: set[str]) -> str:
    chars = FEMALE_CHARS if gender == "F" else MALE_CHARS
    while True:
        given = rng.choice(chars) if rng.random() < 0.25 else rng.choice(chars) + rng.choice(chars)
        name = rng.choice(SURNAMES) + given
        if name not in used and name not in FAMOUS:
            used.add(name)
            return name


def build_deputies(rng) -> list[dict]:
    """Every deputy as a dict of field values (plus `sector` and `town`), in card-number order."""
    used = {n[0] for n in NAMED}
    people = []
    for town, size in DELEGATION_SIZES.items():
        named = [n for n in NAMED if n[2] == town]
        members: list[dict[str, Any]] = [
            {"name": n, "gender": g, "party": p, "occupation": o, "sector": s, "bio": b}
            for n, g, _t, p, o, s, b in named
        ]
        for _ in range(size - len(named)):
            gender = "F" if rng.random() < 0.31 else "M"
            sector = weighted(rng, [(o[0], o[1]) for o in OCCUPATIONS])
            template = rng.choice(next(o[2] for o in OCCUPATIONS if o[0] == sector))
            occupation = template.format(
                town=town,
                village=rng.choice(VILLAGES),
                company=rng.choice(COMPANIES),
                school=rng.choice(SCHOOLS),
                head="街道办事处副主任" if town.endswith("街道") else "人民政府副镇长",
            )
            members.append(
                {
                    "name": generated_name(rng, gender, used),
                    "gender": gender,
                    "party": weighted(rng, PARTIES),
                    "occupation": occupation,
                    "sector": sector,
                    "bio": "",
                }
            )
        rng.shuffle(members)
        for i, m in enumerate(members):
            m["town"] = town
            m["constituency"] = f"{town}第{i % max(1, size // 4) + 1}选区"
        people.extend(members)
    for card, person in enumerate(people, start=1):
        # The named people are established figures: born in the 1960s or early 1970s.
        span = 365 * 12 if person["bio"] else 365 * 34
        birth = D(1960, 1, 1) + datetime.timedelta(days=rng.randrange(0, span))
        serial = rng.randrange(0, 500) * 2 + (1 if person["gender"] == "M" else 0)
        person.update(
            card_number=f"PH16-{card:03d}",
            ethnicity=weighted(rng, ETHNICITIES),
            birth_date=birth,
            id_number=id_number(birth, serial),
            phone=f"1{rng.choice('35789')}{rng.randrange(10**9):09d}",
        )
    return people


def deputy_row(person: dict, term, delegation, user_ids: dict) -> dict:
    ended = person["card_number"] == ENDED[0]
    return {
        "term_id": term.pk,
        "delegation_id": delegation.pk,
        "user_id": user_ids[person["card_number"].lower()],
        "status": Deputy.Status.ENDED if ended else Deputy.Status.SERVING,
        "ended_on": ENDED[1] if ended else None,
        "bio": ENDED_BIO if ended else person["bio"],
        **{
            f: person[f]
            for f in (
                "card_number",
                "name",
                "gender",
                "ethnicity",
                "party",
                "occupation",
                "constituency",
                "phone",
                "id_number",
                "birth_date",
            )
        },
    }


def demo_password_hash(password: str) -> str:
    """One hash for every demo login: the existing one if it still fits, else a fresh one."""
    current = (
        get_user_model().objects.filter(username="admin").values_list("password", flat=True).first()
    )
    if current and check_password(password, current):
        return current
    return make_password(password)


def load(ctx: DemoContext) -> None:
    rng = ctx.rng("people")
    term = ctx.term
    delegations = sync_rows(
        Delegation.objects.filter(term=term),
        ["term_id", "town_id"],
        [
            {"term_id": term.pk, "town_id": t.pk, "name": f"{t.name}代表团"}
            for t in ctx.towns.values()
        ],
    )
    ctx.delegations = {d.name.removesuffix("代表团"): d for d in delegations}

    people = build_deputies(rng)

    User = get_user_model()
    password = demo_password_hash(ctx.password)
    users = sync_rows(
        User.objects.all(),
        ["username"],
        [
            {
                "username": "admin",
                "password": password,
                "is_staff": True,
                "is_superuser": True,
                "is_active": True,
                "first_name": "演示管理员",
            }
        ]
        + [
            {
                "username": p["card_number"].lower(),
                "password": password,
                "is_staff": False,
                "is_superuser": False,
                "is_active": p["card_number"] != ENDED[0],
                "first_name": p["name"],
            }
            for p in people
        ],
    )
    user_ids = {u.username: u.pk for u in users}

    deputies = sync_rows(
        Deputy.objects.filter(term=term),
        ["card_number"],
        [deputy_row(p, term, ctx.delegations[p["town"]], user_ids) for p in people],
    )
    ctx.deputies = {d.card_number: d for d in deputies}
    sectors = {p["card_number"]: p["sector"] for p in people}

    # Constituency groups: the town's serving deputies dealt out in card order, named leaders
    # placed in their own group first.
    serving = [d for d in deputies if d.status == Deputy.Status.SERVING]
    members: dict[str, list[Deputy]] = {}
    rows = []
    for town, delegation in ctx.delegations.items():
        names = group_names(town)
        own = [d for d in serving if d.delegation_id == delegation.pk]
        for name in names:
            members[name] = []
        leader_group = {GROUP_LEADERS[n]: n for n in names if n in GROUP_LEADERS}
        rest = [d for d in own if d.name not in leader_group]
        for d in own:
            if d.name in leader_group:
                members[leader_group[d.name]].append(d)
        for i, d in enumerate(rest):
            members[names[i % len(names)]].append(d)
        for name in names:
            leader = GROUP_LEADERS.get(name)
            head = next((d for d in members[name] if d.name == leader), members[name][0])
            rows.append(
                {
                    "term_id": term.pk,
                    "name": name,
                    "kind": DeputyGroup.Kind.CONSTITUENCY,
                    "town_id": ctx.towns[town].pk,
                    "leader_id": head.pk,
                    "description": f"由{town}选出的部分市人大代表组成，闭会期间开展视察、调研和联系选民活动。",
                }
            )
    # Professional groups: deputies of the matching trade from every town, 12–15 each.
    for name, sector, leader, description in PROFESSIONAL_GROUPS:
        pool = [d for d in serving if sectors[d.card_number] == sector and d.name != leader]
        chosen = sorted(rng.sample(pool, rng.randint(12, 15)), key=lambda d: d.card_number)
        head = ctx.deputy(leader) if leader else chosen[0]
        members[name] = ([head] if leader else []) + chosen
        rows.append(
            {
                "term_id": term.pk,
                "name": name,
                "kind": DeputyGroup.Kind.PROFESSIONAL,
                "town_id": None,
                "leader_id": head.pk,
                "description": description,
            }
        )
    groups = sync_rows(DeputyGroup.objects.filter(term=term), ["term_id", "name"], rows)
    ctx.groups = {g.name: g for g in groups}
    ctx.group_members = members
    sync_m2m(DeputyGroup, "members", {g.pk: [d.pk for d in members[g.name]] for g in groups})
