"""Issue 16's unit scorecards on a 375 px phone, in Chinese, on the demo year: an anonymous
visitor opens /units/scorecards/2022/, finds the two units that failed, follows a failing figure
to the unit's page at that criterion, and from the items that missed it to an item's page. Axe
finds nothing serious on any of the three pages."""

import re

import pytest
from playwright.sync_api import expect

from congress.demo import DemoContext, run
from proposals.demo import MISSES_PROMISES, SKIPS_MEETINGS
from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_year():
    run(DemoContext(password="demo-password-for-tests"))


def test_a_visitor_follows_a_failing_figure_to_the_items_behind_it(
    phone_page, live_server, demo_year
):
    page = phone_page
    page.goto(f"{live_server.url}/units/scorecards/2022/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("2022")
    failed_rows = page.locator("table.data tbody tr").filter(has_text="不合格")
    expect(failed_rows).to_have_count(2)
    for name in (SKIPS_MEETINGS, MISSES_PROMISES):
        expect(failed_rows.filter(has_text=name)).to_have_count(1)
    assert_accessible(page)

    # The education bureau's one missed figure opens its page at that criterion.
    row = failed_rows.filter(has_text=MISSES_PROMISES)
    figure = row.locator("td").filter(has_text="不达标").get_by_role("link")
    expect(figure).to_have_count(1)
    figure.click()
    page.wait_for_load_state()
    assert re.search(r"/units/scorecards/2022/\d+/#criterion-\d+$", page.url), page.url
    anchor = page.url.rsplit("#", 1)[1]
    heading = page.locator(f"h2#{anchor}")
    expect(heading).to_contain_text("不达标")
    section = page.locator("section.scorecard-criterion").filter(has=heading)
    failing = section.locator("ul.scorecard-failing li")
    expect(failing.first).to_be_visible()
    assert_accessible(page)

    # An item that missed it opens its public page.
    link = failing.get_by_role("link").first
    code = link.inner_text().split(" ", 1)[0]
    link.click()
    page.wait_for_load_state()
    assert re.search(r"/suggestions/\d+/$", page.url), page.url
    expect(page.locator("main")).to_contain_text(code)
    assert_accessible(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the item's page scrolls sideways: {width}px"
