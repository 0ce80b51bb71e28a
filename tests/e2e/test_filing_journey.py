"""A resident proposes, on a phone, that a filed document be reviewed; the office accepts it in
the back office (logged in at /admin/login/), raises the problem, sends a written inquiry,
records the organ's answer and its correction; the resident reads the outcome with the code."""

import datetime
import re

import pytest

from supervision.filing import services
from supervision.filing.models import FilingReview, NormativeDocument, ReviewSuggestion
from tests.e2e.conftest import assert_accessible
from tests.factories import OrganisationFactory, StaffFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-tests"


@pytest.fixture
def document():
    return services.document_record(
        title="平湖市城市养犬管理办法",
        number="平政发〔2022〕7号",
        organ=OrganisationFactory(name="平湖市人民政府"),
        category=NormativeDocument.Category.GOVERNMENT,
        published_on=datetime.date(2026, 10, 9),
        filed_on=datetime.date(2026, 10, 30),
    )


def log_in(browser, base, username):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form [type=submit]").last.click()
    page.wait_for_load_state()
    assert "/login/" not in page.url, page.url
    return page


def take_step(page, to, note=""):
    form = page.locator("form[action$='/step/advance/']")
    form.locator("select[name=to]").select_option(to)
    if note:
        form.locator("textarea[name=note]").fill(note)
    form.locator("[type=submit]").click()
    page.wait_for_load_state()
    assert "已记录" in page.content(), page.locator(".messagelist").inner_text()


def test_a_residents_review_suggestion_followed_to_the_organs_correction(
    live_server, browser, phone_page, document
):
    StaffFactory(username="fagongwei")
    resident = phone_page
    resident.goto(f"{live_server.url}/filing/")
    resident.click(f"a[href='/filing/{document.pk}/']")
    resident.click("text=对本文件提出审查建议")
    resident.wait_for_url(re.compile(r"/filing/suggest/\?document="))
    assert_accessible(resident)
    assert resident.evaluate("document.documentElement.scrollWidth") <= 375
    resident.fill("#id_grounds", "第二十二条对未按期登记的犬只主人处以罚款，上位法没有这样的规定。")
    resident.fill("#id_phone", "13812345678")
    resident.check("#id_consent")
    resident.click("button[type=submit]")
    resident.wait_for_url(re.compile(r"/filing/track/[A-Z2-9]{10}/$"))
    suggestion = ReviewSuggestion.objects.get()
    assert suggestion.code in resident.content()
    assert "已收到，等待答复" in resident.content()
    assert "13812345678" not in resident.content()
    assert_accessible(resident)

    office = log_in(browser, live_server.url, "fagongwei")
    office.goto(f"{live_server.url}/admin/supervision/reviewsuggestion/")
    office.click("#result_list tbody tr a")
    answer = office.locator("form[action$='/answer/']")
    answer.locator("input[name=accept][value='1']").check()
    answer.locator("textarea[name=answer]").fill("您的建议已受理，已依建议启动审查。")
    answer.locator("[type=submit]").click()
    office.wait_for_load_state()
    assert "已记录" in office.content(), office.locator(".messagelist").inner_text()
    review = FilingReview.objects.get()
    assert review.kind == FilingReview.Kind.SUGGESTED

    office.goto(f"{live_server.url}/admin/supervision/filingreview/{review.pk}/change/")
    finding = office.locator("form[action$='/step/finding/']")
    finding.locator("select[name=ground]").select_option("rights")
    finding.locator("input[name=articles]").fill("第二十二条")
    finding.locator("textarea[name=explanation]").fill("设定了上位法没有规定的罚款。")
    finding.locator("[type=submit]").click()
    office.wait_for_load_state()
    take_step(office, "communicating")
    take_step(office, "inquiry")
    assert "制定机关应于" in office.content()  # the answer's due date
    reply = office.locator("form[action$='/step/answer/']")
    reply.locator("textarea[name=note]").fill("市政府办公室复函，将修改第二十二条。")
    reply.locator("[type=submit]").click()
    office.wait_for_load_state()
    take_step(office, "corrected", "市政府已删除第二十二条中的罚款规定，修改后的办法已重新公布。")
    review.refresh_from_db()
    assert review.status == FilingReview.Status.CORRECTED

    resident.reload()
    assert "已受理审查" in resident.content()
    assert "市政府已删除第二十二条中的罚款规定" in resident.content()
    resident.goto(f"{live_server.url}/filing/{document.pk}/")
    assert "设定了上位法没有规定的罚款。" in resident.content()
    assert "fagongwei" not in resident.content()
