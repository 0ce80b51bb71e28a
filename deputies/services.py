"""State-changing operations on deputies' records. Views and the admin call these."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.kit import pagecache
from congress.kit.errors import DomainError
from congress.kit.rules import rule
from congress.models import timeline_write
from deputies.models import Activity, Deputy, LiaisonStation, ReceptionSession


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
        pagecache.touched_rows(pending)  # update() sends no signals
        for activity in pending:
            timeline_write(item=activity, action="activity.verified", actor=by, public=False)
    return len(pending)


def reception_session_hours() -> float:
    return float(rule("RECEPTION_SESSION_HOURS"))


def reception_session_open(*, station: LiaisonStation, by, deputy: Deputy | None = None):
    """Open a reception session at the station for RECEPTION_SESSION_HOURS (or extend the open one).

    `deputy`: when a deputy opens it from the workspace, they must be stationed there; staff
    (the admin) pass none. Returns the session.
    """
    if not station.active:
        raise DomainError(_("This station is not active."))
    if deputy is not None and not station.deputies.filter(pk=deputy.pk).exists():
        raise DomainError(
            _("Only a deputy stationed at this station can open a reception session.")
        )
    now = timezone.now()
    ends = now + datetime.timedelta(hours=reception_session_hours())
    with transaction.atomic():
        LiaisonStation.objects.select_for_update().get(pk=station.pk)
        session = ReceptionSession.objects.filter(station=station).open(now).first()
        if session is not None:
            session.ends_at = max(session.ends_at, ends)
            session.save(update_fields=["ends_at"])
            action = "reception_session.extended"
        else:
            session = ReceptionSession.objects.create(
                station=station, opened_by=by, opened_at=now, ends_at=ends
            )
            action = "reception_session.opened"
        timeline_write(item=session, action=action, actor=by, public=False)
    return session


def reception_session_close(*, session: ReceptionSession, by, deputy: Deputy | None = None):
    """End a reception session now."""
    if deputy is not None and not session.station.deputies.filter(pk=deputy.pk).exists():
        raise DomainError(
            _("Only a deputy stationed at this station can close its reception session.")
        )
    now = timezone.now()
    with transaction.atomic():
        session = ReceptionSession.objects.select_for_update().get(pk=session.pk)
        if session.ends_at <= now:
            raise DomainError(_("This reception session has already ended."))
        session.ends_at = max(now, session.opened_at)
        session.save(update_fields=["ends_at"])
        timeline_write(item=session, action="reception_session.closed", actor=by, public=False)
    return session
