"""The budget register for deputies (in their workspace, every current month) and the public
(only what the government has published): charts drawn on the server with a table beside each
and a sentence that says what they show."""

import re
from decimal import Decimal

import pytest

from congress.opendata.datasets import get as get_dataset
from supervision.budget import cases, charts, services
from supervision.budget.models import BudgetSnapshot, DebtLine, ExecutionLine
from tests.factories import DeputyFactory, OrganisationFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

K = BudgetSnapshot.Kind
WAN = Decimal(10_000)
YI = Decimal(100_000_000)


@pytest.fixture
def register():
    """Two months of 2022: October published, November not (its figures are distinctive)."""
    roads = OrganisationFactory(name="市交通运输局")
    schools = OrganisationFactory(name="市教育局")
    snapshots = {}
    for month, roads_spent, schools_spent, balance in (
        (10, 450, 790, "141.20"),
        (11, 681, 870, "147.57"),
    ):
        execution = services.snapshot_start(kind=K.EXECUTION, year=2022, month=month)
        for unit, spent in ((roads, roads_spent), (schools, schools_spent)):
            ExecutionLine.objects.create(
                snapshot=execution,
                department=unit,
                budgeted=1000 * WAN,
                adjusted=1000 * WAN,
                spent=spent * WAN,
            )
        debt = services.snapshot_start(kind=K.DEBT, year=2022, month=month)
        DebtLine.objects.create(
            snapshot=debt,
            new_debt=Decimal("25.57") * YI,
            repaid=0,
            balance=Decimal(balance) * YI,
            limit=Decimal("156.20") * YI,
        )
        snapshots[month] = (execution, debt)
    for snapshot in snapshots[10]:
        cases.snapshot_publish(snapshot=snapshot)
    return snapshots


@pytest.fixture
def deputy_client(client):
    user = UserFactory(username="daibiao")
    DeputyFactory(user=user)
    client.force_login(user)
    return client


def test_the_deputys_workspace_shows_the_register_as_charts_with_tables(deputy_client, register):
    response = deputy_client.get("/portal/budget/")
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count("<svg") == 3  # execution by month, the furthest behind, the debt
    assert text.count('<table class="data">') == 3
    assert 'role="img"' in text and "<desc" in text
    # November is not published, and the workspace still shows it.
    assert "68.1%" in text  # roads, 681 of 1000 by November
    assert "147.57" in text
    assert "77.6%" in text  # all departments: 1551 of 2000
    assert "91.7%" in text  # an even pace by November
    assert "市交通运输局" in text


def test_the_public_page_shows_only_published_figures(client, register):
    response = client.get("/supervision/budget/2022/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "141.20" in text  # October's published debt
    assert "45.0%" in text  # roads by October
    assert "147.57" not in text and "68.1%" not in text  # November's, not published
    assert "<svg" in text and '<table class="data">' in text


def test_unpublished_figures_are_not_in_open_data(client, register):
    assert {row[1] for row in get_dataset("budget-execution").rows(2022)} == {10}
    response = client.get("/open-data/budget-execution.csv?year=2022")
    text = b"".join(response.streaming_content).decode()
    assert "4500000.00" in text  # roads by October
    assert "6810000" not in text  # November's, not published


def test_a_year_without_published_figures_is_404_and_a_bad_year_400(
    client, deputy_client, register
):
    for snapshot in BudgetSnapshot.objects.all():
        BudgetSnapshot.objects.filter(pk=snapshot.pk).update(published=False)
    assert client.get("/supervision/budget/2022/").status_code == 404
    assert client.get("/supervision/budget/2031/").status_code == 404
    assert deputy_client.get("/portal/budget/?year=abc").status_code == 400
    assert deputy_client.get("/portal/budget/?year=2031").status_code == 400


def test_the_workspace_is_for_deputies_only(client, register):
    assert client.get("/portal/budget/")["Location"].startswith("/accounts/login/") or (
        client.get("/portal/budget/").status_code in (302, 403)
    )
    client.force_login(UserFactory(username="jumin"))
    assert client.get("/portal/budget/").status_code == 403


def test_the_public_page_is_cached_and_a_publication_refreshes_it(client, register, settings):
    first = client.get("/supervision/budget/2022/").content.decode()
    assert "147.57" not in first
    cases.snapshot_publish(snapshot=register[11][1])
    again = client.get("/supervision/budget/2022/").content.decode()
    assert "147.57" in again


def test_a_replaced_month_cannot_be_published(register):
    old = register[11][0]
    services.snapshot_start(kind=K.EXECUTION, year=2022, month=11)
    old.refresh_from_db()
    with pytest.raises(Exception, match="替换|replaced"):
        cases.snapshot_publish(snapshot=old)


def test_the_office_publishes_a_month_from_the_admin(client, register):
    client.force_login(StaffFactory(username="caijingwei"))
    execution, _debt = register[11]
    client.post(
        "/admin/supervision/budgetsnapshot/",
        {"action": "publish", "_selected_action": [execution.pk]},
    )
    execution.refresh_from_db()
    assert execution.published


def test_the_charts_render_in_bounded_queries(deputy_client, register, count_queries):
    # session and user, the deputy, the years, three sections (execution months; the latest
    # month and its lines; debt lines), the draft years, the page frame's own.
    assert count_queries(deputy_client, "/portal/budget/") <= 16


def test_the_supervision_page_leads_to_the_published_year(client, register):
    text = client.get("/supervision/").content.decode()
    assert 'href="/supervision/budget/2022/"' in text


def test_the_even_pace_line_never_runs_through_a_departments_figure():
    """At 91.7 % (end of November) a department at 88 % used to have its figure crossed by the
    dashed line; the figure now stands to the line's right, and others keep their place."""
    lines = [
        ("市水利局", "60.2"),
        ("市交通运输局", "88.0"),
        ("市教育局", "90.5"),
        ("市民政局", "95.0"),
    ]
    svg = str(charts.rate_bars("behind", "t", "d", lines, "91.7"))
    pace_x = float(re.search(r'<line x1="([\d.]+)" y1="0"', svg).group(1))
    values = re.findall(
        r'<text class="value" x="([\d.]+)" y="[\d.]+" fill="[^"]+">([^<]+)</text>', svg
    )
    assert [value for _x, value in values] == ["60.2%", "88.0%", "90.5%", "95.0%"]
    for x, value in values:
        start, end = float(x), float(x) + charts._text_width(value, 13)
        assert not start - 2 <= pace_x <= end + 2, value
    # A bar well short of the line keeps its figure right after the bar.
    first_bar = re.search(r'<rect class="bar" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    assert float(values[0][0]) == pytest.approx(
        float(first_bar.group(1)) + float(first_bar.group(2)) + 6, abs=0.1
    )
