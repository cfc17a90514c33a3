"""The CET's pages' blueprint, which the dashboard (views.py) and the analyses' own pages
(trend_views.py, analysis_views.py) add their views to, and the funnel plot two of them draw."""

from __future__ import annotations

from flask import Blueprint

from ifr_service.web import charts

cet_pages = Blueprint("cet", __name__)


def funnel_chart(analysis: dict) -> str | None:
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
