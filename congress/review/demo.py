"""Demo data: the 2022 annual work review, its sections written anew from the customer's article.

`load(*, stdout)` is run by `manage.py load_demo` after the other steps. It is idempotent: a second
run finds every row as it left it and saves nothing (so the cached PDF stays valid).
Figures are never typed here: each section names figure keys, computed from the year's data.
Some keys (suggestions.*, opinions.*, projects.*, supervision.*, major_projects.*) are provided by
the proposals and supervision apps; until they register them the public page leaves them out.
"""

import datetime
from typing import Any

from congress.demo.base import Step, app_step, register
from congress.models import AnnualReview, ReviewSection
from congress.review.services import review_publish

YEAR = 2022

REVIEW: dict[str, Any] = {
    "title": "履职为民 实干见效",
    "subtitle": "平湖市人大常委会2022年工作回眸",
    "lead": (
        "2022年，党的二十大胜利召开，市十六届人大及其常委会开启新的五年。这一年，常委会在市委领导下，"
        "把全过程人民民主落到每一次审议、每一场接待、每一件建议上，依法监督、用心联系代表、真诚倾听群众。"
        "本回眸按工作领域分为七个部分，文中的数字均由平台当年的记录实时计算，并附有统计口径。"
    ),
    "published_on": datetime.date(2023, 1, 16),
}

SECTIONS = [
    (
        "把稳政治方向 在学思践悟中坚定初心",
        """二十大召开后，常委会把学习宣传贯彻大会精神摆在首位。常委会组成人员和各级代表分头走进企业车间、城乡社区和田间村头，用身边事讲清大道理，让会议精神在基层入脑入心。

常委会党组和机关党委以读原文、谈体会、找差距的方式组织专题学习，并结合市委部署的“六学六进六争先”活动，开设微信公众号专栏，持续推出宣讲内容。

围绕中央人大工作会议精神，常委会开展人大制度理论与实践研究，举办专题党课，推动研究成果转化为具体举措。这一年还出台了党组向市委请示报告制度的实施办法，重大事项按程序向市委请示汇报。疫情防控和台风防御中，常委会领导、机关干部和全市代表下沉一线，与群众站在一起。""",
        "deputies.count, delegations.count",
    ),
    (
        "数字赋能 “六码民情通”架起连心桥",
        """常委会把践行全过程人民民主基层单元建设作为数字化改革的主线，推出一批有平湖辨识度的应用场景。

“六码（马）民情通”让群众扫一扫联络站或代表的二维码就能反映诉求，代表在线记录、线上交办、跟踪回复，办理进度群众随时可查。独山港镇周圩联络站接待日上，一位老人反映安置房楼面开裂，代表们当场登记，随后交办镇村建设部门，到现场察看后组织居民举手表决施工方案，问题很快进入维修。

这一应用已列入全省多场景应用清单，并在嘉兴推广，获得全省人大数字化改革创新表彰。常委会同时迭代“数字人大”平台，做精干部任后监督等特色场景，承接生态环境、乡村振兴等上级监督系统。""",
        "opinions.received, opinions.closure_rate, receptions.count, receptions.by_month",
    ),
    (
        "站点连民心 代表主体作用充分发挥",
        """常委会坚持代表主体地位，把联络站建成代表履职的主阵地。当湖街道联络站完成全省首批基层单元建设任务，叫响“善美当湖·议事通”品牌；钟埭、新仓、独山港、林埭等地也结合各自特色，推动站点向线上线下融合、进村入企延伸。

新一届代表履新后，常委会制定分层分类的学习培训计划，先后举办初任培训和履职能力提升班，并召开学习成果交流会，让代表把所学用到调研、视察和接待群众之中。代表履职评价和履职承诺等制度同步修订，形成闭环管理。

下列数字来自联络站的接待登记和代表的履职记录。""",
        "deputies.count, groups.count, stations.count, stations.receiving, receptions.residents, trainings.held, trainings.attended, deputies.active, activities.by_kind",
    ),
    (
        "建议议案 件件有回音 事事有着落",
        """市十六届人大一次会议期间，代表们围绕经济发展、城乡建设、民生保障等领域提出建议，全部在规定期限内答复。代表徐杰关于农村道路亮化的建议被政府采纳并落实，他对办理结果给出了满意评价。

大会将沈永良等代表联名提出的推进“扩中”“提低”、促进共同富裕的议案列为大会议案。常委会在调研基础上作出决议，明确实施路径和工作要求，市委、市政府随后出台专项行动方案；12月1日，常委会首次召开决议落实督查会，听取汇报并提出改进意见。

建议督办坚持“双评议”和“回头看”，常委会领导重点督办、工作机构常态督办、代表参与督办，农村杆线整治等一批事项得到代表和群众认可。""",
        "suggestions.session_received, suggestions.received, suggestions.replied_on_time_rate, "
        "suggestions.satisfaction_rate, suggestions.solved_first_reply_rate, "
        "suggestions.solved_by_year_end_rate, suggestions.promises_overdue, "
        "suggestions.carried_over, suggestions.contact_rate, suggestions.contacts_confirmed_rate, "
        "scorecards.units_passed, scorecards.units_failed, motions.listed",
    ),
    (
        "依法监督 护航经济稳进提质",
        """常委会聚焦经济运行和计划执行，审议上半年经济社会发展和计划执行情况报告。在经济稳进提质百日攻坚中，常委会向全市代表发出倡议，深入镇街道和部门召开座谈会，梳理出五十余条建议供政府决策参考。

预算决算审查和绩效评价持续深化，“三审”制工作模式不断完善，审计查出问题整改实行联合督查。常委会依法审查批准新增政府债务，强调守住风险底线、压实管理责任。

国有资产监督迈出新步：常委会首次审议市属企业国有资产管理情况专项报告。常委会还举办政府投资条例专题讲座，审议政府重大投资项目实施情况，对规模较大的项目实行代表票决，让财政资金的每一笔账都清楚明白。""",
        "supervision.debt_approved, major_projects.count, major_projects.investment, major_projects.voted",
    ),
    (
        "乡村振兴 绘就共富新图景",
        """常委会围绕“1+8+N”共富体系建设和“强村富民”政策落地开展监督，讨论美丽乡村建设和相关法律法规实施情况，推动村集体经济壮大和城乡协调发展。

代表们在乡村振兴一线各展所长：有的远赴四川屏山组建扶贫企业，带动当地大批劳动力就业；有的扎根村里二十年，把沈家弄村建成全省首批未来乡村；有的以养蜂协会带动授粉与设施农业结合；还有的以乡村棒球赛为媒，走出农文旅融合的路子。

生态环境保护报告制度已连续实施七年。常委会审议年度环境状况和目标完成情况并开展满意度测评，聚焦碧水、蓝天、净土、清废开展重点监督，并与上海金山区人大联合监督毗邻地区环境。""",
        "activities.count, stations.receiving",
    ),
    (
        "民生实事 由民作主见真章",
        """在市十六届人大一次会议上，代表们以差额票决的方式从候选项目中选定当年的重点民生实事，实事项目从“为民作主”变为“由民作主”。

项目涵盖交通、健康、教育、养老等领域。常委会全年跟踪项目进度，各代表小组分头督查健康关爱、养老服务、危房改造、困难群众帮扶等项目，现场察看并提出意见建议，推动项目按计划落地见效。""",
        "projects.voters, projects.candidates, projects.selected",
    ),
    (
        "备案审查 维护法制统一",
        """常委会把规范性文件备案审查作为维护国家法制统一的日常功课，坚持有件必备、有备必审、有错必纠。市政府及其部门、市法院、市检察院和各镇街道制定的规范性文件，公布后三十日内报送备案，工作机构逐件审查，对逾期报送的督促说明原因。

审查中发现问题的，先与制定机关沟通，沟通不成的书面函询，仍不纠正的提出书面审查意见。当年一件养犬管理文件中增设罚款的条款，经函询后由市政府自行修改；一件部门文件中超出权限设定的申请条件，经沟通后删除。常委会还围绕涉及民营企业的文件开展专项审查。

群众也可以对规范性文件提出审查建议。工作机构对收到的建议逐件答复，受理的依建议启动审查，审查结论通过查询码告知建议人。""",
        "filing.filed, filing.on_time_rate, filing.reviewed, filing.issues_found, "
        "filing.corrected, filing.suggestions_received",
    ),
]


def _sync(obj, values: dict) -> bool:
    """Set the fields that differ and save only then: a second run leaves updated_at alone."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save()
    return bool(changed)


def load(*, stdout) -> AnnualReview:
    found = AnnualReview.objects.filter(year=YEAR).first()
    values = {key: value for key, value in REVIEW.items() if key != "published_on"}
    created = found is None
    if found is None:
        review = AnnualReview.objects.create(year=YEAR, **values)
    else:
        review = found
        _sync(review, values)
    existing = {section.order: section for section in review.sections.all()}
    for order, (heading, narrative, keys) in enumerate(SECTIONS, start=1):
        fields = {"heading": heading, "narrative": narrative.strip(), "figure_keys": keys}
        section = existing.pop(order, None)
        if section is None:
            ReviewSection.objects.create(review=review, order=order, **fields)
        else:
            _sync(section, fields)
    for leftover in existing.values():
        leftover.delete()
    if not review.published:
        review = review_publish(review=review, on=REVIEW["published_on"])
    stdout.write(
        f"Annual review {YEAR}: {'created' if created else 'up to date'}, "
        f"{len(SECTIONS)} sections (/reviews/{YEAR}/)"
    )
    return review


register(Step("review", app_step(load), (AnnualReview, ReviewSection), order=90))
