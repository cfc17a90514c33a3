"""The mapping of ICD-10 categories to Clinical Reference Groups (data/icd10_crgs.yaml): which CRG
the policy-development queue suggests for a cohort, and why.

The file is checked when read: a bad file stops `ifr-service reference load` and the app's start
with a message naming the file and the rule it breaks. Reading needs no database: the CRG codes are
checked against clinical_reference_groups.yaml beside it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ifr_service.reference.data_files import DATA_DIR, ReferenceDataError, read_data_file

FILE = "icd10_crgs.yaml"
CATEGORY = re.compile(r"^[A-Z][0-9]{2}$")
BASES = ("named", "judgement")
DASH = "\u2013"  # an en dash, as a range is printed: C00\u2013C97


@dataclass(frozen=True)
class Icd10Range:
    start: str
    end: str
    description: str
    crg_code: str
    basis: str  # "named": the CRG's title names the condition; "judgement": the service's choice
    reason: str

    @property
    def label(self) -> str:
        return self.start if self.start == self.end else f"{self.start}{DASH}{self.end}"

    def holds(self, category: str) -> bool:
        return self.start <= category <= self.end

    def width(self) -> int:
        return (ord(self.end[0]) - ord(self.start[0])) * 100 + int(self.end[1:]) - int(self.start[1:])


@dataclass(frozen=True)
class CrgSuggestion:
    """The CRG suggested for an ICD-10 category, with the ranges that hold it, narrowest first."""

    category: str
    crg_code: str
    crg_name: str
    ranges: tuple[Icd10Range, ...]

    @property
    def chosen(self) -> Icd10Range:
        return self.ranges[0]

    @property
    def is_judgement(self) -> bool:
        return self.chosen.basis == "judgement"

    def explanation(self) -> str:
        """'C50 falls in C50, malignant neoplasm of breast (within C00-C97, malignant neoplasms; ...)
        → CTY — Chemotherapy.' and the reason."""
        wider = "; ".join(f"{r.label}, {r.description}" for r in self.ranges[1:])
        within = f" (within {wider})" if wider else ""
        return (f"{self.category} falls in {self.chosen.label}, {self.chosen.description}{within} "
                f"→ {self.crg_code} — {self.crg_name}. {self.chosen.reason}")


@dataclass(frozen=True)
class Icd10CrgMap:
    ranges: tuple[Icd10Range, ...]
    crg_names: dict[str, str]

    def suggest(self, category: str | None) -> CrgSuggestion | None:
        """The CRG for the narrowest range holding the category; None when no range holds it."""
        category = (category or "").strip().upper()[:3]
        holding = sorted((r for r in self.ranges if CATEGORY.match(category) and r.holds(category)),
                         key=Icd10Range.width)
        if not holding:
            return None
        code = holding[0].crg_code
        return CrgSuggestion(category, code, self.crg_names[code], tuple(holding))


def read_icd10_crg_map(data_dir: Path = DATA_DIR) -> Icd10CrgMap:
    """Read and check the file; ReferenceDataError naming the file and every problem found."""
    document = read_data_file(FILE, data_dir)
    crgs = read_data_file("clinical_reference_groups.yaml", data_dir)["clinical_reference_groups"]
    printed = Counter(entry.get("code") for entry in crgs if entry.get("code"))
    names = {entry["code"]: entry["name"] for entry in crgs if printed.get(entry.get("code")) == 1}
    ranges, problems = [], []
    for number, raw in enumerate(document.get("rules") or [], start=1):
        found = _rule_problems(raw, printed)
        problems += [f"rule {number}: {problem}" for problem in found]
        if not found:
            ranges.append(Icd10Range(raw["from"], raw["to"], raw["description"], raw["crg"],
                                     raw["basis"], raw["reason"]))
    problems += _overlaps(ranges)
    if not ranges and not problems:
        problems.append("it holds no rules")
    if problems:
        raise ReferenceDataError(f"{data_dir / FILE}: " + "; ".join(problems))
    return Icd10CrgMap(tuple(ranges), names)


@cache
def icd10_crg_map() -> Icd10CrgMap:
    """The service's own file, read once."""
    return read_icd10_crg_map()


def suggest_crg(category: str | None) -> CrgSuggestion | None:
    return icd10_crg_map().suggest(category)


def _rule_problems(raw: dict, printed: Counter) -> list[str]:
    missing = [key for key in ("from", "to", "description", "crg", "basis", "reason") if not raw.get(key)]
    if missing:
        return [f"has no {', '.join(missing)}"]
    problems = [f"{raw[key]!r} is not an ICD-10 category (a capital letter and two digits, like C50)"
                for key in ("from", "to") if not CATEGORY.match(str(raw[key]))]
    if not problems and raw["from"] > raw["to"]:
        problems.append(f"{raw['from']}{DASH}{raw['to']} runs backwards")
    if raw["basis"] not in BASES:
        problems.append(f"basis {raw['basis']!r} is not one of {', '.join(BASES)}")
    if raw["crg"] not in printed:
        problems.append(f"{raw['crg']!r} is not a CRG code in clinical_reference_groups.yaml")
    elif printed[raw["crg"]] > 1:
        problems.append(f"{raw['crg']!r} is printed for {printed[raw['crg']]} CRGs, so it names none")
    return problems


def _overlaps(ranges: list[Icd10Range]) -> list[str]:
    """Two ranges must nest or not touch: otherwise the narrowest holding a category is not clear."""
    problems = []
    for index, first in enumerate(ranges):
        for second in ranges[index + 1:]:
            if (first.start, first.end) == (second.start, second.end):
                problems.append(f"{first.label} is given twice")
            elif _cross(first, second) or _cross(second, first):
                problems.append(f"{first.label} and {second.label} overlap without one holding the other")
    return problems


def _cross(first: Icd10Range, second: Icd10Range) -> bool:
    return first.start < second.start <= first.end < second.end
