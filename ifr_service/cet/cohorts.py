"""Cohort detection: repeated IFRs for one intervention in one ICD-10 category, from several hubs,
are a question for national policy rather than for individual funding.

The rule (configurable, docs/cet.md): IFR cases of every outcome but withdrawn, grouped by
intervention key and ICD-10 3-character category; a group is a candidate as of a day D when at
least `min_cases` of its cases were received in the `window_days` up to and including D (from D
minus 364 days by default), from at least `min_hubs` different hubs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import groupby

from sqlalchemy import func
from sqlmodel import select

from ifr_service import db
from ifr_service.cet.models import NationalCase
from ifr_service.config import CohortRule  # the rule's type lives low, with its settings
from ifr_service.reference.icd10_crgs import suggest_crg
from ifr_service.reference.models import Hub
from ifr_service.runtime import runtime

APPROVED = ("approved", "approved_with_conditions")
DECIDED = (*APPROVED, "declined")
# What describing a group reads of each case: plain rows, not whole records (a large cohort has
# thousands of cases, and building an object for each was most of the detection's time).
DESCRIBED = (NationalCase.intervention_key, NationalCase.icd10_category, NationalCase.case_ref,
             NationalCase.received_on, NationalCase.outcome, NationalCase.intervention_name,
             NationalCase.estimated_cost_pence, NationalCase.urgency, NationalCase.crg_code)


@dataclass
class CohortCandidate:
    intervention_key: str
    icd10_category: str
    intervention_name: str
    count: int
    hub_count: int
    hubs: list[str]
    case_refs: list[str]
    first_received: date
    last_received: date
    total_estimated_cost_gbp: Decimal
    decided: int
    approved: int
    approval_rate: float | None
    hub_approval_spread: float | None  # highest less lowest approval rate of the hubs that decided
    urgent_share: float
    suggested_crg_code: str | None  # from the ICD-10 category: reference/data/icd10_crgs.yaml

    def as_dict(self) -> dict:
        return asdict(self)


def find_candidates(as_of: date, rule: CohortRule | None = None) -> list[CohortCandidate]:
    """Every cohort candidate as of the day, largest first: the groups that meet the rule, and all
    their cases in the window read in one query (not one query a candidate), described in Python."""
    rule = rule or runtime().config.cohort_rule
    window = _window(as_of, rule)
    groups = (select(NationalCase.intervention_key, NationalCase.icd10_category).where(*window)
              .group_by(NationalCase.intervention_key, NationalCase.icd10_category)
              .having(func.count() >= rule.min_cases,
                      func.count(func.distinct(NationalCase.hub_id)) >= rule.min_hubs).subquery())
    rows = db.session().exec(
        select(*DESCRIBED, Hub.code).join(Hub, Hub.id == NationalCase.hub_id)
        .join(groups, (groups.c.intervention_key == NationalCase.intervention_key)
              & (groups.c.icd10_category == NationalCase.icd10_category))
        .where(*window)
        .order_by(NationalCase.intervention_key, NationalCase.icd10_category, NationalCase.received_on,
                  NationalCase.case_ref)).all()
    candidates = [_summarise(key, category, [(row, row.code) for row in group]) for (key, category), group
                  in groupby(rows, key=lambda row: (row.intervention_key, row.icd10_category))]
    return sorted(candidates, key=lambda c: (-c.count, c.intervention_key, c.icd10_category))


def describe_group(intervention_key: str, icd10_category: str, as_of: date) -> CohortCandidate:
    """One group's cases in the rule's window, whether or not they make a candidate (a cohort a
    hub referred at screening is considered however many requests it has)."""
    return _describe(intervention_key, icd10_category, _window(as_of, runtime().config.cohort_rule))


def _window(as_of: date, rule: CohortRule) -> tuple:
    return (NationalCase.route == "ifr", NationalCase.outcome != "withdrawn",
            NationalCase.received_on >= as_of - timedelta(days=rule.window_days),
            NationalCase.received_on <= as_of)


def _describe(key: str, category: str, window: tuple) -> CohortCandidate:
    rows = db.session().exec(
        select(*DESCRIBED, Hub.code).join(Hub, Hub.id == NationalCase.hub_id)
        .where(*window, NationalCase.intervention_key == key, NationalCase.icd10_category == category)
        .order_by(NationalCase.received_on, NationalCase.case_ref)).all()
    return _summarise(key, category, [(row, row.code) for row in rows])


def _summarise(key: str, category: str, rows: list[tuple]) -> CohortCandidate:
    """A group's cases (with their hubs' codes), in order of receipt, described."""
    cases = [case for case, _ in rows]
    decided = [case for case in cases if case.outcome in DECIDED]
    approved = sum(case.outcome in APPROVED for case in decided)
    hubs = sorted({hub for _, hub in rows})
    rates = _hub_approval_rates([(case, hub) for case, hub in rows if case.outcome in DECIDED])
    suggestion = suggest_crg(category)
    return CohortCandidate(
        intervention_key=key, icd10_category=category,
        intervention_name=Counter(case.intervention_name for case in cases).most_common(1)[0][0],
        count=len(cases), hub_count=len(hubs), hubs=hubs, case_refs=[case.case_ref for case in cases],
        first_received=cases[0].received_on, last_received=cases[-1].received_on,
        total_estimated_cost_gbp=Decimal(sum(case.estimated_cost_pence for case in cases)) / 100,
        decided=len(decided), approved=approved,
        approval_rate=round(approved / len(decided), 3) if decided else None,
        hub_approval_spread=round(max(rates) - min(rates), 3) if rates else None,
        urgent_share=round(sum(case.urgency != "routine" for case in cases) / len(cases), 3),
        suggested_crg_code=suggestion.crg_code if suggestion else None)


def _hub_approval_rates(decided: list[tuple[NationalCase, str]]) -> list[float]:
    by_hub: dict[str, list[bool]] = {}
    for case, hub in decided:
        by_hub.setdefault(hub, []).append(case.outcome in APPROVED)
    return [sum(outcomes) / len(outcomes) for outcomes in by_hub.values()]
