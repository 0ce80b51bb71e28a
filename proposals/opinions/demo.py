"""Demo data: residents' opinions through Pinghu's liaison stations in 2022 (`load(*, stdout)`).

What the seed article says, and how it is modelled:

- "该场景应用共收到意见建议1322件，办结率94.3%": 1,322 opinions submitted in 2022, spread over
  the active liaison stations and the months (more in spring and summer), 1,247 of them closed
  (1247 / 1322 = 94.33 %). The 75 still open are among the latest: some just received, some with a
  unit, some answered and waiting for the resident's rating, a few reopened.
- Handling: about half are answered on the spot by the station's deputies, a little under half are
  routed to the town government or a city department, a few (matters for a court, arbitration
  or letters and visits) are not accepted with the channel explained. None is turned into a
  suggestion here: the 2022 suggestions are the proposals step's, with the article's counts.
- The 周圩 case: at the reception of 2022-03-15 at 独山港镇周圩人大代表联络站, 陆老伯 told the
  deputies 潘晓 and 徐红芳 about cracks in the floors of his resettlement flat; it was routed online
  to 独山港镇村镇建设管理办公室, which inspected, had the residents agree the repair plan by a show
  of hands and started the works; 陆老伯 rated it satisfied. The resident's name stays private,
  like every resident's: it is in the opinion's private name field only.

Rows are written directly (bulk) with their historical dates; the services stamp the present.
Deterministic (a seeded generator, never the clock) and idempotent: opinions are matched on their
tracking codes, and the rows hanging off an opinion are written only for opinions without them.
"""

import datetime
import random

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from congress.demo.base import SEED, at, sync_rows
from congress.demo.reference import town_government
from congress.models import Organisation
from deputies.models import Deputy, LiaisonStation, Reception
from proposals.models import (
    OPINION_CODE_ALPHABET,
    OPINION_CODE_LENGTH,
    Assignment,
    Opinion,
    OpinionCategory,
    OpinionChannel,
    Rating,
    Reply,
    TimelineEntry,
)

D = datetime.date
TOTAL, CLOSED = 1322, 1247
ZHOUWEI = "独山港镇周圩人大代表联络站"
ZHOUWEI_UNIT = "独山港镇村镇建设管理办公室"
ZHOUWEI_CODE = "ZWCRACK8"
ST = Opinion.Status
C = OpinionCategory

# Opinions per month (relative): fewer around the Spring Festival, more in summer.
MONTH_WEIGHTS = [6, 5, 9, 9, 10, 10, 10, 10, 9, 8, 8, 6]

PLACES = [
    "小区东门",
    "村口",
    "菜市场旁",
    "学校门口",
    "安置小区",
    "老街",
    "社区服务中心附近",
    "公交站台",
    "河边步道",
    "工业园区路口",
    "集镇中心",
    "文化礼堂前",
]

# (category, what residents say, the city department that answers it when not the town)
CONTENTS = {
    C.ROADS: (
        "市交通运输局",
        [
            "{p}的路面坑洼积水，电动车经过容易滑倒，希望尽快修补。",
            "{p}路灯坏了好几盏，晚上出行看不清路，请安排维修。",
            "{p}早晚接送高峰车辆乱停，堵得厉害，建议划定临时停车位。",
            "{p}的红绿灯时间太短，老人过马路来不及，希望延长。",
            "{p}公交班次太少，等车要四十分钟，希望加密班次。",
        ],
    ),
    C.HOUSING: (
        "市住房和城乡建设局",
        [
            "{p}楼道声控灯长期不亮，物业一直没修。",
            "{p}外墙瓷砖有脱落，下面是行人通道，存在安全隐患。",
            "{p}屋顶漏水，下雨天家里要接水，请督促维修。",
            "{p}的电梯经常停运，老人上下楼困难。",
            "{p}物业费收取标准不透明，希望公开收支情况。",
        ],
    ),
    C.ENVIRONMENT: (
        "嘉兴市生态环境局平湖分局",
        [
            "{p}的河道有异味，水面漂着垃圾，希望清理。",
            "{p}垃圾分类桶太少，经常满出来，夏天气味很大。",
            "{p}附近厂房夜间噪声很大，影响休息。",
            "{p}绿化带被占用种菜，希望恢复绿化。",
            "{p}有人焚烧秸秆和垃圾，烟很大。",
        ],
    ),
    C.UTILITIES: (
        "国网浙江平湖市供电公司",
        [
            "{p}用电高峰经常跳闸，希望改造线路。",
            "{p}自来水水压太低，高楼层早上用不上水。",
            "{p}空中杆线杂乱，有的垂到人头高度，存在隐患。",
            "{p}手机信号很差，打电话经常断线。",
        ],
    ),
    C.SAFETY: (
        "市应急管理局",
        [
            "{p}的消防通道被车辆长期占用。",
            "{p}电动车在楼道里充电，担心起火。",
            "{p}没有监控，最近发生了几起自行车被盗。",
            "{p}的护栏损坏，小孩容易掉进河里。",
        ],
    ),
    C.ELDERLY: (
        "市民政局",
        [
            "{p}的居家养老服务站开放时间太短，希望增加助餐服务。",
            "{p}缺少适合老人锻炼的健身器材。",
            "希望在{p}设置老年人医保、社保业务代办点。",
            "{p}高龄独居老人多，希望有人定期上门看看。",
        ],
    ),
    C.EDUCATION: (
        "市教育局",
        [
            "{p}附近没有托育机构，双职工家庭接送困难。",
            "{p}卫生服务站配药品种太少，常用药要跑到城里配。",
            "希望学校放学后的托管服务延长到六点。",
            "{p}社区医生每周只来一次，看病不方便。",
        ],
    ),
    C.RURAL: (
        "市农业农村局",
        [
            "{p}的机耕路损坏，农机下不了田。",
            "{p}灌溉泵站老化，今年抽水不及时。",
            "{p}土地流转租金迟迟没有发放。",
            "{p}农村生活污水管道堵塞，污水外溢。",
        ],
    ),
    C.JOBS: (
        "市人力资源和社会保障局",
        [
            "{p}的企业拖欠工人工资，希望帮忙协调。",
            "希望在{p}多举办招聘会，方便就近就业。",
            "{p}的小店门前摊位费上涨，经营有困难。",
            "{p}菜市场摊位分配不公开，希望规范。",
        ],
    ),
    C.COMMUNITY: (
        "市综合行政执法局",
        [
            "{p}的健身广场晚上音乐声太大。",
            "{p}的公共厕所晚上不开门，很不方便。",
            "{p}文化礼堂活动太少，希望多组织文艺活动。",
            "{p}有流浪狗伤人，希望处理。",
        ],
    ),
}
CATEGORY_WEIGHTS = {
    C.ROADS: 20,
    C.HOUSING: 15,
    C.ENVIRONMENT: 14,
    C.UTILITIES: 8,
    C.SAFETY: 8,
    C.ELDERLY: 9,
    C.EDUCATION: 7,
    C.RURAL: 8,
    C.JOBS: 5,
    C.COMMUNITY: 6,
}
ON_THE_SPOT = [
    "已当场向您说明有关政策，并告知办理窗口和所需材料。",
    "代表已联系社区，社区表示本周内安排人员处理，请留意。",
    "经代表现场查看，问题已由村（社区）当天处理完毕。",
    "已向您解释有关规定，并帮助您预约了业务办理时间。",
]
UNIT_REPLIES = [
    "经现场核实，已安排施工人员处理，目前问题已解决。感谢您的监督。",
    "已列入近期维修计划，预计一个月内完成，完成后将回访。",
    "已责成属地社区和物业限期整改，并将定期检查整改情况。",
    "经研究，已调整相关安排，并在社区公告栏公示。",
]
NOT_ACCEPTED = [
    (OpinionChannel.LITIGATION, "该事项涉及已起诉的合同纠纷，属于法院审理范围。"),
    (OpinionChannel.ARBITRATION, "该事项属于劳动争议，应先申请劳动人事争议仲裁。"),
    (OpinionChannel.ADMIN_REVIEW, "该事项是对行政处罚决定不服，可依法申请行政复议。"),
    (OpinionChannel.PETITION, "该事项涉及个人历史遗留问题，请通过信访渠道反映。"),
]
SURNAMES = "张王李赵陈杨吴周徐孙马朱胡沈钱顾陆蒋金姚"


def _code(rng: random.Random, taken: set) -> str:
    while True:
        code = "".join(rng.choice(OPINION_CODE_ALPHABET) for _i in range(OPINION_CODE_LENGTH))
        if code not in taken:
            taken.add(code)
            return code


def _moment(rng: random.Random, day: D) -> datetime.datetime:
    return at(day, rng.randint(7, 20), rng.randint(0, 59))


def _plan(rng, stations, orgs, deputies_of, count):
    """`count` opinions as dicts of fields plus what hangs off each (unit, reply, timeline)."""
    weights = [3 if s.tier == LiaisonStation.Tier.CENTRAL else 2 for s in stations]
    categories, cat_weights = list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values())
    taken = {ZHOUWEI_CODE}
    days = []
    for _i in range(count):
        month = rng.choices(range(1, 13), MONTH_WEIGHTS)[0]
        days.append(D(2022, month, rng.randint(1, 28)))
    days.sort()
    # The still-open ones are among the latest received (ranked by day).
    open_indices = set(rng.sample(range(len(days) - 260, len(days)), TOTAL - CLOSED))
    plans = []
    for index, day in enumerate(days):
        station = rng.choices(stations, weights)[0]
        category = rng.choices(categories, cat_weights)[0]
        department, texts = CONTENTS[category]
        content = rng.choice(texts).format(p=rng.choice(PLACES))
        submitted = _moment(rng, day)
        deputies = deputies_of[station.pk]
        deputy = rng.choice(deputies) if deputies else None
        by_deputy_code = deputy is not None and rng.random() < 0.2
        with_contact = rng.random() < 0.6
        row = {
            "code": _code(rng, taken),
            "source": Opinion.Source.DEPUTY_QR if by_deputy_code else Opinion.Source.STATION_QR,
            "station_id": station.pk,
            "deputy_id": deputy.pk if by_deputy_code else None,
            "reception_id": None,
            "category": category,
            "content": content,
            "name": f"{rng.choice(SURNAMES)}先生" if with_contact and rng.random() < 0.5 else "",
            "phone": f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}"
            if with_contact
            else "",
            "consent": True,
            "status": ST.SUBMITTED,
            "handling": "",
            "handled_by_id": deputy.pk if deputy else None,
            "answer": "",
            "not_accepted_reason": "",
            "channel": "",
            "suggestion_id": None,
            "rating": "",
            "rating_comment": "",
            "reopen_count": 0,
            "needs_attention": False,
            "submitted_at": submitted,
            "accepted_at": None,
            "routed_at": None,
            "replied_at": None,
            "rated_at": None,
            "closed_at": None,
        }
        label = deputy.name if deputy else station.name
        steps = [("submitted", submitted, label, "")]
        unit = reply = None
        is_open = index in open_indices
        roll = rng.random()
        accepted = submitted + datetime.timedelta(hours=rng.randint(2, 30))
        if roll < 0.04 and not is_open:
            channel, reason = rng.choice(NOT_ACCEPTED)
            row.update(
                status=ST.NOT_ACCEPTED,
                not_accepted_reason=reason,
                channel=channel,
                closed_at=accepted,
            )
            steps.append(("not_accepted", accepted, label, ""))
            plans.append((row, None, None, steps))
            continue
        row["accepted_at"] = accepted
        steps.append(("accepted", accepted, label, ""))
        if is_open and rng.random() < 0.25:
            row.update(status=ST.ACCEPTED)
            plans.append((row, None, None, steps))
            continue
        if roll < 0.50:
            answered = accepted + datetime.timedelta(hours=rng.randint(1, 48))
            row.update(
                status=ST.REPLIED,
                handling=Opinion.Handling.ON_THE_SPOT,
                answer=rng.choice(ON_THE_SPOT),
                replied_at=answered,
            )
            steps.append(("answered", answered, label, ""))
        else:
            town_unit = orgs.get(town_government(station.town.name))
            unit = town_unit if (rng.random() < 0.6 and town_unit) else orgs.get(department)
            unit = unit or next(iter(orgs.values()))
            routed_on = accepted.date()
            row.update(status=ST.ROUTED, handling=Opinion.Handling.UNIT, routed_at=accepted)
            steps.append(("routed", accepted, label, unit.name))
            unit = (unit, routed_on)
            if is_open and rng.random() < 0.4:
                plans.append((row, unit, None, steps))
                continue
            replied = accepted + datetime.timedelta(days=rng.randint(3, 14))
            row.update(status=ST.REPLIED, replied_at=replied)
            reply = (rng.choice(UNIT_REPLIES), replied)
            steps.append(("replied", replied, unit[0].name, ""))
        if is_open:
            if rng.random() < 0.15:
                rated = row["replied_at"] + datetime.timedelta(days=2)
                row.update(
                    status=ST.REOPENED, rating=Rating.UNSATISFIED, rated_at=rated, reopen_count=1
                )
                steps += [("rated_unsatisfied", rated, "", ""), ("reopened", rated, "", "")]
            plans.append((row, unit, reply, steps))
            continue
        rated = row["replied_at"] + datetime.timedelta(days=rng.randint(1, 6))
        pick = rng.random()
        rating = (
            Rating.SATISFIED
            if pick < 0.86
            else Rating.BASICALLY
            if pick < 0.97
            else Rating.UNSATISFIED
        )
        row.update(status=ST.CLOSED, rating=rating, rated_at=rated, closed_at=rated)
        steps.append((f"rated_{rating}", rated, "", ""))
        if rating == Rating.UNSATISFIED:
            row.update(reopen_count=1, needs_attention=True)
            steps.append(("closed_unsatisfied", rated, "", ""))
        else:
            steps.append(("closed", rated, "", ""))
        plans.append((row, unit, reply, steps))
    return plans


def _zhouwei(stations, orgs, deputies_of):
    station = next((s for s in stations if s.name == ZHOUWEI), None)
    unit = orgs.get(ZHOUWEI_UNIT)
    if station is None or unit is None:
        return None
    deputies = {d.name: d for d in deputies_of[station.pk]}
    pan = deputies.get("潘晓") or next(iter(deputies.values()), None)
    reception = Reception.objects.filter(station=station, date=D(2022, 3, 15)).first()
    received = at(D(2022, 3, 15), 9, 40)
    routed = at(D(2022, 3, 15), 16, 10)
    replied = at(D(2022, 3, 28), 15, 0)
    rated = at(D(2022, 4, 2), 10, 20)
    row = {
        "code": ZHOUWEI_CODE,
        "source": Opinion.Source.RECEPTION,
        "station_id": station.pk,
        "deputy_id": pan.pk if pan else None,
        "reception_id": reception.pk if reception else None,
        "category": C.HOUSING,
        "content": "刚交付的安置房，客厅和卧室的楼地面出现了好几条裂缝，越来越明显，"
        "担心房屋质量出问题，希望有关部门来看一看，给个说法。",
        "name": "陆老伯",
        "phone": "",
        "consent": True,
        "status": ST.CLOSED,
        "handling": Opinion.Handling.UNIT,
        "handled_by_id": pan.pk if pan else None,
        "answer": "",
        "not_accepted_reason": "",
        "channel": "",
        "suggestion_id": None,
        "rating": Rating.SATISFIED,
        "rating_comment": "",
        "reopen_count": 0,
        "needs_attention": False,
        "submitted_at": received,
        "accepted_at": received,
        "routed_at": routed,
        "replied_at": replied,
        "rated_at": rated,
        "closed_at": rated,
    }
    label = "潘晓、徐红芳"
    steps = [
        ("submitted", received, label, ""),
        ("accepted", received, label, ""),
        ("routed", routed, label, unit.name),
        ("replied", replied, unit.name, ""),
        ("rated_satisfied", rated, "", ""),
        ("closed", rated, "", ""),
    ]
    text = (
        "收到代表转来的意见后，我办会同施工单位和监理到现场逐户查看，确认部分房屋楼地面找平层存在"
        "开裂。我们把维修方案拿到小区居民会上讲解，居民举手表决通过了方案，施工单位已于3月底进场，"
        "对开裂部位凿除重做，完工后请住户一起验收。"
    )
    return row, (unit, D(2022, 3, 15)), (text, replied), steps


def load(*, stdout=None) -> None:
    rng = random.Random(f"{SEED}:opinions")  # noqa: S311 - demo data, not security
    stations = list(
        LiaisonStation.objects.filter(active=True).select_related("town").order_by("pk")
    )
    if not stations:
        if stdout:
            stdout.write("opinions: no liaison station yet, nothing to do\n")
        return
    orgs = {o.name: o for o in Organisation.objects.filter(active=True)}
    if not orgs:
        return
    deputies_of: dict[int, list[Deputy]] = {s.pk: [] for s in stations}
    for link in (
        LiaisonStation.deputies.through.objects.filter(
            liaisonstation__in=stations, deputy__status=Deputy.Status.SERVING
        )
        .select_related("deputy")
        .order_by("deputy__card_number")
    ):
        deputies_of[link.liaisonstation_id].append(link.deputy)

    zhouwei = _zhouwei(stations, orgs, deputies_of)
    # The 周圩 case is one of the 1,322 (and one of the closed).
    plans = _plan(rng, stations, orgs, deputies_of, TOTAL - (1 if zhouwei else 0))
    if zhouwei:
        plans.append(zhouwei)
    with transaction.atomic():
        opinions = sync_rows(Opinion.objects.all(), ["code"], [row for row, *_rest in plans])
        ids = [o.pk for o in opinions]
        have_assignment = set(
            Assignment.objects.filter(opinion_id__in=ids).values_list("opinion_id", flat=True)
        )
        have_reply = set(
            Reply.objects.filter(opinion_id__in=ids).values_list("opinion_id", flat=True)
        )
        content_type = ContentType.objects.get_for_model(Opinion)
        have_timeline = set(
            TimelineEntry.objects.filter(content_type=content_type, object_id__in=ids).values_list(
                "object_id", flat=True
            )
        )
        assignments, replies, entries = [], [], []
        for opinion, (_row, unit, reply, steps) in zip(opinions, plans, strict=True):
            if unit and opinion.pk not in have_assignment:
                organisation, on = unit
                assignments.append(
                    Assignment(
                        opinion_id=opinion.pk,
                        organisation=organisation,
                        role=Assignment.Role.LEAD,
                        assigned_at=on,
                        due_date=on + datetime.timedelta(days=15),
                    )
                )
            if reply and opinion.pk not in have_reply:
                text, when = reply
                replies.append(
                    Reply(
                        opinion_id=opinion.pk,
                        organisation=unit[0],
                        reply_class="",
                        text=text,
                        replied_at=when.date(),
                        published_at=when,
                        recorded_at=when,
                    )
                )
            if opinion.pk not in have_timeline:
                entries += [
                    TimelineEntry(
                        content_type=content_type,
                        object_id=opinion.pk,
                        action=action,
                        actor_label=who,
                        note=note,
                        public=True,
                        at=when,
                    )
                    for action, when, who, note in steps
                ]
        Assignment.objects.bulk_create(assignments, batch_size=1000)
        Reply.objects.bulk_create(replies, batch_size=1000)
        TimelineEntry.objects.bulk_create(entries, batch_size=2000)
    closed = sum(1 for row, *_rest in plans if row["closed_at"])
    if stdout:
        stdout.write(
            f"opinions: {len(plans)} in 2022, {closed} closed ({100 * closed / len(plans):.1f} %); "
            f"created {len(assignments)} assignments, {len(replies)} replies\n"
        )
