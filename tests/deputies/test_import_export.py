"""Deputy and liaison-station spreadsheets: import with row-by-row errors, export without formulas."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.utils import translation
from import_export.formats.base_formats import XLSX

from congress.kit.importing import CSV
from deputies.models import Deputy, LiaisonStation
from deputies.resources import DeputyResource, LiaisonStationResource, PublicDeputyResource
from tests.factories import (
    DelegationFactory,
    DeputyFactory,
    DeputyGroupFactory,
    TermFactory,
    TownFactory,
)

HEADERS = ["代表证号", "姓名", "性别", "民族", "党派", "职务", "代表团", "代表小组", "状态", "手机",
           "身份证号", "出生日期"]  # fmt: skip


def xlsx_bytes(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx(rows):
    return XLSX().create_dataset(xlsx_bytes(rows))


def csv_dataset(rows, encoding="utf-8-sig"):
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return CSV().create_dataset(text.getvalue().encode(encoding))


def id_for(card: str, born="19800102") -> str:
    """A valid resident ID number (GB 11643 check digit) for a card number such as P001."""
    body = f"330482{born}{int(''.join(c for c in str(card) if c.isdigit()) or 0) % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def deputy_row(card="P001", name="张三", gender="男", delegation="当湖街道代表团", groups="第一小组",
               status="在任", phone="13812345678", id_number=None,
               birth="1980-01-02"):  # fmt: skip
    id_number = id_for(card) if id_number is None else id_number
    return [card, name, gender, "汉族", "中共党员", "平湖市某公司总经理", delegation, groups, status,
            phone, id_number, birth]  # fmt: skip


def errors_by_row(result):
    return {row.number: row.error_dict for row in result.invalid_rows}


@pytest.fixture
def term(db):
    return TermFactory(start_date=datetime.date(2022, 1, 1), end_date=None)


@pytest.fixture
def dangHu(term):
    return DelegationFactory(term=term, town=TownFactory(name="当湖街道"))


@pytest.fixture
def groups(term):
    return [DeputyGroupFactory(term=term, name=name) for name in ("第一小组", "第二小组")]


def test_good_xlsx_creates_deputies_with_delegation_and_groups(dangHu, groups):
    rows = [HEADERS, deputy_row(), deputy_row("P002", "李四", "女", groups="第一小组、第二小组")]

    result = DeputyResource().import_data(xlsx(rows))

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 2
    zhang, li = Deputy.objects.order_by("card_number")
    assert (zhang.name, zhang.gender, zhang.delegation, zhang.term) == (
        "张三",
        "M",
        dangHu,
        dangHu.term,
    )
    assert zhang.birth_date == datetime.date(1980, 1, 2)
    assert zhang.status == Deputy.Status.SERVING
    assert list(zhang.groups.all()) == [groups[0]]
    assert set(li.groups.all()) == set(groups)
    assert li.gender == "F"


def test_reimport_updates_by_card_number_without_duplicates(dangHu, groups):
    DeputyResource().import_data(xlsx([HEADERS, deputy_row(groups="第一小组")]))

    result = DeputyResource().import_data(
        xlsx([HEADERS, deputy_row(name="张叁", phone="13900001111", groups="第二小组")])
    )

    assert result.totals["update"] == 1 and result.totals["new"] == 0
    deputy = Deputy.objects.get()
    assert (deputy.name, deputy.phone) == ("张叁", "13900001111")
    assert list(deputy.groups.all()) == [groups[1]]


def test_unknown_delegation_writes_nothing_and_names_row_column_value(dangHu, groups):
    rows = [HEADERS, deputy_row(), deputy_row("P002"), deputy_row("P003"),
            deputy_row("P004", delegation="XX代表团")]  # fmt: skip

    result = DeputyResource().import_data(xlsx(rows))

    assert Deputy.objects.count() == 0
    assert list(errors_by_row(result)) == [5]  # the header is row 1
    (message,) = errors_by_row(result)[5]["代表团"]
    assert "5" in message and "代表团" in message and "XX代表团" in message


def test_every_bad_row_is_listed(dangHu, groups):
    rows = [
        HEADERS,
        deputy_row("P001", phone="12345"),
        deputy_row("P002"),
        deputy_row("P003", groups="第一小组、第九小组"),
        deputy_row("P004", gender="未知"),
        deputy_row("P005", birth="1980-13-45", id_number="123"),
    ]

    result = DeputyResource().import_data(xlsx(rows))

    assert Deputy.objects.count() == 0
    errors = errors_by_row(result)
    assert set(errors) == {2, 4, 5, 6}
    assert "12345" in errors[2]["手机"][0]
    assert "第九小组" in errors[4]["代表小组"][0] and "第一小组" not in errors[4]["代表小组"][0]
    assert "未知" in errors[5]["性别"][0]
    assert set(errors[6]) == {"出生日期", "身份证号"}
    for row, by_column in errors.items():
        for column, messages in by_column.items():
            assert all(str(row) in m and column in m for m in messages)


def test_errors_read_as_sentences(dangHu, groups):
    rows = [HEADERS, deputy_row(delegation="XX代表团", phone="")]

    with translation.override("en"):
        result = DeputyResource().import_data(xlsx(rows))

    assert errors_by_row(result)[2] == {
        "代表团": ["Row 2, column “代表团”: “XX代表团” does not exist."]
    }


def test_choices_accept_the_value_and_the_labels(dangHu, groups):
    rows = [HEADERS, deputy_row("P1", gender="F"), deputy_row("P2", gender="female"),
            deputy_row("P3", gender="女"), deputy_row("P4", gender="Male")]  # fmt: skip

    DeputyResource().import_data(xlsx(rows))

    assert list(Deputy.objects.order_by("card_number").values_list("gender", flat=True)) == [
        "F", "F", "F", "M"
    ]  # fmt: skip


def test_ended_status_needs_its_date(dangHu, groups):
    headers = [*HEADERS, "终止日期"]
    rows = [headers, [*deputy_row("P1", status="终止"), None],
            [*deputy_row("P2", status="终止"), "2023-06-30"]]  # fmt: skip

    result = DeputyResource().import_data(xlsx(rows))

    assert list(errors_by_row(result)) == [2]
    assert list(errors_by_row(result)[2]) == ["终止日期"]


def test_a_card_number_twice_in_one_file_is_an_error(dangHu, groups):
    rows = [HEADERS, deputy_row("P1"), deputy_row("P2"), deputy_row("P1", name="王五")]

    result = DeputyResource().import_data(xlsx(rows))

    assert Deputy.objects.count() == 0
    (message,) = errors_by_row(result)[4]["代表证号"]
    assert "P1" in message and "2" in message


def test_a_missing_required_column_is_reported_once(dangHu):
    rows = [["代表证号", "姓名"], ["P1", "张三"]]

    result = DeputyResource().import_data(xlsx(rows))

    assert result.has_errors() and Deputy.objects.count() == 0
    (error,) = result.base_errors
    assert "性别" in str(error.error) and "代表团" in str(error.error)


def test_blank_rows_below_the_data_are_ignored(dangHu, groups):
    rows = [HEADERS, deputy_row(), [None] * len(HEADERS), [""] * len(HEADERS)]

    result = DeputyResource().import_data(xlsx(rows))

    assert not result.has_validation_errors()
    assert Deputy.objects.count() == 1


def test_numbers_typed_as_numbers_read_as_text(dangHu, groups):
    rows = [HEADERS, deputy_row(card=1001, phone=13812345678, birth=datetime.date(1980, 1, 2))]

    result = DeputyResource().import_data(xlsx(rows))

    assert not result.has_validation_errors()
    assert Deputy.objects.values_list("card_number", "phone").get() == ("1001", "13812345678")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_imports_in_the_encodings_excel_writes(dangHu, groups, encoding):
    rows = [HEADERS, deputy_row(), deputy_row("P002", "李四", "女", birth="1981/2/3",
                                              id_number=id_for("P002", "19810203"))]  # fmt: skip

    result = DeputyResource().import_data(csv_dataset(rows, encoding))

    assert not result.has_validation_errors() and not result.has_errors()
    assert Deputy.objects.get(card_number="P002").birth_date == datetime.date(1981, 2, 3)


def test_csv_errors_are_reported_the_same_way(dangHu, groups):
    rows = [HEADERS, deputy_row(), deputy_row("P002", delegation="XX代表团")]

    result = DeputyResource().import_data(csv_dataset(rows))

    assert Deputy.objects.count() == 0
    assert "XX代表团" in errors_by_row(result)[3]["代表团"][0]


def test_delegation_is_looked_up_in_the_current_term_only(dangHu, groups):
    old_term = TermFactory(number=15, start_date=datetime.date(2017, 1, 1),
                           end_date=datetime.date(2021, 12, 31))  # fmt: skip
    DelegationFactory(term=old_term, town=TownFactory(name="钟埭街道"))

    result = DeputyResource().import_data(xlsx([HEADERS, deputy_row(delegation="钟埭街道代表团")]))

    assert "代表团" in errors_by_row(result)[2]


def test_dry_run_writes_nothing_and_previews_the_rows(dangHu, groups):
    result = DeputyResource().import_data(xlsx([HEADERS, deputy_row()]), dry_run=True)

    assert result.totals["new"] == 1 and Deputy.objects.count() == 0


# Export


def test_export_escapes_formulae_in_xlsx_and_csv(dangHu):
    DeputyFactory(term=dangHu.term, delegation=dangHu, name='=HYPERLINK("http://evil","x")',
                  occupation="+1 总经理", constituency="@SUM(A1)")  # fmt: skip

    book = openpyxl.load_workbook(io.BytesIO(XLSX().export_data(DeputyResource().export())))
    cells = [cell.value for row in book.active.iter_rows(min_row=2) for cell in row]
    text = CSV().export_data(DeputyResource().export())

    for value in cells + [
        cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row
    ]:
        assert not str(value or "").startswith(("=", "+", "@"))
    assert "'=HYPERLINK" in text
    assert "None" not in cells  # empty cells stay empty


def test_an_export_imports_back_unchanged(dangHu, groups):
    deputy = DeputyFactory(
        term=dangHu.term,
        delegation=dangHu,
        name="=张三",
        ended_on=None,
        id_number=id_for("P9"),
        birth_date=datetime.date(1980, 1, 2),
    )
    deputy.groups.set(groups)
    exported = XLSX().export_data(DeputyResource().export())

    result = DeputyResource().import_data(XLSX().create_dataset(exported))

    # Every value, groups and the formula-like name included, reads back as it was.
    assert not result.has_validation_errors()
    assert result.totals["skip"] == 1 and result.totals["update"] == 0


def test_unchanged_rows_are_skipped_and_changed_ones_updated(dangHu, groups):
    DeputyResource().import_data(xlsx([HEADERS, deputy_row("P1"), deputy_row("P2")]))

    result = DeputyResource().import_data(
        xlsx([HEADERS, deputy_row("P1"), deputy_row("P2", groups="第二小组")])
    )

    assert (result.totals["skip"], result.totals["update"]) == (1, 1)
    assert [row.object_repr for row in result.rows] == ["张三"]  # the preview lists changes only
    assert list(Deputy.objects.get(card_number="P2").groups.all()) == [groups[1]]


def test_public_resource_has_no_private_columns(dangHu, count_queries):
    for _ in range(5):
        DeputyFactory(term=dangHu.term, delegation=dangHu)

    with count_queries.capture() as queries:
        dataset = PublicDeputyResource().export(queryset=Deputy.objects.all())
    # 3 queries: the count, the deputies (foreign keys joined), their groups prefetched.
    assert len(queries) <= 3

    assert not {"手机", "身份证号", "出生日期"} & set(dataset.headers)
    assert "13912345678" not in dataset.export("csv")
    assert {"手机", "身份证号", "出生日期"} <= set(DeputyResource().export().headers)


# Liaison stations


STATION_HEADERS = ["名称", "镇街道", "层级", "地址", "开放时间", "电话", "驻站代表", "简介"]


def test_station_import_finds_deputies_by_name_or_card_number(dangHu):
    zhang = DeputyFactory(term=dangHu.term, delegation=dangHu, name="张三")
    li = DeputyFactory(term=dangHu.term, delegation=dangHu, name="李四", card_number="C9")
    rows = [STATION_HEADERS, ["当湖街道人大代表联络站", "当湖街道", "central", "当湖路1号", "周一",
                              "0573-1234567", "张三, C9", "简介"]]  # fmt: skip

    result = LiaisonStationResource().import_data(xlsx(rows))

    assert not result.has_validation_errors()
    station = LiaisonStation.objects.get()
    assert station.tier == LiaisonStation.Tier.CENTRAL and station.town.name == "当湖街道"
    assert set(station.deputies.all()) == {zhang, li}


def test_station_import_asks_for_the_card_number_of_a_shared_name(dangHu):
    DeputyFactory.create_batch(2, term=dangHu.term, delegation=dangHu, name="张伟")
    rows = [STATION_HEADERS, ["联络站", "当湖街道", "", "当湖路1号", "", "", "张伟", ""],
            ["联络站2", "无此镇", "", "地址", "", "", "", ""]]  # fmt: skip

    result = LiaisonStationResource().import_data(xlsx(rows))

    assert LiaisonStation.objects.count() == 0
    errors = errors_by_row(result)
    assert "张伟" in errors[2]["驻站代表"][0]
    assert "无此镇" in errors[3]["镇街道"][0]


def test_an_import_interrupted_halfway_leaves_nothing_half_written(dangHu, groups):
    """The database fails while the groups of the rows are being written: the deputies that
    were already inserted are rolled back with them."""
    from unittest import mock

    from django.db import OperationalError
    from import_export.exceptions import ImportError as ImportFailed

    rows = [HEADERS] + [deputy_row(f"P{n:03d}", f"代表{n}") for n in range(1, 30)]
    through = Deputy.groups.through
    written_before_failure = []

    def fail(*args, **kwargs):
        written_before_failure.append(Deputy.objects.count())
        raise OperationalError("server closed the connection")

    with mock.patch("congress.kit.importing.fast_bulk_create", side_effect=fail):
        with pytest.raises(ImportFailed, match="server closed the connection"):
            DeputyResource().import_data(xlsx(rows), raise_errors=True)
    assert written_before_failure == [29]  # the deputies were in, inside the transaction
    assert not Deputy.objects.exists()
    assert not through.objects.exists()
