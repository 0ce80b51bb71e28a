"""Deputies and staff log in at /accounts/login/; repeated failures lock the account for a while."""

import pytest
from django.contrib.auth import get_user_model

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _attempt(client, password):
    return client.post("/accounts/login/", {"username": "ph16-001", "password": password})


def test_login_with_the_right_password_redirects_home(client):
    UserFactory(username="ph16-001")
    response = _attempt(client, "pw-for-tests")
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_wrong_password_rerenders_the_form_with_a_message(client):
    UserFactory(username="ph16-001")
    response = _attempt(client, "wrong")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_failures_lock_the_account_even_for_the_right_password(client):
    UserFactory(username="ph16-001")
    for _ in range(5):
        _attempt(client, "wrong")
    response = _attempt(client, "pw-for-tests")
    assert response.status_code == 429
    html = response.content.decode()
    assert "15" in html and "分钟" in html
    assert "_auth_user_id" not in client.session


def test_a_success_resets_the_failure_count(client):
    UserFactory(username="ph16-001")
    for _ in range(4):
        _attempt(client, "wrong")
    assert _attempt(client, "pw-for-tests").status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        _attempt(client, "wrong")
    assert _attempt(client, "pw-for-tests").status_code == 302


def test_login_form_has_csrf_protection(db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    UserFactory(username="ph16-001")
    response = strict.post("/accounts/login/", {"username": "ph16-001", "password": "pw-for-tests"})
    assert response.status_code == 403
    assert get_user_model().objects.get(username="ph16-001").last_login is None


def test_a_deputy_lands_in_the_workspace_and_staff_in_the_admin(client):
    """Without a `next`, each role lands where its day starts, not on the public home page."""
    from tests.factories import DeputyFactory, StaffFactory

    DeputyFactory(user=UserFactory(username="ph16-002"))
    response = client.post("/accounts/login/", {"username": "ph16-002", "password": "pw-for-tests"})
    assert response["Location"] == "/portal/"
    assert client.get("/portal/").status_code == 200
    client.logout()
    StaffFactory(username="office")
    response = client.post("/accounts/login/", {"username": "office", "password": "pw-for-tests"})
    assert response["Location"] == "/admin/"
    client.logout()
    response = client.post(
        "/accounts/login/",
        {"username": "ph16-002", "password": "pw-for-tests", "next": "/suggestions/"},
    )
    assert response["Location"] == "/suggestions/"
