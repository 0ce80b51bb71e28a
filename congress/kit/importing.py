"""Spreadsheet import and export (django-import-export), shared by every app's resources.

`SheetResource` is the base of every resource:

- columns carry Chinese headers and name related rows by their names (代表团, 镇街道), looked up in
  dicts read once per import rather than with a query per row;
- every bad cell becomes a validation error of its row that names the spreadsheet row (the header is
  row 1), the column and the value in a translated sentence, and one bad row rolls the whole file
  back;
- exported text that a spreadsheet would run as a formula is neutralised.

Headers are literal Chinese, not translated: they are the file format staff exchange with towns and
units, and a file exported from the English admin must still import.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from django.conf import settings
from django.core import validators
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    ObjectDoesNotExist,
    ValidationError,
)
from django.db import connections, models, router
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import Result, RowResult
from tablib import Dataset

# OWASP's list: a cell starting with one of these is run as a formula by Excel and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """Prefix text a spreadsheet would evaluate with an apostrophe, which it then shows as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unescape_formula(value):
    """Undo `escape_formula`, so that an exported file imports back unchanged."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return str(value).strip()


# Widgets: turn a cell into a Python value (clean) and back (render). A bad cell raises ValueError
# or ValidationError; SheetResource turns either into a row error.


class TextWidget(widgets.CharWidget):
    """Text, trimmed. A whole number typed into a numeric cell (a phone number) reads as digits."""

    def clean(self, value, row=None, **kwargs):
        if type(value) is str:  # most cells: what the library's CharWidget and _text make of it
            return value.strip()
        # Floats of 10**15 and more have lost digits already (an 18-digit ID number typed as a
        # number): leave them as they are so that validation rejects them visibly.
        if isinstance(value, float) and value.is_integer() and abs(value) < 10**15:
            value = int(value)
        return _text(super().clean(value, row, **kwargs))


class DateWidget(widgets.Widget):
    """A date cell, or text such as 1980-01-31, 1980/1/31, 1980.1.31, 1980年1月31日 or 19800131."""

    PATTERN = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{4})(\d{2})(\d{2})")

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = _text(value)
        if not text:
            return None
        match = self.PATTERN.fullmatch(text)
        try:
            numbers = [int(part) for part in match.groups() if part] if match else ()
            return date(*numbers)
        except (TypeError, ValueError):
            raise ValueError(_("Enter a date such as 1980-01-31.")) from None

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class ChoiceWidget(widgets.Widget):
    """A choice given by its stored value, its label in any language of the site, or an alias."""

    def __init__(self, choices, aliases=None):
        self.choices = choices  # a TextChoices class
        self.aliases = aliases or {}
        super().__init__()

    @cached_property
    def index(self) -> dict[str, str]:
        index = {}
        for value, label in self.choices.choices:
            index[value.casefold()] = value
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    index[str(label).casefold()] = value
        index.update((alias.casefold(), value) for alias, value in self.aliases.items())
        return index

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        try:
            return self.index[text.casefold()]
        except KeyError:
            labels = " / ".join(str(label) for label in self.choices.labels)
            raise ValueError(_("Choose one of: %(choices)s.") % {"choices": labels}) from None

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices.choices).get(value, value or ""))


class YesNoWidget(widgets.BooleanWidget):
    """是/否 (or 启用/停用, yes/no, 1/0); anything else is an error, not a silent False."""

    YES = {"1", "true", "yes", "y", "是", "启用", "有效", "√"}
    NO = {"0", "false", "no", "n", "否", "停用", "无效", "×"}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = _text(value).casefold()
        if not text:
            return None
        if text in self.YES or text in self.NO:
            return text in self.YES
        raise ValueError(_("Write 是 (yes) or 否 (no)."))

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else (_("yes") if value else _("no"))


class _Lookup:
    """Finds related rows by a natural key (a name) in a dict read once per import.

    `fields`: the related model's fields a cell may give (the first one is exported).
    `scope`: a foreign key the related row shares with the row being imported, e.g. "term": a
    deputy's delegation is looked up among the delegations of the deputy's term.
    `queryset`: a callable narrowing the candidates, e.g. to the current term's deputies.
    """

    def _setup(self, model, fields, scope, queryset):
        self.lookup_model = model
        self.lookup_fields = tuple(fields)
        self.scope = scope
        self.queryset = queryset
        self.reset()

    def reset(self):
        self._index = None

    def _candidates(self):
        return self.queryset() if self.queryset else self.lookup_model._default_manager.all()

    def _scope_of(self, obj):
        return getattr(obj, f"{self.scope}_id") if self.scope and obj is not None else None

    def find(self, name: str, target=None):
        scope = self._scope_of(target)
        if self._index is None:
            self._index = defaultdict(list)
            for obj in self._candidates():
                for field in self.lookup_fields:
                    self._index[self._scope_of(obj), str(getattr(obj, field))].append(obj)
        found = self._index.get((scope, name))
        if found is None:
            # Not read at the start: the row may come from this very import (a parent unit
            # listed above its children), so ask the database, once per missing name.
            query = models.Q()
            for field in self.lookup_fields:
                query |= models.Q(**{field: name})
            candidates = self._candidates().filter(query)
            if self.scope:
                candidates = candidates.filter(**{f"{self.scope}_id": scope})
            found = self._index[scope, name] = list(candidates)
        unique = list({obj.pk: obj for obj in found}.values())
        if not unique:
            raise ValidationError(
                _("“%(value)s” does not exist."), code="does_not_exist", params={"value": name}
            )
        if len(unique) > 1:
            raise ValidationError(
                _("“%(value)s” matches %(count)s records; write their %(field)s instead."),
                code="ambiguous",
                params={
                    "value": name,
                    "count": len(unique),
                    "field": self.lookup_model._meta.get_field(self.lookup_fields[-1]).verbose_name,
                },
            )
        return unique[0]


class LookupWidget(_Lookup, widgets.ForeignKeyWidget):
    """A foreign key given by the related row's name (see `_Lookup`)."""

    def __init__(self, model, fields=("name",), scope=None, queryset=None):
        super().__init__(model, field=fields[0])
        self._setup(model, fields, scope, queryset)

    def clean(self, value, row=None, target=None, **kwargs):
        name = _text(value)
        return self.find(name, target) if name else None


class ManyLookupWidget(_Lookup, widgets.ManyToManyWidget):
    """Several related rows by name, separated by 、 , ， ; or ；."""

    SEPARATORS = re.compile(r"[、,，;；\n]")

    def __init__(self, model, fields=("name",), scope=None, queryset=None):
        super().__init__(model, separator="、", field=fields[0])
        self._setup(model, fields, scope, queryset)

    def clean(self, value, row=None, target=None, **kwargs):
        names = dict.fromkeys(n.strip() for n in self.SEPARATORS.split(_text(value)) if n.strip())
        found, errors = [], []
        for name in names:
            try:
                found.append(self.find(name, target))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return found

    def render(self, value, obj=None, **kwargs):
        # During an import the value is the list just read (see Column.get_value).
        related = value.all() if hasattr(value, "all") else value or ()
        return self.separator.join(str(getattr(obj, self.field)) for obj in related)


# Normalisers: one form for values typed several ways. Each returns the value to keep; a change
# is listed in the preview ("已规范化") with its row, column, the value typed and the value kept.

PARTY_SYNONYMS = {
    "中国共产党": "中共党员",
    "中国共产党党员": "中共党员",
    "共产党员": "中共党员",
    "中共": "中共党员",
    "党员": "中共党员",
    "中国共产党预备党员": "中共预备党员",
    "预备党员": "中共预备党员",
    "中国国民党革命委员会": "民革党员",
    "民革": "民革党员",
    "中国民主同盟": "民盟盟员",
    "民盟": "民盟盟员",
    "中国民主建国会": "民建会员",
    "民建": "民建会员",
    "中国民主促进会": "民进会员",
    "民进": "民进会员",
    "中国农工民主党": "农工党党员",
    "农工党": "农工党党员",
    "中国致公党": "致公党党员",
    "致公党": "致公党党员",
    "九三学社": "九三学社社员",
    "台湾民主自治同盟": "台盟盟员",
    "台盟": "台盟盟员",
    "无党派": "无党派人士",
}
_SPACES = re.compile(r"[\s\u3000\u00a0]+")
_CJK_NAME = re.compile(r"[\u3400-\u9fff\uf900-\ufaff·•．.\s\u3000\u00a0]+")
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９－＋", "0123456789-+")


def normalise_party(value):
    if not isinstance(value, str):
        return value
    return PARTY_SYNONYMS.get(_SPACES.sub("", value), _SPACES.sub("", value))


def normalise_name(value):
    """王　伟 → 王伟: spaces inside an all-Chinese name are padding (not in 'Maria Li')."""
    if isinstance(value, str) and _CJK_NAME.fullmatch(value):
        return _SPACES.sub("", value)
    return value


def normalise_phone(value):
    """138 1234 5678, 138-1234-5678, +86 13812345678 → 13812345678; anything else as typed."""
    if not isinstance(value, str) or not value:
        return value
    digits = re.sub(r"[\s\u3000\u00a0\-()（）]", "", value.translate(_FULL_WIDTH_DIGITS))
    if re.fullmatch(r"(\+?86)?1\d{10}", digits):
        return digits[-11:]
    return value


def normalise_id_number(value):
    """Spaces out, a lower-case x upper-cased (the check digit 10 is written X)."""
    if not isinstance(value, str):
        return value
    return _SPACES.sub("", value.translate(_FULL_WIDTH_DIGITS)).upper()


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number_problem(number: str):
    """Why an 18-character resident ID number (GB 11643-1999) cannot be right, or None.

    Returns (message, birth date or None).
    """
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return _("Enter the 18-character resident ID number, such as 33048219800101123X."), None
    total = sum(int(digit) * weight for digit, weight in zip(number, ID_WEIGHTS, strict=False))
    if "10X98765432"[total % 11] != number[-1]:
        return (
            _(
                "The check digit (the last character) does not match the other 17: the number "
                "is mistyped, or a spreadsheet turned its last digits into 000. Type it again as "
                "text."
            ),
            None,
        )
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return _("The date of birth inside the number (digits 7–14) is not a real date."), None
    return None, born


class Column(fields.Field):
    """One column of a sheet: the model attribute, its Chinese header and its widget."""

    def __init__(self, attribute, header, widget=None, normalise=None, **kwargs):
        super().__init__(
            attribute=attribute, column_name=header, widget=widget or TextWidget(), **kwargs
        )
        # A function from the cleaned value to the form the register keeps (see normalise_*).
        self.normalise = normalise

    @cached_property
    def plain(self) -> bool:
        """A column of one attribute that is not a many-to-many field: read with getattr."""
        return bool(self.attribute) and "__" not in self.attribute and not self.many

    @cached_property
    def many(self) -> bool:
        return isinstance(self.widget, widgets.ManyToManyWidget)

    def get_value(self, instance):
        if self.plain:  # read several times per row: the library's path walking costs more
            try:
                value = getattr(instance, self.attribute, None)
            except (ValueError, ObjectDoesNotExist):
                return None
            if callable(value) and not isinstance(value, models.Manager):
                value = value()
            return value
        # During an import, many-to-many values are lists kept on the instance: the new ones are
        # written only after the row is saved, and the old ones must survive the library's
        # deepcopy of the instance (a copied prefetch cache is empty and would query per row).
        if self.many:
            for kept in ("_import_m2m", "_m2m_before"):
                values = getattr(instance, kept, {})
                if self.attribute in values:
                    return values[self.attribute]
        return super().get_value(instance)

    def export(self, instance, **kwargs):
        value = super().export(instance, **kwargs)
        # None would be written as the text "None" by the library's own formula escaping.
        return "" if value is None else escape_formula(value)


class ImportFileError(Exception):
    """The file as a whole cannot be read (a required column is missing)."""


# -- Headers as offices write them ------------------------------------------------------------

# Other wordings of a column's header. A synonym applies to a resource that has the column and
# does not have a column of that very name (a station's 电话 stays 电话).
HEADER_SYNONYMS = {
    "代表证号": ["代表证编号", "代表证", "代表编号", "证号"],
    "姓名": ["代表姓名", "名字"],
    "党派": ["政治面貌", "党派面貌", "党派团体", "党派情况"],
    "职务": ["工作单位及职务", "工作单位和职务", "单位及职务", "单位职务", "工作单位职务",
             "现任职务", "职业及职务"],
    "代表团": ["所属代表团", "代表团名称"],
    "选区": ["选区名称", "所在选区", "选举单位"],
    "代表小组": ["所属代表小组", "小组", "代表小组名称"],
    "状态": ["代表状态", "履职状态"],
    "终止日期": ["代表资格终止日期", "终止时间"],
    "简介": ["个人简介", "代表简介", "简历"],
    "手机": ["手机号码", "手机号", "联系电话", "移动电话", "联系方式", "电话号码", "电话"],
    "身份证号": ["身份证号码", "公民身份号码", "公民身份证号码", "身份证", "证件号码"],
    "出生日期": ["出生年月", "出生年月日", "生日"],
    "电话": ["联系电话", "电话号码", "联系方式"],
    "地址": ["地点", "详细地址", "站点地址"],
    "驻站代表": ["进站代表"],
    "名称": ["单位名称"],
    "上级单位": ["上级", "主管单位"],
    "编号": ["建议编号", "案号"],
    "标题": ["建议标题", "题目", "案由"],
    "领衔代表": ["领衔人", "提出人"],
    "附议代表": ["附议人"],
    "主办单位": ["承办单位"],
    "内容": ["建议内容", "正文"],
}  # fmt: skip
# Columns an office adds that carry nothing to import: ignored, whatever they hold.
IGNORED_HEADERS = {"序号", "序", "行号", "no", "no."}
TOTAL_ROWS = {"合计", "总计", "小计", "共计"}
_HEADER_NOTE = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_HEADER_NOISE = re.compile(r"[\s\u3000\u00a0*＊:：]+")
HEADER_SEARCH_ROWS = 5  # a title and a subtitle may stand above the header


def header_key(value) -> str:
    """手机（号码）, 身份证号(18位), *姓名：→ 手机, 身份证号, 姓名."""
    return _HEADER_NOISE.sub("", _HEADER_NOTE.sub("", _text(value))).casefold()


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Prepared:
    """A file read into one dataset, with where each row came from and what was passed over."""

    dataset: Dataset
    labels: list  # (sheet name, row number in the sheet) of each dataset row
    sheets: list  # names of the sheets read
    notes: list  # sentences: rows and sheets passed over, and why

    @property
    def several_sheets(self) -> bool:
        return len(self.sheets) > 1


def header_map(resource) -> dict[str, str]:
    """Header key → the resource's column header, its synonyms included."""
    headers = [column.column_name for column in resource.get_import_fields()]
    mapping = {header_key(header): header for header in headers}
    extra = getattr(resource, "header_synonyms", {})
    for header in headers:
        for synonym in list(extra.get(header, ())) + HEADER_SYNONYMS.get(header, []):
            mapping.setdefault(header_key(synonym), header)
    return mapping


def prepare(resource, sheets) -> Prepared:
    """The sheets' rows as one dataset with the resource's headers, or ImportFileError.

    Every non-empty sheet with a header row is read; the header may stand below a title. A
    column not recognised is refused if it holds anything; a header given twice is refused.
    """
    mapping = header_map(resource)
    found, notes, without_header = [], [], []
    for sheet in sheets:
        if not sheet.rows:
            continue
        header_at = None
        for position, (_number, values) in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
            keys = [header_key(value) for value in values]
            if sum(key in mapping for key in keys) >= min(2, len(mapping)):
                header_at = position
                break
        if header_at is None:
            without_header.append(sheet.name)
            continue
        for number, values in sheet.rows[:header_at]:
            notes.append(
                _(
                    "Sheet “%(sheet)s”, row %(row)s (“%(text)s”) is a title above the header: not imported."
                )
                % {
                    "sheet": sheet.name,
                    "row": number,
                    "text": "".join(_text(v) for v in values)[:40],
                }
            )
        found.append((sheet, header_at))
    if not found:
        raise ImportFileError(
            _(
                "No sheet of this file has the header row. The first row of the table must hold the headers: %(all)s."
            )
            % {"all": "、".join(column.column_name for column in resource.get_import_fields())}
        )
    columns_by_sheet = []
    for sheet, header_at in found:
        number, header_values = sheet.rows[header_at]
        body = sheet.rows[header_at + 1 :]
        width = max([len(header_values)] + [len(values) for _n, values in body])
        used = {}
        for index in range(width):
            raw = header_values[index] if index < len(header_values) else None
            key = header_key(raw)
            filled = any(index < len(values) and _text(values[index]) for _n, values in body)
            where = {"sheet": sheet.name, "column": column_letter(index), "header": _text(raw)}
            if key in IGNORED_HEADERS:
                continue
            if key in mapping:
                header = mapping[key]
                if header in used:
                    first = used[header]
                    raise ImportFileError(
                        _(
                            "Sheet “%(sheet)s”: the column “%(header)s” appears twice (columns "
                            "%(first)s and %(second)s, perhaps one of them hidden). Delete the "
                            "one that is out of date."
                        )
                        % {
                            "sheet": sheet.name,
                            "header": header,
                            "first": column_letter(first),
                            "second": column_letter(index),
                        }
                    )
                used[header] = index
            elif filled:
                if not key:
                    message = _(
                        "Sheet “%(sheet)s”: column %(column)s has values but no header. Give it "
                        "one of the headers below, or delete it."
                    )
                else:
                    message = _(
                        "Sheet “%(sheet)s”: the column “%(header)s” (column %(column)s) is not one "
                        "this import knows, and it holds values that would be lost. Rename its "
                        "header to one of the headers below, or delete the column."
                    )
                raise ImportFileError(
                    (message % where)
                    + " "
                    + _("Headers: %(all)s.")
                    % {
                        "all": "、".join(
                            column.column_name for column in resource.get_import_fields()
                        )
                    }
                )
        columns_by_sheet.append(used)
    first_sheet, _at = found[0]
    headers = list(columns_by_sheet[0])
    for (sheet, _at), used in zip(found[1:], columns_by_sheet[1:], strict=True):
        if set(used) != set(headers):
            raise ImportFileError(
                _(
                    "The sheets “%(first)s” and “%(other)s” both hold rows but not the same "
                    "columns (%(difference)s). Give every sheet the same columns, or import the "
                    "sheets as separate files."
                )
                % {
                    "first": first_sheet.name,
                    "other": sheet.name,
                    "difference": "、".join(sorted(set(used) ^ set(headers))),
                }
            )
    dataset, labels = Dataset(headers=headers), []
    for (sheet, header_at), used in zip(found, columns_by_sheet, strict=True):
        order = [used[header] for header in headers]
        for number, values in sheet.rows[header_at + 1 :]:
            first_text = next((_text(v) for v in values if _text(v)), "")
            if _SPACES.sub("", first_text) in TOTAL_ROWS:
                notes.append(
                    _("Sheet “%(sheet)s”, row %(row)s is a totals row (%(text)s): not imported.")
                    % {"sheet": sheet.name, "row": number, "text": first_text}
                )
                continue
            dataset.append([values[i] if i < len(values) else None for i in order])
            labels.append((sheet.name, number))
    for name in without_header:
        notes.append(
            _("Sheet “%(sheet)s” has no header row (instructions or notes?): not imported.")
            % {"sheet": name}
        )
    return Prepared(dataset, labels, [sheet.name for sheet, _at in found], notes)


class SheetResult(Result):
    """Numbers rows as the spreadsheet does: the header is row 1, the first record row 2.

    When the file was read through `prepare`, a row is numbered where it stands in its sheet
    (below a title row, on the second sheet...).
    """

    labels = None
    several_sheets = False
    # The row results kept in `rows` (the first ones; `totals` counts them all): a big file's
    # 10,000 results would only be held in memory, never shown.
    ROWS_KEPT = 100

    def append_row_result(self, row_result):
        if len(self.rows) < self.ROWS_KEPT:
            super().append_row_result(row_result)

    def _number(self, number):
        if self.labels and 0 < number <= len(self.labels):
            sheet, line = self.labels[number - 1]
            return f"{sheet} {line}" if self.several_sheets else line
        return number + 1

    def append_invalid_row(self, number, row, validation_error):
        super().append_invalid_row(self._number(number), row, validation_error)

    def append_error_row(self, number, row, errors):
        super().append_error_row(self._number(number), row, errors)

    def row_errors(self):
        return [(error_row.number, error_row.errors) for error_row in self.error_rows]


# Field types whose Python values the database drivers take as they are.
_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)


def fast_bulk_create(model, objs, batch_size=2000, fields=None) -> None:
    """INSERT many rows, a few thousand per statement, without Django's per-value compilation.

    For the rows an import writes beside its records (co-signers, assignments, replies, links
    of many-to-many fields): bulk_create spends most of a big import compiling their SQL. The
    objects' primary keys are not set and no signal is sent. With `fields` (attnames), `objs`
    are tuples of those fields' values, not model objects (see `insert_values`): rows that are
    only written are cheaper built that way.
    """
    if fields is not None:
        insert_values(model, fields, objs)
    else:
        insert_rows(model, objs, batch_size)


def _insertable(model):
    """The fields an INSERT gives, those stamped with the time, and which need converting."""
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
    stamped = [
        f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    converters = [
        None
        if isinstance(f, _PLAIN_FIELDS) and not f.choices and not isinstance(f, models.JSONField)
        else f
        for f in fields
    ]
    return fields, stamped, converters


def _insert_many(model, fields, rows) -> None:
    """INSERT rows of database-ready values: many rows per statement, or COPY on PostgreSQL.

    One statement per row, even prepared (executemany), costs a round trip each on PostgreSQL
    (psycopg sends them one by one in a pipeline).
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        # COPY: the rows streamed, each value converted by psycopg's C code (a VALUES list is
        # quoted value by value in Python, as Django's client-side binding does).
        # Names from the model, quoted; the values never enter the SQL.
        sql = "COPY {} ({}) FROM STDIN".format(  # noqa: S608
            quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
        )
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    limit = connection.features.max_query_params or 65535
    per_statement = max(1, min(2000, limit // len(fields)))
    placeholder = "({})".format(", ".join(["%s"] * len(fields)))
    # Names from the model, quoted; every value is a parameter.
    head = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    )
    statements = {}
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            sql = statements.get(len(chunk))
            if sql is None:
                sql = statements[len(chunk)] = head + ", ".join([placeholder] * len(chunk))
            cursor.execute(sql, [value for row in chunk for value in row])


def insert_rows(model, objs, batch_size=2000) -> None:
    """The INSERT of `fast_bulk_create`; SheetResource writes its new records with it."""
    objs = list(objs)
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    fields, stamped, converters = _insertable(model)
    for start in range(0, len(objs), batch_size):
        rows = []
        for obj in objs[start : start + batch_size]:
            for field in stamped:
                field.pre_save(obj, add=True)
            rows.append(
                [
                    getattr(obj, f.attname)
                    if convert is None
                    else f.get_db_prep_save(getattr(obj, f.attname), connection)
                    for f, convert in zip(fields, converters, strict=True)
                ]
            )
        _insert_many(model, fields, rows)


def insert_values(model, names, rows, batch_size=5000) -> None:
    """INSERT rows given as tuples of values for the fields `names` (attnames: "suggestion_id").

    No model object is built: for the many small rows an import writes beside its records
    (co-signers, assignments, replies, timeline entries). Every other field takes its default,
    computed once per call (a `timezone.now` default is the same instant for every row), and a
    field stamped with the time (auto_now) takes the time of the call. No signal is sent.
    """
    rows = list(rows)
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields, stamped, converters = _insertable(model)
    given = {name: index for index, name in enumerate(names)}
    unknown = set(given) - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
    now = timezone.now()
    # Per field: (its index in a row, the field if its values need converting else None), or
    # (None, the value every row takes).
    recipe = []
    for field, convert in zip(fields, converters, strict=True):
        if field.attname in given:
            recipe.append((given[field.attname], convert))
            continue
        value = now if field in stamped else field.get_default()
        if convert is not None:
            value = field.get_db_prep_save(value, connection)
        recipe.append((None, value))
    for start in range(0, len(rows), batch_size):
        _insert_many(
            model,
            fields,
            [
                [
                    (
                        constant
                        if index is None
                        else row[index]
                        if constant is None
                        else constant.get_db_prep_save(row[index], connection)
                    )
                    for index, constant in recipe
                ]
                for row in rows[start : start + batch_size]
            ],
        )


def _prepared_value(field, obj, connection):
    value = getattr(obj, field.attname)
    if isinstance(field, _PLAIN_FIELDS) and not isinstance(field, models.JSONField):
        return value
    return field.get_db_prep_save(value, connection)


def fast_bulk_update(model, objs, field_names) -> None:
    """UPDATE the given fields of many rows with one prepared statement (see fast_bulk_create)."""
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(name) for name in field_names]
    fields = [f for f in fields if f.concrete and not f.primary_key]
    for field in fields:
        if getattr(field, "auto_now", False):
            for obj in objs:
                field.pre_save(obj, add=False)
    quote = connection.ops.quote_name
    pk = model._meta.pk
    # Names from the model, quoted; every value is a parameter.
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in fields),
        quote(pk.column),
    )
    rows = [[_prepared_value(f, obj, connection) for f in fields] + [obj.pk] for obj in objs]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(sql, rows)  # in-process: no round trip per row
            return
        # psycopg sends an executemany as one statement per row; instead, one UPDATE joins a
        # VALUES list of many rows, each placeholder cast to its column's type.
        table = quote(model._meta.db_table)
        names = ", ".join(quote(f"v{index}") for index in range(len(fields) + 1))
        placeholder = "({})".format(
            ", ".join(f"%s::{f.cast_db_type(connection)}" for f in [*fields, pk])
        )
        per_statement = max(1, min(2000, 65535 // (len(fields) + 1)))
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            # Names from the model, quoted; types from its fields; every value is a parameter.
            cursor.execute(
                "UPDATE {table} SET {sets} FROM (VALUES {values}) AS v ({names}) "  # noqa: S608
                "WHERE {table}.{pk} = v.{key}".format(
                    table=table,
                    sets=", ".join(
                        f"{quote(f.column)} = v.{quote(f'v{index}')}"
                        for index, f in enumerate(fields)
                    ),
                    values=", ".join([placeholder] * len(chunk)),
                    names=names,
                    pk=quote(pk.column),
                    key=quote(f"v{len(fields)}"),
                ),
                [value for row in chunk for value in row],
            )


def _comparable(value):
    return {obj.pk for obj in value} if isinstance(value, list) else value


def bulk_set_m2m(model, attribute: str, links: dict) -> None:
    """Replace the related rows of many objects at once: `links` maps a pk to related pks.

    The bulk path of an import: two queries in all rather than three per object. No
    m2m_changed signal is sent.
    """
    descriptor = getattr(model, attribute)
    field, through = descriptor.field, descriptor.through
    if descriptor.reverse:
        source, target = field.m2m_reverse_field_name(), field.m2m_field_name()
    else:
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    # One DELETE per 500 objects: the ORM's delete() of a through table collects the rows first
    # and deletes them 100 at a time. An auto-created link row has nothing depending on it.
    if not through._meta.auto_created:  # a model of its own may have rows depending on it
        through._default_manager.filter(**{f"{source}__in": list(links)}).delete()
        links_to_delete = []
    else:
        links_to_delete = list(links)
    connection = connections[router.db_for_write(through)]
    column = through._meta.get_field(source).column
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for start in range(0, len(links_to_delete), 500):
            chunk = links_to_delete[start : start + 500]
            # Names from the model, quoted; every value is a parameter.
            cursor.execute(
                "DELETE FROM {} WHERE {} IN ({})".format(  # noqa: S608
                    quote(through._meta.db_table), quote(column), ", ".join(["%s"] * len(chunk))
                ),
                chunk,
            )
    fast_bulk_create(
        through,
        [(pk, other) for pk, others in links.items() for other in others],
        fields=(f"{source}_id", f"{target}_id"),
    )


class SheetInstanceLoader(BaseInstanceLoader):
    """The file's existing records, read in one query keyed by the import id column.

    Their many-to-many values are read in two more queries (the links, then the related rows)
    and kept on each instance as `_m2m_before`, rather than through a prefetch cache, whose
    related managers cost more to build than the rest of a row's import.
    """

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.instances = {}
        names = resource.get_import_id_fields()
        if len(names) != 1 or not dataset or not dataset.headers:
            return
        self.column = resource.fields[names[0]]
        if self.column.column_name not in dataset.headers:
            return
        index = dataset.headers.index(self.column.column_name)
        keys = {self.key(values[index]) for values in dataset}
        keys.discard(None)
        keys.discard("")
        if not keys:
            return
        queryset = resource.get_queryset().prefetch_related(None)
        self.instances = {
            self.column.get_value(instance): instance
            for instance in queryset.filter(**{f"{self.column.attribute}__in": list(keys)})
        }
        for attribute in resource._relations(widgets.ManyToManyWidget):
            self._read_m2m(resource._meta.model, attribute)

    def key(self, value):
        return self.column.clean({self.column.column_name: value})

    def _read_m2m(self, model, attribute):
        descriptor = getattr(model, attribute)
        field, through = descriptor.field, descriptor.through
        if descriptor.reverse:
            source, target = field.m2m_reverse_field_name(), field.m2m_field_name()
            related_model = field.model
        else:
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            related_model = field.related_model
        by_pk = {instance.pk: instance for instance in self.instances.values()}
        links = defaultdict(list)
        for owner, other in through._default_manager.filter(
            **{f"{source}_id__in": list(by_pk)}
        ).values_list(f"{source}_id", f"{target}_id"):
            links[other].append(owner)
        for instance in by_pk.values():
            instance.__dict__.setdefault("_m2m_before", {})[attribute] = []
        # In the related model's own order, as the prefetch cache would list them.
        for related in related_model._default_manager.filter(pk__in=list(links)):
            for owner in links[related.pk]:
                by_pk[owner]._m2m_before[attribute].append(related)

    def get_instance(self, row):
        # Handed out once and let go: a big file's records are not all held to the end. A key
        # given twice is refused anyway (SheetResource._check_repeated_key); its second row is
        # checked as a new record.
        if not self.instances:
            return None
        return self.instances.pop(self.key(row[self.column.column_name]), None)


class SheetResource(resources.ModelResource):
    """Base of the project's resources; see the module docstring.

    Subclasses declare `Column`s and list them in `Meta.fields`; `Meta.import_id_fields` names the
    column that matches existing rows. `Meta.use_bulk = True` suits big files: rows are written
    in batches, and full_clean skips its per-row queries (see validate_instance).
    """

    # Row-error sentences by error code; others use the general ones in `explain`.
    ERROR_TEMPLATES = {
        "does_not_exist": gettext_lazy(
            "Row %(row)s, column “%(column)s”: “%(value)s” does not exist."
        ),
        "repeated": gettext_lazy(
            "Row %(row)s, column “%(column)s”: “%(value)s” already appears in row %(first)s."
        ),
    }

    class Meta:
        use_transactions = True
        clean_model_instances = True
        instance_loader_class = SheetInstanceLoader
        # Unchanged rows are counted but neither written nor listed: the preview shows what changes.
        skip_unchanged = True
        report_skipped = False
        # No per-row deepcopy and HTML diff: rows are compared column by column (skip_row) and
        # the preview shows the changed cells of its first rows (summary).
        skip_diff = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # A blank cell takes the model field's default (民族 → 汉族, 状态 → 在任).
        for column in self.fields.values():
            model_field = self._model_field(column)
            if model_field is not None and model_field.has_default():
                column.default = model_field.default
        self._pending_m2m = []
        self._seen_keys = {}
        self._row, self._line, self._sheet = {}, 0, None
        # Set by the admin from `prepare`: where each dataset row stands in the file.
        self.row_labels, self.several_sheets = None, False
        # Values put in their register form: (sheet, row, column, typed, kept), the first few.
        self.normalised, self.normalised_count = [], 0
        self.progress = None  # called with the number of rows read, now and then
        self.samples = defaultdict(list)  # import type → the first rows of that kind

    NORMALISED_KEPT = 50
    PREVIEW_ROWS = 10

    def get_import_fields(self):
        # Asked several times per row; the columns do not change during an import.
        if self._import_fields is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    _import_fields = None

    def get_result_class(self):
        resource = self

        def result():
            result = SheetResult()
            result.labels, result.several_sheets = resource.row_labels, resource.several_sheets
            return result

        return result

    def _model_field(self, column):
        try:
            field = self._meta.model._meta.get_field(column.attribute or "")
        except FieldDoesNotExist:
            return None
        return field if isinstance(field, models.Field) else None

    def _relations(self, widget_class):
        return [f.attribute for f in self.get_import_fields() if isinstance(f.widget, widget_class)]

    def with_relations(self, queryset):
        """The queryset with what the columns show, read in a fixed number of queries."""
        return queryset.select_related(*self._relations(widgets.ForeignKeyWidget)).prefetch_related(
            *self._relations(widgets.ManyToManyWidget)
        )

    def get_queryset(self):
        return self.with_relations(super().get_queryset())

    def filter_export(self, queryset, **kwargs):
        return self.with_relations(queryset)

    def get_bulk_update_fields(self):
        return [
            column.attribute
            for name, column in self.fields.items()
            if column.attribute
            and not column.readonly
            and name not in self.get_import_id_fields()
            and not isinstance(column.widget, widgets.ManyToManyWidget)
        ]

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        # Django's bulk_create compiles every value of every row into its SQL (a sixth of a
        # big import). New rows are written with one prepared INSERT instead, and their keys read
        # back by the import id, which a new row holds alone: the loader found no row with it.
        if not self.create_instances or not (using_transactions or not dry_run):
            return
        model, instances = self._meta.model, list(self.create_instances)
        names = self.get_import_id_fields()
        keys = []
        if len(names) == 1:
            attribute = self.fields[names[0]].attribute
            keys = [getattr(instance, attribute, None) for instance in instances]
        if not keys or "" in keys or None in keys or len(set(keys)) != len(keys):
            super().bulk_create(
                using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result
            )
            if all(instance.pk is not None for instance in instances):
                self.written(instances)
            return
        try:
            insert_rows(model, instances)
            pks = dict(
                model._default_manager.filter(**{f"{attribute}__in": keys}).values_list(
                    attribute, "pk"
                )
            )
            for instance, key in zip(instances, keys, strict=True):
                instance.pk = pks[key]
                instance._state.adding, instance._state.db = False, model._default_manager.db
            self.written(instances)
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        # Django's bulk_update builds a CASE per field and row; save() compiles an UPDATE per
        # row. One prepared UPDATE run for every changed row (unchanged rows never get here).
        if self.update_instances and (using_transactions or not dry_run):
            fields = self.get_bulk_update_fields()
            try:
                fast_bulk_update(self._meta.model, self.update_instances, fields)
                self.written(self.update_instances)
            except Exception as error:
                self.handle_import_error(result, error, raise_errors)
            finally:
                self.update_instances.clear()

    def written(self, instances):
        """A batch of records just written, their keys set: keep what is still to be written
        for them, as plain values, and let the objects go (a big file's records all held until
        the end would double the import's memory).
        """
        for instance in instances:
            links = getattr(instance, "_import_m2m", None)
            if links:
                self._pending_m2m.append(
                    (
                        instance.pk,
                        {name: [obj.pk for obj in related] for name, related in links.items()},
                    )
                )

    def import_data(self, dataset, *args, **kwargs):
        # One bad row stops the whole file: half an import is worse than none.
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(dataset, *args, **kwargs)

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._pending_m2m, self._seen_keys = [], {}
        self.samples = defaultdict(list)
        self.normalised, self.normalised_count = [], 0
        for column in self.fields.values():
            if isinstance(column.widget, _Lookup):
                column.widget.reset()
        if dataset.headers:
            dataset.headers = [_text(header) for header in dataset.headers]
        self._headers = list(dataset.headers or ())
        # Before the instance loader reads the key column: an exported "'=x" is the key "=x".
        for index, values in enumerate(dataset):
            if any(unescape_formula(value) is not value for value in values):
                dataset[index] = [unescape_formula(value) for value in values]
        headers = set(dataset.headers or ())
        missing = [
            column.column_name
            for column in self.get_import_fields()
            if column.column_name not in headers
            and (field := self._model_field(column)) is not None
            and not (field.blank or field.has_default())
        ]
        if missing:
            raise ImportFileError(
                _(
                    "The file has no column %(missing)s. The first row must hold the headers: %(all)s."
                )
                % {
                    "missing": "、".join(f"「{name}」" for name in missing),
                    "all": "、".join(column.column_name for column in self.get_import_fields()),
                }
            )

    def import_row(self, row, instance_loader, **kwargs):
        number = kwargs["row_number"]
        if self.row_labels:
            self._sheet, self._line = self.row_labels[number - 1]
        else:
            self._sheet, self._line = None, number + 1
        self._row = row
        if self.progress and number % 500 == 0:
            self.progress(number)
        if not any(_text(value) for value in row.values()):
            # Excel often keeps blank, formatted rows below the data.
            skipped = self.get_row_result_class()()
            skipped.import_type = RowResult.IMPORT_TYPE_SKIP
            return skipped
        return super().import_row(row, instance_loader, **kwargs)

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        self._current = instance
        if not new:  # remember the values before the row (see SheetInstanceLoader)
            if not hasattr(instance, "_m2m_before"):
                instance._m2m_before = {
                    attribute: list(getattr(instance, attribute).all())
                    for attribute in self._relations(widgets.ManyToManyWidget)
                }
            instance._before = {
                column.column_name: _comparable(column.get_value(instance))
                for column in self.get_import_fields()
                if column.attribute
            }

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # Compared with the values remembered in after_init_instance, column by column; the
        # library's version reads many-to-many cells again, without the row's scope.
        before = getattr(instance, "_before", None)
        instance._changed = set()
        if before is None:
            return False
        instance._changed = {
            name
            for name, value in before.items()
            if _comparable(self.fields_by_header[name].get_value(instance)) != value
        }
        return bool(
            self._meta.skip_unchanged and not import_validation_errors and not instance._changed
        )

    @cached_property
    def fields_by_header(self):
        return {column.column_name: column for column in self.get_import_fields()}

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)
        kind = row_result.import_type
        if len(self.samples[kind]) < self.PREVIEW_ROWS:
            changed = getattr(self._current, "_changed", ())
            self.samples[kind].append(
                {
                    "where": self.where(),
                    "cells": [
                        (header, self._kept(header, value), header in changed)
                        for header, value in row.items()
                    ],
                }
            )

    def _kept(self, header, typed) -> str:
        """A cell of a preview row as the register will keep it: normalised, a choice by its
        label, a date in one form, related rows by their names. A column that is not a field
        of the record (a suggestion's reply) shows its text as typed."""
        column = self.fields_by_header.get(header)
        if column is None or not column.attribute or "__" in column.attribute:
            return _text(typed)
        return _text(column.widget.render(column.get_value(self._current)))

    def result_extra(self) -> dict:
        """What else a written import found, kept with its job (JSON); a register's resource
        returns its own (the budget register: the warnings its rules raised). Read back by
        `result_lines` when the job's page is shown, in the reader's language."""
        return {}

    @classmethod
    def result_lines(cls, extra: dict) -> list[tuple[str, str]]:
        """(text, link or "") lines the import's result page shows from `result_extra`."""
        return []

    def summary(self, result) -> dict:
        """Counts of each kind of row, with the first rows of each kind, for the preview."""
        totals = result.totals
        kinds = [
            ("new", _("New"), RowResult.IMPORT_TYPE_NEW),
            ("update", _("Changed"), RowResult.IMPORT_TYPE_UPDATE),
            ("skip", _("Unchanged"), RowResult.IMPORT_TYPE_SKIP),
        ]
        return {
            "headers": list(self._headers),
            "kinds": [
                {
                    "key": key,
                    "label": label,
                    "count": totals.get(key, 0),
                    "rows": self.samples.get(kind, []),
                }
                for key, label, kind in kinds
            ],
            "refused": totals.get("invalid", 0) + totals.get("error", 0),
        }

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        # Lookup widgets need the row's instance for their scope (the deputy's term).
        if is_m2m or not isinstance(field, Column) or "__" in (field.attribute or "__"):
            super().import_field(field, instance, row, is_m2m, target=instance, **kwargs)
            return
        # The library's Field.save, without its per-call checks and path splitting (a column
        # sets one plain attribute): the same value, set in the same cases.
        if field.column_name not in row or field.readonly:
            return
        cleaned = field.clean(row, target=instance, **kwargs)
        if cleaned is not None or field.saves_null_values:
            setattr(instance, field.attribute, cleaned)

    def import_instance(self, instance, row, **kwargs):
        """Set every column's value, collecting each bad cell as an error of its column."""
        errors = {}
        instance._import_m2m = {}
        for column in self.get_import_fields():
            if not column.attribute or column.readonly or column.column_name not in row:
                continue
            try:
                if isinstance(column.widget, widgets.ManyToManyWidget):
                    # Read now so that a bad name is an error of this row; written by save_m2m.
                    instance._import_m2m[column.attribute] = column.clean(row, target=instance)
                else:
                    self.import_field(column, instance, row, **kwargs)
                    if column.normalise:
                        self._normalise(instance, column)
            except ValidationError as error:
                errors[column.attribute] = error
            except ValueError as error:
                errors[column.attribute] = ValidationError(str(error), code="invalid")
            except ArithmeticError:  # decimal.InvalidOperation
                errors[column.attribute] = ValidationError(_("Enter a number."), code="invalid")
        self._check_repeated_key(row, errors)
        if errors:
            raise ValidationError(errors)

    def _normalise(self, instance, column):
        typed = getattr(instance, column.attribute)
        kept = column.normalise(typed)
        if kept != typed:
            setattr(instance, column.attribute, kept)
            self.note_normalised(column.column_name, typed, kept)

    def note_normalised(self, column_name, typed, kept):
        self.normalised_count += 1
        if len(self.normalised) < self.NORMALISED_KEPT:
            self.normalised.append((self._sheet, self._line, column_name, typed, kept))

    def where(self) -> str:
        """The current row as the messages name it: its number, and its sheet if several."""
        if self.several_sheets and self._sheet:
            return f"{self._sheet} {self._line}"
        return str(self._line)

    def _check_repeated_key(self, row, errors):
        """Two rows of one file for the same record: the second would silently win."""
        names = self.get_import_id_fields()
        if len(names) != 1:
            return
        column = self.fields[names[0]]
        key = _text(row.get(column.column_name))
        if not key or column.attribute in errors:
            return
        if key in self._seen_keys:
            errors[column.attribute] = ValidationError(
                "", code="repeated", params={"first": self._seen_keys[key]}
            )
        else:
            self._seen_keys[key] = self.where()

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if self._meta.clean_model_instances:
            exclude = set(errors)
            per_row_queries = not self._meta.use_bulk
            if not per_row_queries:
                # A foreign key here was set from a row just read (a lookup, the current term) or
                # read from the database: skip the query per row ForeignKey.validate() makes.
                # An empty one is still refused.
                exclude |= {
                    field.name
                    for field in instance._meta.concrete_fields
                    if field.is_relation and getattr(instance, field.attname) is not None
                }
                # Values that plainly pass (text that fits, a valid choice, a date) are not
                # cleaned again: Django's clean_fields costs more than reading the row.
                exclude |= self._plainly_valid(instance)
            try:
                # Bulk resources also skip the unique and constraint checks, a query per row
                # each: they check their keys (repeated keys) and rules (import_instance)
                # themselves, and anything missed still fails in the database, rolling back.
                instance.full_clean(
                    exclude=exclude,
                    validate_unique=validate_unique and per_row_queries,
                    validate_constraints=per_row_queries,
                )
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(self.explain(errors))

    @cached_property
    def _plain_checks(self):
        """(field name, attname, test) for fields whose value a simple test proves clean.

        A test is only for fields with no validators beyond the ones it checks itself; a value
        that fails it goes through Django's clean_fields as before, for the same message.
        """
        checks = []
        for field in self._meta.model._meta.concrete_fields:
            if field.primary_key or field.is_relation or field.generated:
                continue
            if not all(
                isinstance(
                    v, (validators.MaxLengthValidator, validators.ProhibitNullCharactersValidator)
                )
                for v in field.validators
            ):
                continue
            choices = {str(value) for value, _label in field.flatchoices} if field.choices else None
            if isinstance(field, (models.CharField, models.TextField)):
                limit, blank = field.max_length, field.blank

                def test(value, limit=limit, blank=blank, choices=choices):
                    return (
                        isinstance(value, str)
                        and (blank or value != "")
                        and (limit is None or len(value) <= limit)
                        and (choices is None or value in choices or (blank and value == ""))
                        and "\x00" not in value
                    )

            elif isinstance(field, models.DateTimeField) or field.choices:
                continue
            elif isinstance(field, models.DateField):

                def test(value, blank=field.blank, null=field.null):
                    if value is None:
                        return blank and null
                    return type(value) is date

            elif isinstance(field, models.BooleanField):

                def test(value):
                    return type(value) is bool

            else:
                continue
            checks.append((field.name, field.attname, test))
        return checks

    def _plainly_valid(self, instance) -> set:
        values = instance.__dict__
        return {
            name
            for name, attname, test in self._plain_checks
            if attname in values and test(values[attname])
        }

    def explain(self, errors: dict) -> dict[str, list[str]]:
        """Rewrite errors keyed by model field as sentences keyed by column header.

        Each sentence names the spreadsheet row, the column and the bad value, so that the list
        reads on its own, in the admin as in a report.
        """
        columns = {column.attribute: column.column_name for column in self.get_import_fields()}
        explained = {}
        for key, error_list in errors.items():
            column = columns.get(key)
            if column is None and key != NON_FIELD_ERRORS:
                try:  # a field the sheet has no column for, such as the term
                    column = str(self._meta.model._meta.get_field(key).verbose_name)
                except FieldDoesNotExist:
                    column = key
            cell = _text(self._row.get(column))
            errors_here = ValidationError(error_list).error_list
            if len(errors_here) > 1:
                # Too long *and* not a phone number: the specific sentence is the useful one.
                errors_here = [e for e in errors_here if e.code != "max_length"] or errors_here
            for error in errors_here:
                params = {"row": self._line, "column": column, "value": cell}
                params.update(error.params or {})
                params["message"] = self._sentence(error)
                if column is None:
                    template = _("Row %(row)s: %(message)s")
                elif error.code in self.ERROR_TEMPLATES:
                    template = str(self.ERROR_TEMPLATES[error.code])
                elif not params["value"]:
                    template = _("Row %(row)s, column “%(column)s”: %(message)s")
                else:
                    template = _("Row %(row)s, column “%(column)s”, value “%(value)s”: %(message)s")
                message = template % params
                if self.several_sheets and self._sheet:
                    message = _("Sheet “%(sheet)s”: %(message)s") % {
                        "sheet": self._sheet,
                        "message": message,
                    }
                explained.setdefault(column or NON_FIELD_ERRORS, []).append(message)
        return explained

    @staticmethod
    def _sentence(error) -> str:
        """The reason, in a sentence a clerk reads (Django's own ones say "null", or nothing)."""
        if error.code in ("null", "blank", "required"):
            return _("This cell is empty; fill it in.")
        if error.code == "max_length" and error.params:
            return _("This is %(length)s characters long; at most %(limit)s fit.") % {
                "length": error.params.get("show_value"),
                "limit": error.params.get("limit_value"),
            }
        # Format before str(): a lazy plural message needs its number to find its text.
        message = error.message % error.params if error.params else error.message
        return str(message)

    def _writes_nothing(self, kwargs) -> bool:
        # A bulk resource's preview validates every row and writes nothing, not even in a
        # transaction rolled back. (Its rows are written in batches, so no row reads another
        # row of the same file from the database anyway; others, such as units whose parent is
        # listed above them, write and roll back.)
        return self._is_dry_run(kwargs) and (
            self._meta.use_bulk or not self._is_using_transactions(kwargs)
        )

    def save_instance(self, instance, is_create, row, **kwargs):
        if self._writes_nothing(kwargs):
            return
        super().save_instance(instance, is_create, row, **kwargs)

    def save_m2m(self, instance, row, **kwargs):
        if self._writes_nothing(kwargs):
            return
        if self._meta.use_bulk:
            return  # written in after_import, once it has a key (see `written`)
        for attribute, related in instance._import_m2m.items():
            getattr(instance, attribute).set(related)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if self._pending_m2m and not (result.has_errors() or result.has_validation_errors()):
            links = defaultdict(dict)
            for pk, related_by_attribute in self._pending_m2m:
                for attribute, related in related_by_attribute.items():
                    links[attribute][pk] = related
            for attribute, by_pk in links.items():
                bulk_set_m2m(self._meta.model, attribute, by_pk)
        self._pending_m2m = []


class CSV(base_formats.CSV):
    """CSV as Excel writes it in China: UTF-8 (with or without BOM) or GB18030.

    Read as bytes so that the encoding can be guessed; exported with a BOM, without which Excel
    takes UTF-8 for the local code page and garbles Chinese.
    """

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            try:
                in_stream = in_stream.decode("utf-8-sig")
            except UnicodeDecodeError:
                in_stream = in_stream.decode("gb18030")
        return super().create_dataset(in_stream, **kwargs)

    def export_data(self, dataset, **kwargs):
        return "\ufeff" + super().export_data(dataset, **kwargs)


SHEET_FORMATS = [base_formats.XLSX, CSV]


def import_prepared(resource, prepared, dry_run, user=None, file=""):
    """Run a prepared file through a resource: the whole file, or nothing."""
    resource.row_labels, resource.several_sheets = prepared.labels, prepared.several_sheets
    return resource.import_data(
        prepared.dataset,
        dry_run=dry_run,
        raise_errors=False,
        rollback_on_validation_errors=True,
        file_name=file,
        user=user,
    )
