"""The national Cancer Drugs Fund list: entries and their criteria forms, read from forms/cdf/list/.

Each file is one version of one entry: a drug in one indication, its NICE appraisal,
funding route, validity dates, expected cost and the criteria the clinician confirms.
An application is checked against a criteria form built from the CDF application form
(patient, clinician, diagnosis, planned start) and the entry's own treatment fields and
criteria. A case keeps the entry version it was decided on; a new version applies to
new applications from its `valid_from` date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from pathlib import Path

import yaml
from stdnum import verhoeff

from ifr_service.definitions import read_definition
from ifr_service.forms.definition import (
    META_SCHEMA as FORM_META_SCHEMA,
)
from ifr_service.forms.definition import (
    FieldDefinition,
    FormDefinition,
    FormRegistry,
    SectionDefinition,
    check_form,
    parse_field,
)

META_SCHEMA = yaml.safe_load((Path(__file__).parent / "entry_schema.yaml").read_text())
META_SCHEMA["$defs"] = {**FORM_META_SCHEMA["$defs"], **META_SCHEMA["$defs"]}
APPLICATION_FORM = "cdf-application"
UNLISTED_DRUG_FORM = "cdf-unlisted-drug"
FUNDED_BY_THE_CDF = ("managed_access", "interim_funding")
RETIRED_BREAK_WEEKS = ("treatment_break_weeks is retired: NHS England's policy on breaks in treatment "
                       "sets the break allowed for every drug (6 weeks beyond the end of the last cycle, "
                       "12 for immunotherapy: reference/data/treatment_breaks.yaml); mark the class "
                       "with immunotherapy and the cycle with cycle_days instead")


class CdfListError(ValueError):
    """A file of the national CDF list is not a valid entry."""


@dataclass(frozen=True)
class Criterion:
    key: str
    text: str
    mandatory: bool = True


@dataclass(frozen=True)
class Cost:
    """The expected cost of one patient's treatment, in pence: a unit (cycle or month) times units."""

    unit: str
    unit_pence: int
    units: int

    @property
    def per_patient_pence(self) -> int:
        return self.unit_pence * self.units


@dataclass(frozen=True)
class CdfEntry:
    key: str
    version: int
    title: str
    drug_name: str
    dmd_code: str
    indication: str
    icd10_categories: tuple[str, ...]
    nice_appraisal: str
    funding_route: str
    valid_from: date
    cost: Cost
    criteria: tuple[Criterion, ...]
    treatment_fields: tuple[FieldDefinition, ...] = ()
    valid_to: date | None = None
    data_collection_ends_on: date | None = None
    immunotherapy: bool = False  # the class the treatment-break policy reads (funding/breaks.py)
    cycle_days: int = 28  # the length of one cycle: the end of the last cycle is its date plus this
    start_within_weeks: int = 4

    def is_valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def is_funded_by_the_cdf(self) -> bool:
        return self.funding_route in FUNDED_BY_THE_CDF

    def criterion(self, key: str) -> Criterion:
        return next(criterion for criterion in self.criteria if criterion.key == key)


def parse_entry(raw: dict) -> CdfEntry:
    cost = raw["cost"]
    unit = "cycle" if "per_cycle_gbp" in cost else "month"
    immunotherapy = raw.get("immunotherapy", False)
    if "treatment_break_weeks" in raw:
        raise ValueError(RETIRED_BREAK_WEEKS)
    return CdfEntry(
        key=raw["key"], version=raw["version"], title=raw["title"], drug_name=raw["drug"]["name"],
        dmd_code=raw["drug"]["dmd_code"], indication=raw["indication"]["text"],
        icd10_categories=tuple(raw["indication"]["icd10_categories"]),
        nice_appraisal=raw["nice_appraisal"], funding_route=raw["funding_route"],
        valid_from=date.fromisoformat(raw["valid_from"]),
        valid_to=_optional_date(raw.get("valid_to")),
        data_collection_ends_on=_optional_date(raw.get("data_collection_ends_on")),
        cost=Cost(unit=unit, unit_pence=int(Decimal(cost[f"per_{unit}_gbp"]) * 100),
                  units=cost["cycles" if unit == "cycle" else "months"]),
        criteria=tuple(Criterion(key=c["key"], text=c["text"], mandatory=c.get("mandatory", True))
                       for c in raw["criteria"]),
        treatment_fields=tuple(parse_field(f) for f in raw.get("treatment", ())),
        immunotherapy=immunotherapy, cycle_days=raw["cycle_days"],
        start_within_weeks=raw.get("start_within_weeks", 4),
    )


def _optional_date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def build_criteria_form(application: FormDefinition, entry: CdfEntry) -> FormDefinition:
    """The whole form a clinician completes for one entry version."""
    sections = []
    for section in application.sections:
        if section.key == "treatment":  # the entry's own data follow the planned start date
            section = SectionDefinition(key=section.key, title=section.title, help=section.help,
                                        fields=section.fields + entry.treatment_fields)
        sections.append(section)
    criteria = tuple(FieldDefinition(key=c.key, label=c.text, type="boolean", required=True)
                     for c in entry.criteria)
    sections.append(SectionDefinition(key="criteria", title="Criteria", fields=criteria,
                                      help="Confirm each criterion (true) or say it is not met (false)."))
    return FormDefinition(key=f"{application.key}-v{application.version}-{entry.key}",
                          version=entry.version, route="cdf", title=entry.title,
                          sections=tuple(sections))


def check_entry(entry: CdfEntry, application: FormDefinition) -> list[str]:
    problems = []
    if entry.valid_to is not None and entry.valid_to < entry.valid_from:
        problems.append("valid_to is before valid_from")
    if not verhoeff.is_valid(entry.dmd_code):
        problems.append(f"drug.dmd_code {entry.dmd_code} is not a SNOMED CT identifier (check digit)")
    keys = [c.key for c in entry.criteria]
    problems += [f"duplicate criterion {key!r}" for key in sorted({k for k in keys if keys.count(k) > 1})]
    return problems + check_form(build_criteria_form(application, entry))


@dataclass
class CdfList:
    """Every version of every entry, and the CDF application forms they build on."""

    entries: dict[tuple[str, int], CdfEntry]
    forms: FormRegistry
    _criteria_forms: dict = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, list_dir: Path, forms: FormRegistry) -> CdfList:
        application = forms.latest(APPLICATION_FORM)
        entries: dict[tuple[str, int], CdfEntry] = {}
        for path in sorted(list_dir.glob("*.yaml")):
            raw = read_definition(path, META_SCHEMA, CdfListError)
            try:
                entry = parse_entry(raw)
            except ValueError as problem:  # a date that is not a day of the calendar; a retired key
                raise CdfListError(f"{path}: {problem}") from problem
            problems = check_entry(entry, application)
            if (entry.key, entry.version) in entries:
                problems.append(f"entry {entry.key} version {entry.version} is in another file too")
            if problems:
                raise CdfListError(f"{path}: " + "; ".join(problems))
            entries[(entry.key, entry.version)] = entry
        return cls(entries=entries, forms=forms)

    @cached_property
    def application_form(self) -> FormDefinition:
        return self.forms.latest(APPLICATION_FORM)

    def get(self, key: str, version: int) -> CdfEntry:
        return self.entries[(key, version)]

    def current(self, key: str, day: date) -> CdfEntry | None:
        """The entry's newest version valid on the day; None when it is not on the list then."""
        valid = [entry for (k, _), entry in self.entries.items() if k == key and entry.is_valid_on(day)]
        return max(valid, key=lambda entry: entry.version, default=None)

    def current_list(self, day: date) -> list[CdfEntry]:
        keys = sorted({key for key, _ in self.entries})
        return [entry for entry in (self.current(key, day) for key in keys) if entry is not None]

    def criteria_form(self, entry: CdfEntry, application_version: int | None = None) -> FormDefinition:
        """The form of an entry version, on the application form version a case was made on."""
        application = (self.forms.get(APPLICATION_FORM, application_version) if application_version
                       else self.application_form)
        cache_key = (application.version, entry.key, entry.version)
        if cache_key not in self._criteria_forms:
            self._criteria_forms[cache_key] = build_criteria_form(application, entry)
        return self._criteria_forms[cache_key]
