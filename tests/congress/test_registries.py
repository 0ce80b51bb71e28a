"""The site-wide features find every app's contribution (congress.kit.registry) and congress names
no app: what each feature offers, and in what order, comes from the apps' own modules."""

import sys

from congress.demo import steps
from congress.kit import todo
from congress.kit.registry import Discovery
from congress.opendata import datasets
from congress.review import registry


def test_discovery_imports_each_apps_module_then_congresss_own():
    discovery = Discovery("opendata", own=("congress.review.opendata",))
    discovery.discover()
    assert discovery.done
    for name in (
        "deputies.opendata",
        "proposals.opendata",
        "supervision.opendata",
        "congress.review.opendata",
    ):
        assert name in sys.modules
    discovery.discover()  # a second call does nothing


def test_open_data_lists_every_apps_datasets_app_by_app_with_the_reviews_last():
    assert [d.slug for d in datasets.all_datasets()] == [
        "deputies",
        "stations",
        "receptions",
        "suggestions",
        "replies",
        "motions",
        "opinion-counts",
        "supervision",
        "polls",
        "livelihood-projects",
        "major-projects",
        "budget-execution",
        "review-figures",
    ]


def test_demo_steps_come_from_each_app_and_run_in_order():
    assert [step.name for step in steps()] == [
        "reference",
        "point rules",
        "people",
        "stations",
        "activities",
        "proposals",
        "scorecards",
        "opinions",
        "supervision",
        "filing",
        "budget",
        "budget_review",
        "notices",
        "review",
    ]


def test_review_figures_come_from_every_app():
    namespaces = {fig.key.split(".")[0] for fig in registry.all_figures()}
    # deputies/figures.py, proposals/{suggestions,opinions}/figures.py, supervision/figures.py
    assert {
        "deputies",
        "receptions",
        "suggestions",
        "motions",
        "opinions",
        "supervision",
        "scorecards",
    } <= namespaces


def test_the_to_do_list_finds_the_apps_rows():
    todo._discovery.discover()
    modules = {provider.__module__ for provider in todo._providers}
    assert {"proposals.todo", "supervision.todo"} <= modules
