"""Public pages: the deputies directory and profiles, liaison stations, their QR codes."""

from django.core.exceptions import BadRequest
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.listing import FilteredListView
from congress.pagecache import accept_params
from congress.qr import opinion_form_url, qr_svg_response
from deputies import selectors
from deputies.filters import DeputyFilter
from deputies.models import Deputy, LiaisonStation


class DeputyListView(FilteredListView):
    template_name = "deputies/deputy_list.html"
    filterset_class = DeputyFilter
    context_object_name = "deputies"

    def get_base_queryset(self):
        return selectors.deputy_directory()


def _year_param(request, default):
    accept_params(request, ["year"])
    raw = request.GET.get("year")
    if raw in (None, ""):
        return default
    if not raw.isdigit() or not 2000 <= int(raw) <= timezone.localdate().year + 1:
        raise BadRequest("invalid year")
    return int(raw)


def deputy_detail(request, pk):
    try:
        deputy = selectors.deputy_profile(pk)
    except Deputy.DoesNotExist:
        raise Http404 from None
    years = selectors.activity_years(deputy)
    year = _year_param(request, years[0] if years else timezone.localdate().year)
    record = selectors.performance_record(deputy, year)
    return render(
        request,
        "deputies/deputy_detail.html",
        {"deputy": deputy, "record": record, "years": years, "year": year},
    )


def deputy_qr(request, pk):
    try:
        deputy = Deputy.objects.public().get(pk=pk)
    except Deputy.DoesNotExist:
        raise Http404 from None
    url = opinion_form_url(request, deputy=deputy.pk)
    return qr_svg_response(url, _("Send an opinion to deputy %(name)s") % {"name": deputy.name})


def station_list(request):
    return render(request, "deputies/station_list.html", {"stations": selectors.station_list()})


def station_detail(request, pk):
    try:
        station = selectors.station_detail(pk)
    except LiaisonStation.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "deputies/station_detail.html",
        {
            "station": station,
            "deputies": selectors.station_deputies(station),
            "receptions": selectors.station_receptions(station),
            "opinion_url": opinion_form_url(request, station=station.pk),
        },
    )


def station_qr(request, pk):
    try:
        station = selectors.station_detail(pk)
    except LiaisonStation.DoesNotExist:
        raise Http404 from None
    url = opinion_form_url(request, station=station.pk)
    return qr_svg_response(url, _("Send an opinion to %(station)s") % {"station": station.name})
