"""/open-data/ and its downloads: every public dataset as CSV (with a BOM, for Excel) and JSON."""

from django.core.exceptions import BadRequest
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from congress.kit.sharedcache import shared
from congress.opendata import datasets as opendata

COUNTS_SECONDS = 600  # the row counts on the index page: cheap to be a little late


def _counts() -> dict[str, int]:
    key = "opendata:counts"
    counts = shared.get(key)
    if counts is None:
        counts = {d.slug: d.count(None) for d in opendata.all_datasets()}
        shared.set(key, counts, COUNTS_SECONDS)
    return counts


@require_safe
def index(request):
    counts = _counts()
    datasets = [(d, counts.get(d.slug)) for d in opendata.all_datasets()]
    return render(request, "opendata/index.html", {"datasets": datasets})


FORMATS = {
    "csv": ("text/csv; charset=utf-8", opendata.csv_chunks),
    "json": ("application/json; charset=utf-8", opendata.json_chunks),
}


@require_safe
def download(request, slug: str, fmt: str):
    dataset = opendata.get(slug)
    if dataset is None or fmt not in FORMATS:
        raise Http404
    try:
        year = opendata.parse_year(request.GET.get("year"), dataset)
    except opendata.BadYear as error:
        raise BadRequest(str(error)) from None
    content_type, chunks = FORMATS[fmt]
    language = get_language()
    stem = f"{slug}-{year}" if year else slug
    response = StreamingHttpResponse(
        _translated(chunks(dataset, year), language), content_type=content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    response["Cache-Control"] = "public, max-age=600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _translated(chunks, language):
    """Rows are produced after the view returns: keep the request's language while they are."""
    with translation.override(language):
        yield from chunks
