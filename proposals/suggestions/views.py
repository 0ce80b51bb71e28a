"""Public pages of suggestions and motions: lists with filters and search, one item, statistics,
the CSV export. Everything is read through the public selectors: published items, published
replies, public timeline rows; no deputy's private column and no staff member's name is shown.
"""

from django.core.exceptions import BadRequest, ValidationError
from django.db.models import Count, Prefetch, Q, Window
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from congress.kit import summaries as summary_rows
from congress.kit.htmlrows import esc, joined
from congress.kit.listing import FilteredListView
from congress.kit.pagecache import accept_params, cached_page
from congress.kit.urls import reverse_id
from congress.models import Organisation
from proposals import search, selectors, summaries
from proposals.exports import csv_stream
from proposals.filters import (
    LedgerFilter,
    MotionFilter,
    StatsFilter,
    SuggestionFilter,
    clean_search,
    lead_unit_of,
    list_options,
    search_alone,
    search_fields,
)
from proposals.models import (
    Assignment,
    Motion,
    MotionInspection,
    MotionProgressReport,
    Signature,
    Suggestion,
    TimelineEntry,
    reply_class_choices,
)
from proposals.selectors import PublicListRow
from proposals.timeline import timeline_rows

# -- suggestions ----------------------------------------------------------------------------


def public_list_queryset():
    """The public list's rows: only the columns a row shows (two joins, three models a row)."""
    return lead_unit_of(
        Suggestion.objects.public()
        .select_related("category", "lead")
        .only(
            "id",
            "code",
            "title",
            "number",
            "status",
            "key_supervision",
            "category__name",
            "lead__name",
        )
    )


def list_row(item: Suggestion) -> PublicListRow:
    """A suggestion of public_list_queryset() as a row of the list."""
    return PublicListRow(
        item.pk,
        item.code,
        item.title,
        item.number,
        item.status,
        item.key_supervision,
        item.lead.name,
        item.category.name if item.category is not None else None,
        item.lead_unit_name,  # type: ignore[attr-defined]  # lead_unit_of's annotation
    )


def suggestion_rows(rows: list[PublicListRow]) -> SafeString:
    """The list's table body, built here in one pass (every text through esc()): the
    template's row (a link, an include for the status, four filters) cost more than the page's
    queries."""
    key_tag = format_html(' <span class="tag">{}</span>', gettext("Key supervision"))
    # get_status_display() builds the choices' dict on every call: once here instead.
    statuses = {value: str(label) for value, label in Suggestion.Status.choices}
    return joined(
        (
            f'<tr><td class="code">{esc(row.code)}</td>'
            f'<td><a href="{esc(reverse_id("suggestions:detail", row.pk))}">{esc(row.title)}</a>'
            f"{key_tag if row.key_supervision else ''}</td>"
            f"<td>{esc(row.lead_name)}</td><td>{esc(row.category_name or '—')}</td>"
            f"<td>{esc(row.lead_unit_name or '—')}</td>"
            f'<td><span class="status-tag status-{esc(row.status)}">'
            f"{esc(statuses.get(row.status, row.status))}</span></td></tr>"
            for row in rows
        ),
        "\n",
    )


@method_decorator(cached_page(depends=["suggestions", "deputies"]), name="dispatch")
class SuggestionListView(FilteredListView):
    template_name = "proposals/suggestion_list.html"
    filterset_class = SuggestionFilter
    context_object_name = "suggestions"
    paginate_by = 20

    fields: SafeString | None = None  # the filter form's fields, when written without a form

    def get_base_queryset(self):
        return public_list_queryset()

    def get_queryset(self):
        data = self.request.GET
        if search_alone(data):
            # Nothing chosen but the search (the common case: a search box, or the whole list):
            # no bound form to build and validate, and its fields as written before for the
            # same options (filters.search_fields). An invalid search goes the form's way (400).
            typed = data.get("q", "")
            try:
                text = clean_search(typed)
            except ValidationError:
                pass
            else:
                accept_params(self.request, [*SuggestionFilter.base_filters, self.page_kwarg])
                self.filterset = None
                self.fields = search_fields(list_options(self.request), typed)
                if not text:
                    return public_list_queryset()
                # A search's page is read by id (paginate_queryset): no columns or joins here.
                return search.search(Suggestion.objects.public(), text)
        return super().get_queryset()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["searching"] = bool(self.request.GET.get("q", "").strip())
        context["fields"] = self.fields
        context["rows"] = suggestion_rows(context["suggestions"])
        return context

    def paginate_queryset(self, queryset, page_size):
        """No COUNT over the table: the whole list's length comes from the summary rows; a
        search ranks every match, so COUNT and the page would each scan the table: instead one
        narrow query for the requested page's ranked ids with the number of all matches beside
        them (SearchMatches), then the page's rows by primary key. Other filters count as usual.
        """
        if not self.request.GET.get("q", "").strip():
            if not self._filtered():
                # The whole list: its length is the sum of the summary rows' counts, not a
                # COUNT over every suggestion (a scan that grows with the table).
                queryset = Counted(queryset, public_total())
            paginator, page, items, is_paginated = super().paginate_queryset(queryset, page_size)
            page.object_list = [list_row(item) for item in items]
            return paginator, page, page.object_list, is_paginated
        number = self.kwargs.get(self.page_kwarg) or self.request.GET.get(self.page_kwarg) or 1
        try:
            offset = (int(number) - 1) * page_size
        except ValueError:
            offset = None  # "last" or junk: the Paginator answers as it does for any list
        if offset is not None and not 0 <= offset < MAX_OFFSET:
            offset = None  # no such page (an OFFSET past bigint is the database's error): 404
        matches = SearchMatches(queryset, offset, page_size)
        paginator, page, page_ids, is_paginated = super().paginate_queryset(matches, page_size)
        # An item unpublished between the two queries is left out rather than a KeyError (500).
        page.object_list = selectors.public_list_rows(list(page_ids))
        return paginator, page, page.object_list, is_paginated

    def _filtered(self) -> bool:
        if self.filterset is None or not self.filterset.is_bound:
            return False
        return any(
            value not in (None, "", []) for value in self.filterset.form.cleaned_data.values()
        )


def public_total() -> int:
    """How many suggestions the unfiltered public list shows: the published items of every year,
    summed from the summary rows (proposals/summaries.py keeps them per year and session)."""
    slices = summary_rows.read("suggestions", summaries.suggestion_years())
    return sum(counts["total"] for data in slices.values() for counts in data["public"].values())


class Counted:
    """A queryset whose length is already known, for the Paginator: it slices the queryset and
    never asks the database to count."""

    def __init__(self, queryset, total: int):
        self.queryset = queryset
        self.total = total

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, bounds):
        return self.queryset[bounds]


MAX_OFFSET = 2**31  # no search has this many matches; a larger page number is a 404


class SearchMatches:
    """A search's matches as the Paginator sees them: how many, and the ids of one page.

    The page at `offset` is read with the number of all matches in the same query
    (COUNT(*) OVER () beside the ranked ids, then LIMIT/OFFSET): the database scans the table
    once and sorts only for the top rows, and no other match's id leaves it. A page past the
    last one, or "last", reads every ranked id once (the count is their number).
    """

    def __init__(self, queryset, offset: int | None, size: int):
        self.ids = queryset.values_list("pk", flat=True)
        self.total: int | None = None
        self.page: list[int] = []
        self.offset = offset
        self.every_id: list[int] | None = None
        if offset is None:
            return
        ranked = queryset.annotate(matches=Window(Count("*"))).values_list("pk", "matches")
        rows = list(ranked[offset : offset + size])
        if rows:
            self.total = rows[0][1]
            self.page = [pk for pk, _ in rows]
        elif offset == 0:
            self.total = 0

    def _every_id(self) -> list[int]:
        if self.every_id is None:
            self.every_id = list(self.ids)
        return self.every_id

    def count(self) -> int:
        if self.total is None:
            self.total = len(self._every_id())
        return self.total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, bounds: slice) -> list[int]:
        if self.offset is not None and bounds.start == self.offset and self.every_id is None:
            return self.page[: bounds.stop - bounds.start]
        return self._every_id()[bounds]


@cached_page(depends=["suggestion:{pk}", "deputies"])
def suggestion_detail(request, pk):
    try:
        detail = selectors.public_suggestion_detail(pk)
    except Suggestion.DoesNotExist:
        raise Http404 from None
    item = detail.item
    # The lead, then every confirmed co-signer: Suggestion.signers(), from the selector's rows.
    cosigners = [d for d in detail.confirmed if d.pk != item.lead_id]
    return render(
        request,
        "proposals/suggestion_detail.html",
        {
            "item": item,
            "cosigners": cosigners,
            "lead_assignment": next(
                (a for a in detail.units if a.role == Assignment.Role.LEAD), None
            ),
            "co_assignments": [a for a in detail.units if a.role == Assignment.Role.CO],
            "replies": detail.replies,
            "followed_up": detail.followed_up,
            "timeline": timeline_rows(detail.timeline, [item.lead, *cosigners]),
        },
    )


def _rate(part, whole):
    return round(100 * part / whole, 1) if whole else None


@cached_page(depends=["suggestions"])
def suggestion_stats(request):
    accept_params(request, StatsFilter.base_filters)
    filterset = StatsFilter(request.GET or None, queryset=Suggestion.objects.public())
    if filterset.is_bound and not filterset.is_valid():
        request.invalid_filter_form = filterset.form
        raise BadRequest("invalid filter")
    # The filters are one session and/or one year: sums of the summary rows
    # (proposals/summaries.py), never a re-aggregation of every suggestion.
    chosen = filterset.form.cleaned_data if filterset.is_bound else {}
    session = chosen.get("session")
    counts = summaries.public_counts_of(
        year=int(chosen["year"]) if chosen.get("year") else None,
        session_id=session.pk if session else None,
    )
    stats = selectors.handling_rates(counts)
    stats["process_satisfied_rate"] = _rate(counts["process_satisfied"], stats["ratings"])
    stats["result_satisfied_rate"] = _rate(counts["result_satisfied"], stats["ratings"])
    replied_total = sum(stats["classes"].values())
    classes = [
        {
            "code": code,
            "label": label,
            "count": stats["classes"].get(code, 0),
            "share": _rate(stats["classes"].get(code, 0), replied_total),
        }
        for code, label in reply_class_choices()
    ]
    names = dict(
        Organisation.objects.filter(pk__in=[int(pk) for pk in counts["units"]]).values_list(
            "pk", "name"
        )
    )
    units = selectors.per_unit_rows(counts["units"], names)
    contacts = {
        **counts,
        "contact_rate": _rate(counts["leads_contacted"], counts["leads"]),
        "confirmed_rate": _rate(counts["contacts_confirmed"], counts["contacts"]),
    }
    return render(
        request,
        "proposals/suggestion_stats.html",
        {
            "filter": filterset,
            "stats": stats,
            "classes": classes,
            "units": units,
            "unit_rows": _unit_rows(units),
            "contacts": contacts,
            "outcomes": selectors.outcome_rates(counts["outcomes"]),
            "overdue": selectors.overdue_promises(filterset.qs),
            "years": selectors.ledger_table(),
        },
    )


def _percent(rate: float | None) -> str:
    # As the template printed it: no thousands separator (USE_THOUSAND_SEPARATOR is off) and a
    # decimal point in both languages; formats.localize() cost more than the rest of the row.
    return "—" if rate is None else f"{rate} %"


def _unit_rows(units: list[dict]) -> SafeString:
    """The units' table body, built here in one pass: a template loop with a condition per cell
    cost more than the rest of the page (60 units at ten times the demo)."""
    return format_html_join(
        "",
        '<tr><th scope="row">{}</th><td class="num">{}</td><td class="num">{}</td>'
        '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>',
        (
            (
                unit["name"],
                unit["items"],
                unit["replied"],
                _percent(unit["on_time_rate"]),
                _percent(unit["a_rate"]),
                _percent(unit["result_ok_rate"]),
            )
            for unit in units
        ),
    )


@cached_page(depends=["carry_overs"])
def ledger_index(request):
    """The look-back ledger's years, each with its figures."""
    return render(request, "proposals/ledger_index.html", {"years": selectors.ledger_table()})


@cached_page(depends=["carry_overs", "suggestions"], params=["status"])
def ledger(request, year):
    """The look-back ledger (回头看台账) of `year`: every public item not solved by the end of
    the year before, carried into this one, with its public status."""
    years = selectors.ledger_years()
    if year not in years and not Suggestion.objects.public().filter(year=year - 1).exists():
        raise Http404
    filterset = LedgerFilter(request.GET or None, queryset=selectors.public_ledger(year))
    if filterset.is_bound and not filterset.is_valid():
        request.invalid_filter_form = filterset.form
        raise BadRequest("invalid filter")
    entries = list(filterset.qs)
    return render(
        request,
        "proposals/ledger.html",
        {
            "year": year,
            "filter": filterset,
            "entries": entries,
            "figures": selectors.carry_over_figures(year),
            "years": years,
        },
    )


def suggestion_export(request):
    filterset = SuggestionFilter(
        request.GET or None, queryset=selectors.public_suggestions(), request=request
    )
    if filterset.is_bound and not filterset.is_valid():
        request.invalid_filter_form = filterset.form
        raise BadRequest("invalid filter")
    response = StreamingHttpResponse(
        csv_stream(filterset.qs), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="suggestions-{stamp}.csv"'
    return response


# -- motions --------------------------------------------------------------------------------


@method_decorator(cached_page(depends=["motions", "deputies"]), name="dispatch")
class MotionListView(FilteredListView):
    template_name = "proposals/motion_list.html"
    filterset_class = MotionFilter
    context_object_name = "motions"
    paginate_by = 20

    def get_base_queryset(self):
        return (
            selectors.public_motions()
            .annotate(
                signer_count=Count(
                    "signatures", filter=Q(signatures__status=Signature.Status.CONFIRMED)
                )
            )
            .order_by("-session__start_date", "number", "id")
        )


@cached_page(depends=["motion:{pk}", "deputies"])
def motion_detail(request, pk):
    try:
        motion = (
            Motion.objects.public()
            .select_related("session__term", "lead", "resolution_meeting__term")
            .prefetch_related(
                Prefetch(
                    "signatures",
                    Signature.objects.filter(status=Signature.Status.CONFIRMED).select_related(
                        "deputy"
                    ),
                ),
                Prefetch("inspections", MotionInspection.objects.all()),
                Prefetch(
                    "progress_reports", MotionProgressReport.objects.select_related("organisation")
                ),
            )
            .get(pk=pk)
        )
    except Motion.DoesNotExist:
        raise Http404 from None
    signers = motion.signers()
    timeline = list(TimelineEntry.objects.for_object(motion).public())
    return render(
        request,
        "proposals/motion_detail.html",
        {
            "item": motion,
            "cosigners": signers[1:],
            "signer_count": len(signers),
            "timeline": timeline_rows(timeline, signers),
        },
    )
