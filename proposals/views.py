"""Residents' opinions. The address is fixed now because printed QR codes point at it."""

from django.core.exceptions import BadRequest
from django.http import Http404
from django.shortcuts import render

from deputies.models import Deputy, LiaisonStation


def _lookup(model, raw):
    if raw is None:
        return None
    if not raw.isdigit():
        raise Http404
    try:
        return (
            model.objects.public().get(pk=int(raw))
            if model is Deputy
            else (model.objects.filter(active=True).select_related("town").get(pk=int(raw)))
        )
    except model.DoesNotExist:
        raise Http404 from None


def opinion_new(request):
    """Where a resident lands after scanning a code: which station or deputy they reached.

    Online submission is the next step of the roadmap; until then the page says how to reach
    the station or deputy in person.
    """
    station = _lookup(LiaisonStation, request.GET.get("station"))
    deputy = _lookup(Deputy, request.GET.get("deputy"))
    if station is None and deputy is None:
        raise BadRequest("no station or deputy")
    stations = (
        [station] if station else list(deputy.stations.filter(active=True).select_related("town"))
    )
    return render(
        request,
        "proposals/opinion_new.html",
        {"station": station, "deputy": deputy, "stations": stations},
    )
