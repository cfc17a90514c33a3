"""The CET's analysis pages besides the trends: performance against each target by hub and month,
equity between hubs on a funnel plot, and the cohort candidates as of a day. Each reads the same
function as its API (cet/routes.py), shows names for codes, and downloads exactly the rows it
shows as CSV or XLSX (web/downloads.py), noted in the audit log.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from flask import render_template, url_for
from marshmallow import Schema, fields, post_load, pre_load

from ifr_service.cet import cohorts, equity, reports
from ifr_service.cet.names import clock_titles, crg_names, hub_names, month_name
from ifr_service.cet.page_filters import (
    PeriodFilter,
    download_file,
    error_links,
    percent,
    read_filters,
    shown_dates,
)
from ifr_service.cet.pages import cet_pages, funnel_chart
from ifr_service.policy import queries as policy_queries
from ifr_service.runtime import runtime
from ifr_service.tables import Table
from ifr_service.users.models import Role
from ifr_service.web import charts
from ifr_service.web.downloads import download_links, requested_download
from ifr_service.web.requests import SearchDate
from ifr_service.web.session import page_allow

UNITS = {"working_days": "working days", "calendar_days": "days", "hours": "hours"}


class ClockFilter(PeriodFilter):
    clock = fields.String(load_default=None)
    hub = fields.String(load_default=None)


@cet_pages.get("/cet/clock-performance")
@page_allow(Role.CET_ANALYST)
def clock_performance():
    """Each target's clocks judged in the period: by target, hub and month."""
    titles, hubs = clock_titles(), hub_names()
    args, errors = read_filters(ClockFilter(choices={"clock": (titles, "a target"), "hub": (hubs, "a hub")}))
    context = {"title": "Performance against targets", "titles": titles, "hubs": hubs, "chosen": args or {},
               "shown": shown_dates(args), "errors": errors, "error_links": error_links(errors)}
    if args is None:
        return render_template("cet/clock_performance.html", **context), 422
    found = [row for row in reports.clock_performance(args["start"], args["end"])
             if args["clock"] in (None, row["clock"]) and args["hub"] in (None, row["hub"])]
    found.sort(key=lambda row: (titles.get(row["clock"], row["clock"]), hubs.get(row["hub"], row["hub"]),
                                row["month"]))
    table = Table("Performance against targets", CLOCK_COLUMNS,
                  [_clock_row(row, titles, hubs) for row in found])
    if kind := requested_download():
        return download_file(table, kind, "cet-clock-performance")
    return render_template("cet/clock_performance.html", **context, start=args["start"], end=args["end"],
                           table=table, numeric=CLOCK_COLUMNS[3:7], links=download_links(),
                           by_target=_by_target(found, titles))


CLOCK_COLUMNS = ["Target", "Hub", "Month stopped", "Judged", "Within target", "Within target (%)", "Median",
                 "Unit"]


def _clock_row(row: dict, titles: dict, hubs: dict) -> dict:
    return dict(zip(CLOCK_COLUMNS, [
        titles.get(row["clock"], row["clock"]), hubs.get(row["hub"], row["hub"]), month_name(row["month"]),
        row["count"], row["within_target"], row["percent_within_target"], row["median_used"],
        UNITS.get(row["unit"], row["unit"])], strict=True))


def _by_target(found: list[dict], titles: dict) -> list[dict]:
    """Each target's share within target by month, over the hubs shown: a chart and its table."""
    months: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for row in found:
        counts = months[row["clock"]][row["month"]]
        counts[0] += row["count"]
        counts[1] += row["within_target"]
    shown = []
    for clock, by_month in sorted(months.items(), key=lambda item: titles.get(item[0], item[0])):
        title = titles.get(clock, clock)
        rows = [{"Month stopped": month_name(month), "Judged": judged,
                 "Within target (%)": round(100 * within / judged, 1)} for month, (judged, within) in
                sorted(by_month.items())]
        chart = charts.line_chart(
            f"chart-{clock.replace('_', '-')}", f"{title}: share within target by month",
            f"A line chart of the share of {title.lower()} clocks within target, month by month, over "
            f"the hubs shown, from {rows[0]['Month stopped']} to {rows[-1]['Month stopped']}. The table "
            "beside it gives each month's numbers.",
            [row["Month stopped"][:3] + row["Month stopped"][-5:] for row in rows],
            [row["Within target (%)"] / 100 for row in rows], x_label="Month stopped",
            y_label="Within target", rates=True)
        shown.append({"clock": clock, "title": title, "chart": chart,
                      "table": Table(title, ["Month stopped", "Judged", "Within target (%)"], rows)})
    return shown


class EquityFilter(PeriodFilter):
    crg = fields.String(load_default=None)


EQUITY_COLUMNS = ["Hub", "Decided", "Approved", "Approval rate (%)", "Lower 95% limit (%)",
                  "Upper 95% limit (%)", "Lower 99.8% limit (%)", "Upper 99.8% limit (%)", "Flag"]
FLAGS = {"low": "Low", "high": "High", None: "Within limits"}


@cet_pages.get("/cet/equity")
@page_allow(Role.CET_ANALYST)
def equity_page():
    """Each hub's IFR approval rate against the national rate, over any period and CRG."""
    crgs = crg_names()
    args, errors = read_filters(EquityFilter(choices={"crg": (crgs, "a Clinical Reference Group")}))
    context = {"title": "Equity between hubs", "crgs": crgs, "chosen": args or {}, "shown": shown_dates(args),
               "errors": errors, "error_links": error_links(errors)}
    if args is None:
        return render_template("cet/equity.html", **context), 422
    analysis = equity.hub_equity(args["start"], args["end"], args["crg"])
    table = Table("Equity between hubs", EQUITY_COLUMNS, [dict(zip(EQUITY_COLUMNS, [
        hub["name"], hub["n"], hub["approvals"], percent(hub["rate"]), *map(percent, hub["limits_95"]),
        *map(percent, hub["limits_998"]), FLAGS[hub["flag"]]], strict=True)) for hub in analysis["hubs"]])
    if kind := requested_download():
        return download_file(table, kind, "cet-equity")
    return render_template(
        "cet/equity.html", **context, start=args["start"], end=args["end"], crg=args["crg"],
        analysis=analysis, table=table, numeric=EQUITY_COLUMNS[1:8], links=download_links(),
        flagged=[hub for hub in analysis["hubs"] if hub["flag"]], funnel=funnel_chart(analysis))


class CohortFilter(Schema):
    """The day the candidates' window ends on: today, if left blank."""

    as_of = SearchDate(data_key="as_of", load_default=None)

    @pre_load
    def drop_blanks(self, data, **_kwargs):
        return {name: value for name, value in data.items() if value.strip()}

    @post_load
    def fill_day(self, data, **_kwargs):
        data["as_of"] = data.get("as_of") or runtime().today()
        return data


COHORT_COLUMNS = ["Intervention", "ICD-10 category", "Cases", "Hubs", "First received", "Last received",
                  "Total estimated cost (£)", "Decided", "Approval rate (%)", "Urgent (%)", "Suggested CRG",
                  "Policy item"]
AS_OF = [("as_of", "date")]
NOT_FILED = "Not filed yet"


@cet_pages.get("/cet/cohorts")
@page_allow(Role.CET_ANALYST)
def cohorts_page():
    """The cohort candidates as of a day (today by default), largest first."""
    args, errors = read_filters(CohortFilter(), AS_OF)
    context = {"title": "Cohort candidates", "errors": errors, "error_links": error_links(errors, AS_OF),
               "shown": shown_dates(args, AS_OF, {"as_of": "as_of"}), "rule": runtime().config.cohort_rule}
    if args is None:
        return render_template("cet/cohorts.html", **context), 422
    found = cohorts.find_candidates(args["as_of"])
    filed = policy_queries.find_item_references([(c.intervention_key, c.icd10_category) for c in found])
    hubs, crgs = hub_names(), crg_names()
    table = Table("Cohort candidates", COHORT_COLUMNS, [_cohort_row(c, hubs, crgs, filed) for c in found])
    if kind := requested_download():
        return download_file(table, kind, "cet-cohorts")
    return render_template("cet/cohorts.html", **context, as_of=args["as_of"], table=table,
                           numeric=COHORT_COLUMNS[2:3] + COHORT_COLUMNS[6:10], links=download_links(),
                           item_links={"Policy item": _policy_link})


def _cohort_row(candidate, hubs: dict, crgs: dict, filed: dict) -> dict:
    crg = candidate.suggested_crg_code
    return dict(zip(COHORT_COLUMNS, [
        candidate.intervention_name, candidate.icd10_category, candidate.count,
        ", ".join(hubs.get(code, code) for code in candidate.hubs), candidate.first_received,
        candidate.last_received, Decimal(candidate.total_estimated_cost_gbp).quantize(Decimal("0.01")),
        candidate.decided, percent(candidate.approval_rate), percent(candidate.urgent_share),
        crgs.get(crg, crg) if crg else "None recorded",
        filed.get((candidate.intervention_key, candidate.icd10_category), NOT_FILED)], strict=True))


def _policy_link(reference: str) -> str | None:
    return None if reference == NOT_FILED else url_for("pages.policy.show_item", reference=reference)
