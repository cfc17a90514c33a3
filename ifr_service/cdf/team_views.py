"""The regional CDF teams' pages beside their applications: the fund's spend against its budget
(nationally and for the team's region), the region's audit, and the look-up of an approval number.

Each reads the same functions as the API (cdf/spend.py, cdf/audit.py, cdf.service.look_up_approval)
under the same rules of access: the national spend for any CDF team and the CET, a region's own
figures and audit for its own team only (another region's is not found), an approval for the CDF
teams, the CET and the clinicians of the trust that holds it. Every table downloads as CSV and XLSX
from the page's own address (web/downloads.py), with exactly the rows the page shows.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, redirect, render_template, request, url_for
from marshmallow import Schema, ValidationError, fields, post_load, pre_load, validate

from ifr_service.audit.models import EXPORT
from ifr_service.audit.recording import note_event
from ifr_service.cases.access import can_see_case
from ifr_service.cdf import audit, service, spend
from ifr_service.cdf.presenters import pounds, present_approval
from ifr_service.cdf.views import STATUS_TITLES
from ifr_service.errors import NotFound, ValidationFailed
from ifr_service.funding.numbers import read_as_ascii
from ifr_service.reference.models import Region
from ifr_service.reference.queries import find_regions, get_region
from ifr_service.runtime import runtime
from ifr_service.tables import Table
from ifr_service.users.access import current_user
from ifr_service.users.models import Role
from ifr_service.web import charts
from ifr_service.web.downloads import KINDS, requested_download, table_file
from ifr_service.web.periods import load_filters, shown_date_parts
from ifr_service.web.requests import SearchDate, load_query
from ifr_service.web.session import page_allow

cdf_team_pages = Blueprint("cdf_team", __name__)
FIRST_YEAR = 2016  # the managed-access fund began in July 2016 (docs/cdf.md)
MONTH_COLUMNS = ["Month", "Approvals", "Committed (£)", "Forecast (£)", "Committed to date (£)",
                 "Forecast to date (£)"]
ENTRY_COLUMNS = ["Drug and indication", "Approvals", "Committed (£)", "Forecast (£)"]
REGION_COLUMNS = ["Region", "Approvals", "Committed (£)", "Forecast (£)", "Share of the forecast (%)"]
AUDIT_COLUMNS = ["Drug and indication", "Applications", "Approved", "Not approved",
                 "Criteria not met", "Started", "Expired", "Lapsed", "Stopped"]
NOT_BEGUN = "Not begun"
YEAR_PROBLEM = "Choose a financial year from the list."
YEAR_LINK = {"financial_year": "#field-financial_year"}
NO_REGIONS_TABLE = "A region's page has no table of regions: choose months or entries."
BLANK_NUMBER = "Enter the approval number, like CDFA-2026-000123-3."


class Year(fields.Integer):
    """A year in ASCII digits only: Python would read a year in fullwidth digits as a number too."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and not value.isascii():
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class SpendPageArgs(Schema):
    financial_year = Year(load_default=None, error_messages={"invalid": YEAR_PROBLEM})
    table = fields.String(load_default="months", validate=validate.OneOf(
        ["months", "entries", "regions"], error="Choose the table to download: months, entries or regions."))

    @pre_load
    def drop_blanks(self, data, **_kwargs):
        return {name: value for name, value in data.items() if value.strip() and name != "download"}


class AuditPageArgs(Schema):
    start = SearchDate(data_key="from", load_default=None)
    end = SearchDate(data_key="to", load_default=None)

    @pre_load
    def drop_blanks(self, data, **_kwargs):
        return {name: value for name, value in data.items() if value.strip() and name != "download"}

    @post_load
    def fill_period(self, data, **_kwargs):
        data["end"] = data["end"] or runtime().today()
        data["start"] = data["start"] or spend.financial_year(data["end"])[0]
        if data["start"] > data["end"]:
            raise ValidationError({"from": ["Give a 'from' date no later than the 'to' date."]})
        return data


@cdf_team_pages.get("/cdf/spend")
@page_allow(Role.CDF_ADMIN, Role.CET_ANALYST)
def national_spend():
    return _spend_page(None)


@cdf_team_pages.get("/cdf/regions/<region_code>/spend")
@page_allow(Role.CDF_ADMIN)
def region_spend(region_code: str):
    return _spend_page(service.region_of_team(current_user(), region_code))


def _spend_page(region: Region | None):
    kind = requested_download()
    years = _year_choices()
    try:
        args = load_query(SpendPageArgs())
        _check_choices(args, years, region)
    except ValidationFailed as error:
        return render_template("cdf/spend.html", title=_spend_title(region, None), region=region,
                               years=years, chosen=request.args.get("financial_year"), errors=error.fields,
                               error_links=_error_links(error.fields, YEAR_LINK),
                               own_region=_own_region()), 422
    start_year = args["financial_year"] or years[0]
    budget = runtime().config.cdf_annual_budget_pence
    detail = spend.spend_detail(start_year, runtime().today(), budget, region.id if region else None)
    tables = {"months": _month_table(detail), "entries": _entry_table(detail)}
    if region is None:
        tables["regions"] = _region_table(spend.spend_report(start_year, runtime().today(), budget))
    if kind:
        return _download(tables[args["table"]], kind,
                         f"export:cdf-spend:{region.code if region else 'national'}:{args['table']}")
    title = _spend_title(region, detail.financial_year)
    return render_template(
        "cdf/spend.html", title=title, region=region, years=years, chosen=str(start_year), detail=detail,
        tables=tables, links={name: _links(table=name) for name in tables}, own_region=_own_region(),
        chart=_spend_chart(detail, region), exceeds=region is None and detail.total.forecast_pence > budget,
        share=round(100 * detail.total.forecast_pence / budget, 3) if budget else 0, errors=None)


def _check_choices(args: dict, years: list[int], region: Region | None) -> None:
    """A year from the list (none still to come), and a table the page has."""
    if args["financial_year"] is not None and args["financial_year"] not in years:
        raise ValidationFailed({"financial_year": YEAR_PROBLEM})
    if region is not None and args["table"] == "regions":
        raise ValidationFailed({"table": NO_REGIONS_TABLE})


def _spend_title(region: Region | None, year: str | None) -> str:
    scope = region.name if region else "National"
    return f"{scope}: Cancer Drugs Fund spend" + (f" in {year}" if year else "")


def _year_choices() -> list[int]:
    """The financial years to choose from, this one first."""
    this_year = spend.financial_year(runtime().today())[0].year
    return list(range(this_year, FIRST_YEAR - 1, -1))


def _own_region() -> Region | None:
    user = current_user()
    return get_region(user.region_id) if user.role_enum is Role.CDF_ADMIN and user.region_id else None


def _month_table(detail: spend.SpendDetail) -> Table:
    rows = [{"Month": f"{row.month:%B %Y}", "Approvals": row.approvals,
             "Committed (£)": pounds(row.committed_pence), "Forecast (£)": pounds(row.forecast_pence),
             "Committed to date (£)": (NOT_BEGUN if row.cumulative_committed_pence is None
                                       else pounds(row.cumulative_committed_pence)),
             "Forecast to date (£)": pounds(row.cumulative_forecast_pence)} for row in detail.months]
    return Table("Spend by month", MONTH_COLUMNS, rows)


def _entry_table(detail: spend.SpendDetail) -> Table:
    rows = []
    for key, line in detail.entries.items():
        entry = _latest_entry(key)
        rows.append({"Drug and indication": entry.title, "Approvals": line.approvals,
                     "Committed (£)": pounds(line.committed_pence),
                     "Forecast (£)": pounds(line.forecast_pence)})
    return Table("Spend by drug", ENTRY_COLUMNS, rows)


def _region_table(report: spend.SpendReport) -> Table:
    names = {region.id: region.name for region in find_regions()}
    rows = [{"Region": names.get(region_id, "No region"), "Approvals": line.approvals,
             "Committed (£)": pounds(line.committed_pence), "Forecast (£)": pounds(line.forecast_pence),
             "Share of the forecast (%)": _share(line.forecast_pence, report.national.forecast_pence)}
            for region_id, line in sorted(report.regions.items(), key=lambda item: names.get(item[0], ""))]
    return Table("Spend by region", REGION_COLUMNS, rows)


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _latest_entry(key: str):
    cdf = runtime().cdf
    return cdf.get(key, max(version for entry_key, version in cdf.entries if entry_key == key))


def _spend_chart(detail: spend.SpendDetail, region: Region | None) -> str:
    labels = [f"{row.month:%b}" for row in detail.months]  # the year is in the axis' name
    committed = [None if row.cumulative_committed_pence is None else row.cumulative_committed_pence / 100
                 for row in detail.months]
    forecast = [row.cumulative_forecast_pence / 100 for row in detail.months]
    series = [charts.Series("Committed to date", committed),
              charts.Series("Forecast", forecast, charts.PURPLE, charts.DASHED, points=False)]
    budget_words = ""
    if region is None:
        series.append(charts.Series("Budget", [detail.budget_pence / 100] * 12, charts.RED, charts.DOTTED,
                                    points=False))
        passes = detail.total.forecast_pence > detail.budget_pence
        budget_words = (f" against the fund's budget of £{detail.budget_pence / 100:,.0f} (dotted), "
                        f"which the forecast {'passes' if passes else 'stays within'}")
    scope = region.name if region else "the whole fund"
    return charts.lines_chart(
        "chart-spend", f"Spend of {scope} in {detail.financial_year}, adding up month by month",
        f"A line chart of {scope}'s spend from April to March: committed so far, £"
        f"{detail.total.committed_pence / 100:,.2f} by {detail.as_of:%-d %B %Y} (solid), and the forecast to "
        f"the year's end, £{detail.total.forecast_pence / 100:,.2f} (dashed){budget_words}. "
        "The table below gives each month's numbers.",
        labels, series, x_label=f"Month, April {detail.months[0].month.year} to March "
                                f"{detail.months[-1].month.year}",
        y_label="Spend, adding up", show=charts.short_pounds)


@cdf_team_pages.get("/cdf/audit")
@page_allow(Role.CDF_ADMIN)
def own_audit():
    """The header's link: the audit of the administrator's own region."""
    region = _own_region()
    if region is None:
        raise NotFound("You are not a member of a region's CDF team, so there is no audit for you.")
    return redirect(url_for(".region_audit", region_code=region.code))


@cdf_team_pages.get("/cdf/regions/<region_code>/audit")
@page_allow(Role.CDF_ADMIN)
def region_audit(region_code: str):
    region = service.region_of_team(current_user(), region_code)
    kind = requested_download()
    try:
        args = load_filters(AuditPageArgs(), request.args, [("from", "'from' date"), ("to", "'to' date")])
    except ValidationFailed as error:
        return _audit_page(region, None, None, None, error.fields), 422
    table = _audit_table(audit.region_audit(region.id, args["start"], args["end"]))
    if kind:
        return _download(table, kind, f"export:cdf-audit:{region.code}")
    return _audit_page(region, args["start"], args["end"], table, None)


def _audit_page(region: Region, start: date | None, end: date | None, table: Table | None, errors):
    shown = {**shown_date_parts(request.args, "from", start), **shown_date_parts(request.args, "to", end)}
    # Each date's message leads to its day box: the date input has no element of the date's own id.
    error_links = _error_links(errors, {"from": "#from-day", "to": "#to-day"})
    return render_template("cdf/audit.html", title=f"{region.name}: Cancer Drugs Fund audit", region=region,
                           start=start, end=end, table=table, shown=shown, errors=errors,
                           error_links=error_links, links=_links() if table else None)


def _error_links(errors: dict | None, targets: dict[str, str]) -> list[dict]:
    """The error summary's messages, each leading to its input where the page has one."""
    return [{"text": message, "href": targets.get(name)} for name, messages in (errors or {}).items()
            for message in messages]


def _audit_table(rows: list[audit.AuditRow]) -> Table:
    reasons = _stop_reasons()
    shown = []
    for row in rows:
        entry = runtime().cdf.get(row.entry_key, row.entry_version)
        shown.append({
            "Drug and indication": f"{entry.title} (list version {row.entry_version})",
            "Applications": row.applications, "Approved": row.approved, "Not approved": row.not_approved,
            "Criteria not met": [f"{entry.criterion(key).text} ({count})"
                                 for key, count in sorted(row.unmet_criteria.items())] or "None",
            "Started": row.started, "Expired": row.expired, "Lapsed": row.lapsed,
            "Stopped": [f"{reasons.get(reason, reason)} ({count})"
                        for reason, count in sorted(row.stopped.items())] or "None"})
    return Table("CDF audit", AUDIT_COLUMNS, shown)


def _stop_reasons() -> dict[str, str]:
    action = runtime().workflows["cdf"].action("record_stop")
    field = next((field for field in action.payload if field.key == "reason"), None) if action else None
    return {str(option["value"]): option["label"] for option in field.options} if field else {}


@cdf_team_pages.get("/cdf/approvals")
@page_allow(Role.CDF_ADMIN, Role.CET_ANALYST, Role.CLINICIAN)
def look_up_approval():
    """An approval number as typed (from an invoice, say): what it covers, or why it is not one."""
    typed = request.args.get("number")
    if typed is None:
        return _approval_page(typed, None, None)
    if not typed.strip():
        return _approval_page(typed, None, {"number": [BLANK_NUMBER]}), 422
    try:
        record, case = service.look_up_approval(current_user(), read_as_ascii(typed))
    except (ValidationFailed, NotFound) as error:
        messages = error.fields if isinstance(error, ValidationFailed) else {"number": [error.message]}
        return _approval_page(typed, None, messages), error.status_code
    approval = present_approval(record, case, can_see_case(current_user(), case))
    return _approval_page(typed, approval, None)


def _approval_page(typed: str | None, approval: dict | None, errors):
    return render_template("cdf/approval.html", title="Look up a CDF approval number", typed=typed or "",
                           approval=approval, errors=errors,
                           statuses=STATUS_TITLES)


def _links(**extra) -> list[dict]:
    """The page's own address for each kind of file, with everything it was asked for."""
    args = {name: value for name, value in request.args.items() if name not in ("download", *extra)}
    return [{"kind": kind, "text": text,
             "href": url_for(request.endpoint, **(request.view_args or {}), **args, **extra, download=kind)}
            for kind, text in KINDS.items()]


def _download(table: Table, kind: str, subject: str):
    note_event(current_user(), EXPORT, subject)
    return table_file(table, kind)
