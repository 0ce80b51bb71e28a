"""The demo's 2022 filing register for Pinghu: documents filed by the city government, its
departments, the court, the procuratorate and the towns, each reviewed by the office; most on
time and without issue, a few late, two published without being filed; problems raised on three,
one corrected after a written inquiry; one themed review of documents touching private firms;
two residents' suggestions, one accepted and one not within remit.

Every title and sentence here is written for the demo; the documents are not real ones."""

import datetime

from django.db import transaction
from django.utils import timezone

from congress.demo.base import Step, app_step, register
from congress.kit.rules import rule
from congress.kit.workdays import add_working_days
from congress.models import Organisation
from supervision.filing import services
from supervision.filing.models import FilingReview, NormativeDocument, ReviewSuggestion

D = datetime.date
C = NormativeDocument.Category
ST = FilingReview.Status
CITY_GOVERNMENT = "平湖市人民政府"

# (number, title, organ, category, adopted, published, filed or None)
DOCUMENTS = [
    (
        "平政发〔2022〕3号",
        "平湖市促进制造业高质量发展若干政策意见",
        CITY_GOVERNMENT,
        C.GOVERNMENT,
        D(2022, 1, 20),
        D(2022, 1, 28),
        D(2022, 2, 18),
    ),
    (
        "平政发〔2022〕7号",
        "平湖市城市养犬管理办法",
        CITY_GOVERNMENT,
        C.GOVERNMENT,
        D(2022, 2, 24),
        D(2022, 3, 1),
        D(2022, 3, 21),
    ),
    (
        "平政发〔2022〕11号",
        "平湖市农村集体经济组织资产管理办法",
        CITY_GOVERNMENT,
        C.GOVERNMENT,
        D(2022, 3, 17),
        D(2022, 3, 25),
        D(2022, 4, 14),
    ),
    (
        "平政发〔2022〕15号",
        "平湖市公共租赁住房保障管理办法",
        CITY_GOVERNMENT,
        C.GOVERNMENT,
        D(2022, 4, 21),
        D(2022, 4, 28),
        D(2022, 5, 20),
    ),
    (
        "平政发〔2022〕19号",
        "平湖市支持民营企业稳岗扩岗的若干措施",
        CITY_GOVERNMENT,
        C.GOVERNMENT,
        D(2022, 5, 19),
        D(2022, 5, 26),
        D(2022, 6, 15),
    ),
    (
        "平政发〔2022〕24号",
        "平湖市历史建筑保护利用管理办法",
        CITY_GOVERNMENT,
        C.GOVERNMENT,
        D(2022, 6, 23),
        D(2022, 6, 30),
        D(2022, 7, 22),
    ),
    (
        "平政办发〔2022〕9号",
        "平湖市城乡居民基本医疗保险实施细则",
        CITY_GOVERNMENT,
        C.GOVERNMENT,
        D(2022, 2, 10),
        D(2022, 2, 16),
        D(2022, 3, 10),
    ),
    (
        "平政办发〔2022〕21号",
        "平湖市村级小微权力清单管理办法",
        CITY_GOVERNMENT,
        C.GOVERNMENT,
        D(2022, 4, 7),
        D(2022, 4, 12),
        D(2022, 5, 25),
    ),
    (
        "平政办发〔2022〕33号",
        "平湖市政府投资项目管理办法",
        CITY_GOVERNMENT,
        C.GOVERNMENT,
        D(2022, 7, 14),
        D(2022, 7, 20),
        D(2022, 8, 12),
    ),
    (
        "平政办发〔2022〕41号",
        "平湖市建筑垃圾处置管理办法",
        CITY_GOVERNMENT,
        C.GOVERNMENT,
        D(2022, 9, 1),
        D(2022, 9, 8),
        D(2022, 9, 30),
    ),
    (
        "平政办发〔2022〕52号",
        "平湖市养老服务补贴实施办法",
        CITY_GOVERNMENT,
        C.GOVERNMENT,
        D(2022, 10, 27),
        D(2022, 11, 2),
        D(2022, 11, 25),
    ),
    (
        "平政办发〔2022〕58号",
        "平湖市农贸市场管理办法",
        CITY_GOVERNMENT,
        C.GOVERNMENT,
        D(2022, 11, 24),
        D(2022, 11, 30),
        None,
    ),
    (
        "平教〔2022〕14号",
        "平湖市义务教育阶段招生入学实施办法",
        "市教育局",
        C.DEPARTMENT,
        D(2022, 3, 30),
        D(2022, 4, 6),
        D(2022, 4, 29),
    ),
    (
        "平教〔2022〕38号",
        "平湖市校外培训机构管理细则",
        "市教育局",
        C.DEPARTMENT,
        D(2022, 8, 18),
        D(2022, 8, 25),
        D(2022, 9, 19),
    ),
    (
        "平民〔2022〕12号",
        "平湖市最低生活保障审核确认办法",
        "市民政局",
        C.DEPARTMENT,
        D(2022, 3, 8),
        D(2022, 3, 15),
        D(2022, 4, 8),
    ),
    (
        "平人社〔2022〕20号",
        "平湖市就业补助资金管理办法",
        "市人力资源和社会保障局",
        C.DEPARTMENT,
        D(2022, 5, 5),
        D(2022, 5, 12),
        D(2022, 6, 2),
    ),
    (
        "平自然资规〔2022〕8号",
        "平湖市农村宅基地审批管理办法",
        "市自然资源和规划局",
        C.DEPARTMENT,
        D(2022, 4, 14),
        D(2022, 4, 20),
        D(2022, 5, 16),
    ),
    (
        "平建〔2022〕17号",
        "平湖市住宅小区物业服务管理办法",
        "市住房和城乡建设局",
        C.DEPARTMENT,
        D(2022, 6, 9),
        D(2022, 6, 15),
        D(2022, 7, 8),
    ),
    (
        "平建〔2022〕29号",
        "平湖市既有住宅加装电梯实施细则",
        "市住房和城乡建设局",
        C.DEPARTMENT,
        D(2022, 9, 15),
        D(2022, 9, 22),
        D(2022, 11, 10),
    ),
    (
        "平交〔2022〕6号",
        "平湖市网络预约出租汽车经营服务管理细则",
        "市交通运输局",
        C.DEPARTMENT,
        D(2022, 2, 28),
        D(2022, 3, 4),
        D(2022, 3, 28),
    ),
    (
        "平农〔2022〕15号",
        "平湖市农业产业化项目资金管理办法",
        "市农业农村局",
        C.DEPARTMENT,
        D(2022, 5, 24),
        D(2022, 5, 30),
        D(2022, 6, 24),
    ),
    (
        "平商〔2022〕9号",
        "平湖市促进消费券发放使用管理办法",
        "市商务局",
        C.DEPARTMENT,
        D(2022, 4, 25),
        D(2022, 4, 29),
        D(2022, 5, 20),
    ),
    (
        "平卫健〔2022〕22号",
        "平湖市家庭医生签约服务管理办法",
        "市卫生健康局",
        C.DEPARTMENT,
        D(2022, 6, 20),
        D(2022, 6, 27),
        D(2022, 7, 20),
    ),
    (
        "平市监〔2022〕31号",
        "平湖市市场主体住所登记管理办法",
        "市市场监督管理局",
        C.DEPARTMENT,
        D(2022, 7, 25),
        D(2022, 7, 29),
        D(2022, 8, 22),
    ),
    (
        "平市监〔2022〕44号",
        "平湖市食品小作坊登记管理细则",
        "市市场监督管理局",
        C.DEPARTMENT,
        D(2022, 10, 10),
        D(2022, 10, 14),
        None,
    ),
    (
        "平综执〔2022〕5号",
        "平湖市户外广告设施设置管理办法",
        "市综合行政执法局",
        C.DEPARTMENT,
        D(2022, 3, 21),
        D(2022, 3, 28),
        D(2022, 4, 20),
    ),
    (
        "平医保〔2022〕10号",
        "平湖市长期护理保险实施细则",
        "市医疗保障局",
        C.DEPARTMENT,
        D(2022, 8, 1),
        D(2022, 8, 5),
        D(2022, 8, 30),
    ),
    (
        "平法〔2022〕16号",
        "平湖市人民法院诉前调解工作规程",
        "市人民法院",
        C.JUDICIAL,
        D(2022, 4, 18),
        D(2022, 4, 22),
        D(2022, 5, 18),
    ),
    (
        "平检〔2022〕11号",
        "平湖市人民检察院公益诉讼线索举报奖励办法",
        "市人民检察院",
        C.JUDICIAL,
        D(2022, 6, 6),
        D(2022, 6, 10),
        D(2022, 7, 5),
    ),
]

# Documents a town issued are found through the town government's name (当湖街道 → its office).
TOWN_DOCUMENTS = [
    ("村规民约备案审查办法", D(2022, 3, 14), D(2022, 3, 18), D(2022, 4, 12)),
    ("农村生活垃圾分类管理办法", D(2022, 5, 9), D(2022, 5, 13), D(2022, 6, 7)),
    ("老旧小区改造居民自治办法", D(2022, 8, 8), D(2022, 8, 12), D(2022, 10, 20)),
    ("集镇环境卫生管理办法", D(2022, 9, 19), D(2022, 9, 23), D(2022, 10, 18)),
    ("乡村民宿发展扶持办法", D(2022, 6, 13), D(2022, 6, 17), D(2022, 7, 12)),
]


def load(*, stdout=None) -> None:
    write = stdout.write if stdout else (lambda message: None)
    if NormativeDocument.objects.exists():
        write("filing review: the register already has documents; left as it is.")
        return
    orgs = {o.name: o for o in Organisation.objects.all()}
    if "市教育局" not in orgs:
        write("filing review: the foundation demo (handling units) is missing; skipped.")
        return
    with transaction.atomic():
        government, _ = Organisation.objects.get_or_create(
            name=CITY_GOVERNMENT,
            defaults={"short_name": "市政府", "kind": Organisation.Kind.GOVERNMENT, "order": 1},
        )
        orgs[CITY_GOVERNMENT] = government
        documents = {}
        for number, title, organ, category, adopted, published, filed in DOCUMENTS:
            documents[number] = services.document_record(
                number=number, title=title, organ=orgs[organ], category=category,
                adopted_on=adopted, published_on=published, filed_on=filed,
            )  # fmt: skip
        towns = sorted(
            (o for o in orgs.values() if o.kind == Organisation.Kind.TOWN and o.parent_id is None),
            key=lambda o: o.order,
        )
        for i, (title, adopted, published, filed) in enumerate(TOWN_DOCUMENTS):
            town = towns[i % len(towns)]
            number = f"{town.short_name or town.name}〔2022〕{10 + i}号"
            documents[number] = services.document_record(
                number=number, title=f"{town.short_name or town.name}{title}", organ=town,
                category=C.TOWN, adopted_on=adopted, published_on=published, filed_on=filed,
            )  # fmt: skip
        _reviews(documents)
        _suggestions(documents)
    filed = NormativeDocument.objects.filed()
    write(
        f"filing review: {NormativeDocument.objects.count()} documents, {filed.count()} filed "
        f"({filed.filed_late().count()} late), {FilingReview.objects.count()} reviews, "
        f"{ReviewSuggestion.objects.count()} residents' suggestions (/filing/)"
    )


def _after(day: datetime.date, days: int) -> datetime.date:
    return day + datetime.timedelta(days=days)


def _reviews(documents) -> None:
    raised = {
        # The dog rules fined owners more than the law allows: corrected after a written inquiry.
        "平政发〔2022〕7号": "inquiry",
        # The homestead rules added a condition the law does not set: corrected once raised.
        "平自然资规〔2022〕8号": "communicated",
        # The tutoring rules' inspection powers: the organ's answer is awaited at year end.
        "平教〔2022〕38号": "open",
    }
    for number, document in documents.items():
        if not document.filed_on or number in (
            "平政发〔2022〕19号",
            "平人社〔2022〕20号",
            "平建〔2022〕29号",
        ):
            continue
        start = _after(document.filed_on, 5)
        review = services.review_start(
            document=document, kind=FilingReview.Kind.ACTIVE, started_on=start
        )
        path = raised.get(number)
        if path is None:
            services.review_advance(
                review=review, to=ST.NO_ISSUE, on=_after(start, 20),
                note="经审查，未发现同宪法、法律、法规相抵触或者明显不适当的问题。",
            )  # fmt: skip
            continue
        if number == "平政发〔2022〕7号":
            services.review_add_finding(
                review=review, ground="rights", articles="第二十二条",
                explanation="对未按期办理犬只登记的，设定了上位法没有规定的罚款，违法增加了公民的义务。",
            )  # fmt: skip
        elif number == "平自然资规〔2022〕8号":
            services.review_add_finding(
                review=review, ground="authority", articles="第九条第二款",
                explanation="将“在本村连续居住满五年”设为申请宅基地的条件，超出了部门规范性文件的权限。",
            )  # fmt: skip
        else:
            services.review_add_finding(
                review=review, ground="procedure", articles="第十四条",
                explanation="设定现场检查的程序未经合法性审查，且未向社会公开征求意见。",
            )  # fmt: skip
        review = services.review_advance(review=review, to=ST.COMMUNICATING, on=_after(start, 12))
        if path == "communicated":
            services.review_advance(
                review=review, to=ST.CORRECTED, on=_after(start, 40),
                note="经沟通，市自然资源和规划局已删除第九条第二款关于居住年限的规定，修改后的办法已重新公布。",
            )  # fmt: skip
            continue
        review = services.review_advance(review=review, to=ST.INQUIRY, on=_after(start, 26))
        if path == "open":
            continue
        services.review_record_answer(
            review=review, on=_after(start, 40),
            note="市政府办公室复函，表示将对第二十二条进行研究并作出修改。",
        )  # fmt: skip
        services.review_advance(
            review=review, to=ST.CORRECTED, on=_after(start, 75),
            note="市政府已废止第二十二条中关于罚款的规定，修改后的管理办法于当年重新公布。",
        )  # fmt: skip

    # A themed review of documents touching private firms, across organs (专项审查).
    for number in ("平政发〔2022〕19号", "平人社〔2022〕20号"):
        document = documents[number]
        review = services.review_start(
            document=document, kind=FilingReview.Kind.THEMED, theme="涉及民营企业的规范性文件",
            started_on=D(2022, 9, 5),
        )  # fmt: skip
        services.review_advance(
            review=review, to=ST.NO_ISSUE, on=D(2022, 10, 28),
            note="专项审查未发现限制民营企业公平竞争或者增加其义务的规定。",
        )  # fmt: skip


def _sent_on(suggestion, day: datetime.date) -> None:
    """The service stamps the present; the demo's suggestions arrived in 2022."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 30)))
    due = add_working_days(day, rule("FILING_SUGGESTION_ANSWER_WORKING_DAYS"))
    ReviewSuggestion.objects.filter(pk=suggestion.pk).update(submitted_at=moment, answer_due=due)


def _suggestions(documents) -> None:
    accepted = services.review_suggestion_submit(
        document=documents["平建〔2022〕29号"],
        grounds="细则要求加装电梯必须取得本单元全体业主同意，与民法典关于共有部分表决的规定不一致，建议审查。",
        consent=True,
    )
    _sent_on(accepted, D(2022, 11, 14))
    services.review_suggestion_answer(
        suggestion=accepted,
        accept=True,
        answer="您的建议已受理，常委会工作机构已依建议启动审查，审查结束后可凭查询码查看结论。",
        on=D(2022, 11, 18),
    )
    accepted.refresh_from_db()
    if accepted.review and not accepted.review.concluded:
        services.review_advance(
            review=accepted.review, to=ST.NO_ISSUE, on=D(2022, 12, 9),
            note="经审查，细则已于修订稿中改为按民法典规定的表决比例执行，现行文本未发现问题。",
        )  # fmt: skip
    outside = services.review_suggestion_submit(
        document_title="某小区业主管理规约",
        grounds="小区业主管理规约禁止业主在公共区域停放电动自行车，我认为不合理，希望审查。",
        consent=True,
    )
    _sent_on(outside, D(2022, 11, 16))
    services.review_suggestion_answer(
        suggestion=outside,
        accept=False,
        answer="业主管理规约是业主共同制定的自治规范，不属于规范性文件备案审查的范围。您可以向所在街道或住房和城乡建设部门反映。",
        on=D(2022, 11, 22),
    )


register(
    Step(
        "filing",
        app_step(load),
        (NormativeDocument, FilingReview, ReviewSuggestion),
        order=75,
    )
)
