"""Spreadsheets as a county office keeps them, uploaded through the admin import pages.

Each file is generated here — with openpyxl, as CSV in the encodings Excel and WPS write, or as
xlsx parts written by hand the way Excel and WPS write them — and is either imported exactly
right (rows read back and compared) or refused with a Chinese message, with nothing written.
"""

import codecs
import csv
import datetime
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from congress.kit import sheetfile
from congress.kit.import_jobs import UploadStore
from congress.models import ImportJob
from deputies.models import Deputy, LiaisonStation
from tests.factories import (
    DelegationFactory,
    DeputyFactory,
    DeputyGroupFactory,
    StaffFactory,
    TermFactory,
    TownFactory,
)

IMPORT = "/admin/deputies/deputy/import/"
CONFIRM = "/admin/deputies/deputy/process_import/"
HEADERS = ["代表证号", "姓名", "性别", "民族", "党派", "职务", "代表团", "代表小组", "状态", "手机",
           "身份证号", "出生日期"]  # fmt: skip


def id_for(number: int, born="19800102") -> str:
    body = f"330482{born}{number % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def row(
    n=1, name="张三", party="中共党员", phone="13812345678", id_number=None, birth="1980-01-02"
):
    return [f"P{n:03d}", name, "男", "汉族", party, "某公司职员", "当湖街道代表团", "第一小组",
            "在任", phone, id_for(n) if id_number is None else id_number, birth]  # fmt: skip


def workbook(*sheets, active=0) -> bytes:
    """An xlsx written by openpyxl; each sheet is (title, rows)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for values in rows:
            sheet.append(values)
    book.active = active
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def col(index: int) -> str:
    return "ABCDEFGHIJKLMNOP"[index]


def handmade_xlsx(rows, *, dimension="", inline=False, refs=True, extra_rows="") -> bytes:
    """An xlsx whose parts are written by hand, the way Excel (shared strings, a <dimension>)
    and WPS or OA exports (inline strings, no dimension, cells without references) write them.
    A datetime.date is written as a serial number with a date style, as Excel stores dates."""
    shared, cells_xml = [], []
    for r, values in enumerate(rows, 1):
        cells = []
        for c, value in enumerate(values):
            ref = f' r="{col(c)}{r}"' if refs else ""
            if value is None:
                continue
            if isinstance(value, datetime.date):
                serial = (value - datetime.date(1899, 12, 30)).days
                cells.append(f'<c{ref} s="1"><v>{serial}</v></c>')
            elif isinstance(value, int):
                cells.append(f"<c{ref}><v>{value}</v></c>")
            elif inline:
                cells.append(f'<c{ref} t="inlineStr"><is><t>{value}</t></is></c>')
            else:
                shared.append(value)
                cells.append(f'<c{ref} t="s"><v>{len(shared) - 1}</v></c>')
        cells_xml.append(f'<row r="{r}">{"".join(cells)}</row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{main}" '
        f'xmlns:r="{rel}">{dimension}<sheetData>{"".join(cells_xml)}{extra_rows}</sheetData>'
        "</worksheet>"
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            f'{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}">'
            '<sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            f'{rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="'
            f'{rel}/styles" Target="styles.xml"/><Relationship Id="rId3" Type="{rel}/'
            'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
        ),
        "xl/styles.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{main}"><numFmts count="1">'
            '<numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
            '</numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="176" '
            'applyNumberFormat="1"/></cellXfs></styleSheet>'
        ),
        "xl/worksheets/sheet1.xml": sheet,
    }
    if shared:
        items = "".join(f"<si><t>{text}</t></si>" for text in shared)
        parts["xl/sharedStrings.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{main}" count="{len(shared)}">'
            f"{items}</sst>"
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    return buffer.getvalue()


def csv_bytes(rows, encoding="utf-8-sig", delimiter=",") -> bytes:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows(rows)
    return text.getvalue().encode(encoding)


@pytest.fixture
def admin_client(client, db):
    """A member of staff logged in through the admin's login page."""
    user = StaffFactory(username="clerk")
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "clerk", "password": "pw-for-tests"}
    )
    assert response.status_code == 302
    client.user = user
    return client


@pytest.fixture
def delegation(db):
    term = TermFactory(start_date=datetime.date(2022, 1, 1), end_date=None)
    DeputyGroupFactory(term=term, name="第一小组")
    return DelegationFactory(term=term, town=TownFactory(name="当湖街道"), name="当湖街道代表团")


@pytest.fixture(autouse=True)
def private_uploads(tmp_path, monkeypatch):
    """Uploads kept between preview and confirmation go to a folder this test can look into."""
    monkeypatch.setattr(UploadStore, "__init__", _store_in(tmp_path / "uploads"))
    return tmp_path / "uploads"


def _store_in(folder):
    def init(self):
        self.shared_cache = False
        self.folder = folder

    return init


def upload(client, data: bytes, name="代表名册.xlsx", url=IMPORT):
    return client.post(url, {"import_file": SimpleUploadedFile(name, data)})


def refusal(response) -> str:
    """The page's refusal: the form's error, or the list of bad rows."""
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    form = response.context["form"]
    messages = list(form.errors.get("import_file", []))
    result = response.context.get("result")
    if result is not None:
        messages += [str(e.error) for e in result.base_errors]
        for bad in result.invalid_rows:
            messages += [m for ms in bad.error_dict.values() for m in ms]
    assert messages, "the page shows no refusal"
    return "\n".join(messages)


def import_file(client, data, name="代表名册.xlsx", url=IMPORT, confirm=CONFIRM):
    """Preview, check it offers the import, confirm; the preview response is returned."""
    preview = upload(client, data, name, url)
    assert preview.status_code == 200
    assert "confirm_form" in preview.context, refusal(preview)
    done = client.post(confirm, preview.context["confirm_form"].initial)
    assert done.status_code == 302
    job = client.get(done["Location"])
    assert job.context["job"].status == ImportJob.Status.DONE, job.context["job"].message
    return preview


def deputies():
    return {
        d.card_number: (d.name, d.party, d.phone, d.id_number, d.birth_date, d.occupation)
        for d in Deputy.objects.all()
    }


def expected(n=1, name="张三", party="中共党员", phone="13812345678", born=(1980, 1, 2)):
    return (name, party, phone, id_for(n), datetime.date(*born), "某公司职员")


def assert_nothing_written(private_uploads):
    assert Deputy.objects.count() == 0
    assert not ImportJob.objects.exists()
    assert not private_uploads.exists() or not any(private_uploads.iterdir())


# -- Headers ------------------------------------------------------------------------------------


def test_office_header_wordings_are_understood(admin_client, delegation):
    headers = ["代表证号", "姓名", "性别", "民族", "政治面貌", "工作单位及职务", "代表团", "代表小组",
               "状态", "联系电话", "身份证号码", "出生年月"]  # fmt: skip
    import_file(admin_client, workbook(("Sheet1", [headers, row(1), row(2, "李四")])))

    assert deputies() == {"P001": expected(1), "P002": expected(2, "李四")}


def test_headers_with_notes_in_brackets_and_marks_are_understood(admin_client, delegation):
    headers = ["*代表证号", "姓名：", "性别", "民族", "党派", "职务", "代表团", "代表小组", "状态",
               "手机（号码）", "身份证号(18位)", "出生日期【必填】"]  # fmt: skip
    import_file(admin_client, workbook(("Sheet1", [headers, row(1)])))

    assert deputies() == {"P001": expected(1)}


def test_mobile_number_header_is_understood(admin_client, delegation):
    headers = HEADERS[:9] + ["手机号码"] + HEADERS[10:]
    import_file(admin_client, workbook(("Sheet1", [headers, row(1, phone="13900001111")])))

    assert deputies()["P001"][2] == "13900001111"


def test_an_unknown_column_with_values_is_refused_by_name(
    admin_client, delegation, private_uploads
):
    rows = [HEADERS + ["籍贯"], row(1) + ["浙江平湖"]]

    message = refusal(upload(admin_client, workbook(("Sheet1", rows))))

    assert "“籍贯”" in message and "不认识" in message
    assert_nothing_written(private_uploads)


def test_an_unknown_empty_column_and_a_serial_number_column_are_ignored(admin_client, delegation):
    rows = [["序号"] + HEADERS + ["备注"], [1] + row(1) + [None], [2] + row(2, "李四") + [None]]

    import_file(admin_client, workbook(("Sheet1", rows)))

    assert deputies() == {"P001": expected(1), "P002": expected(2, "李四")}


def test_values_without_a_header_are_refused(admin_client, delegation, private_uploads):
    rows = [HEADERS, row(1) + ["13900001111"]]

    message = refusal(upload(admin_client, workbook(("Sheet1", rows))))

    assert "第 M 列" in message and "没有表头" in message
    assert_nothing_written(private_uploads)


def test_a_header_twice_is_refused_even_as_a_synonym(admin_client, delegation, private_uploads):
    # A stale, hidden copy of the phone column to the right must not win.
    rows = [HEADERS + ["手机号码"], row(1) + ["13900000000"]]

    message = refusal(upload(admin_client, workbook(("Sheet1", rows))))

    assert "“手机”" in message and "出现了两次" in message and "J" in message and "M" in message
    assert_nothing_written(private_uploads)


# -- Sheets, title rows, totals -----------------------------------------------------------------


def test_every_sheet_with_the_header_is_read(admin_client, delegation):
    data = workbook(
        ("一组", [HEADERS, row(1), row(2, "李四")]),
        ("二组", [HEADERS, row(3, "王五")]),
    )

    preview = import_file(admin_client, data)

    assert deputies() == {
        "P001": expected(1),
        "P002": expected(2, "李四"),
        "P003": expected(3, "王五"),
    }
    assert "一组、二组" in preview.content.decode()


def test_sheets_with_different_columns_are_refused_by_name(
    admin_client, delegation, private_uploads
):
    data = workbook(("一组", [HEADERS, row(1)]), ("二组", [HEADERS[:9], row(2)[:9]]))

    message = refusal(upload(admin_client, data))

    assert "“一组”" in message and "“二组”" in message and "手机" in message
    assert_nothing_written(private_uploads)


def test_errors_on_a_second_sheet_name_the_sheet_and_its_row(admin_client, delegation):
    data = workbook(("一组", [HEADERS, row(1)]), ("二组", [HEADERS, row(2), row(3, phone="12345")]))

    message = refusal(upload(admin_client, data))

    assert "工作表“二组”" in message and "第3行" in message and "12345" in message
    assert Deputy.objects.count() == 0


def test_title_row_totals_row_and_active_instructions_sheet(admin_client, delegation):
    data = workbook(
        ("填表说明", [["请按以下要求填写："], ["1. 代表证号必填"], ["2. 日期写成 1980-01-31"]]),
        ("名册", [["平湖市第十七届人民代表大会代表名册"], HEADERS, row(1), row(2, "李四"),
                  ["合计", "2人"]]),
        active=0,
    )  # fmt: skip

    preview = import_file(admin_client, data)

    assert deputies() == {"P001": expected(1), "P002": expected(2, "李四")}
    notes = " ".join(preview.context["prepared"].notes)
    assert "标题" in notes and "合计" in notes and "填表说明" in notes


def test_row_numbers_count_the_title_row(admin_client, delegation):
    data = workbook(("名册", [["代表名册"], HEADERS, row(1), row(2, phone="12345")]))

    message = refusal(upload(admin_client, data))

    assert "第4行「手机」列" in message


# -- ID numbers -----------------------------------------------------------------------------------


def test_an_id_number_with_a_wrong_check_digit_is_refused(
    admin_client, delegation, private_uploads
):
    # What a CSV saved by Excel does to an 18-digit number: its last digits become 000.
    data = workbook(("Sheet1", [HEADERS, row(1, id_number="330482198001021000")]))

    message = refusal(upload(admin_client, data))

    assert "第2行" in message and "330482198001021000" in message and "校验位" in message
    assert_nothing_written(private_uploads)


def test_the_birth_date_in_the_id_number_must_match(admin_client, delegation, private_uploads):
    data = workbook(("Sheet1", [HEADERS, row(1, birth="1980-02-01")]))

    message = refusal(upload(admin_client, data))

    assert "「出生日期」" in message and "1980-01-02" in message
    assert_nothing_written(private_uploads)


def test_an_id_number_twice_in_the_file_is_refused(admin_client, delegation, private_uploads):
    data = workbook(("Sheet1", [HEADERS, row(1), row(2, "李四", id_number=id_for(1))]))

    message = refusal(upload(admin_client, data))

    assert "第3行" in message and "第2行" in message and "身份证号" in message
    assert_nothing_written(private_uploads)


def test_an_id_number_held_by_another_deputy_is_refused(admin_client, delegation):
    DeputyFactory(
        term=delegation.term, delegation=delegation, card_number="OLD1", id_number=id_for(7)
    )
    data = workbook(("Sheet1", [HEADERS, row(1, id_number=id_for(7))]))

    message = refusal(upload(admin_client, data))

    assert "OLD1" in message
    assert list(Deputy.objects.values_list("card_number", flat=True)) == ["OLD1"]


def test_the_same_person_may_be_a_deputy_of_an_earlier_term(admin_client, delegation):
    earlier = TermFactory(number=15, start_date=datetime.date(2017, 1, 1))
    DeputyFactory(
        term=earlier,
        delegation=DelegationFactory(term=earlier, town=delegation.town, name="十五届代表团"),
        card_number="T15-1",
        id_number=id_for(1),
    )

    import_file(admin_client, workbook(("Sheet1", [HEADERS, row(1)])))

    assert Deputy.objects.get(card_number="P001").id_number == id_for(1)


def test_a_missing_birth_date_is_taken_from_the_id_number(admin_client, delegation):
    preview = import_file(admin_client, workbook(("Sheet1", [HEADERS, row(1, birth=None)])))

    assert deputies()["P001"][4] == datetime.date(1980, 1, 2)
    assert "已规范化" in preview.content.decode()


# -- Normalised values ---------------------------------------------------------------------------


def test_party_names_names_and_phones_are_normalised_and_listed(admin_client, delegation):
    rows = [
        HEADERS,
        row(1, "王\u3000伟", party="中国共产党", phone="138 1234 5678"),
        row(2, "李 四", party="中国共产党党员", phone="138-1234-5679"),
        row(3, "Maria Li", party="民革", phone="+86 13812345670"),
    ]

    preview = import_file(admin_client, workbook(("Sheet1", rows)))

    assert deputies() == {
        "P001": expected(1, "王伟", phone="13812345678"),
        "P002": expected(2, "李四", phone="13812345679"),
        "P003": expected(3, "Maria Li", "民革党员", "13812345670"),
    }
    page = preview.content.decode()
    assert "已规范化" in page and "“中国共产党” → “中共党员”" in page and "“138 1234 5678”" in page


def test_the_preview_rows_show_values_as_they_will_be_stored(admin_client, delegation):
    values = row(1, "王\u3000伟", party="中国共产党", phone="138-1234-5678", birth="1980/1/2")
    values[2], values[10] = "男性", id_for(1).lower().replace("3", "３", 1)

    preview = upload(admin_client, workbook(("Sheet1", [HEADERS, values])))

    (new,) = next(k for k in preview.context["summary"]["kinds"] if k["key"] == "new")["rows"]
    cells = {header: value for header, value, _changed in new["cells"]}
    assert cells == {
        "代表证号": "P001", "姓名": "王伟", "性别": "男", "民族": "汉族", "党派": "中共党员",
        "职务": "某公司职员", "代表团": "当湖街道代表团", "代表小组": "第一小组", "状态": "在任",
        "手机": "13812345678", "身份证号": id_for(1), "出生日期": "1980-01-02",
    }  # fmt: skip
    table = preview.content.decode().split('class="import-summary import-new"')[1]
    assert "<td>王伟</td>" in table and "<td>1980-01-02</td>" in table
    assert "中国共产党" not in table and "138-1234-5678" not in table and "男性" not in table
    assert Deputy.objects.count() == 0


def test_a_landline_in_the_mobile_column_gets_one_clear_line(admin_client, delegation):
    data = workbook(("Sheet1", [HEADERS, row(1, phone="0573-8512 3456")]))

    preview = upload(admin_client, data)

    (bad,) = preview.context["result"].invalid_rows
    assert bad.error_dict == {
        "手机": [
            "第2行「手机」列的值“0573-8512 3456”有误：请输入11位大陆手机号码，例如13812345678。"
        ]
    }


# -- Row messages ---------------------------------------------------------------------------------


def test_a_too_long_value_says_why(admin_client, delegation):
    data = workbook(("Sheet1", [HEADERS, row(1, name="张" * 51)]))

    message = refusal(upload(admin_client, data))

    assert "第2行「姓名」列" in message and "51" in message and "50" in message


def test_a_blank_required_cell_reads_as_a_sentence(admin_client, delegation):
    rows = [HEADERS, row(1)]
    rows[1][2] = None  # 性别

    message = refusal(upload(admin_client, workbook(("Sheet1", rows))))

    assert "第2行「性别」列：此格为空，请填写。" in message
    assert "null" not in message


# -- What the file is -------------------------------------------------------------------------------


def ole_file(*streams: str) -> bytes:
    """The start of an OLE compound file (old .xls, .et, encrypted xlsx) naming its streams."""
    names = b"".join(name.encode("utf-16-le") + b"\x00\x00" for name in streams)
    return sheetfile.OLE_MAGIC + b"\x00" * 504 + names + b"\x00" * 1024


@pytest.mark.parametrize(
    ("data", "name", "says"),
    [
        (ole_file("Root Entry", "Workbook"), "名册.xls", "Excel 97–2003"),
        (ole_file("Root Entry", "Workbook"), "名册.et", "WPS"),
        (ole_file("Root Entry", "EncryptionInfo", "EncryptedPackage"), "名册.xlsx", "密码"),
        (
            "<html><head><meta charset='utf-8'></head><body><table><tr><td>代表证号</td></tr>"
            "</table></body></html>".encode(),
            "导出.xls",
            "网页",
        ),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "名册.xlsx", "既不是"),
        (b"%PDF-1.7\n" + b"x" * 100, "名册.xlsx", "PDF"),
        (b"PK\x03\x04" + b"\x00" * 100, "名册.xlsx", "损坏"),
    ],
    ids=["xls", "et", "encrypted", "html", "png", "pdf", "broken-zip"],
)
def test_files_that_are_not_xlsx_get_advice(
    admin_client, delegation, private_uploads, data, name, says
):
    message = refusal(upload(admin_client, data, name))

    assert says in message
    if says != "既不是" and says != "PDF":
        assert "另存为" in message or "密码" in message
    assert "Error" not in message and "encountered" not in message
    assert_nothing_written(private_uploads)


def test_a_word_document_is_refused(admin_client, delegation, private_uploads):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("word/document.xml", "<document/>")

    message = refusal(upload(admin_client, buffer.getvalue(), "名册.docx"))

    assert "Word" in message
    assert_nothing_written(private_uploads)


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8-sig", ","), ("utf-8", ","), ("gb18030", ","), ("utf-16", "\t")],
    ids=["utf-8-bom", "utf-8", "gb18030", "excel-unicode-text"],
)
def test_csv_in_the_encodings_excel_and_wps_write(admin_client, delegation, encoding, delimiter):
    data = csv_bytes([HEADERS, row(1), row(2, "李四")], encoding, delimiter)
    if encoding == "utf-16":
        assert data.startswith(codecs.BOM_UTF16_LE)

    import_file(admin_client, data, "名册.csv")

    assert deputies() == {"P001": expected(1), "P002": expected(2, "李四")}


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"dimension": '<dimension ref="A1:L3"/>'},
        {"dimension": '<dimension ref="A1"/>'},  # wrong: what some exporters write
        {"dimension": '<dimension ref="A1:B2"/>', "inline": True},
        {"inline": True, "refs": False},
        {"extra_rows": '<row r="999" s="1" customFormat="1"/><row r="1048576" s="1"/>'},
    ],
    ids=["no-dimension", "dimension", "wrong-dimension", "inline-strings", "no-cell-refs",
         "formatted-empty-rows-to-the-end"],
)  # fmt: skip
def test_xlsx_written_the_way_excel_and_wps_write_it(admin_client, delegation, options):
    rows = [HEADERS, row(1), row(2, "李四", birth=None)]
    rows[2][11] = datetime.date(1980, 1, 2)  # a real date cell, shown as 1980年1月2日
    rows[1][9] = 13812345678  # a phone typed as a number

    import_file(admin_client, handmade_xlsx(rows, **options))

    assert deputies() == {"P001": expected(1), "P002": expected(2, "李四")}


# -- Safe with any file --------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_before_it_is_unpacked(
    admin_client, delegation, private_uploads, monkeypatch
):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b"<row/>" * (1 << 17)  # 768 KiB
            for _ in range(267):  # about 200 MB of sheet XML, a few hundred KB zipped
                sheet.write(chunk)
    data = buffer.getvalue()
    assert len(data) < 2 * 1024 * 1024

    def unpacked(*args):
        raise AssertionError("the workbook was unpacked")

    monkeypatch.setattr(sheetfile, "_read_workbook", unpacked)

    message = refusal(upload(admin_client, data))

    assert "解压后" in message and "MB" in message
    assert_nothing_written(private_uploads)


def test_too_many_rows_are_refused(admin_client, delegation, private_uploads, settings):
    settings.CONGRESS_RULES = {**settings.CONGRESS_RULES, "IMPORT_MAX_ROWS": 3}
    data = workbook(("Sheet1", [HEADERS] + [row(n) for n in range(1, 5)]))

    message = refusal(upload(admin_client, data))

    assert "超过 3 行" in message
    assert_nothing_written(private_uploads)


def test_a_file_too_big_is_refused_unread(admin_client, delegation, private_uploads, settings):
    settings.CONGRESS_RULES = {**settings.CONGRESS_RULES, "IMPORT_MAX_UPLOAD_BYTES": 1024}

    message = refusal(upload(admin_client, workbook(("Sheet1", [HEADERS, row(1)]))))

    assert "MB" in message and "拆分" in message
    assert_nothing_written(private_uploads)


def test_the_upload_is_kept_for_the_preview_only(admin_client, delegation, private_uploads):
    preview = upload(admin_client, workbook(("Sheet1", [HEADERS, row(1)])))
    assert len(list(private_uploads.iterdir())) == 1  # waiting for the confirmation

    admin_client.post(CONFIRM, preview.context["confirm_form"].initial)

    assert list(private_uploads.iterdir()) == []
    assert Deputy.objects.count() == 1


def test_a_refused_file_is_not_kept(admin_client, delegation, private_uploads):
    refusal(upload(admin_client, workbook(("Sheet1", [HEADERS, row(1, phone="12")]))))

    assert not private_uploads.exists() or list(private_uploads.iterdir()) == []


def test_a_confirmation_without_its_upload_imports_nothing(admin_client, delegation):
    response = admin_client.post(
        CONFIRM, {"upload": "x" * 32, "original_file_name": "名册.xlsx"}, follow=True
    )

    assert "已过期" in response.content.decode()
    assert Deputy.objects.count() == 0 and not ImportJob.objects.exists()


# -- Big files: a summary, a background task, one log entry ----------------------------------------


def test_the_preview_is_a_summary_with_changed_cells_marked(admin_client, delegation):
    import_file(admin_client, workbook(("Sheet1", [HEADERS] + [row(n) for n in range(1, 26)])))
    rows = [HEADERS] + [row(n) for n in range(1, 26)] + [row(n) for n in range(26, 56)]
    for values in rows[1:13]:
        values[5] = "新职务"  # 12 changed

    preview = upload(admin_client, workbook(("Sheet1", rows)))

    kinds = {kind["key"]: kind for kind in preview.context["summary"]["kinds"]}
    assert (kinds["new"]["count"], kinds["update"]["count"], kinds["skip"]["count"]) == (30, 12, 13)
    assert [len(kinds[k]["rows"]) for k in ("new", "update", "skip")] == [10, 10, 10]
    changed = [cell[0] for cell in kinds["update"]["rows"][0]["cells"] if cell[2]]
    assert changed == ["职务"]
    page = preview.content.decode()
    assert page.count('class="changed"') == 10
    assert "新增：<strong>30</strong>" in page


def test_a_big_file_is_written_row_for_row_and_a_changed_one_rewritten(admin_client, delegation):
    """Rows are written many to a statement and in batches: every one lands, every one changes."""

    def big(occupation):
        rows = [HEADERS]
        for n in range(1, 2101):
            year = 1980 + n // 1000  # an ID number's serial has three digits
            values = row(n, f"代表{n}", id_number=id_for(n, f"{year}0102"), birth=f"{year}-1-2")
            values[0], values[5] = f"P{n:04d}", occupation
            rows.append(values)
        return workbook(("Sheet1", rows))

    def register():
        return {
            d.card_number: (d.name, d.occupation, d.id_number, d.birth_date)
            for d in Deputy.objects.all()
        }

    def expected(occupation):
        return {
            f"P{n:04d}": (
                f"代表{n}",
                occupation,
                id_for(n, f"{1980 + n // 1000}0102"),
                datetime.date(1980 + n // 1000, 1, 2),
            )
            for n in range(1, 2101)
        }

    import_file(admin_client, big("某公司职员"))
    assert register() == expected("某公司职员")
    import_file(admin_client, big("新职务"))

    assert register() == expected("新职务")
    through = Deputy.groups.through
    assert through.objects.count() == 2100
    assert set(through.objects.values_list("deputygroup__name", flat=True)) == {"第一小组"}


def test_confirming_runs_a_task_with_a_progress_page_and_one_log_entry(admin_client, delegation):
    preview = upload(admin_client, workbook(("Sheet1", [HEADERS] + [row(n) for n in range(1, 6)])))

    done = admin_client.post(CONFIRM, preview.context["confirm_form"].initial)
    page = admin_client.get(done["Location"])

    job = ImportJob.objects.get()
    assert (job.status, job.counts, job.total_rows) == (
        "done",
        {"new": 5, "update": 0, "skip": 0},
        5,
    )
    assert job.user == admin_client.user and job.file_name == "代表名册.xlsx"
    assert "已导入" in page.content.decode()
    (entry,) = LogEntry.objects.all()
    assert entry.user == admin_client.user
    assert (
        entry.get_change_message() == "导入文件“代表名册.xlsx”：新增 5 条，修改 0 条，未变 0 条。"
    )
    assert Deputy.objects.count() == 5


def test_another_clerk_cannot_see_the_progress_page(admin_client, delegation, client):
    preview = upload(admin_client, workbook(("Sheet1", [HEADERS, row(1)])))
    done = admin_client.post(CONFIRM, preview.context["confirm_form"].initial)
    other = StaffFactory(username="other", is_superuser=False)
    other.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_deputy", "view_deputy"])
    )
    admin_client.logout()
    admin_client.force_login(other)

    assert admin_client.get(done["Location"]).status_code == 403


# -- The same layer for every resource ------------------------------------------------------------


def test_stations_take_the_shared_header_synonyms(admin_client, delegation):
    town = delegation.town
    rows = [["名称", "镇街道", "层级", "地点", "联系电话", "进站代表", "简介"],
            ["当湖街道代表联络站", town.name, "联络站", "平湖市当湖街道1号", "0573-85123456", "", ""]]  # fmt: skip

    import_file(
        admin_client,
        workbook(("Sheet1", rows)),
        url="/admin/deputies/liaisonstation/import/",
        confirm="/admin/deputies/liaisonstation/process_import/",
    )

    station = LiaisonStation.objects.get()
    assert (station.address, station.phone) == ("平湖市当湖街道1号", "0573-85123456")


def test_suggestions_refuse_an_unknown_column(admin_client, delegation):
    from proposals.models import Suggestion

    response = upload(
        admin_client,
        workbook(("Sheet1", [["编号", "标题", "领衔代表", "附件"], ["十七届一次会议第001号", "修路", "张三", "a.pdf"]])),
        url="/admin/proposals/suggestion/import/",
    )  # fmt: skip

    assert "“附件”" in refusal(response)
    assert Suggestion.objects.count() == 0


def test_readme_documents_the_limits():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for name in ("IMPORT_MAX_UPLOAD_BYTES", "IMPORT_MAX_UNPACKED_BYTES", "IMPORT_MAX_ROWS",
                 "IMPORT_UPLOAD_SECONDS"):  # fmt: skip
        assert name in readme
