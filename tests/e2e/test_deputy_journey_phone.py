"""Issue 11's journeys, on a 375 px phone and on a 1280 px desktop, in Chinese as users see it.

A deputy logs in where the site sends deputies (/accounts/login/), drafts a suggestion with an
attachment, finds a co-signer by typing, the co-signer accepts from their overview with one tap,
the lead submits. The office moves it forward (register, assign, the unit's reply with its
signed letter, publish — through the services, as tests/e2e/test_backoffice_journey.py does it
in the admin); the deputy opens the letter from the workspace, rates 不满意, reads what happens
next, and after the office's decision sees it on the item's page. A resident without a QR code starts from the home page, picks town → station,
sends an opinion, follows it and rates the answer.

Every page visited is checked by axe (no serious or critical finding) and, at 375 px, for
anything wider than the screen; a screenshot of each goes to /tmp/h11-shots/.
"""

import datetime
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from proposals.handling import services as handling_services
from proposals.models import Opinion, Signature, Suggestion
from proposals.opinions import services as opinion_services
from proposals.suggestions import services as suggestion_services
from tests.e2e.conftest import assert_accessible
from tests.factories import (
    CategoryFactory,
    DelegationFactory,
    DeputyFactory,
    OrganisationFactory,
    SessionFactory,
    StaffFactory,
    StationFactory,
    TermFactory,
    TownFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-tests"
TITLE = "关于加快农村道路亮化设施建设的建议"
SHOTS = Path("/tmp/h11-shots")  # noqa: S108 (screenshots to look at, not secrets)
SIZES = {"phone": (375, 812), "desktop": (1280, 900)}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Elements wider than the viewport, except inside a box that scrolls sideways on purpose.
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX;
      if ((x === 'auto' || x === 'scroll' || x === 'hidden') && p.scrollWidth > p.clientWidth) return true;
    }
    return false;
  };
  const bad = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.right > width + 1 && !scrolls(el)) {
      const id = el.id ? '#' + el.id : '';
      const cls = el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
      bad.push(`${el.tagName.toLowerCase()}${id}${cls} right=${Math.round(box.right)}`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, bad: bad.slice(0, 15)};
}"""


def assert_fits_the_screen(page):
    """No element overflows the viewport horizontally (the page does not scroll sideways)."""
    found = page.evaluate(OVERFLOW_JS)
    assert found["scrollWidth"] <= found["width"] and not found["bad"], found


def check(page, size, name):
    """Screenshot, axe, and at phone width the overflow check: every page of the journeys."""
    page.wait_for_load_state()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{size}-{name}.png"), full_page=True)
    assert_accessible(page)
    if size == "phone":
        assert_fits_the_screen(page)


def new_page(browser, size):
    width, height = SIZES[size]
    phone = size == "phone"
    context = browser.new_context(
        viewport={"width": width, "height": height},
        is_mobile=phone,
        has_touch=phone,
        bypass_csp=True,  # only so that axe can be injected
        locale="zh-CN",
    )
    return context, context.new_page()


def log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url


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
    town = TownFactory(name="独山港镇")
    delegation = DelegationFactory(term=term, town=town)
    lead = DeputyFactory(
        term=term, name="徐杰", delegation=delegation, user=UserFactory(username="xujie")
    )
    cosigner = DeputyFactory(
        term=term, name="王芳", delegation=delegation, user=UserFactory(username="wangfang")
    )
    for name in ("王建国", "李强", "张敏"):
        DeputyFactory(term=term, name=name, delegation=delegation)
    station = StationFactory(name="独山港镇周圩人大代表联络站", town=town)
    station.deputies.add(lead, cosigner)
    StationFactory(name="乍浦镇人大代表联络站", town=TownFactory(name="乍浦镇"))
    return {
        "session": session,
        "lead": lead,
        "cosigner": cosigner,
        "station": station,
        "town": town,
        "staff": StaffFactory(username="office"),
    }


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_deputy_drafts_finds_a_cosigner_by_typing_and_submits(
    live_server, browser, cast, size, tmp_path
):
    base = live_server.url
    context, page = new_page(browser, size)
    attachment = tmp_path / "现场照片说明.pdf"
    attachment.write_bytes(PDF)

    page.goto(f"{base}/")
    if size == "phone":
        page.locator(".nav-toggle-label").click()  # the login link is in the menu
    page.get_by_role("link", name="代表登录").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    check(page, size, "00-login")
    log_in(page, base, "xujie")
    page.goto(f"{base}/portal/")
    check(page, size, "01-lead-overview")

    page.goto(f"{base}/portal/suggestions/new/")
    page.fill("#id_title", TITLE)
    page.select_option("#id_category", label="城乡建设")
    page.select_option("#id_session", str(cast["session"].pk))
    page.fill("#id_body", "农村道路夜间照明不足，群众出行不便，建议分年度实施路灯建设。")
    page.set_input_files("#id_attachments", str(attachment))
    # The picker: type part of the name, move with the arrow key, choose with Enter.
    picker = page.locator("#id_cosigners_search")
    assert page.locator("#id_cosigners").is_hidden()
    picker.click()
    picker.press_sequentially("王芳", delay=50)
    listbox = page.get_by_role("listbox")
    option = listbox.get_by_role("option", name=re.compile("王芳"))
    option.wait_for()
    assert listbox.get_by_role("option").count() == 1  # 王建国 does not match 王芳
    check(page, size, "02-lead-picker-open")
    picker.press("ArrowDown")
    assert option.get_attribute("aria-selected") == "true"
    picker.press("Enter")
    chosen = page.locator(".picker-chosen li")
    assert chosen.count() == 1 and "王芳" in chosen.inner_text()
    assert listbox.is_hidden()  # the list closed
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url(re.compile(r"/portal/suggestions/\d+/$"))
    suggestion = Suggestion.objects.get()
    assert [a.original_name for a in suggestion.attachments.all()] == ["现场照片说明.pdf"]
    assert suggestion.signatures.get().deputy == cast["cosigner"]
    check(page, size, "03-lead-draft")
    timeline = page.locator(".timeline").inner_text()
    assert "开始起草" in timeline and "邀请代表附议" in timeline and "年" in timeline

    # The co-signer, on their own device, answers from the overview with one tap.
    other, co_page = new_page(browser, size)
    log_in(co_page, base, "wangfang")
    co_page.goto(f"{base}/portal/")
    requests = co_page.locator("#cosign-h")
    assert "1 件附议邀请" in requests.inner_text()
    assert TITLE in co_page.locator(".request-list").inner_text()
    assert "请于" in co_page.locator(".request-list .due").inner_text()
    check(co_page, size, "04-cosigner-overview")
    co_page.locator(".request-list button[value=confirm]").click()
    co_page.wait_for_url(f"{base}/portal/")
    assert Signature.objects.get().status == Signature.Status.CONFIRMED
    assert "您已附议" in co_page.locator(".messages").inner_text()
    check(co_page, size, "05-cosigner-after-accepting")
    other.close()

    # The lead submits.
    page.goto(f"{base}/portal/suggestions/{suggestion.pk}/submit/")
    check(page, size, "06-lead-submit")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/portal/suggestions/{suggestion.pk}/")
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.SUBMITTED
    assert "提交" in page.locator(".timeline").inner_text()
    check(page, size, "07-lead-submitted")

    # The office's part (the admin's side is the back-office journey's): register, assign,
    # the unit's reply with its signed letter, publish.
    staff, unit = cast["staff"], OrganisationFactory(name="市交通运输局")
    suggestion_services.suggestion_register(suggestion=suggestion, by=staff)
    handling_services.suggestion_assign(suggestion=suggestion, lead_unit=unit, by=staff)
    reply = handling_services.reply_record(
        suggestion=suggestion,
        organisation=unit,
        reply_class="B",
        text="已列入明年农村道路亮化计划，分两年实施。",
        promised_by=timezone.localdate() + datetime.timedelta(days=365),
        by=staff,
        file=SimpleUploadedFile("答复函.pdf", PDF, content_type="application/pdf"),
    )
    handling_services.reply_publish(reply=reply, by=staff)

    # The deputy, later, opens the unit's signed letter from the workspace.
    page.goto(f"{base}/portal/")
    check(page, size, "08-lead-overview-replied")
    page.goto(f"{base}/portal/suggestions/{suggestion.pk}/")
    assert "已列入明年农村道路亮化计划" in page.locator("main").inner_text()
    check(page, size, "09-lead-replied")
    link = page.get_by_role("link", name="打开签章答复函")
    letter = page.request.get(urljoin(page.url, link.get_attribute("href")))
    assert letter.status == 200 and letter.headers["content-type"] == "application/pdf"
    assert letter.body().startswith(b"%PDF-")

    # Rates 不满意 and reads what happens next.
    page.get_by_role("link", name="评价本次答复").click()
    page.wait_for_load_state()
    check(page, size, "09a-lead-rating-form")
    page.check("input[name=process_rating][value=basically]")
    page.check("input[name=result_rating][value=unsatisfied]")
    page.fill("textarea[name=comment]", "路灯何时安装没有说明。")
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_url(f"**/portal/suggestions/{suggestion.pk}/")
    next_step = page.locator(".next-step")
    assert "接下来会怎样" in next_step.locator("h2").inner_text()
    assert "办公室" in next_step.inner_text()
    check(page, size, "09b-lead-rated-unsatisfied")

    # The office decides to handle it again; the deputy sees the decision on the item's page.
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.REPLIED
    handling_services.suggestion_decide_unsatisfied(
        suggestion=suggestion, rehandle=True, by=staff, reason="请与代表当面沟通后重新答复。"
    )
    page.goto(f"{base}/portal/suggestions/{suggestion.pk}/")
    next_step = page.locator(".next-step").inner_text()
    due = suggestion.lead_assignment().due_date
    assert "重新办理" in next_step and "请与代表当面沟通后重新答复。" in next_step
    assert f"{due.year}年{due.month}月{due.day}日" in next_step
    check(page, size, "09c-lead-decision")
    context.close()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_resident_without_a_qr_code_sends_tracks_and_rates_an_opinion(
    live_server, browser, cast, size
):
    base = live_server.url
    context, page = new_page(browser, size)
    page.goto(f"{base}/")
    check(page, size, "10-home")
    if size == "phone":
        # One row: the two ways in and the menu button; the links fold behind it, no script.
        links = page.locator(".nav-links")
        assert links.is_hidden()
        page.locator(".nav-toggle-label").click()
        assert links.is_visible()
        check(page, size, "11-home-menu-open")
        page.locator(".nav-toggle-label").click()
        assert links.is_hidden()
    page.locator("header .quick-links").get_by_role("link", name="反映意见").click()
    page.wait_for_url(f"{base}/opinions/start/")
    check(page, size, "12-start-towns")
    page.get_by_role("link", name="独山港镇").click()
    page.wait_for_url(re.compile(r"/opinions/start/\?town=\d+$"))
    assert "乍浦镇人大代表联络站" not in page.content()
    check(page, size, "13-start-town")
    page.get_by_role("link", name="独山港镇周圩人大代表联络站").click()
    page.wait_for_url(f"{base}/opinions/new/?station={cast['station'].pk}")
    check(page, size, "14-opinion-form")

    page.select_option("#id_category", "housing")
    page.fill("#id_content", "刚交付的安置房楼地面出现多处裂缝，担心质量问题，请帮忙协调检查。")
    page.fill("#id_phone", "138 1234 5678")
    page.check("#id_consent")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/opinions/track/[A-Z2-9]{8}/\?new=1$"))
    code = page.locator(".code").inner_text().strip()
    opinion = Opinion.objects.get(code=code)
    assert opinion.station == cast["station"]
    check(page, size, "15-opinion-sent")

    # A deputy answers it on the spot (through the service, as the workspace would).
    opinion_services.opinion_answer(
        opinion=opinion,
        by=cast["lead"].user,
        deputy=cast["lead"],
        text="已联系镇村建设管理办公室，下周上门查看并维修。",
    )

    # Later: the resident follows it from the header, by typing the code.
    page.goto(f"{base}/")
    page.locator("header .quick-links").get_by_role("link", name="查询办理进度").click()
    page.wait_for_url(f"{base}/opinions/track/")
    check(page, size, "16-track")
    page.fill("#id_code", code.lower())
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/opinions/track/{code}/")
    timeline = page.locator(".timeline").inner_text()
    assert "已答复" in timeline and "徐杰" in timeline and "年" in timeline
    check(page, size, "17-track-answered")
    page.locator("input[name=rating][value=satisfied]").check()
    page.locator("form:has(input[name=rating]) button[type=submit]").click()
    page.wait_for_load_state()
    opinion.refresh_from_db()
    assert opinion.rating == "satisfied"
    check(page, size, "18-track-rated")
    context.close()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_public_pages_fit_the_phone_and_pass_axe(live_server, browser, cast, size):
    """The other pages a visitor reaches from the menu, including the station's receptions and
    a deputy's profile with its items, at both widths."""
    from tests.factories import ReceptionFactory

    station = cast["station"]
    reception = ReceptionFactory(
        station=station, date=datetime.date(2022, 3, 15), theme="安置房质量", residents_received=17
    )
    reception.deputies.add(cast["lead"], cast["cosigner"])
    base = live_server.url
    context, page = new_page(browser, size)
    for name, path in [
        ("20-deputies", "/deputies/"),
        ("21-deputy", f"/deputies/{cast['lead'].pk}/?year=2022"),
        ("22-stations", "/stations/"),
        ("23-station", f"/stations/{station.pk}/"),
        ("24-suggestions", "/suggestions/"),
        ("25-projects", "/projects/"),
    ]:
        page.goto(f"{base}{path}")
        check(page, size, name)
        if path.startswith("/stations/") and path != "/stations/":
            # The receptions table: a deputy's name never breaks one character a line.
            for link in page.locator("td.names a").all():
                box = link.bounding_box()
                assert box["height"] < 40 and box["width"] > 30, box
        if path.startswith("/deputies/") and path != "/deputies/":
            assert "2022年3月15日" in page.content()  # the reception day on duty
    context.close()


def test_without_javascript_the_picker_is_a_plain_field_and_the_menu_still_opens(
    live_server, browser, cast
):
    base = live_server.url
    context = browser.new_context(
        viewport={"width": 375, "height": 812},
        is_mobile=True,
        java_script_enabled=False,
        locale="zh-CN",
    )
    page = context.new_page()
    page.goto(f"{base}/")
    links = page.locator(".nav-links")
    assert links.is_hidden()
    page.locator(".nav-toggle-label").click()  # a checkbox and its label: CSS only
    assert links.is_visible()
    page.get_by_role("link", name="代表登录").click()
    log_in(page, base, "xujie")
    page.goto(f"{base}/portal/suggestions/new/")
    field = page.locator("#id_cosigners")
    assert field.is_visible() and page.locator("#id_cosigners_search").count() == 0
    page.fill("#id_title", TITLE)
    page.fill("#id_cosigners", "王芳、查无此人")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state()
    assert (
        "“查无此人”：没有可邀请的本届在任代表" in page.locator("#id_cosigners_error").inner_text()
    )
    assert Suggestion.objects.count() == 0
    page.fill("#id_cosigners", "王芳，李强")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url(re.compile(r"/portal/suggestions/\d+/$"))
    names = set(Suggestion.objects.get().signatures.values_list("deputy__name", flat=True))
    assert names == {"王芳", "李强"}
    context.close()
