"""The supervision demo step: the article's figures, computed from the data; idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command

from supervision import demo
from supervision.models import (
    Ballot,
    BallotReceipt,
    LivelihoodProject,
    MajorProject,
    Poll,
    SupervisionItem,
)
from supervision.selectors import project_year

pytestmark = pytest.mark.django_db


def test_without_the_foundation_it_says_so_and_stops():
    out = StringIO()
    demo.load(stdout=out)
    assert "missing" in out.getvalue()
    assert not Poll.objects.exists()


def test_the_demo_shows_the_article_figures_and_runs_twice_without_change():
    call_command("load_demo", force=True, stdout=StringIO())
    demo.load(stdout=StringIO())
    counts = [
        m.objects.count()
        for m in (Poll, Ballot, BallotReceipt, LivelihoodProject, MajorProject, SupervisionItem)
    ]

    data = project_year(2022)
    assert len(data.rows) == 12 and len(data.selected) == 10
    assert data.ballot.cast == 251 and not data.ballot.tied
    assert data.total_investment == 220_000_000
    assert all(row.evaluation.outcome == "satisfied" for row in data.selected)

    majors = MajorProject.objects.filter(year=2022)
    assert majors.count() == 11 and sum(m.investment for m in majors) == 2_196_000_000
    assert [m.vote.outcome for m in data.major_projects if m.vote] == ["selected"] * 6

    debt = SupervisionItem.objects.get(kind="debt")
    assert debt.debt_amount == 2_557_000_000
    environment = SupervisionItem.objects.exclude(satisfaction_poll=None).get()
    assert environment.satisfaction_poll.result.summary.lines[0].outcome == "satisfied"
    assert SupervisionItem.objects.filter(kind="state_assets").exists()

    demo.load(stdout=StringIO())
    assert counts == [
        m.objects.count()
        for m in (Poll, Ballot, BallotReceipt, LivelihoodProject, MajorProject, SupervisionItem)
    ]
