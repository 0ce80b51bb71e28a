"""Staff invite a handling unit's clerk from the unit's admin page; the clerk sets a password
through the mailed link and logs in at /admin/login/ to their unit's items only."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from proposals.models import UnitMembership
from tests.factories import AssignmentFactory, OrganisationFactory, StaffFactory

pytestmark = pytest.mark.django_db


def log_in(client, username, password):
    return client.post(
        "/admin/login/", {"username": username, "password": password, "next": "/admin/"}
    )


def test_staff_invite_a_clerk_who_sets_a_password_and_sees_their_unit(
    client, django_capture_on_commit_callbacks
):
    unit = OrganisationFactory(name="市交通运输局")
    own = AssignmentFactory(organisation=unit).suggestion
    other = AssignmentFactory().suggestion
    StaffFactory(username="office")
    log_in(client, "office", "pw-for-tests")

    page = client.get(f"/admin/congress/organisation/{unit.pk}/change/").content.decode()
    assert "邀请本单位经办人" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/congress/organisation/{unit.pk}/invite-clerk/",
            {"username": "jtj-li", "full_name": "李明", "email": "li@jtj.example.gov.cn"},
            follow=True,
        )
    assert "已将设置密码的链接发送至" in response.content.decode()
    clerk = get_user_model().objects.get(username="jtj-li")
    assert clerk.is_staff and not clerk.is_superuser and not clerk.has_usable_password()
    assert [g.name for g in clerk.groups.all()] == ["承办单位经办人"]
    assert UnitMembership.objects.filter(user=clerk, organisation=unit).exists()
    (message,) = mail.outbox
    assert message.to == ["li@jtj.example.gov.cn"] and "市交通运输局" in message.subject

    # The clerk follows the link, chooses a password, and logs in through the admin's door.
    client.logout()
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(
        set_url,
        {"new_password1": "Jiaotong-2026-pw", "new_password2": "Jiaotong-2026-pw"},
    )
    assert done.status_code == 302
    assert log_in(client, "jtj-li", "Jiaotong-2026-pw").status_code == 302
    changelist = client.get("/admin/proposals/suggestion/").content.decode()
    assert own.title in changelist and other.title not in changelist


def test_a_taken_user_name_is_refused_with_a_clear_error_and_nothing_written(client):
    unit = OrganisationFactory()
    StaffFactory(username="office")
    log_in(client, "office", "pw-for-tests")

    response = client.post(
        f"/admin/congress/organisation/{unit.pk}/invite-clerk/",
        {"username": "office", "full_name": "重名", "email": "x@example.gov.cn"},
    )

    assert "该用户名已被使用" in response.content.decode()
    assert not UnitMembership.objects.exists()
    assert not mail.outbox


def test_a_clerk_cannot_invite(client):
    from tests.factories import UnitMembershipFactory

    membership = UnitMembershipFactory(user__username="clerk")
    log_in(client, "clerk", "pw-for-tests")
    response = client.post(
        f"/admin/congress/organisation/{membership.organisation.pk}/invite-clerk/",
        {"username": "new", "full_name": "新人", "email": "n@example.gov.cn"},
    )
    assert response.status_code == 403
    assert not get_user_model().objects.filter(username="new").exists()
