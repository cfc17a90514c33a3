"""Is a meeting quorate for a case? A pure rule over the members present and not conflicted."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QuorumResult:
    quorate: bool
    present: int
    missing: tuple[str, ...]  # plain words for what the meeting lacks


def check_quorum(rule: dict, roles_present: list[str]) -> QuorumResult:
    """`roles_present` holds the panel role of each member present who declared no conflict."""
    missing = [" or ".join(role.replace("_", " ") for role in any_of)
               for any_of in rule.get("requires", []) if not set(any_of) & set(roles_present)]
    minimum = rule.get("minimum_members", 0)
    if len(roles_present) < minimum:
        missing.append(f"at least {minimum} members (has {len(roles_present)})")
    return QuorumResult(quorate=not missing, present=len(roles_present), missing=tuple(missing))
