"""Issue "annual review", done when: the 2022 review computed from the full demo reads the
customer's own figures — none of them typed anywhere."""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from congress.review import registry

pytestmark = pytest.mark.django_db

EXPECTED = {
    "suggestions.session_received": 226,
    "suggestions.received": 231,
    "suggestions.replied_on_time_rate": 100,
    "opinions.received": 1322,
    "projects.voters": 251,
    "projects.candidates": 12,
    "projects.selected": 10,
    "supervision.debt_approved": Decimal("2557000000"),
    "major_projects.count": 11,
    "major_projects.investment": Decimal("2196000000"),
    "major_projects.voted": 6,
    # Issue 16 (回头看): the demo year's B items overdue against their promise, and carried into
    # 2023's look-back ledger.
    "suggestions.promises_overdue": 2,
    "suggestions.carried_over": 16,
}


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False


def test_the_2022_review_reads_the_customers_figures(demo, client):
    registry.autodiscover()
    values = {key: registry.get(key).compute(2022) for key in EXPECTED}
    assert values == EXPECTED
    closure = registry.get("opinions.closure_rate").compute(2022)
    assert round(float(closure), 1) == 94.3
    html = client.get("/reviews/2022/").content.decode()
    text = re.sub(r"<[^>]+>", "", html).replace(",", "")  # what a reader sees
    assert "转入下一年度回头看台账的建议" in text
    for shown in ("226", "1322", "94.3", "251", "25.57亿元", "21.96亿元"):
        assert shown in text, shown
