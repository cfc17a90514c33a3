"""How the pages write dates, NHS numbers and money: the NHS.UK service manual's style
("7 December 2026", "943 476 5919", "£62,400"), in one place so every page says them the same way.

Each filter takes what a template has (a date, a datetime, an ISO string from a case's answers, or
nothing) and never raises: a value it cannot read is shown as given, so a page still renders.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from ifr_service.forms.answers import answer_path, read_answer

NOTHING = ""


def nhs_date(value) -> str:
    """'28 February 1958': day without a leading zero, the month in full (NHS.UK content style)."""
    day = _as_date(value)
    return f"{day.day} {day:%B %Y}" if day else _as_text(value)


def nhs_datetime(value) -> str:
    """'7 December 2026 at 14:05', for events (times are UTC, as stored)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, datetime):
        return _as_text(value)
    return f"{value.day} {value:%B %Y} at {value:%H:%M}"


def nhs_number(value) -> str:
    """'943 476 5919': the 3-3-4 grouping people read NHS numbers in; anything else as given."""
    text = _as_text(value).replace(" ", "")
    if len(text) == 10 and text.isascii() and text.isdigit():
        return f"{text[:3]} {text[3:6]} {text[6:]}"
    return _as_text(value)


def nhs_money(value) -> str:
    """'£62,400' (pence shown only when there are any: '£1,234.50')."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return _as_text(value)
    if not amount.is_finite():
        return _as_text(value)
    return f"£{amount:,.0f}" if amount == amount.to_integral_value() else f"£{amount:,.2f}"


def _as_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _as_text(value) -> str:
    return NOTHING if value is None else str(value)


def answer(answers, path: str):
    """`case.answers | answer("intervention.name")`: the answer, or None. Unlike the filters above it
    does raise, on a path forms/answers.py does not declare: a mistake in the template, not the data."""
    return read_answer(answers, answer_path(path))


FILTERS = {function.__name__: function
           for function in (nhs_date, nhs_datetime, nhs_number, nhs_money, answer)}
