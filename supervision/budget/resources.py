"""The finance bureau's monthly sheets (see congress.kit.importing): one file is one month of one
kind, named in its 年度 and 月份 columns.

- Budget execution by department: 年度, 月份, 单位, 年初预算, 调整预算, 累计支出 (yuan).
- By functional classification: 年度, 月份, 科目编码, 科目名称, 年初预算, 调整预算, 累计支出.
- The four budgets' totals: 年度, 月份, 预算类别 (一般公共预算, 政府性基金预算, 国有资本经营预算,
  社会保险基金预算), 收入预算, 累计收入, 上年同期累计收入, 支出预算, 累计支出.
- 三公 by department: 年度, 月份, 单位, 因公出国（境）预算, 因公出国（境）支出, 公务用车购置及运行预算,
  公务用车购置及运行支出, 公务接待预算, 公务接待支出.
- Transfer payments: 年度, 月份, 项目, 收到金额, 收到日期, 下达日期, 下达金额, 下达对象 (the last
  three blank while it is held).
- Reserve fund: 年度, 月份, 预备费预算, 累计动用, 动用事项 (one row).
- Government debt: 年度, 月份, 新增债务, 偿还, 债务余额, 债务限额 (yuan; one row).

`supervision.budget.samples` writes a sample of each (`manage.py budget_sample_files <dir>`).

Importing a month makes a new snapshot (supervision.budget.services.snapshot_start); a month
imported before is replaced and kept. A bad row refuses the whole file, nothing written; once
written, the rules run on the snapshot and the open cases are followed up.
"""

from decimal import Decimal, InvalidOperation
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from import_export import widgets
from import_export.instance_loaders import BaseInstanceLoader, ModelInstanceLoader

from congress.kit.importing import (
    ChoiceWidget,
    Column,
    DateWidget,
    ImportFileError,
    LookupWidget,
    SheetResource,
    _text,
    insert_rows,
)
from congress.models import Organisation
from supervision.budget import services
from supervision.budget.models import (
    BudgetSnapshot,
    BudgetTotal,
    DebtLine,
    ExecutionLine,
    FunctionalLine,
    ReserveLine,
    SanGongLine,
    TransferLine,
)
from supervision.budget.session import DraftBudgetLine


class MoneyWidget(widgets.Widget):
    """An amount in yuan: a number cell, or text such as 1,234.56."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return Decimal(str(value)).quantize(Decimal("0.01"))
        text = _text(value).replace(",", "").replace("，", "")
        if not text:
            return None
        try:
            return Decimal(text).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise ValueError(_("Enter an amount in yuan, such as 1234.56.")) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else f"{value:.2f}"


class SnapshotColumn(Column):
    """年度 or 月份: read from the file to choose the snapshot; exported from the line's snapshot,
    so that an exported month is a file that imports again."""

    def __init__(self, part, header):
        super().__init__(f"sheet_{part}", header)
        self.part = part

    def get_value(self, instance):
        value = getattr(instance, self.attribute, None)
        if value is None and getattr(instance, "snapshot_id", None):
            value = getattr(instance.snapshot, self.part)
        return value


class NewRowsOnly(BaseInstanceLoader):
    """Every row is a line of the new snapshot: nothing existing is matched."""

    def get_instance(self, row):
        return None


def _month_of(resource, dataset) -> tuple[int, int]:
    """The one (year, month) the file's rows name; a row naming another, or none, is refused
    with its number."""
    found = None
    for index, values in enumerate(dataset.dict):
        if not any(_text(v) for v in values.values()):
            continue
        if resource.row_labels:
            sheet, line = resource.row_labels[index]
        else:
            line = index + 2
        try:
            key = (int(_text(values.get("年度"))), int(_text(values.get("月份"))))
        except ValueError:
            raise ImportFileError(
                _("Row %(row)s: give the year and the month as numbers (2022, 11).") % {"row": line}
            ) from None
        if not (2000 <= key[0] <= 2100 and 1 <= key[1] <= 12):
            raise ImportFileError(
                _("Row %(row)s: %(year)s-%(month)s is not a month.")
                % {"row": line, "year": key[0], "month": key[1]}
            )
        if found is None:
            found = key
        elif key != found:
            raise ImportFileError(
                _(
                    "Row %(row)s is for %(year)s-%(month)s, the rows above for %(first_year)s-"
                    "%(first_month)s: one file holds one month."
                )
                % {
                    "row": line,
                    "year": key[0],
                    "month": key[1],
                    "first_year": found[0],
                    "first_month": found[1],
                }
            )
    if found is None:
        raise ImportFileError(_("The file has no rows."))
    return found


class MonthlySheet(SheetResource):
    """A month's sheet: the snapshot is made before the first row and the rules run after the
    last, all in the import's transaction."""

    snapshot_kind = ""

    class Meta:
        instance_loader_class = NewRowsOnly
        use_transactions = True
        clean_model_instances = True
        skip_unchanged = False
        report_skipped = False
        skip_diff = True
        # Rows written in batches after every row is checked; a repeated key is refused by
        # the import id (one line per department, code, budget or item in a month).
        use_bulk = True
        batch_size = 5000

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        headers = set(dataset.headers or ())
        if not {"年度", "月份"} <= headers:
            raise ImportFileError(
                _("The file needs the columns 「年度」 and 「月份」: one file is one month.")
            )
        year, month = _month_of(self, dataset)
        user = kwargs.get("user")
        self.snapshot = services.snapshot_start(
            kind=self.snapshot_kind,
            year=year,
            month=month,
            by=user if getattr(user, "pk", None) else None,
            file_name=kwargs.get("file_name") or "",
        )

    def init_instance(self, row=None):
        return self._meta.model(snapshot=self.snapshot)

    @cached_property
    def _money_fields(self) -> list[tuple[str, str, Decimal, bool]]:
        """(name, attname, the first amount too big, may be empty) of the sheet's amounts."""
        return [
            (field.name, field.attname, Decimal(10) ** (field.max_digits - field.decimal_places),
             field.null and field.blank)
            for field in self._meta.model._meta.concrete_fields
            if isinstance(field, models.DecimalField)
        ]  # fmt: skip

    def _plainly_valid(self, instance) -> set:
        # An amount MoneyWidget read is a Decimal in cents: not negative and short enough, it
        # passes the field's validators, which cost a big month's import more than its reading.
        plain = super()._plainly_valid(instance)
        values = instance.__dict__
        for name, attname, too_big, may_be_empty in self._money_fields:
            value = values.get(attname)
            if value is None:
                if may_be_empty:
                    plain.add(name)
            elif (
                type(value) is Decimal
                and isinstance(exponent := value.as_tuple().exponent, int)  # not NaN or infinity
                and exponent >= -2
                and 0 <= value < too_big
            ):
                plain.add(name)
        return plain

    def get_queryset(self):
        return self._meta.model.objects.none()

    def filter_export(self, queryset, **kwargs):
        return super().filter_export(queryset, **kwargs).select_related("snapshot")

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        # A month's lines are all new and nothing is written for them afterwards: one INSERT
        # per batch, without reading their keys back.
        if not self.create_instances or not (using_transactions or not dry_run):
            return
        try:
            insert_rows(self._meta.model, list(self.create_instances))
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.create_instances.clear()

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        failed = result.has_errors() or result.has_validation_errors()
        if not failed and not kwargs.get("dry_run"):
            self.checks = services.snapshot_checks(snapshot=self.snapshot)

    def result_extra(self) -> dict:
        checks = getattr(self, "checks", None)
        if checks is None:
            return {}
        return {"year": self.snapshot.year, "month": self.snapshot.month, **checks}

    @classmethod
    def result_lines(cls, extra: dict) -> list[tuple[str, str]]:
        """本次导入触发N条预警, linked to the warnings list filtered to the month."""
        url = reverse("admin:supervision_budgetwarning_changelist")
        query = urlencode({"year": extra["year"], "snapshot__month": extra["month"]})
        raised = extra.get("raised", 0)
        lines = [
            (
                ngettext(
                    "This import raised %(count)s warning.",
                    "This import raised %(count)s warnings.",
                    raised,
                )
                % {"count": raised},
                f"{url}?{query}",
            )
        ]
        if closed := extra.get("closed", 0):
            lines.append(
                (
                    ngettext(
                        "Its figures closed %(count)s case on follow-up.",
                        "Its figures closed %(count)s cases on follow-up.",
                        closed,
                    )
                    % {"count": closed},
                    "",
                )
            )
        return lines


class ExecutionResource(MonthlySheet):
    snapshot_kind = BudgetSnapshot.Kind.EXECUTION
    year = SnapshotColumn("year", "年度")
    month = SnapshotColumn("month", "月份")
    department = Column("department", "单位", LookupWidget(Organisation))
    budgeted = Column("budgeted", "年初预算", MoneyWidget())
    adjusted = Column("adjusted", "调整预算", MoneyWidget())
    spent = Column("spent", "累计支出", MoneyWidget())

    class Meta(MonthlySheet.Meta):
        model = ExecutionLine
        name = gettext_lazy("Budget execution by department")
        fields = ("year", "month", "department", "budgeted", "adjusted", "spent")
        import_id_fields = ("department",)


class DebtResource(MonthlySheet):
    snapshot_kind = BudgetSnapshot.Kind.DEBT
    year = SnapshotColumn("year", "年度")
    month = SnapshotColumn("month", "月份")
    new_debt = Column("new_debt", "新增债务", MoneyWidget())
    repaid = Column("repaid", "偿还", MoneyWidget())
    balance = Column("balance", "债务余额", MoneyWidget())
    limit = Column("limit", "债务限额", MoneyWidget())

    class Meta(MonthlySheet.Meta):
        model = DebtLine
        name = gettext_lazy("Government debt")
        fields = ("year", "month", "new_debt", "repaid", "balance", "limit")
        # A second row for the month is refused with both rows named.
        import_id_fields = ("month",)


class FunctionalResource(MonthlySheet):
    snapshot_kind = BudgetSnapshot.Kind.FUNCTIONAL
    year = SnapshotColumn("year", "年度")
    month = SnapshotColumn("month", "月份")
    code = Column("code", "科目编码")
    name = Column("name", "科目名称")
    budgeted = Column("budgeted", "年初预算", MoneyWidget())
    adjusted = Column("adjusted", "调整预算", MoneyWidget())
    spent = Column("spent", "累计支出", MoneyWidget())
    header_synonyms = {
        "科目编码": ["功能分类编码", "科目代码", "编码"],
        "科目名称": ["功能分类", "科目"],
    }

    class Meta(MonthlySheet.Meta):
        model = FunctionalLine
        name = gettext_lazy("Budget execution by functional classification")
        fields = ("year", "month", "code", "name", "budgeted", "adjusted", "spent")
        import_id_fields = ("code",)


class TotalsResource(MonthlySheet):
    snapshot_kind = BudgetSnapshot.Kind.TOTALS
    year = SnapshotColumn("year", "年度")
    month = SnapshotColumn("month", "月份")
    budget = Column(
        "budget", "预算类别", ChoiceWidget(BudgetTotal.Budget, aliases=BudgetTotal.CHINESE)
    )
    revenue_budgeted = Column("revenue_budgeted", "收入预算", MoneyWidget())
    revenue = Column("revenue", "累计收入", MoneyWidget())
    revenue_last_year = Column("revenue_last_year", "上年同期累计收入", MoneyWidget())
    expenditure_budgeted = Column("expenditure_budgeted", "支出预算", MoneyWidget())
    expenditure = Column("expenditure", "累计支出", MoneyWidget())
    header_synonyms = {
        "预算类别": ["预算", "类别"],
        "上年同期累计收入": ["上年同期收入", "上年同期"],
    }

    class Meta(MonthlySheet.Meta):
        model = BudgetTotal
        name = gettext_lazy("The four budgets' totals")
        fields = (
            "year",
            "month",
            "budget",
            "revenue_budgeted",
            "revenue",
            "revenue_last_year",
            "expenditure_budgeted",
            "expenditure",
        )
        import_id_fields = ("budget",)


class SanGongResource(MonthlySheet):
    snapshot_kind = BudgetSnapshot.Kind.SANGONG
    year = SnapshotColumn("year", "年度")
    month = SnapshotColumn("month", "月份")
    department = Column("department", "单位", LookupWidget(Organisation))
    travel_budget = Column("travel_budget", "因公出国（境）预算", MoneyWidget())
    travel_spent = Column("travel_spent", "因公出国（境）支出", MoneyWidget())
    vehicles_budget = Column("vehicles_budget", "公务用车购置及运行预算", MoneyWidget())
    vehicles_spent = Column("vehicles_spent", "公务用车购置及运行支出", MoneyWidget())
    reception_budget = Column("reception_budget", "公务接待预算", MoneyWidget())
    reception_spent = Column("reception_spent", "公务接待支出", MoneyWidget())

    class Meta(MonthlySheet.Meta):
        model = SanGongLine
        name = gettext_lazy("三公 spending by department")
        fields = (
            "year",
            "month",
            "department",
            "travel_budget",
            "travel_spent",
            "vehicles_budget",
            "vehicles_spent",
            "reception_budget",
            "reception_spent",
        )
        import_id_fields = ("department",)


class TransferResource(MonthlySheet):
    snapshot_kind = BudgetSnapshot.Kind.TRANSFER
    year = SnapshotColumn("year", "年度")
    month = SnapshotColumn("month", "月份")
    item = Column("item", "项目")
    amount = Column("amount", "收到金额", MoneyWidget())
    received_on = Column("received_on", "收到日期", DateWidget())
    passed_on = Column("passed_on", "下达日期", DateWidget())
    passed_amount = Column("passed_amount", "下达金额", MoneyWidget())
    recipient = Column("recipient", "下达对象")
    header_synonyms = {"项目": ["项目名称", "转移支付项目"], "收到金额": ["金额"]}

    class Meta(MonthlySheet.Meta):
        model = TransferLine
        name = gettext_lazy("Transfer payments")
        fields = (
            "year",
            "month",
            "item",
            "amount",
            "received_on",
            "passed_on",
            "passed_amount",
            "recipient",
        )
        import_id_fields = ("item",)


class ReserveResource(MonthlySheet):
    snapshot_kind = BudgetSnapshot.Kind.RESERVE
    year = SnapshotColumn("year", "年度")
    month = SnapshotColumn("month", "月份")
    budgeted = Column("budgeted", "预备费预算", MoneyWidget())
    used = Column("used", "累计动用", MoneyWidget())
    uses = Column("uses", "动用事项")

    class Meta(MonthlySheet.Meta):
        model = ReserveLine
        name = gettext_lazy("Reserve fund")
        fields = ("year", "month", "budgeted", "used", "uses")
        # A second row for the month is refused with both rows named.
        import_id_fields = ("month",)


class DraftLineLoader(ModelInstanceLoader):
    """A line of the draft budget is matched by its year, department and name: a second file for
    the year corrects the amounts of the lines it names and adds the others. A key cell that
    cannot be read matches nothing; reading the row then names its column."""

    def get_instance(self, row):
        try:
            return super().get_instance(row)
        except (ValueError, ValidationError):
            return None


class DraftBudgetResource(SheetResource):
    """The draft budget the government submits to the session, by department and line:
    年度, 单位, 项目, 金额 (yuan). Deputies read it in their workspace and question it."""

    year = Column("year", "年度", widgets.IntegerWidget())
    department = Column("department", "单位", LookupWidget(Organisation))
    name = Column("name", "项目")
    amount = Column("amount", "金额", MoneyWidget())
    header_synonyms = {
        "单位": ["部门", "预算单位"],
        "项目": ["预算项目", "项目名称"],
        "金额": ["金额（元）", "预算金额", "预算数"],
    }

    class Meta(SheetResource.Meta):
        model = DraftBudgetLine
        instance_loader_class = DraftLineLoader
        fields = ("year", "department", "name", "amount")
        import_id_fields = ("year", "department", "name")
