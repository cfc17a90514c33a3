"""The rules an approval's terms follow, and the effects that keep an authorisation in step with the
case's workflow, registered under the names workflows/*.yaml use."""

from __future__ import annotations

from decimal import Decimal

from ifr_service.cases.models import Case, CaseEvent
from ifr_service.errors import ValidationFailed
from ifr_service.funding import queries, service
from ifr_service.runtime import runtime
from ifr_service.web.display import nhs_date
from ifr_service.workflows.registry import effect, guard

ENDED_BY = {"cdf_approval_expired": "expired", "cdf_approval_lapsed": "lapsed"}


@guard("authorisation_terms_hold", workflows=("ifr",))
def check_terms(case: Case, actor, payload: dict) -> None:
    """A time-limited approval ends after today, and its review falls within it."""
    today, problems = runtime().today(), {}
    until = service.as_day(payload.get("funded_until"))
    review = service.as_day(payload.get("review_date"))
    if until is not None and until <= today:
        problems["funded_until"] = f"Enter a funded-until date after today ({nhs_date(today)})."
    if review is not None and review <= today:
        problems["review_date"] = f"Enter a review date after today ({nhs_date(today)})."
    elif until is not None and review is not None and review > until:
        problems["review_date"] = ("Enter a review date on or before the funded-until date "
                                   f"({nhs_date(until)}), so the response is known before it ends.")
    cap = payload.get("cost_cap_gbp")
    if cap not in (None, "") and Decimal(str(cap)) <= 0:
        problems["cost_cap_gbp"] = ("Enter a cost cap of more than £0, or leave it blank for the "
                                    "request's cost.")
    if problems:
        raise ValidationFailed(problems)


@effect("end_funding_authorisation", workflows=("cdf",))
def end_with_case(case: Case, event: CaseEvent) -> None:
    authorisation = queries.find_authorisation_for_case(case.id)
    if authorisation is not None:
        service.end_authorisation(authorisation, runtime().today(), ENDED_BY[event.name])
