"""The logged-in user as every workspace page reads them (issue 15): the session row with plain
SQL (congress.kit.sessions), the user with their deputy and unread notices in one query
(deputies.auth.WorkspaceBackend). What a session may do is unchanged: logging out, a password
change, an expired session or a deactivated account end it."""

import datetime

import pytest
from django.contrib.auth import SESSION_KEY, get_user, get_user_model
from django.contrib.auth.signals import user_login_failed
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from congress.notices.models import Notice
from tests.factories import DeputyFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def deputy():
    return DeputyFactory(user=UserFactory(username="ph16-030"), name="沈永良")


def _logged_in(user, backend=None) -> Client:
    client = Client()
    client.force_login(user, backend=backend)
    return client


def _sent_to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_session_cookie_kept_after_logout_opens_nothing(deputy):
    browser = Client()
    login = {"username": "ph16-030", "password": "pw-for-tests"}
    assert browser.post("/accounts/login/", login).status_code == 302
    stolen = browser.cookies["sessionid"].value  # the cookie as a thief would copy it
    thief = Client()
    thief.cookies["sessionid"] = stolen
    assert thief.get("/portal/").status_code == 200
    browser.post("/accounts/logout/")
    assert _sent_to_login(thief.get("/portal/"))
    assert not Session.objects.filter(session_key=stolen).exists()


def test_a_password_change_ends_the_other_sessions(deputy):
    other = _logged_in(deputy.user)
    assert other.get("/portal/").status_code == 200
    deputy.user.set_password("a-new-password-2026")
    deputy.user.save()
    assert _sent_to_login(other.get("/portal/"))


def test_an_expired_session_is_logged_out(deputy):
    client = _logged_in(deputy.user)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert _sent_to_login(client.get("/portal/"))


def test_a_deactivated_account_is_logged_out(deputy):
    client = _logged_in(deputy.user)
    get_user_model().objects.filter(pk=deputy.user.pk).update(is_active=False)
    assert _sent_to_login(client.get("/portal/"))


def test_the_user_deputy_and_unread_notices_are_one_query(deputy, count_queries):
    """The session row, then the user with their deputy, delegation, term and unread count:
    two queries before the view, whose own are the page's."""
    Notice.objects.create(user=deputy.user, subject="请评价答复", event="reply")
    Notice.objects.create(user=deputy.user, subject="已读", event="reply", read_at=timezone.now())
    client = _logged_in(deputy.user)
    # The session; the user with the deputy and the unread count; the motions' page and,
    # the page being empty, their count.
    assert count_queries(client, "/en/portal/motions/") == 4
    html = client.get("/en/portal/motions/").content.decode()
    assert '<span class="tag">1 unread</span>' in html
    assert "Welcome, 沈永良" in client.get("/en/portal/").content.decode()


def test_the_user_is_read_as_the_orm_reads_them(deputy, rf):
    """Aware datetimes and booleans on both databases; the deputy linked both ways."""
    client = _logged_in(deputy.user)
    request = rf.get("/")
    request.session = client.session
    user = get_user(request)
    orm = get_user_model().objects.get(pk=deputy.user.pk)
    assert user.pk == orm.pk and user.password == orm.password
    assert user.date_joined == orm.date_joined and timezone.is_aware(user.date_joined)
    assert user.last_login == orm.last_login and timezone.is_aware(user.last_login)
    assert user.is_active is True and user.is_staff is False and user.is_superuser is False
    assert user.deputy.pk == deputy.pk and user.deputy.user is user
    assert user.deputy.delegation.name == deputy.delegation.name
    assert user.deputy.term.number == deputy.term.number


def test_an_account_without_a_deputy_has_none_and_is_refused_the_workspace(rf):
    staff = StaffFactory()
    client = _logged_in(staff)
    response = client.get("/portal/")
    assert response.status_code == 403
    request = rf.get("/")
    request.session = client.session
    user = get_user(request)
    assert user.pk == staff.pk and user.is_staff is True
    assert not hasattr(user, "deputy")  # known from the one query: no second one


def test_a_session_from_before_the_workspace_backend_still_works(deputy, count_queries):
    """Sessions logged in through ModelBackend (before this backend) keep working; the deputy
    and the unread notices then cost a query each."""
    client = _logged_in(deputy.user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.session[SESSION_KEY] == str(deputy.user.pk)
    # The session, the user, the deputy, the (empty) page and its count, the unread notices.
    assert count_queries(client, "/en/portal/motions/") == 6


def test_a_wrong_password_is_checked_once_and_counted_as_one_failure(deputy, monkeypatch):
    """WorkspaceBackend stops the chain: ModelBackend, listed for old sessions, does not check
    the same password again."""
    User = get_user_model()
    checks = []
    original = User.check_password

    def check_password(self, raw):
        checks.append(raw)
        return original(self, raw)

    monkeypatch.setattr(User, "check_password", check_password)
    failures = []

    def failed(**kwargs):
        failures.append(kwargs["credentials"]["username"])

    user_login_failed.connect(failed)
    try:
        response = Client().post(
            "/accounts/login/", {"username": "ph16-030", "password": "not-the-password"}
        )
    finally:
        user_login_failed.disconnect(failed)
    assert response.status_code == 200  # the form again, with its message
    assert checks == ["not-the-password"]
    assert failures == ["ph16-030"]
    response = Client().post(
        "/accounts/login/", {"username": "ph16-030", "password": "pw-for-tests"}
    )
    assert response.status_code == 302
