"""Filing review of normative documents (备案审查), through the front doors: the office enters and
imports filings and moves each review along its procedure in the admin (after logging in at
/admin/login/); the public reads the register and, once a review ends, its outcome."""

import datetime
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from congress.demo import DemoContext, steps
from congress.kit.import_jobs import UploadStore
from congress.kit.workdays import add_working_days
from congress.models import ImportJob
from congress.review import registry
from supervision.filing import demo, services
from supervision.filing.models import (
    FilingReview,
    NormativeDocument,
    ReviewStep,
    ReviewSuggestion,
)
from tests.factories import OrganisationFactory, StaffFactory

pytestmark = pytest.mark.django_db

ST = FilingReview.Status


@pytest.fixture
def office(client):
    """A member of the legislative-affairs office, logged in through the admin's login page."""
    StaffFactory(username="fagongwei")
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "fagongwei", "password": "pw-for-tests"}
    )
    assert response.status_code == 302
    return client


@pytest.fixture
def organ():
    return OrganisationFactory(name="平湖市人民政府办公室")


def document(organ, *, published=datetime.date(2022, 3, 1), filed=datetime.date(2022, 3, 20), **kw):
    return services.document_record(
        title=kw.pop("title", "平湖市城市养犬管理办法"),
        number=kw.pop("number", "平政办发〔2022〕12号"),
        organ=organ,
        category=kw.pop("category", NormativeDocument.Category.GOVERNMENT),
        published_on=published,
        filed_on=filed,
        **kw,
    )


# --- The filing deadline -------------------------------------------------------------------


def test_a_filing_within_thirty_days_of_publication_is_on_time_and_a_later_one_late(organ):
    on_time = document(organ, filed=datetime.date(2022, 3, 31))
    late = document(organ, number="平政办发〔2022〕13号", filed=datetime.date(2022, 4, 1))

    assert on_time.filing_state == "on_time"
    assert late.filing_state == "late"
    assert list(NormativeDocument.objects.filed_late()) == [late]


def test_a_document_known_published_but_not_filed_is_flagged_once_its_deadline_passes(
    office, organ
):
    missing = document(organ, filed=None, title="关于加强农村建房管理的通知")

    assert NormativeDocument.objects.unfiled_overdue(on=datetime.date(2022, 3, 31)).count() == 0
    assert list(NormativeDocument.objects.unfiled_overdue(on=datetime.date(2022, 4, 1))) == [
        missing
    ]
    page = office.get("/admin/supervision/normativedocument/?filing=overdue")
    assert "关于加强农村建房管理的通知" in page.text
    assert "已公布未报备" in page.text


def test_the_deadline_is_a_setting(organ, settings):
    settings.CONGRESS_RULES = {**settings.CONGRESS_RULES, "FILING_DEADLINE_DAYS": 15}

    assert document(organ, filed=datetime.date(2022, 3, 20)).filing_state == "late"


def test_a_filing_dated_before_publication_is_refused_beside_the_field_and_nothing_written(
    office, organ
):
    response = office.post(
        "/admin/supervision/normativedocument/add/",
        {
            "title": "平湖市城市养犬管理办法",
            "number": "平政办发〔2022〕12号",
            "organ": organ.pk,
            "category": "government",
            "published_on": "2022-03-01",
            "filed_on": "2022-02-20",
            "is_public": "on",
        },
    )

    assert response.status_code == 200
    assert "文件报备日期不能早于公布日期" in response.text
    assert NormativeDocument.objects.count() == 0


# --- The review's procedure, in the admin -----------------------------------------------------


def step(client, review, form, **data):
    return client.post(
        f"/admin/supervision/filingreview/{review.pk}/step/{form}/", data, follow=True
    )


def test_the_office_takes_a_review_from_start_to_correction_one_step_at_a_time(office, organ):
    doc = document(organ)
    started = office.post(
        "/admin/supervision/filingreview/add/",
        {"document": doc.pk, "kind": "active", "started_on": "2022-03-22"},
    )
    assert started.status_code == 302, started.context["adminform"].form.errors
    review = FilingReview.objects.get()
    page = office.get(f"/admin/supervision/filingreview/{review.pk}/change/")
    offered = [value for value, _ in page.context["advance_form"].fields["to"].choices]
    assert offered == [ST.COMMUNICATING, ST.NO_ISSUE]

    step(
        office,
        review,
        "finding",
        ground="rights",
        articles="第八条",
        explanation="对未办理登记的犬只主人处以罚款，超出上位法规定的处罚种类。",
    )
    step(office, review, "advance", to="communicating", on="2022-04-06")
    step(office, review, "advance", to="inquiry", on="2022-04-20")
    review.refresh_from_db()
    assert review.status == ST.INQUIRY
    assert review.due_on == add_working_days(datetime.date(2022, 4, 20), 15)

    step(office, review, "answer", on="2022-05-06", note="制定机关称正在研究修改。")
    step(office, review, "advance", to="opinion", on="2022-05-16")
    review.refresh_from_db()
    assert review.due_on == add_working_days(datetime.date(2022, 5, 16), 40)

    done = step(
        office,
        review,
        "advance",
        to="corrected",
        on="2022-06-28",
        note="市政府办公室已删除第八条第二款，修改后的办法重新公布。",
    )
    assert "已记录" in done.text
    review.refresh_from_db()
    assert review.status == ST.CORRECTED and review.concluded_on == datetime.date(2022, 6, 28)
    assert [s.kind for s in review.steps.all()] == [
        "started",
        "communicated",
        "inquiry_sent",
        "inquiry_answered",
        "opinion_issued",
        "corrected",
    ]


def test_no_step_of_the_procedure_can_be_skipped(office, organ):
    review = services.review_start(
        document=document(organ), kind="active", started_on=datetime.date(2022, 3, 22)
    )
    services.review_add_finding(review=review, ground="authority", explanation="超越权限。")

    response = step(office, review, "advance", to="opinion", on="2022-04-01")

    review.refresh_from_db()
    assert review.status == ST.UNDER_REVIEW
    assert review.steps.count() == 1
    assert "下一步" in response.text and "不在可用的选项中" in response.text


def test_a_problem_is_raised_only_with_its_finding_recorded(office, organ):
    review = services.review_start(
        document=document(organ), kind="active", started_on=datetime.date(2022, 3, 22)
    )

    response = step(office, review, "advance", to="communicating", on="2022-04-01")

    assert "请先记录发现的问题" in response.text
    review.refresh_from_db()
    assert review.status == ST.UNDER_REVIEW and review.steps.count() == 1


def test_revocation_is_proposed_only_after_the_organ_let_its_deadline_pass(organ):
    review = services.review_start(
        document=document(organ), kind="active", started_on=datetime.date(2022, 3, 22)
    )
    services.review_add_finding(review=review, ground="law", explanation="与行政处罚法相抵触。")
    for to, on in [
        (ST.COMMUNICATING, datetime.date(2022, 4, 1)),
        (ST.INQUIRY, datetime.date(2022, 4, 8)),
        (ST.OPINION, datetime.date(2022, 5, 9)),
    ]:
        review = services.review_advance(review=review, to=to, on=on)

    with pytest.raises(services.DomainError) as refused:
        services.review_advance(review=review, to=ST.REVOCATION, on=review.due_on)
    assert refused.value.code == "too_early"
    review.refresh_from_db()
    assert review.status == ST.OPINION

    after = review.due_on + datetime.timedelta(days=1)
    review = services.review_advance(review=review, to=ST.REVOCATION, on=after)
    assert review.status == ST.REVOCATION


def test_a_review_cannot_start_on_a_document_not_filed_and_the_form_says_why(office, organ):
    doc = document(organ, filed=None)

    response = office.post(
        "/admin/supervision/filingreview/add/",
        {"document": doc.pk, "kind": "active", "started_on": "2022-04-10"},
    )

    assert response.status_code == 200
    assert "尚未报备" in response.text
    assert FilingReview.objects.count() == 0


def test_a_second_open_review_of_one_document_is_refused(organ):
    doc = document(organ)
    services.review_start(document=doc, kind="active", started_on=datetime.date(2022, 3, 22))

    with pytest.raises(services.DomainError):
        services.review_start(
            document=doc, kind="requested", requested_by="平湖市人民检察院",
            started_on=datetime.date(2022, 3, 25),
        )  # fmt: skip
    assert FilingReview.objects.count() == 1


# --- The public register ----------------------------------------------------------------------


def test_the_public_sees_the_outcome_only_once_the_review_ends_and_never_who_recorded_it(
    client, organ
):
    clerk = StaffFactory(username="wang.clerk", first_name="王", last_name="办事员")
    doc = document(organ)
    review = services.review_start(
        document=doc, kind="active", started_on=datetime.date(2022, 3, 22), by=clerk
    )
    services.review_add_finding(
        review=review, ground="rights", articles="第八条", explanation="增设罚款。"
    )
    services.review_advance(
        review=review, to=ST.COMMUNICATING, on=datetime.date(2022, 4, 1), by=clerk
    )

    during = client.get(f"/filing/{doc.pk}/")
    assert during.status_code == 200
    assert "增设罚款" not in during.text
    assert "审查结束后公布" in during.text

    services.review_advance(
        review=review,
        to=ST.CORRECTED,
        on=datetime.date(2022, 5, 1),
        note="已修改第八条。",
        by=clerk,
    )
    after = client.get(f"/filing/{doc.pk}/")
    assert "增设罚款" in after.text and "已修改第八条。" in after.text
    assert "wang.clerk" not in after.text and "办事员" not in after.text


def test_the_register_lists_filings_with_their_state_and_filters_them(client, organ):
    assert 'href="/filing/"' in client.get("/supervision/").text  # found from supervision
    document(organ, title="准时报备的文件", filed=datetime.date(2022, 3, 10))
    document(
        organ,
        title="逾期报备的文件",
        number="平政办发〔2022〕20号",
        filed=datetime.date(2022, 5, 10),
    )

    page = client.get("/filing/")
    assert "准时报备的文件" in page.text and "逾期报备的文件" in page.text
    late = client.get("/filing/?filing=late")
    assert "逾期报备的文件" in late.text and "准时报备的文件" not in late.text


@pytest.mark.parametrize("query", ["?year=abc", "?filing=never", "?review=lost", "?category=x"])
def test_a_bad_filter_answers_400(client, organ, query):
    document(organ)

    assert client.get(f"/filing/{query}").status_code == 400


def test_unknown_and_unpublished_documents_answer_404(client, organ):
    hidden = document(organ)
    NormativeDocument.objects.filter(pk=hidden.pk).update(is_public=False)

    assert client.get(f"/filing/{hidden.pk}/").status_code == 404
    assert client.get("/filing/999999/").status_code == 404


# --- A year's filings from a spreadsheet ------------------------------------------------------

HEADERS = ["文号", "文件名称", "制定机关", "类别", "通过日期", "公布日期", "报备日期"]


def workbook(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def private_uploads(tmp_path, monkeypatch):
    def init(self):
        self.shared_cache = False
        self.folder = tmp_path / "uploads"

    monkeypatch.setattr(UploadStore, "__init__", init)


def upload(client, data: bytes):
    return client.post(
        "/admin/supervision/normativedocument/import/",
        {"import_file": SimpleUploadedFile("2022年备案文件.xlsx", data)},
    )


def test_a_years_filings_import_from_the_offices_spreadsheet(office, organ):
    preview = upload(
        office,
        workbook(
            [
                [
                    "平政办发〔2022〕12号",
                    "平湖市城市养犬管理办法",
                    organ.name,
                    "市政府",
                    datetime.date(2022, 2, 25),
                    datetime.date(2022, 3, 1),
                    datetime.date(2022, 3, 20),
                ],
                [
                    "平政办发〔2022〕30号",
                    "关于规范村级工程项目管理的意见",
                    organ.name,
                    "市政府",
                    None,
                    datetime.date(2022, 6, 1),
                    datetime.date(2022, 7, 15),
                ],
            ]  # fmt: skip
        ),
    )
    assert "confirm_form" in preview.context
    done = office.post(
        "/admin/supervision/normativedocument/process_import/",
        preview.context["confirm_form"].initial,
    )
    job = office.get(done["Location"])
    assert job.context["job"].status == ImportJob.Status.DONE

    states = {d.number: d.filing_state for d in NormativeDocument.objects.all()}
    assert states == {"平政办发〔2022〕12号": "on_time", "平政办发〔2022〕30号": "late"}


def test_an_import_with_a_bad_row_is_refused_whole_and_names_the_row(office, organ):
    preview = upload(
        office,
        workbook(
            [
                [
                    "平政办发〔2022〕12号",
                    "平湖市城市养犬管理办法",
                    organ.name,
                    "市政府",
                    None,
                    datetime.date(2022, 3, 1),
                    datetime.date(2022, 3, 20),
                ],
                [
                    "平政办发〔2022〕30号",
                    "关于规范村级工程项目管理的意见",
                    organ.name,
                    "市政府",
                    None,
                    datetime.date(2022, 6, 1),
                    datetime.date(2022, 5, 15),
                ],
            ]  # fmt: skip
        ),
    )

    assert "confirm_form" not in preview.context
    assert "文件报备日期不能早于公布日期" in preview.text
    assert NormativeDocument.objects.count() == 0


def test_each_step_is_kept_with_its_deadline(organ):
    review = services.review_start(
        document=document(organ), kind="active", started_on=datetime.date(2022, 3, 22)
    )
    services.review_add_finding(review=review, ground="procedure", explanation="未经合法性审查。")
    services.review_advance(review=review, to=ST.COMMUNICATING, on=datetime.date(2022, 4, 1))
    services.review_advance(review=review, to=ST.INQUIRY, on=datetime.date(2022, 4, 8))

    inquiry = ReviewStep.objects.get(kind="inquiry_sent")
    assert inquiry.due_on == add_working_days(datetime.date(2022, 4, 8), 15)


# --- Residents' suggestions that a document be reviewed (审查建议) -------------------------------


def suggest(client, **data):
    fields = {"document_title": "", "grounds": "", "name": "", "phone": "", "consent": "on"}
    fields.update(data)
    return client.post("/filing/suggest/", fields)


def test_a_resident_suggests_a_review_from_the_documents_page_and_follows_it_with_a_code(
    client, organ
):
    doc = document(organ)
    page = client.get(f"/filing/{doc.pk}/")
    assert f"/filing/suggest/?document={doc.pk}" in page.text
    form = client.get(f"/filing/suggest/?document={doc.pk}")
    assert doc.title in form.text

    sent = suggest(
        client,
        document=doc.pk,
        grounds="第八条对未登记犬只的主人处以罚款，我认为超出了上位法规定。",
        name="李女士",
        phone="138 1234 5678",
    )

    suggestion = ReviewSuggestion.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/filing/track/{suggestion.code}/"
    assert suggestion.document == doc and suggestion.phone == "13812345678"
    tracking = client.get(sent["Location"])
    assert suggestion.code in tracking.text
    assert "等待答复" in tracking.text or "已收到" in tracking.text
    for public_page in (tracking, client.get(f"/filing/{doc.pk}/"), client.get("/filing/")):
        assert "13812345678" not in public_page.text and "李女士" not in public_page.text


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"document_title": "某文件", "grounds": "太短"}, "grounds", "至少"),
        ({"document_title": "", "grounds": "这份文件限制了经营者的权利，应当审查。"}, "document_title", "请填写文件名称或文号"),
        ({"document_title": "某文件", "grounds": "这份文件限制了经营者的权利，应当审查。", "phone": "12345"}, "phone", "11位"),
        ({"document_title": "某文件", "grounds": "这份文件限制了经营者的权利，应当审查。", "consent": ""}, "consent", "请同意"),
    ],
)  # fmt: skip
def test_a_bad_suggestion_comes_back_with_the_message_beside_its_field_and_nothing_stored(
    client, data, field, message
):
    response = suggest(client, **data)

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert message in response.text
    assert ReviewSuggestion.objects.count() == 0


def test_past_the_limit_from_one_address_the_form_asks_a_question_and_keeps_the_text(
    client, settings
):
    settings.CONGRESS_RULES = {**settings.CONGRESS_RULES, "FILING_SUGGESTION_RATE_PER_ADDRESS": 2}
    text = "这份文件限制了经营者的权利，应当审查。"
    for _ in range(2):
        assert suggest(client, document_title="某文件", grounds=text).status_code == 302

    asked = suggest(client, document_title="某文件", grounds=text)

    assert asked.status_code == 429
    assert text in asked.text
    assert ReviewSuggestion.objects.count() == 2
    question = asked.context["challenge"]
    a, b = (int(n) for n in re.findall(r"\d+", question.question))
    answered = suggest(
        client, document_title="某文件", grounds=text,
        challenge=question.token, challenge_answer=str(a + b),
    )  # fmt: skip
    assert answered.status_code == 302
    assert ReviewSuggestion.objects.count() == 3


def test_the_office_accepts_a_suggestion_and_the_sender_sees_the_review_and_its_outcome(
    office, client, organ
):
    doc = document(organ)
    suggestion = services.review_suggestion_submit(
        document=doc, grounds="第八条增设了罚款，应当审查。", consent=True, phone="13812345678"
    )
    change = office.get(f"/admin/supervision/reviewsuggestion/{suggestion.pk}/change/")
    assert "13812345678" in change.text  # the office may call back
    assert suggestion.code not in change.text  # but the sender's key is not shown
    listing = office.get("/admin/supervision/reviewsuggestion/")
    assert suggestion.code not in listing.text

    office.post(
        f"/admin/supervision/reviewsuggestion/{suggestion.pk}/answer/",
        {
            "accept": "1",
            "document": doc.pk,
            "on": "2022-04-01",
            "answer": "已受理，依建议启动审查。",
        },
    )

    suggestion.refresh_from_db()
    assert suggestion.status == ReviewSuggestion.Status.ACCEPTED
    review = suggestion.review
    assert review.kind == FilingReview.Kind.SUGGESTED
    assert "已受理，依建议启动审查。" in client.get(f"/filing/track/{suggestion.code}/").text

    services.review_advance(
        review=review,
        to=ST.NO_ISSUE,
        on=datetime.date(2022, 5, 1),
        note="经审查，第八条有上位法依据。",
    )
    assert "经审查，第八条有上位法依据。" in client.get(f"/filing/track/{suggestion.code}/").text


def test_a_suggestion_about_a_document_under_review_joins_that_review(organ):
    doc = document(organ)
    review = services.review_start(
        document=doc, kind="active", started_on=datetime.date(2022, 3, 22)
    )
    suggestion = services.review_suggestion_submit(
        document=doc, grounds="应当审查这份文件的第八条。", consent=True
    )

    services.review_suggestion_answer(
        suggestion=suggestion,
        accept=True,
        answer="已并入正在进行的审查。",
        on=datetime.date(2022, 4, 1),
    )

    suggestion.refresh_from_db()
    assert suggestion.status == ReviewSuggestion.Status.MERGED and suggestion.review == review
    assert FilingReview.objects.count() == 1


def test_a_suggestion_outside_the_remit_is_answered_with_reasons_and_can_be_answered_once(
    office, client
):
    suggestion = services.review_suggestion_submit(
        document_title="某小区物业管理公约",
        grounds="物业公约限制业主养宠物，应当审查。",
        consent=True,
    )

    office.post(
        f"/admin/supervision/reviewsuggestion/{suggestion.pk}/answer/",
        {
            "accept": "0",
            "on": "2022-04-01",
            "answer": "物业管理公约不属于规范性文件，不在备案审查范围内。",
        },
    )
    again = office.post(
        f"/admin/supervision/reviewsuggestion/{suggestion.pk}/answer/",
        {"accept": "1", "on": "2022-04-02", "answer": "再次答复"},
        follow=True,
    )

    suggestion.refresh_from_db()
    assert suggestion.status == ReviewSuggestion.Status.NOT_IN_REMIT
    assert "已答复" in again.text
    assert "不在备案审查范围内" in client.get(f"/filing/track/{suggestion.code}/").text


def test_an_unknown_code_answers_404_and_a_code_typed_in_lower_case_finds_the_suggestion(client):
    suggestion = services.review_suggestion_submit(
        document_title="某文件", grounds="这份文件限制了经营者的权利。", consent=True
    )

    assert client.get("/filing/track/ZZZZZZZZZZ/").status_code == 404
    lower = client.get(f"/filing/track/{suggestion.code.lower()}/")
    assert lower.status_code == 302 and lower["Location"] == f"/filing/track/{suggestion.code}/"


# --- The demo year ------------------------------------------------------------------------------


def test_the_demo_year_has_a_realistic_register_and_its_review_figures(client):
    reference = next(step for step in steps() if step.name == "reference")
    reference.load(DemoContext(password="x"))
    demo.load()
    demo.load()  # a second run changes nothing

    registry.autodiscover()
    keys = [f.key for f in registry.all_figures() if f.key.startswith("filing.")]
    figures = registry.compute(keys, 2022)
    assert figures["filing.filed"] == 32
    assert 85 < figures["filing.on_time_rate"] < 95  # most on time, a few late
    assert figures["filing.unfiled"] == 2
    assert figures["filing.issues_found"] == 3
    assert figures["filing.corrected"] == 2  # one after a written inquiry, one once raised
    assert figures["filing.suggestions_received"] == 2
    assert figures["filing.suggestions_answered"] == 2
    inquiry = FilingReview.objects.get(document__number="平政发〔2022〕7号")
    assert [s.kind for s in inquiry.steps.all()][2:4] == ["inquiry_sent", "inquiry_answered"]
    assert inquiry.status == ST.CORRECTED
    statuses = set(ReviewSuggestion.objects.values_list("status", flat=True))
    assert statuses == {ReviewSuggestion.Status.ACCEPTED, ReviewSuggestion.Status.NOT_IN_REMIT}
    assert client.get("/filing/").status_code == 200


def test_the_admins_front_page_lists_suggestions_to_answer_and_reviews_past_the_organs_date(
    office, organ
):
    services.review_suggestion_submit(
        document_title="某文件", grounds="这份文件应当审查第三条。", consent=True
    )
    review = services.review_start(
        document=document(organ), kind="active", started_on=datetime.date(2022, 3, 22)
    )
    services.review_add_finding(review=review, ground="law", explanation="与上位法相抵触。")
    services.review_advance(review=review, to=ST.COMMUNICATING, on=datetime.date(2022, 4, 1))
    services.review_advance(review=review, to=ST.INQUIRY, on=datetime.date(2022, 4, 8))

    front = office.get("/admin/")

    assert "待答复的审查建议" in front.text
    assert "制定机关逾期未答复的审查" in front.text
    overdue = office.get("/admin/supervision/filingreview/?overdue=1")
    assert "平湖市城市养犬管理办法" in overdue.text
