"""Attacks on the opinion form's limits, and the reception day they must not stop.

Before: 13 addresses × 5 posts filled a station's hourly quota in 1.5 s and a genuine resident
then got 429 — losing what they typed — for up to an hour; with CLIENT_IP_HEADER set one
client forged 12 addresses; the 5th and 6th residents sending from one address at a reception
day were refused. Now a limit asks a question a person answers, keeps the text and the photos,
and a reception session lifts the per-address limit for its station.
"""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from deputies.models import ReceptionSession
from proposals.models import Opinion, OpinionPhoto
from tests.factories import DeputyFactory, StaffFactory, StationFactory, UserFactory

pytestmark = pytest.mark.django_db

TEXT = "小区门口的路灯坏了一个多月，晚上老人出门很不安全，请尽快修好。"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _send(station, address, *, content=TEXT, photos=(), forwarded=None, **extra):
    client = Client(REMOTE_ADDR=address)
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    data = {"category": "roads", "content": content, "consent": "on", **extra}
    if photos:
        data["photos"] = list(photos)
    return client.post(f"/opinions/new/?station={station.pk}", data, **headers)


def _answer(response) -> dict:
    challenge = response.context["challenge"]
    a, b = (int(n) for n in re.findall(r"\d+", str(challenge.question)))
    return {"challenge": challenge.token, "challenge_answer": str(a + b)}


@pytest.fixture
def station():
    return StationFactory()


def test_a_flood_from_many_addresses_does_not_shut_the_station_for_a_resident(station):
    answers = [
        _send(station, f"198.51.100.{n}", content=f"{TEXT}（第{n}-{i}条）").status_code
        for n in range(13)
        for i in range(5)
    ]
    assert answers.count(302) == 60 and answers.count(429) == 5
    resident = _send(station, "203.0.113.7")
    assert resident.status_code == 429  # asked, not refused
    page = resident.content.decode()
    assert TEXT in page and 'name="challenge_answer"' in page
    sent = _send(station, "203.0.113.7", **_answer(resident))
    assert sent.status_code == 302
    assert Opinion.objects.filter(content=TEXT).count() == 1


def test_an_answer_is_good_for_one_post_only(station, settings):
    settings.CONGRESS_RULES = {**settings.CONGRESS_RULES, "OPINION_RATE_PER_STATION": 0}
    asked = _send(station, "203.0.113.7")
    answer = _answer(asked)
    assert _send(station, "203.0.113.7", **answer).status_code == 302
    assert _send(station, "203.0.113.7", content=TEXT + "再发一次", **answer).status_code == 429
    forged = {**answer, "challenge": answer["challenge"][:-2] + "xx"}
    assert _send(station, "203.0.113.7", content=TEXT + "伪造", **forged).status_code == 429
    assert Opinion.objects.count() == 1


def test_forged_forwarded_addresses_from_an_untrusted_client_count_as_one(station, settings):
    settings.CONGRESS_RULES = {
        **settings.CONGRESS_RULES,
        "CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR",
    }
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    answers = [
        _send(station, "198.51.100.66", content=f"{TEXT}{n}", forwarded=f"192.0.2.{n}").status_code
        for n in range(12)
    ]
    assert answers[:5] == [302] * 5
    assert set(answers[5:]) == {429}
    # Through the trusted proxy, each resident's own address counts.
    for n in range(6):
        response = _send(station, "10.0.0.5", content=f"{TEXT}{n}", forwarded=f"203.0.113.{n}")
        assert response.status_code == 302


def test_six_residents_on_the_station_wifi_all_get_through_during_a_reception_session(station):
    deputy = DeputyFactory(user=UserFactory())
    station.deputies.add(deputy)
    workspace = Client()
    workspace.force_login(deputy.user)
    opened = workspace.post(f"/portal/stations/{station.pk}/reception-session/", {"action": "open"})
    assert opened.status_code == 302
    assert ReceptionSession.objects.open().filter(station=station).exists()
    home = workspace.get("/portal/").content.decode()
    assert "接待时段" in home

    for n in range(6):
        response = _send(station, "203.0.113.50", content=f"{TEXT}（居民{n + 1}）")
        assert response.status_code == 302, n
    assert Opinion.objects.count() == 6

    # Closed again: the per-address limit is back (the session's posts did not count).
    workspace.post(f"/portal/stations/{station.pk}/reception-session/", {"action": "close"})
    assert not ReceptionSession.objects.open().exists()
    for n in range(5):
        assert _send(station, "203.0.113.50", content=f"{TEXT}（散客{n}）").status_code == 302
    asked = _send(station, "203.0.113.50", content=f"{TEXT}（散客6）")
    assert asked.status_code == 429 and f"{TEXT}（散客6）" in asked.content.decode()


def test_only_a_deputy_of_the_station_opens_its_session(station):
    stranger = DeputyFactory(user=UserFactory())
    workspace = Client()
    workspace.force_login(stranger.user)
    response = workspace.post(f"/portal/stations/{station.pk}/reception-session/")
    assert response.status_code == 404
    assert not ReceptionSession.objects.exists()


def test_staff_open_a_session_from_the_admin(station):
    staff = Client()
    staff.force_login(StaffFactory())
    response = staff.post(
        "/admin/deputies/liaisonstation/",
        {"action": "open_reception_session", "_selected_action": [station.pk]},
        follow=True,
    )
    assert response.status_code == 200
    session = ReceptionSession.objects.open().get(station=station)
    assert 3.9 < (session.ends_at - session.opened_at).total_seconds() / 3600 <= 4
    for n in range(6):
        assert _send(station, "203.0.113.50", content=f"{TEXT}{n}").status_code == 302


def test_an_abusive_burst_is_refused_with_the_text_kept(station):
    answers = [_send(station, "198.51.100.9", content=f"{TEXT}{n}").status_code for n in range(31)]
    assert answers[:5] == [302] * 5 and set(answers[5:]) == {429}
    refused = _send(
        station,
        "198.51.100.9",
        content="这一条是真的：桥下积水很深。" * 2,
        photos=[SimpleUploadedFile("积水.png", _png(), "image/png")],
    )
    assert refused.status_code == 429
    assert "Retry-After" in refused
    page = refused.content.decode()
    assert "这一条是真的：桥下积水很深。" in page
    assert "积水.png" in page  # says which photo to choose again
    assert "challenge_answer" not in page
    assert Opinion.objects.count() == 5


def test_photos_are_kept_while_the_resident_answers_the_question(station, settings):
    settings.CONGRESS_RULES = {**settings.CONGRESS_RULES, "OPINION_RATE_PER_ADDRESS": 0}
    photo = SimpleUploadedFile("crack.png", _png(), "image/png")
    asked = _send(station, "203.0.113.7", photos=[photo])
    assert asked.status_code == 429
    kept = asked.context["kept_photos"]
    assert kept and asked.context["kept_photo_count"] == 1
    assert OpinionPhoto.objects.count() == 0
    sent = _send(station, "203.0.113.7", kept_photos=kept, **_answer(asked))
    assert sent.status_code == 302
    opinion = Opinion.objects.get()
    assert opinion.photos.count() == 1


def test_a_form_with_a_mistake_keeps_the_photos_too(station):
    photo = SimpleUploadedFile("crack.png", _png(), "image/png")
    mistake = _send(station, "203.0.113.7", content="太短", photos=[photo])
    assert mistake.status_code == 200
    kept = mistake.context["kept_photos"]
    assert kept
    sent = _send(station, "203.0.113.7", kept_photos=kept)
    assert sent.status_code == 302
    assert Opinion.objects.get().photos.count() == 1


def test_a_kept_photos_token_cannot_name_other_files(station):
    from django.core import signing

    from proposals.opinions.services import PENDING_PHOTOS_SALT

    forged = signing.dumps(["opinions/2026/01/someone-elses.png"], salt=PENDING_PHOTOS_SALT + "x")
    assert _send(station, "203.0.113.7", kept_photos=forged).status_code == 302
    assert OpinionPhoto.objects.count() == 0
