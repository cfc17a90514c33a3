"""Where a closed case's request went on to, elsewhere in the service: a case closed at screening as a
cohort goes on as an item of policy development, whose stage its clinician and hub see from the case
page. A feature registers what it knows (policy/progress.py, imported from ifr_service/features.py);
the case engine knows none of them, and with none registered the case page shows nothing more."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ifr_service.cases.models import Case


@dataclass(frozen=True)
class OnwardWork:
    """What the clinician and the hub may read of the onward work: its name, its stage, what the stage
    means and since when. Never its internal notes."""

    heading: str
    reference: str
    stage: str
    meaning: str
    since: date
    final: bool


_ONWARD: list[Callable[[Case], OnwardWork | None]] = []


def onward_work(rule: Callable[[Case], OnwardWork | None]) -> Callable[[Case], OnwardWork | None]:
    """Register a rule that finds the onward work of a case, or None."""
    if rule not in _ONWARD:
        _ONWARD.append(rule)
    return rule


def find_onward_work(case: Case) -> list[OnwardWork]:
    """The case's onward work, for whoever may see the case (the caller checks that)."""
    return [found for found in (rule(case) for rule in _ONWARD) if found is not None]
