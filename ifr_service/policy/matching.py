"""Which policies of the library a request for a treatment, for a diagnosis, on a day, falls under:
for the IFR team's completeness check and screening, the screening group's pack, and the clinician's
"is this an IFR?" check before an application. One definition, so that each sees the same policies.

A policy matches when it covers the treatment (by any of its names or codes, as intervention keys:
interventions.py), covers the diagnosis (its ICD-10 code within one of the policy's ranges), and is
in force on the day (published by then and not withdrawn).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ifr_service.cases.models import Case
from ifr_service.forms.answers import (
    DIAGNOSIS_ICD10_CODE,
    INTERVENTION_DMD_CODE,
    INTERVENTION_NAME,
    INTERVENTION_OPCS4_CODE,
    read_answer,
)
from ifr_service.interventions import intervention_key
from ifr_service.policy import queries
from ifr_service.policy.models import Policy
from ifr_service.runtime import runtime

# What each position means for a request, in three answers (docs/workflows.md#is-this-an-ifr).
# A policy that funds the treatment for the patients its criteria describe: the trust applies through
# the policy's own route (Blueteq or the provider's process), not an IFR, unless the patient falls
# outside the criteria. A treatment NICE recommends "as an option" the NHS must make available within
# 3 months of publication (NICE, "Types of recommendation"; the National Institute for Health and
# Care Excellence (Constitution and Functions) and the Health and Social Care Information Centre
# (Functions) Regulations 2013, regulation 7), and one recommended for use within the Cancer Drugs
# Fund is funded through the CDF.
FUNDED = ("routinely_commissioned", "recommended", "optimised", "cdf")
NOT_FUNDED = ("not_routinely_commissioned", "not_recommended", "only_in_research")
POSITION_TITLES = {
    "routinely_commissioned": "Routinely commissioned",
    "not_routinely_commissioned": "Not routinely commissioned",
    "recommended": "Recommended by NICE",
    "optimised": "Recommended by NICE for a restricted group (optimised)",
    "not_recommended": "Not recommended by NICE",
    "only_in_research": "Recommended by NICE only in research",
    "cdf": "Recommended by NICE for use within the Cancer Drugs Fund",
}
KIND_TITLES = {
    "clinical_commissioning_policy": "Clinical commissioning policy",
    "policy_statement": "Clinical commissioning policy statement",
    "nice_technology_appraisal": "NICE technology appraisal",
}


@dataclass(frozen=True)
class MatchedPolicy:
    """A matching policy as the pages and the API show it."""

    reference: str
    title: str
    kind: str
    kind_title: str
    position: str
    position_title: str
    funded: bool
    criteria: str
    published_on: date
    review_on: date | None
    source_url: str | None
    is_demo: bool


def intervention_keys(name: str | None, codes: tuple[str | None, ...] = ()) -> list[str]:
    """Every key a request for this treatment may be filed under: its name's, and each code's."""
    keys = [intervention_key("", code) for code in codes if code and code.strip()]
    if name and intervention_key(name, None):
        keys.append(intervention_key(name, None))
    return list(dict.fromkeys(keys))


def policies_matching(keys: list[str], icd10_code: str, on: date) -> list[MatchedPolicy]:
    """The policies in force on `on` covering any of the intervention keys and the diagnosis: those
    that fund the treatment first, then newest first."""
    code = _compact(icd10_code)
    found = [policy for policy in queries.find_policies_for_interventions(keys, on)
             if any(_within(code, first, last) for first, last in ranges_of(policy))]
    found.sort(key=lambda policy: policy.position not in FUNDED)  # stable: newest first within each
    return [present(policy) for policy in found]


def matching_policies(case: Case) -> list[MatchedPolicy]:
    """The policies a case's request falls under, on the day it was submitted (a draft: today).
    For the case page, the screening group's pack and anything else that checks a case against the
    library."""
    answers = case.answers or {}
    code = read_answer(answers, DIAGNOSIS_ICD10_CODE)
    keys = intervention_keys(read_answer(answers, INTERVENTION_NAME),
                             (read_answer(answers, INTERVENTION_DMD_CODE),
                              read_answer(answers, INTERVENTION_OPCS4_CODE)))
    if case.intervention_key and case.intervention_key not in keys:
        keys.append(case.intervention_key)  # a CDF-made IFR names its drug elsewhere; its key is kept
    if not code or not keys:
        return []
    on = case.submitted_utc.date() if case.submitted_utc else runtime().today()
    return policies_matching(keys, code, on)


def ranges_of(policy: Policy) -> list[list[str]]:
    """The policy's ICD-10 ranges; one published before ranges were kept covers its category."""
    return policy.icd10_ranges or [[policy.icd10_category, policy.icd10_category]]


def present(policy: Policy) -> MatchedPolicy:
    return MatchedPolicy(
        reference=policy.reference, title=policy.title, kind=policy.kind,
        kind_title=KIND_TITLES.get(policy.kind, policy.kind), position=policy.position,
        position_title=POSITION_TITLES.get(policy.position, policy.position),
        funded=policy.position in FUNDED, criteria=policy.criteria, published_on=policy.published_on,
        review_on=policy.review_on, source_url=policy.source_url, is_demo=policy.is_demo)


def _compact(code: str) -> str:
    return code.strip().upper().replace(".", "")


def _within(code: str, first: str, last: str) -> bool:
    """Whether a diagnosis code falls in an inclusive range, compared at each end's own precision:
    C19.1 is within C18-C20 and within C19-C19; C34 (no subcode) is not within C34.1-C34.3."""
    first, last = _compact(first), _compact(last)
    return first <= code[:len(first)] and code[:len(last)] <= last
