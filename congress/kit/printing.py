"""Small printed documents (a deputy's performance record, the official suggestion form),
rendered by WeasyPrint the way the annual review is: the same fonts (Noto CJK SC, embedded),
the same fetcher (our static files only, never the network).

A document renders in well under a second, so it is rendered on request; the bytes are kept in
the cache under a digest of the HTML, so an unchanged document is not rendered twice.
"""

import hashlib

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.http import HttpResponse
from weasyprint import CSS, HTML

from congress.review.pdf import _Fetcher

CACHE_SECONDS = 24 * 3600


def html_to_pdf(html: str, stylesheet: str) -> bytes:
    """The PDF of `html` styled by the static `stylesheet` (e.g. "css/print-record.css")."""
    css_path = finders.find(stylesheet)
    key = "printed:" + hashlib.sha256(html.encode() + stylesheet.encode()).hexdigest()
    try:
        cached: bytes | None = cache.get(key)
    except Exception:  # the cache (Redis) being down degrades to rendering every time
        cached = None
    if cached:
        return cached
    fetcher = _Fetcher()
    data: bytes = HTML(
        string=html, base_url=str(settings.BASE_DIR / "static") + "/", url_fetcher=fetcher
    ).write_pdf(stylesheets=[CSS(filename=css_path, url_fetcher=fetcher)])
    try:
        cache.set(key, data, CACHE_SECONDS)
    except Exception:  # noqa: S110 — a cache failure must not stop the download
        pass
    return data


def pdf_response(data: bytes, filename: str, *, private: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{_quote(filename)}"
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=600"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)
