"""The deputy's workspace (/portal/): their record, stations, and their own activity booklet."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congress.kit.errors import DomainError
from congress.kit.sqlvalues import aware
from deputies import profile, selectors, services
from deputies.auth import deputy_of
from deputies.forms import ActivityForm
from deputies.models import Activity, LiaisonStation, ReceptionSession


def deputy_required(view=None, *, refusal: str = "portal/not_a_deputy.html"):
    """Logged in and linked to a deputy: the view is called with the deputy after the request.
    Anyone else gets the `refusal` page (403), which says what these pages are for — the
    workspace's by default; the voting pages say theirs (`@deputy_required(refusal=...)`)."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            # Read with the user by WorkspaceBackend (deputies/auth.py): no query of its own.
            deputy = deputy_of(request.user)
            if deputy is None:
                return render(request, refusal, status=403)
            return view(request, deputy, *args, **kwargs)

        return wrapper

    return decorate if view is None else decorate(view)


# Panels that other apps add to the overview, first on the page: what waits for the deputy
# (requests to co-sign, replies to rate …). An app registers a function (request, deputy) ->
# (template name, context) or None from its profile.py (deputies.profile.contributions finds it);
# this app never imports theirs.
OVERVIEW_PANELS: list[Callable[..., tuple[str, dict[str, Any]] | None]] = []


def overview_panel(panel):
    if panel not in OVERVIEW_PANELS:
        OVERVIEW_PANELS.append(panel)
    return panel


def _panels(request, deputy) -> list[str]:
    profile.contributions.discover()
    rendered: list[str] = []
    for panel in OVERVIEW_PANELS:
        found = panel(request, deputy)
        if found:
            template, context = found
            rendered.append(render_to_string(template, context, request))
    return rendered


# The deputy's active stations, in LiaisonStation's order, each with the end of its open
# reception session (the latest, if several). Written as SQL: through the ORM (a Subquery on
# OuterRef) the query took ~0.5 ms more to build than to run.
STATIONS_SQL = """
SELECT s.id, s.name, s.opening_hours,
       (SELECT rs.ends_at FROM deputies_receptionsession rs
         WHERE rs.station_id = s.id AND rs.opened_at <= %s AND rs.ends_at > %s
         ORDER BY rs.ends_at DESC LIMIT 1)
  FROM deputies_liaisonstation s
  JOIN deputies_liaisonstation_deputies sd ON sd.liaisonstation_id = s.id
  JOIN congress_town t ON t.id = s.town_id
 WHERE sd.deputy_id = %s AND s.active
 ORDER BY s."order", t."order", s.name
"""


def _stations(deputy) -> list[LiaisonStation]:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(STATIONS_SQL, [now, now, deputy.pk])
        rows = cursor.fetchall()
    stations = []
    for pk, name, opening_hours, open_until in rows:
        station = LiaisonStation(id=pk, name=name, opening_hours=opening_hours)
        station.open_until = aware(open_until)  # type: ignore[attr-defined]  # SQLite: text
        stations.append(station)
    return stations


@deputy_required
def home(request, deputy):
    figures = selectors.workspace_figures(deputy, request.user.pk)
    return render(
        request,
        "portal/home.html",
        {
            "deputy": deputy,
            "record": figures.record,
            "stations": _stations(deputy),
            "session_hours": services.reception_session_hours(),
            "pending": figures.pending,
            # Read with the figures: the workspace's frame shows it (workspace_nav).
            "unread_notices": figures.unread_notices,
            "panels": _panels(request, deputy),
        },
    )


@deputy_required
@require_POST
def reception_session(request, deputy, pk):
    """Open (or extend) or close the reception session of one of the deputy's stations."""
    station = get_object_or_404(deputy.stations.filter(active=True), pk=pk)
    try:
        if request.POST.get("action") == "close":
            session = ReceptionSession.objects.filter(station=station).open().first()
            if session is None:
                raise DomainError(_("No reception session is open at this station."))
            services.reception_session_close(session=session, by=request.user, deputy=deputy)
            messages.success(request, _("The reception session is closed."))
        else:
            session = services.reception_session_open(
                station=station, by=request.user, deputy=deputy
            )
            messages.success(
                request,
                _(
                    "Reception session open until %(time)s: residents sending from the station's own network are not held up."
                )
                % {"time": f"{timezone.localtime(session.ends_at):%H:%M}"},
            )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("deputies:portal")


@deputy_required
def activities(request, deputy):
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_record(deputy=deputy, by=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Recorded. It counts in your record once staff verify it."))
            return redirect("deputies:portal_activities")
    page = Paginator(Activity.objects.filter(deputy=deputy).order_by("-date", "-id"), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "portal/activities.html",
        {"deputy": deputy, "form": form, "page_obj": page, "activities": page.object_list},
    )
