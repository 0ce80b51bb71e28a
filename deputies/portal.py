"""The deputy's workspace (/portal/): their record, stations, and their own activity booklet."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congress.kit.errors import DomainError
from deputies import profile, selectors, services
from deputies.forms import ActivityForm
from deputies.models import Activity, Deputy, ReceptionSession


def deputy_required(view=None, *, refusal: str = "portal/not_a_deputy.html"):
    """Logged in and linked to a deputy: the view is called with the deputy after the request.
    Anyone else gets the `refusal` page (403), which says what these pages are for — the
    workspace's by default; the voting pages say theirs (`@deputy_required(refusal=...)`)."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                deputy = Deputy.objects.select_related("delegation", "term").get(user=request.user)
            except Deputy.DoesNotExist:
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


def _latest_year_and_pending(deputy) -> tuple[int | None, int]:
    """The latest year with verified activities (what selectors.activity_years()[0] is) and the
    number of activities waiting for verification, in one query."""
    figures = Activity.objects.filter(deputy=deputy).aggregate(
        latest=Max("date", filter=Q(verified=True)), pending=Count("id", filter=Q(verified=False))
    )
    return (figures["latest"].year if figures["latest"] else None), figures["pending"]


@deputy_required
def home(request, deputy):
    year, pending = _latest_year_and_pending(deputy)
    # Each station with the end of its open reception session (the latest, if several), in one
    # query.
    open_until = (
        ReceptionSession.objects.open()
        .filter(station=OuterRef("pk"))
        .order_by("-ends_at")
        .values("ends_at")[:1]
    )
    stations = list(
        deputy.stations.filter(active=True)
        .only("id", "name", "opening_hours")
        .annotate(open_until=Subquery(open_until))
    )
    return render(
        request,
        "portal/home.html",
        {
            "deputy": deputy,
            "record": selectors.performance_record(deputy, year),
            "stations": stations,
            "session_hours": services.reception_session_hours(),
            "pending": pending,
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
