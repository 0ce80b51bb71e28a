"""A suggestion's private files: its attachments and the units' signed reply letters (答复函).

They are never public by address (congress/media.py refuses them): this view serves a file
only to a user who may see the item it belongs to —
- committee staff with the view permission on suggestions,
- the clerks of a unit the item is (actively) assigned to,
- the lead deputy and the co-signers who confirmed.
A reply letter is not published with the reply's text: the signed letter can carry the
deputy's and the official's contact details, so it stays with the people above even once the
reply is public. Everyone else gets a 404, as if the file did not exist.
"""

import re
import unicodedata
from pathlib import PurePosixPath

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET

from proposals.models import (
    Assignment,
    Reply,
    Signature,
    Suggestion,
    SuggestionAttachment,
    UnitMembership,
    attachment_kind,
)

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
INLINE = {"pdf", "png", "jpeg"}  # shown in the browser; a Word file is downloaded


def may_see_files(user, suggestion: Suggestion) -> bool:
    """The item's people: staff who view suggestions, its units' clerks, its signers (and the
    deputies asked to co-sign, who read the item before they answer)."""
    if not user.is_authenticated or not user.is_active:
        return False
    deputy = getattr(user, "deputy", None)
    if deputy is not None and (
        suggestion.lead_id == deputy.pk
        or Signature.objects.filter(suggestion=suggestion, deputy=deputy)
        .exclude(status=Signature.Status.DECLINED)
        .exists()
    ):
        return True
    if suggestion.status == Suggestion.Status.DRAFT:
        return False  # a draft is its author's (and the deputies asked to co-sign it)
    if user.has_perm("proposals.view_suggestion"):
        return True
    units = UnitMembership.objects.filter(user=user).values("organisation")
    return Assignment.objects.filter(
        suggestion=suggestion, active=True, organisation__in=units
    ).exists()


def safe_name(name: str, fallback: str) -> str:
    """The file name to offer: no directories, control characters or quotes."""
    name = PurePosixPath(name.replace("\\", "/")).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r'["<>:|?*;]', "_", name).strip(" .")
    return name[:150] or fallback


def _serve(file_field, name: str):
    try:
        handle = file_field.storage.open(file_field.name, "rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    kind = attachment_kind(handle)
    if kind is None:  # stored before the content check, or tampered with: never served
        handle.close()
        raise Http404
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
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def attachment_file(request, pk: int):
    attachment = get_object_or_404(SuggestionAttachment.objects.select_related("suggestion"), pk=pk)
    if not attachment.file or not may_see_files(request.user, attachment.suggestion):
        raise Http404
    return _serve(attachment.file, safe_name(attachment.original_name, f"attachment-{pk}"))


@require_GET
def reply_letter(request, pk: int):
    reply = get_object_or_404(
        Reply.objects.filter(suggestion__isnull=False).select_related("suggestion"), pk=pk
    )
    if not reply.file or not may_see_files(request.user, reply.suggestion):
        raise Http404
    name = reply.file_name or PurePosixPath(reply.file.name).name
    return _serve(reply.file, safe_name(name, f"reply-{pk}"))


def attachment_url(attachment) -> str:
    return reverse("file_suggestion_attachment", args=[attachment.pk])


def letter_url(reply) -> str:
    return reverse("file_reply_letter", args=[reply.pk])
