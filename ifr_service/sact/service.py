"""Importing a SACT extract: each row matched to a funding authorisation by NHS number, drug and dates,
and the treatment recorded on it; what cannot be recorded listed with why.

A CDF approval's treatment moves through the CDF workflow's own actions (record_start,
record_continuation, record_stop), taken as the system with their payload and guards checked as for a
clinician, so the case's state, events and letters follow and a rule that refuses a clinician (a start
after the start window, a break longer than allowed) refuses the extract's row too: the row is listed
as an exception with the rule's words, never forced in. Every route's cycles are kept by the funding
core (`funding.service.record_cycle`), keyed by the SACT cycle's key, so the same cycle sent again
changes nothing. The whole import is one unit of work (the caller's): all of it, or none.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from ifr_service.cases.actions import take_checked_system_action
from ifr_service.cases.models import Case
from ifr_service.cases.queries import get_case_by_id
from ifr_service.cdf.definition import CdfEntry
from ifr_service.errors import IfrError
from ifr_service.funding import queries as funding
from ifr_service.funding import service as funding_service
from ifr_service.funding.models import FundingAuthorisation
from ifr_service.interventions import normalise_intervention
from ifr_service.runtime import runtime
from ifr_service.sact import queries
from ifr_service.sact.models import REFUSED, UNMATCHED, SactException, SactImport
from ifr_service.sact.parser import SactRow, read_extract

CDF_STATES_TREATED = {"approved": "record_start", "on_treatment": "record_continuation"}
STOPPABLE_STATES = ("approved", "on_treatment")


@dataclass
class _Cycle:
    """One cycle of one authorisation in this file: its first administration's row."""

    key: str
    row: SactRow


@dataclass
class _Matched:
    authorisation: FundingAuthorisation
    cycles: dict[str, _Cycle] = field(default_factory=dict)
    ends: list[SactRow] = field(default_factory=list)


def import_extract(file_name: str, content: bytes) -> SactImport:
    """Import one extract; SactFileRefused (nothing saved) if any row cannot be read."""
    today = runtime().today()
    rows = read_extract(content, today)
    record = queries.create_import(SactImport(
        file_name=file_name[:255], file_sha256=hashlib.sha256(content).hexdigest(), rows=len(rows)))
    matched: dict[int, _Matched] = {}
    lookup = _Lookup()
    for row in rows:
        authorisation = _match(row, record, lookup)
        if authorisation is None:
            continue
        record.matched += 1
        found = matched.setdefault(authorisation.id, _Matched(authorisation))
        cycle = found.cycles.get(row.cycle_key)
        if cycle is None or row.administered_on < cycle.row.administered_on:
            found.cycles[row.cycle_key] = _Cycle(row.cycle_key, row)
        if row.regimen_ended_on is not None:
            found.ends.append(row)
    for authorisation_id in sorted(matched):
        _record_treatment(matched[authorisation_id], record)
    return record


# Matching

def drug_matches(row: SactRow, authorisation: FundingAuthorisation) -> bool:
    """The same drug: the dm+d codes where both have one, else the name normalised, the row's
    (SACT's generic name, "ATEZOLIZUMAB") equal to the authorisation's or to its first words
    ("Atezolizumab 1,200 mg/20 ml concentrate...")."""
    if row.dmd_code and authorisation.dmd_code:
        return row.dmd_code == authorisation.dmd_code
    return _name_matches(row.drug_name, authorisation.treatment)


def _name_matches(given: str, approved: str) -> bool:
    given, approved = normalise_intervention(given), normalise_intervention(approved)
    return bool(given) and (approved == given or approved.startswith(given + " "))


def cdf_entry_for(row: SactRow, entries: list[CdfEntry]) -> CdfEntry | None:
    """The CDF list entry (funded by the fund) whose drug the row gives, of the list on its day."""
    for entry in entries:
        if not entry.is_funded_by_the_cdf:
            continue
        if (row.dmd_code and row.dmd_code == entry.dmd_code) or (
                not row.dmd_code and _name_matches(row.drug_name, entry.drug_name)):
            return entry
    return None


class _Lookup:
    """What matching reads, once per import: each patient's authorisations, the list on each day."""

    def __init__(self) -> None:
        self.patients: dict[str, list[FundingAuthorisation]] = {}
        self.lists: dict[date, list[CdfEntry]] = {}

    def authorisations(self, nhs_number: str) -> list[FundingAuthorisation]:
        if nhs_number not in self.patients:
            self.patients[nhs_number] = list(funding.find_authorisations(nhs_number=nhs_number))
        return self.patients[nhs_number]

    def cdf_list(self, day: date) -> list[CdfEntry]:
        if day not in self.lists:
            self.lists[day] = runtime().cdf.current_list(day)
        return self.lists[day]


def _match(row: SactRow, record: SactImport, lookup: _Lookup) -> FundingAuthorisation | None:
    """The authorisation covering the row: the patient's, for this drug, issued on or before the
    day it was given (the newest such). None, with the row listed or counted, when there is none."""
    candidates = [a for a in lookup.authorisations(row.nhs_number) if drug_matches(row, a)]
    covering = [a for a in candidates if a.issued_on <= row.administered_on]
    if covering:
        return max(covering, key=lambda a: (a.issued_on, a.id))
    entry = cdf_entry_for(row, lookup.cdf_list(row.administered_on))
    if entry is None and not candidates:
        record.not_funded += 1  # other SACT activity: not a CDF drug, and not authorised by any route
        return None
    if candidates:
        first = min(candidates, key=lambda a: a.issued_on)
        reason = (f"Given on {row.administered_on:%d %B %Y}, before the approval {first.reference} "
                  f"of {first.issued_on:%d %B %Y}.")
    else:
        reason = f"No approval of {entry.drug_name} for this patient."
    record.unmatched += 1
    _note_exception(record, row, UNMATCHED, reason, None, entry)
    return None


# Recording

def _record_treatment(matched: _Matched, record: SactImport) -> None:
    authorisation = matched.authorisation
    held = {cycle.source_key for cycle in funding.find_cycles(authorisation.id)}
    case = get_case_by_id(authorisation.case_id, for_update=True) if authorisation.route == "cdf" else None
    for cycle in sorted(matched.cycles.values(), key=lambda c: (c.row.administered_on, c.row.cycle_number)):
        if cycle.key in held:
            record.cycles_already_held += 1
            _resolve_exception(cycle.key, record)
            continue
        refusal = (_record_cdf_cycle(case, cycle, record) if case is not None
                   else _record_cycle(authorisation, cycle))
        if refusal:
            record.refused += 1
            _note_exception(record, cycle.row, REFUSED, refusal, authorisation, None)
            continue
        held.add(cycle.key)
        record.cycles_recorded += 1
        _resolve_exception(cycle.key, record)
    if matched.ends:
        _record_end(authorisation, case, max(matched.ends, key=lambda row: row.regimen_ended_on), record)


def _record_cdf_cycle(case: Case, cycle: _Cycle, record: SactImport) -> str | None:
    """The cycle through the CDF workflow (a start, or a continuation), whose treatment effect keeps
    it on the authorisation with its key (cdf/treatment.py); the refusal's words if a rule of the
    workflow refuses it."""
    action = CDF_STATES_TREATED.get(case.state)
    if action is None:
        title = runtime().workflows["cdf"].state(case.state).title
        return f"The approval's case {case.reference} is {title.lower()}: no treatment can be recorded on it."
    try:
        take_checked_system_action(case, action, {"date": cycle.row.administered_on.isoformat()},
                                   noted={"source_key": cycle.key})
    except IfrError as refused:
        return _words_of(refused)
    if action == "record_start":
        record.starts += 1
    return None


def _record_cycle(authorisation: FundingAuthorisation, cycle: _Cycle) -> str | None:
    """Another route's cycle (an IFR's), straight on its authorisation while it is in force; why not
    if it is not."""
    day = cycle.row.administered_on
    if not funding_service.is_in_force(authorisation, day):
        return (f"Authorisation {authorisation.reference} was not in force on {day:%d %B %Y}"
                + (f": it ended on {authorisation.ended_on:%d %B %Y}." if authorisation.ended_on else "."))
    funding_service.record_cycle(authorisation, day, "sact", source_key=cycle.key)
    return None


def _record_end(authorisation: FundingAuthorisation, case: Case | None, row: SactRow,
                record: SactImport) -> None:
    """The regimen's end, once: through the CDF workflow's record_stop, or on the authorisation."""
    notes = f"From SACT: End of Regimen Summary {row.end_of_regimen}, {row.end_of_regimen_words}."
    if case is None:
        if authorisation.stopped_on is None:
            funding_service.record_stop(authorisation, row.regimen_ended_on, row.stop_reason)
            record.stops += 1
        return
    if case.state not in STOPPABLE_STATES:
        return  # stopped already (by hand, or by this extract before), or ended otherwise
    try:
        take_checked_system_action(case, "record_stop", {
            "date": row.regimen_ended_on.isoformat(), "reason": row.stop_reason, "notes": notes})
    except IfrError as refused:
        record.refused += 1
        _note_exception(record, row, REFUSED, _words_of(refused), authorisation, None,
                        source_key=row.cycle_key + "-end")
        return
    record.stops += 1


def _words_of(error: IfrError) -> str:
    fields = getattr(error, "fields", None)
    words = " ".join(m for messages in fields.values() for m in messages) if fields else error.message
    return words[:500]


def _note_exception(record: SactImport, row: SactRow, kind: str, reason: str,
                    authorisation: FundingAuthorisation | None, entry: CdfEntry | None,
                    source_key: str | None = None) -> None:
    """The row listed, once: a cycle already listed by an earlier import stays as it was."""
    key = source_key or row.cycle_key
    if queries.find_exception(key) is not None:
        return
    region_id = (authorisation.region_id if authorisation is not None
                 else queries.find_region_of_patient_or_trust(row.nhs_number, row.provider_ods_code))
    queries.create_exception(SactException(
        import_id=record.id, source_key=key, kind=kind, line=row.line, nhs_number=row.nhs_number,
        provider_org_code=row.provider_ods_code, drug_name=row.drug_name, dmd_code=row.dmd_code,
        entry_key=entry.key if entry else None, administered_on=row.administered_on,
        cycle_number=row.cycle_number, authorisation_id=authorisation.id if authorisation else None,
        region_id=region_id, reason=reason))


def _resolve_exception(key: str, record: SactImport) -> None:
    listed = queries.find_exception(key)
    if listed is not None and listed.resolved_import_id is None:
        listed.resolved_import_id = record.id

