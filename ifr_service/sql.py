"""SQL expressions that differ between PostgreSQL and SQLite, compiled for each.

Periods of a date (month '2024-01', quarter '2024-Q1', year '2024') as a key to group by and a
label to show. PostgreSQL groups by the period's first day (date_trunc, cheap for each row) and
formats only each group's label (to_char, which would double the time of a million-row grouping);
SQLite, which keeps a date as ISO text and has neither, groups by the label itself (strftime).
"""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

# period: (PostgreSQL's to_char format, SQLite's label of a date {d}). SQLite's paramstyle is qmark,
# so its percent signs need no escaping.
PERIODS = {
    "month": ("YYYY-MM", "strftime('%Y-%m', {d})"),
    "quarter": ('YYYY-"Q"Q',
                "(strftime('%Y', {d}) || '-Q' || ((CAST(strftime('%m', {d}) AS INTEGER) + 2) / 3))"),
    "year": ("YYYY", "strftime('%Y', {d})"),
}


class _PeriodKey(FunctionElement):
    inherit_cache = True
    period = ""


class _PeriodLabel(FunctionElement):
    type = String()
    inherit_cache = True
    period = ""


# A class for each period, so that the period is part of SQLAlchemy's statement cache key.
_KEYS = {period: type(f"{period}_key", (_PeriodKey,), {"period": period, "inherit_cache": True})
         for period in PERIODS}
_LABELS = {period: type(f"{period}_label", (_PeriodLabel,), {"period": period, "inherit_cache": True})
           for period in PERIODS}


def period_key(period: str, day: ColumnElement) -> ColumnElement:
    """What to group the dates by for the period."""
    return _KEYS[period](day)


def period_label(period: str, key: ColumnElement) -> ColumnElement:
    """The period's label, from its key."""
    return _LABELS[period](key)


@compiles(_PeriodKey, "postgresql")
def _key_postgresql(element, compiler, **kw) -> str:
    return f"date_trunc('{element.period}', CAST({compiler.process(element.clauses, **kw)} AS timestamp))"


@compiles(_PeriodLabel, "postgresql")
def _label_postgresql(element, compiler, **kw) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, '{PERIODS[element.period][0]}')"


@compiles(_PeriodKey)
def _key_sqlite(element, compiler, **kw) -> str:
    return PERIODS[element.period][1].format(d=compiler.process(element.clauses, **kw))


@compiles(_PeriodLabel)
def _label_sqlite(element, compiler, **kw) -> str:
    return compiler.process(element.clauses, **kw)
