"""A resident reads the annual review on a desktop and on a phone; axe finds nothing serious."""

import os
import tempfile
from pathlib import Path

import pytest

from tests.e2e.conftest import assert_accessible
from tests.reviews.conftest import build_year_data, make_review

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("REVIEW_SCREENSHOTS") or tempfile.mkdtemp(prefix="review-shots-"))


@pytest.fixture
def review_2022():
    build_year_data()
    return make_review(sections=3)


def _shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / name
    page.screenshot(path=str(path), full_page=True)
    assert path.exists() and path.stat().st_size > 20_000, path
    return path


def test_review_page_on_desktop(page, live_server, review_2022):
    page.goto(f"{live_server.url}/reviews/2022/")
    assert page.locator("h1").inner_text() == review_2022.title
    assert page.locator("nav.review-toc li").count() == 3
    assert page.locator("svg.chart").count() >= 2
    page.locator("details.chart-table summary").first.click()
    assert page.locator("details.chart-table table.data").first.is_visible()
    _shoot(page, "review-desktop.png")
    assert_accessible(page)


def test_review_page_on_a_phone(phone_page, live_server, review_2022):
    phone_page.goto(f"{live_server.url}/reviews/2022/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways: {width}px"
    _shoot(phone_page, "review-phone.png")
    assert_accessible(phone_page)


def test_review_list_and_pdf_link(page, live_server, review_2022):
    page.goto(f"{live_server.url}/reviews/")
    page.get_by_role("link", name="2022").first.click()
    assert page.url.endswith("/reviews/2022/")
    assert_accessible(page)
