"""The checks of one invoice line against the funding authorisation it quotes: pure rules, no database.

Commissioners challenge a trust's patient-level schedule against their approvals, as Blueteq's invoice
matching does: does the patient exist and match, was the drug approved, was the approval in force on
the day (and the treatment within its duration and cost cap), is a follow-up form outstanding, is the
patient the billed commissioner's (NHS England's CDF pages; docs/after-approval/invoices.md).

A line is accepted when no check fails, otherwise challenged with every reason that applies, each in
words a trust's finance team can act on. A reason never names another patient's details, another
provider, or anything of an authorisation outside the checker's own region or hub: a reference that
is not one of theirs reads exactly as one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from ifr_service.invoices.schedule import ScheduleLine

# The kinds of challenge, in the order a line's reasons are given.
NOT_OURS = "not_ours"
OTHER_PROVIDER = "other_provider"
OTHER_PATIENT = "other_patient"
OTHER_TREATMENT = "other_treatment"
NOT_IN_FORCE = "not_in_force"
PAST_DURATION = "past_duration"
OVER_COST_CAP = "over_cost_cap"
FOLLOW_UP_OVERDUE = "follow_up_overdue"
OTHER_COMMISSIONER = "other_commissioner"
BILLED_BEFORE = "billed_before"
KINDS = {
    NOT_OURS: "No such approval",
    OTHER_PROVIDER: "Another provider's approval",
    OTHER_PATIENT: "Not the approved patient",
    OTHER_TREATMENT: "Not the approved treatment",
    NOT_IN_FORCE: "Approval not in force",
    PAST_DURATION: "Past the approved duration",
    OVER_COST_CAP: "Over the cost cap",
    FOLLOW_UP_OVERDUE: "Follow-up overdue",
    OTHER_COMMISSIONER: "Another commissioner's patient",
    BILLED_BEFORE: "Billed before",
}


class Authorisation(Protocol):
    """What the checks read of a funding authorisation (funding/models.py)."""

    reference: str
    nhs_number: str
    treatment: str
    dmd_code: str | None
    provider_org_code: str | None
    issued_on: date
    start_by: date | None
    ends_on: date | None
    cost_cap_pence: int | None
    status: str
    ended_on: date | None
    review_date: date | None


@dataclass(frozen=True)
class Reason:
    kind: str
    words: str


@dataclass(frozen=True)
class Context:
    """What a line is checked against, besides its authorisation."""

    scope_name: str  # the checker's region or hub, as the reasons name it
    commissioner_code: str | None  # the authorisation's commissioner's code
    accepted_pence: int  # accepted before against the same authorisation (earlier schedules and lines)
    billed_before: bool  # this provider's invoice line was accepted in an earlier schedule
    in_force: Callable[[Authorisation, date], bool]
    follow_up_overdue: Callable[[Authorisation, date], bool]


def check_line(line: ScheduleLine, authorisation: Authorisation | None, context: Context) -> list[Reason]:
    """Every reason to challenge the line; none when it is accepted."""
    if authorisation is None:
        return [Reason(NOT_OURS, f"{line.authorisation_reference} is not an approval of "
                                 f"{context.scope_name}: check the reference against the approval "
                                 "letter, or bill the commissioner who approved the treatment.")]
    reasons = [*_who_and_what(line, authorisation), *_when(line, authorisation, context)]
    if authorisation.cost_cap_pence is not None and \
            context.accepted_pence + line.amount_pence > authorisation.cost_cap_pence:
        reasons.append(Reason(OVER_COST_CAP, f"With this line's {pounds(line.amount_pence)}, the "
                                             f"{pounds(context.accepted_pence)} accepted before against "
                                             "this approval would pass its cost cap."))
    if line.commissioner_code != context.commissioner_code:
        reasons.append(Reason(OTHER_COMMISSIONER, f"The patient of this approval is not "
                                                  f"{line.commissioner_code}'s: bill the approval's "
                                                  "commissioner, as the approval letter names it."))
    if context.billed_before:
        reasons.append(Reason(BILLED_BEFORE, f"Invoice {line.invoice_number} line {line.line_number} "
                                             "was accepted in an earlier schedule."))
    return reasons


def _who_and_what(line: ScheduleLine, authorisation: Authorisation) -> list[Reason]:
    reasons = []
    if authorisation.provider_org_code and line.provider_code != authorisation.provider_org_code:
        reasons.append(Reason(OTHER_PROVIDER, f"The approval is for treatment at another provider, not "
                                              f"{line.provider_code}."))
    if line.nhs_number != authorisation.nhs_number:
        reasons.append(Reason(OTHER_PATIENT, "The NHS number is not that of the patient the approval "
                                             "is for."))
    if not is_the_approved_treatment(line, authorisation):
        reasons.append(Reason(OTHER_TREATMENT, f"{_shown_treatment(line)} is not the approved "
                                               f"treatment, {authorisation.treatment}."))
    return reasons


def is_the_approved_treatment(line: ScheduleLine, authorisation: Authorisation) -> bool:
    """By dm+d code where both have one (the code is the medicine, whatever a trust calls it);
    otherwise by name, ignoring case and spacing."""
    if line.dmd_code and authorisation.dmd_code:
        return line.dmd_code == authorisation.dmd_code
    return _folded(line.treatment) == _folded(authorisation.treatment)


def _folded(name: str) -> str:
    return " ".join(name.casefold().split())


def _shown_treatment(line: ScheduleLine) -> str:
    return f"{line.treatment} (dm+d {line.dmd_code})" if line.dmd_code else line.treatment


def _when(line: ScheduleLine, authorisation: Authorisation, context: Context) -> list[Reason]:
    day = line.treatment_date
    reasons = []
    if authorisation.ends_on is not None and day > authorisation.ends_on:
        reasons.append(Reason(PAST_DURATION, f"The treatment on {nhs_date(day)} is after the approved "
                                             f"duration ended on {nhs_date(authorisation.ends_on)}."))
    elif not context.in_force(authorisation, day):
        reasons.append(Reason(NOT_IN_FORCE, _not_in_force_words(day, authorisation)))
    if context.follow_up_overdue(authorisation, day):
        due = f", due on {nhs_date(authorisation.review_date)}," if authorisation.review_date else ""
        reasons.append(Reason(FOLLOW_UP_OVERDUE, f"The approval's outcome report{due} is overdue: "
                                                 "send the follow-up before billing further treatment."))
    return reasons


def _not_in_force_words(day: date, authorisation: Authorisation) -> str:
    if day < authorisation.issued_on:
        return (f"The treatment on {nhs_date(day)} is before the approval was issued, on "
                f"{nhs_date(authorisation.issued_on)}.")
    if authorisation.ended_on is not None and day > authorisation.ended_on:
        return (f"The approval ended on {nhs_date(authorisation.ended_on)}, before this treatment on "
                f"{nhs_date(day)}.")
    if authorisation.start_by is not None and day > authorisation.start_by:
        return (f"Treatment was to start by {nhs_date(authorisation.start_by)} and no start was recorded "
                f"by {nhs_date(day)}: the approval expired unused.")
    return f"The approval was not in force on {nhs_date(day)}."


def pounds(pence: int) -> str:
    return f"£{pence / 100:,.2f}"


def nhs_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
