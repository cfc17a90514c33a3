"""Any CET table as CSV or XLSX: a title, its columns in order, and rows of plain values."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

FORMATS = ["json", "csv", "xlsx"]
MEDIA_TYPES = {"csv": "text/csv",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass(frozen=True)
class Table:
    title: str  # the sheet's name, and the file's
    columns: list[str]
    rows: list[dict]


def as_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=table.columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows({column: _cell(row.get(column)) for column in table.columns} for row in table.rows)
    return out.getvalue()


def as_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(table.title[:31])  # Excel's limit on a sheet's name
    sheet.append(table.columns)
    for row in table.rows:
        sheet.append([_cell(row.get(column)) for column in table.columns])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _cell(value):
    """Lists as one cell ("a; b"), money as a number a spreadsheet can add up."""
    if isinstance(value, list | tuple):
        return "; ".join(str(item) for item in value)
    if isinstance(value, Decimal):
        return float(value)
    return value
