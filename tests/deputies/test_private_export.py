"""Deputies' private columns (phone, ID number, birth date) leave the admin only for staff with
their own permission, never by default, and every such export is logged without the data."""

import pytest
from django.contrib.auth.models import Permission

from deputies.models import PrivateExport
from deputies.resources import DeputyResource, PublicDeputyResource
from tests.deputies.test_admin import export_form
from tests.factories import DeputyFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

PHONE, ID_NUMBER = "13812345678", "33048219800101123X"


def staff_with(client, *codenames):
    user = UserFactory(username="office-clerk", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.post(
        "/admin/login/",
        {"username": "office-clerk", "password": "pw-for-tests", "next": "/admin/"},
    )
    return user


def test_the_export_form_offers_the_public_columns_by_default(client):
    StaffFactory(username="boss")
    client.post("/admin/login/", {"username": "boss", "password": "pw-for-tests"})
    DeputyFactory.create_batch(2, phone=PHONE, id_number=ID_NUMBER)

    response = client.get("/admin/deputies/deputy/export/")
    form = response.context["form"]

    assert form.resources == [PublicDeputyResource, DeputyResource]
    assert str(form["resource"].value() or "0") == "0"
    # Posting the form as it comes (first resource) exports public columns only, unlogged.
    exported = client.post("/admin/deputies/deputy/export/", export_form(PublicDeputyResource, "1"))
    text = exported.content.decode("utf-8-sig")
    assert "代表证号" in text and PHONE not in text and ID_NUMBER not in text
    assert not PrivateExport.objects.exists()


def test_staff_who_may_edit_deputies_cannot_get_private_columns_by_crafting_the_post(client):
    staff_with(client, "view_deputy", "change_deputy")
    DeputyFactory(phone=PHONE, id_number=ID_NUMBER)

    form = client.get("/admin/deputies/deputy/export/").context["form"]
    crafted = export_form(DeputyResource, "1")  # resource=1 and every private column ticked
    response = client.post("/admin/deputies/deputy/export/", crafted)

    assert form.resources == [PublicDeputyResource]
    body = response.content.decode("utf-8-sig")
    assert PHONE not in body and ID_NUMBER not in body and "身份证号" not in body
    assert not PrivateExport.objects.exists()


def test_a_private_export_is_logged_with_who_when_and_how_many_rows(client):
    user = staff_with(client, "view_deputy", "export_private_deputy")
    DeputyFactory.create_batch(3, phone=PHONE, id_number=ID_NUMBER)

    response = client.post("/admin/deputies/deputy/export/", export_form(DeputyResource, "1"))

    assert PHONE in response.content.decode("utf-8-sig")
    log = PrivateExport.objects.get()
    assert (log.user, log.username, log.rows, log.file_format) == (user, "office-clerk", 3, "csv")
    values = [str(v) for v in PrivateExport.objects.values().get().values()]
    assert not any(PHONE in v or ID_NUMBER in v for v in values)
    # Staff read the log in the admin (in Chinese), and cannot edit it.
    StaffFactory(username="boss")
    client.post("/admin/login/", {"username": "boss", "password": "pw-for-tests"})
    page = client.get("/admin/deputies/privateexport/").content.decode()
    assert "office-clerk" in page
    assert client.get(f"/admin/deputies/privateexport/{log.pk}/change/").status_code == 200
    assert (
        "_save"
        not in client.get(f"/admin/deputies/privateexport/{log.pk}/change/").content.decode()
    )
