"""The soak test's verdict and its two files beside the other results: results/soak.json for
machines and results/soak.md for people."""

from __future__ import annotations

import json
import platform
import statistics
from pathlib import Path

from benchmarks.results import RESULTS
from benchmarks.soak_checks import FLAT_DEFINITION
from benchmarks.soak_workload import MIX, Tally


def describe_requests(tally: Tally) -> dict:
    """Per request type: answers by status, how many were 5xx, and latency percentiles (ms)."""
    described = {}
    for kind in MIX:
        statuses = dict(sorted(tally.statuses[kind].items()))
        latencies = sorted(tally.latencies_ms[kind])
        described[kind] = {
            "scheduled": sum(statuses.values()), "answered": len(latencies), "statuses": statuses,
            "server_errors": sum(n for status, n in statuses.items() if status.startswith("5")),
            "unanswered": sum(n for status, n in statuses.items()
                              if status == "connection error" or status.startswith("not sent")),
            **_percentiles(latencies)}
    return described


def _percentiles(latencies: list[float]) -> dict:
    if len(latencies) < 2:
        only = round(latencies[0], 1) if latencies else None
        return {"p50_ms": only, "p95_ms": only, "p99_ms": only}
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"p50_ms": round(cuts[49], 1), "p95_ms": round(cuts[94], 1), "p99_ms": round(cuts[98], 1)}


def judge(report: dict) -> dict:
    """Each criterion, met or not, and whether the soak passed (all met)."""
    requests, memory = report["requests"], report["memory"]
    outbox, acks = report["outbox"], report["acknowledgements"]
    errors = sum(kind["server_errors"] for kind in requests.values())
    unanswered = sum(kind["unanswered"] for kind in requests.values())
    criteria = [
        ("zero 5xx answers", errors == 0, f"{errors} answers 5xx"),
        ("every request sent was answered", unanswered == 0,
         f"{unanswered} connection errors or requests not sent (too many in flight)"),
        ("web memory flat (gunicorn master and workers)", memory["web"]["flat"],
         _memory_detail(memory["web"])),
        ("worker memory flat (rq worker)", memory["worker"]["flat"], _memory_detail(memory["worker"])),
        ("outbox drained", outbox["pending"] == 0 and outbox["failed"] == 0,
         f"{outbox['completed']} of {outbox['messages']} completed, {outbox['pending']} pending, "
         f"{outbox['failed']} failed, after {outbox['waited_s']} s"),
        ("every submitted IFR acknowledged once", acks["acknowledged_once"] == acks["submitted"],
         f"{acks['acknowledged_once']} of {acks['submitted']} once, {acks['not_acknowledged']} not, "
         f"{acks['acknowledged_twice_or_more']} more than once"),
        ("the processes stayed up", report["stack"]["stayed_up"], report["stack"]["at_end"]),
    ]
    return {"passed": all(met for _, met, _ in criteria),
            "criteria": [{"criterion": name, "met": bool(met), "detail": detail}
                         for name, met, detail in criteria]}


def _memory_detail(judged: dict) -> str:
    if "why" in judged:
        return judged["why"]
    return (f"{judged['middle_third_median_mb']} MB then {judged['last_third_median_mb']} MB "
            f"({judged['growth_mb']:+} MB)")


def write(report: dict, folder: Path = RESULTS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "soak.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    summary = folder / "soak.md"
    summary.write_text(summarise(report), encoding="utf-8")
    return summary


def summarise(report: dict) -> str:
    settings, verdict = report["settings"], report["verdict"]
    lines = [
        f"# Soak test: {settings['minutes']:g} minute{'' if settings['minutes'] == 1 else 's'} at "
        f"{settings['rate']:g} requests a second",
        "",
        f"Run {report['started_utc']} on {platform.node()} ({report['machine']}): "
        f"{'**passed**' if verdict['passed'] else '**FAILED**'}. Stack: {report['stack']['processes']}.",
        "",
        "| request | scheduled | answers by status | p50 | p95 | p99 |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for kind, figures in report["requests"].items():
        statuses = ", ".join(f"{status}: {count:,}" for status, count in figures["statuses"].items())
        lines.append(f"| {kind} | {figures['scheduled']:,} | {statuses} | {_ms(figures['p50_ms'])} | "
                     f"{_ms(figures['p95_ms'])} | {_ms(figures['p99_ms'])} |")
    lines += ["", "| criterion | met | detail |", "| --- | --- | --- |"]
    lines += [f"| {c['criterion']} | {'yes' if c['met'] else '**NO**'} | {c['detail']} |"
              for c in verdict["criteria"]]
    lines += ["", f"Memory is flat when {FLAT_DEFINITION}.", "", *_memory_lines(report["memory"]),
              *_outbox_lines(report["outbox"]), *[f"- {note}" for note in report["notes"]]]
    return "\n".join(lines) + "\n"


def _memory_lines(memory: dict) -> list[str]:
    samples = memory["samples"]
    if not samples:
        return []
    first, last = samples[0], memory["after_drain"]
    groups = [key.removesuffix("_mb") for key in first if key.endswith("_mb")]
    return [f"- RSS of the {group}: {first[f'{group}_mb']:,.0f} MB at the start, "
            f"{last[f'{group}_mb']:,.0f} MB after the drain ({len(samples)} samples)." for group in groups]


def _outbox_lines(outbox: dict) -> list[str]:
    relay = outbox.get("relay")
    lines = [f"- Outbox: {outbox['messages']:,} messages, {outbox['retried']} run more than once."]
    if relay:
        lines.append(f"- The relay handed on {relay['handed_on']} jobs and recovered {relay['recovered']} "
                     "lost ones.")
    return lines


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f} ms"


def print_summary(report: dict, path: Path) -> None:
    print(f"\n{summarise(report)}\n({path}; the RSS series in {path.with_suffix('.json')})", flush=True)
