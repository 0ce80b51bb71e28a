"""The deputies app's demo data (congress/demo): point rules, deputies and their delegations and
groups, liaison stations and receptions, activities. Each module's `load(ctx)` is a step."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from congress.demo.base import DemoContext, Step, register, sync_rows
from deputies.demo import activities, people, stations
from deputies.models import (
    Activity,
    ActivityKind,
    Delegation,
    Deputy,
    DeputyGroup,
    LiaisonStation,
    PointRule,
    Reception,
)

D = datetime.date

POINTS = {
    ActivityKind.MEETING: 2,
    ActivityKind.INSPECTION: 3,
    ActivityKind.RESEARCH: 3,
    ActivityKind.TRAINING: 1,
    ActivityKind.RECEPTION: 2,
    ActivityKind.GROUP: 1,
    ActivityKind.REPORT: 2,
    ActivityKind.OTHER: 1,
}


def load_points(ctx: DemoContext) -> None:
    sync_rows(
        PointRule.objects.all(),
        ["kind", "valid_from"],
        [
            {
                "kind": kind,
                "valid_from": D(2022, 1, 1),
                "valid_to": None,
                "points": Decimal(points),
                "note": "市十六届人大代表履职积分办法（演示）",
            }
            for kind, points in POINTS.items()
        ],
    )


register(Step("point rules", load_points, (PointRule,), order=15))
register(Step("people", people.load, (Delegation, Deputy, DeputyGroup, get_user_model()), order=20))
register(Step("stations", stations.load, (LiaisonStation, Reception), order=30))
register(Step("activities", activities.load, (Activity,), order=40))
