"""The deputies app's open datasets (congress/opendata): deputies, liaison stations, receptions."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from congress.opendata.datasets import dataset, names, term_in_year
from deputies.models import Deputy, Reception
from deputies.selectors import station_list


def _deputies(year):
    queryset = Deputy.objects.public().order_by("term__number", "delegation__town__order", "id")
    return queryset.filter(term_in_year(year)) if year else queryset


dataset(
    "deputies",
    _("Deputies"),
    _("Deputies of every term: public fields only. With ?year=, the terms in force that year."),
    [
        ("id", _("ID")),
        ("name", _("Name")),
        ("gender", _("Gender")),
        ("ethnicity", _("Ethnicity")),
        ("party", _("Political affiliation")),
        ("occupation", _("Occupation and title")),
        ("delegation", _("Delegation")),
        ("town", _("Town or street")),
        ("constituency", _("Constituency")),
        ("term", _("Term")),
        ("status", _("Status")),
        ("ended_on", _("Mandate ended on")),
    ],
    _deputies,
    lambda d: (
        d.pk,
        d.name,
        d.get_gender_display(),
        d.ethnicity,
        d.party,
        d.occupation,
        d.delegation.name,
        d.delegation.town.name,
        d.constituency,
        d.term.number,
        d.get_status_display(),
        d.ended_on,
    ),
)


def _stations(year):
    return station_list().order_by("order", "town__order", "name")


dataset(
    "stations",
    _("Liaison stations"),
    _("Active liaison stations, with the number of deputies serving at each."),
    [
        ("id", _("ID")),
        ("name", _("Name")),
        ("town", _("Town or street")),
        ("tier", _("Tier")),
        ("address", _("Address")),
        ("opening_hours", _("Opening hours")),
        ("telephone", _("Station telephone")),
        ("deputies", _("Deputies stationed")),
    ],
    _stations,
    lambda s: (
        s.pk,
        s.name,
        s.town.name,
        s.get_tier_display(),
        s.address,
        s.opening_hours,
        s.phone,
        s.deputy_count,
    ),
    has_year=False,
)


def _receptions(year):
    queryset = (
        Reception.objects.filter(station__active=True)
        .select_related("station")
        .prefetch_related(
            Prefetch("deputies", queryset=Deputy.objects.public().order_by("name", "id"))
        )
        .order_by("date", "station__name", "id")
    )
    return queryset.filter(date__year=year) if year else queryset


dataset(
    "receptions",
    _("Receptions"),
    _("Reception days at the liaison stations: deputies on duty and residents received."),
    [
        ("id", _("ID")),
        ("date", _("Date")),
        ("station", _("Station")),
        ("theme", _("Theme")),
        ("deputies", _("Deputies on duty")),
        ("residents_received", _("Residents received")),
        ("summary", _("Public summary")),
    ],
    _receptions,
    lambda r: (
        r.pk,
        r.date,
        r.station.name,
        r.theme,
        names(r.deputies.all()),
        r.residents_received,
        r.notes,
    ),
)
