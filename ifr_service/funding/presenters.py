"""A funding authorisation as the API and the pages show it: its terms, where it stands today, and
the treatment given, with no patient details."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ifr_service.cases.models import Case
from ifr_service.funding import service
from ifr_service.funding.models import FundingAuthorisation
from ifr_service.reference.queries import find_provider_names, get_region
from ifr_service.users.models import User
from ifr_service.web.display import nhs_date

STATUS_TITLES = {"in_force": "In force", "ended": "Ended", "not_yet_in_force": "Not yet in force"}


def authorisation_status(authorisation: FundingAuthorisation, today: date) -> str:
    if authorisation.status == "ended":
        return "ended"
    return "in_force" if service.is_in_force(authorisation, today) else "ended"


def present_authorisation(authorisation: FundingAuthorisation, case: Case, may_read_case: bool,
                          today: date) -> dict:
    region = get_region(authorisation.region_id) if authorisation.region_id else None
    provider = authorisation.provider_org_code
    return {
        "reference": authorisation.reference, "route": authorisation.route,
        "status": authorisation_status(authorisation, today),
        "treatment": authorisation.treatment, "dmd_code": authorisation.dmd_code,
        "regimen": authorisation.regimen, "immunotherapy": authorisation.immunotherapy,
        "cycle_days": authorisation.cycle_days, "issued_on": authorisation.issued_on,
        "start_by": authorisation.start_by, "ends_on": authorisation.ends_on,
        "cost_cap_gbp": _pounds(authorisation.cost_cap_pence),
        "conditions": authorisation.conditions, "review_date": authorisation.review_date,
        "stopping_criteria": authorisation.stopping_criteria,
        "outcome_measures": authorisation.outcome_measures,
        "follow_up_overdue": service.is_follow_up_overdue(authorisation, today),
        "ended_on": authorisation.ended_on, "end_reason": authorisation.end_reason,
        "end_reason_text": service.END_REASONS.get(authorisation.end_reason or ""),
        "treatment_given": {"started_on": authorisation.started_on,
                            "last_cycle_on": authorisation.last_cycle_on,
                            "cycles_given": authorisation.cycles_given,
                            "stopped_on": authorisation.stopped_on,
                            "stop_reason": authorisation.stop_reason},
        "provider_org_code": provider,
        "provider_name": find_provider_names([provider]).get(provider) if provider else None,
        "region": {"code": region.code, "name": region.name} if region else None,
        "case_reference": case.reference if may_read_case else None,
    }


def _pounds(pence: int | None) -> Decimal | None:
    return None if pence is None else Decimal(pence) / 100


def present_on_case(case: Case, user: User, today: date) -> dict | None:
    """The case's authorisation for its page, with its terms in words, for those who may look it up."""
    authorisation = service.authorisation_for_case(case)
    if authorisation is None or not service.may_look_up(user, authorisation, case):
        return None
    shown = present_authorisation(authorisation, case, True, today)
    return {"shown": shown, "terms": terms(shown)}


def terms(shown: dict) -> list[tuple[str, str]]:
    """The authorisation's terms in the order the page and the PDF show them."""
    given, status = shown["treatment_given"], STATUS_TITLES[shown["status"]]
    treated = (f", from {nhs_date(given['started_on'])} to {nhs_date(given['last_cycle_on'])}"
               if given["started_on"] else "")
    cap = shown["cost_cap_gbp"]
    rows = [("Status", f"{status}: {shown['end_reason_text']}" if shown["end_reason_text"] else status),
            ("Treatment", shown["treatment"] + (f" (dm+d {shown['dmd_code']})" if shown["dmd_code"] else "")),
            ("Regimen", shown["regimen"] or "As in the application"),
            ("Issued on", nhs_date(shown["issued_on"])),
            ("Treatment must start by", _day_or(shown["start_by"], "No start window")),
            ("Funded until", _day_or(shown["ends_on"], "Until treatment stops")),
            ("Cost cap", f"£{cap:,.2f}" if cap is not None else "None set"),
            ("Provider", f"{shown['provider_name'] or ''} (ODS code {shown['provider_org_code']})".strip()),
            ("Region", shown["region"]["name"] if shown["region"] else "Not known"),
            ("Conditions", shown["conditions"] or "None"),
            ("Review date", _day_or(shown["review_date"], "None set")),
            ("Stopping criteria", shown["stopping_criteria"] or "None set"),
            ("Outcome measures", shown["outcome_measures"] or "None set"),
            ("Treatment given", f"{given['cycles_given']} cycle(s) recorded{treated}")]
    if shown["follow_up_overdue"]:
        rows.append(("Follow-up", "Overdue: the review date has passed with no outcome report"))
    return rows


def _day_or(day, otherwise: str) -> str:
    return nhs_date(day) if day else otherwise
