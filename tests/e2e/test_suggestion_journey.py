"""A suggestion's whole life in the browser: drafted with a co-signer, confirmed, submitted,
registered and assigned in the admin, answered by the unit's clerk, rated unsatisfied, handled
again, answered again, rated satisfied — and the public page tells the story.

The deputy pages are driven in English (/en/…) so that the assertions do not depend on the
compiled Chinese catalogue; the login page and the admin run in Chinese, driven by field names.
"""

import datetime
import re

import pytest
from django.utils import timezone

from proposals.models import Suggestion
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
    CategoryFactory(term=term, name="城乡建设")
    lead = DeputyFactory(term=term, name="徐杰", user=UserFactory(username="xujie"))
    cosigner = DeputyFactory(term=term, name="王芳", user=UserFactory(username="wangfang"))
    unit = OrganisationFactory(name="市交通运输局")
    clerk = UnitMembershipFactory(
        organisation=unit, user=UserFactory(username="clerk", is_staff=True)
    ).user
    staff = StaffFactory(username="zhangsan", email="office@example.cn")
    return {
        "session": session,
        "lead": lead,
        "cosigner": cosigner,
        "unit": unit,
        "clerk": clerk,
        "staff": staff,
    }


def log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url


def admin_action(page, base, path, pk, action):
    page.goto(f"{base}/admin/proposals/{path}/")
    page.check(f"input[name=_selected_action][value='{pk}']")
    page.select_option("select[name=action]", action)
    page.locator("button[name=index]").first.click()
    page.wait_for_load_state()


def clerk_reply(page, base, pk, reply_class, text):
    page.goto(f"{base}/admin/proposals/suggestion/{pk}/reply/")
    page.select_option("select[name=reply_class]", reply_class)
    page.fill("textarea[name=text]", text)
    if reply_class == "B":  # a class B reply promises its completion date (issue 16)
        promised = timezone.localdate() + datetime.timedelta(days=365)
        page.fill("input[name=promised_by]", promised.isoformat())
    page.locator("input[type=submit]").click()
    page.wait_for_load_state()


def publish_latest_reply(page, base, suggestion):
    reply = suggestion.replies.order_by("-id").first()
    admin_action(page, base, "reply", reply.pk, "publish")
    reply.refresh_from_db()
    assert reply.published_at is not None
    return reply


def rate(page, base, reply, process, result, comment=""):
    page.goto(f"{base}/en/portal/suggestions/")
    page.locator(f"a[href='/en/portal/replies/{reply.pk}/rate/']").click()
    page.check(f"input[name=process_rating][value={process}]")
    page.check(f"input[name=result_rating][value={result}]")
    if comment:
        page.fill("textarea[name=comment]", comment)
    page.get_by_role("button", name="Send my rating").click()
    page.wait_for_load_state()


def test_suggestion_from_draft_to_closed(live_server, browser, page, cast):
    base = live_server.url
    log_in(page, base, "xujie")

    # 1. The lead drafts, asking 王芳 to co-sign.
    page.goto(f"{base}/en/portal/suggestions/new/")
    assert_accessible(page)
    page.fill("#id_title", TITLE)
    page.select_option("#id_category", label="城乡建设")
    page.select_option("#id_session", str(cast["session"].pk))
    page.fill("#id_body", "农村道路夜间照明不足，建议加快路灯建设。")
    picker = page.locator("#id_cosigners_search")
    picker.press_sequentially("王芳", delay=30)
    page.get_by_role("listbox").get_by_role("option", name=re.compile("王芳")).wait_for()
    picker.press("ArrowDown")
    picker.press("Enter")
    page.get_by_role("button", name="Save the draft").click()
    page.wait_for_url("**/en/portal/suggestions/*/")
    suggestion = Suggestion.objects.get()
    assert suggestion.status == "draft"

    # 2. The co-signer, in a browser of their own, confirms.
    other = browser.new_context(bypass_csp=True)
    co_page = other.new_page()
    log_in(co_page, base, "wangfang")
    co_page.goto(f"{base}/en/portal/suggestions/")
    co_page.get_by_role("link", name=TITLE).click()
    co_page.get_by_role("button", name="Co-sign").click()
    co_page.wait_for_url("**/en/portal/suggestions/")

    # 3. The lead submits after reading the confirmation page.
    page.goto(f"{base}/en/portal/suggestions/{suggestion.pk}/submit/")
    assert "王芳" in page.content()
    page.get_by_role("button", name="Submit it now").click()
    page.wait_for_url(f"**/en/portal/suggestions/{suggestion.pk}/")
    suggestion.refresh_from_db()
    assert suggestion.status == "submitted"

    # 4. Staff register and assign in the admin.
    staff_context = browser.new_context()
    staff_page = staff_context.new_page()
    log_in(staff_page, base, "zhangsan")
    admin_action(staff_page, base, "suggestion", suggestion.pk, "register")
    # 立案 leads straight to 交办: the item's own assignment form.
    assert "/admin/proposals/suggestion/assign/" in staff_page.url
    staff_page.select_option(f"select[name=s{suggestion.pk}-lead_unit]", str(cast["unit"].pk))
    staff_page.locator("input[type=submit]").click()
    staff_page.wait_for_load_state()
    suggestion.refresh_from_db()
    assert suggestion.status == "assigned", suggestion.status

    # 5. The unit's clerk replies; staff publish the reply.
    clerk_context = browser.new_context()
    clerk_page = clerk_context.new_page()
    log_in(clerk_page, base, "clerk")
    clerk_reply(clerk_page, base, suggestion.pk, "B", "已列入明年计划。")
    suggestion.refresh_from_db()
    assert suggestion.status == "replied"
    first = publish_latest_reply(staff_page, base, suggestion)

    # 6. Both signers rate; the lead is not satisfied.
    rate(page, base, first, "basically", "unsatisfied", "路灯至今未安装。")
    rate(co_page, base, first, "satisfied", "basically")
    suggestion.refresh_from_db()
    assert suggestion.status == "replied"

    # 7. Staff send it back; the unit replies again; staff publish.
    admin_action(staff_page, base, "suggestion", suggestion.pk, "rehandle")
    suggestion.refresh_from_db()
    assert suggestion.status == "rehandling"
    clerk_reply(clerk_page, base, suggestion.pk, "A", "路灯已全部安装并投入使用。")
    second = publish_latest_reply(staff_page, base, suggestion)

    # 8. Both rate satisfied: the suggestion closes.
    rate(page, base, second, "satisfied", "satisfied")
    rate(co_page, base, second, "satisfied", "satisfied")
    suggestion.refresh_from_db()
    assert suggestion.status == "closed"

    # 9. The public list and page tell the whole story, and pass axe.
    public = browser.new_context(bypass_csp=True).new_page()
    public.goto(f"{base}/en/suggestions/?q=农村道路")
    assert public.locator(".suggestion-table tbody tr").count() == 1
    assert_accessible(public)
    public.get_by_role("link", name=TITLE).click()
    public.wait_for_url(f"**/en/suggestions/{suggestion.pk}/")
    text = public.locator("main").inner_text()
    for step in (
        "Submitted",
        "Registered",
        "Assigned to handling units",
        "Replied",
        "Reply published",
        "Sent back for handling again",
        "Closed",
    ):
        assert step in text, step
    assert "路灯已全部安装并投入使用。" in text and "已列入明年计划。" in text
    assert "王芳" in text and "市交通运输局" in text
    assert "zhangsan" not in public.locator(".timeline").inner_text()
    assert "clerk" not in public.locator(".timeline").inner_text()
    assert_accessible(public)
    for context in (other, staff_context, clerk_context):
        context.close()
