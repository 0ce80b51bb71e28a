"""The back office for deputies: changelists, privacy, actions, and import/export end to end."""

import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from deputies.models import Activity, Deputy, PointRule
from deputies.resources import DeputyResource, PublicDeputyResource
from tests.factories import (
    ActivityFactory,
    DelegationFactory,
    DeputyFactory,
    DeputyGroupFactory,
    PointRuleFactory,
    ReceptionFactory,
    StationFactory,
    TermFactory,
    TownFactory,
    UserFactory,
)

HEADERS = ["代表证号", "姓名", "性别", "代表团", "代表小组", "手机"]


def make_groups(n):
    for group in DeputyGroupFactory.create_batch(n):
        group.members.set(DeputyFactory.create_batch(2))
        group.leader = group.members.first()
        group.save()


def make_stations(n):
    for station in StationFactory.create_batch(n):
        station.deputies.set(DeputyFactory.create_batch(2))


def make_receptions(n):
    for reception in ReceptionFactory.create_batch(n):
        reception.deputies.set(DeputyFactory.create_batch(2))


def make_point_rules(n):
    start = datetime.date(2000, 1, 1)
    for i in range(PointRule.objects.count(), PointRule.objects.count() + n):
        PointRuleFactory(valid_from=start + datetime.timedelta(days=10 * i),
                         valid_to=start + datetime.timedelta(days=10 * i + 9))  # fmt: skip


CHANGELISTS = {
    "delegation": lambda n: DelegationFactory.create_batch(n),
    "deputy": lambda n: DeputyFactory.create_batch(n),
    "deputygroup": make_groups,
    "liaisonstation": make_stations,
    "reception": make_receptions,
    "activity": lambda n: ActivityFactory.create_batch(n),
    "pointrule": make_point_rules,
}


@pytest.mark.parametrize("model", CHANGELISTS)
def test_changelist_query_count_does_not_grow_with_rows(staff_client, model, count_queries):
    url = f"/admin/deputies/{model}/"
    CHANGELISTS[model](5)
    staff_client.get(url)  # warm the session and content-type caches
    at_5 = count_queries(staff_client, url)

    CHANGELISTS[model](45)

    # 5–9 queries, by model: the session and the user, the changelist's two counts (filtered
    # and all rows), the page of rows with its foreign keys joined, and the choices of each
    # list_filter and the date hierarchy. None per row.
    assert count_queries(staff_client, url) == at_5


@pytest.mark.parametrize("model", CHANGELISTS)
def test_add_and_search_pages_answer(staff_client, model):
    assert staff_client.get(f"/admin/deputies/{model}/add/").status_code == 200
    assert staff_client.get(f"/admin/deputies/{model}/?q=测试").status_code == 200


def test_deputy_changelist_masks_the_phone(staff_client):
    DeputyFactory(phone="13812345678")

    page = staff_client.get("/admin/deputies/deputy/").content.decode()

    assert "138****5678" in page
    assert "13812345678" not in page


def test_deputy_form_keeps_private_fields_apart(staff_client):
    deputy = DeputyFactory()

    response = staff_client.get(f"/admin/deputies/deputy/{deputy.pk}/change/")

    fieldsets = response.context["adminform"].fieldsets
    assert fieldsets[-1][1]["fields"] == ["phone", "id_number", "birth_date"]


def test_mark_verified_action(staff_client):
    activities = ActivityFactory.create_batch(3, verified=False)

    response = staff_client.post(
        "/admin/deputies/activity/",
        {"action": "mark_verified", "_selected_action": [a.pk for a in activities[:2]]},
    )

    assert response.status_code == 302
    assert list(Activity.objects.order_by("pk").values_list("verified", flat=True)) == [
        True, True, False
    ]  # fmt: skip


def test_overlapping_point_rule_is_refused(staff_client):
    PointRuleFactory(valid_from=datetime.date(2022, 1, 1), valid_to=None)

    response = staff_client.post(
        "/admin/deputies/pointrule/add/",
        {"kind": "inspection", "points": "2", "valid_from": "2023-01-01", "note": ""},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["valid_from"]
    assert PointRule.objects.count() == 1


# Import and export through the admin


def upload(rows, name="deputies.xlsx"):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def delegation(db):
    term = TermFactory(start_date=datetime.date(2022, 1, 1), end_date=None)
    DeputyGroupFactory(term=term, name="第一小组")
    return DelegationFactory(term=term, town=TownFactory(name="当湖街道"))


def test_admin_import_of_a_bad_file_shows_every_error_and_writes_nothing(staff_client, delegation):
    rows = [HEADERS, ["P1", "张三", "男", "当湖街道代表团", "第一小组", "13812345678"],
            ["P2", "李四", "女", "XX代表团", "", "13812345678"],
            ["P3", "王五", "男", "当湖街道代表团", "", "12345"]]  # fmt: skip

    response = staff_client.post(
        "/admin/deputies/deputy/import/", {"import_file": upload(rows), "format": "0"}
    )

    assert response.status_code == 200
    assert "confirm_form" not in response.context
    page = response.content.decode()
    assert "XX代表团" in page and "12345" in page
    numbers = [row.number for row in response.context["result"].invalid_rows]
    assert numbers == [3, 4]
    assert Deputy.objects.count() == 0


def test_admin_import_of_a_good_file_previews_then_writes_on_confirmation(staff_client, delegation):
    rows = [HEADERS, ["P1", "张三", "男", "当湖街道代表团", "第一小组", "13812345678"]]

    preview = staff_client.post(
        "/admin/deputies/deputy/import/", {"import_file": upload(rows), "format": "0"}
    )
    assert Deputy.objects.count() == 0
    confirm = preview.context["confirm_form"]

    response = staff_client.post("/admin/deputies/deputy/process_import/", confirm.initial)

    assert response.status_code == 302
    deputy = Deputy.objects.get()
    assert deputy.delegation == delegation and deputy.groups.get().name == "第一小组"


def test_admin_import_reports_a_missing_column_without_a_traceback(staff_client, delegation):
    response = staff_client.post(
        "/admin/deputies/deputy/import/",
        {"import_file": upload([["姓名"], ["张三"]]), "format": "0"},
    )

    page = response.content.decode()
    assert "代表证号" in page and "Traceback" not in page
    assert Deputy.objects.count() == 0


def export_form(resource, file_format):
    index = "1" if resource is DeputyResource else "0"  # the public columns come first
    data = {"format": file_format, "resource": index}
    for field in resource().get_export_order():
        data[f"{resource.__name__.lower()}_{field}"] = "on"
    return data


@pytest.mark.parametrize("file_format", ["0", "1"])  # xlsx, csv
def test_admin_export_escapes_formulae(staff_client, file_format):
    DeputyFactory(name='=HYPERLINK("http://evil.example","点我")', phone="13812345678")

    response = staff_client.post(
        "/admin/deputies/deputy/export/", export_form(DeputyResource, file_format)
    )

    assert response.status_code == 200
    if file_format == "0":
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
        phones = [row[12] for row in sheet.iter_rows(min_row=2, values_only=True)]
    else:
        lines = response.content.decode("utf-8-sig").splitlines()
        names, phones = (
            [lines[1].split(",")[1]],
            ["13812345678" if "13812345678" in lines[1] else ""],
        )
    assert not names[0].startswith("=")
    assert "HYPERLINK" in names[0]
    assert phones == ["13812345678"]  # staff with the export permission get the private columns


def test_staff_who_may_only_view_deputies_export_public_columns_only(client, db):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_deputy"))
    client.force_login(viewer)

    DeputyFactory(phone="13812345678")

    form = client.get("/admin/deputies/deputy/export/").context["form"]
    response = client.post("/admin/deputies/deputy/export/", export_form(PublicDeputyResource, "1"))

    assert form.resources == [PublicDeputyResource]
    exported = response.content.decode("utf-8-sig")
    assert "代表证号" in exported and "手机" not in exported and "13812345678" not in exported
