"""The markdown report (tables and the issue's targets), the JSON file, the README section."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .stats import Metric, Row
from .targets import Verdict

START = "<!-- results:start -->"
END = "<!-- results:end -->"


def number(value: float | None) -> str:
    if value is None:
        return "—"
    size = abs(value)
    if size >= 100:
        return f"{value:,.0f}"
    if size >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _cell(row: Row, metric: str) -> str:
    spread = row.spread(metric)
    if spread is None:
        return "—"
    low, high = spread
    if len(row.samples[metric]) == 1:
        return number(row.median(metric))
    return f"{number(row.median(metric))} ({number(low)}-{number(high)})"


def _ratio(row: Row, reference: Row | None, metric: str) -> str:
    mine = row.median(metric)
    theirs = reference.median(metric) if reference is not None else None
    if mine is None or not theirs:
        return "—"
    return f"{mine / theirs:.2f}"


def _reference(rows: Sequence[Row], row: Row, role: str) -> Row | None:
    for candidate in rows:
        if candidate.case == row.case and candidate.role == role and candidate.samples:
            return candidate
    return None


def table(title: str, metrics: Sequence[Metric], rows: Sequence[Row]) -> str:
    head = ["case", "contender"]
    for index, metric in enumerate(metrics):
        head.append(metric.title)
        if metric.ratios:
            head.append("xhttpx")
            if index == 0:
                head.append("xSDK")
    lines = [f"### {title}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    notes: list[str] = []
    for row in rows:
        label = row.label
        if row.note and row.samples:
            notes.append(row.note)
            label += " " + "*" * len(notes)
        cells = [row.case, label]
        if not row.samples:
            cells.append(row.note or "n/a")
            cells += [""] * (len(head) - len(cells))
        else:
            httpx, sdk = _reference(rows, row, "httpx"), _reference(rows, row, "sdk")
            for index, metric in enumerate(metrics):
                cells.append(_cell(row, metric.key))
                if metric.ratios:
                    cells.append(_ratio(row, httpx, metric.key))
                    if index == 0:
                        cells.append(_ratio(row, sdk, metric.key))
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", *(f"{'*' * (n + 1)} {note}" for n, note in enumerate(notes))]
    return "\n".join(lines).rstrip() + "\n"


def targets_table(verdicts: Sequence[Verdict]) -> str:
    lines = ["### Targets from issue 6", "", "| target | measured | met? |", "|---|---|---|"]
    for verdict in verdicts:
        lines.append(f"| {verdict.target} | {verdict.measured} | {verdict.status} |")
    return "\n".join(lines) + "\n"


def facts_text(facts: dict[str, Any]) -> str:
    versions = ", ".join(f"{name} {version}" for name, version in facts["versions"].items())
    load = facts["load_average"]
    lines = [
        f"Run {facts['date']} on {facts['nproc']} cores ({facts['cpu']}), "
        f"{facts['memory_gb']:.0f} GB, {facts['platform']}, Python {facts['python']}.",
        f"Versions: {versions}. Bench server: {facts['server']}.",
        f"Rounds per scenario: {facts['rounds']}; sizes: {facts['sizes']}.",
        f"Load average (1 min) before / after the run: {load['before']:.2f} / "
        f"{load['after']:.2f}; total run time {facts['elapsed_s']:.0f} s "
        f"(per scenario: {facts['scenario_seconds']}).",
    ]
    if facts.get("server_busy_max") is not None:
        lines.append(
            "During the client scenarios the bench server was busy at most "
            f"{facts['server_busy_max']:.0%} of one core in any sample (its ceiling is in "
            "table 0): the client, not the server, set the pace."
        )
    if max(load["before"], load["after"]) > 1.0:
        lines.append(
            "**Other processes were busy on this machine during the run** (load average above "
            "1): the figures are noisier than on a quiet machine; compare ratios, not values."
        )
    lines += [
        "",
        "Each cell: median over rounds (min-max). xhttpx: this median ÷ raw httpx's in the same "
        "case (the async httpx client in async cases); xSDK: ÷ the official SDK's. For times "
        "and CPU lower is better, for rates higher is better. The server and the client share "
        "the machine's 2 cores.",
    ]
    return "\n".join(lines) + "\n"


def render(
    facts: dict[str, Any],
    sections: Sequence[tuple[str, Sequence[Metric], Sequence[Row]]],
    verdicts: Sequence[Verdict],
) -> str:
    parts = [facts_text(facts), targets_table(verdicts)]
    parts += [table(title, metrics, rows) for title, metrics, rows in sections]
    return "\n".join(parts)


def write_json(path: Path, facts: dict[str, Any], rows: Sequence[Row], verdicts: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "facts": facts,
        "targets": [verdict.__dict__ for verdict in verdicts],
        "rows": [row.to_json() for row in rows],
    }
    path.write_text(json.dumps(document, indent=1) + "\n")


def update_readme(path: Path, markdown: str) -> None:
    """Replace the README's results section (between the markers) with ``markdown``."""
    text = path.read_text()
    section = f"{START}\n{markdown.rstrip()}\n{END}"
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(text):
        raise RuntimeError(f"{path} has no {START} ... {END} section to update")
    path.write_text(pattern.sub(lambda _match: section, text))
