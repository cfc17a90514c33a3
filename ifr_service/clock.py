"""Dates as NHS England counts them: in England's time zone, whatever the server's."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

ENGLAND = ZoneInfo("Europe/London")


def today_in_england() -> date:
    """Today's date in England; the year of a case reference and which structures apply."""
    return datetime.now(ENGLAND).date()
