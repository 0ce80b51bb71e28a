"""Residents' photos are served as inert, private images, in the admin and in the portal."""

import re

import pytest
from django.contrib.auth.models import Permission

from proposals.opinions import services
from tests.factories import UserFactory
from tests.opinions.conftest import upload


@pytest.fixture
def opinion(station):
    return services.opinion_submit(
        source="station_qr",
        station=station,
        category="roads",
        content="路面坑洼积水请修补一下",
        photos=[upload()],
        consent=True,
    )


def assert_inert_image(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_staff_open_a_photo_from_the_opinions_admin_page(client, opinion):
    user = UserFactory(username="office-viewer", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="view_opinion"),
        Permission.objects.get(codename="handle_opinion"),
    )
    client.post("/admin/login/", {"username": "office-viewer", "password": "pw-for-tests"})
    page = client.get(f"/admin/proposals/opinion/{opinion.pk}/change/").content.decode()
    links = re.findall(r'href="([^"]*/photos/\d+/)"', page)
    assert len(links) == 1
    assert_inert_image(client.get(links[0]))


def test_a_visitor_who_is_not_staff_never_gets_the_photo(client, opinion):
    photo = opinion.photos.get()
    url = f"/admin/proposals/opinion/{opinion.pk}/photos/{photo.pk}/"
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.get(photo.image.url).status_code == 404  # /media/ does not serve it


def test_the_deputy_gets_the_photo_inert_too(client, deputy, opinion):
    client.force_login(deputy.user)
    photo = opinion.photos.get()
    assert_inert_image(client.get(f"/en/portal/opinions/{opinion.pk}/photos/{photo.pk}/"))
