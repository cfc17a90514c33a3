"""The suite's figures, and the two files it writes: results/latest.json for machines and
results/latest.md for people."""

from __future__ import annotations

import json
import platform
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    target: str  # in words, as the issue states it
    met: bool
    baseline_value: float | None = None
    ratio: float | None = None  # value over baseline_value: the figure that travels between machines
    note: str = ""  # what was measured, or why a target is missed

    def as_dict(self) -> dict:
        return {key: _rounded(value) for key, value in asdict(self).items()}


@dataclass
class Run:
    cases: int
    figures: list[Figure] = field(default_factory=list)
    started_utc: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def add(self, *figures: Figure) -> None:
        for figure in figures:
            self.figures.append(figure)
            print(f"  {_line(figure)}", flush=True)

    def write(self, folder: Path = RESULTS) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "latest.json").write_text(
            json.dumps([figure.as_dict() for figure in self.figures], indent=2) + "\n", encoding="utf-8")
        summary = folder / "latest.md"
        summary.write_text(self.summary(), encoding="utf-8")
        return summary

    def summary(self) -> str:
        met = sum(figure.met for figure in self.figures)
        lines = [
            f"# Benchmarks: {self.cases:,} cases of national history",
            "",
            f"Run {self.started_utc} on {platform.node()} ({describe_machine()}). {met} of "
            f"{len(self.figures)} targets met.",
            "",
            "| figure | value | baseline | ratio | target | met |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for figure in self.figures:
            baseline = ("" if figure.baseline_value is None
                        else f"{_number(figure.baseline_value)} {figure.unit}")
            ratio = "" if figure.ratio is None else f"{figure.ratio:.2f}x"
            lines.append(f"| {figure.name} | {_number(figure.value)} {figure.unit} | {baseline} | {ratio} | "
                         f"{figure.target} | {'yes' if figure.met else '**MISSED**'} |")
        notes = [f"- **{figure.name}**: {figure.note}" for figure in self.figures if figure.note]
        missed = [f"- **{figure.name}** missed its target ({figure.target})." for figure in self.figures
                  if not figure.met]
        if missed:
            lines += ["", "## Missed", "", *missed,
                      "", "docs/scaling.md explains each miss, with its profile and a plan."]
        if notes:
            lines += ["", "## Notes", "", *notes]
        return "\n".join(lines) + "\n"


def _line(figure: Figure) -> str:
    against = ("" if figure.ratio is None
               else f" ({figure.ratio:.2f}x baseline {_number(figure.baseline_value)})")
    return (f"{figure.name}: {_number(figure.value)} {figure.unit}{against}; target {figure.target}: "
            f"{'met' if figure.met else 'MISSED'}")


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _rounded(value):
    return round(value, 4) if isinstance(value, float) else value


def describe_machine() -> str:
    import os

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {memory:.0f} GiB, Python {platform.python_version()}"
