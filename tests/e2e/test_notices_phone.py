"""Issue 16's notices on a 375 px phone, in Chinese: a deputy opens the inbox from the workspace's
navigation (the unread count beside it), opens a notice's action, marks the rest read, and
chooses on the preferences page to be texted rather than mailed. Axe finds nothing serious and
nothing is wider than the screen."""

import pytest

from congress.kit import notify
from congress.models import NoticePreference
from congress.notices import events
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_deputy_journey_phone import assert_fits_the_screen, log_in, new_page
from tests.factories import DeputyFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_deputy_reads_notices_and_chooses_texts_on_a_phone(browser, live_server):
    deputy = DeputyFactory(name="徐杰")
    deputy.user = UserFactory(username="xujie", email="xujie@example.cn")
    deputy.save(update_fields=["user"])
    notify.notify(
        deputy.user,
        "请联名：关于加快农村道路亮化设施建设的建议",
        "王芳代表请您联名“关于加快农村道路亮化设施建设的建议”。",
        url="/portal/",
        event=events.COSIGN_REQUEST,
    )
    notify.notify(deputy.user, "建议已立案", "您的建议已立案，编号 JY2022001。")
    context, page = new_page(browser, "phone")
    try:
        log_in(page, live_server.url, "xujie")
        page.goto(f"{live_server.url}/portal/")
        link = page.get_by_role("link", name="通知 2条未读")
        link.click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", name="建议已立案").is_visible()
        assert_accessible(page)
        assert_fits_the_screen(page)
        page.get_by_role(
            "button", name="打开"
        ).first.click()  # the newest has no link; this is the co-sign request
        page.wait_for_load_state()
        assert page.url.endswith("/portal/")
        assert page.get_by_role("link", name="通知 1条未读").is_visible()
        page.goto(f"{live_server.url}/notices/")
        page.get_by_role("button", name="全部标为已读").click()
        page.wait_for_load_state()
        assert page.get_by_text("所有通知已标为已读。").is_visible()
        page.get_by_role("link", name="通知设置").click()
        page.wait_for_load_state()
        assert_accessible(page)
        assert_fits_the_screen(page)
        page.get_by_label("有代表请我联名: 电子邮件").uncheck()
        page.get_by_role("button", name="保存").click()
        page.wait_for_load_state()
        pref = NoticePreference.objects.get(user=deputy.user, event=events.COSIGN_REQUEST)
        assert (pref.email, pref.sms) == (False, True)
    finally:
        context.close()
