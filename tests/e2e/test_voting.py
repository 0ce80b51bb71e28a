"""A deputy logs in, marks the livelihood-project ballot, confirms, and cannot vote twice."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from supervision import services
from supervision.models import BallotReceipt, Poll
from tests.e2e.conftest import assert_accessible
from tests.factories import DeputyFactory, TermFactory, UserFactory
from tests.supervision.ballots import stored_marks

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_ballot():
    now = timezone.now()
    candidates = [
        ("城乡公交服务提升工程", "31800000", "新辟和优化城乡公交线路。"),
        ("“健康关爱”惠民工程", "21500000", "免费两癌筛查和老年人体检。"),
        ("居家养老服务提升工程", "18200000", "新建老年食堂，提供助餐服务。"),
        ("农贸市场改造提升工程", "15200000", "改造镇级农贸市场。"),
    ]
    poll = services.poll_create(
        kind=Poll.Kind.PROJECT_BALLOT,
        title="2022年民生实事项目票决",
        options=[
            {"label": label, "amount": Decimal(amount), "description": text}
            for label, amount, text in candidates
        ],
        opens_at=now - datetime.timedelta(minutes=5),
        closes_at=now + datetime.timedelta(hours=2),
        max_choices=2,
        seats=2,
    )
    term = TermFactory()
    deputy = DeputyFactory(term=term, name="徐杰", user=UserFactory(username="ph16-100"))
    others = DeputyFactory.create_batch(2, term=term)
    services.poll_open(poll=poll, voters=[deputy, *others])
    return poll, deputy


def test_deputy_votes_confirms_and_cannot_vote_twice(live_server, page, open_ballot):
    poll, deputy = open_ballot
    ballot_url = f"{live_server.url}/en/portal/votes/{poll.pk}/"
    page.goto(f"{live_server.url}/accounts/login/?next=/en/portal/votes/{poll.pk}/")
    page.get_by_label("用户名").fill("ph16-100")
    page.get_by_label("密码").fill("pw-for-tests")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(ballot_url)
    assert page.locator("h1").inner_text() == "2022年民生实事项目票决"
    assert "21.5 million yuan" in page.locator(".ballot").inner_text()
    assert_accessible(page)

    # Three marks: the page refuses, says why, and stores nothing.
    for label in ["城乡公交服务提升工程", "“健康关爱”惠民工程", "居家养老服务提升工程"]:
        page.get_by_label(label).check()
    page.get_by_role("button", name="Review my ballot").click()
    assert "at most 2 options; you marked 3" in page.get_by_role("alert").inner_text()
    assert_accessible(page)
    page.get_by_label("居家养老服务提升工程").uncheck()
    page.get_by_role("button", name="Review my ballot").click()

    assert page.locator("h1").inner_text() == "Confirm your ballot"
    assert "“健康关爱”惠民工程" in page.locator("main").inner_text()
    assert len(stored_marks()) == 0
    assert_accessible(page)
    page.get_by_role("button", name="Cast my vote").click()
    page.wait_for_url(f"**/portal/votes/{poll.pk}/done/")
    assert page.locator("h1").inner_text() == "Your vote is recorded"
    assert BallotReceipt.objects.filter(voter=deputy).count() == 1
    assert len(stored_marks()) == 1

    page.goto(ballot_url)
    assert "already voted" in page.get_by_role("status").inner_text()
    assert page.locator('input[name="option"]').count() == 0
    assert len(stored_marks()) == 1


def test_the_ballot_works_at_phone_width(live_server, phone_page, open_ballot):
    poll, deputy = open_ballot
    phone_page.goto(f"{live_server.url}/accounts/login/?next=/portal/votes/{poll.pk}/")
    phone_page.get_by_label("用户名").fill("ph16-100")
    phone_page.get_by_label("密码").fill("pw-for-tests")
    phone_page.get_by_role("button", name="登录").click()
    phone_page.wait_for_url(f"**/portal/votes/{poll.pk}/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    assert_accessible(phone_page)
