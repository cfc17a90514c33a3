"""Reading a reference data file (data/*.yaml), checked against the total it states: for the loader
and for the readers that need no database (icd10_crgs.py, policy/library.py), which the loader calls."""

from __future__ import annotations

from pathlib import Path

import yaml

DATA_DIR = Path(__file__).parent / "data"


class ReferenceDataError(ValueError):
    """A reference data file contradicts itself."""


def read_data_file(name: str, data_dir: Path = DATA_DIR) -> dict:
    with (data_dir / name).open(encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    _check_counts(data_dir / name, document)
    return document


def _check_counts(path: Path, document: dict) -> None:
    """A file that states its total (as the seeds do: '210 CCGs') must hold that many rows."""
    total = (document.get("counts") or {}).get("total")
    rows = next((value for key, value in document.items()
                 if isinstance(value, list) and key not in ("source",)), [])
    if total is not None and total != len(rows):
        raise ReferenceDataError(f"{path}: says {total} rows but holds {len(rows)}")
