"""The Clinical Effectiveness Team's national dashboard: monthly trends, equity between hubs on a
funnel plot, and today's cohort candidates. It reads the same functions as /api/v1/cet, on the
national database, which holds no patient identifier.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from marshmallow import Schema, ValidationError, fields, post_load, pre_load, validate

from ifr_service.api.requests import SearchDate, load_query
from ifr_service.cet import breakdown, cohorts, equity, exports, queries
from ifr_service.errors import ValidationFailed
from ifr_service.policy import queries as policy_queries
from ifr_service.reference.queries import find_hubs
from ifr_service.runtime import runtime
from ifr_service.users.access import current_user
from ifr_service.users.models import Role
from ifr_service.web import charts
from ifr_service.web.session import page_allow

cet_pages = Blueprint("cet", __name__)
TITLE = "National IFR dashboard"


class DashboardArgs(Schema):
    """The period (both days included; by default the 12 months up to today) and an optional CRG."""

    start = SearchDate(data_key="from", load_default=None)
    end = SearchDate(data_key="to", load_default=None)
    crg = fields.String(load_default=None, validate=validate.Length(min=1, max=10))

    @pre_load
    def drop_blanks(self, data, **_kwargs):
        # An empty box means the default.
        return {name: value for name, value in data.items() if value.strip()}

    @post_load
    def fill_period(self, data, **_kwargs):
        data["end"] = data["end"] or runtime().today()
        data["start"] = data["start"] or twelve_months_to(data["end"])
        if data["start"] > data["end"]:
            raise ValidationError({"from": ["Give a 'from' date no later than the 'to' date."]})
        return data


def twelve_months_to(end: date) -> date:
    """The first day of the month 11 months before: 12 monthly points, the last one to date."""
    months = end.year * 12 + end.month - 1 - 11
    return date(months // 12, months % 12 + 1, 1)


@cet_pages.get("/cet")
@page_allow(Role.CET_ANALYST)
def dashboard():
    crgs = queries.find_crg_choices()
    try:
        args = load_query(DashboardArgs())
    except ValidationFailed as error:
        return render_template("cet/dashboard.html", title=TITLE, crgs=crgs, shown=request.args,
                               errors=error.fields), 422
    start, end, crg = args["start"], args["end"], args["crg"]
    hub_names = {hub.code: hub.name for hub in find_hubs()}
    months = monthly_rows(start, end, crg)
    analysis = equity.hub_equity(start, end, crg)
    today = runtime().today()
    candidates = cohorts.find_candidates(today)
    filed = policy_queries.find_item_references([(c.intervention_key, c.icd10_category) for c in candidates])
    return render_template(
        "cet/dashboard.html", title=TITLE, crgs=crgs, shown=request.args, start=start, end=end, crg=crg,
        months=months, received_chart=_received_chart(months), rate_chart=_rate_chart(months),
        analysis=analysis, flagged=[hub for hub in analysis["hubs"] if hub["flag"]],
        funnel=_funnel(analysis), today=today, candidates=candidates, filed=filed, hub_names=hub_names,
        rule=runtime().config.cohort_rule)


def monthly_rows(start: date, end: date, crg: str | None) -> list[dict]:
    """Cases received and their outcomes by month of receipt, every month of the period shown."""
    table = breakdown.breakdown(["month"], start, end, {"crg": crg} if crg else {})
    found = {row["month"]: row for row in table.rows}
    return [{"label": date(int(month[:4]), int(month[5:]), 1).strftime("%b %Y"),
             **found.get(month, {"month": month, "cases": 0, "decided": 0, "approved": 0,
                                 "approval_rate": None})}
            for month in _months(start, end)]


def _months(start: date, end: date) -> list[str]:
    first, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    return [f"{index // 12:04d}-{index % 12 + 1:02d}" for index in range(first, last + 1)]


def _received_chart(months: list[dict]) -> str:
    total = sum(row["cases"] for row in months)
    busiest = max(months, key=lambda row: row["cases"])
    return charts.line_chart(
        "chart-received", "Cases received each month",
        f"A line chart of the {total:,} IFR and CDF cases received from {months[0]['label']} to "
        f"{months[-1]['label']}, month by month. The most, {busiest['cases']:,}, were received in "
        f"{busiest['label']}. The table beside it gives each month's numbers.",
        [row["label"] for row in months], [row["cases"] for row in months],
        x_label="Month received", y_label="Cases received")


def _rate_chart(months: list[dict]) -> str:
    rates = [row["approval_rate"] for row in months if row["approval_rate"] is not None]
    summary = (f"from {charts.percent(min(rates))} to {charts.percent(max(rates))}" if rates
               else "not known: none is decided")
    return charts.line_chart(
        "chart-approval-rate", "Approval rate by month received",
        f"A line chart of the share of decided cases that were approved, by the month they were received, "
        f"from {months[0]['label']} to {months[-1]['label']}. It ranges {summary}. A month with no decided "
        f"case leaves a gap. The table beside it gives each month's numbers.",
        [row["label"] for row in months], [row["approval_rate"] for row in months],
        x_label="Month received", y_label="Approval rate", rates=True)


def _funnel(analysis: dict) -> str | None:
    national = analysis["national"]
    if national["rate"] is None:
        return None
    flagged = [f"{hub['name']} ({hub['flag']})" for hub in analysis["hubs"] if hub["flag"]]
    return charts.funnel_plot(
        "chart-funnel", "Approval rate by hub, on a funnel plot",
        f"Each of {len(analysis['hubs'])} hubs' IFR approval rate against the number of cases it decided. "
        f"The national rate is {charts.percent(national['rate'])} of {national['n']:,} decided cases, with "
        f"95% and 99.8% control limits around it. "
        + (f"Outside the 99.8% limits: {', '.join(flagged)}." if flagged
           else "No hub is outside the 99.8% limits.") + " The table below gives each hub's numbers.",
        national["rate"],
        [{"label": hub["name"], "n": hub["n"], "rate": hub["rate"], "flag": hub["flag"]}
         for hub in analysis["hubs"]])


@cet_pages.get("/cet/exports/<int:export_id>")
@page_allow(Role.CET_ANALYST)
def export_status(export_id: int):
    """An export being made in the background: how far it has got, then the link to its file."""
    item = exports.get_own_export(export_id, current_user())
    return render_template("cet/export.html", title="Your export", item=item,
                           ready=item.status == exports.READY,
                           retention_days=runtime().config.cet_export_retention_days)


@cet_pages.get("/cet/exports/<int:export_id>/file")
@page_allow(Role.CET_ANALYST)
def export_file(export_id: int):
    from ifr_service.cet.routes import export_file_response

    return export_file_response(exports.get_ready_file(export_id, current_user()))
