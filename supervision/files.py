"""Supervision papers (documents, handling reports) served through a permission check.

Once the item is public, /media/ serves them to everyone (congress/kit/media.py). Before that they
are the back office's: staff with the view permission on the record open them here, through
the links on the admin pages; anyone else gets a 404, as if the file did not exist.
"""

from pathlib import PurePosixPath

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET

from congress.kit.files import serve_private
from congress.kit.uploads import attachment_kind
from supervision.models import RectificationReport, SupervisionDocument

PDF_ONLY = frozenset({"pdf"})


def _may_open(user, record, item) -> bool:
    if item.is_public:
        return True
    opts = record._meta
    return user.is_staff and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")


@require_GET
def document_file(request, pk: int):
    document = get_object_or_404(SupervisionDocument.objects.select_related("item"), pk=pk)
    if not _may_open(request.user, document, document.item):
        raise Http404
    name = document.title or PurePosixPath(document.file.name or "").name
    return serve_private(document.file, name, attachment_kind, PDF_ONLY)


@require_GET
def report_file(request, pk: int):
    report = get_object_or_404(RectificationReport.objects.select_related("opinion__item"), pk=pk)
    if not _may_open(request.user, report, report.opinion.item):
        raise Http404
    name = PurePosixPath(report.file.name or "").name
    return serve_private(report.file, name, attachment_kind, PDF_ONLY)


def document_url(document) -> str:
    return reverse("supervision:file_document", args=[document.pk])


def report_url(report) -> str:
    return reverse("supervision:file_report", args=[report.pk])
