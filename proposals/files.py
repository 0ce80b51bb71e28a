"""A suggestion's private files: its attachments and the units' signed reply letters (答复函).

They are never public by address (congress/kit/media.py refuses them): this view serves a file
only to a user who may see the item it belongs to —
- committee staff with the view permission on suggestions,
- the clerks of a unit the item is (actively) assigned to,
- the lead deputy and the co-signers who confirmed.
A reply letter is not published with the reply's text: the signed letter can carry the
deputy's and the official's contact details, so it stays with the people above even once the
reply is public. Everyone else gets a 404, as if the file did not exist.
"""

from pathlib import PurePosixPath

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET

from congress.kit.files import safe_name, serve_private
from congress.kit.uploads import attachment_kind
from proposals.models import (
    Assignment,
    Reply,
    Signature,
    Suggestion,
    SuggestionAttachment,
    UnitMembership,
)


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


def _serve(file_field, name: str):
    return serve_private(file_field, name, attachment_kind)


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
    suggestion = reply.suggestion  # never None: the query keeps suggestions' replies only
    if not reply.file or suggestion is None or not may_see_files(request.user, suggestion):
        raise Http404
    name = reply.file_name or PurePosixPath(reply.file.name or "").name
    return _serve(reply.file, safe_name(name, f"reply-{pk}"))


def attachment_url(attachment) -> str:
    return reverse("suggestions:attachment", args=[attachment.pk])


def letter_url(reply) -> str:
    return reverse("proposals:reply_letter", args=[reply.pk])
