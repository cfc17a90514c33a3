"""The ICD-10 to CRG mapping is data, checked when read: the suggestion for a cohort is the CRG of
the narrowest range holding its category, explained, and a file that contradicts itself or the
CRG list is refused, naming the file and the rule."""

from __future__ import annotations

import pytest
import yaml

from ifr_service.reference.data_files import DATA_DIR, ReferenceDataError, read_data_file
from ifr_service.reference.icd10_crgs import FILE, read_icd10_crg_map, suggest_crg
from ifr_service.reference.loader import load_reference_data


def test_a_breast_cancer_cohort_gets_a_cancer_crg_and_says_why():
    suggestion = suggest_crg("C50")
    assert (suggestion.crg_code, suggestion.crg_name) == ("CTY", "Chemotherapy")
    assert [r.label for r in suggestion.ranges] == ["C50", "C00\u2013C97", "C00\u2013D48"]  # narrowest first
    assert suggestion.explanation().startswith(
        "C50 falls in C50, malignant neoplasm of breast (within C00\u2013C97, malignant neoplasms; "
        "C00\u2013D48, neoplasms (ICD-10 chapter II)) → CTY — Chemotherapy.")
    assert suggestion.is_judgement  # no published rule says so: the file says it is a judgement


@pytest.mark.parametrize(("category", "crg"), [
    ("C34", "TSY"), ("C45", "SCR"), ("D10", "SCR"), ("C71", "CNS"), ("E84", "CFS"), ("E75", "IMD"),
    ("D57", "HAS"), ("I27", "PHN"), ("c50", "CTY"), (" C50 ", "CTY")])
def test_the_narrowest_range_holding_the_category_gives_the_crg(category, crg):
    assert suggest_crg(category).crg_code == crg


@pytest.mark.parametrize("category", ["Z99", "K50", "", None, "5O0"])
def test_a_category_no_range_holds_gets_no_suggestion(category):
    assert suggest_crg(category) is None


def test_every_cancer_crg_the_file_names_is_in_the_cancer_and_blood_programme_or_site_specific():
    crgs = {entry["code"]: entry for entry in read_data_file("clinical_reference_groups.yaml")
            ["clinical_reference_groups"] if entry.get("code")}
    mapping = read_icd10_crg_map()
    for rule in mapping.ranges:
        assert rule.crg_code in crgs and mapping.crg_names[rule.crg_code] == crgs[rule.crg_code]["name"]
    cancers = {r.crg_code for r in mapping.ranges if r.start.startswith("C")}
    assert {"SCR", "CTY", "TSY", "SCA", "CNS"} <= cancers and "CFS" not in cancers


def write_mapping(tmp_path, rules: list[dict]):
    for path in DATA_DIR.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text())
    document = read_data_file(FILE)
    document["rules"] = rules
    (tmp_path / FILE).write_text(yaml.safe_dump(document, allow_unicode=True))
    return tmp_path


def rule(start: str, end: str, crg: str = "SCR", **more) -> dict:
    return {"from": start, "to": end, "description": "something", "crg": crg, "basis": "judgement",
            "reason": "Because.", **more}


@pytest.mark.parametrize(("rules", "problem"), [
    ([rule("C00", "C97", crg="ZZZ")], "'ZZZ' is not a CRG code in clinical_reference_groups.yaml"),
    ([rule("F00", "F99", crg="MSD")], "'MSD' is printed for 2 CRGs, so it names none"),
    ([rule("C5", "C50")], "'C5' is not an ICD-10 category"),
    ([rule("c00", "C50")], "'c00' is not an ICD-10 category"),
    ([rule("C50", "C00")], "C50\u2013C00 runs backwards"),
    ([rule("C00", "C50"), rule("C40", "C60")],
     "C00\u2013C50 and C40\u2013C60 overlap without one holding the other"),
    ([rule("C50", "C50"), rule("C50", "C50", crg="CTY")], "C50 is given twice"),
    ([rule("C50", "C50", basis="hunch")], "basis 'hunch' is not one of named, judgement"),
    ([{"from": "C50", "to": "C50", "crg": "CTY"}], "has no description, basis, reason"),
    ([], "it holds no rules"),
])
def test_a_mapping_that_breaks_a_rule_is_refused_naming_the_file_and_the_rule(tmp_path, rules, problem):
    folder = write_mapping(tmp_path, rules)
    with pytest.raises(ReferenceDataError) as refused:
        read_icd10_crg_map(folder)
    assert str(folder / FILE) in str(refused.value) and problem in str(refused.value)


def test_loading_the_reference_data_refuses_a_bad_mapping(tmp_path, in_db):
    folder = write_mapping(tmp_path, [rule("C00", "C97", crg="ZZZ")])
    with pytest.raises(ReferenceDataError, match="'ZZZ' is not a CRG code"):
        in_db(load_reference_data, folder)
