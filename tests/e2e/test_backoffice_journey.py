"""The back office's handling loop in the browser, through the doors each role is sent to.

Staff and the two units' clerks log in at /admin/login/, the deputy at /accounts/login/ (real
forms, no force_login), on the suite's production settings (DEBUG off). The pages run in
Chinese, as the office uses them: staff's review queue → register → assign a lead and a
co-handling unit → the clocks shown → the co-handler's view → the lead's reply with a signed
letter (a PDF) → staff check and publish → the deputy opens the letter and rates 不满意 →
staff decide to re-handle → the deputy sees the decision → the unit replies again → satisfied
→ closed. Each step checks what the user sees: labels, the file that opens, the next button.
"""

import datetime
from urllib.parse import urljoin

import pytest
from django.utils import timezone

from proposals.models import Suggestion
from proposals.suggestions import services as suggestion_services
from tests.e2e.conftest import assert_accessible
from tests.factories import (
    CategoryFactory,
    DeputyFactory,
    OrganisationFactory,
    SessionFactory,
    StaffFactory,
    TermFactory,
    UnitMembershipFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-tests"
TITLE = "关于加快农村道路亮化设施建设的建议"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def cast():
    term = TermFactory()
    session = SessionFactory(
        term=term,
        number=1,
        start_date=timezone.localdate(),
        end_date=timezone.localdate() + datetime.timedelta(days=3),
        suggestion_deadline=timezone.now() + datetime.timedelta(days=2),
    )
    category = CategoryFactory(term=term, name="城乡建设")
    lead = DeputyFactory(term=term, name="徐杰", user=UserFactory(username="xujie"))
    StaffFactory(username="zhangsan", email="office@example.cn")
    lead_unit = OrganisationFactory(name="市交通运输局")
    co_unit = OrganisationFactory(name="市住房和城乡建设局")
    for username, unit in (("lead-clerk", lead_unit), ("co-clerk", co_unit)):
        UnitMembershipFactory(organisation=unit, user=UserFactory(username=username, is_staff=True))
    # The deputy's part before the office's day: a submitted suggestion waiting in the queue.
    suggestion = suggestion_services.suggestion_create_draft(
        lead=lead,
        title=TITLE,
        body="农村道路夜间照明不足，建议加快路灯建设。",
        category=category,
        session=session,
        by=lead.user,
    )
    suggestion_services.suggestion_submit(suggestion=suggestion, by=lead.user)
    return {"suggestion": suggestion, "lead_unit": lead_unit, "co_unit": co_unit}


def log_in(browser, base, door, username):
    """A fresh browser for one person, logged in through the form at `door`."""
    # bypass_csp only so that axe-core can be injected into the deputy's pages.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{base}{door}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form [type=submit]").last.click()
    page.wait_for_load_state()
    assert "/login/" not in page.url, page.url
    return page


def open_file(page, link):
    """Follow a file link as the browser would (same cookies) and return the response."""
    href = urljoin(page.url, link.get_attribute("href"))
    response = page.request.get(href)
    assert response.status == 200, (href, response.status)
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    return response


def run_action(page, base, pk, action):
    page.goto(f"{base}/admin/proposals/suggestion/")
    page.check(f"input[name=_selected_action][value='{pk}']")
    page.select_option("select[name=action]", action)
    page.locator("button[name=index]").first.click()
    page.wait_for_load_state()


def choose_co_unit(page, unit):
    """Co-units: checkboxes folded under 协办单位 (one form per item, its fields prefixed), or a
    multi-select — pick the unit either way."""
    select = page.locator("select[name$=co_units]")
    if select.count():
        select.select_option(str(unit.pk))
        return
    box = page.locator(f"input[name$=co_units][value='{unit.pk}']")
    if not box.is_visible():
        page.locator("details:has(input[name$=co_units]) summary").click()
    box.check()


def clerk_reply(page, base, pk, reply_class, text, letter=None):
    page.goto(f"{base}/admin/proposals/suggestion/{pk}/change/")
    page.get_by_role("link", name="登记答复").click()
    page.select_option("select[name=reply_class]", reply_class)
    page.fill("textarea[name=text]", text)
    if reply_class == "B":  # a class B reply promises its completion date (issue 16)
        promised = timezone.localdate() + datetime.timedelta(days=365)
        page.fill("input[name=promised_by]", promised.isoformat())
    if letter:
        page.set_input_files(
            "input[name=file]",
            files=[{"name": "答复函.pdf", "mimeType": "application/pdf", "buffer": letter}],
        )
    page.get_by_role("button", name="确认").click()
    page.wait_for_url(f"**/admin/proposals/suggestion/{pk}/change/")


def publish_latest_reply(page, base, suggestion):
    reply = suggestion.replies.order_by("-id").first()
    page.goto(f"{base}/admin/proposals/reply/")
    page.check(f"input[name=_selected_action][value='{reply.pk}']")
    page.select_option("select[name=action]", "publish")
    page.locator("button[name=index]").first.click()
    page.wait_for_load_state()
    reply.refresh_from_db()
    assert reply.published_at is not None
    return reply


def rate(page, base, pk, reply, process, result, comment=""):
    page.goto(f"{base}/portal/suggestions/{pk}/")
    page.get_by_role("link", name="评价本次答复").click()
    page.check(f"input[name=process_rating][value={process}]")
    page.check(f"input[name=result_rating][value={result}]")
    if comment:
        page.fill("textarea[name=comment]", comment)
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_url(f"**/portal/suggestions/{pk}/")


def test_the_office_handling_loop_through_the_front_doors(live_server, browser, cast):
    base = live_server.url
    suggestion = cast["suggestion"]
    pk = suggestion.pk

    # 1. Staff log in at the admin's door and find the item in the review queue; register it.
    staff = log_in(browser, base, "/admin/login/", "zhangsan")
    staff.goto(f"{base}/admin/proposals/submittedsuggestion/")
    assert TITLE in staff.locator("#result_list").inner_text()
    staff.check(f"input[name=_selected_action][value='{pk}']")
    staff.select_option("select[name=action]", "register")
    staff.locator("button[name=index]").first.click()
    staff.wait_for_load_state()
    suggestion.refresh_from_db()
    assert suggestion.status == "registered"

    # 2. Assign: 市交通运输局 leads, 市住房和城乡建设局 co-handles.
    run_action(staff, base, pk, "assign")
    staff.select_option("select[name$=lead_unit]", str(cast["lead_unit"].pk))
    choose_co_unit(staff, cast["co_unit"])
    staff.get_by_role("button", name="交办").click()
    staff.wait_for_load_state()
    suggestion.refresh_from_db()
    assert suggestion.status == "assigned"

    # 3. The clocks, in working days, on the item's admin page.
    staff.goto(f"{base}/admin/proposals/suggestion/{pk}/change/")
    clocks = staff.locator("#handling-clocks").inner_text()
    for label in ("距答复期限还有", "距申请退回期限还有", "距协办意见期限还有", "个工作日"):
        assert label in clocks, clocks
    assert "等待协办单位意见" in clocks and "市住房和城乡建设局" in clocks

    # 4. The co-handler's clerk sees the clocks of the unit and its own action — not the reply.
    co = log_in(browser, base, "/admin/login/", "co-clerk")
    co.goto(f"{base}/admin/proposals/suggestion/{pk}/change/")
    assert co.get_by_role("link", name="登记答复").count() == 0
    assert "距协办意见期限还有" in co.locator("#handling-clocks").inner_text()
    co.get_by_role("link", name="提交协办意见").click()
    co.fill("textarea[name=text]", "同意主办单位意见，我局配合做好路灯用电接入。")
    co.get_by_role("button", name="确认").click()
    co.wait_for_url(f"**/admin/proposals/suggestion/{pk}/change/")
    assert co.get_by_role("link", name="提交协办意见").count() == 0

    # 5. The lead unit's clerk reads the view, then records the reply with the signed letter.
    lead_clerk = log_in(browser, base, "/admin/login/", "lead-clerk")
    lead_clerk.goto(f"{base}/admin/proposals/suggestion/{pk}/change/")
    assert "我局配合做好路灯用电接入" in lead_clerk.content()
    clerk_reply(lead_clerk, base, pk, "B", "已列入明年计划。", letter=PDF)
    suggestion.refresh_from_db()
    assert suggestion.status == "replied"

    # 6. Staff check the letter from the item's page, then publish the reply.
    staff.goto(f"{base}/admin/proposals/suggestion/{pk}/change/")
    open_file(staff, staff.get_by_role("link", name="打开签章答复函"))
    first = publish_latest_reply(staff, base, suggestion)

    # 7. The deputy opens the letter from the workspace and rates 不满意.
    deputy = log_in(browser, base, "/accounts/login/", "xujie")
    deputy.goto(f"{base}/portal/suggestions/{pk}/")
    letter = open_file(deputy, deputy.get_by_role("link", name="打开签章答复函"))
    assert "inline" in letter.headers["content-disposition"]
    rate(deputy, base, pk, first, "basically", "unsatisfied", "路灯至今未安装。")
    next_step = deputy.locator(".next-step").inner_text()
    assert "接下来" in next_step and "办公室" in next_step

    # 8. Staff find it under 不满意待处理 and decide: handle it again.
    staff.goto(f"{base}/admin/proposals/suggestion/?unsatisfied=pending")
    assert TITLE in staff.locator("#result_list").inner_text()
    run_action(staff, base, pk, "decide_unsatisfied")
    staff.check("input[name=decision][value=rehandle]")
    staff.fill("textarea[name=reason]", "请与代表当面沟通后重新答复。")
    staff.get_by_role("button", name="确认").click()
    staff.wait_for_load_state()
    suggestion.refresh_from_db()
    assert suggestion.status == "rehandling"

    # 9. The deputy sees the decision and the new deadline.
    deputy.goto(f"{base}/portal/suggestions/{pk}/")
    due = suggestion.lead_assignment().due_date
    next_step = deputy.locator(".next-step").inner_text()
    assert "重新办理" in next_step and f"{due.year}年{due.month}月{due.day}日" in next_step
    assert "请与代表当面沟通后重新答复。" in next_step
    assert "距重办答复期限还有" in deputy.locator(".clocks").inner_text()
    assert_accessible(deputy)

    # 10. The unit replies again; staff publish; the deputy is satisfied; the item closes.
    clerk_reply(lead_clerk, base, pk, "A", "路灯已全部安装并投入使用。")
    second = publish_latest_reply(staff, base, suggestion)
    rate(deputy, base, pk, second, "satisfied", "satisfied")
    suggestion.refresh_from_db()
    assert suggestion.status == "closed"
    assert "已办结" in deputy.locator("main").inner_text()
    assert deputy.get_by_role("link", name="评价本次答复").count() == 0
    for page in (staff, co, lead_clerk, deputy):
        page.context.close()
    assert Suggestion.objects.get(pk=pk).replies.count() == 2
