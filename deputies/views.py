"""Public pages: the deputies directory and profiles, liaison stations, their QR codes."""

from django.core.exceptions import BadRequest
from django.http import Http404
from django.shortcuts import render
from django.template.defaultfilters import date as date_filter
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import localize
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from congress.kit.htmlrows import esc, joined
from congress.kit.listing import FilteredListView
from congress.kit.pagecache import accept_params, cached_page
from congress.kit.printing import html_to_pdf, pdf_response
from congress.kit.qr import opinion_form_url, qr_svg_response
from congress.kit.urls import reverse_id
from deputies import selectors
from deputies.filters import (
    DeputyFilter,
    blank_fields,
    directory_options,
    is_filtered,
)
from deputies.models import Deputy, LiaisonStation, Reception
from deputies.profile import build_profile


def deputy_cards(deputies, groups: dict[int, list[str]]) -> SafeString:
    """The directory's cards, written in Python from the rows of selectors.directory_rows:
    a template spent ~40 µs a card resolving a dozen variables, the gender's label and the
    link."""
    genders = {value: str(label) for value, label in Deputy.Gender.choices}
    ended = esc(_("Mandate ended"))
    cards = []
    for deputy in deputies:
        party = f" · {esc(deputy.party)}" if deputy.party else ""
        occupation = f"<p>{esc(deputy.occupation)}</p>" if deputy.occupation else ""
        tags = "".join(f'<span class="tag">{esc(name)}</span>' for name in groups[deputy.id])
        cards.append(
            '<li class="card">'
            f'<h2><a href="{esc(reverse_id("deputies:detail", deputy.id))}">'
            f"{esc(deputy.name)}</a></h2>"
            f'<p class="meta">{esc(deputy.delegation__name)} · '
            f"{esc(genders.get(deputy.gender, deputy.gender))}{party}</p>"
            f"{occupation}"
            + (f'<p class="tags">{tags}</p>' if tags else "")
            + (
                f'<p class="status ended">{ended}</p>'
                if deputy.status == Deputy.Status.ENDED
                else ""
            )
            + "</li>"
        )
    return joined(cards, "\n")


@method_decorator(cached_page(depends=["deputies"]), name="dispatch")
class DeputyListView(FilteredListView):
    template_name = "deputies/deputy_list.html"
    filterset_class = DeputyFilter
    context_object_name = "deputies"

    unfiltered_count: int | None = None
    blank_fields: SafeString | None = None

    def get_base_queryset(self):
        return selectors.deputy_directory(directory_options(self.request).term_id)

    def get_queryset(self):
        if is_filtered(self.request.GET):
            queryset = super().get_queryset()
            self.unfiltered_count = self.filterset.unfiltered_count
            return queryset
        # No filter chosen: the term's deputies, counted with the term and the options in one
        # query, and the form's fields as written for these options before
        # (filters.blank_fields): no bound form to build and validate.
        accept_params(self.request, [*DeputyFilter.base_filters, self.page_kwarg])
        options = directory_options(self.request, total=True)
        self.unfiltered_count = options.total
        self.filterset = None
        self.blank_fields = blank_fields(options.choices)
        return selectors.deputy_directory(options.term_id)

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, **kwargs)
        if self.unfiltered_count is not None:
            paginator.count = self.unfiltered_count  # the cached_property, filled in
        return paginator

    def paginate_queryset(self, queryset, page_size):
        # The page's deputies as rows; the count and the filters stay on the bare table (no
        # join for the delegation's name in the count).
        paginator, page, deputies, is_paginated = super().paginate_queryset(queryset, page_size)
        if self.filterset is None:  # no filter chosen: the term's deputies, in plain SQL
            term_id = directory_options(self.request).term_id
            offset = (page.number - 1) * paginator.per_page
            deputies = selectors.directory_page(term_id, offset=offset, limit=paginator.per_page)
        else:
            deputies = selectors.directory_rows(deputies)
        page.object_list = deputies
        return paginator, page, deputies, is_paginated

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        deputies = context["deputies"]
        groups = selectors.directory_groups([deputy.id for deputy in deputies])
        context["cards"] = deputy_cards(deputies, groups)
        context["blank_fields"] = self.blank_fields
        return context


def _year_param(request, default):
    accept_params(request, ["year"])
    raw = request.GET.get("year")
    if raw in (None, ""):
        return default
    if not raw.isdigit() or not 2000 <= int(raw) <= timezone.localdate().year + 1:
        raise BadRequest("invalid year")
    return int(raw)


def _profile(request, pk):
    try:
        deputy = selectors.deputy_profile(pk)
    except Deputy.DoesNotExist:
        raise Http404 from None
    years = sorted(
        set(selectors.activity_years(deputy))
        | {d.year for d in Reception.objects.filter(deputies=deputy).dates("date", "year")},
        reverse=True,
    )
    year = _year_param(request, years[0] if years else timezone.localdate().year)
    return deputy, years, build_profile(deputy, year)


def _parts(request, profile, *, pdf: bool) -> list[str]:
    return [
        render_to_string(part.template, {**part.context, "pdf": pdf}, request)
        for part in profile.parts
    ]


@cached_page(depends=["deputies", "deputy:{pk}", "suggestions", "motions", "stations"])
def deputy_detail(request, pk):
    deputy, years, profile = _profile(request, pk)
    return render(
        request,
        "deputies/deputy_detail.html",
        {
            "deputy": deputy,
            "profile": profile,
            "record": profile.record,
            "years": years,
            "year": profile.year,
            "parts": _parts(request, profile, pdf=False),
        },
    )


@require_safe
@cached_page(depends=["deputies", "deputy:{pk}", "suggestions", "motions", "stations"])
def deputy_record_pdf(request, pk, year):
    """The year's performance record (履职档案) as a printable PDF (WeasyPrint, CJK fonts)."""
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise Http404
    request.GET = request.GET.copy()
    request.GET["year"] = str(year)
    deputy, years, profile = _profile(request, pk)
    # Only years with something on record (and this year): a crawler walking every year of
    # every deputy does not make the server render hundreds of empty PDFs.
    if year not in {*years, timezone.localdate().year}:
        raise Http404
    html = render_to_string(
        "deputies/record_pdf.html",
        {
            "deputy": deputy,
            "profile": profile,
            "stations": list(deputy.stations.filter(active=True)),
            "parts": _parts(request, profile, pdf=True),
            "today": timezone.localdate(),
        },
        request,
    )
    data = html_to_pdf(html, "css/print-record.css")
    return pdf_response(
        data, _("%(name)s-performance-record-%(year)s.pdf") % {"name": deputy.name, "year": year}
    )


@cached_page(depends=["deputies"])
def deputy_qr(request, pk):
    try:
        deputy = Deputy.objects.public().get(pk=pk)
    except Deputy.DoesNotExist:
        raise Http404 from None
    url = opinion_form_url(request, deputy=deputy.pk)
    return qr_svg_response(url, _("Send an opinion to deputy %(name)s") % {"name": deputy.name})


def station_cards(stations) -> SafeString:
    """The station list's cards, written in Python (a template spent ~50 µs a card)."""
    tiers = {value: str(label) for value, label in LiaisonStation.Tier.choices}
    open_label = esc(_("Open:"))
    cards = []
    for station in stations:
        hours = f"<p>{open_label} {esc(station.opening_hours)}</p>" if station.opening_hours else ""
        # As {% blocktranslate count %}: the translation is not escaped, the number is a number.
        stationed = ngettext(
            "%(counter)s deputy stationed", "%(counter)s deputies stationed", station.deputy_count
        ) % {"counter": station.deputy_count}
        cards.append(
            '<li class="card">'
            f'<h2><a href="{esc(station.get_absolute_url())}">{esc(station.name)}</a></h2>'
            f'<p class="meta">{esc(station.town.name)} · '
            f"{esc(tiers.get(station.tier, station.tier))}</p>"
            f"<p>{esc(station.address)}</p>{hours}<p>{stationed}</p>"
            "</li>"
        )
    return joined(cards, "\n")


@cached_page(depends=["stations"])
def station_list(request):
    stations = list(selectors.station_list())
    return render(
        request,
        "deputies/station_list.html",
        {"stations": stations, "cards": station_cards(stations)},
    )


def _deputy_link(pk: int, name: str) -> str:
    return f'<a href="{esc(reverse_id("deputies:detail", pk))}">{esc(name)}</a>'


def deputy_list_items(deputies: list[tuple[int, str]]) -> SafeString:
    """<li> links to the deputies' profiles, written in Python (a station lists dozens)."""
    return joined(f"<li>{_deputy_link(pk, name)}</li>" for pk, name in deputies)


def reception_rows(receptions: list[selectors.ReceptionRow]) -> SafeString:
    """The receptions table's rows, written in Python: each row names several deputies, and the
    template spent ~100 µs a row on lookups and links."""
    date_h, theme_h, duty_h, received_h = (
        esc(_(heading)) for heading in ("Date", "Theme", "Deputies on duty", "Residents received")
    )
    rows = []
    for row in receptions:
        notes = f'<br><span class="meta">{esc(row.notes)}</span>' if row.notes else ""
        names = "、".join(_deputy_link(pk, name) for pk, name in row.on_duty)
        rows.append(
            "<tr>"
            f'<td data-label="{date_h}" class="nowrap">'
            f"{esc(date_filter(row.date, 'DATE_FORMAT'))}</td>"
            f'<td data-label="{theme_h}">{esc(row.theme)}{notes}</td>'
            f'<td data-label="{duty_h}" class="names">{names}</td>'
            f'<td data-label="{received_h}" class="num">'
            f"{esc(str(localize(row.residents_received)))}</td>"
            "</tr>"
        )
    return joined(rows, "\n")


@cached_page(depends=["stations", "station:{pk}"])
def station_detail(request, pk):
    page = selectors.station_page(pk)
    if page is None:
        raise Http404
    station, deputies, receptions = page
    return render(
        request,
        "deputies/station_detail.html",
        {
            "station": station,
            "deputies": deputies,
            "deputy_items": deputy_list_items(deputies),
            "receptions": receptions,
            "reception_rows": reception_rows(receptions),
            "opinion_url": opinion_form_url(request, station=station.pk),
        },
    )


@cached_page(depends=["stations"])
def station_qr(request, pk):
    try:
        station = selectors.station_detail(pk)
    except LiaisonStation.DoesNotExist:
        raise Http404 from None
    url = opinion_form_url(request, station=station.pk)
    return qr_svg_response(url, _("Send an opinion to %(station)s") % {"station": station.name})
