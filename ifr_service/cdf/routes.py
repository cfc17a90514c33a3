"""The Cancer Drugs Fund API: the national list, approvals by number, conversion of an unlisted
drug to an IFR, and the regional CDF teams' lists, audit and spend."""

from __future__ import annotations

from flask import Blueprint, url_for
from marshmallow import Schema, fields, validate

from ifr_service.audit.recording import note_list_shown
from ifr_service.cases.access import can_see_case
from ifr_service.cases.actions import describe_fields
from ifr_service.cases.presenters import present_case
from ifr_service.cases.schemas import CaseSchema
from ifr_service.cdf import audit, prices, queries, service, spend
from ifr_service.cdf.presenters import (
    pounds,
    present_approval,
    present_entry,
    present_entry_prices,
    present_entry_summary,
    present_price,
    present_region_item,
)
from ifr_service.cdf.schemas import (
    ApprovalSchema,
    ConfidentialPriceSchema,
    EntryPricesSchema,
    EntrySchema,
    RegionApplicationsSchema,
    RegionAuditSchema,
    SpendSchema,
)
from ifr_service.errors import NotFound, ValidationFailed
from ifr_service.reference.models import Region
from ifr_service.reference.queries import find_organisation, find_provider_names
from ifr_service.runtime import runtime
from ifr_service.text import shortened
from ifr_service.users.access import ANY_SIGNED_IN, allow, current_user
from ifr_service.users.models import Role
from ifr_service.web.requests import ID, PageArgs, PeriodArgs, json_body, load_query

cdf = Blueprint("cdf", __name__)
CDF_STATES = ["approved", "not_approved", "on_treatment", "treatment_stopped", "expired", "lapsed"]


class RegionListArgs(PageArgs):
    state = fields.String(load_default=None, validate=validate.OneOf(
        CDF_STATES, error="Choose a state: " + ", ".join(CDF_STATES) + "."))
    entry = fields.String(load_default=None, validate=validate.Length(max=60))


class SpendArgs(Schema):
    financial_year = fields.Integer(load_default=None, validate=validate.Range(
        min=2016, max=2100, error="Give the year the financial year starts in, for example 2026."),
        metadata={"description": "The year the financial year starts in (April); this year's by default."})


@cdf.get("/cdf/entries")
@allow(ANY_SIGNED_IN)
def list_entries():
    """The national CDF list.
    ---
    get:
      summary: The entries on the national CDF list today, each with its criteria form
      description: >-
        Apply with POST /api/v1/cases, "route": "cdf", the entry's key as "entry", the answers by
        section, and each criterion's key under "criteria" as true or false.
      tags: [cdf]
      responses:
        200:
          description: The current list
          content: {application/json: {schema: {type: array, items: CdfEntry}}}
    """
    entries = runtime().cdf.current_list(runtime().today())
    return EntrySchema(many=True).dump([present_entry(entry, describe_fields) for entry in entries])


@cdf.get(f"/cdf/entries/<key>/versions/<{ID}:version>")
@allow(ANY_SIGNED_IN)
def get_entry_version(key: str, version: int):
    """One version of an entry.
    ---
    get:
      summary: An entry version and its criteria form, current or not (a case names the one it was decided on)
      tags: [cdf]
      parameters:
        - {in: path, name: key, required: true, schema: {type: string}}
        - {in: path, name: version, required: true, schema: {type: integer}}
      responses:
        200: {description: The entry version, content: {application/json: {schema: CdfEntry}}}
        404: {description: No such entry version, content: {application/json: {schema: Error}}}
    """
    try:
        entry = runtime().cdf.get(key, version)
    except KeyError:
        raise NotFound(f"The CDF list has no entry {shortened(key)} version {version}.",
                       field="key") from None
    return EntrySchema().dump(present_entry(entry, describe_fields))


@cdf.get("/cdf/approvals/<number>")
@allow(Role.CLINICIAN, Role.CDF_ADMIN, Role.CET_ANALYST)
def get_approval(number: str):
    """Look an approval up by its number.
    ---
    get:
      summary: Check a CDF approval number (as quoted on an invoice) and what it covers
      description: >-
        CDF teams and the CET look up any approval; a clinician, the approvals of their own trust.
      tags: [cdf]
      parameters: [{in: path, name: number, required: true, schema: {type: string}}]
      responses:
        200: {description: The approval, content: {application/json: {schema: CdfApproval}}}
        404: {description: No such approval, content: {application/json: {schema: Error}}}
        422:
          description: Not an approval number (its shape or check digit)
          content: {application/json: {schema: Error}}
    """
    user = current_user()
    record, case = service.look_up_approval(user, number)  # one patient's treatment, whoever looks
    return ApprovalSchema().dump(present_approval(record, case, can_see_case(user, case)))


@cdf.post("/cdf/ifr-conversions")
@allow(Role.CLINICIAN)
def convert_to_ifr():
    """Turn an application for an unlisted drug into an IFR draft.
    ---
    post:
      summary: Make an IFR draft from a CDF application for a drug or indication not on the list
      description: >-
        The body holds the CDF application's patient, clinician, diagnosis and treatment
        (planned_start_date) sections, and a drug section (name, dmd_code, dose, frequency,
        duration). The answer is the new IFR draft; complete and submit it as any IFR.
      tags: [cdf]
      requestBody:
        required: true
        content: {application/json: {schema: {type: object}}}
      responses:
        201: {description: The IFR draft, content: {application/json: {schema: Case}}}
        422: {description: Answers with errors, content: {application/json: {schema: Error}}}
    """
    case = service.convert_to_ifr(current_user(), json_body())
    body = CaseSchema().dump(present_case(case, current_user()))
    return body, 201, {"Location": url_for("api.cases.get_case", reference=case.public_reference)}


@cdf.get("/cdf/regions/<region_code>/applications")
@allow(Role.CDF_ADMIN)
def region_applications(region_code: str):
    """A region's CDF applications.
    ---
    get:
      summary: The region's CDF applications and approvals, newest first; no patient details
      tags: [cdf]
      parameters:
        - {in: path, name: region_code, required: true, schema: {type: string}}
        - {in: query, name: state, schema: {type: string}}
        - {in: query, name: entry, schema: {type: string}}
        - {in: query, name: page, schema: {type: integer, minimum: 1, default: 1}}
        - {in: query, name: page_size, schema: {type: integer, minimum: 1, maximum: 100, default: 25}}
      responses:
        200: {description: One page, content: {application/json: {schema: CdfRegionApplications}}}
        404: {description: No such region for you, content: {application/json: {schema: Error}}}
    """
    args = load_query(RegionListArgs())
    region = service.region_of_team(current_user(), region_code)
    found, total = queries.find_region_applications(region.id, args["state"], args["entry"],
                                                    args["page"], args["page_size"])
    note_list_shown(current_user(), f"list:cdf-applications:{region.code}")  # no patient details
    providers = find_provider_names(case.provider_org_code for _, case in found)
    return RegionApplicationsSchema().dump({
        "region": {"code": region.code, "name": region.name}, "page": args["page"],
        "page_size": args["page_size"], "total": total,
        "applications": [present_region_item(record, case, providers) for record, case in found]})


@cdf.get("/cdf/regions/<region_code>/audit")
@allow(Role.CDF_ADMIN)
def region_audit(region_code: str):
    """A region's CDF audit.
    ---
    get:
      summary: By entry - applications, approvals, unmet criteria, and what became of the approvals
      tags: [cdf]
      parameters:
        - {in: path, name: region_code, required: true, schema: {type: string}}
        - {in: query, name: from, required: true, schema: {type: string, format: date}}
        - {in: query, name: to, required: true, schema: {type: string, format: date}}
      responses:
        200: {description: The audit, content: {application/json: {schema: CdfRegionAudit}}}
        404: {description: No such region for you, content: {application/json: {schema: Error}}}
        422: {description: Bad dates, content: {application/json: {schema: Error}}}
    """
    args = load_query(PeriodArgs())
    region = service.region_of_team(current_user(), region_code)
    rows = audit.region_audit(region.id, args["start"], args["end"])
    return RegionAuditSchema().dump({
        "region": {"code": region.code, "name": region.name}, "start": args["start"], "end": args["end"],
        "entries": [{**row.__dict__, "entry": present_entry_summary(
            runtime().cdf.get(row.entry_key, row.entry_version))} for row in rows]})


@cdf.get("/cdf/spend")
@allow(Role.CDF_ADMIN, Role.CET_ANALYST)
def cdf_spend():
    """The fund's spend against its budget.
    ---
    get:
      summary: Committed and forecast spend of a financial year, nationally and by region
      tags: [cdf]
      parameters:
        - {in: query, name: financial_year, schema: {type: integer, minimum: 2016, maximum: 2100}}
      responses:
        200: {description: The spend, content: {application/json: {schema: CdfSpend}}}
        422: {description: Bad year, content: {application/json: {schema: Error}}}
    """
    args = load_query(SpendArgs())
    today = runtime().today()
    start_year = args["financial_year"] or spend.financial_year(today)[0].year
    report = spend.spend_report(start_year, today, runtime().config.cdf_annual_budget_pence)
    national = report.national
    return SpendSchema().dump({
        "financial_year": report.financial_year, "as_of": report.as_of,
        "budget_gbp": pounds(report.budget_pence), "national": _line(national),
        "forecast_exceeds_budget": report.forecast_exceeds_budget,
        "budget_reached_on": report.budget_reached_on,
        "routinely_commissioned_gbp": pounds(report.routinely_commissioned_pence),
        "regions": [{**_line(line), "region": find_organisation(Region, region_id),
                     "share_of_forecast_percent": _share(line.forecast_pence, national.forecast_pence)}
                    for region_id, line in sorted(report.regions.items())]})


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _line(line: spend.SpendLine) -> dict:
    return {"approvals": line.approvals, "committed_gbp": pounds(line.committed_pence),
            "forecast_gbp": pounds(line.forecast_pence), "priced_at": line.priced_at}


@cdf.get("/cdf/confidential-prices")
@allow(Role.CDF_ADMIN, Role.ADMIN)
def list_confidential_prices():
    """The confidential prices of the list's entries.
    ---
    get:
      summary: Each entry's list price and the confidential prices entered for it (never for trusts)
      description: >-
        For the CDF teams and the service's administrators. On a day, the latest price valid from it
        or before applies; the fund's spend uses it, and the list price where there is none.
      tags: [cdf]
      responses:
        200:
          description: Every entry of the list, with its prices
          content: {application/json: {schema: {type: array, items: CdfEntryPrices}}}
    """
    entries = prices.find_entry_prices()
    return EntryPricesSchema(many=True).dump([present_entry_prices(entry) for entry in entries])


@cdf.post("/cdf/confidential-prices")
@allow(Role.ADMIN)
def enter_confidential_price():
    """Enter a confidential price.
    ---
    post:
      summary: Record an entry's confidential price per cycle or month, from a date
      description: >-
        The service's (national) administrators only: a commercial access agreement is national,
        and its price changes every region's spend. Nothing is saved unless every field is right;
        the audit log records who entered a price for which entry and date, never the figure.
      tags: [cdf]
      requestBody: {required: true, content: {application/json: {schema: CdfConfidentialPriceRequest}}}
      responses:
        201: {description: Recorded, content: {application/json: {schema: CdfConfidentialPrice}}}
        422: {description: A field is wrong, content: {application/json: {schema: Error}}}
    """
    body = json_body()
    if not isinstance(body, dict):
        raise ValidationFailed({"_request": "Send a JSON object."})
    user = current_user()
    row = prices.enter_price(user, body, runtime().today())
    return ConfidentialPriceSchema().dump(present_price(row, user.username)), 201
