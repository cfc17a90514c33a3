"""Reference data comes from the seed documents, dated, and loads idempotently."""

from __future__ import annotations

from datetime import date

import pytest
import yaml
from sqlmodel import func, select

from ifr_service import db
from ifr_service.reference.data_files import DATA_DIR, read_data_file
from ifr_service.reference.loader import load_reference_data
from ifr_service.reference.models import (
    ClinicalReferenceGroup,
    Commissioner,
    CommissionerHub,
    Hub,
    ProgrammeOfCare,
    Region,
)
from ifr_service.reference.queries import find_commissioner, find_hub_for_commissioner, find_provider_names


def count(model) -> int:
    return db.session().exec(select(func.count()).select_from(model)).one()


def test_the_seeds_give_4_regions_10_hubs_210_ccgs_11_programmes_and_74_crgs(in_db):
    counts = in_db(lambda: {model.__name__: count(model) for model in
                            (Region, Hub, Commissioner, CommissionerHub, ProgrammeOfCare,
                             ClinicalReferenceGroup)})
    assert counts == {"Region": 4, "Hub": 10, "Commissioner": 210, "CommissionerHub": 210,
                      "ProgrammeOfCare": 11, "ClinicalReferenceGroup": 74}


def test_providers_are_named_by_their_ods_codes_and_an_unknown_code_is_left_out(in_db):
    names = in_db(find_provider_names, ["RRV", "RJ1", "XYZ", None])
    assert names == {"RRV": "University College London Hospitals NHS Foundation Trust",
                     "RJ1": "Guy's and St Thomas' NHS Foundation Trust"}
    assert in_db(find_provider_names, []) == {}


def test_loading_again_adds_nothing(in_db):
    assert in_db(load_reference_data).counts == {}


@pytest.mark.parametrize(("ccg", "hub"), [
    ("ccg-northumberland", "north-east-and-cumbria"),
    ("ccg-liverpool", "north-west"),
    ("ccg-nene", "east-midlands"),
    ("ccg-dorset", "wessex"),
    ("ccg-kernow", "south-west"),
    ("ccg-camden", "london"),
])
def test_each_ccg_is_served_by_its_hub_from_appendix_2(in_db, ccg, hub):
    def hub_of() -> str:
        return find_hub_for_commissioner(find_commissioner(ccg), date.today()).code

    assert in_db(hub_of) == hub


def test_a_commissioner_has_no_hub_before_its_structure_began(in_db):
    assert in_db(lambda: find_hub_for_commissioner(find_commissioner("ccg-camden"),
                                                   date(2014, 1, 1))) is None


def test_every_row_cites_the_seed_it_came_from(in_db):
    def sources() -> set[str]:
        rows = [*db.session().exec(select(Hub)), *db.session().exec(select(Commissioner)),
                *db.session().exec(select(ClinicalReferenceGroup))]
        return {row.source.split()[0] for row in rows}

    assert in_db(sources) <= {"003_16722c342e0be851.txt", "004_7c6f17057a5b61aa.txt"}


def test_both_dated_sets_of_programmes_of_care_are_kept():
    programmes = read_data_file("programmes_of_care.yaml")["programmes_of_care"]
    in_2014 = [p for p in programmes if str(p["valid_from"]) <= "2014-06-01" <= str(p["valid_to"])]
    current = [p for p in programmes if p["valid_to"] is None]
    assert len(in_2014) == 5
    assert len(current) == 6


def test_every_data_file_says_which_seed_or_published_page_and_section_it_came_from():
    """A seed document, or a published page the seeds do not hold (ODS's trusts), named by its address."""
    for path in DATA_DIR.glob("*.yaml"):
        source = read_data_file(path.name)["source"]
        for item in source if isinstance(source, list) else [source]:
            assert item["section"], path.name
            cited = item.get("seed", "").endswith(".txt") or item.get("url", "").startswith("https://")
            assert cited, path.name


def test_a_file_whose_rows_disagree_with_its_stated_total_is_refused(tmp_path):
    from ifr_service.reference.data_files import ReferenceDataError

    document = read_data_file("commissioners.yaml")
    document["commissioners"].pop()
    (tmp_path / "commissioners.yaml").write_text(yaml.safe_dump(document))
    with pytest.raises(ReferenceDataError, match="says 210 rows but holds 209"):
        read_data_file("commissioners.yaml", tmp_path)


def test_the_command_refuses_a_contradictory_file_plainly(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    for path in DATA_DIR.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text())
    document = read_data_file("commissioners.yaml")
    document["counts"]["total"] = 999
    (tmp_path / "commissioners.yaml").write_text(yaml.safe_dump(document))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    command = Path(sys.executable).parent / "ifr-service"
    subprocess.run([command, "db", "upgrade"], env=env, check=True, capture_output=True)
    result = subprocess.run([command, "reference", "load", "--data-dir", tmp_path], env=env,
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "nothing loaded" in result.stderr and "Traceback" not in result.stderr


def test_a_new_commissioner_structure_is_loaded_as_data(app, tmp_path, in_db):
    """ICBs replace CCGs: the old rows get an end date, the new ones start the next day."""
    for path in DATA_DIR.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text())
    document = read_data_file("commissioners.yaml")
    for entry in document["commissioners"]:
        entry["valid_to"] = date(2022, 6, 30)
    document["commissioners"].append({"code": "icb-north-central-london", "kind": "icb",
                                      "name": "NHS North Central London ICB", "hub": "london",
                                      "valid_from": date(2022, 7, 1)})
    document["counts"]["total"] += 1
    (tmp_path / "commissioners.yaml").write_text(yaml.safe_dump(document))
    try:
        report = in_db(load_reference_data, tmp_path)
        assert report.counts == {"Commissioner": 1, "CommissionerHub": 1}

        def routing():
            icb = find_hub_for_commissioner(find_commissioner("icb-north-central-london"),
                                            date(2023, 1, 1))
            old = find_hub_for_commissioner(find_commissioner("ccg-camden"), date(2023, 1, 1))
            then = find_hub_for_commissioner(find_commissioner("ccg-camden"), date(2020, 1, 1))
            return icb.code, old, then.code

        assert in_db(routing) == ("london", None, "london")
    finally:
        in_db(load_reference_data)  # back to the seeds' structure
        in_db(_remove_icb)


def _remove_icb():
    from sqlmodel import delete

    icb = find_commissioner("icb-north-central-london")
    db.session().exec(delete(CommissionerHub).where(CommissionerHub.commissioner_id == icb.id))
    db.session().exec(delete(Commissioner).where(Commissioner.id == icb.id))
