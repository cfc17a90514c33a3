"""The trends as a person reads them, on the page and in its files: each dimension's column headed
in words with names for codes (a hub's name, not its code), then the measures, the approval rate as
a percentage. The page, its download and an export made in the background write the same columns."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ifr_service.cet.names import TITLES, Namer

MEASURE_TITLES = {"cases": "Cases received", "decided": "Decided", "approved": "Approved",
                  "approval_rate": "Approval rate (%)",
                  "median_working_days": "Median working days to decision"}
NUMERIC = list(MEASURE_TITLES.values())


def columns(by: list[str]) -> list[str]:
    return [*(TITLES[name] for name in dict.fromkeys(by)), *MEASURE_TITLES.values()]


def shown_rows(by: list[str], rows: Iterable[dict], namer: Namer) -> Iterator[dict]:
    """breakdown()'s rows as shown: names for codes, the rate as a percentage to one decimal place."""
    names = list(dict.fromkeys(by))
    for row in rows:
        shown = {TITLES[name]: namer.name(name, row[name]) for name in names}
        rate = row["approval_rate"]
        yield {**shown, MEASURE_TITLES["cases"]: row["cases"], MEASURE_TITLES["decided"]: row["decided"],
               MEASURE_TITLES["approved"]: row["approved"],
               MEASURE_TITLES["approval_rate"]: None if rate is None else round(rate * 100, 1),
               MEASURE_TITLES["median_working_days"]: row["median_working_days"]}
