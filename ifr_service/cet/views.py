"""The Clinical Effectiveness Team's national dashboard: monthly trends, equity between hubs on a
funnel plot, and today's cohort candidates, with links to each analysis' own page (trend_views.py,
analysis_views.py) and the months' table as CSV or XLSX. It reads the same functions as
/api/v1/cet, on the national database, which holds no patient identifier; its period is typed in the
design system's date input (page_filters.py).
"""

from __future__ import annotations

from datetime import date

from flask import render_template, request
from marshmallow import fields

from ifr_service.audit.models import EXPORT
from ifr_service.audit.recording import note_event
from ifr_service.cet import analysis_views, breakdown, cohorts, equity, exports, queries, trend_views
from ifr_service.cet.names import TITLES, hub_names, month_name
from ifr_service.cet.page_filters import (  # noqa: F401 (twelve_months_to: the default period, read here too)
    PeriodFilter,
    download_file,
    error_links,
    percent,
    read_filters,
    shown_dates,
    twelve_months_to,
)
from ifr_service.cet.pages import cet_pages, funnel_chart
from ifr_service.policy import queries as policy_queries
from ifr_service.runtime import runtime
from ifr_service.tables import Table
from ifr_service.users.access import current_user
from ifr_service.users.models import Role
from ifr_service.web import charts
from ifr_service.web.display import nhs_date
from ifr_service.web.downloads import download_links, requested_download
from ifr_service.web.session import page_allow

TITLE = "National IFR dashboard"
# The analyses' own pages add their views to the same blueprint, registered with the dashboard's.
ANALYSIS_PAGES = (analysis_views, trend_views)


class DashboardFilter(PeriodFilter):
    """The period, and an optional CRG."""

    crg = fields.String(load_default=None)


MONTH_COLUMNS = ["Month received", "Cases received", "Decided", "Approval rate (%)"]


@cet_pages.get("/cet")
@page_allow(Role.CET_ANALYST)
def dashboard():
    crgs = queries.find_crg_choices()
    args, errors = read_filters(DashboardFilter(choices={"crg": (dict(crgs), "a Clinical Reference Group")}))
    context = {"title": TITLE, "crg_options": dict(crgs), "chosen": args or {}, "shown": shown_dates(args),
               "errors": errors, "error_links": error_links(errors)}
    if args is None:
        return render_template("cet/dashboard.html", **context), 422
    start, end, crg = args["start"], args["end"], args["crg"]
    months = monthly_rows(start, end, crg)
    table = Table("Cases by month", MONTH_COLUMNS, [dict(zip(MONTH_COLUMNS, [
        month_name(row["month"]), row["cases"], row["decided"], percent(row["approval_rate"])], strict=True))
        for row in months])
    if kind := requested_download():
        return download_file(table, kind, "cet-trends")
    analysis = equity.hub_equity(start, end, crg)
    today = runtime().today()
    candidates = cohorts.find_candidates(today)
    filed = policy_queries.find_item_references([(c.intervention_key, c.icd10_category) for c in candidates])
    return render_template(
        "cet/dashboard.html", **context, start=start, end=end, crg=crg, crg_name=dict(crgs).get(crg),
        months=months, month_table=table, numeric=MONTH_COLUMNS[1:], links=download_links(),
        same_query=_same_query(),
        received_chart=_received_chart(months), rate_chart=_rate_chart(months),
        analysis=analysis, flagged=[hub for hub in analysis["hubs"] if hub["flag"]],
        funnel=funnel_chart(analysis), today=today, candidates=candidates, filed=filed,
        hub_names=hub_names(), rule=runtime().config.cohort_rule)


def _same_query() -> dict:
    """The dashboard's filters, for links to the analyses of the same period."""
    return {name: value for name, value in request.args.items() if name != "download"}


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


@cet_pages.get("/cet/exports/<int:export_id>")
@page_allow(Role.CET_ANALYST)
def export_status(export_id: int):
    """An export being made in the background: how far it has got, then the link to its file."""
    item = exports.get_own_export(export_id, current_user())
    by_titles = [TITLES.get(name, name) for name in item.arguments["by"]]
    period = " to ".join(nhs_date(date.fromisoformat(item.arguments[end])) for end in ("from", "to"))
    return render_template("cet/export.html", title="Your export", item=item, by_titles=by_titles,
                           period=period, ready=item.status == exports.READY,
                           retention_days=runtime().config.cet_export_retention_days)


@cet_pages.get("/cet/exports/<int:export_id>/file")
@page_allow(Role.CET_ANALYST)
def export_file(export_id: int):
    from ifr_service.cet.routes import export_file_response

    item = exports.get_ready_file(export_id, current_user())
    note_event(current_user(), EXPORT, f"export:cet-{item.report}")
    return export_file_response(item)

