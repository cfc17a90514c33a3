"""The CDF team's pages from SACT: approvals never started, patients treated without an approval, rows
the rules refused, and each data collection agreement's completeness, each downloadable as CSV and
XLSX from its own address (web/downloads.py).

A regional CDF administrator sees their own region's; an administrator and the CET see the whole
country, as the fund's other national pages do. A patient treated without an approval belongs to the
region of the patient's newest authorisation, else of the trust's newest CDF case, else to no region
(seen nationally only).
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template, request
from marshmallow import Schema, fields, pre_load, validate

from ifr_service.audit.models import EXPORT, LIST
from ifr_service.audit.recording import note_cases_shown, note_event, note_list_shown
from ifr_service.cases.queries import get_case_by_id
from ifr_service.errors import NotFound, ValidationFailed
from ifr_service.reference.models import Region
from ifr_service.reference.queries import find_provider_names, get_region
from ifr_service.runtime import runtime
from ifr_service.sact import queries
from ifr_service.sact.models import REFUSED, UNMATCHED
from ifr_service.tables import Table
from ifr_service.users.access import current_user
from ifr_service.users.models import Role
from ifr_service.web.display import nhs_date, nhs_datetime, nhs_number
from ifr_service.web.downloads import download_links, requested_download, table_file
from ifr_service.web.requests import load_query
from ifr_service.web.session import page_allow

sact_pages = Blueprint("sact", __name__)
SACT_READERS = (Role.CDF_ADMIN, Role.ADMIN, Role.CET_ANALYST)
# SACT reaches the registry a month or two after treatment (a monthly submission, then linkage), so
# an approval with no SACT data eight weeks after it was given is worth a question to the trust.
DEFAULT_WEEKS = 8
NEVER_STARTED_COLUMNS = ["Approval", "Case", "NHS number", "Drug", "Trust", "Approved on", "Start by",
                         "Why listed"]
EXCEPTION_COLUMNS = ["NHS number", "Trust", "Drug", "Cycle", "Given on", "Why not recorded", "Extract line"]
COMPLETENESS_COLUMNS = ["Drug and indication", "Data collection ends", "Approvals", "With SACT data",
                        "With SACT data (%)", "With a stop recorded", "With a stop recorded (%)"]
EXCEPTION_PAGES = {
    UNMATCHED: ("Treated without an approval", "SACT rows for a drug on the Cancer Drugs Fund list "
                "that no approval covers: no approval for the patient and drug, or treatment before it."),
    REFUSED: ("SACT rows the approvals' rules refused", "Rows matched to an approval that its rules do "
              "not allow (a start after the start window, a break longer than allowed, an approval "
              "that has ended): not recorded, each with the rule's words."),
}


class NeverStartedArgs(Schema):
    weeks = fields.Integer(load_default=DEFAULT_WEEKS, strict=False, validate=validate.Range(
        min=1, max=52, error="Give the weeks without SACT data as a whole number from 1 to 52."),
        error_messages={"invalid": "Give the weeks without SACT data as a whole number from 1 to 52."})

    @pre_load
    def drop_blanks(self, data, **_kwargs):
        return {name: value for name, value in data.items() if value.strip() and name != "download"}


def _scope() -> Region | None:
    """The region whose rows this person sees, or None for the whole country."""
    user = current_user()
    if user.role_enum is not Role.CDF_ADMIN:
        return None
    if user.region_id is None:
        raise NotFound("You are not a member of a region's CDF team, so there is no list for you.")
    return get_region(user.region_id)


def _scope_words(region: Region | None) -> str:
    return region.name if region else "England"


@sact_pages.get("/cdf/sact/never-started")
@page_allow(*SACT_READERS)
def never_started():
    region, kind = _scope(), requested_download()
    try:
        weeks = load_query(NeverStartedArgs())["weeks"]
    except ValidationFailed as error:
        return render_template("sact/never_started.html", title=f"{_scope_words(region)}: CDF approvals "
                               "never started", table=None, weeks=request.args.get("weeks", ""),
                               errors=error.fields, error_links=[
                                   {"text": message, "href": "#weeks"}
                                   for messages in error.fields.values() for message in messages],
                               latest=queries.find_latest_import()), 422
    today = runtime().today()
    found = queries.find_never_started(today, today - timedelta(weeks=weeks), region.id if region else None)
    shown, more = found[:queries.LIST_LIMIT], len(found) > queries.LIST_LIMIT
    cases = {a.case_id: get_case_by_id(a.case_id) for a in shown}
    note_cases_shown(current_user(), cases.values())
    with_sact = queries.find_sact_authorisation_ids([a.id for a in shown])
    trusts = find_provider_names({a.provider_org_code for a in shown if a.provider_org_code})
    rows = [{"Approval": a.reference, "Case": cases[a.case_id].reference,
             "NHS number": nhs_number(a.nhs_number), "Drug": a.treatment,
             "Trust": trusts.get(a.provider_org_code, a.provider_org_code or "Not known"),
             "Approved on": nhs_date(a.issued_on), "Start by": nhs_date(a.start_by) if a.start_by else "",
             "Why listed": _why_never_started(a, today, weeks, a.id in with_sact)} for a in shown]
    table = Table("Approved never started", NEVER_STARTED_COLUMNS, rows)
    if kind:
        return _download(table, kind, f"export:sact-never-started:{region.code if region else 'national'}")
    return render_template("sact/never_started.html", title=f"{_scope_words(region)}: CDF approvals never "
                           "started", table=table, more=more, weeks=weeks, links=download_links(),
                           latest=queries.find_latest_import())


def _why_never_started(authorisation, today, weeks: int, has_sact: bool) -> list[str]:
    why = []
    if authorisation.started_on is None and authorisation.stopped_on is None and authorisation.start_by \
            and authorisation.start_by < today:
        why.append(f"No start recorded by {nhs_date(authorisation.start_by)}, the end of its start window")
    if authorisation.status == "in_force" and not has_sact and \
            authorisation.issued_on <= today - timedelta(weeks=weeks):
        why.append(f"No SACT data {weeks} weeks after approval")
    return why


@sact_pages.get("/cdf/sact/without-approval")
@page_allow(*SACT_READERS)
def treated_without_approval():
    return _exceptions_page(UNMATCHED)


@sact_pages.get("/cdf/sact/refused")
@page_allow(*SACT_READERS)
def refused_rows():
    return _exceptions_page(REFUSED)


def _exceptions_page(kind: str):
    region, download = _scope(), requested_download()
    found = queries.find_exceptions(kind, region.id if region else None)
    shown, more = found[:queries.LIST_LIMIT], len(found) > queries.LIST_LIMIT
    trusts = find_provider_names({row.provider_org_code for row in shown})
    rows = [{"NHS number": nhs_number(row.nhs_number),
             "Trust": trusts.get(row.provider_org_code, row.provider_org_code),
             "Drug": row.drug_name + (f" ({row.dmd_code})" if row.dmd_code else ""),
             "Cycle": row.cycle_number, "Given on": nhs_date(row.administered_on),
             "Why not recorded": row.reason,
             "Extract line": f"{row.line} of import {row.import_id}"} for row in shown]
    title, description = EXCEPTION_PAGES[kind]
    table = Table(title, EXCEPTION_COLUMNS, rows)
    if download:
        return _download(table, download, f"export:sact-{kind}:{region.code if region else 'national'}")
    # Identifiable rows with no case to note a read of: the list noted as seen, with its scope.
    note_event(current_user(), LIST, f"sact-{kind}:{region.code if region else 'national'}")
    return render_template("sact/exceptions.html", title=f"{_scope_words(region)}: {title}", heading=title,
                           description=description, table=table, more=more, links=download_links(),
                           latest=queries.find_latest_import())


@sact_pages.get("/cdf/sact/completeness")
@page_allow(*SACT_READERS)
def completeness():
    region, kind = _scope(), requested_download()
    counts = {row.entry_key: row for row in queries.count_completeness(region.id if region else None)}
    rows = []
    for entry in _agreements():
        found = counts.get(entry.key)
        approvals = found.approvals if found else 0
        with_sact, with_outcome = (found.with_sact, found.with_outcome) if found else (0, 0)
        rows.append({"Drug and indication": entry.title,
                     "Data collection ends": nhs_date(entry.data_collection_ends_on),
                     "Approvals": approvals, "With SACT data": with_sact,
                     "With SACT data (%)": _percent(with_sact, approvals),
                     "With a stop recorded": with_outcome,
                     "With a stop recorded (%)": _percent(with_outcome, approvals)})
    table = Table("Data collection completeness", COMPLETENESS_COLUMNS, rows)
    if kind:
        return _download(table, kind, f"export:sact-completeness:{region.code if region else 'national'}")
    note_list_shown(current_user(), f"sact-completeness:{region.code if region else 'national'}")
    return render_template("sact/completeness.html", title=f"{_scope_words(region)}: data collection "
                           "completeness", table=table, links=download_links(),
                           latest=queries.find_latest_import())


IMPORT_COLUMNS = ["Imported", "File", "Rows", "Matched", "Cycles recorded", "Already held", "Starts", "Stops",
                  "Treated without an approval", "Refused", "Not CDF drugs"]


@sact_pages.get("/cdf/sact/imports")
@page_allow(*SACT_READERS)
def list_imports():
    """The extracts imported, newest first, with what became of their rows: counts only, no patient,
    so the same for every CDF team."""
    rows = [{"Imported": nhs_datetime(record.imported_utc), "File": record.file_name, "Rows": record.rows,
             "Matched": record.matched, "Cycles recorded": record.cycles_recorded,
             "Already held": record.cycles_already_held, "Starts": record.starts, "Stops": record.stops,
             "Treated without an approval": record.unmatched, "Refused": record.refused,
             "Not CDF drugs": record.not_funded} for record in queries.find_imports()]
    table = Table("SACT imports", IMPORT_COLUMNS, rows)
    kind = requested_download()
    if kind:
        return _download(table, kind, "export:sact-imports")
    note_list_shown(current_user(), "sact-imports")
    return render_template("sact/imports.html", title="SACT extracts imported", table=table,
                           links=download_links(), latest=queries.find_latest_import())


def _agreements():
    """Every entry funded by the CDF with a data collection agreement (its end date), newest version
    that has one: an entry since moved to routine commissioning still shows the agreement it had."""
    cdf, newest = runtime().cdf, {}
    for (key, version), entry in cdf.entries.items():
        if entry.data_collection_ends_on and entry.is_funded_by_the_cdf and \
                version >= newest.get(key, (0, None))[0]:
            newest[key] = (version, entry)
    return [entry for _, entry in sorted(newest.values(), key=lambda item: item[1].title)]


def _percent(part: int, whole: int) -> int | float | str:
    """A percentage to one decimal place (a whole number shown as one), or why there is none."""
    if not whole:
        return "No approvals"
    share = round(100 * part / whole, 1)
    return int(share) if share == int(share) else share


def _download(table: Table, kind: str, subject: str):
    note_event(current_user(), EXPORT, subject)
    return table_file(table, kind)

