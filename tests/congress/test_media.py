"""Uploaded files are served only when public, only as images or PDFs, never as active content."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from tests.factories import DeputyFactory

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_deputys_photo_is_served_as_a_sandboxed_image(client):
    deputy = DeputyFactory()
    deputy.photo.save("portrait.png", ContentFile(_png()))
    response = client.get(deputy.photo.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert _body(response).startswith(b"\x89PNG")


def test_files_no_public_record_points_at_are_not_served(client):
    stored = default_storage.save("attachments/2022/secret.pdf", ContentFile(b"%PDF-1.4 private"))
    assert client.get(f"/media/{stored}").status_code == 404
    orphan = default_storage.save("deputies/orphan.png", ContentFile(_png()))
    assert client.get(f"/media/{orphan}").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "deputies/evil.html",
        "deputies/evil.svg",
        "../congress/settings.py",
        "deputies/../../etc/passwd",
        "deputies/",
    ],
)
def test_active_or_escaping_paths_are_refused(client, path):
    deputy = DeputyFactory()
    deputy.photo.name = path
    deputy.save()
    assert client.get(f"/media/{path}").status_code == 404
