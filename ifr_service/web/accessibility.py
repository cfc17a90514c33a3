"""The service's accessibility statement, in the form the NHS service manual gives
(https://service-manual.nhs.uk/accessibility) after GOV.UK's model statement for the Public Sector
Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018. Linked from every
page's footer (layout.html). It says what was tested and how, only as the repository's tests do it,
and what was not; the contact details are configuration (ACCESSIBILITY_CONTACT_EMAIL, _PHONE).
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template

from ifr_service.users.access import PUBLIC
from ifr_service.web.session import page_allow

accessibility_pages = Blueprint("accessibility", __name__)

# When the statement was prepared and last reviewed, and when the service was last tested: change these
# with the statement, whenever what it says changes.
STATEMENT_PREPARED = date(2026, 12, 7)
STATEMENT_REVIEWED = date(2026, 12, 7)
LAST_TESTED = date(2026, 12, 7)


@accessibility_pages.get("/accessibility")
@page_allow(PUBLIC)
def statement():
    config = current_app.config["IFR"]
    return render_template("accessibility.html", title="Accessibility statement", config_ifr=config,
                           prepared=STATEMENT_PREPARED, reviewed=STATEMENT_REVIEWED, tested=LAST_TESTED,
                           idle_minutes=config.session_idle_seconds // 60,
                           warning_minutes=config.session_warning_seconds // 60)
