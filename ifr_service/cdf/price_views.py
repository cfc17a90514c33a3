"""The confidential prices page: each entry of the list with its list price and the confidential
prices entered for it, for the CDF teams to read and the service's administrators to add to.

A trust's roles never reach it (403), and no page a trust can reach shows a confidential figure
(cdf/prices.py). Entering is for the national administrators only: a commercial access agreement is
national, and a price changes every region's spend (docs/after-approval/spend.md).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ifr_service.cdf import prices
from ifr_service.errors import ValidationFailed
from ifr_service.runtime import runtime
from ifr_service.users.access import current_user
from ifr_service.users.models import Role
from ifr_service.web.periods import read_date
from ifr_service.web.session import page_allow

cdf_price_pages = Blueprint("cdf_prices", __name__)
VALID_FROM_WORDS = "date the price is valid from"


@cdf_price_pages.get("/cdf/confidential-prices")
@page_allow(Role.CDF_ADMIN, Role.ADMIN)
def show_prices():
    return _page({}, None)


@cdf_price_pages.post("/cdf/confidential-prices")
@page_allow(Role.ADMIN)
def enter_price():
    form = request.form
    data = {"entry": form.get("entry", ""), "price_gbp": form.get("price_gbp", ""), "valid_from": ""}
    problems = {}
    try:
        typed = read_date(form, "valid_from", VALID_FROM_WORDS)
        data["valid_from"] = typed.isoformat() if typed else ""
    except ValidationFailed as error:
        problems = error.fields
    try:
        row = prices.enter_price(current_user(), data, runtime().today(), problems)
    except ValidationFailed as error:
        return _page(form, error.fields), 422
    flash(f"The confidential price from {row.valid_from:%-d %B %Y} is saved.")
    return redirect(url_for(".show_prices"))


def _page(values, errors: dict | None):
    entries = prices.find_entry_prices()
    return render_template(
        "cdf/prices.html", title="Confidential prices of the Cancer Drugs Fund list", entries=entries,
        values=values, errors=errors, may_enter=current_user().role_enum is Role.ADMIN,
        entry_items=[{"value": "", "text": "Choose an entry"}] + [
            {"value": entry.key, "text": f"{entry.title} (per {entry.cost_unit})",
             "selected": values.get("entry") == entry.key} for entry in entries],
        shown={name: values.get(name, "") for name in ("valid_from[day]", "valid_from[month]",
                                                      "valid_from[year]")})
