"""Demo data for `manage.py load_demo`: Pinghu's 16th congress in 2022.

The data is a pipeline of steps run in order inside one transaction. Each step is a module with a
`load(ctx)` function: it builds its rows from a seeded random generator (`ctx.rng(name)`), writes
them with `sync_rows` / `sync_m2m` so that a second run changes nothing, and leaves on `ctx` what
later steps need. To add a feature's demo data, write `congress/demo/<area>.py` and append a `Step`.
What is modelled and what is assumed: see NOTES.md next to this file.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from congress.demo import activities, people, reference, stations
from congress.demo.base import DemoContext
from congress.models import (
    AnnualReview,
    Category,
    Meeting,
    Organisation,
    ReviewSection,
    Session,
    Term,
    Town,
)
from deputies.models import (
    Activity,
    Delegation,
    Deputy,
    DeputyGroup,
    LiaisonStation,
    PointRule,
    Reception,
)

DEFAULT_PASSWORD = "pinghu-demo-2022"  # noqa: S105 - printed on purpose: it is the demo's login


@dataclass(frozen=True)
class Step:
    name: str
    load: Callable[[DemoContext], None]
    models: tuple[type[models.Model], ...]  # counted in the command's summary


STEPS = [
    Step(
        "reference",
        reference.load,
        (Term, Session, Meeting, Town, Organisation, Category, PointRule),
    ),
    Step("people", people.load, (Delegation, Deputy, DeputyGroup, get_user_model())),
    Step("stations", stations.load, (LiaisonStation, Reception)),
    Step("activities", activities.load, (Activity,)),
]


def app_step(module: str) -> Callable[[DemoContext], None]:
    """A step written by another app as `load(*, stdout)` in its own module (e.g. proposals.demo)."""

    def load(ctx: DemoContext) -> None:
        import_module(module).load(stdout=ctx.stdout or io.StringIO())

    return load


# Later features add their data after the people and stations exist; the review comes last,
# since its figures are computed from everything before it.
STEPS += [
    Step(
        "proposals",
        app_step("proposals.demo"),
        (
            apps.get_model("proposals", "Suggestion"),
            apps.get_model("proposals", "Signature"),
            apps.get_model("proposals", "Assignment"),
            apps.get_model("proposals", "Reply"),
            apps.get_model("proposals", "Feedback"),
            apps.get_model("proposals", "Motion"),
        ),
    ),
    Step(
        "opinions",
        app_step("proposals.opinions.demo"),
        (apps.get_model("proposals", "Opinion"), apps.get_model("proposals", "OpinionPhoto")),
    ),
    Step(
        "supervision",
        app_step("supervision.demo"),
        tuple(
            apps.get_model("supervision", name)
            for name in (
                "SupervisionItem",
                "Poll",
                "BallotReceipt",
                "Ballot",
                "LivelihoodProject",
                "MajorProject",
            )
        ),
    ),
    Step(
        "filing",
        app_step("supervision.filing.demo"),
        (
            apps.get_model("supervision", "NormativeDocument"),
            apps.get_model("supervision", "FilingReview"),
            apps.get_model("supervision", "ReviewSuggestion"),
        ),
    ),
    Step("review", app_step("congress.review.demo"), (AnnualReview, ReviewSection)),
]


def run(ctx: DemoContext) -> None:
    for step in STEPS:
        step.load(ctx)
