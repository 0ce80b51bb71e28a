"""A data set ten times the demo's, for the scale benchmark (tests/perf/bench_http.py).

Shape (scale=10, the default): ten times ONE term — 2,800 deputies of the current 16th term, the
worst case for every page that lists or counts the current term's deputies — with ten years of
activity (2017–2026): one session a year, ~55,000 activities, 60 stations with a reception a month
each, 20,000 suggestions with co-signers, units, published replies, feedback and timeline rows,
100 motions, 100 supervision items, a counted and published livelihood-project ballot each year,
major projects and ten published annual reviews. Residents' opinions (15,000) are added when the
`proposals.Opinion` model and its table exist; otherwise a note says they were skipped.

Everything is written with bulk_create from a seeded generator; only the ten ballots go through
the vote services (they are few, and a Result is only ever computed by `poll_close`).
Private columns get recognisable values (phones 139…, ID numbers 330482…) so that a reader of
a public page can grep for them.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_YEAR = 2017
YEARS = 10
BATCH = 2000
TOWNS = [("当湖街道", "street"), ("钟埭街道", "street"), ("曹桥街道", "street"), ("乍浦镇", "town"),
         ("新埭镇", "town"), ("新仓镇", "town"), ("广陈镇", "town"), ("林埭镇", "town"),
         ("独山港镇", "town")]  # fmt: skip
CATEGORIES = ["经济建设", "城乡建设", "环境资源", "民生事业", "农业农村", "法治建设"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗沈顾陆钱"
GIVEN = "建国志强秀英丽华伟明海燕国平金华永良杰红霞春林晓东文军"
PARTIES = ["中共党员", "中共党员", "中共党员", "民革党员", "民盟盟员", "民进会员", "群众"]
TOPICS = ["农村道路", "农村道路亮化", "老旧小区改造", "学校周边交通", "垃圾分类", "居家养老",
          "农贸市场", "河道治理", "停车难", "公交线路", "社区卫生服务", "企业用工",
          "农田水利", "消防通道", "婴幼儿照护"]  # fmt: skip


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@dataclass
class Built:
    """What the benchmark needs to pick its URLs, and the row counts to print."""

    counts: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    station_id: int | None = None
    suggestion_id: int | None = None
    category_id: int | None = None
    project_year: int = 2022
    review_year: int = 2022


def opinion_model():
    """proposals.Opinion when both the model and its table exist (it is being written), else None."""
    try:
        model = apps.get_model("proposals", "Opinion")
    except LookupError:
        return None
    if model._meta.db_table not in connection.introspection.table_names():
        return None
    return model


def _bulk(model, objects, counts, **kwargs):
    rows = model.objects.bulk_create(objects, batch_size=BATCH, **kwargs)
    counts[model.__name__] = counts.get(model.__name__, 0) + len(rows)
    return rows


def _day(rng, year, first_month=1, last_month=12):
    return datetime.date(year, rng.randint(first_month, last_month), rng.randint(1, 28))


def build(scale: int = 10, seed: int = 2026, say=print) -> Built:  # noqa: C901 - one linear script
    from congress.models import (
        AnnualReview,
        Category,
        Meeting,
        Organisation,
        ReviewSection,
        Session,
        Term,
        Town,
    )
    from congress.review.demo import REVIEW, SECTIONS
    from deputies.models import (
        Activity,
        ActivityKind,
        Delegation,
        Deputy,
        DeputyGroup,
        LiaisonStation,
        PointRule,
        Reception,
    )
    from proposals.models import (
        Assignment,
        Feedback,
        Motion,
        Rating,
        Reply,
        Signature,
        Suggestion,
        TimelineEntry,
        proposal_code,
    )
    from supervision.models import (
        MajorProject,
        RectificationReport,
        ReviewOpinion,
        SupervisionItem,
    )

    rng = random.Random(seed)  # noqa: S311 - benchmark data, not security
    out = Built()
    c = out.counts
    years = list(range(FIRST_YEAR, FIRST_YEAR + YEARS))

    with transaction.atomic():
        # --- reference ---------------------------------------------------------------------
        term = Term.objects.create(number=16, start_date=datetime.date(FIRST_YEAR, 1, 1))
        sessions = _bulk(
            Session,
            [
                Session(
                    term=term,
                    number=n,
                    start_date=datetime.date(y, 2, 14),
                    end_date=datetime.date(y, 2, 18),
                    deputies_due=28 * scale * 10,
                    deputies_present=28 * scale * 10 - 20,
                )
                for n, y in enumerate(years, 1)
            ],
            c,
        )
        session_of = dict(zip(years, sessions, strict=True))
        meetings = _bulk(
            Meeting,
            [
                Meeting(
                    term=term,
                    kind=Meeting.Kind.STANDING_COMMITTEE,
                    number=i * 6 + k + 1,
                    date=datetime.date(y, 2 * k + 2, 25),
                )
                for i, y in enumerate(years)
                for k in range(6)
            ],
            c,
        )
        towns = _bulk(Town, [Town(name=n, kind=k, order=i) for i, (n, k) in enumerate(TOWNS)], c)
        units = _bulk(Organisation, [Organisation(name=f"市第{i:02d}局") for i in range(60)], c)
        categories = _bulk(
            Category, [Category(term=term, name=n, order=i) for i, n in enumerate(CATEGORIES)], c
        )
        out.category_id = categories[4].pk  # 农业农村: where 农村道路 suggestions go
        _bulk(
            PointRule,
            [
                PointRule(kind=k, points=Decimal(2 + i % 3), valid_from=datetime.date(2017, 1, 1))
                for i, k in enumerate(ActivityKind.values)
            ],
            c,
        )

        # --- deputies ----------------------------------------------------------------------
        delegations = _bulk(
            Delegation, [Delegation(term=term, town=t, name=f"{t.name}代表团") for t in towns], c
        )
        n_deputies = 280 * scale
        deputies = []
        for i in range(n_deputies):
            ended = i % 20 == 19
            deputies.append(
                Deputy(
                    term=term,
                    card_number=f"S{i:05d}",
                    name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    gender="F" if rng.random() < 0.3 else "M",
                    party=rng.choice(PARTIES),
                    occupation=f"某公司第{i % 97}部门负责人",
                    delegation=delegations[i % len(delegations)],
                    constituency=f"第{i % 120 + 1}选区",
                    bio="长期在基层工作，关注民生。",
                    status="ended" if ended else "serving",
                    ended_on=datetime.date(2024, 6, 30) if ended else None,
                    phone=f"139{i:08d}",
                    id_number=f"330482{1960 + i % 40}0101{i % 1000:03d}X",
                    birth_date=datetime.date(1960 + i % 40, 1, 1),
                )
            )
        deputies = _bulk(Deputy, deputies, c)
        serving = [d for d in deputies if d.status == "serving"]
        groups = _bulk(
            DeputyGroup,
            [
                DeputyGroup(
                    term=term,
                    name=f"{towns[i % 9].name}第{i // 9 + 1}代表小组",
                    kind="constituency",
                    town=towns[i % 9],
                )
                for i in range(9 * scale)
            ]
            + [
                DeputyGroup(term=term, name=f"第{i + 1}专业小组", kind="professional")
                for i in range(3 * scale)
            ],
            c,
        )
        membership = DeputyGroup.members.through
        _bulk(
            membership,
            [
                membership(deputygroup=groups[i % (9 * scale)], deputy=d)
                for i, d in enumerate(deputies)
            ]
            + [
                membership(deputygroup=groups[9 * scale + i % (3 * scale)], deputy=d)
                for i, d in enumerate(deputies[::3])
            ],
            c,
        )

        # --- stations and receptions --------------------------------------------------------
        n_stations = 6 * scale
        stations = _bulk(
            LiaisonStation,
            [
                LiaisonStation(
                    name=f"{towns[i % 9].name}第{i // 9 + 1}人大代表联络站",
                    town=towns[i % 9],
                    tier="central" if i < 9 else "station",
                    address=f"{towns[i % 9].name}人民路{i + 1}号",
                    opening_hours="每月15日 9:00–11:30",
                    phone=f"0573-8500{i:04d}",
                    order=i,
                )
                for i in range(n_stations)
            ],
            c,
        )
        stationed = {s.pk: rng.sample(serving, 15) for s in stations}
        through = LiaisonStation.deputies.through
        _bulk(
            through,
            [through(liaisonstation_id=s, deputy=d) for s, ds in stationed.items() for d in ds],
            c,
        )
        receptions = []
        for s in stations:
            for y in years:
                for month in range(1, 13):
                    if y == years[-1] and month > 10:
                        continue
                    day = datetime.date(y, month, 15)
                    receptions.append(
                        Reception(
                            station=s,
                            date=day,
                            notice_date=day - datetime.timedelta(days=3),
                            theme=f"{rng.choice(TOPICS)}专题接待",
                            residents_received=rng.randint(2, 25),
                            notes="代表现场听取意见，逐条登记并跟踪办理。",
                        )
                    )
        receptions = _bulk(Reception, receptions, c)
        rthrough = Reception.deputies.through
        _bulk(
            rthrough,
            [
                rthrough(reception=r, deputy=d)
                for r in receptions
                for d in rng.sample(stationed[r.station_id], 3)
            ],
            c,
        )
        out.station_id = stations[0].pk

        # --- activities (the performance record) ------------------------------------------
        kinds = ActivityKind.values
        _bulk(
            Activity,
            (
                Activity(
                    deputy=rng.choice(deputies),
                    kind=rng.choice(kinds),
                    title=f"{rng.choice(TOPICS)}调研",
                    date=_day(rng, rng.choice(years)),
                    hours=Decimal(rng.randint(1, 8)),
                    verified=rng.random() < 0.9,
                )
                for _ in range(5500 * scale)
            ),
            c,
        )

        # --- suggestions and their handling ------------------------------------------------
        per_year = 200 * scale
        suggestions = []
        for y in years:
            session = session_of[y]
            for n in range(1, per_year + 1):
                topic = TOPICS[(n * 7 + y) % len(TOPICS)]
                lead = rng.choice(serving)
                recent = y == years[-1] and n % 3 == 0
                status = (
                    Suggestion.Status.HANDLING
                    if recent
                    else (Suggestion.Status.CLOSED if n % 10 else Suggestion.Status.REPLIED)
                )
                key = n % 97 == 0
                suggestions.append(
                    Suggestion(
                        term=term,
                        session=session,
                        number=n,
                        code=proposal_code(term_number=16, session_number=session.number, number=n),
                        title=f"关于加强{TOWNS[n % 9][0]}{topic}建设的建议（{y}-{n}）",
                        body=f"{topic}问题群众反映较多。建议：一是加大投入；二是明确责任；三是加强督查。",
                        lead=lead,
                        is_public=n % 25 != 0,
                        created_at=at(datetime.date(y, 2, 15)),
                        submitted_at=at(datetime.date(y, 2, 16)),
                        status=status,
                        year=y,
                        category=categories[4] if "农村" in topic else categories[n % 6],
                        key_supervision=key,
                        key_leader="市人大常委会副主任" if key else "",
                        registered_at=at(datetime.date(y, 3, 1)),
                        assigned_at=at(datetime.date(y, 3, 18)),
                        replied_at=None if recent else at(datetime.date(y, 6, 10)),
                        closed_at=at(datetime.date(y, 7, 20))
                        if status == Suggestion.Status.CLOSED
                        else None,
                        tracking=not recent and n % 3 != 0,
                    )
                )
        suggestions = _bulk(Suggestion, suggestions, c)
        signatures, assignments, replies = [], [], []
        cosigners = {}
        for s in suggestions:
            others = [d for d in rng.sample(serving, 3) if d.pk != s.lead_id][:2]
            cosigners[s.pk] = others
            signatures += [
                Signature(
                    suggestion=s,
                    deputy=d,
                    status="confirmed",
                    requested_at=s.created_at,
                    responded_at=s.submitted_at,
                )
                for d in others
            ]
            assigned = datetime.date(s.year, 3, 18)
            lead_unit, co_unit = rng.sample(units, 2)
            assignments.append(
                Assignment(
                    suggestion=s,
                    organisation=lead_unit,
                    role="lead",
                    assigned_at=assigned,
                    due_date=datetime.date(s.year, 6, 18),
                )
            )
            if s.pk % 3 == 0:
                assignments.append(
                    Assignment(
                        suggestion=s,
                        organisation=co_unit,
                        role="co",
                        assigned_at=assigned,
                        due_date=datetime.date(s.year, 6, 18),
                    )
                )
            if s.replied_at:
                replies.append(
                    Reply(
                        suggestion=s,
                        organisation=lead_unit,
                        reply_class="ABC"[s.pk % 3],
                        letter_number=f"平{s.pk}函〔{s.year}〕{s.number}号",
                        text="经研究，已列入年度计划，将分步实施并及时向代表反馈进展。",
                        replied_at=datetime.date(s.year, 6, 10),
                        published_at=at(datetime.date(s.year, 6, 20)),
                    )
                )
        _bulk(Signature, signatures, c)
        _bulk(Assignment, assignments, c)
        replies = _bulk(Reply, replies, c)
        by_suggestion = {s.pk: s for s in suggestions}
        feedback = []
        for r in replies:
            s = by_suggestion[r.suggestion_id]
            for d in [s.lead, *cosigners[s.pk]]:
                feedback.append(
                    Feedback(
                        reply=r,
                        suggestion=s,
                        rater=d,
                        process_rating=Rating.SATISFIED,
                        result_rating=Rating.SATISFIED if r.pk % 7 else Rating.BASICALLY,
                        given_at=at(datetime.date(s.year, 7, 1)),
                    )
                )
        _bulk(Feedback, feedback, c)
        ct = ContentType.objects.get_for_model(Suggestion)
        timeline = []
        for s in suggestions:
            steps = [("registered", s.registered_at), ("assigned", s.assigned_at)]
            if s.replied_at:
                steps.append(("replied", s.replied_at))
            timeline += [
                TimelineEntry(
                    content_type=ct, object_id=s.pk, action=a, at=t, actor_label="代表工委"
                )
                for a, t in steps
            ]
        _bulk(TimelineEntry, timeline, c)
        public = [s for s in suggestions if s.is_public and s.replied_at and s.year == 2022]
        out.suggestion_id = public[0].pk

        motions = _bulk(
            Motion,
            [
                Motion(
                    term=term,
                    session=session_of[y],
                    number=n,
                    code=proposal_code(
                        term_number=16, session_number=session_of[y].number, number=n, motion=True
                    ),
                    title=f"关于推进{rng.choice(TOPICS)}的议案（{y}-{n}）",
                    lead=rng.choice(serving),
                    status="listed" if n == 1 else "not_listed",
                    review_outcome="listed" if n == 1 else "not_listed",
                    reason="案由",
                    grounds="案据",
                    proposal="方案",
                    submitted_at=at(datetime.date(y, 2, 16)),
                )
                for y in years
                for n in range(1, scale + 1)
            ],
            c,
        )
        _bulk(
            Signature,
            [
                Signature(
                    motion=m,
                    deputy=d,
                    status="confirmed",
                    requested_at=m.submitted_at,
                    responded_at=m.submitted_at,
                )
                for m in motions
                for d in rng.sample([d for d in serving if d.pk != m.lead_id], 10)
            ],
            c,
        )

        # --- residents' opinions (when the model exists) ------------------------------------
        Opinion = opinion_model()
        if Opinion is None:
            out.notes.append(
                "residents' opinions skipped: proposals.Opinion or its table does not exist yet"
            )
        else:
            opinions = []
            categories_op = [v for v, _l in Opinion._meta.get_field("category").choices]
            for i in range(1500 * scale):
                s = stations[i % n_stations]
                day = _day(rng, years[-5 + i % 5])
                closed = i % 17 != 0
                opinions.append(
                    Opinion(
                        code=f"B{i:07d}",
                        source="station_qr",
                        station=s,
                        category=categories_op[i % len(categories_op)],
                        content=f"{rng.choice(TOPICS)}问题，希望尽快解决。",
                        name=f"居民{i}",
                        phone=f"137{i:08d}",
                        consent=True,
                        status="closed" if closed else "submitted",
                        handling="on_the_spot" if closed else "",
                        answer="已现场答复。" if closed else "",
                        rating="satisfied" if closed else "",
                        submitted_at=at(day),
                        replied_at=at(day, 15) if closed else None,
                        closed_at=at(day, 16) if closed else None,
                    )
                )
            _bulk(Opinion, opinions, c)

        # --- supervision ------------------------------------------------------------------
        kinds = ["work_report", "plan_budget", "audit", "state_assets", "inspection", "inquiry"]
        items = _bulk(
            SupervisionItem,
            [
                SupervisionItem(
                    meeting=meetings[(i // 10) * 6 + i % 6],
                    kind="debt" if i % 10 == 9 else kinds[i % len(kinds)],
                    title=f"关于{rng.choice(TOPICS)}工作情况的报告（{i}）",
                    summary="常委会听取并审议了报告，提出审议意见。",
                    reporting_organisation=units[i % 60],
                    debt_amount=Decimal("2557000000.00") if i % 10 == 9 else None,
                    is_public=True,
                )
                for i in range(10 * YEARS)
            ],
            c,
        )
        opinions_sv = _bulk(
            ReviewOpinion,
            [
                ReviewOpinion(
                    item=item,
                    text="建议进一步压实责任。",
                    issued_on=item.meeting.date + datetime.timedelta(days=7),
                    report_due=item.meeting.date + datetime.timedelta(days=67),
                )
                for item in items
            ],
            c,
        )
        _bulk(
            RectificationReport,
            [
                RectificationReport(
                    opinion=o,
                    received_on=o.report_due - datetime.timedelta(days=5),
                    text="已整改。",
                )
                for o in opinions_sv
            ],
            c,
        )

    # --- livelihood projects: one counted, published ballot a year (through the services) ---
    _projects(rng, years, units, serving, groups, term, c, scale)
    with transaction.atomic():
        _bulk(
            MajorProject,
            [
                MajorProject(
                    year=y,
                    name=f"重大投资项目{y}-{k}",
                    investment=Decimal(50_000_000 + k * 30_000_000),
                    owner=units[k],
                )
                for y in years
                for k in range(11)
            ],
            c,
        )
        # --- annual reviews: ten published years with the demo's sections -------------------
        for y in years:
            review = AnnualReview.objects.create(
                year=y,
                title=REVIEW["title"],
                subtitle=f"平湖市人大常委会{y}年工作回眸",
                lead=REVIEW["lead"],
                published=True,
                published_on=datetime.date(y + 1, 1, 16),
            )
            ReviewSection.objects.bulk_create(
                ReviewSection(review=review, order=i, heading=h, narrative=n.strip(), figure_keys=k)
                for i, (h, n, k) in enumerate(SECTIONS, 1)
            )
        c["AnnualReview"] = YEARS
        c["ReviewSection"] = YEARS * len(SECTIONS)
    # bulk_create sends no signals: the summary slices computed while the data was being built
    # (the major projects came after the year's supervision slice) are recomputed from the rows,
    # as after an import; `manage.py check_summaries` then finds them all in agreement.
    from congress.kit import summaries

    summaries.mark_all_stale()
    return out


def _projects(rng, years, units, serving, groups, term, c, scale):
    from supervision import rules, services
    from supervision.models import (
        Ballot,
        BallotReceipt,
        Inspection,
        LivelihoodProject,
        Milestone,
        ProjectApproval,
    )

    for y in years:
        with transaction.atomic():
            projects = LivelihoodProject.objects.bulk_create(
                LivelihoodProject(
                    year=y,
                    title=f"{y}年民生实事候选项目{k + 1}：{TOPICS[k]}",
                    area=TOPICS[k][:2],
                    description=f"围绕{TOPICS[k]}实施一批惠民工程。",
                    investment=Decimal(10_000_000 + k * 1_000_000),
                    owner=units[k],
                    order=k,
                )
                for k in range(12)
            )
            ProjectApproval.objects.bulk_create(
                ProjectApproval(project=p, step=step, decided_on=datetime.date(y - 1, 12, 10 + k))
                for p in projects
                for k, step in enumerate(ProjectApproval.Step.values)
            )
            day = datetime.date(y, 2, 18)
            poll = services.livelihood_ballot_create(
                year=y,
                title=f"{y}年民生实事项目票决",
                opens_at=at(day, 9),
                closes_at=at(day, 11),
                max_choices=10,
                seats=10,
                term=term,
            )
            voters = rng.sample(serving, 251)
            services.poll_open(poll=poll, voters=voters)
            options = list(poll.options.order_by("order"))
            ballots = []
            for _v in voters:
                # Most leave out the last two candidates, so that ten are clearly selected.
                left_out = {10, 11} if rng.random() < 0.9 else set(rng.sample(range(12), 2))
                ballots.append(
                    {str(o.pk): rules.YES for i, o in enumerate(options) if i not in left_out}
                )
            BallotReceipt.objects.bulk_create(BallotReceipt(poll=poll, voter=v) for v in voters)
            Ballot.objects.bulk_create(Ballot(poll=poll, marks=m) for m in ballots)
            services.poll_close(poll=poll)
            services.poll_publish(poll=poll)
            services.livelihood_selection_record(poll=poll)
            Milestone.objects.bulk_create(
                Milestone(
                    project=p,
                    title=f"节点{m + 1}",
                    due_on=datetime.date(y, 4 * m + 3, 28),
                    done_on=datetime.date(y, 4 * m + 3, 20),
                )
                for p in projects
                for m in range(3)
            )
            Inspection.objects.bulk_create(
                Inspection(
                    project=p,
                    group=groups[k],
                    date=datetime.date(y, 6 + k % 4, 15),
                    place="现场",
                    notes="查看进度，提出意见。",
                )
                for k, p in enumerate(projects[:6])
            )
    c["LivelihoodProject"] = 12 * len(years)
    c["Poll (published ballots)"] = len(years)
    c["Ballot"] = 251 * len(years)
