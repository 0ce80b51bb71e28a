"""Staff run the year's livelihood-project vote (民生实事票决) entirely in the admin, logging in at
/admin/login/: ideas → candidates (money in 万元/亿元) → approvals → the ballot (K of N) → open →
a paper tally → close → publish; then the public /projects/<year>/ page shows the result."""

import pytest
from django.utils import timezone

from supervision.models import LivelihoodProject, Poll, ProjectIdea
from tests.e2e.conftest import assert_accessible
from tests.factories import DeputyFactory, OrganisationFactory, StaffFactory, TermFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

YEAR = timezone.localdate().year + 1
IDEAS = [
    ("hotline", "公交线路太少，希望新开城乡公交线路"),
    ("deputies", "建议为老年人提供助餐服务"),
    ("town", "镇上农贸市场破旧，建议改造"),
]
CANDIDATES = [  # title, investment as written, in yuan
    ("城乡公交服务提升工程", "2.2亿元", 220_000_000),
    ("居家养老服务提升工程", "1500万元", 15_000_000),
    ("农贸市场改造提升工程", "800", 8_000_000),  # 800 with the unit select at 万元
]


def run_action(page, admin_url, changelist, action, rows=None):
    page.goto(f"{admin_url}/{changelist}/")
    if rows is None:
        page.locator("#action-toggle").check()
    else:
        for row in rows:
            page.locator("tr", has_text=row).locator("input[name=_selected_action]").check()
    page.select_option("select[name=action]", action)
    # Wait for the action's answer: reading the page or the database before it lands is a race.
    with page.expect_navigation():
        page.locator(
            "button[name=index], input[name=index], .actions button[type=submit]"
        ).first.click()


def test_staff_run_the_livelihood_vote_from_the_admin(live_server, page):
    term = TermFactory()
    DeputyFactory.create_batch(5, term=term)
    OrganisationFactory(name="市交通运输局")
    StaffFactory(username="office")
    admin_url = f"{live_server.url}/admin"

    page.goto(f"{admin_url}/")
    page.wait_for_url("**/admin/login/**")
    page.fill("#id_username", "office")
    page.fill("#id_password", "pw-for-tests")
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{admin_url}/")

    # 1. Collect the ideas sent in.
    for source, text in IDEAS:
        page.goto(f"{admin_url}/supervision/projectidea/add/")
        page.fill("#id_year", str(YEAR))
        page.select_option("#id_source", source)
        page.fill("#id_text", text)
        page.fill("#id_received_on", f"{YEAR - 1}-11-20")
        page.locator("input[name=_save]").click()
        page.wait_for_url(f"{admin_url}/supervision/projectidea/")
    assert ProjectIdea.objects.filter(year=YEAR).count() == 3

    # 2. Each idea becomes a candidate; money as officials write it.
    for (_source, idea), (title, written, _yuan) in zip(IDEAS, CANDIDATES, strict=True):
        run_action(page, admin_url, "supervision/projectidea", "make_candidate", rows=[idea])
        assert "金额" in page.content() or "投资" in page.content()
        page.fill("#id_title", title)
        page.fill("#id_investment_0", written)
        page.select_option("#id_investment_1", "万元")
        page.locator("input[type=submit]").click()
        page.wait_for_url("**/supervision/livelihoodproject/*/change/")
    amounts = dict(LivelihoodProject.objects.filter(year=YEAR).values_list("title", "investment"))
    assert amounts == {title: yuan for title, _w, yuan in CANDIDATES}
    page.goto(f"{admin_url}/supervision/livelihoodproject/?year={YEAR}")
    listing = page.locator("#result_list").inner_text()
    assert "2.2亿元" in listing and "1500万元" in listing
    assert_accessible(page)

    # 3. The approval chain, step by step, for all three.
    for step in ["executive", "chairs", "party", "standing"]:
        run_action(page, admin_url, "supervision/livelihoodproject", "record_approval")
        page.select_option("#id_step", step)
        page.locator("input[type=submit]").click()
        page.wait_for_url("**/supervision/livelihoodproject/**")

    # 4. The ballot: choose 2 of 3; the opening time comes filled in and can be changed.
    run_action(page, admin_url, "supervision/livelihoodproject", "create_ballot")
    assert page.locator("#id_opens_at").input_value()
    page.fill("#id_max_choices", "2")
    page.fill("#id_seats", "2")
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/supervision/poll/*/change/")
    poll = Poll.objects.get()
    assert (poll.max_choices, poll.seats, poll.options.count()) == (2, 2, 3)

    # 5. Open it, 6. enter the paper tally, 7. close, 8. publish.
    run_action(page, admin_url, "supervision/poll", "open_polls")
    page.goto(f"{admin_url}/supervision/poll/{poll.pk}/change/")
    page.get_by_role("link", name="录入纸质计票").click()
    for name, value in {"issued": 5, "returned": 5, "valid": 5, "invalid": 0}.items():
        page.fill(f"#id_{name}", str(value))
    votes = {"城乡公交服务提升工程": 5, "居家养老服务提升工程": 4, "农贸市场改造提升工程": 1}
    for option in poll.options.all():
        page.fill(f"#id_count-{option.pk}-yes", str(votes[option.label]))
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"**/supervision/poll/{poll.pk}/change/")
    run_action(page, admin_url, "supervision/poll", "close_polls")
    assert "已结束投票并计票" in page.content() or "计票" in page.content()
    run_action(page, admin_url, "supervision/poll", "publish_polls")
    poll.refresh_from_db()
    assert poll.status == Poll.Status.PUBLISHED
    selected = set(
        LivelihoodProject.objects.filter(year=YEAR, status="selected").values_list(
            "title", flat=True
        )
    )
    assert selected == {"城乡公交服务提升工程", "居家养老服务提升工程"}

    # The public page shows the result.
    page.goto(f"{live_server.url}/projects/{YEAR}/")
    public = page.locator("main").inner_text()
    assert "城乡公交服务提升工程" in public and "居家养老服务提升工程" in public
    assert "农贸市场改造提升工程" in public
    assert "入选" in public or "当选" in public or "selected" in public.lower()
