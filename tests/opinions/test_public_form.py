"""The public opinion form at /opinions/new/: every bad input is refused beside its field and
nothing is stored; a good one is stored with its photos stripped of metadata."""

import io

import pytest
from django.test import override_settings
from PIL import Image

from proposals.models import Opinion, OpinionPhoto, TimelineEntry
from tests.factories import DeputyFactory, StationFactory
from tests.opinions.conftest import GOOD, PHONE, jpeg_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db


def post(client, station, *, photos=(), address="10.0.0.1", **overrides):
    data = {**GOOD, **overrides}
    data = {k: v for k, v in data.items() if v is not None}
    if photos:
        data["photos"] = list(photos)
    # Under /en/: the messages are asserted in their English source text.
    return client.post(
        f"/en/opinions/new/?station={station.pk}", data, REMOTE_ADDR=address, follow=False
    )


def test_the_form_opens_from_a_station_code(client, station):
    response = client.get(f"/opinions/new/?station={station.pk}")
    assert response.status_code == 200
    page = response.content.decode()
    assert station.name in page
    assert 'enctype="multipart/form-data"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'tabindex="-1"' in page and 'autocomplete="off"' in page  # the honeypot
    assert "<script" not in page  # works without JavaScript


def test_the_form_opens_from_a_deputy_code(client, deputy, station):
    response = client.get(f"/opinions/new/?deputy={deputy.pk}")
    assert response.status_code == 200
    assert deputy.name in response.content.decode()


@pytest.mark.parametrize(
    "query", ["?station=999999", "?deputy=999999", "?station=abc", "?station=-1"]
)
def test_unknown_station_or_deputy_is_404(client, station, query):
    assert client.get(f"/opinions/new/{query}").status_code == 404


def test_without_station_or_deputy_the_form_sends_the_resident_to_the_way_in(client, db):
    response = client.get("/opinions/new/")
    assert response.status_code == 302
    assert response["Location"] == "/opinions/start/"
    # A post that names neither is still refused: there is nobody to send it to.
    assert (
        client.post("/opinions/new/", {"content": "路灯坏了很久了，请尽快修理。"}).status_code
        == 400
    )


def test_an_inactive_station_is_404(client, db):
    closed = StationFactory(active=False)
    assert client.get(f"/opinions/new/?station={closed.pk}").status_code == 404


def test_a_good_submission_is_stored_and_shows_the_code(client, station):
    response = post(client, station, photos=[upload()])
    assert response.status_code == 302
    opinion = Opinion.objects.get()
    assert response["Location"] == f"/en/opinions/track/{opinion.code}/?new=1"
    assert opinion.source == Opinion.Source.STATION_QR
    assert opinion.station == station
    assert opinion.status == Opinion.Status.SUBMITTED
    assert opinion.phone == PHONE and opinion.name == "陆老伯" and opinion.consent
    assert opinion.photos.count() == 1
    assert len(opinion.code) == 8
    assert not set(opinion.code) & set("01OIL")
    page = client.get(response["Location"]).content.decode()
    assert opinion.code in page
    assert f"/en/opinions/track/{opinion.code}/" in page
    assert PHONE not in page and "陆老伯" not in page
    assert TimelineEntry.objects.for_object(opinion).filter(action="submitted").exists()


def test_a_deputy_code_stores_the_deputy_and_their_only_station(client, deputy, station):
    response = client.post(f"/opinions/new/?deputy={deputy.pk}", GOOD)
    assert response.status_code == 302
    opinion = Opinion.objects.get()
    assert opinion.source == Opinion.Source.DEPUTY_QR
    assert opinion.deputy == deputy and opinion.station == station


def test_a_mobile_number_with_spaces_and_country_code_is_normalised(client, station):
    post(client, station, phone="+86 138 1234 5678")
    assert Opinion.objects.get().phone == PHONE


def test_name_and_phone_are_optional(client, station):
    assert post(client, station, name="", phone="").status_code == 302
    opinion = Opinion.objects.get()
    assert opinion.name == "" and opinion.phone == ""


def big_png(min_bytes):
    """A PNG of random pixels larger than min_bytes (random data does not compress)."""
    import os

    side = int((min_bytes / 3) ** 0.5) + 50
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=0)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("overrides", "photos", "field", "message"),
    [
        ({"content": ""}, None, "content", "This field is required."),
        ({"content": "路灯坏了"}, None, "content", "at least 10 characters"),
        ({"content": "长" * 2001}, None, "content", "Keep it to 2000 characters"),
        ({"phone": "12345"}, None, "phone", "11-digit mainland mobile number"),
        ({"phone": "23812345678"}, None, "phone", "11-digit mainland mobile number"),
        ({"category": ""}, None, "category", "This field is required."),
        ({"category": "weather"}, None, "category", "Select a valid choice"),
        ({"consent": None}, None, "consent", "Please agree"),
        ({}, "renamed", "photos", "JPEG or PNG"),
        ({}, "gif", "photos", "JPEG or PNG"),
        ({}, "four", "photos", "at most 3 photos"),
        ({}, "huge", "photos", "at most 5 MB"),
    ],
)
def test_bad_input_is_shown_beside_the_field_and_nothing_is_stored(
    client, station, overrides, photos, field, message
):
    files = []
    if photos == "renamed":
        files = [upload("photo.jpg", b"%PDF-1.4 not a picture at all" * 20, "image/jpeg")]
    elif photos == "gif":
        buffer = io.BytesIO()
        Image.new("RGB", (5, 5)).save(buffer, format="GIF")
        files = [upload("photo.png", buffer.getvalue(), "image/png")]
    elif photos == "four":
        files = [upload(f"p{i}.png") for i in range(4)]
    elif photos == "huge":
        files = [upload("big.png", big_png(5 * 1024 * 1024 + 1))]
    response = post(client, station, photos=files, **overrides)
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page or field == "consent"
    assert Opinion.objects.count() == 0
    assert OpinionPhoto.objects.count() == 0


def test_a_filled_honeypot_stores_nothing(client, station):
    response = post(client, station, website="http://spam.example")
    assert response.status_code == 200
    assert "could not be accepted" in response.content.decode()
    assert Opinion.objects.count() == 0


def test_exif_gps_is_stripped_from_a_stored_photo(client, station):
    exif = Image.Exif()
    gps = {1: "N", 2: (30.0, 40.0, 12.5), 3: "E", 4: (121.0, 1.0, 3.0)}
    exif[0x8825] = gps  # GPSInfo
    exif[0x010F] = "TestCam"  # Make
    original = jpeg_bytes(exif=exif)
    with Image.open(io.BytesIO(original)) as check:
        assert check.getexif().get_ifd(0x8825)  # the test photo does carry a position
    post(client, station, photos=[upload("gps.jpg", original, "image/jpeg")])
    photo = OpinionPhoto.objects.get()
    with photo.image.open("rb") as handle:
        stored = handle.read()
    assert photo.image.name.endswith(".jpg")
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        exif = image.getexif()
        assert not exif.get_ifd(0x8825)
        assert len(exif) == 0
        assert "exif" not in image.info
    assert b"TestCam" not in stored and b"Exif" not in stored


def test_a_photo_taken_sideways_is_stored_upright(client, station):
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned, view it rotated 90° clockwise
    post(client, station, photos=[upload("side.jpg", jpeg_bytes((40, 30), exif), "image/jpeg")])
    photo = OpinionPhoto.objects.get()
    assert (photo.width, photo.height) == (30, 40)
    with photo.image.open("rb") as handle, Image.open(handle) as image:
        assert image.size == (30, 40)
        assert not image.getexif().get(0x0112)  # no orientation left to apply twice


XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF'
    b' xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description'
    b' xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="PhoneCam"/></rdf:RDF></x:xmpmeta>'
)


def phone_jpeg(size=(320, 240), orientation=None) -> bytes:
    """A noisy JPEG as a phone writes it: EXIF with a GPS position, XMP, a comment, an sRGB
    profile, and a motion-photo video appended after the picture's end."""
    from PIL import ImageCms

    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    exif[0x8825] = {1: "N", 2: (30.0, 40.0, 12.5), 3: "E", 4: (121.0, 1.0, 3.0), 18: "GPS-WGS84"}
    if orientation is not None:
        exif[0x0112] = orientation
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    picture = Image.effect_noise(size, 40).convert("RGB")
    picture.save(buffer, format="JPEG", exif=exif, xmp=XMP, comment=b"at home", icc_profile=icc)
    return buffer.getvalue() + b"\0\0\0\x18ftypmp42 a video of the street"


def scan_data(data: bytes) -> bytes:
    """A baseline JPEG's bytes from its start of scan on (the only SOS: stuffing keeps the
    pair out of the scan's own bytes), up to and including its end-of-image marker."""
    start = data.rindex(b"\xff\xda")
    return data[start : data.index(b"\xff\xd9", start) + 2]


def stored_photo_bytes() -> bytes:
    with OpinionPhoto.objects.get().image.open("rb") as handle:
        return handle.read()


def test_a_phone_photo_loses_its_metadata_and_keeps_its_picture_untouched(client, station):
    original = phone_jpeg()
    with Image.open(io.BytesIO(original)) as check:  # the photo does carry all of it
        assert check.getexif().get_ifd(0x8825) and "xmp" in check.info
    assert b"GPS" in original and b"http://ns.adobe.com/xap" in original

    assert (
        post(client, station, photos=[upload("p.jpg", original, "image/jpeg")]).status_code == 302
    )
    stored = stored_photo_bytes()
    for secret in (b"GPS", b"TestCam", b"http://ns.adobe.com/xap", b"at home", b"video", b"Exif"):
        assert secret not in stored
    # Not decoded and encoded again: the picture is the very same bytes, no quality lost.
    assert scan_data(stored) == scan_data(original)
    assert stored.endswith(b"\xff\xd9")
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and image.size == (320, 240)
        assert len(image.getexif()) == 0 and "xmp" not in image.info
        assert "icc_profile" in image.info  # the colours stay right
        image.load()
    photo = OpinionPhoto.objects.get()
    assert (photo.width, photo.height, photo.size) == (320, 240, len(stored))


def test_a_phone_photo_holding_a_second_picture_is_taken_as_its_first(client, station):
    """Phones store depth or HDR pictures beside the photo in one file (CIPA's multi-picture
    format; Pillow calls it MPO): the resident's photo is accepted, the extra picture dropped."""
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (30.0, 40.0, 12.5), 3: "E", 4: (121.0, 1.0, 3.0)}
    photo = Image.effect_noise((320, 240), 40).convert("RGB")
    depth = Image.new("RGB", (160, 120), "gray")
    buffer = io.BytesIO()
    photo.save(buffer, format="MPO", save_all=True, append_images=[depth], exif=exif)
    original = buffer.getvalue()
    with Image.open(io.BytesIO(original)) as check:
        assert check.format == "MPO" and check.n_frames == 2

    assert (
        post(client, station, photos=[upload("p.jpg", original, "image/jpeg")]).status_code == 302
    )
    stored = stored_photo_bytes()
    assert b"GPS" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and image.size == (320, 240)
        assert getattr(image, "n_frames", 1) == 1
        image.load()


def test_a_progressive_jpeg_keeps_all_its_scans(client, station):
    buffer = io.BytesIO()
    picture = Image.effect_noise((120, 90), 40).convert("RGB")
    picture.save(buffer, format="JPEG", progressive=True, comment=b"at home")
    original = buffer.getvalue()
    assert original.count(b"\xff\xda") > 1  # several scans, tables between them
    post(client, station, photos=[upload("prog.jpg", original, "image/jpeg")])
    stored = stored_photo_bytes()
    scans = original.index(b"\xff\xda")
    assert b"at home" not in stored and stored.endswith(original[scans:])
    with Image.open(io.BytesIO(stored)) as image, Image.open(io.BytesIO(original)) as sent:
        assert image.tobytes() == sent.tobytes()


def test_a_cmyk_jpeg_keeps_its_adobe_segment_and_its_colours(client, station):
    buffer = io.BytesIO()
    Image.new("CMYK", (30, 20), (0, 200, 200, 0)).save(buffer, format="JPEG", comment=b"at home")
    original = buffer.getvalue()
    post(client, station, photos=[upload("cmyk.jpg", original, "image/jpeg")])
    stored = stored_photo_bytes()
    assert b"at home" not in stored and scan_data(stored) == scan_data(original)
    # The Adobe segment says how the inks are coded (inverted or not, YCCK or CMYK): without
    # it, other readers show Photoshop's CMYK photos as negatives.
    assert b"Adobe" in stored
    with Image.open(io.BytesIO(stored)) as image, Image.open(io.BytesIO(original)) as sent:
        assert image.mode == "CMYK" and image.getpixel((5, 5)) == sent.getpixel((5, 5))


def test_a_sideways_phone_photo_is_turned_and_loses_its_metadata(client, station):
    original = phone_jpeg(size=(48, 32), orientation=6)
    post(client, station, photos=[upload("side.jpg", original, "image/jpeg")])
    stored = stored_photo_bytes()
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (32, 48)
        assert len(image.getexif()) == 0
    assert b"GPS" not in stored and b"http://ns.adobe.com/xap" not in stored


def test_a_photo_larger_than_kept_is_scaled_down(client, station):
    from proposals.opinions.services import PHOTO_MAX_SIDE

    original = phone_jpeg(size=(PHOTO_MAX_SIDE + 200, 40))
    post(client, station, photos=[upload("wide.jpg", original, "image/jpeg")])
    photo = OpinionPhoto.objects.get()
    assert photo.width == PHOTO_MAX_SIDE
    with Image.open(io.BytesIO(stored_photo_bytes())) as image:
        assert image.size == (PHOTO_MAX_SIDE, photo.height) and len(image.getexif()) == 0


@pytest.mark.parametrize("damage", ["cut in transfer", "bad segment length"])
def test_a_broken_jpeg_is_refused_and_nothing_is_stored(client, station, damage):
    original = phone_jpeg()
    if damage == "cut in transfer":
        broken = original[: original.rindex(b"\xff\xda") + 600]
    else:
        tables = original.index(b"\xff\xdb")
        broken = original[: tables + 2] + b"\xff\xff" + original[tables + 4 :]
    response = post(client, station, photos=[upload("b.jpg", broken, "image/jpeg")])
    assert response.status_code == 200
    assert any("JPEG or PNG" in e for e in response.context["form"].errors["photos"])
    assert Opinion.objects.count() == 0 and OpinionPhoto.objects.count() == 0


def test_a_png_stays_a_png_without_text_chunks(client, station):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret-location")
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20)).save(buffer, format="PNG", pnginfo=info)
    post(client, station, photos=[upload("a.png", buffer.getvalue())])
    with OpinionPhoto.objects.get().image.open("rb") as handle:
        assert b"secret-location" not in handle.read()


def test_three_photos_are_accepted(client, station):
    files = [upload("a.png"), upload("b.jpg", jpeg_bytes(), "image/jpeg"), upload("c.png")]
    assert post(client, station, photos=files).status_code == 302
    assert OpinionPhoto.objects.count() == 3


def _answer(response) -> dict:
    """What a person types for the question on the page (the sum of its two numbers)."""
    import re

    challenge = response.context["challenge"]
    a, b = (int(n) for n in re.findall(r"\d+", str(challenge.question)))
    return {"challenge": challenge.token, "challenge_answer": str(a + b)}


@override_settings(
    CONGRESS_RULES={
        **__import__("django.conf").conf.settings.CONGRESS_RULES,
        "OPINION_RATE_PER_ADDRESS": 2,
    }
)
def test_over_the_limit_per_address_asks_a_question_and_keeps_the_text(client, station):
    assert (
        post(client, station, content="第一条：路口红绿灯时间太短，老人过马路来不及。").status_code
        == 302
    )
    assert (
        post(client, station, content="第二条：菜市场门口电动车乱停，走路都困难。").status_code
        == 302
    )
    response = post(client, station, content="第三条：公园厕所晚上不开门，很不方便。")
    assert response.status_code == 429
    page = response.content.decode()
    assert "One more step" in page and 'name="challenge_answer"' in page
    assert "第三条：公园厕所晚上不开门，很不方便。" in page
    assert Opinion.objects.count() == 2
    # A wrong answer: a new question, still nothing stored and the text still there.
    wrong = {**_answer(response), "challenge_answer": "99"}
    again = post(client, station, content="第三条：公园厕所晚上不开门，很不方便。", **wrong)
    assert again.status_code == 429 and "not the right answer" in again.content.decode()
    assert Opinion.objects.count() == 2
    # The right answer sends it.
    sent = post(client, station, content="第三条：公园厕所晚上不开门，很不方便。", **_answer(again))
    assert sent.status_code == 302
    assert Opinion.objects.count() == 3
    # Another address is not affected.
    assert post(client, station, address="10.0.0.2").status_code == 302


@override_settings(
    CONGRESS_RULES={
        **__import__("django.conf").conf.settings.CONGRESS_RULES,
        "OPINION_RATE_PER_STATION": 2,
    }
)
def test_over_the_limit_per_station_asks_a_question_and_nothing_more_is_stored(client, station):
    for i in range(2):
        assert post(client, station, address=f"10.1.0.{i}").status_code == 302
    response = post(client, station, address="10.1.0.9")
    assert response.status_code == 429
    assert response.context["challenge"] is not None
    assert Opinion.objects.count() == 2
    other = StationFactory()
    assert post(client, other, address="10.1.0.10").status_code == 302
    assert post(client, station, address="10.1.0.9", **_answer(response)).status_code == 302


def test_the_question_is_in_chinese_by_default(client, station, settings):
    from django.utils import translation

    settings.CONGRESS_RULES = {**settings.CONGRESS_RULES, "OPINION_RATE_PER_ADDRESS": 0}
    with translation.override("zh-hans"):
        response = client.post(f"/opinions/new/?station={station.pk}", GOOD, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    page = response.content.decode()
    assert "还差一步" in page and "等于几" in page
    assert GOOD["content"] in page
    assert Opinion.objects.count() == 0


def test_the_form_rejects_other_methods(client, station):
    assert client.put(f"/opinions/new/?station={station.pk}").status_code == 405


def test_a_deputy_whose_mandate_ended_has_no_form(client, db):
    import datetime

    ended = DeputyFactory(status="ended", ended_on=datetime.date(2022, 6, 1))
    assert client.get(f"/opinions/new/?deputy={ended.pk}").status_code == 404


def test_the_submission_needs_csrf(station):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(f"/opinions/new/?station={station.pk}", GOOD)
    assert response.status_code == 403
    assert Opinion.objects.count() == 0


def test_an_uploaded_png_is_small_enough_for_these_tests():
    assert len(png_bytes()) < 1000
