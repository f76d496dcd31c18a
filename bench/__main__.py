"""``python -m bench``: start the server, run the scenarios, print and save the report."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime
import os
import platform
import sys
import time
from importlib import metadata
from types import ModuleType
from typing import Any

from . import ROOT, report, targets
from .context import FULL, ISSUE, QUICK, Context, Sizes
from .scenarios import bulk_log, ceiling, concurrency, imports, overhead, pagination
from .server import BenchServer, info
from .stats import Row, say

SCENARIOS: dict[str, ModuleType] = {
    "0": ceiling,
    "1": overhead,
    "2": concurrency,
    "3": pagination,
    "4": bulk_log,
    "5": imports,
}
ROUNDS = {"0": 3, "1": 5, "2": 5, "3": 3, "4": 3, "5": 3}
PACKAGES = ("arize-api", "httpx", "aiohttp", "urllib3", "arize", "pydantic", "uvloop")
BENCH = ROOT / "bench"


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one round: a smoke run")
    parser.add_argument(
        "--issue-sizes",
        action="store_true",
        help="every size as issue 6 states it (10,000 log records a round): about 15 minutes",
    )
    parser.add_argument("--only", default=",".join(SCENARIOS), help="scenarios, e.g. 1,2")
    parser.add_argument("--rounds", type=int, help="rounds for every scenario")
    parser.add_argument("--server-workers", type=int, default=1)
    parser.add_argument(
        "--size",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a size, e.g. log_records=10000 or page_totals=10000,100000",
    )
    return parser.parse_args(argv)


def _sizes(base: Sizes, overrides: list[str]) -> Sizes:
    changes: dict[str, Any] = {}
    fields = {field.name: field for field in dataclasses.fields(Sizes)}
    for override in overrides:
        name, _, value = override.partition("=")
        if name not in fields:
            raise SystemExit(f"--size: unknown size {name!r}; known: {', '.join(fields)}")
        numbers = tuple(int(part) for part in value.split(","))
        changes[name] = numbers if isinstance(getattr(base, name), tuple) else numbers[0]
    return dataclasses.replace(base, **changes)


def _facts(rounds: dict[str, int], sizes: Any, workers: int) -> dict[str, Any]:
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": memory,
        "platform": platform.platform(terse=True),
        "python": platform.python_version(),
        "versions": versions,
        "server": f"{workers} worker process(es), {info()['loop']}, 127.0.0.1",
        "rounds": rounds,
        "sizes": dataclasses.asdict(sizes),
        "load_average": {"before": os.getloadavg()[0]},
        "scenario_seconds": {},
    }


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    chosen = [key for key in SCENARIOS if key in args.only.split(",")]
    sizes = _sizes(QUICK if args.quick else ISSUE if args.issue_sizes else FULL, args.size)
    rounds = {key: 1 if args.quick else (args.rounds or ROUNDS[key]) for key in chosen}
    # Children (server, walks, import probes) cache bytecode under bench/, as an install would.
    os.environ["PYTHONPYCACHEPREFIX"] = str(BENCH / ".pycache")
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    facts = _facts(rounds, sizes, args.server_workers)
    started = time.perf_counter()
    sections: list[tuple[str, Any, list[Row]]] = []
    loop = asyncio.new_event_loop()
    try:
        with BenchServer(workers=args.server_workers) as server:
            say(f"bench server at {server.base_url} (pids {server.pids})")
            for key in chosen:
                module = SCENARIOS[key]
                ctx = Context(server=server, sizes=sizes, rounds=rounds[key], loop=loop)
                begun = time.perf_counter()
                sections.append((module.SCENARIO, module.METRICS, module.run(ctx)))
                facts["scenario_seconds"][key] = round(time.perf_counter() - begun, 1)
    finally:
        loop.close()
    facts["load_average"]["after"] = os.getloadavg()[0]
    facts["elapsed_s"] = time.perf_counter() - started
    rows = [row for _title, _metrics, section in sections for row in section]
    busy = [
        value
        for row in rows
        if row.role != "server"
        for value in row.samples.get("server_busy", [])
    ]
    facts["server_busy_max"] = max(busy, default=None)
    verdicts = targets.evaluate(rows)
    markdown = report.render(facts, sections, verdicts)
    print(markdown)
    name = "quick.json" if args.quick else "latest.json"
    report.write_json(BENCH / "results" / name, facts, rows, verdicts)
    if not args.quick and len(chosen) == len(SCENARIOS):
        report.update_readme(BENCH / "README.md", "## Latest results\n\n" + markdown)
        say("results written to bench/results/latest.json and bench/README.md")
    else:
        say(f"results written to bench/results/{name} (README left as it was)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
