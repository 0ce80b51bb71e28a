"""The finance bureau's monthly sheets (see congress.kit.importing): one file is one month of one
kind, named in its 年度 and 月份 columns.

- Budget execution by department: 年度, 月份, 单位, 年初预算, 调整预算, 累计支出 (yuan).
- Government debt: 年度, 月份, 新增债务, 偿还, 债务余额, 债务限额 (yuan; one row).

Importing a month makes a new snapshot (supervision.budget.services.snapshot_start); a month
imported before is replaced and kept. A bad row refuses the whole file, nothing written; once
written, the rules run on the snapshot and the open cases are followed up.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import widgets
from import_export.instance_loaders import BaseInstanceLoader

from congress.kit.importing import Column, ImportFileError, LookupWidget, SheetResource, _text
from congress.models import Organisation
from supervision.budget import services
from supervision.budget.models import BudgetSnapshot, DebtLine, ExecutionLine


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

    def get_queryset(self):
        return self._meta.model.objects.none()

    def filter_export(self, queryset, **kwargs):
        return super().filter_export(queryset, **kwargs).select_related("snapshot")

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        failed = result.has_errors() or result.has_validation_errors()
        if not failed and not kwargs.get("dry_run"):
            self.checks = services.snapshot_checks(snapshot=self.snapshot)


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
