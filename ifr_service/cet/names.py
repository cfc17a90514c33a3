"""Names for what the national database keeps as codes, for the CET's pages and their files: a hub's
and a region's name for its code, a Clinical Reference Group's name, an intervention's name for its
key, a month as "January 2026", an outcome in words."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlmodel import select

from ifr_service import db
from ifr_service.cet import queries
from ifr_service.reference.models import ProgrammeOfCare, Region
from ifr_service.reference.queries import find_hubs
from ifr_service.runtime import runtime

TITLES = {
    "month": "Month received", "quarter": "Quarter received", "year": "Year received", "region": "Region",
    "hub": "Hub", "programme_of_care": "Programme of Care", "crg": "Clinical Reference Group",
    "intervention": "Intervention", "icd10_chapter": "ICD-10 chapter", "icd10_category": "ICD-10 category",
    "route": "Route", "urgency": "Urgency", "outcome": "Outcome",
    "reported_response": "Response reported after approval",
}
ROUTES = {"ifr": "IFR", "cdf": "CDF"}
URGENCIES = {"routine": "Routine", "urgent": "Urgent", "emergency": "Emergency"}
OUTCOMES = {"approved": "Approved", "approved_with_conditions": "Approved with conditions",
            "declined": "Declined", "screened_out": "Screened out", "withdrawn": "Withdrawn",
            "pending": "Pending"}
RESPONSES = {"responding": "Responding", "stable": "Stable", "progressing": "Progressing",
             "stopped": "Treatment stopped"}
NONE = "None recorded"


def hub_names() -> dict[str, str]:
    return {hub.code: hub.name for hub in find_hubs()}


def region_names() -> dict[str, str]:
    return dict(db.session().exec(select(Region.code, Region.name).order_by(Region.name)).all())


def programme_names() -> dict[str, str]:
    """Each Programme of Care's name, by the code the national database keeps."""
    query = select(ProgrammeOfCare.code, ProgrammeOfCare.name).order_by(ProgrammeOfCare.name)
    return dict(db.session().exec(query).all())


def crg_names() -> dict[str, str]:
    return dict(queries.find_crg_choices())


def clock_titles() -> dict[str, str]:
    """Each target's title (the workflows' clocks), by key."""
    return {clock.key: clock.title for workflow in runtime().workflows.values() for clock in workflow.clocks}


def month_name(month: str) -> str:
    """'2026-01' as 'January 2026'."""
    return date(int(month[:4]), int(month[5:7]), 1).strftime("%B %Y")


class Namer:
    """Names for the values of the dimensions shown, looked up once a page (reference tables are small;
    interventions for the keys shown only, or every one when `rows` is None, for an export)."""

    def __init__(self, dimensions: Iterable[str], rows: list[dict] | None = None):
        dimensions = set(dimensions)
        self.lookups: dict[str, dict] = {
            "hub": hub_names() if "hub" in dimensions else {},
            "region": region_names() if "region" in dimensions else {},
            "crg": crg_names() if "crg" in dimensions else {},
            "programme_of_care": programme_names() if "programme_of_care" in dimensions else {},
            "intervention": queries.find_intervention_names(
                None if rows is None else {row["intervention"] for row in rows})
            if "intervention" in dimensions else {},
            "route": ROUTES, "urgency": URGENCIES, "outcome": OUTCOMES, "reported_response": RESPONSES,
        }

    def name(self, dimension: str, value) -> str:
        if value is None:
            return NONE
        value = str(value)
        if dimension == "month":
            return month_name(value)
        if dimension == "quarter":
            return value.replace("-", " ")
        if dimension == "icd10_chapter":
            return f"Chapter {value}"
        return self.lookups.get(dimension, {}).get(value, value)
