import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import (
    DeputyFactory,
    OrganisationFactory,
    StationFactory,
    TermFactory,
    UserFactory,
)

PHONE = "13812345678"
# A good submission of the public form, as a resident fills it in.
GOOD = {
    "category": "housing",
    "content": "安置房楼地面出现多处裂缝，担心质量问题，请帮忙协调检查。",
    "name": "陆老伯",
    "phone": PHONE,
    "consent": "on",
    "website": "",
}


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their English source text, whatever the .mo holds."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters live in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def term(db):
    return TermFactory()


@pytest.fixture
def deputy(term):
    return DeputyFactory(term=term, name="潘晓", user=UserFactory())


@pytest.fixture
def station(deputy):
    station = StationFactory(name="独山港镇周圩人大代表联络站")
    station.deputies.add(deputy)
    return station


@pytest.fixture
def unit(db):
    return OrganisationFactory(name="独山港镇村镇建设管理办公室")


def png_bytes(size=(40, 30), color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes(size=(40, 30), exif=None) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (20, 120, 200))
    if exif is not None:
        image.save(buffer, format="JPEG", exif=exif)
    else:
        image.save(buffer, format="JPEG")
    return buffer.getvalue()


def upload(name="crack.png", content=None, content_type="image/png"):
    return SimpleUploadedFile(name, content if content is not None else png_bytes(), content_type)


@pytest.fixture
def make_upload():
    return upload
