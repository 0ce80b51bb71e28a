"""Serving uploaded files: only public ones, only safe types, never as active content.

Uploads live in the default storage (MEDIA_ROOT). A file is served here only when a public
record points at it (a deputy's photo, a public supervision item's document, an inspection
photo, a photo of a published review), and only as an image or a PDF, with a sandboxing
Content-Security-Policy and nosniff, so an upload can never run script on the site's origin.
Private uploads (suggestion attachments, residents' photos, reply letters) are not served
here at all; the pages that may show them serve them through their own permission checks.
"""

from collections.abc import Callable
from pathlib import PurePosixPath

from django.apps import apps
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest

SAFE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
}


def _is_public(path: str) -> bool:
    model = apps.get_model
    checks: dict[str, Callable[[], bool]] = {
        "deputies/": lambda: model("deputies", "Deputy").objects.filter(photo=path).exists(),
        "inspections/": lambda: (
            model("supervision", "InspectionPhoto").objects.filter(image=path).exists()
        ),
        "reviews/photos/": lambda: (
            model("congress", "ReviewSection")
            .objects.filter(photo=path, review__published=True)
            .exists()
        ),
        "supervision/reports/": lambda: (
            model("supervision", "RectificationReport")
            .objects.filter(file=path, opinion__item__is_public=True)
            .exists()
        ),
        "supervision/": lambda: (
            model("supervision", "SupervisionDocument")
            .objects.filter(file=path, item__is_public=True)
            .exists()
        ),
    }
    for prefix, check in checks.items():  # the longest prefixes come first
        if path.startswith(prefix):
            return check()
    return False


def serve_public_media(request: HttpRequest, path: str) -> FileResponse:
    normalised = PurePosixPath(path)
    if normalised.is_absolute() or ".." in normalised.parts:
        raise Http404
    content_type = SAFE_TYPES.get(normalised.suffix.lower())
    if content_type is None or not _is_public(str(normalised)):
        raise Http404
    try:
        handle = default_storage.open(str(normalised), "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=86400"
    if content_type == "application/pdf":
        response["Content-Disposition"] = "inline"
    return response
