"""National policies published outside the service's own policy development, loaded into the
policy library from reference/data/commissioning_policies.yaml (each citing where it was seen;
demo entries marked as such). Loading again changes nothing; a changed entry is updated by its
reference."""

from __future__ import annotations

from pathlib import Path

from ifr_service.interventions import intervention_key
from ifr_service.policy import queries
from ifr_service.policy.models import Policy
from ifr_service.reference.data_files import DATA_DIR, ReferenceDataError, read_data_file

FILE = "commissioning_policies.yaml"
POSITIONS = ("routinely_commissioned", "not_routinely_commissioned")


def load_policy_library(data_dir: Path = DATA_DIR) -> int:
    """Add or update each policy of the file; returns how many were new."""
    added = 0
    for entry in read_data_file(FILE, data_dir)["policies"]:
        _check(entry, data_dir)
        values = {"title": entry["title"], "intervention_key": intervention_key(entry["intervention"], None),
                  "icd10_category": entry["icd10_category"], "position": entry["position"],
                  "criteria": entry["criteria"], "crg_code": entry.get("crg"),
                  "published_on": entry["published_on"], "source": entry["source"],
                  "is_demo": bool(entry["demo"])}
        policy = queries.find_policy(entry["reference"])
        if policy is None:
            queries.create_policy(Policy(reference=entry["reference"], **values))
            added += 1
        else:
            for name, value in values.items():
                setattr(policy, name, value)
    return added


def _check(entry: dict, data_dir: Path) -> None:
    where = f"{data_dir / FILE}: {entry.get('reference')!r}"
    if entry.get("position") not in POSITIONS:
        raise ReferenceDataError(f"{where}: position must be one of {', '.join(POSITIONS)}")
    if not entry.get("source") or "demo" not in entry:
        raise ReferenceDataError(f"{where}: every policy cites its source and says whether it is demo data")
    if entry["demo"] and not entry["reference"].startswith("DEMO-"):
        raise ReferenceDataError(f"{where}: a demo entry's reference starts DEMO-")
