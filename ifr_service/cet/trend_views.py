"""The trends page: the national database broken down by one or two dimensions (region, hub,
Programme of Care, CRG, intervention, ICD-10 chapter, route, urgency, outcome, month...), filtered,
over a period typed in the date input; as a chart beside its table, and as CSV or XLSX.

A breakdown of more rows than a page shows (2,000, or CET_EXPORT_INLINE_MAX_ROWS if lower) is not
drawn, nor its rows worked out: the page says how many rows it has and offers the file, made in the
request up to CET_EXPORT_INLINE_MAX_ROWS rows; beyond that its download links lead to an export made
in the background (cet/exports.py), whose page shows its progress and then its file.
"""

from __future__ import annotations

from datetime import date

from flask import redirect, render_template, url_for
from marshmallow import fields, validate

from ifr_service.audit.models import EXPORT
from ifr_service.audit.recording import note_event
from ifr_service.cet import breakdown, exports, trend_table
from ifr_service.cet.names import (
    OUTCOMES,
    ROUTES,
    TITLES,
    URGENCIES,
    Namer,
    crg_names,
    hub_names,
    programme_names,
    region_names,
)
from ifr_service.cet.page_filters import PeriodFilter, download_file, error_links, read_filters, shown_dates
from ifr_service.cet.pages import cet_pages
from ifr_service.runtime import runtime
from ifr_service.tables import Table
from ifr_service.users.access import current_user
from ifr_service.users.models import Role
from ifr_service.web import charts
from ifr_service.web.downloads import download_links, requested_download
from ifr_service.web.session import page_allow

TITLE = "Trends"
SUBJECT = "cet-trends"
FILTERS = ("region", "hub", "programme_of_care", "crg", "route", "urgency", "outcome")  # each from a list
PERIODS = ("month", "quarter", "year")
MOST_PAGE_ROWS = 2000  # a page of 20,000 rows is 33 MB of HTML and 3 s to write; a file is better
MOST_BARS = 30  # a bar chart of more categories than this is not drawn: the table gives them all
# By a period and something else: a line each, up to six, told apart by dashes as well as colour.
LINE_STYLES = [(charts.BLUE, None), (charts.PURPLE, charts.DASHED), (charts.RED, charts.DOTTED),
               ("#007f3b", "12 4 2 4"), ("#7c2855", "4 4"), (charts.INK, "1 3")]
MOST_LINES = len(LINE_STYLES)
BY_WORDS = "a dimension"


class TrendsFilter(PeriodFilter):
    by = fields.String(load_default="month", validate=validate.OneOf(
        list(breakdown.DIMENSIONS), error="Choose what to break the cases down by from the list."))
    then = fields.String(load_default=None, validate=validate.OneOf(
        list(breakdown.DIMENSIONS), error="Choose what to break them down by next from the list."))
    region = fields.String(load_default=None)
    hub = fields.String(load_default=None)
    programme_of_care = fields.String(load_default=None)
    crg = fields.String(load_default=None)
    route = fields.String(load_default=None)
    urgency = fields.String(load_default=None)
    outcome = fields.String(load_default=None)


def filter_options() -> dict[str, tuple[dict[str, str], str]]:
    """Each filter's options (value to name) and words for it."""
    return {"region": (region_names(), "a region"), "hub": (hub_names(), "a hub"),
            "programme_of_care": (programme_names(), "a Programme of Care"),
            "crg": (crg_names(), "a Clinical Reference Group"), "route": (ROUTES, "a route"),
            "urgency": (URGENCIES, "an urgency"), "outcome": (OUTCOMES, "an outcome")}


@cet_pages.get("/cet/trends")
@page_allow(Role.CET_ANALYST)
def trends():
    options = filter_options()
    args, errors = read_filters(TrendsFilter(choices=options))
    if args and args["then"] == args["by"]:
        args, errors = None, {"then": ["Choose a different dimension to break them down by next."]}
    context = {"title": TITLE, "options": options, "dimensions": TITLES, "chosen": args or {},
               "shown": shown_dates(args), "errors": errors, "error_links": error_links(errors)}
    if args is None:
        return render_template("cet/trends.html", **context), 422
    by = [name for name in (args["by"], args["then"]) if name]
    filters = {name: args[name] for name in FILTERS if args.get(name)}
    start, end = args["start"], args["end"]
    rows = breakdown.count_rows(by, start, end, filters)
    kind = requested_download()
    if kind and exports.is_large(rows):
        return _background(by, args, filters, kind, rows)
    if not kind and rows > page_rows_limit():
        return render_template("cet/trends.html", **context, start=start, end=end, rows_total=rows,
                               too_many=True, page_max=page_rows_limit(), background=exports.is_large(rows),
                               links=download_links(), filters=filters)
    found = breakdown.breakdown(by, start, end, filters).rows
    namer = Namer(by, found)
    table = Table(TITLE, trend_table.columns(by), list(trend_table.shown_rows(by, found, namer)))
    if kind:
        return download_file(table, kind, SUBJECT)
    return render_template("cet/trends.html", **context, start=start, end=end, table=table, filters=filters,
                           numeric=trend_table.NUMERIC, links=download_links(),
                           charts=_charts(by, table) or _period_lines(by, found, namer))


def page_rows_limit() -> int:
    """The most rows a page shows: MOST_PAGE_ROWS, or fewer if CET_EXPORT_INLINE_MAX_ROWS is lower."""
    return min(MOST_PAGE_ROWS, runtime().config.cet_export_inline_max_rows)


def _background(by: list[str], args: dict, filters: dict, kind: str, rows: int):
    """The export made in the background; its page, which shows how far it has got."""
    item = exports.page_trends_export(current_user(), by, args["start"], args["end"], filters, kind, rows)
    note_event(current_user(), EXPORT, f"export:{SUBJECT}")
    return redirect(url_for("pages.cet.export_status", export_id=item.id), 303)


def _charts(by: list[str], table: Table) -> list[str]:
    """A line over time for a period, bars for anything else; one dimension only (the table gives two)."""
    if len(by) != 1 or not table.rows:
        return []
    heading = TITLES[by[0]]
    labels = [row[heading] for row in table.rows]
    cases = [row["Cases received"] for row in table.rows]
    rates = [None if row["Approval rate (%)"] is None else row["Approval rate (%)"] / 100
             for row in table.rows]
    first, last = labels[0], labels[-1]
    most = max(table.rows, key=lambda row: row["Cases received"])
    summary = (f"The most, {most['Cases received']:,}, in {most[heading]}. The table beside it gives each "
               f"row's numbers.")
    if by[0] in PERIODS:
        return [charts.line_chart(
                    "chart-cases", f"Cases received by {heading.lower()}",
                    f"A line chart of the cases received from {first} to {last}. {summary}",
                    labels, cases, x_label=heading, y_label="Cases received"),
                charts.line_chart(
                    "chart-rate", f"Approval rate by {heading.lower()}",
                    f"A line chart of the share of decided cases that were approved, from {first} to {last}. "
                    "A gap is a period with no decided case. The table beside it gives each row's numbers.",
                    labels, rates, x_label=heading, y_label="Approval rate", rates=True)]
    if len(labels) > MOST_BARS:
        return []
    return [charts.bar_chart("chart-cases", f"Cases received by {heading.lower()}",
                             f"A bar chart of the cases received by {heading.lower()}, one bar each. "
                             + summary,
                             labels, cases, x_label="Cases received")]


def _period_lines(by: list[str], found: list[dict], namer: Namer) -> list[str]:
    """By a period and one other dimension of a few values: the cases as a line for each value."""
    periods = [name for name in by if name in PERIODS]
    if len(by) != 2 or len(periods) != 1:
        return []
    period, other = periods[0], next(name for name in by if name not in PERIODS)
    keys = sorted({row[period] for row in found})
    values = sorted({row[other] for row in found}, key=lambda value: (value is None, str(value)))
    if not keys or len(values) > MOST_LINES:
        return []
    cases = {(row[other], row[period]): row["cases"] for row in found}
    series = [charts.Series(_shortened(namer.name(other, value)),
                            [cases.get((value, key), 0) for key in keys], colour, dashes)
              for value, (colour, dashes) in zip(values, LINE_STYLES, strict=False)]
    labels = [_short(period, key) for key in keys]
    what, heading = TITLES[other].lower(), TITLES[period]
    return [charts.lines_chart(
        "chart-lines", f"Cases received by {heading.lower()}, a line for each {what}",
        f"A line chart of the cases received from {labels[0]} to {labels[-1]}, one line for each {what}: "
        + ", ".join(namer.name(other, value) for value in values)
        + ". The table below gives every row's numbers.",
        labels, series, x_label=heading, y_label="Cases received")]


def _shortened(name: str) -> str:
    """A name short enough for the chart's key; the description and the table give it whole."""
    return name if len(name) <= 22 else name[:21] + "…"


def _short(period: str, key: str) -> str:
    """A period as an axis shows it: 'Jan 2026', '2026 Q1', '2026'."""
    if period == "month":
        return date(int(key[:4]), int(key[5:7]), 1).strftime("%b %Y")
    return key.replace("-", " ")
