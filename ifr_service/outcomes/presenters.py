"""What an approved IFR's page shows after the approval (its authorisation's terms are the funding
core's, funding/presenters.py): when an outcome was last reported, the outcome reports and the
continuation requests with their decisions. For a
panel role, who reads the case de-identified, what people wrote is shown with the case's identifiers
taken out (cases/redaction.py), as the timeline does."""

from __future__ import annotations

from ifr_service.cases.models import Case
from ifr_service.cases.redaction import Redactor
from ifr_service.forms.answers import CLINICAL_CASE_OUTCOME_MEASURES, read_answer
from ifr_service.outcomes import queries
from ifr_service.outcomes.service import authorisation_of
from ifr_service.web.display import nhs_date

RESPONSE_TITLES = {"responding": "Responding", "stable": "Stable", "progressing": "Progressing",
                   "stopped": "Treatment stopped"}
STATUS_TITLES = {"pending": "Waiting for a decision", "approved": "Approved", "declined": "Declined"}


def present_after_approval(case: Case, deidentified: bool) -> dict | None:
    """None for a case with nothing after an approval (any CDF case, any IFR not approved)."""
    if case.route != "ifr":
        return None
    found = authorisation_of(case)
    reports, requests = queries.find_outcome_reports(case.id), queries.find_continuation_requests(case.id)
    if found is None and not reports and not requests:
        return None
    shown = Redactor(case.answers).answers if deidentified else (lambda value: value)
    return {
        "authorisation": found,
        "reports": [{"row": report, "response": RESPONSE_TITLES.get(report.response, report.response),
                     "measures": shown(report.measures), "notes": shown(report.notes)}
                    for report in reports],
        "continuations": [{"row": request, "status": STATUS_TITLES.get(request.status, request.status),
                           "response": RESPONSE_TITLES.get(request.response, request.response),
                           "response_data": shown(request.response_data), "reason": shown(request.reason),
                           "reasons": shown(request.reasons)}
                          for request in requests],
    }


def stated_measures(case: Case) -> list[str]:
    """The outcome measures the application stated, one a line: what a report is asked against."""
    text = read_answer(case.answers, CLINICAL_CASE_OUTCOME_MEASURES) or ""
    return [line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t")]


# The actions after an approval (workflows/ifr.yaml), whose pages show what they are asked against.
AFTER_APPROVAL_ACTIONS = ("report_outcome", "request_continuation", "approve_continuation",
                          "decline_continuation")


def action_prefill(case: Case, action_key: str) -> dict[str, str]:
    """An outcome report's form opens with a row for each outcome measure the application stated."""
    if action_key != "report_outcome":
        return {}
    stated = stated_measures(case)[:10]  # the list's max_items
    return {f"outcome_measures.{row}.measure": measure for row, measure in enumerate(stated)}


def action_context(case: Case, action_key: str | None, deidentified: bool) -> list[tuple[str, str]]:
    """The rows an action page after an approval adds to its summary of the case: the measures the
    application stated, and the authorisation's end, review date and stopping criteria; for a decision
    on continuation, what was asked."""
    if action_key not in AFTER_APPROVAL_ACTIONS or case.route != "ifr":
        return []
    found = authorisation_of(case)
    stated = read_answer(case.answers, CLINICAL_CASE_OUTCOME_MEASURES) or "None stated"
    rows = [("Outcome measures stated", stated)]
    if found is not None:
        rows += [("Funding authorisation", found.reference),
                 ("Funded until", nhs_date(found.ends_on) if found.ends_on else "Until treatment stops"),
                 ("Review date", nhs_date(found.review_date) if found.review_date else "None set"),
                 ("Stopping criteria", found.stopping_criteria or "None set")]
    waiting = queries.find_pending_continuation(case.id) if action_key.endswith("_continuation") else None
    if waiting is not None:
        rows += [("Continuation asked until", nhs_date(waiting.continue_until)),
                 ("The response so far", waiting.response_data), ("Why it should continue", waiting.reason)]
    return [(key, Redactor(case.answers).text(value)) for key, value in rows] if deidentified else rows
