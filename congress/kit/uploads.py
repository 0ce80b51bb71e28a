"""Files people upload (attachments, signed reply letters, documents): what kind a file really is,
checked on its content and not its name, and refused when it could run code (PDF JavaScript,
Word macros). Shared by every app that takes a file."""

import re
import uuid
import zipfile
import zlib
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.kit.rules import rule

# Leading bytes of the file types a deputy may attach (checked on content, not on the name).
_SIGNATURES = {
    b"%PDF-": "pdf",
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpeg",
}


def attachment_kind(file: IO[bytes]) -> str | None:
    """'pdf', 'png', 'jpeg' or 'docx' from the file's content, None for anything else."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        head = file.read(8)
        for magic, kind in _SIGNATURES.items():
            if head.startswith(magic):
                return kind
        if head.startswith(b"PK\x03\x04"):
            file.seek(0)
            try:
                with zipfile.ZipFile(file) as archive:
                    if "word/document.xml" in archive.namelist():
                        return "docx"
            except zipfile.BadZipFile:
                return None
        return None
    finally:
        file.seek(position)


# The extension a stored attachment gets, from its content (the client's name is only shown).
ATTACHMENT_EXTENSIONS = {"pdf": "pdf", "png": "png", "jpeg": "jpg", "docx": "docx"}

# PDF names that run code in a reader: JavaScript (also from /OpenAction or /AA) or /Launch.
_PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch)(?![A-Za-z0-9])")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)


def _pdf_is_active(data: bytes) -> bool:
    """Whether a PDF carries JavaScript or a launch action, in plain or compressed objects."""
    chunks = [data]
    for match in _PDF_STREAM.finditer(data):
        try:  # object streams (PDF 1.5) hide dictionaries in Flate-compressed streams
            chunks.append(zlib.decompressobj().decompress(match.group(1), 20 * 1024 * 1024))
        except zlib.error:
            continue
    for chunk in chunks:
        unescaped = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), chunk)
        if _PDF_ACTIVE.search(unescaped):
            return True
    return False


def _docx_has_macros(file: IO[bytes]) -> bool:
    position = file.tell()
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            return any(name.lower().endswith("vbaproject.bin") for name in archive.namelist())
    finally:
        file.seek(position)


def _read_all(file: IO[bytes]) -> bytes:
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        return file.read()
    finally:
        file.seek(position)


def validate_attachment(file: File[bytes]) -> None:
    """Reject a file that is too large or is not a PDF, PNG, JPEG or Word (.docx) document.

    Judged by content, never by the name: a PDF that carries JavaScript or a launch action and a
    Word file with macros are refused too. Used by SuggestionAttachment and by the forms that
    upload attachments.
    """
    limit = rule("ATTACHMENT_MAX_BYTES")
    if file.size > limit:
        raise ValidationError(
            _("The file is %(size)s MB; attachments may be at most %(limit)s MB."),
            code="too_large",
            params={"size": f"{file.size / 1048576:.1f}", "limit": f"{limit / 1048576:g}"},
        )
    kind = attachment_kind(file)
    if kind is None:
        raise ValidationError(_("Attach a PDF, PNG, JPEG or Word (.docx) file."), code="bad_type")
    if kind == "pdf" and _pdf_is_active(_read_all(file)):
        raise ValidationError(
            _(
                "This PDF contains scripts or actions; save it again as a plain PDF and attach that."
            ),
            code="active_pdf",
        )
    if kind == "docx" and _docx_has_macros(file):
        raise ValidationError(
            _("This Word file contains macros; save it as a plain .docx and attach that."),
            code="macros",
        )


def generated_name(folder: str, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in ATTACHMENT_EXTENSIONS.values():
        extension = "bin"
    return f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"
