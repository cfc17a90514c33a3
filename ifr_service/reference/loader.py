"""Load the reference data files into the database, idempotently.

Each file says which seed document and section it came from; that citation is
stored on every row. Loading twice changes nothing; loading a new file (a new
commissioner structure, say) adds or updates rows by code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import select

from ifr_service import db
from ifr_service.reference.data_files import DATA_DIR, read_data_file
from ifr_service.reference.icd10_crgs import read_icd10_crg_map
from ifr_service.reference.models import (
    ClinicalReferenceGroup,
    Commissioner,
    CommissionerHub,
    Hub,
    ProgrammeOfCare,
    Provider,
    Region,
)
from ifr_service.reference.queries import forget_cached


@dataclass
class LoadReport:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1


def cite(source: dict | list) -> str:
    sources = source if isinstance(source, list) else [source]
    return "; ".join(f"{item.get('seed') or item['document']} {item['section']}" for item in sources)[:300]


def load_reference_data(data_dir: Path = DATA_DIR) -> LoadReport:
    forget_cached()  # and again once the load commits, whatever was read meanwhile
    db.current_unit().after_commit(forget_cached)
    report = LoadReport()
    regions = _load_regions(read_data_file("regions.yaml", data_dir), report)
    hubs = _load_hubs(read_data_file("hubs.yaml", data_dir), regions, report)
    _load_commissioners(read_data_file("commissioners.yaml", data_dir), hubs, report)
    programmes = _load_programmes(read_data_file("programmes_of_care.yaml", data_dir), report)
    _load_crgs(read_data_file("clinical_reference_groups.yaml", data_dir), programmes, report)
    _load_providers(read_data_file("providers.yaml", data_dir), report)
    db.session().flush()
    read_icd10_crg_map(data_dir)  # not stored: read from its file; a bad one stops the load
    return report


def _upsert(model, lookup: dict, values: dict, report: LoadReport):
    session = db.session()
    row = session.exec(select(model).filter_by(**lookup)).first()
    if row is None:
        row = model(**lookup, **values)
        session.add(row)
        report.add(model.__name__)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    session.flush()
    return row


def _dates(document: dict, entry: dict) -> dict:
    return {
        "valid_from": entry.get("valid_from", document.get("valid_from")),
        "valid_to": entry.get("valid_to", document.get("valid_to")),
    }


def _load_regions(document: dict, report: LoadReport) -> dict[str, Region]:
    source = cite(document["source"])
    return {
        entry["code"]: _upsert(
            Region, {"code": entry["code"]},
            {"name": entry["name"], "source": source, **_dates(document, entry)}, report,
        )
        for entry in document["regions"]
    }


def _load_hubs(document: dict, regions: dict[str, Region], report: LoadReport) -> dict[str, Hub]:
    source = cite(document["source"])
    return {
        entry["code"]: _upsert(
            Hub, {"code": entry["code"]},
            {"name": entry["name"], "region_id": regions[entry["region"]].id, "source": source,
             **_ifr_contact(entry), **_dates(document, entry)}, report,
        )
        for entry in document["hubs"]
    }


def _ifr_contact(entry: dict) -> dict:
    """The hub IFR team's email, telephone and postal address that letters print (configuration:
    see contact_source in hubs.yaml)."""
    contact = entry.get("ifr_contact") or {}
    return {f"ifr_{key}": contact.get(key) for key in ("email", "telephone", "address")}


def _load_commissioners(document: dict, hubs: dict[str, Hub], report: LoadReport) -> None:
    source = cite(document["source"])
    for entry in document["commissioners"]:
        dates = _dates(document, entry)
        commissioner = _upsert(
            Commissioner, {"code": entry["code"]},
            {"name": entry["name"], "kind": entry["kind"], "source": source, **dates}, report,
        )
        _upsert(
            CommissionerHub,
            {"commissioner_id": commissioner.id, "hub_id": hubs[entry["hub"]].id,
             "valid_from": dates["valid_from"]},
            {"valid_to": dates["valid_to"], "source": source}, report,
        )


def _load_programmes(document: dict, report: LoadReport) -> dict[str, ProgrammeOfCare]:
    return {
        entry["code"]: _upsert(
            ProgrammeOfCare, {"code": entry["code"]},
            {"name": entry["name"], "description": entry.get("description"),
             "source": f"{entry['source_seed']} {entry['source_section']}"[:300],
             **_dates(document, entry)}, report,
        )
        for entry in document["programmes_of_care"]
    }


def _load_crgs(document: dict, programmes: dict[str, ProgrammeOfCare], report: LoadReport) -> None:
    for entry in document["clinical_reference_groups"]:
        programme = programmes[entry["programme"]]
        source = f"{document['source']['seed']} {entry.get('source_section', '')}".strip()
        _upsert(
            ClinicalReferenceGroup, {"programme_id": programme.id, "name": entry["name"]},
            {"code": entry.get("code"), "new_for_2013": bool(entry.get("new_for_2013")),
             "note": (entry.get("note") or None) and entry["note"][:300], "source": source,
             **_dates(document, entry)}, report,
        )


def _load_providers(document: dict, report: LoadReport) -> None:
    source = cite(document["source"])
    for entry in document["providers"]:
        _upsert(Provider, {"code": entry["code"]},
                {"name": entry["name"], "source": source, **_dates(document, entry)}, report)
