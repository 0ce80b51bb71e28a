"""The review as a PDF: rendered by WeasyPrint in the background, cached until its data changes.

A request computes the review's fingerprint (the review and its sections, the figure keys that
are registered, every app's data version for the year, the language and the PDF's own template
and stylesheet). A ready PDF with that fingerprint is served at once; otherwise one render is
enqueued with Django's Tasks API and the page says the PDF is being prepared.
"""

import hashlib
import json
import logging
import mimetypes
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from congress.models import AnnualReview, ReviewPdf
from congress.review import building, charts, registry
from congress.review.building import build

logger = logging.getLogger(__name__)

PDF_TEMPLATE = "reviews/review_pdf.html"
PDF_STYLESHEET = "css/print-review.css"
# A render that has not finished after this long is taken as lost (a worker died) and retried;
# a failed render is retried no sooner, so a broken review cannot keep a worker busy.
RETRY_AFTER = timedelta(minutes=10)


def _asset_version() -> str:
    """Changes when the PDF's template, the markup built in Python (the figures, the charts) or
    the stylesheet change (read once per process)."""
    global _ASSETS
    if _ASSETS is None:
        digest = hashlib.sha256()
        templates = Path(settings.BASE_DIR) / "templates" / "reviews"
        for path in sorted(templates.glob("*.html")):
            digest.update(path.read_bytes())
        for module in (building, charts):
            digest.update(Path(str(module.__file__)).read_bytes())
        css = finders.find(PDF_STYLESHEET)
        if css:
            digest.update(Path(css).read_bytes())
        _ASSETS = digest.hexdigest()[:16]
    return _ASSETS


_ASSETS: str | None = None


def fingerprint(review: AnnualReview, language: str) -> str:
    sections = list(review.sections.values_list("id", "order", "updated_at", "figure_keys"))
    keys = sorted({key for row in sections for key in registry.parse_keys(row[3])})
    payload = [
        review.pk,
        review.year,
        review.updated_at.isoformat(),
        language,
        _asset_version(),
        [(pk, order, updated.isoformat()) for pk, order, updated, _ in sections],
        [key for key in keys if registry.get(key)],
        registry.data_versions(review.year),
    ]
    return hashlib.sha256(json.dumps(payload, default=str).encode()).hexdigest()


def filename(review: AnnualReview) -> str:
    return f"{review.year}-{review.title}.pdf".replace("/", "-")


class _Fetcher(URLFetcher):
    """Resources the PDF may load: our static files and the default storage. Nothing else.

    The narrative is sanitised, but the PDF must never fetch a URL from the network anyway.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"file"})

    def fetch(self, url, headers=None):
        if url.startswith("storage:"):
            name = url.removeprefix("storage:")
            with default_storage.open(name, "rb") as handle:
                body = handle.read()
            content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type})
        if url.startswith("file:"):
            roots = [Path(p).resolve() for p in settings.STATICFILES_DIRS]
            path = Path(url.removeprefix("file://").split("?")[0]).resolve()
            if any(path.is_relative_to(root) for root in roots):
                return super().fetch(url, headers)
        raise ValueError(f"The review PDF does not load {url}")


def render(review: AnnualReview, language: str) -> tuple[bytes, int]:
    """The PDF's bytes and page count, rendered now (slow: seconds)."""
    with translation.override(language):
        context = build(review, staff=False, pdf=True)
        context["pdf"] = True
        html = render_to_string(PDF_TEMPLATE, context)
    fetcher = _Fetcher()
    document = HTML(
        string=html, base_url=str(settings.BASE_DIR / "static") + "/", url_fetcher=fetcher
    ).render(stylesheets=[CSS(filename=finders.find(PDF_STYLESHEET), url_fetcher=fetcher)])
    return document.write_pdf(), len(document.pages)


@task()
def render_review_pdf(pdf_id: int) -> int | None:
    """Render one requested PDF row and keep it; drop the review's older PDFs in that language."""
    try:
        row = ReviewPdf.objects.select_related("review").get(pk=pdf_id)
    except ReviewPdf.DoesNotExist:
        return None
    if row.status == ReviewPdf.Status.READY:
        return row.pk
    started = time.perf_counter()
    try:
        data, pages = render(row.review, row.language)
    except Exception as exc:
        logger.exception("Review PDF %s failed", pdf_id)
        row.status = ReviewPdf.Status.FAILED
        row.error = f"{type(exc).__name__}: {exc}"[:2000]
        row.save(update_fields=["status", "error"])
        return None
    row.file.save(
        f"{row.review.year}-{row.language}-{row.fingerprint[:12]}.pdf",
        ContentFile(data),
        save=False,
    )
    row.status = ReviewPdf.Status.READY
    row.size = len(data)
    row.page_count = pages
    row.rendered_at = timezone.now()
    row.seconds = round(time.perf_counter() - started, 3)
    row.error = ""
    row.save()
    stale = ReviewPdf.objects.filter(review=row.review, language=row.language).exclude(pk=row.pk)
    for old in stale:
        if old.file:
            old.file.delete(save=False)
    stale.delete()
    return row.pk


def request_pdf(review: AnnualReview, language: str) -> ReviewPdf:
    """The PDF row for the review as it is now: ready, or enqueued (once) and being prepared."""
    fp = fingerprint(review, language)
    lookup = {"review": review, "language": language, "fingerprint": fp}
    row = ReviewPdf.objects.filter(**lookup).first()
    if row and row.status == ReviewPdf.Status.READY:
        return row
    if row is None:
        try:
            with transaction.atomic():
                row = ReviewPdf.objects.create(**lookup)
        except IntegrityError:  # another request created it a moment ago: theirs is enqueued
            return ReviewPdf.objects.get(**lookup)
    elif timezone.now() - row.requested_at > RETRY_AFTER:
        row.status = ReviewPdf.Status.PENDING
        row.requested_at = timezone.now()
        row.save(update_fields=["status", "requested_at"])
    else:
        return row
    render_review_pdf.enqueue(row.pk)
    row.refresh_from_db()  # the immediate backend (tests, development) has rendered it already
    return row
