"""Any CET table as CSV or XLSX: a title, its columns in order, and rows of plain values.

Every cell is written as data, never as something a spreadsheet runs. Text that begins with a
character a spreadsheet reads as the start of a formula (= + - @, a tab or a carriage return) is
prefixed with a single quote (OWASP's advice on CSV injection): an intervention named
`=HYPERLINK(...)` is shown as that text, not followed as a link. Numbers stay numbers, negative ones
too. In the XLSX file every text cell is also typed as a string, so openpyxl never writes it as a
formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO

FORMATS = ["json", "csv", "xlsx"]
MEDIA_TYPES = {"csv": "text/csv",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PROGRESS_EVERY = 5000  # rows: how often a background export reports how far it has got
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Table:
    title: str  # the sheet's name, and the file's
    columns: list[str]
    rows: list[dict]


def as_csv(table: Table, progress: Progress | None = None) -> str:
    out = io.BytesIO()
    write_csv(table.columns, table.rows, out, progress)
    return out.getvalue().decode("utf-8")


def as_xlsx(table: Table, progress: Progress | None = None) -> bytes:
    out = io.BytesIO()
    write_xlsx(table.title, table.columns, table.rows, out, progress)
    return out.getvalue()


def write_csv(columns: list[str], rows: Iterable[dict], out: BinaryIO,
              progress: Progress | None = None) -> int:
    """Write the rows to a binary file as UTF-8 CSV as they come, never holding them; returns how many."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow([safe_cell(column) for column in columns])
    number = 0
    for number, row in enumerate(rows, start=1):
        writer.writerow([safe_cell(row.get(column)) for column in columns])
        _report(progress, number)
    text.flush()
    text.detach()  # the caller's file stays open
    return number


def write_xlsx(title: str, columns: list[str], rows: Iterable[dict], out: BinaryIO,
               progress: Progress | None = None) -> int:
    """Write the rows to a binary file as an XLSX workbook as they come: openpyxl's write-only mode
    keeps the sheet in a temporary file, not in memory, until it is zipped. Returns how many."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])  # Excel's limit on a sheet's name
    cell = _xlsx_cell_maker(sheet)
    sheet.append([cell(column) for column in columns])
    number = 0
    for number, row in enumerate(rows, start=1):
        sheet.append([cell(row.get(column)) for column in columns])
        _report(progress, number)
    workbook.save(out)
    return number


def _report(progress: Progress | None, rows_written: int) -> None:
    if progress is not None and rows_written % PROGRESS_EVERY == 0:
        progress(rows_written)


def safe_cell(value):
    """A value as a spreadsheet cell: lists as one cell ("a; b"), money as a number a spreadsheet
    can add up, and text that would start a formula prefixed with a single quote."""
    if isinstance(value, list | tuple):
        value = "; ".join(str(item) for item in value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _xlsx_cell_maker(sheet) -> Callable:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def cell(value):
        value = safe_cell(value)
        if not isinstance(value, str):
            return value  # numbers, booleans and empty cells as they are
        # Text typed as a string whatever it looks like; control characters XML cannot hold removed.
        typed = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        typed.data_type = "s"
        return typed

    return cell
