"""The back office for congress-wide data, and the handling-unit spreadsheet."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from import_export.formats.base_formats import XLSX

from congress.kit.importing import CSV
from congress.kit.privacy import mask_phone
from congress.models import Organisation, Term
from congress.resources import OrganisationResource
from tests.factories import (
    CategoryFactory,
    MeetingFactory,
    OrganisationFactory,
    SessionFactory,
    TermFactory,
    TownFactory,
)


def make_terms(n):
    first = Term.objects.count() + 1
    for number in range(first, first + n):
        TermFactory(number=number)


def make_organisations(n):
    for organisation in OrganisationFactory.create_batch(n, town=TownFactory()):
        organisation.parent = OrganisationFactory(town=TownFactory())
        organisation.save()


CHANGELISTS = {
    "term": make_terms,
    "session": lambda n: SessionFactory.create_batch(n),
    "meeting": lambda n: MeetingFactory.create_batch(n),
    "town": lambda n: TownFactory.create_batch(n),
    "organisation": make_organisations,
    "category": lambda n: CategoryFactory.create_batch(n),
}


@pytest.mark.parametrize("model", CHANGELISTS)
def test_changelist_query_count_does_not_grow_with_rows(staff_client, model, count_queries):
    url = f"/admin/congress/{model}/"
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
    assert staff_client.get(f"/admin/congress/{model}/add/").status_code == 200
    assert staff_client.get(f"/admin/congress/{model}/?q=1").status_code == 200


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("", ""),
        ("12345", "*****"),
        ("057312345678", "057*****5678"),
    ],
)
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


# Handling units: import and export


HEADERS = ["名称", "简称", "类型", "上级单位", "镇街道", "启用"]


def xlsx(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_units_import_with_a_parent_listed_above_its_children(db):
    TownFactory(name="乍浦镇")
    rows = [
        HEADERS,
        ["平湖市人民政府", "市政府", "government", "", "", "是"],
        ["平湖市教育局", "教育局", "政府部门", "平湖市人民政府", "", "启用"],
        ["乍浦镇人民政府", "", "town", "", "乍浦镇", "否"],
    ]

    result = OrganisationResource().import_data(XLSX().create_dataset(xlsx(rows)))

    assert not result.has_validation_errors() and not result.has_errors()
    education = Organisation.objects.get(name="平湖市教育局")
    assert education.parent.name == "平湖市人民政府"
    assert education.kind == "government" and education.active
    zhapu = Organisation.objects.get(name="乍浦镇人民政府")
    assert zhapu.town.name == "乍浦镇" and not zhapu.active


def test_unit_import_lists_every_bad_row_and_writes_nothing(db):
    rows = [
        HEADERS,
        ["平湖市教育局", "", "government", "无此单位", "", "是"],
        ["平湖市卫健局", "", "hospital", "", "无此镇", "也许"],
    ]

    with translation.override("en"):
        result = OrganisationResource().import_data(XLSX().create_dataset(xlsx(rows)))

    assert Organisation.objects.count() == 0
    errors = {row.number: row.error_dict for row in result.invalid_rows}
    assert errors[2] == {"上级单位": ["Row 2, column “上级单位”: “无此单位” does not exist."]}
    assert set(errors[3]) == {"类型", "镇街道", "启用"}
    assert "也许" in errors[3]["启用"][0]


def test_admin_imports_units_from_csv_after_a_preview(staff_client):
    text = io.StringIO()
    csv.writer(text).writerows([HEADERS, ["平湖市财政局", "财政局", "government", "", "", "是"]])
    upload = SimpleUploadedFile("units.csv", text.getvalue().encode("gb18030"))

    preview = staff_client.post(
        "/admin/congress/organisation/import/", {"import_file": upload, "format": "1"}
    )
    assert Organisation.objects.count() == 0
    response = staff_client.post(
        "/admin/congress/organisation/process_import/", preview.context["confirm_form"].initial
    )

    assert response.status_code == 302
    assert Organisation.objects.get().short_name == "财政局"


def test_unit_export_reads_back(db):
    parent = OrganisationFactory(name="平湖市人民政府")
    OrganisationFactory(name="-平湖市教育局", parent=parent, town=TownFactory(name="当湖街道"))

    exported = CSV().export_data(OrganisationResource().export())

    assert exported.startswith("\ufeff名称,简称,类型,上级单位,镇街道,启用")
    assert "'-平湖市教育局" in exported
    result = OrganisationResource().import_data(CSV().create_dataset(exported.encode("utf-8")))
    assert not result.has_validation_errors() and result.totals["skip"] == 2
