"""Liaison stations, the deputies stationed there, and the 2022 reception days."""

import datetime

from congress.demo.base import DemoContext, sync_m2m, sync_rows
from deputies.models import Deputy, LiaisonStation, Reception

D = datetime.date
CENTRAL, STATION = LiaisonStation.Tier.CENTRAL, LiaisonStation.Tier.STATION

# (name, town, tier, address, opening hours, telephone, description)
STATIONS = [
    (
        "当湖街道人大代表联络站",
        "当湖街道",
        CENTRAL,
        "当湖街道新华中路288号便民服务中心二楼",
        "每周一上午 9:00–11:30；每月第一、三个周四下午 14:00–16:30 代表接待日",
        "0573-85011201",
        "城区的街道中心站，省人大首批践行全过程人民民主基层单元建设任务之一。以“善美当湖·议事通”为品牌，"
        "居民反映的事项当场登记、分类交办、限时反馈，重大事项请居民代表一起议、一起定。",
    ),
    (
        "钟埭街道人大代表联络站",
        "钟埭街道",
        CENTRAL,
        "钟埭街道钟埭路66号党群服务中心一楼",
        "每周二上午 9:00–11:30；每月第二、四个周三下午 14:00–16:30 代表接待日",
        "0573-85022318",
        "街道人大工委按照数字化改革思路搭建的基层单元：线上随时收集意见，线下定期集中接待，两条线同步运转。",
    ),
    (
        "钟埭街道沈家弄村人大代表联络站",
        "钟埭街道",
        STATION,
        "钟埭街道沈家弄村党群服务中心",
        "每月第一、三个周五上午 9:00–11:00",
        "0573-85022566",
        "设在村党群服务中心，驻站代表结合未来乡村建设，听取村民对产业、环境和村务的意见。",
    ),
    (
        "曹桥街道人大代表联络站",
        "曹桥街道",
        CENTRAL,
        "曹桥街道曹兴路18号便民服务中心三楼",
        "每周三上午 9:00–11:30",
        "0573-85033125",
        "面向街道所辖村社区，驻站代表轮值接待，重点听取城市更新和农村公共服务方面的意见。",
    ),
    (
        "乍浦镇人大代表联络站",
        "乍浦镇",
        CENTRAL,
        "乍浦镇雅山路12号镇便民服务中心二楼",
        "每周一、周四上午 9:00–11:30",
        "0573-85044216",
        "服务港区和老镇区的居民与企业，定期邀请企业职工代表参加接待，收集用工、交通和安全生产方面的意见。",
    ),
    (
        "新埭镇人大代表联络站",
        "新埭镇",
        CENTRAL,
        "新埭镇新中路8号镇政府一楼",
        "每周二、周五上午 9:00–11:30",
        "0573-85055108",
        "驻站代表轮值接待，与镇里的网格员共享台账，群众反映的事项按村分类转办。",
    ),
    (
        "新仓镇人大代表联络站",
        "新仓镇",
        CENTRAL,
        "新仓镇仓庆路20号镇便民服务中心",
        "每周一至周五 9:00–11:30、14:00–16:30（线上全天受理）",
        "0573-85066390",
        "线上线下融合的数字化联络站：群众扫描联络站码或代表码就能提交意见，站内屏幕实时显示办理进度，"
        "需要几个部门一起解决的事项在平台上协同处理。",
    ),
    (
        "广陈镇人大代表联络站",
        "广陈镇",
        CENTRAL,
        "广陈镇广陈大道5号镇政府西楼",
        "每周三、周五上午 9:00–11:30",
        "0573-85077245",
        "以农业农村议题为主，驻站代表中有种养大户和合作社负责人，常在田头现场听取农户意见。",
    ),
    (
        "林埭镇人大代表联络站",
        "林埭镇",
        CENTRAL,
        "林埭镇林埭大道9号镇便民服务中心",
        "每周一上午 9:00–11:30；每月两次“下楼出院”走村入户",
        "0573-85088132",
        "推行代表“下楼出院”：代表不在站里坐等，定期把接待点搬到村组、企业和田间地头，群众在家门口就能找到代表。",
    ),
    (
        "独山港镇人大代表联络站",
        "独山港镇",
        CENTRAL,
        "独山港镇港城大道100号镇便民服务中心",
        "每周二、周四上午 9:00–11:30",
        "0573-85099187",
        "依托镇基层立法联系点，打造“代表与法”基层单元，接待选民的同时收集群众对法律法规草案的意见。",
    ),
    (
        "独山港镇周圩人大代表联络站",
        "独山港镇",
        STATION,
        "独山港镇周圩社区服务中心一楼",
        "每月第一、三个周二上午 9:00–11:30",
        "0573-85099362",
        "服务周圩一带的村民和安置小区居民。群众可以到站当面反映，也可以扫码提交意见，"
        "驻站代表登记后跟踪办理直到回复。",
    ),
]

# Deputies stationed at the smaller stations; the rest of each town's deputies are at its centre.
LOCAL = {
    "独山港镇周圩人大代表联络站": ["潘晓", "徐红芳"],
    "钟埭街道沈家弄村人大代表联络站": ["孙国强"],
}
LOCAL_SIZE = 8

THEMES = {
    1: ["春节前安全生产与困难群众走访", "冬季道路交通安全"],
    2: ["疫情防控与企业复工", "市十六届人大一次会议精神宣传"],
    3: ["安置小区房屋质量与物业服务", "农村道路亮化", "春耕生产"],
    4: ["老旧小区改造", "垃圾分类", "助企纾困政策落实"],
    5: ["河道水环境治理", "养老服务", "校园周边交通安全"],
    6: ["民生实事项目进展", "防汛准备", "医保政策"],
    7: ["经济稳进提质“百日攻坚”", "夏季用电和高温劳动保护"],
    8: ["台风防御与农业生产", "停车难", "菜市场提升"],
    9: ["台风灾后恢复", "农村生活污水设施运行", "就业帮扶"],
    10: ["学习宣传党的二十大精神", "农村杆线整治", "秋粮收购"],
    11: ["党的二十大精神进社区", "居家养老服务", "冬季消防安全"],
    12: ["民生实事项目年终评估", "冬季疫情防控", "代表建议办理情况反馈"],
}

ZHOUWEI_CASE = (
    D(2022, 3, 15),
    "居民陆老伯反映，新交付的安置房室内地面出现多处裂缝。潘晓、徐红芳等驻站代表查看了照片、"
    "详细记录情况，当场扫码登记，转独山港镇村镇建设管理办公室办理，并约定跟踪回复。",
)


def weekday_on_or_after(day: D) -> D:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


# Reception days a month at a station, as real diaries have them: fewer around the Spring
# Festival and in the August heat and typhoons, more in spring, before the summer floods and
# in November; 24 in the year (twice a month on average), whatever the station.
MONTHLY_RECEPTIONS = {1: 2, 2: 1, 3: 3, 4: 2, 5: 2, 6: 3, 7: 2, 8: 1, 9: 2, 10: 2, 11: 3, 12: 1}
# Each station moves one reception day from one month to another (a busy spring, a quiet
# autumn …), so that no two stations have the same diary; the year's count stays 24.
STATION_SHIFTS = [(3, 2), (6, 8), (11, 12), (4, 1), (9, 7), (10, 12), (5, 8), (3, 4), (6, 7)]
DAYS_OF_THE_MONTH = {1: (12,), 2: (3, 17), 3: (3, 12, 22), 4: (3, 10, 17, 24)}


def reception_dates(index: int) -> list[D]:
    """The station's reception days: staggered by station so towns do not all meet on one day."""
    counts = dict(MONTHLY_RECEPTIONS)
    source, target = STATION_SHIFTS[index % len(STATION_SHIFTS)]
    counts[source] -= 1
    counts[target] += 1
    dates: list[D] = []
    for month in range(1, 13):
        for day in DAYS_OF_THE_MONTH[counts[month]]:
            date = weekday_on_or_after(D(2022, month, day + index % 6))
            while date in dates:
                date = weekday_on_or_after(date + datetime.timedelta(days=1))
            dates.append(date)
    return dates


def load(ctx: DemoContext) -> None:
    rng = ctx.rng("stations")
    towns = ctx.towns
    serving = [d for d in ctx.deputies.values() if d.status == Deputy.Status.SERVING]
    stations = sync_rows(
        LiaisonStation.objects.all(),
        ["name"],
        [
            {
                "name": name,
                "town_id": towns[town].pk,
                "tier": tier,
                "address": f"平湖市{address}",
                "opening_hours": hours,
                "phone": phone,
                "description": text,
                "active": True,
                "order": i,
            }
            for i, (name, town, tier, address, hours, phone, text) in enumerate(STATIONS, 1)
        ],
    )
    ctx.stations = {s.name: s for s in stations}

    # Every serving deputy is stationed at exactly one station of their town.
    stationed: dict[str, list[Deputy]] = {s.name: [] for s in stations}
    taken: set[int] = set()
    town_of = {d.pk: d.town_id for d in ctx.delegations.values()}
    for station in stations:
        if station.tier != STATION:
            continue
        town_deputies = [d for d in serving if town_of[d.delegation_id] == station.town_id]
        named = [d for d in town_deputies if d.name in LOCAL.get(station.name, [])]
        others = [d for d in town_deputies if d not in named and d.pk not in taken]
        chosen = named + rng.sample(others, LOCAL_SIZE - len(named))
        stationed[station.name] = sorted(chosen, key=lambda d: d.card_number)
        taken.update(d.pk for d in chosen)
    for station in stations:
        if station.tier == CENTRAL:
            stationed[station.name] = [
                d
                for d in serving
                if town_of[d.delegation_id] == station.town_id and d.pk not in taken
            ]
    ctx.stationed = stationed
    sync_m2m(
        LiaisonStation, "deputies", {s.pk: [d.pk for d in stationed[s.name]] for s in stations}
    )

    # Receptions: about two a month at each station, notice two days ahead, 2–4 deputies on duty
    # in rotation so that every stationed deputy takes a turn.
    rows, duties = [], []
    for index, station in enumerate(stations):
        rota = list(stationed[station.name])
        rng.shuffle(rota)
        position = 0
        dates = reception_dates(index)
        if station.name == "独山港镇周圩人大代表联络站":
            # The floor-crack case (seed article): the station's first March day is 15 March.
            first_march = next(i for i, d in enumerate(dates) if d.month == 3)
            dates[first_march] = ZHOUWEI_CASE[0]
            dates = [d for i, d in enumerate(dates) if i == first_march or d != ZHOUWEI_CASE[0]]
        for day in dates:
            notes = ""
            count = rng.randint(2, 4)
            on_duty = [rota[(position + k) % len(rota)] for k in range(count)]
            position += count
            theme = rng.choice(THEMES[day.month])
            residents = rng.randint(3, 25)
            if station.name == "独山港镇周圩人大代表联络站" and day == ZHOUWEI_CASE[0]:
                day, notes = ZHOUWEI_CASE
                theme = THEMES[3][0]
                named = [d for d in rota if d.name in LOCAL[station.name]]
                on_duty = named + [d for d in on_duty if d not in named][:1]
            if not notes:
                notes = f"接待群众{residents}人次，意见已登记分类，按职责转交办理。"
            rows.append(
                {
                    "station_id": station.pk,
                    "date": day,
                    "notice_date": day - datetime.timedelta(days=2),
                    "theme": theme,
                    "residents_received": residents,
                    "notes": notes,
                }
            )
            duties.append(on_duty)
    receptions = sync_rows(Reception.objects.filter(date__year=2022), ["station_id", "date"], rows)
    sync_m2m(
        Reception,
        "deputies",
        {r.pk: [d.pk for d in on] for r, on in zip(receptions, duties, strict=True)},
    )
    ctx.reception_duties = list(zip(receptions, duties, strict=True))
