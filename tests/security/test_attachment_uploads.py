"""Attaching files a reader would run: HTML, PDFs with JavaScript, Word files with macros.

A deputy drafts a suggestion in the portal with an attachment. The file is judged by its
content, never by its name, and is stored under a generated name with the extension of what it
is (the client's name is kept only as the name shown).
"""

import io
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from proposals.models import Suggestion, SuggestionAttachment

pytestmark = pytest.mark.django_db

PLAIN_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
JS_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction 2 0 R>>endobj\n"
    b"2 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
ESCAPED_JS_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction<</S/J#61vaScript/J#53(x)>>>>endobj\n%%EOF\n"
)
HIDDEN = zlib.compress(b"2 0 obj<</S/JavaScript/JS(app.launchURL('x'))>>endobj")
COMPRESSED_JS_PDF = (
    b"%PDF-1.5\n3 0 obj<</Type/ObjStm/Filter/FlateDecode/Length "
    + str(len(HIDDEN)).encode()
    + b">>stream\n"
    + HIDDEN
    + b"\nendstream\nendobj\n%%EOF\n"
)
LAUNCH_PDF = b"%PDF-1.4\n1 0 obj<</OpenAction<</S/Launch/F(cmd.exe)>>>>endobj\n%%EOF\n"
HTML = b"<!doctype html><html><body><script>fetch('/admin/')</script></body></html>"


def docx(*, macros=False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")
    return buffer.getvalue()


@pytest.fixture
def deputy_client(client, lead):
    client.force_login(lead.user)
    return client


def draft(client, category, session, name, content):
    return client.post(
        "/portal/suggestions/new/",
        {
            "title": "关于加快农村道路亮化设施建设的建议",
            "category": category.pk,
            "session": session.pk,
            "body": "农村道路夜间照明不足，建议加快建设。",
            "attachments": [SimpleUploadedFile(name, content, "application/pdf")],
        },
    )


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("说明.pdf", JS_PDF, "包含脚本或动作"),
        ("说明.pdf", ESCAPED_JS_PDF, "包含脚本或动作"),
        ("说明.pdf", COMPRESSED_JS_PDF, "包含脚本或动作"),
        ("说明.pdf", LAUNCH_PDF, "包含脚本或动作"),
        ("x.html", HTML, "PDF、PNG、JPEG或Word"),
        ("x.pdf", HTML, "PDF、PNG、JPEG或Word"),
        ("附件.docx", docx(macros=True), "包含宏"),
    ],
    ids=["js", "escaped-js", "compressed-js", "launch", "html", "html-named-pdf", "macros"],
)
def test_an_attachment_a_reader_would_run_is_refused_and_nothing_stored(
    deputy_client, category, session, name, content, message
):
    response = draft(deputy_client, category, session, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Suggestion.objects.exists() and not SuggestionAttachment.objects.exists()


@pytest.mark.parametrize(
    "name, content, extension",
    [("x.html", PLAIN_PDF, ".pdf"), ("报告.exe", PLAIN_PDF, ".pdf"), ("附件", docx(), ".docx")],
)
def test_an_accepted_file_is_stored_under_a_generated_name_with_the_extension_of_its_content(
    deputy_client, category, session, name, content, extension
):
    response = draft(deputy_client, category, session, name, content)
    assert response.status_code == 302
    attachment = SuggestionAttachment.objects.get()
    stored = attachment.file.name.rsplit("/", 1)[-1]
    assert stored.endswith(extension) and stored.removesuffix(extension).isalnum()
    assert len(stored.removesuffix(extension)) == 32  # a random hex name
    assert attachment.original_name == name  # shown to people, never used to store or serve
