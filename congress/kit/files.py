"""Serving a private upload to someone already checked: the shared half of every file view.

Public uploads go through congress/kit/media.py. Private ones (suggestion attachments, reply
letters, supervision papers of items not yet public, residents' photos) are served by views
that first decide who may see them and then call `serve_private`, which
- serves only a file whose content is one of the allowed kinds (never trusting the name),
- sends it as inert content: nosniff, a sandboxing Content-Security-Policy, never cached by
  a shared cache, no referrer,
- offers a clean file name with the right extension.
Anything missing or of the wrong kind is a 404, as if it did not exist.
"""

import re
import unicodedata
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import IO, Any

from django.db.models.fields.files import FieldFile
from django.forms import ClearableFileInput
from django.http import FileResponse, Http404
from django.http.response import HttpResponseBase

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
INLINE = {"pdf", "png", "jpeg"}  # shown in the browser; a Word file is downloaded


def safe_name(name: str, fallback: str) -> str:
    """The file name to offer: no directories, control characters or quotes."""
    name = PurePosixPath(name.replace("\\", "/")).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r'["<>:|?*;]', "_", name).strip(" .")
    return name[:150] or fallback


def protect[R: HttpResponseBase](response: R) -> R:
    """The headers every private file carries: inert, private, no referrer."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def serve_private(
    file_field: FieldFile,
    name: str,
    kind_of: Callable[[IO[bytes]], str | None],
    allowed: frozenset[str] | set[str] = frozenset(CONTENT_TYPES),
) -> FileResponse:
    """`file_field` (a FieldFile) as a response, if `kind_of(handle)` is one of `allowed`.

    `kind_of` reads the file's first bytes and returns 'pdf', 'png', 'jpeg', 'docx' or None
    (congress.kit.uploads.attachment_kind).
    """
    if not file_field or not file_field.name:
        raise Http404
    try:
        handle = file_field.storage.open(file_field.name, "rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    kind = kind_of(handle)
    # Stored before the content check, or tampered with: never served.
    if kind is None or kind not in allowed:
        handle.close()
        raise Http404
    name = safe_name(name, "file")
    extension = {"jpeg": "jpg"}.get(kind, kind)
    if not name.lower().endswith(f".{extension}") and not (
        kind == "jpeg" and name.lower().endswith(".jpeg")
    ):
        name = f"{name}.{extension}"
    response = FileResponse(
        handle,
        content_type=CONTENT_TYPES[kind],
        as_attachment=kind not in INLINE,
        filename=name,
    )
    return protect(response)


class _LinkedFile:
    """A stored file shown by the file input under its name, linked to a checked view."""

    def __init__(self, file: FieldFile, url: str) -> None:
        self.file, self.url = file, url

    def __str__(self) -> str:
        return PurePosixPath(self.file.name or "").name


class CheckedFileInput(ClearableFileInput):
    """The admin's file input, whose "currently" link opens the file through a view that checks
    permissions (`open_url`, set by the form) rather than the file's /media/ address, which
    serves only public files."""

    open_url = ""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"] and self.open_url:
            context["widget"]["value"] = _LinkedFile(value, self.open_url)
        return context
