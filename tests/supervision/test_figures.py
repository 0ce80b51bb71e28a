"""The annual review's supervision and vote figures, computed from the records."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from supervision import figures
from supervision.models import LivelihoodProject, MajorProject

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False


def test_2022_figures_match_the_customers_review(demo):
    assert figures.projects_voters(2022) == 251
    assert figures.projects_candidates(2022) == 12
    assert figures.projects_selected(2022) == 10
    assert figures.debt_approved(2022) == Decimal("2557000000.00")
    assert figures.major_projects_count(2022) == 11
    assert figures.major_projects_investment(2022) == Decimal("2196000000.00")
    assert figures.major_projects_voted(2022) == 6
    progress = dict(figures.projects_progress(2022))
    assert len(progress) == 10 and all(0 < p <= 100 for p in progress.values())
    assert figures.projects_completed(2022) == sum(p == 100 for p in progress.values())


def test_figures_follow_the_data(demo):
    before = figures.major_projects_investment(2022)
    project = MajorProject.objects.filter(year=2022).first()
    MajorProject.objects.filter(pk=project.pk).update(investment=project.investment + 1)
    assert figures.major_projects_investment(2022) == before + 1
    LivelihoodProject.objects.filter(year=2022).update(progress=100)
    assert figures.projects_completed(2022) == 10
    assert figures.projects_voters(2031) is None
    assert figures.debt_approved(2031) == 0
