"""Demo data: the suggestions and the congress motion of the 16th congress's 1st session (2022).

What the seed article says, and how it is modelled:

- "市十六届人大一次会议共收到代表建议226件": 226 suggestions filed at the 1st session, numbered
  十六届一次会议第001号 … 第226号, across the eight categories and assigned on 2022-03-18 (after the
  chair's meeting of 2022-03-16 that settled the assignment plan) with the reply due three months
  later, on 2022-06-18. Every one is replied to by 2022-06-18 ("去年6月18日，所有代表建议在规定时间内
  完成办理答复") and every signer rated both the handling and the result 满意 ("满意率和办理质量的
  满意度均为100%"), so every one is closed.
- "231件建议均按期办理完毕": the article also counts 231 suggestions handled in time. The 5 beyond
  the session's 226 are modelled as between-session suggestions of 2022 (十六届闭会期间第001号 …
  第005号), handled within three months of assignment. That reading is ours, not the article's.
- 徐杰's 关于加快农村道路亮化设施建设的建议 is answered class A (solved/adopted) by the transport
  bureau, with the power company as co-handler.
- The congress motion 关于加快推进"扩中""提低"行动，勇当共同富裕新崛起典范的议案, led by 沈永良
  with 23 deputies in all, is listed; the standing committee adopts its resolution at its meeting
  of 2022-04-27; the government's action plan is a progress report; the first
  resolution-implementation inspection is held on 2022-12-01.

Rows are written directly (bulk) rather than through the services: this is history with its own
dates, and the services stamp the present. Deterministic (a seeded generator, never the clock)
and idempotent (rows are matched on natural keys by congress.demo.base.sync_rows).
"""

import datetime
import random

from django.contrib.contenttypes.models import ContentType

from congress.demo.base import SEED, Step, app_step, at, register, sync_rows
from congress.kit.workdays import add_months, add_working_days
from congress.models import Category, Meeting, Organisation, Session, Term
from congress.notices.models import Delivery, Notice
from deputies.models import Deputy
from proposals import notices_demo
from proposals.handling.services import roll_over_unsolved
from proposals.models import (
    Assignment,
    CarryOver,
    Contact,
    Feedback,
    Motion,
    MotionInspection,
    MotionProgressReport,
    Opinion,
    OpinionPhoto,
    ProgressReport,
    Rating,
    Reply,
    ScorecardCriterion,
    ScorecardScheme,
    Signature,
    Suggestion,
    TimelineEntry,
    proposal_code,
)
from proposals.opinions import demo as opinions_demo
from proposals.scorecards import demo as scorecards_demo

D = datetime.date
OFFICE = "市人大常委会代表工作委员会"
SESSION_COUNT, BETWEEN_COUNT = 226, 5
ASSIGNED_ON, DUE_ON = D(2022, 3, 18), D(2022, 6, 18)

FIRST = ("关于给予农业企业及种植户疫情期间优惠政策的建议", "农业农村")
XU_JIE = ("关于加快农村道路亮化设施建设的建议", "城乡建设")
MOTION_TITLE = "关于加快推进“扩中”“提低”行动，勇当共同富裕新崛起典范的议案"

VERBS = ["关于加快", "关于进一步加强", "关于完善", "关于推进", "关于优化", "关于提升"]
SUBJECTS = {
    "经济建设": [
        "小微企业融资服务",
        "工业园区配套设施建设",
        "数字经济产业培育",
        "营商环境建设",
        "外贸企业稳订单服务",
        "夜间经济发展",
        "专精特新企业梯队培育",
        "低效工业用地整治",
        "人才公寓供给",
        "平湖港区物流体系",
        "企业用工保障",
        "科技成果转化服务",
    ],
    "城乡建设": [
        "老旧小区改造",
        "城区停车设施建设",
        "农村公路养护管理",
        "公交线路布局",
        "城市道路交通组织",
        "农房建设管理",
        "城中村改造",
        "电动自行车充电设施建设",
        "背街小巷环境整治",
        "城乡供水管网改造",
        "农村杆线整治",
        "镇区污水管网建设",
    ],
    "环境资源": [
        "农村生活污水治理",
        "河道水环境综合治理",
        "工业废气排放监管",
        "垃圾分类处理体系",
        "农业面源污染防治",
        "城市绿地建设",
        "建筑垃圾消纳管理",
        "餐饮油烟治理",
        "湿地生态保护",
        "噪声污染防治",
    ],
    "民生事业": [
        "居家养老服务",
        "婴幼儿照护服务",
        "困难群体救助帮扶",
        "灵活就业人员社会保障",
        "残疾人康复服务",
        "社区食堂建设",
        "新居民子女入学保障",
        "公共法律服务",
        "退役军人服务保障",
        "住房保障体系",
        "基层医保服务",
        "社区嵌入式服务设施建设",
    ],
    "农业农村": [
        "高标准农田建设",
        "农产品品牌建设",
        "农村集体经济发展",
        "乡村旅游发展",
        "粮食生产扶持",
        "农业机械化服务",
        "农村人居环境整治",
        "家庭农场培育",
        "农村电商发展",
        "数字乡村建设",
    ],
    "法治建设": [
        "基层矛盾纠纷调解",
        "电信网络诈骗防范",
        "企业合规建设",
        "未成年人保护",
        "食品安全监管",
        "道路交通安全管理",
        "普法宣传教育",
        "消防安全隐患整治",
    ],
    "教科文卫": [
        "乡村学校师资建设",
        "校园周边交通安全",
        "基层医疗服务能力",
        "全民健身设施建设",
        "公共文化服务",
        "中小学课后服务",
        "职业教育产教融合",
        "传统村落保护",
        "心理健康服务",
        "院前急救体系建设",
    ],
    "其他": [
        "政务服务“一网通办”",
        "应急避难场所建设",
        "防汛防台能力",
        "基层减负",
        "数字化改革场景应用",
        "志愿服务体系建设",
    ],
}
UNITS = {
    "经济建设": ["市发展和改革局", "市经济和信息化局", "市商务局", "市财政局", "市科学技术局"],
    "城乡建设": ["市住房和城乡建设局", "市交通运输局", "市自然资源和规划局", "市综合行政执法局"],
    "环境资源": ["嘉兴市生态环境局平湖分局", "市水利局", "市综合行政执法局"],
    "民生事业": ["市民政局", "市人力资源和社会保障局", "市医疗保障局", "市退役军人事务局"],
    "农业农村": ["市农业农村局", "市供销合作社联合社", "市水利局"],
    "法治建设": ["市司法局", "市公安局", "市人民法院", "市市场监督管理局", "市消防救援大队"],
    "教科文卫": ["市教育局", "市卫生健康局", "市文化广电旅游体育局", "市科学技术局"],
    "其他": ["市大数据发展管理局", "市应急管理局", "市发展和改革局"],
}
BODY = (
    "一、基本情况\n{subject}是群众普遍关心的问题。代表在走访选民和联络站接待中了解到，"
    "目前这方面仍存在投入不足、推进不平衡、长效管理机制不健全等问题。\n"
    "二、建议\n1. 统筹谋划，制定分年度推进计划；\n2. 加大资金和政策支持力度；\n"
    "3. 建立部门协同和长效管理机制，定期向社会公开进展。"
)
REPLY = {
    "A": "经研究，您提出的建议已被采纳并落实到位。我单位已会同相关部门制定实施方案，相关工作已于今年上半年完成。",
    "B": "经研究，您提出的建议已列入我单位工作计划，将分步实施，并按承诺时限向您反馈办理进展。",
    "C": "经研究，受现行政策和资金条件限制，该建议暂时难以全部实施，我单位将作为今后工作的重要参考，具体情况已当面向您说明。",
}


C_REASONS = (
    "该事项涉及跨区域规划调整和较大资金投入，需待上级规划修编后统筹考虑，现阶段暂不具备实施条件。"
)
B_DONE = "经持续推进，您建议中列入计划的事项已全部完成，特此报告。"
B_PROGRESS = "目前项目已完成前期论证和资金安排，正在组织实施，我单位将按承诺时限完成并向您报告。"
CONTACT_NOTES = {
    Contact.Stage.BEFORE: "办理前登门听取代表意见，了解建议背景和具体诉求。",
    Contact.Stage.DURING: "邀请代表参与现场调研，通报初步办理方案并听取意见。",
    Contact.Stage.AFTER: "答复后当面向代表通报办理结果，征询代表意见。",
}


def _outcome_plan(
    rng, reply_class: str, replied_on: D, broken: set[str], may_break: bool = True
) -> dict:
    """What follows a reply (issue 16): a B item's promised date and whether, and when, the
    unit reported it done. Nearly all keep their promise — many in the next year, through the
    look-back ledger — one item is not done at all, and one is done late, by the unit that
    `may_break` its promises (the scorecard's story); `broken` holds the fates given out."""
    if reply_class != "B":
        return {"promised": None, "done_on": None, "progress_on": None}
    promised = max(
        _day_between(rng, D(2022, 10, 31), D(2023, 6, 30)),
        replied_on + datetime.timedelta(days=60),
    )
    fate = rng.choices(["on_time", "late", "open"], weights=[55, 20, 25])[0]
    done_on = None
    if fate == "on_time":
        done_on = _day_between(rng, replied_on + datetime.timedelta(days=30), promised)
    elif fate == "late":
        done_on = promised + datetime.timedelta(days=rng.randint(20, 120))
    progress_on = min(replied_on + datetime.timedelta(days=rng.randint(40, 90)), promised)
    if fate != "on_time":
        if fate in broken or not (may_break or fate == "open"):
            # promise kept after all, a little before the date
            done_on = max(progress_on, promised - datetime.timedelta(days=20))
        else:
            broken.add(fate)
    return {"promised": promised, "done_on": done_on, "progress_on": progress_on}


def _contact_rows(rng, item, lead_assignment, assigned_on: D, replied_on: D, deputy) -> list:
    """Most lead units meet the deputy before, during or after handling (面商); the deputy
    confirms most contacts, disputes a few, and leaves a few unanswered."""
    if rng.random() < 0.09:  # no contact recorded at all
        return []
    stages = [Contact.Stage.BEFORE] + rng.sample(
        [Contact.Stage.DURING, Contact.Stage.AFTER], rng.choice([0, 1, 1, 2])
    )
    rows = []
    for stage in stages:
        if stage == Contact.Stage.BEFORE:
            day = assigned_on + datetime.timedelta(days=rng.randint(5, 25))
        elif stage == Contact.Stage.DURING:
            day = _day_between(rng, assigned_on + datetime.timedelta(days=26), replied_on)
        else:
            day = replied_on + datetime.timedelta(days=rng.randint(2, 15))
        status = rng.choices(
            [Contact.Status.CONFIRMED, Contact.Status.DISPUTED, Contact.Status.PENDING],
            weights=[92, 4, 4],
        )[0]
        way = rng.choices(
            [Contact.Way.FACE, Contact.Way.SITE, Contact.Way.PHONE, Contact.Way.MEETING],
            weights=[50, 25, 15, 10],
        )[0]
        rows.append(
            {
                "assignment_id": lead_assignment.pk,
                "suggestion_id": item.pk,
                "contact_on": day,
                "way": way,
                "stage": stage,
                "participants": f"{deputy.name}代表；{lead_assignment.organisation.name}分管领导、承办科室负责人",
                "note": CONTACT_NOTES[stage],
                "status": status,
                "dispute_reason": "承办单位未与我见面，仅电话告知办理结果。"
                if status == Contact.Status.DISPUTED
                else "",
                "answered_at": None
                if status == Contact.Status.PENDING
                else at(day + datetime.timedelta(days=rng.randint(1, 5)), 20),
                "recorded_at": at(day + datetime.timedelta(days=1), 11),
                "recorded_by_id": None,
            }
        )
    return rows


# The units' scorecard (issue 16): the year's shortfalls in meeting the deputies and in keeping
# class B promises fall on two units, so that the 2022 scorecard fails exactly those two — one
# that skips the meetings, one whose promises ran out — and the other units meet every rule.
SKIPS_MEETINGS = "市综合行政执法局"
MISSES_PROMISES = "市教育局"


def _promise_for_scorecard(outcome: dict, unit_name: str) -> dict:
    """Outside MISSES_PROMISES, a class B promise that ran out by the year's end without the
    item done is a promise for the next spring instead (the item stays the same otherwise)."""
    promised, done_on = outcome["promised"], outcome["done_on"]
    if unit_name == MISSES_PROMISES or promised is None or promised > D(2022, 12, 31):
        return outcome
    if done_on is not None and done_on <= promised:
        return outcome
    return {**outcome, "promised": D(2023, 3, 31)}


def _contacts_for_scorecard(rows: list, item, lead_assignment, dates: tuple[D, D], deputy):
    """Outside SKIPS_MEETINGS, an item whose contacts the deputy did not confirm (or with none)
    gets one more, confirmed: the unit met the deputy again at a stage not yet recorded."""
    assigned_on, replied_on = dates
    confirmed = Contact.Status.CONFIRMED
    if lead_assignment.organisation.name == SKIPS_MEETINGS or any(
        row["status"] == confirmed for row in rows
    ):
        return rows
    used = {row["stage"] for row in rows}
    days = {
        Contact.Stage.BEFORE: assigned_on + datetime.timedelta(days=10),
        Contact.Stage.AFTER: replied_on + datetime.timedelta(days=7),
        Contact.Stage.DURING: assigned_on + (replied_on - assigned_on) / 2,
    }
    stage = next((stage for stage in days if stage not in used), None)
    if stage is None:  # every stage recorded, none confirmed: the deputy confirms the last
        last = rows[-1]
        rows[-1] = {
            **last,
            "status": confirmed,
            "dispute_reason": "",
            "answered_at": last["recorded_at"] + datetime.timedelta(days=1),
        }
        return rows
    day = days[stage]
    return [
        *rows,
        {
            "assignment_id": lead_assignment.pk,
            "suggestion_id": item.pk,
            "contact_on": day,
            "way": Contact.Way.FACE,
            "stage": stage,
            "participants": f"{deputy.name}代表；{lead_assignment.organisation.name}分管领导",
            "note": CONTACT_NOTES[stage],
            "status": confirmed,
            "dispute_reason": "",
            "answered_at": at(day + datetime.timedelta(days=2), 20),
            "recorded_at": at(day + datetime.timedelta(days=1), 11),
            "recorded_by_id": None,
        },
    ]


def _day_between(rng, start: D, end: D) -> D:
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def _titles(rng) -> list[tuple[str, str]]:
    """226 distinct titles: the two the article names first, then drawn category by category."""
    pool = [
        (f"{verb}{subject}的建议", category)
        for category, subjects in SUBJECTS.items()
        for subject in subjects
        for verb in VERBS
    ]
    rng.shuffle(pool)
    # Each subject once before any is repeated: several deputies raise the same concern.
    seen, first, repeats = {"农村道路亮化设施建设"}, [], []
    for title, category in pool:
        subject = next(s for s in SUBJECTS[category] if s in title)
        (repeats if subject in seen else first).append((title, category))
        seen.add(subject)
    named = {FIRST[0], XU_JIE[0]}
    rest = [pair for pair in first + repeats if pair[0] not in named]
    chosen = [FIRST, XU_JIE, *rest[: SESSION_COUNT + BETWEEN_COUNT - 2]]
    return chosen


def load(*, stdout=None) -> None:
    rng = random.Random(f"{SEED}:proposals")  # noqa: S311 - demo data
    term = Term.objects.get(number=16)
    session = Session.objects.get(term=term, number=1)
    categories = {c.name: c for c in Category.objects.filter(term=term)}
    units = {o.name: o for o in Organisation.objects.filter(active=True)}
    deputies = list(Deputy.objects.filter(term=term).order_by("card_number"))
    serving = [d for d in deputies if d.status == Deputy.Status.SERVING]
    by_name = {d.name: d for d in deputies}
    xu_jie, shen = by_name["徐杰"], by_name["沈永良"]

    titles = _titles(rng)
    # Contacts and B items' fates draw from their own generator, so the items drawn above stay
    # the same as before the contact log existed.
    outcome_rng = random.Random(f"{SEED}:outcomes")  # noqa: S311 - demo data
    rows, plans, outcomes = [], [], []
    broken: set[str] = set()  # the B fates given out that break the promise (one each)
    for index, (title, category) in enumerate(titles):
        in_session = index < SESSION_COUNT
        number = index + 1 if in_session else index - SESSION_COUNT + 1
        lead = xu_jie if title == XU_JIE[0] else rng.choice(serving)
        others = [d for d in rng.sample(serving, 4) if d.pk != lead.pk]
        cosigners = others[: rng.choice([0, 0, 1, 1, 2, 3])]
        if in_session:
            submitted = at(D(2022, 2, rng.choice([14, 15, 16, 17])), rng.randint(9, 16))
            registered = at(D(2022, 3, 1), 10)
            assigned_on = ASSIGNED_ON
        else:
            filed = _day_between(rng, D(2022, 4, 6), D(2022, 8, 31))
            submitted = at(filed, rng.randint(9, 16))
            registered = at(add_working_days(filed, 2), 10)
            assigned_on = add_working_days(filed, rng.randint(3, 5))
        due = DUE_ON if in_session else add_months(assigned_on, 3)
        replied_on = _day_between(rng, assigned_on + datetime.timedelta(days=45), due)
        reply_class = (
            "A" if title == XU_JIE[0] else rng.choices(["A", "B", "C"], weights=[76, 19, 5])[0]
        )
        unit_names = [n for n in UNITS[category] if n in units] or sorted(units)[:1]
        lead_unit = (
            units.get("市交通运输局") if title == XU_JIE[0] else units[rng.choice(unit_names)]
        )
        co_units = (
            [units["国网浙江平湖市供电公司"]]
            if title == XU_JIE[0] and "国网浙江平湖市供电公司" in units
            else [units[n] for n in unit_names if units[n] != lead_unit][: rng.choice([0, 0, 1])]
        )
        closed = at(replied_on + datetime.timedelta(days=rng.randint(5, 20)), 15)
        outcome = _promise_for_scorecard(
            _outcome_plan(
                outcome_rng,
                reply_class,
                replied_on,
                broken,
                may_break=lead_unit.name == MISSES_PROMISES,
            ),
            lead_unit.name,
        )
        outcomes.append(outcome)
        rows.append(
            {
                "term_id": term.pk,
                "session_id": session.pk if in_session else None,
                "number": number,
                "code": proposal_code(
                    term_number=16, session_number=1 if in_session else None, number=number
                ),
                "year": 2022,
                "title": title,
                "body": BODY.format(subject=title.removesuffix("的建议")[2:]),
                "lead_id": lead.pk,
                "category_id": categories[category].pk,
                "is_public": True,
                "status": Suggestion.Status.CLOSED,
                "created_at": submitted - datetime.timedelta(days=2),
                "submitted_at": submitted,
                "reviewed_at": registered,
                "registered_at": registered,
                "assigned_at": at(assigned_on, 9),
                "replied_at": at(replied_on, 16),
                "closed_at": closed,
                # C stays tracked; B until the unit reports it done.
                "tracking": reply_class == "C"
                or (reply_class == "B" and outcome["done_on"] is None),
            }
        )
        plans.append(
            (
                lead,
                cosigners,
                lead_unit,
                co_units,
                assigned_on,
                due,
                replied_on,
                reply_class,
                closed,
            )
        )

    suggestions = sync_rows(
        Suggestion.objects.filter(term=term, year=2022),
        ["term_id", "session_id", "number"],
        rows,
    )

    signatures, assignments, replies = [], [], []
    followups: list[dict] = []
    for item, outcome, (
        _lead,
        cosigners,
        lead_unit,
        co_units,
        assigned_on,
        due,
        replied_on,
        reply_class,
        _c,
    ) in zip(suggestions, outcomes, plans, strict=True):
        signed = item.submitted_at - datetime.timedelta(days=1)
        signatures += [
            {
                "suggestion_id": item.pk,
                "motion_id": None,
                "deputy_id": d.pk,
                "status": Signature.Status.CONFIRMED,
                "requested_at": signed - datetime.timedelta(hours=3),
                "responded_at": signed,
            }
            for d in cosigners
        ]
        assignments += [
            {
                "suggestion_id": item.pk,
                "organisation_id": unit.pk,
                "role": role,
                "assigned_at": assigned_on,
                "due_date": due,
                "accepted_at": at(assigned_on + datetime.timedelta(days=1), 10),
                "active": True,
            }
            for unit, role in [(lead_unit, Assignment.Role.LEAD)]
            + [(u, Assignment.Role.CO) for u in co_units]
        ]
        replies.append(
            {
                "suggestion_id": item.pk,
                "organisation_id": lead_unit.pk,
                "reply_class": reply_class,
                "letter_number": f"平{lead_unit.short_name or lead_unit.name}〔2022〕{item.number}号",
                "text": REPLY[reply_class],
                "replied_at": replied_on,
                "published_at": at(add_working_days(replied_on, 10), 9),
                "is_followup": False,
                "recorded_at": at(replied_on, 17),
                "promised_by": outcome["promised"],
                "reasons": C_REASONS if reply_class == "C" else "",
            }
        )
        letter = f"平{lead_unit.short_name or lead_unit.name}〔2022〕{item.number}号"
        for suffix, day, cls, text in (
            ("进展", outcome["progress_on"], "B", B_PROGRESS),
            ("办结", outcome["done_on"], "A", B_DONE),
        ):
            if day is not None:
                followups.append(
                    {
                        "suggestion_id": item.pk,
                        "organisation_id": lead_unit.pk,
                        "reply_class": cls,
                        "letter_number": f"{letter}-{suffix}",
                        "text": text,
                        "replied_at": day,
                        "published_at": None,
                        "is_followup": True,
                        "recorded_at": at(day, 17),
                        "promised_by": None,
                        "reasons": "",
                    }
                )
    ids = [s.pk for s in suggestions]
    sync_rows(
        Signature.objects.filter(suggestion_id__in=ids), ["suggestion_id", "deputy_id"], signatures
    )
    sync_rows(
        Assignment.objects.filter(suggestion_id__in=ids),
        ["suggestion_id", "organisation_id", "role"],
        assignments,
    )
    reply_objs = sync_rows(
        Reply.objects.filter(suggestion_id__in=ids), ["suggestion_id", "letter_number"], replies
    )
    sync_rows(
        Reply.objects.filter(suggestion_id__in=ids, is_followup=True),
        ["suggestion_id", "letter_number"],
        followups,
    )
    progress_timeline = _progress_reports(suggestions, outcomes, plans)
    leads = {
        a.suggestion_id: a
        for a in Assignment.objects.filter(
            suggestion_id__in=ids, role=Assignment.Role.LEAD, active=True
        ).select_related("organisation")
    }
    contacts = []
    for item, plan in zip(suggestions, plans, strict=True):
        lead, _cos, _unit, _co, assigned_on, _due, replied_on, *_rest = plan
        rows = _contact_rows(outcome_rng, item, leads[item.pk], assigned_on, replied_on, lead)
        dates = (assigned_on, replied_on)
        contacts += _contacts_for_scorecard(rows, item, leads[item.pk], dates, lead)
    sync_rows(Contact.objects.filter(suggestion_id__in=ids), ["suggestion_id", "stage"], contacts)

    feedback = []
    for item, reply, plan in zip(suggestions, reply_objs, plans, strict=True):
        lead, cosigners, *_rest, closed = plan
        for rater in [lead, *cosigners]:
            feedback.append(
                {
                    "reply_id": reply.pk,
                    "suggestion_id": item.pk,
                    "rater_id": rater.pk,
                    "process_rating": Rating.SATISFIED,
                    "result_rating": Rating.SATISFIED,
                    "comment": "",
                    "given_at": closed - datetime.timedelta(hours=2),
                }
            )
    sync_rows(Feedback.objects.filter(suggestion_id__in=ids), ["reply_id", "rater_id"], feedback)

    suggestion_type = ContentType.objects.get_for_model(Suggestion)
    timeline = []
    for item, reply, plan in zip(suggestions, reply_objs, plans, strict=True):
        lead_unit = plan[2]
        for action, moment, label, note in (
            ("submitted", item.submitted_at, "", ""),
            ("registered", item.registered_at, OFFICE, item.code),
            ("assigned", item.assigned_at, OFFICE, lead_unit.name),
            (
                "replied",
                item.replied_at,
                lead_unit.name,
                f"{reply.reply_class} {reply.letter_number}",
            ),
            ("reply_published", reply.published_at, OFFICE, ""),
            ("closed", item.closed_at, OFFICE, ""),
        ):
            timeline.append(
                {
                    "content_type_id": suggestion_type.pk,
                    "object_id": item.pk,
                    "action": action,
                    "actor_id": None,
                    "actor_label": label,
                    "at": moment,
                    "note": note,
                    "public": True,
                }
            )

    motion = _motion(rng, term, session, shen, serving)
    motion_type = ContentType.objects.get_for_model(Motion)
    for action, moment, note in (
        ("submitted", motion.submitted_at, motion.code),
        ("listed", motion.reviewed_at, ""),
        ("resolution", at(motion.resolution_date, 16), motion.resolution_date.isoformat()),
        ("inspection", at(D(2022, 12, 1), 14), "“扩中”“提低”决议落实督查会"),
    ):
        timeline.append(
            {
                "content_type_id": motion_type.pk,
                "object_id": motion.pk,
                "action": action,
                "actor_id": None,
                "actor_label": OFFICE,
                "at": moment,
                "note": note,
                "public": True,
            }
        )
    timeline += progress_timeline
    sync_rows(
        TimelineEntry.objects.filter(
            content_type__in=[suggestion_type, motion_type],
            object_id__in=[*ids, motion.pk],
        ),
        ["content_type_id", "object_id", "action"],
        timeline,
    )
    # Year end (回头看): the B items not done by 31 December 2022 go into 2023's ledger, the
    # ones done in 2023 entered as solved that day; run again, the roll-over adds nothing.
    carried = roll_over_unsolved(year=2022)
    if stdout is not None:
        if carried:
            stdout.write(f"  look-back ledger 2023: {len(carried)} items carried over")
        stdout.write(
            f"  suggestions: {len(suggestions)} ({SESSION_COUNT} at the session, "
            f"{BETWEEN_COUNT} between sessions); motion: {motion.code}"
        )


def _progress_reports(suggestions, outcomes, plans) -> list[dict]:
    """The lead unit's progress reports on each B item (issue 16): one on the day of its
    progress letter, with the share done, and one marking it done on the day of the letter
    reporting it done (that letter is the report's follow-up reply). Returns the public
    timeline rows they make."""
    ids = [item.pk for item in suggestions]
    done_letters = dict(
        Reply.objects.filter(suggestion_id__in=ids, is_followup=True, reply_class="A").values_list(
            "suggestion_id", "pk"
        )
    )
    suggestion_type = ContentType.objects.get_for_model(Suggestion)
    rows, timeline = [], []
    for item, outcome, plan in zip(suggestions, outcomes, plans, strict=True):
        lead_unit = plan[2]
        if outcome["progress_on"] is None:
            continue
        percent = 40 + (item.number * 7) % 41  # 40–80 %, fixed per item (no draw of the rng)
        steps = [(outcome["progress_on"], percent, B_PROGRESS, None)]
        if outcome["done_on"] is not None:
            steps.append((outcome["done_on"], 100, B_DONE, outcome["done_on"]))
        for day, share, text, done_on in steps:
            rows.append(
                {
                    "suggestion_id": item.pk,
                    "organisation_id": lead_unit.pk,
                    "reported_on": day,
                    "text": text,
                    "percent": share,
                    "done": done_on is not None,
                    "done_on": done_on,
                    "reply_id": done_letters.get(item.pk) if done_on else None,
                    "recorded_at": at(day, 17),
                }
            )
            timeline.append(
                {
                    "content_type_id": suggestion_type.pk,
                    "object_id": item.pk,
                    "action": "reported_done" if done_on else "progress_reported",
                    "actor_id": None,
                    "actor_label": lead_unit.name,
                    "at": at(day, 17),
                    "note": f"{share} %",
                    "public": True,
                }
            )
    sync_rows(ProgressReport.objects.filter(suggestion_id__in=ids), ["suggestion_id", "done"], rows)
    return timeline


def _motion(rng, term, session, shen, serving) -> Motion:
    meeting = Meeting.objects.filter(
        term=term, kind=Meeting.Kind.STANDING_COMMITTEE, date=D(2022, 4, 27)
    ).first()
    (motion,) = sync_rows(
        Motion.objects.filter(session=session),
        ["session_id", "number"],
        [
            {
                "term_id": term.pk,
                "session_id": session.pk,
                "number": 1,
                "code": proposal_code(term_number=16, session_number=1, number=1, motion=True),
                "title": MOTION_TITLE,
                "body": "",
                "lead_id": shen.pk,
                "is_public": True,
                "status": Motion.Status.RESOLVED,
                "reason": "缩小收入差距、扩大中等收入群体、提高低收入群体收入，是推动共同富裕的关键路径。"
                "我市在城乡居民收入、公共服务均等化等方面已有较好基础，但中等收入群体比重仍需提升，"
                "低收入群体增收渠道有待拓宽。",
                "grounds": "根据省委关于高质量发展建设共同富裕示范区的部署和嘉兴市“扩中”“提低”行动要求，"
                "结合我市收入分配结构现状和各镇街道调研情况提出。",
                "proposal": "一、制定全市“扩中”“提低”行动方案，明确目标、路径和重点群体；二、拓宽技术工人、"
                "新型职业农民、小微创业者等群体增收渠道；三、完善低收入农户帮扶和社会救助机制；"
                "四、建立任务清单和定期评估制度，向市人大常委会报告实施情况。",
                "created_at": at(D(2022, 2, 14), 20),
                "submitted_at": at(D(2022, 2, 16), 10),
                "review_outcome": Motion.Outcome.LISTED,
                "review_note": "经大会主席团审议，列为大会议案，交市人大常委会审议并作出决议。",
                "reviewed_at": at(D(2022, 2, 17), 17),
                "resolution_text": "市人大常委会关于《关于加快推进“扩中”“提低”行动，勇当共同富裕新崛起典范的议案》"
                "处理意见的决议：要求市人民政府制定行动方案，实施路径要有硬招，群策群力要有绝招，"
                "建立议案办理任务清单，并于年底前向常委会报告落实情况。",
                "resolution_date": D(2022, 4, 27),
                "resolution_meeting_id": meeting.pk if meeting else None,
            }
        ],
    )
    # 23 deputies in all: 沈永良 and 22 co-signers, drawn once and kept in card order.
    pool = [d for d in serving if d.pk != shen.pk]
    cosigners = sorted(rng.sample(pool, 22), key=lambda d: d.card_number)
    sync_rows(
        Signature.objects.filter(motion=motion),
        ["motion_id", "deputy_id"],
        [
            {
                "suggestion_id": None,
                "motion_id": motion.pk,
                "deputy_id": d.pk,
                "status": Signature.Status.CONFIRMED,
                "requested_at": at(D(2022, 2, 15), 9),
                "responded_at": at(D(2022, 2, 15), 18),
            }
            for d in cosigners
        ],
    )
    government = Organisation.objects.filter(name="市发展和改革局").first()
    sync_rows(
        MotionProgressReport.objects.filter(motion=motion),
        ["motion_id", "date"],
        [
            {
                "motion_id": motion.pk,
                "organisation_id": government.pk if government else None,
                "date": D(2022, 6, 30),
                "text": "市委、市政府印发《平湖市“扩中”“提低”行动方案》，明确重点群体、增收路径和任务清单。",
            }
        ],
    )
    sync_rows(
        MotionInspection.objects.filter(motion=motion),
        ["motion_id", "date"],
        [
            {
                "motion_id": motion.pk,
                "date": D(2022, 12, 1),
                "title": "“扩中”“提低”决议落实督查会（首次）",
                "note": "听取政府相关部门工作汇报，围绕“扩中”“提低”行动开展讨论，"
                "就督查中发现的问题和议案办理工作提出针对性、可操作的意见建议。",
            }
        ],
    )
    return motion


register(
    Step(
        "proposals",
        app_step(load),
        (
            Suggestion,
            Signature,
            Assignment,
            Reply,
            Feedback,
            Contact,
            ProgressReport,
            CarryOver,
            Motion,
        ),
        order=50,
    )
)
register(
    Step(
        "opinions",
        app_step(opinions_demo.load),
        (Opinion, OpinionPhoto),
        order=60,
    )
)
# After the year's items: the scorecard's scheme (its figures are computed from them).
register(
    Step(
        "scorecards",
        app_step(scorecards_demo.load),
        (ScorecardScheme, ScorecardCriterion),
        order=55,
    )
)
# After every step that gives clerks their logins (the budget's, 76): what the year's deputies
# and clerks were told, in their inboxes and the delivery log.
register(
    Step(
        "notices",
        app_step(notices_demo.load),
        (Notice, Delivery),
        order=80,
    )
)
