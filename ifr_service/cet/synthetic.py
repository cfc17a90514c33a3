"""A synthetic national IFR history in the import format, for tests and benchmarks: realistic in
shape, never real patients (NHS numbers from the range reserved for testing), and with known plants.

What is planted, as of the history's last day D:
- Cohorts (`PLANTED_COHORTS`): groups that meet the cohort rule, written with the variations of
  case, punctuation and spacing the rule must see through, one found by its code.
- Near misses (`NEAR_MISSES`): groups that must not be found - one hub only, too few, a case a day
  outside the window, a withdrawn case making too few, CDF cases, one drug split across categories.
- An outlier hub (`OUTLIER_HUB`): it approves 15% of the IFRs it decides where every other hub
  approves 40%, exactly, in every year; it sees 3% of the cases, so the national rate stays close
  to the other hubs' and only the outlier falls outside the 99.8% funnel limits.
Every other case asks for a treatment no other case asks for, so no cohort forms by chance, unless
`repeated_share` asks for a national-scale shape (the benchmarks'): that share of the background
asks for interventions from a catalogue with a Zipf-like skew, a few asked for often and a long tail
asked for rarely, as national IFR activity is; cohorts then form by chance too.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

import nhs_number
from sqlmodel import select

from ifr_service import db
from ifr_service.cet.importer import COLUMNS
from ifr_service.reference.models import Commissioner, CommissionerHub, Hub

OUTLIER_HUB = "south-west"
OUTLIER_SHARE = 0.03
APPROVAL_RATE = {"usual": 0.40, "outlier": 0.15}
YEARS = 5
CATALOGUE_SIZE = 2_000  # the repeated interventions; the k-th is asked for about 1/k as often as the first
DIAGNOSES = ["C34.1", "C50.9", "C18.7", "C61", "G35", "M05.9", "E75.2", "I27.0", "D61.9", "K50.9",
             "C71.9", "G12.2", "Q87.4", "E84.0", "L40.0"]
CRGS = ["CFS", "HPB", "VAS", "RDI", "CIC", ""]


@dataclass(frozen=True)
class Plant:
    name: str  # each case's spelling of the intervention, cycled
    icd10: str
    hubs: tuple[str, ...]  # cycled over the cases
    count: int
    code: str = ""
    route: str = "IFR"
    withdrawn: int = 0  # how many of the cases are withdrawn
    days_before: tuple[int, ...] = (10, 40, 90, 150, 200, 260, 300)  # received D minus these, cycled


PLANTED_COHORTS = [
    Plant("Plantuzumab 200 mg infusion|PLANTUZUMAB, 200 mg infusion|plantuzumab  200 mg (infusion)",
          "C50.9", ("london", "north-west", "wessex"), 7),
    Plant("Examplimod tablets|Exemplimod 5mg|examplimod", "G35", ("east-midlands", "south-east"), 5,
          code="PLNT002", days_before=(0, 1, 100, 363, 364)),
]
NEAR_MISSES = [
    Plant("Solotinib 40 mg", "C18.7", ("west-midlands",), 6),  # one hub only
    Plant("Quadrumab", "M05.9", ("london", "wessex", "north-west"), 4),  # too few
    Plant("Borderline-mab", "E75.2", ("london", "east-of-england"), 5,
          days_before=(365, 10, 20, 30, 40)),  # one case received a day outside the window
    Plant("Withdrawnib", "I27.0", ("london", "east-of-england"), 5, withdrawn=1),
    Plant("Cdf-only-mab", "C61", ("london", "south-east"), 6, route="CDF"),
    Plant("Splitumab|Splitumab", "C50.9|C18.7", ("london", "wessex", "north-west"), 6),  # 3 + 3
]


@dataclass
class Planted:
    as_of: date
    outlier_hub: str
    cohorts: list[dict] = field(default_factory=list)


def write_history(path: Path, count: int, seed: int, as_of: date, years: int = YEARS,
                  repeated_share: float = 0.0) -> Planted:
    """Write `count` cases (planted ones included) over `years` ending on `as_of`; returns what was
    planted. `repeated_share` of the background asks for the skewed catalogue's interventions."""
    generator = _Generator(random.Random(seed), as_of, years, repeated_share)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        planted_rows = [row for plant in PLANTED_COHORTS + NEAR_MISSES for row in generator.plant(plant)]
        for row in generator.background(count - len(planted_rows)):
            writer.writerow(row)
        writer.writerows(planted_rows)
    return Planted(as_of=as_of, outlier_hub=OUTLIER_HUB, cohorts=[
        {"intervention_key": plant.code or generator.key_of(plant), "icd10_category": plant.icd10[:3],
         "count": plant.count, "hub_count": len(set(plant.hubs))} for plant in PLANTED_COHORTS])


class _Generator:
    def __init__(self, rng: random.Random, as_of: date, years: int = YEARS, repeated_share: float = 0.0):
        self.rng, self.as_of, self.serial, self.years = rng, as_of, 0, years
        self.repeated_share = repeated_share
        self.catalogue_weights = list(accumulate(1 / rank for rank in range(1, CATALOGUE_SIZE + 1)))
        self.first_day = max(date(2015, 4, 1), as_of - timedelta(days=365 * years))
        commissioners = {c.id: c.name for c in db.session().exec(select(Commissioner))}
        hubs = {h.id: h.code for h in db.session().exec(select(Hub))}
        self.by_hub: dict[str, list[str]] = {}
        for membership in db.session().exec(select(CommissionerHub)):
            if membership.is_valid_on(as_of):
                commissioner = commissioners[membership.commissioner_id]
                self.by_hub.setdefault(hubs[membership.hub_id], []).append(commissioner)
        self.usual_hubs = sorted(hub for hub in self.by_hub if hub != OUTLIER_HUB)

    def key_of(self, plant: Plant) -> str:
        from ifr_service.interventions import intervention_key

        return intervention_key(plant.name.split("|")[0], plant.code)

    def plant(self, plant: Plant) -> list[list[str]]:
        names, diagnoses = plant.name.split("|"), plant.icd10.split("|")
        rows = []
        for i in range(plant.count):
            received = self.as_of - timedelta(days=plant.days_before[i % len(plant.days_before)])
            outcome = "withdrawn" if i < plant.withdrawn else ("approved", "declined", "pending")[i % 3]
            rows.append(self._row(
                f"PLANT-{self._next()}", plant.route, received, plant.hubs[i % len(plant.hubs)],
                diagnoses[i % len(diagnoses)], names[i % len(names)], plant.code, outcome))
        return rows

    def background(self, count: int):
        """Each hub's cases, with exactly the hub's approval rate among its decided cases each year."""
        outlier = round(count * OUTLIER_SHARE)
        shares = {OUTLIER_HUB: outlier, **{hub: (count - outlier) // len(self.usual_hubs)
                                           for hub in self.usual_hubs}}
        shares[self.usual_hubs[0]] += count - sum(shares.values())
        for hub, hub_count in shares.items():
            rate = APPROVAL_RATE["outlier" if hub == OUTLIER_HUB else "usual"]
            for year, year_cases in enumerate(_split(hub_count, self.years)):
                yield from self._year(hub, year, year_cases, rate)

    def _year(self, hub: str, year: int, count: int, rate: float):
        # 3% pending, 5% withdrawn, 10% screened out; the rest decided, `rate` of them approved.
        pending, withdrawn, screened = round(count * 0.03), round(count * 0.05), round(count * 0.10)
        decided = count - pending - withdrawn - screened
        approvals = round(decided * rate)
        with_conditions = approvals // 5
        outcomes = (["pending"] * pending + ["withdrawn"] * withdrawn + ["screened_out"] * screened
                    + ["approved"] * (approvals - with_conditions)
                    + ["approved_with_conditions"] * with_conditions + ["declined"] * (decided - approvals))
        self.rng.shuffle(outcomes)
        for outcome in outcomes:
            received = self._day_in_year(year)
            serial = self._next()
            diagnosis, name = self._request(serial)
            yield self._row(f"SYN-{serial}", "IFR", received, hub, diagnosis, name, "", outcome)

    def _request(self, serial: int) -> tuple[str, str]:
        """A diagnosis and intervention: one of the catalogue's (each with its own diagnosis), or one
        asked for by this case alone."""
        if self.repeated_share and self.rng.random() < self.repeated_share:
            item = self.rng.choices(range(CATALOGUE_SIZE), cum_weights=self.catalogue_weights)[0]
            return DIAGNOSES[item % len(DIAGNOSES)], f"Repeated therapy {item + 1}"
        return self.rng.choice(DIAGNOSES), f"Background therapy {serial}"

    def _day_in_year(self, year: int) -> date:
        # Decisions come up to 60 days after receipt and never after D, so receipts end 60 days before it.
        span = (self.as_of - timedelta(days=60) - self.first_day).days
        return self.first_day + timedelta(days=self.rng.randrange(span * year // self.years,
                                                                  span * (year + 1) // self.years))

    def _row(self, ref: str, route: str, received: date, hub: str, icd10: str, name: str, code: str,
             outcome: str) -> list[str]:
        decided = "" if outcome == "pending" else min(
            self.as_of, received + timedelta(days=self.rng.randint(1, 60))).isoformat()
        born = received - timedelta(days=self.rng.randint(365 * 1, 365 * 90))
        exceptional = {"approved": "yes", "approved_with_conditions": "yes",
                       "declined": "no"}.get(outcome, "")
        return [ref, route, received.isoformat(), decided, self.rng.choice(self.by_hub[hub]),
                _test_nhs_number(self.serial), born.isoformat(),
                self.rng.choice(["female", "male", "unknown"]),
                icd10, code, name, self.rng.choice(["drug", "drug", "procedure", "device"]),
                self.rng.choice(CRGS), self.rng.choice(["routine", "routine", "urgent"]),
                f"{self.rng.randint(500, 250_000)}.{self.rng.randint(0, 99):02d}", outcome, exceptional]

    def _next(self) -> int:
        self.serial += 1
        return self.serial


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def _test_nhs_number(serial: int) -> str:
    """A valid NHS number from the range reserved for testing (999 000 0000 up): never a patient's."""
    while True:
        digits = f"999{serial % 1_000_000:06d}"
        check = nhs_number.calculate_checksum(digits)
        if check is not None and check < 10:
            return digits + str(check)
        serial += 1
