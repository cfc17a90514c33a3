"""National policies published outside the service's own policy development, loaded into the
policy library from reference/data/commissioning_policies.yaml (each citing where it was seen;
demo entries marked as such) by the same importer as `ifr-service policies import`: loading again
changes nothing; a changed entry is updated by its reference."""

from __future__ import annotations

from pathlib import Path

from ifr_service.policy.importer import ImportRefused, import_policies
from ifr_service.reference.data_files import DATA_DIR, ReferenceDataError

FILE = "commissioning_policies.yaml"


def load_policy_library(data_dir: Path = DATA_DIR) -> int:
    """Add or update each policy of the file; returns how many were new."""
    try:
        return len(import_policies((data_dir / FILE).read_bytes()).added)
    except ImportRefused as refused:
        raise ReferenceDataError(f"{data_dir / FILE}: {'; '.join(refused.problems)}") from None
