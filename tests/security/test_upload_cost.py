"""Cheap uploads that cost a lot: a 150 KB PNG of 6,300 × 6,300 pixels unpacks to 120 MB.

Three of them took 4–19 s of a sync worker and 540 MB of memory. Now the header is checked
before anything is decoded, and the re-encoding is background work.
"""

import io
import struct
import tracemalloc
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from proposals.models import Opinion, OpinionPhoto
from proposals.opinions.services import photo_reencode
from tests.factories import DeputyFactory, StationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def decompression_bomb_png(side: int = 6300) -> bytes:
    """A valid all-black RGB PNG of side × side pixels, built row by row (never in memory whole)."""
    packer = zlib.compressobj(9)
    row = b"\0" * (1 + side * 3)
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )


def _jpeg(size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 90, 60)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _post(client, station, photos):
    data = {
        "category": "housing",
        "content": "安置房楼地面出现多处裂缝，担心质量问题，请帮忙协调检查。",
        "consent": "on",
        "photos": photos,
    }
    return client.post(f"/opinions/new/?station={station.pk}", data)


def test_three_pixel_bombs_are_refused_within_a_memory_bound():
    bomb = decompression_bomb_png()
    assert len(bomb) < 200_000  # about 120 KB on the wire
    station = StationFactory()
    files = [SimpleUploadedFile(f"crack{n}.png", bomb, "image/png") for n in range(3)]
    Client().get(f"/opinions/new/?station={station.pk}")  # templates and translations loaded
    tracemalloc.start()
    try:
        response = _post(Client(), station, files)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 200
    html = response.content.decode()
    assert "像素过多" in html or "too many pixels" in html
    assert "安置房楼地面出现多处裂缝" in html  # what the resident typed is still there
    assert Opinion.objects.count() == 0 and OpinionPhoto.objects.count() == 0
    # Decoding one of them would need 119 MB; the whole request stays far below that.
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1048576:.0f} MB"


def test_a_photo_is_shown_only_once_re_encoded_in_the_background(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    deputy = DeputyFactory(user=UserFactory())
    station = StationFactory()
    station.deputies.add(deputy)
    response = _post(Client(), station, [SimpleUploadedFile("a.jpg", _jpeg(), "image/jpeg")])
    assert response.status_code == 302
    photo = OpinionPhoto.objects.get()
    assert not photo.ready  # nothing was decoded in the request
    deputy_client = Client()
    deputy_client.force_login(deputy.user)
    url = f"/portal/opinions/{photo.opinion_id}/photos/{photo.pk}/"
    assert deputy_client.get(url).status_code == 404

    assert photo_reencode.call(photo.pk) is True  # what the worker does
    photo.refresh_from_db()
    assert photo.ready and photo.image.name.endswith(".jpg")
    assert deputy_client.get(url).status_code == 200
