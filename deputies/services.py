"""State-changing operations on deputies' records. Views and the admin call these."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from congress.errors import DomainError
from deputies.models import Activity, Deputy
from proposals.models import timeline_write


def activity_record(
    *,
    deputy: Deputy,
    kind: str,
    title: str,
    date: datetime.date,
    hours: Decimal,
    evidence: str = "",
    by,
) -> Activity:
    """A deputy notes an activity in their own booklet; it counts once staff verify it."""
    if deputy.status != Deputy.Status.SERVING:
        raise DomainError(_("Only a serving deputy can record activities."))
    with transaction.atomic():
        activity = Activity.objects.create(
            deputy=deputy, kind=kind, title=title, date=date, hours=hours, evidence=evidence
        )
        timeline_write(item=activity, action="activity.recorded", actor=by, public=False)
    return activity


def activities_verify(*, activities, by) -> int:
    """Staff confirm activities against the records; returns how many changed."""
    with transaction.atomic():
        pending = list(
            Activity.objects.select_for_update().filter(
                pk__in=[a.pk for a in activities], verified=False
            )
        )
        Activity.objects.filter(pk__in=[a.pk for a in pending]).update(verified=True)
        for activity in pending:
            timeline_write(item=activity, action="activity.verified", actor=by, public=False)
    return len(pending)
