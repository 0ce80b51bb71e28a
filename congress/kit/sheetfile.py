"""Reading an uploaded spreadsheet safely: what the file is, its sheets and their non-empty rows.

`read_sheets(data, file_name)` returns every worksheet's non-empty rows, or raises
`SheetFileError` with a Chinese sentence that tells the clerk what to do with the file. It never
trusts the file:

- the type is found from the bytes, not the name: xlsx (a zip), CSV and tab-separated "Unicode
  text" in the encodings Excel writes, and the files that are *not* xlsx although named so (old
  binary .xls, WPS .et, a password-protected workbook, a web page saved as .xls, anything else);
- an xlsx whose unpacked size is over `IMPORT_MAX_UNPACKED_BYTES` is refused from the zip's
  directory, before a byte of it is inflated (a zip bomb). zipfile never inflates an entry past
  the size its directory declares, so the check bounds the work;
- rows are counted as they are read, and reading stops (refusing the file) past
  `IMPORT_MAX_ROWS` non-empty rows; empty rows (Excel keeps formatted ones down to row 1,048,576)
  are neither kept nor counted;
- the cells kept (each row up to its last value) are counted too, past `IMPORT_MAX_CELLS`: a
  100 KB file whose rows each hold one value in column XFD would otherwise become rows of 16,384
  cells each (gigabytes); a cell reference beyond XFD is a damaged file, and a shared-strings
  table longer than that budget is refused as it is read;
- xlsx sheets are read by streaming their XML, so files Excel and WPS write legitimately import:
  no `<dimension>` or a wrong one, shared or inline strings, cells without a reference, dates as
  numbers with a date format.
"""

import codecs
import csv
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from xml.etree.ElementTree import XMLPullParser

from django.utils.translation import gettext as _

from congress.kit.rules import rule

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
STRICT_M = "{http://purl.oclc.org/ooxml/spreadsheetml/main}"


class SheetFileError(Exception):
    """The file cannot be read as a whole; the message tells the clerk what to do."""


@dataclass
class Sheet:
    name: str
    rows: list = field(default_factory=list)  # (row number in the sheet, [cell values])


def limits() -> dict:
    return {
        "bytes": rule("IMPORT_MAX_UPLOAD_BYTES"),
        "unpacked": rule("IMPORT_MAX_UNPACKED_BYTES"),
        "rows": rule("IMPORT_MAX_ROWS"),
        "cells": rule("IMPORT_MAX_CELLS"),
    }


def too_big(size: int) -> str:
    return _("The file is %(size)s MB; at most %(limit)s MB can be imported at once. Split it.") % {
        "size": round(size / 1048576, 1),
        "limit": limits()["bytes"] // 1048576,
    }


def read_sheets(data: bytes, file_name: str = "") -> list[Sheet]:
    """Every sheet of the file with its non-empty rows (see the module docstring)."""
    limit = limits()
    if not data:
        raise SheetFileError(_("The file is empty."))
    if len(data) > limit["bytes"]:
        raise SheetFileError(too_big(len(data)))
    extension = posixpath.splitext(file_name.lower())[1]
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _read_xlsx(data, limit)
    if data.startswith(OLE_MAGIC):
        raise SheetFileError(_ole_advice(data, extension))
    head = data[:2048].lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<table", b"<meta")) or (
        b"<html" in head or b"<table" in head
    ):
        return _refuse_html()
    if head.startswith(b"%pdf"):
        raise SheetFileError(
            _("This is a PDF document, not a spreadsheet.")
            + " "
            + _("Upload the xlsx or CSV file.")
        )
    return [_read_csv(data, limit)]


def _ole_advice(data: bytes, extension: str) -> str:
    if (
        "EncryptionInfo".encode("utf-16-le") in data
        or "EncryptedPackage".encode("utf-16-le") in data
    ):
        return (
            _("The workbook is protected by a password, so it cannot be read.")
            + " "
            + _(
                "Open it in Excel or WPS, remove the password (File → Info → Protect Workbook), "
                "save it as .xlsx and upload it again."
            )
        )
    if extension == ".et":
        return _("This is a WPS spreadsheet (.et), which cannot be read.") + " " + save_as()
    if extension in (".doc", ".wps") or "WordDocument".encode("utf-16-le") in data:
        return (
            _("This is a Word document, not a spreadsheet.")
            + " "
            + _("Upload the xlsx or CSV file.")
        )
    return (
        _("This is an old Excel 97–2003 workbook (.xls), which cannot be read.") + " " + save_as()
    )


def _refuse_html():
    raise SheetFileError(
        _(
            "This file is a web page (HTML) with a spreadsheet's name, as some office systems "
            "export: it is not a real workbook."
        )
        + " "
        + save_as()
    )


def save_as() -> str:
    return _(
        "Open it in Excel or WPS, save it as “Excel workbook (*.xlsx)” without a password, and "
        "upload it again."
    )


# -- CSV ---------------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """CSV bytes as Excel and WPS write them: UTF-8 with or without BOM, UTF-16, GB18030."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8")
    if b"\x00" in data[:4096]:
        # UTF-16 without a BOM: every other byte of ASCII text is zero.
        sample = data[:4096]
        if sample[1::2].count(0) > len(sample) // 4:
            return data.decode("utf-16-le")
        if sample[0::2].count(0) > len(sample) // 4:
            return data.decode("utf-16-be")
        raise SheetFileError(
            _("This file is neither an xlsx workbook nor a CSV file.")
            + " "
            + _("Upload the xlsx or CSV file.")
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise SheetFileError(
            _(
                "The text of this file is in an encoding that cannot be read. Save it from Excel "
                "or WPS as .xlsx, or as “CSV UTF-8”."
            )
        ) from None


def _read_csv(data: bytes, limit: dict) -> Sheet:
    text = decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    sheet, count = Sheet(name="CSV"), _RowCount(limit)
    if text.count(delimiter) > limit["cells"]:  # before csv builds a row of millions of cells
        widest = max(line.count(delimiter) for line in text.splitlines())
        count.cells = limit["cells"]
        count.add(sheet.name, widest + 1)
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
            if any(value.strip() for value in values):
                count.add(sheet.name, len(values))
                sheet.rows.append((number, values))
    except csv.Error:
        raise SheetFileError(
            _("This file is neither an xlsx workbook nor a CSV file.")
            + " "
            + _("Upload the xlsx or CSV file.")
        ) from None
    return sheet


class _RowCount:
    """Non-empty rows and the cells kept for them (each row up to its last value)."""

    def __init__(self, limit: dict):
        self.limit, self.cells_limit = limit["rows"], limit["cells"]
        self.count = self.cells = self.elements = 0

    def add(self, sheet: str, width: int):
        self.count += 1
        if self.count > self.limit:
            raise SheetFileError(
                _("The file has more than %(limit)s rows; import at most %(limit)s at once.")
                % {"limit": self.limit}
            )
        self.cells += width
        if self.cells > self.cells_limit:
            raise SheetFileError(
                _(
                    "The sheet “%(sheet)s” has values as far right as column %(column)s: more "
                    "than %(limit)s cells in all, too many to import at once. Delete the unused "
                    "columns on the right, or split the file."
                )
                % {"sheet": sheet, "column": _letter(width - 1), "limit": self.cells_limit}
            )

    def element(self):
        """Every <row>, empty ones too: 16 million empty rows fit in 100 MB unpacked."""
        self.elements += 1
        if self.elements > MAX_ROW_ELEMENTS:
            raise SheetFileError(
                _(
                    "The workbook has more than %(limit)s rows, most of them empty but "
                    "formatted. Delete the empty formatted rows below the data, or copy the "
                    "data into a new workbook."
                )
                % {"limit": MAX_ROW_ELEMENTS}
            )


MAX_ROW_ELEMENTS = 1_048_576  # one sheet formatted down to Excel's last row


def _letter(index: int) -> str:
    letters, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# -- xlsx --------------------------------------------------------------------------------------

# Built-in number formats that show a date (the CJK ones included: 27–36, 50–58).
DATE_FORMATS = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


def _is_date_format(code: str) -> bool:
    code = _QUOTED.sub("", code).lower()
    return any(c in code for c in "ymd") and "general" not in code


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _parse(zf: zipfile.ZipFile, name: str):
    """Stream one part's elements (end events); the caller clears what it has read."""
    parser = XMLPullParser(events=("end",))
    with zf.open(name) as part:
        while chunk := part.read(1 << 16):
            parser.feed(chunk)
            yield from parser.read_events()
    parser.close()
    yield from parser.read_events()


def _text_of(element) -> str:
    """A shared or inline string: its <t>, or its rich-text runs' <t>; phonetic hints left out."""
    parts = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


LAST_COLUMN = 16383  # XFD, Excel's and WPS's last column


def _column_index(ref: str) -> int:
    index = 0
    for char in ref:
        if "A" <= char <= "Z" and index <= LAST_COLUMN:
            index = index * 26 + ord(char) - 64
        else:
            break
    return index - 1


def _read_xlsx(data: bytes, limit: dict) -> list[Sheet]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise SheetFileError(
            _("The file is damaged or is not a real xlsx workbook.") + " " + save_as()
        ) from None
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise SheetFileError(
                _("This is a Word document, not a spreadsheet.")
                + " "
                + _("Upload the xlsx or CSV file.")
            )
        if "content.xml" in names or "Content.xml" in names:
            raise SheetFileError(
                _("This is an OpenDocument (.ods) or other non-xlsx file.") + " " + save_as()
            )
        raise SheetFileError(
            _("The file is damaged or is not a real xlsx workbook.") + " " + save_as()
        )
    unpacked = sum(info.file_size for info in infos)
    if unpacked > limit["unpacked"] or len(infos) > 10000:
        raise SheetFileError(
            _(
                "Unpacked, this workbook is %(size)s MB, more than the %(limit)s MB that can be "
                "imported at once. Delete unused sheets, pictures and empty formatted rows, or "
                "split the file."
            )
            % {"size": round(unpacked / 1048576), "limit": limit["unpacked"] // 1048576}
        )
    try:
        return _read_workbook(zf, names, limit)
    except SheetFileError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, SyntaxError, EOFError, OSError):
        # SyntaxError covers xml ParseError; zlib errors and CRC mismatches are BadZipFile.
        raise SheetFileError(
            _("The file is damaged or is not a real xlsx workbook.") + " " + save_as()
        ) from None


def _rels(zf, names, path: str) -> dict[str, str]:
    folder, base = posixpath.split(path)
    rels_path = posixpath.join(folder, "_rels", base + ".rels")
    if rels_path not in names:
        return {}
    targets = {}
    for _event, element in _parse(zf, rels_path):
        if _local(element.tag) == "Relationship":
            target = element.get("Target", "")
            if target.startswith("/"):
                target = target[1:]
            else:
                target = posixpath.normpath(posixpath.join(folder, target))
            targets[element.get("Id")] = target
    return targets


def _read_workbook(zf, names, limit) -> list[Sheet]:
    rels = _rels(zf, names, "xl/workbook.xml")
    sheets, date1904 = [], False
    for _event, element in _parse(zf, "xl/workbook.xml"):
        name = _local(element.tag)
        if name == "workbookPr":
            date1904 = element.get("date1904") in ("1", "true")
        elif name == "sheet":
            rid = element.get(f"{R}id") or element.get(
                "{http://purl.oclc.org/ooxml/officeDocument/relationships}id"
            )
            sheets.append((element.get("name", ""), rels.get(rid, "")))
    shared = []
    shared_path = next(
        (t for t in rels.values() if t.endswith("sharedStrings.xml")), "xl/sharedStrings.xml"
    )
    if shared_path in names:
        for _event, element in _parse(zf, shared_path):
            if _local(element.tag) == "si":
                shared.append(_text_of(element))
                if len(shared) > limit["cells"]:  # each is some cell's text: over the budget
                    raise SheetFileError(
                        _(
                            "The workbook holds more than %(limit)s different texts, too many "
                            "to import at once. Split the file."
                        )
                        % {"limit": limit["cells"]}
                    )
                element.clear()
    date_styles = _date_styles(zf, names, rels)
    # Naive on purpose: a cell holds a wall-clock date and time, in no zone.
    epoch = datetime(1904, 1, 1) if date1904 else datetime(1899, 12, 30)  # noqa: DTZ001
    count = _RowCount(limit)
    result = []
    for sheet_name, path in sheets:
        if path not in names:
            continue  # a chart sheet or a missing part: nothing to read
        result.append(
            _read_sheet(zf, path, Sheet(name=sheet_name), shared, date_styles, epoch, count)
        )
    return result


def _date_styles(zf, names, rels) -> set[int]:
    path = next((t for t in rels.values() if t.endswith("styles.xml")), "xl/styles.xml")
    if path not in names:
        return set()
    custom, xfs, in_cell_xfs = {}, [], False
    parser = XMLPullParser(events=("start", "end"))
    with zf.open(path) as part:
        parser.feed(part.read())
    for event, element in parser.read_events():
        name = _local(element.tag)
        if name == "cellXfs":
            in_cell_xfs = event == "start"
        elif event == "end" and name == "numFmt":
            custom[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
        elif event == "end" and name == "xf" and in_cell_xfs:
            xfs.append(int(element.get("numFmtId", "0")))
    return {
        index
        for index, fmt in enumerate(xfs)
        if (fmt in custom and _is_date_format(custom[fmt]))
        or (fmt not in custom and fmt in DATE_FORMATS)
    }


def _cell_value(cell, ns, shared, date_styles, epoch):
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(ns + "is")
        if inline is None:
            return ""
        first = inline.find(ns + "t")
        if first is not None and len(inline) == 1:
            return first.text or ""  # the usual case: one plain <t>
        return _text_of(inline)
    value_element = cell.find(ns + "v")
    text = value_element.text if value_element is not None else None
    if text is None:
        return None
    if kind == "s":
        return shared[int(text)]
    if kind in ("str", "e"):
        return text
    if kind == "b":
        return text.strip() in ("1", "true")
    if kind == "d":
        try:
            return datetime.fromisoformat(text.strip())
        except ValueError:
            return text
    number = float(text)
    style = cell.get("s")
    if style is not None and int(style) in date_styles and 0 < number < 2958466:
        moment = epoch + timedelta(days=number)
        if moment.time() == datetime.min.time():
            return date(moment.year, moment.month, moment.day)
        return moment
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _read_sheet(zf, path, sheet, shared, date_styles, epoch, count) -> Sheet:
    row_number, ns, row_tag = 0, None, None
    value_tag = inline_tag = text_tag = None
    columns = {}  # column letters → index, for the few letters a sheet uses
    append = sheet.rows.append
    parser = XMLPullParser(events=("end",))
    with zf.open(path) as part:
        while True:
            chunk = part.read(1 << 16)
            if chunk:
                parser.feed(chunk)
            else:
                parser.close()
            # Only rows matter: their cells are read from the row element, then cleared.
            for _event, element in parser.read_events():
                tag = element.tag
                if row_tag is None:
                    if not tag.endswith("}row") and tag != "row":
                        continue
                    ns, row_tag = tag[:-3], tag  # the namespace as this file writes it
                    value_tag, inline_tag, text_tag = ns + "v", ns + "is", ns + "t"
                elif tag != row_tag:
                    continue
                row_number = int(element.get("r") or row_number + 1)
                count.element()
                values, column = {}, -1
                for cell in element:
                    ref = cell.get("r")
                    if ref:
                        letters = ref.rstrip("0123456789")
                        column = columns.get(letters)
                        if column is None:
                            column = columns[letters] = _column_index(letters)
                    else:
                        column += 1
                    if column > LAST_COLUMN:
                        raise ValueError(ref)  # beyond XFD: no spreadsheet writes that
                    kind = cell.get("t")
                    if kind == "s":  # the usual text cell: a shared string
                        found = cell.find(value_tag)
                        if found is None or found.text is None:
                            continue
                        value = shared[int(found.text)]
                    elif kind == "inlineStr" and len(cell) == 1 and len(cell[0]) == 1:
                        found = cell[0][0]  # <is><t>text</t></is>, the usual inline string
                        if found.tag != text_tag or cell[0].tag != inline_tag:
                            value = _cell_value(cell, ns, shared, date_styles, epoch)
                        else:
                            value = found.text or ""
                    else:
                        value = _cell_value(cell, ns, shared, date_styles, epoch)
                    if value is not None and value != "":
                        values[column] = value
                element.clear()
                if values and any(str(v).strip() for v in values.values()):
                    count.add(sheet.name, max(values) + 1)
                    row = [None] * (max(values) + 1)
                    for index, value in values.items():
                        row[index] = value
                    append((row_number, row))
            if not chunk:
                return sheet
