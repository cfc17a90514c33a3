"""Reading a CET page's table and its downloads, to check one against the other cell for cell."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from openpyxl import load_workbook

BLANKS = ("", "No decisions")


def table_html(page: str, table_id: str) -> str:
    return re.search(rf'<table[^>]*id="{table_id}".*?</table>', page, re.S).group(0)


def page_rows(page: str, table_id: str) -> list[list[str]]:
    """The table's header, then each row's cells as a person reads them (the phone's headings left out)."""
    found = table_html(page, table_id)
    header = [html.unescape(text) for text in re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', found)]
    rows = [[html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
             for cell in re.findall(r'<span class="app-cell">(.*?)</span></t[hd]>', row, re.S)]
            for row in re.findall(r'<tr class="nhsuk-table__row" role="row">(.*?)</tr>', found, re.S)[1:]]
    return [header, *rows]


def csv_rows(content: bytes | str) -> list[list[str]]:
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(content: bytes) -> list[list]:
    return [[cell.value for cell in row] for row in load_workbook(io.BytesIO(content)).active.iter_rows()]


def canonical(value):
    """A cell as one thing whichever way it was written: a number, a day, text, or None for blank."""
    if isinstance(value, datetime):
        return value.date()
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, int | float):
        return round(float(value), 4)
    text = str(value).strip()
    if text in BLANKS:
        return None
    try:
        return round(float(Decimal(text.replace(",", ""))), 4)
    except InvalidOperation:
        pass
    for shape in ("%Y-%m-%d", "%d %B %Y"):
        try:
            return datetime.strptime(text, shape).date()
        except ValueError:
            continue
    return text


def same_rows(shown: list[list], downloaded: list[list]) -> bool:
    return [[canonical(cell) for cell in row] for row in shown] == \
        [[canonical(cell) for cell in row] for row in downloaded]
