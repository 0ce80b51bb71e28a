"""Issue 16's journey: the lead unit's clerk logs a contact with the deputy (面商) at
/admin/login/, the deputy confirms it on a phone-sized screen from /accounts/login/, and only then
— with "REPLY_NEEDS_CONFIRMED_CONTACT" on — is the unit's reply taken and published.
"""

import datetime

import pytest
from django.utils import timezone

from proposals.handling import services as handling_services
from proposals.models import Contact, Suggestion
from proposals.suggestions import services as suggestion_services
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_deputy_journey_phone import assert_fits_the_screen
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


@pytest.fixture
def handled(settings):
    settings.CONGRESS_RULES = {**settings.CONGRESS_RULES, "REPLY_NEEDS_CONFIRMED_CONTACT": True}
    term = TermFactory()
    session = SessionFactory(
        term=term,
        number=1,
        suggestion_deadline=timezone.now() + datetime.timedelta(days=2),
    )
    category = CategoryFactory(term=term, name="城乡建设")
    lead = DeputyFactory(term=term, name="徐杰", user=UserFactory(username="xujie"))
    staff = StaffFactory(username="office")
    unit = OrganisationFactory(name="市交通运输局")
    clerk = UnitMembershipFactory(
        organisation=unit, user=UserFactory(username="clerk", is_staff=True)
    ).user
    suggestion = suggestion_services.suggestion_create_draft(
        lead=lead,
        title="关于加快农村道路亮化设施建设的建议",
        body="农村道路夜间照明不足，建议加快路灯建设。",
        category=category,
        session=session,
        is_public=True,
        by=lead.user,
    )
    suggestion_services.suggestion_submit(suggestion=suggestion, by=lead.user)
    suggestion_services.suggestion_register(suggestion=suggestion, by=staff)
    (assignment,) = handling_services.suggestion_assign(
        suggestion=suggestion, lead_unit=unit, by=staff, on=timezone.localdate()
    )
    handling_services.assignment_accept(assignment=assignment, by=clerk)
    return {"suggestion": suggestion}


def log_in(browser, base, door, username, *, phone=False):
    size = {"width": 375, "height": 812} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(
        viewport=size, is_mobile=phone, has_touch=phone, bypass_csp=True, locale="zh-CN"
    )
    page = context.new_page()
    page.goto(f"{base}{door}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit], form [type=submit]").last.click()
    page.wait_for_load_state()
    assert "/login/" not in page.url, page.url
    return page


def clerk_reply(page, base, pk):
    page.goto(f"{base}/admin/proposals/suggestion/{pk}/change/")
    page.get_by_role("link", name="登记答复").click()
    page.select_option("select[name=reply_class]", "A")
    page.fill("textarea[name=text]", "路灯已于本月全部安装到位并通电。")
    page.get_by_role("button", name="确认").click()
    page.wait_for_load_state()


def test_unit_logs_a_contact_the_deputy_confirms_on_a_phone_then_the_reply_is_published(
    live_server, browser, handled
):
    base, pk = live_server.url, handled["suggestion"].pk
    clerk = log_in(browser, base, "/admin/login/", "clerk")

    # Without a confirmed contact the reply is refused, in plain Chinese, and nothing is kept.
    clerk_reply(clerk, base, pk)
    assert "尚无经领衔代表确认的面商记录" in clerk.content()
    assert not Suggestion.objects.get(pk=pk).replies.exists()

    clerk.goto(f"{base}/admin/proposals/suggestion/{pk}/change/")
    clerk.get_by_role("link", name="登记与代表面商").click()
    clerk.fill("input[name=contact_on]", timezone.localdate().isoformat())
    clerk.select_option("select[name=way]", "face")
    clerk.select_option("select[name=stage]", "before")
    clerk.fill("input[name=participants]", "徐杰代表；市交通运输局副局长")
    clerk.fill("textarea[name=note]", "上门听取代表对路灯建设的意见。")
    clerk.get_by_role("button", name="确认").click()
    clerk.wait_for_url(f"**/admin/proposals/suggestion/{pk}/change/")
    assert Contact.objects.get().status == Contact.Status.PENDING

    deputy = log_in(browser, base, "/accounts/login/", "xujie", phone=True)
    deputy.goto(f"{base}/portal/")  # the overview says a contact waits, and leads to it
    assert "1条面商记录待您确认" in deputy.locator("#contacts-confirm-h").inner_text()
    assert_accessible(deputy)
    assert_fits_the_screen(deputy)
    deputy.locator("section:has(#contacts-confirm-h) a").first.tap()
    deputy.wait_for_url(f"**/portal/suggestions/{pk}/#contact-*")
    section = deputy.locator("#contacts-h")
    assert section.inner_text() == "与承办单位的面商"
    assert_accessible(deputy)
    assert_fits_the_screen(deputy)
    with deputy.expect_navigation():
        deputy.get_by_role("button", name="确认：面商属实").tap()
    deputy.get_by_text("谢谢，面商记录已确认。").wait_for()
    assert "代表已确认" in deputy.locator(".contact").inner_text()
    assert_fits_the_screen(deputy)
    assert Contact.objects.get().status == Contact.Status.CONFIRMED

    clerk_reply(clerk, base, pk)
    clerk.wait_for_url(f"**/admin/proposals/suggestion/{pk}/change/")
    suggestion = Suggestion.objects.get(pk=pk)
    assert suggestion.status == Suggestion.Status.REPLIED

    office = log_in(browser, base, "/admin/login/", "office")
    reply = suggestion.replies.get()
    office.goto(f"{base}/admin/proposals/reply/")
    office.check(f"input[name=_selected_action][value='{reply.pk}']")
    office.select_option("select[name=action]", "publish")
    office.locator("button[name=index]").first.click()
    office.wait_for_load_state()
    reply.refresh_from_db()
    assert reply.published_at is not None
    public = office.context.new_page()
    public.goto(f"{base}/suggestions/{pk}/")
    assert "路灯已于本月全部安装到位并通电。" in public.content()
