"""/opinions/start/: the way in for a resident without a QR code.

Pick your town or street, then a liaison station or a deputy of that town (a short list that a
name filter narrows, without JavaScript), and the same form the QR codes open:
/opinions/new/?station=<id> or ?deputy=<id>. Only public rows: active stations, serving deputies
of the current term, and what their public pages show.
"""

from django.core.exceptions import BadRequest
from django.shortcuts import render
from django.views.decorators.http import require_safe

from congress.models import Town
from deputies.models import Deputy, LiaisonStation

QUERY_MAX = 30


@require_safe
def opinion_start(request):
    towns = list(Town.objects.order_by("order", "name"))
    raw_town = request.GET.get("town", "")
    query = request.GET.get("q", "").strip()
    if len(query) > QUERY_MAX:
        raise BadRequest("query too long")
    town = None
    if raw_town:
        if not raw_town.isdigit():
            raise BadRequest("invalid town")
        town = next((t for t in towns if t.pk == int(raw_town)), None)
        if town is None:
            raise BadRequest("unknown town")
    context = {"towns": towns, "town": town, "q": query}
    if town is not None:
        stations = LiaisonStation.objects.filter(active=True, town=town).order_by("order", "name")
        deputies = (
            Deputy.objects.public().current().filter(delegation__town=town).order_by("name", "id")
        )
        if query:
            stations = stations.filter(name__icontains=query)
            deputies = deputies.filter(name__icontains=query)
        context.update(stations=list(stations), deputies=list(deputies))
    return render(request, "proposals/opinion_start.html", context)
