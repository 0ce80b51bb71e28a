"""Sample files of the budget register's monthly sheets: the file formats the import accepts.

`manage.py budget_sample_files <dir>` writes one xlsx per register for November 2022, and the
draft budget for 2023 by department (年度, 单位, 项目, 金额), with the demo's Pinghu figures
(supervision.budget.demo): the headers a finance clerk fills in, and rows that import as they
are once the departments exist (load the demo, or add them). The benchmark
(tests/perf/bench_budget.py) writes bigger files with `write_xlsx` and `HEADERS`.
"""

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

import openpyxl

from supervision.budget import demo
from supervision.budget.models import BudgetSnapshot, BudgetTotal
from supervision.budget.resources import (
    DebtResource,
    DraftBudgetResource,
    ExecutionResource,
    FunctionalResource,
    MonthlySheet,
    ReserveResource,
    SanGongResource,
    TotalsResource,
    TransferResource,
)

K = BudgetSnapshot.Kind

# Register → (resource, file name stem). The order is the README's table's.
REGISTERS: dict[str, tuple[type[MonthlySheet], str]] = {
    K.EXECUTION: (ExecutionResource, "预算执行（按部门）"),
    K.FUNCTIONAL: (FunctionalResource, "预算执行（按功能分类）"),
    K.TOTALS: (TotalsResource, "四本预算收支"),
    K.SANGONG: (SanGongResource, "三公经费"),
    K.TRANSFER: (TransferResource, "转移支付"),
    K.RESERVE: (ReserveResource, "预备费"),
    K.DEBT: (DebtResource, "政府债务"),
}

BUDGET_NAMES = {value: name for name, value in BudgetTotal.CHINESE.items()}


def headers(kind: str) -> list[str]:
    resource, _stem = REGISTERS[kind]
    return [column.column_name for column in resource().get_import_fields()]


HEADERS = {kind: headers(kind) for kind in REGISTERS}


def demo_rows(kind: str, month: int) -> list[list]:
    """The demo's rows of a register for a month of 2022, as a clerk's sheet holds them."""
    year = demo.YEAR
    head = [year, month]
    if kind == K.EXECUTION:
        return [
            [*head, name, budgeted * demo.WAN, adjusted * demo.WAN,
             demo.spent_share(adjusted * demo.WAN, rates[month - 1])]
            for name, budgeted, adjusted, rates in demo.DEPARTMENTS
        ]  # fmt: skip
    if kind == K.FUNCTIONAL:
        return [[*head, *row] for row in demo.functional_rows(month)]
    if kind == K.TOTALS:
        return [[*head, BUDGET_NAMES[row[0]], *row[1:]] for row in demo.totals_rows(month)]
    if kind == K.SANGONG:
        return [[*head, *row] for row in demo.sangong_rows(month)]
    if kind == K.TRANSFER:
        return [[*head, *row] for row in demo.transfer_rows(month)]
    if kind == K.RESERVE:
        return [[*head, *demo.reserve_row(month)]]
    new, repaid = demo.NEW_DEBT[month - 1], demo.REPAID[month - 1]
    return [
        [
            *head,
            Decimal(new) * demo.YI,
            Decimal(repaid) * demo.YI,
            (demo.OPENING_BALANCE + Decimal(new) - Decimal(repaid)) * demo.YI,
            Decimal(demo.LIMIT[month - 1]) * demo.YI,
        ]
    ]


def workbook(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """An xlsx of one sheet: the header row, then the rows (amounts as numbers, dates as dates)."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(header))
    for row in rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_xlsx(path: Path, header: Sequence[str], rows: Iterable[Sequence]) -> Path:
    path.write_bytes(workbook(header, rows))
    return path


DRAFT_HEADERS = [column.column_name for column in DraftBudgetResource().get_import_fields()]


def draft_rows() -> list[list]:
    """The demo's draft budget (supervision.budget.demo.DRAFT), as the finance bureau's sheet."""
    return [
        [demo.DRAFT_YEAR, department, line, Decimal(amount) * demo.WAN]
        for department, lines in demo.DRAFT.items()
        for line, amount in lines
    ]


def write_samples(folder: Path, month: int = 11) -> list[Path]:
    """One sample file per register for `month` of 2022, and the draft budget for the session's
    review; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, (_resource, stem) in REGISTERS.items():
        path = folder / f"{demo.YEAR}年{month}月{stem}.xlsx"
        written.append(write_xlsx(path, HEADERS[kind], demo_rows(kind, month)))
    path = folder / f"{demo.DRAFT_YEAR}年预算草案（按部门）.xlsx"
    written.append(write_xlsx(path, DRAFT_HEADERS, draft_rows()))
    return written
