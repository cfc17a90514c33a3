"""Confidential prices: a list entry's price per cycle or month under its commercial access
agreement with the company, from a date, entered by the national team (docs/after-approval/spend.md).

The fund's spend prices each unit of treatment at the entry's confidential price on the unit's day
where one was entered, at the list price otherwise. A confidential price is read only by the CDF
teams and administrators; nothing a trust can reach (the case, the approval and authorisation
look-ups, their downloads) shows it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ifr_service.audit.models import ADMIN
from ifr_service.audit.recording import note_event
from ifr_service.cdf import queries
from ifr_service.cdf.models import ConfidentialPrice
from ifr_service.errors import ValidationFailed
from ifr_service.runtime import runtime
from ifr_service.users.models import User

# The managed-access fund, and its commercial access agreements, began in July 2016 (docs/cdf.md).
FIRST_VALID_FROM = date(2016, 7, 1)
LATEST_AHEAD = timedelta(days=366)  # an agreement signed now may take effect up to a year ahead
MAX_UNIT_PENCE = 50_000_000  # £500,000 a cycle or month: more is a typing slip, not a price
_MONEY = re.compile(r"(0|[1-9][0-9]{0,6})(\.[0-9]{1,2})?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
SUBJECT = "cdf-price"


class PriceList:
    """The prices entered, for pricing units of treatment without a query each."""

    def __init__(self, rows: Iterable[ConfidentialPrice]):
        self._rows: dict[str, list[ConfidentialPrice]] = defaultdict(list)
        for row in sorted(rows, key=lambda row: (row.valid_from, row.id or 0)):
            self._rows[row.entry_key].append(row)

    def price_on(self, entry_key: str, day: date) -> ConfidentialPrice | None:
        """The entry's price on a day: the latest valid from it or before, the last entered of those."""
        rows = self._rows.get(entry_key, [])
        index = bisect_right([row.valid_from for row in rows], day)
        return rows[index - 1] if index else None

    def unit_pence(self, entry_key: str, cost_unit: str, day: date, list_pence: int) -> tuple[int, bool]:
        """A unit's price, and whether it is confidential. A price for another unit (a cycle where the
        approval is costed by the month) does not apply."""
        price = self.price_on(entry_key, day)
        if price is None or price.cost_unit != cost_unit:
            return list_pence, False
        return price.unit_pence, True


@dataclass(frozen=True)
class EnteredPrice:
    row: ConfidentialPrice
    entered_by: str  # the username of who entered it


@dataclass(frozen=True)
class EntryPrices:
    """An entry of the list with its list price and the confidential prices entered for it."""

    key: str
    title: str
    cost_unit: str
    list_pence: int
    prices: list[EnteredPrice]


def find_entry_prices() -> list[EntryPrices]:
    """Every entry of the list (its newest version), with its confidential prices, oldest first."""
    by_entry: dict[str, list[EnteredPrice]] = defaultdict(list)
    for row, username in queries.find_prices_with_names():
        by_entry[row.entry_key].append(EnteredPrice(row, username))
    shown = []
    for key in sorted({key for key, _version in runtime().cdf.entries}):
        entry = _newest(key)
        shown.append(EntryPrices(key, entry.title, entry.cost.unit, entry.cost.unit_pence, by_entry[key]))
    return shown


FIELDS = ("entry", "price_gbp", "valid_from")


def enter_price(user: User, data: Mapping, today: date, problems: Mapping | None = None) -> ConfidentialPrice:
    """Record a confidential price from a date, or say what is wrong with every field (with
    `problems` the page found already, in its date boxes); nothing is saved unless all are right.
    The audit log names the entry and the date, never the price."""
    errors: dict = {name: "Not a field of a confidential price: send entry, price_gbp and valid_from."
                    for name in data if name not in FIELDS}
    errors.update(problems or {})
    entry = _entry(data.get("entry"), errors)
    unit_pence = _unit_pence(data.get("price_gbp"), entry, errors)
    valid_from = _valid_from(data.get("valid_from"), today, errors) if "valid_from" not in errors else None
    if errors:
        raise ValidationFailed(errors)
    row = queries.create_price(ConfidentialPrice(
        entry_key=entry.key, cost_unit=entry.cost.unit, unit_pence=unit_pence, valid_from=valid_from,
        entered_by_id=user.id))
    note_event(user, ADMIN, f"{SUBJECT}:{entry.key}:{valid_from.isoformat()}")
    return row


def _newest(key: str):
    cdf = runtime().cdf
    return cdf.get(key, max(version for entry_key, version in cdf.entries if entry_key == key))


def _entry(value, errors: dict):
    keys = {key for key, _version in runtime().cdf.entries}
    if not isinstance(value, str) or value.strip() not in keys:
        errors["entry"] = "Choose an entry of the national CDF list, by its key."
        return None
    return _newest(value.strip())


def _unit_pence(value, entry, errors: dict) -> int | None:
    unit = entry.cost.unit if entry else "cycle or month"
    if isinstance(value, bool) or not isinstance(value, str | int):
        text = None  # a float would not keep its pence exactly: the price is given as text
    else:
        text = str(value).strip().removeprefix("£").replace(",", "")
    if not text or not text.isascii() or not _MONEY.fullmatch(text):
        errors["price_gbp"] = (f"Enter the confidential price per {unit} in pounds, in figures with at "
                               "most two decimal places, like 1234.56.")
        return None
    pence = int(Decimal(text) * 100)
    if pence <= 0:
        errors["price_gbp"] = f"Enter a price per {unit} of more than £0."
    elif pence > MAX_UNIT_PENCE:
        errors["price_gbp"] = f"Enter a price per {unit} of £{MAX_UNIT_PENCE // 100:,} or less."
    elif entry is not None and pence > entry.cost.unit_pence:
        errors["price_gbp"] = (f"A confidential price is a discount on the list price: enter no more "
                               f"than the list price, £{entry.cost.unit_pence / 100:,.2f} per {unit}.")
    return pence


def _valid_from(value, today: date, errors: dict) -> date | None:
    text = value.strip() if isinstance(value, str) else ""
    try:
        if not text.isascii() or not _ISO_DATE.fullmatch(text):
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        errors["valid_from"] = "Enter the date the price is valid from as a real date, like 2026-04-01."
        return None
    if not FIRST_VALID_FROM <= day <= today + LATEST_AHEAD:
        errors["valid_from"] = (f"Enter a date from {FIRST_VALID_FROM:%-d %B %Y}, when the fund's commercial "
                                f"access agreements began, to {today + LATEST_AHEAD:%-d %B %Y}.")
        return None
    return day
