"""The CET's API: the national database's trends, cohorts and equity, the clock performance and
activity reports, and the inbox of cohort referrals from screening."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, url_for
from marshmallow import INCLUDE, Schema, ValidationError, fields, validate

from ifr_service import tables
from ifr_service.cases.queries import get_case_by_id
from ifr_service.cases.schemas import money_text
from ifr_service.cet import breakdown, cohorts, equity, exports, queries, reports, trends
from ifr_service.errors import ValidationFailed
from ifr_service.reference.models import Hub
from ifr_service.reference.queries import find_organisation
from ifr_service.runtime import runtime
from ifr_service.users.access import allow, current_user
from ifr_service.users.models import Role
from ifr_service.web.downloads import table_file
from ifr_service.web.requests import PeriodArgs, load_query

cet = Blueprint("cet", __name__)


class CohortReferralSchema(Schema):
    id = fields.Integer(required=True)
    case_reference = fields.String(required=True)
    hub = fields.String(required=True)
    icd10_category = fields.String(required=True)
    intervention = fields.String(required=True)
    cohort_description = fields.String(required=True)
    reason = fields.String(required=True)
    status = fields.String(required=True)
    referred_utc = fields.DateTime(required=True)


class ClockPerformanceSchema(Schema):
    hub = fields.String(required=True)
    month = fields.String(required=True, metadata={"description": "YYYY-MM the clocks stopped in"})
    clock = fields.String(required=True)
    count = fields.Integer(required=True)
    within_target = fields.Integer(required=True)
    percent_within_target = fields.Float(required=True)
    unit = fields.String(required=True, metadata={"enum": ["working_days", "calendar_days", "hours"]})
    mean_used = fields.Float(required=True, metadata={"description": "In the clock's unit."})
    median_used = fields.Float(required=True, metadata={"description": "In the clock's unit."})
    mean_working_days = fields.Float(allow_none=True, metadata={
        "description": "mean_used, for a clock in working days; null for clocks in other units."})
    median_working_days = fields.Float(allow_none=True, metadata={
        "description": "median_used, for a clock in working days; null for clocks in other units."})


@cet.get("/cet/reports/clock-performance")
@allow(Role.CET_ANALYST)
def clock_performance():
    """Performance against each target.
    ---
    get:
      summary: By hub, month and clock - how many were judged, the share within target, mean and median days
      tags: [cet]
      parameters:
        - {in: query, name: from, required: true, schema: {type: string, format: date}}
        - {in: query, name: to, required: true, schema: {type: string, format: date}}
      responses:
        200:
          description: One row per hub, month and clock
          content: {application/json: {schema: {type: array, items: ClockPerformance}}}
        422: {description: Bad dates, content: {application/json: {schema: Error}}}
    """
    args = load_query(PeriodArgs())
    return ClockPerformanceSchema(many=True).dump(reports.clock_performance(args["start"], args["end"]))


class TrendArgs(PeriodArgs):
    route = fields.String(load_default=None, validate=validate.OneOf(
        ["ifr", "cdf"], error="Choose the route: ifr or cdf."))


class TrendSchema(Schema):
    month = fields.String(required=True, metadata={"description": "YYYY-MM, in England"})
    route = fields.String(required=True, metadata={"enum": ["ifr", "cdf"]})
    region = fields.String(required=True)
    measure = fields.String(required=True, metadata={"enum": sorted(set(trends.MEASURES.values()))})
    count = fields.Integer(required=True)


@cet.get("/cet/reports/trends")
@allow(Role.CET_ANALYST)
def monthly_trends():
    """Monthly trends of IFRs and the CDF.
    ---
    get:
      summary: By month, route and region - IFR requests and outcomes; CDF applications and treatment
      tags: [cet]
      parameters:
        - {in: query, name: from, required: true, schema: {type: string, format: date}}
        - {in: query, name: to, required: true, schema: {type: string, format: date}}
        - {in: query, name: route, schema: {type: string, enum: [ifr, cdf]}}
      responses:
        200:
          description: One row per month, route, region and measure
          content: {application/json: {schema: {type: array, items: Trend}}}
        422: {description: Bad dates or route, content: {application/json: {schema: Error}}}
    """
    args = load_query(TrendArgs())
    return TrendSchema(many=True).dump(trends.monthly_trends(args["start"], args["end"], args["route"]))


class ExportArgs(Schema):
    format = fields.String(load_default="json", validate=validate.OneOf(tables.FORMATS))


class CohortArgs(ExportArgs):
    # From 1900: the window reaches back a year from it (a date near year 1 would overflow).
    as_of = fields.Date(required=True, metadata={"description": "The day the window ends on."},
                        validate=validate.Range(min=date(1900, 1, 1), error="Give a day from 1900 on."))


class EquityArgs(PeriodArgs, ExportArgs):
    crg = fields.String(load_default=None, validate=validate.Length(min=1, max=10))


class CohortCandidateSchema(Schema):
    intervention_key = fields.String(required=True)
    icd10_category = fields.String(required=True)
    intervention_name = fields.String(required=True)
    count = fields.Integer(required=True)
    hub_count = fields.Integer(required=True)
    hubs = fields.List(fields.String(), required=True)
    case_refs = fields.List(fields.String(), required=True)
    first_received = fields.Date(required=True)
    last_received = fields.Date(required=True)
    total_estimated_cost_gbp = money_text(required=True)
    decided = fields.Integer(required=True)
    approved = fields.Integer(required=True)
    approval_rate = fields.Float(allow_none=True)
    hub_approval_spread = fields.Float(allow_none=True, metadata={
        "description": "The highest less the lowest approval rate of the hubs that decided cases."})
    urgent_share = fields.Float(required=True)
    suggested_crg_code = fields.String(allow_none=True)


class HubRateSchema(Schema):
    hub = fields.String(required=True)
    name = fields.String(required=True)
    n = fields.Integer(required=True)
    approvals = fields.Integer(required=True)
    rate = fields.Float(required=True)
    limits_95 = fields.List(fields.Float(), required=True)
    limits_998 = fields.List(fields.Float(), required=True)
    flag = fields.String(allow_none=True, metadata={"enum": ["low", "high", None]})


class NationalRateSchema(Schema):
    n = fields.Integer(required=True)
    approvals = fields.Integer(required=True)
    rate = fields.Float(allow_none=True)


class EquitySchema(Schema):
    start = fields.Date(data_key="from", required=True)
    end = fields.Date(data_key="to", required=True)
    crg = fields.String(allow_none=True)
    national = fields.Nested(NationalRateSchema, required=True)
    hubs = fields.List(fields.Nested(HubRateSchema), required=True)


@cet.get("/cet/cohorts")
@allow(Role.CET_ANALYST)
def cohort_candidates():
    """Cohort candidates.
    ---
    get:
      summary: Repeated IFRs for one intervention in one ICD-10 category from several hubs (docs/cet.md)
      tags: [cet]
      parameters: [{in: query, name: as_of, required: true, schema: {type: string, format: date}}]
      responses:
        200:
          description: Largest first
          content: {application/json: {schema: {type: array, items: CohortCandidate}}}
        422: {description: Bad date, content: {application/json: {schema: Error}}}
    """
    args = load_query(CohortArgs())
    found = CohortCandidateSchema(many=True).dump(
        [candidate.as_dict() for candidate in cohorts.find_candidates(args["as_of"])])
    if args["format"] != "json":
        columns = list(CohortCandidateSchema().fields)
        return _export(tables.Table("Cohort candidates", columns, found), args["format"])
    return found


@cet.get("/cet/equity")
@allow(Role.CET_ANALYST)
def hub_equity():
    """Equity between hubs.
    ---
    get:
      summary: Each hub's IFR approval rate against the national rate, with 95% and 99.8% funnel limits
      tags: [cet]
      parameters:
        - {in: query, name: from, required: true, schema: {type: string, format: date}}
        - {in: query, name: to, required: true, schema: {type: string, format: date}}
        - {in: query, name: crg, schema: {type: string}}
      responses:
        200: {description: The analysis, content: {application/json: {schema: Equity}}}
        422: {description: Bad dates, content: {application/json: {schema: Error}}}
    """
    args = load_query(EquityArgs())
    analysis = equity.hub_equity(args["start"], args["end"], args["crg"])
    if args["format"] != "json":
        return _export(equity.as_table(analysis), args["format"])
    return EquitySchema().dump({**analysis, "start": analysis["from"], "end": analysis["to"]})


class BreakdownArgs(PeriodArgs, ExportArgs):
    by = fields.Method(deserialize="_dimensions", load_default=["year"])

    class Meta:
        unknown = INCLUDE  # the filters: any dimension's name, with the value to keep

    def _dimensions(self, text: str) -> list[str]:
        names = [name.strip() for name in text.split(",") if name.strip()]
        unknown = [name for name in names if name not in breakdown.DIMENSIONS]
        if unknown or not 1 <= len(names) <= 4:
            raise ValidationError("Break down by 1 to 4 of: " + ", ".join(breakdown.DIMENSIONS) + ".")
        return names


@cet.get("/cet/trends")
@allow(Role.CET_ANALYST)
def trends_by_dimension():
    """Trends of the national database, by any dimension.
    ---
    get:
      summary: Cases, decisions, approval rate and median working days to decision, broken down and filtered
      description: >-
        Dimensions (for `by`, comma-separated, and as filters by name, e.g. region=london):
        month, quarter, year, region, hub, programme_of_care, crg, intervention, icd10_chapter,
        icd10_category, route, urgency, outcome. `format=csv` or `format=xlsx` exports the table.
      tags: [cet]
      parameters:
        - {in: query, name: from, required: true, schema: {type: string, format: date}}
        - {in: query, name: to, required: true, schema: {type: string, format: date}}
        - {in: query, name: by, schema: {type: string, default: year}}
        - {in: query, name: format, schema: {type: string, enum: [json, csv, xlsx], default: json}}
      responses:
        200:
          description: The table
          content:
            application/json: {schema: {type: object}}
            text/csv: {}
            application/vnd.openxmlformats-officedocument.spreadsheetml.sheet: {}
        202:
          description: >-
            An export of more rows than CET_EXPORT_INLINE_MAX_ROWS, being made in the background;
            Location is where to follow it
          content: {application/json: {schema: CetExport}}
        422:
          description: Bad dimension, filter or dates; or, as JSON, more rows than CET_EXPORT_INLINE_MAX_ROWS
          content: {application/json: {schema: Error}}
    """
    args = load_query(BreakdownArgs())
    known = {"start", "end", "by", "format"}
    filters = {name: value for name, value in args.items() if name not in known}
    unknown = sorted(set(filters) - set(breakdown.DIMENSIONS))
    if unknown:
        raise ValidationFailed({name: "Not a dimension to filter on." for name in unknown})
    rows = breakdown.count_rows(args["by"], args["start"], args["end"], filters)
    if exports.is_large(rows) and args["format"] == "json":
        raise ValidationFailed({"by": f"This breakdown has {rows:,} rows, more than an answer can hold "
                                      f"({runtime().config.cet_export_inline_max_rows:,}). Narrow it with "
                                      "filters or dates, or export it as CSV or XLSX, which is made in the "
                                      "background."})
    if exports.is_large(rows):
        item = exports.request_trends_export(current_user(), args["by"], args["start"], args["end"],
                                             filters, args["format"], rows)
        url = url_for("api.cet.get_export", export_id=item.id)
        return CetExportSchema().dump(_described(item)), 202, {"Location": url}
    table = breakdown.breakdown(args["by"], args["start"], args["end"], filters)
    if args["format"] != "json":
        return _export(table.as_table(), args["format"])
    return {"by": list(table.by), "columns": table.columns, "rows": table.rows}


class ExportLinksSchema(Schema):
    self_ = fields.String(data_key="self", attribute="self", required=True)
    page = fields.String(required=True, metadata={"description": "The page that shows its progress"})
    file = fields.String(allow_none=True, metadata={"description": "The file, once it is ready"})


class CetExportSchema(Schema):
    id = fields.Integer(required=True)
    report = fields.String(required=True)
    format = fields.String(required=True)
    status = fields.String(required=True, metadata={
        "enum": ["queued", "running", "ready", "failed", "expired"],
        "description": "expired: the file was kept CET_EXPORT_RETENTION_DAYS (7 by default) and is gone"})
    rows_total = fields.Integer(required=True)
    rows_written = fields.Integer(required=True)
    requested_utc = fields.DateTime(required=True)
    completed_utc = fields.DateTime(allow_none=True)
    links = fields.Nested(ExportLinksSchema, required=True)



def _described(item) -> dict:
    ready = item.status == exports.READY
    return {**{name: getattr(item, name) for name in (
        "id", "report", "format", "status", "rows_total", "rows_written", "requested_utc", "completed_utc")},
        "links": {"self": url_for("api.cet.get_export", export_id=item.id),
                  "page": url_for("pages.cet.export_status", export_id=item.id),
                  "file": url_for("api.cet.download_export", export_id=item.id) if ready else None}}


@cet.get("/cet/exports/<int:export_id>")
@allow(Role.CET_ANALYST)
def get_export(export_id: int):
    """An export made in the background.
    ---
    get:
      summary: How far an export has got, and the link to its file once it is ready (only its requester's)
      tags: [cet]
      parameters: [{in: path, name: export_id, required: true, schema: {type: integer}}]
      responses:
        200: {description: The export, content: {application/json: {schema: CetExport}}}
        404: {description: No such export of yours, content: {application/json: {schema: Error}}}
    """
    return CetExportSchema().dump(_described(exports.get_own_export(export_id, current_user())))


@cet.get("/cet/exports/<int:export_id>/file")
@allow(Role.CET_ANALYST)
def download_export(export_id: int):
    """An export's file.
    ---
    get:
      summary: The file of an export made in the background, once it is ready (only its requester's)
      tags: [cet]
      parameters: [{in: path, name: export_id, required: true, schema: {type: integer}}]
      responses:
        200:
          description: The file
          content:
            text/csv: {}
            application/vnd.openxmlformats-officedocument.spreadsheetml.sheet: {}
        404: {description: No such export of yours, content: {application/json: {schema: Error}}}
        409:
          description: Not ready yet, or expired (files are kept CET_EXPORT_RETENTION_DAYS)
          content: {application/json: {schema: Error}}
    """
    return export_file_response(exports.get_ready_file(export_id, current_user()))


def export_file_response(item) -> Response:
    return Response(item.content, mimetype=tables.MEDIA_TYPES[item.format], headers={
        "Content-Disposition": f"attachment; filename={item.filename}", "X-Content-Type-Options": "nosniff"})


def _export(table: tables.Table, kind: str) -> Response:
    return table_file(table, kind)


@cet.get("/cet/cohort-referrals")
@allow(Role.CET_ANALYST)
def list_cohort_referrals():
    """Cohort referrals.
    ---
    get:
      summary: Requests closed at screening as cohorts, referred for policy development
      tags: [cet]
      responses:
        200:
          description: Newest first
          content: {application/json: {schema: {type: array, items: CohortReferral}}}
    """
    return CohortReferralSchema(many=True).dump([
        {"id": r.id, "case_reference": get_case_by_id(r.case_id).reference,
         "hub": find_organisation(Hub, r.hub_id)["code"], "icd10_category": r.icd10_category,
         "intervention": r.intervention_key, "cohort_description": r.cohort_description,
         "reason": r.reason, "status": r.status, "referred_utc": r.referred_utc}
        for r in queries.find_referrals()
    ])
