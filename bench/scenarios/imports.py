"""Scenario 5, import time: a fresh interpreter per sample, as a notebook or a CLI starts.

For each snippet: the wall time of the whole ``python -c`` subprocess (interpreter start
included; the bare interpreter is shown for reference), its peak resident set, and for the
plain imports the package's own cumulative time from ``python -X importtime``. Bytecode is
cached (a warm-up run writes it, as ``pip install`` would) and the file cache is warm: "cold"
means a new process, not a cold disk.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass

from .. import ROOT
from ..context import Context
from ..stats import Metric, Row, rotations, say

SCENARIO = "5. Import time"
METRICS = (
    Metric("wall_ms", "cold process wall ms", higher_is_better=False),
    Metric("importtime_ms", "-X importtime ms", higher_is_better=False),
    Metric("peak_rss_mb", "peak RSS MB", higher_is_better=False),
)
URL = "http://127.0.0.1:9"  # never contacted: clients are only built


@dataclass(frozen=True)
class Snippet:
    case: str
    key: str
    label: str
    role: str
    code: str
    package: str | None  # whose -X importtime total to report


IMPORT = "import only"
READY = "import + client ready for a first call"
SNIPPETS = [
    Snippet(IMPORT, "python", "python -c pass (interpreter alone)", "raw", "pass", None),
    Snippet(IMPORT, "httpx", "import httpx", "httpx", "import httpx", "httpx"),
    Snippet(IMPORT, "arize_api", "import arize_api", "ours", "import arize_api", "arize_api"),
    Snippet(IMPORT, "official", "import arize (official SDK)", "sdk", "import arize", "arize"),
    Snippet(READY, "httpx", "httpx.Client()", "httpx", "import httpx; httpx.Client()", None),
    Snippet(
        READY,
        "arize_api",
        "arize_api ArizeClient + get_dataset",
        "ours",
        "from arize_api import ArizeClient; from arize_api.api.datasets import get_dataset; "
        f"ArizeClient(api_key='k', base_url='{URL}')",
        None,
    ),
    Snippet(
        READY,
        "arize_api_async",
        "arize_api AsyncArizeClient + get_dataset",
        "ours",
        "from arize_api import AsyncArizeClient; from arize_api.api.datasets import get_dataset; "
        f"AsyncArizeClient(api_key='k', base_url='{URL}')",
        None,
    ),
    Snippet(
        READY,
        "official",
        "official ArizeClient + .datasets",
        "sdk",
        "from arize import ArizeClient; ArizeClient(api_key='k', api_host='127.0.0.1', "
        "api_scheme='http', api_port=9).datasets",
        None,
    ),
]


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # measure with bytecode cached, as installed
    return env


def peak_rss_mb() -> float:
    """This process's peak resident set since its last exec (``VmHWM``; Linux).

    Not ``ru_maxrss``: Linux carries that across fork and exec, so a child of a big parent
    reports at least the parent's size.
    """
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


# Appended to each snippet: print the peak RSS (a few microseconds, nothing imported).
_PROBE = (
    "\nwith open('/proc/self/status') as _s:"
    "\n    print(next(_l for _l in _s if _l.startswith('VmHWM:')).split()[1])"
)


def _cold(code: str, env: dict[str, str]) -> tuple[float, float]:
    """Wall ms and peak RSS MB of ``python -c code`` in a new process."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code + _PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"python -c {code!r} failed:\n{done.stderr[-2000:]}")
    return wall * 1e3, int(done.stdout.split()[-1]) / 1024


def importtime_ms(package: str, env: dict[str, str]) -> float:
    """The package's cumulative import time as ``-X importtime`` reports it."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {package}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[2].rstrip() == f" {package}":
            return int(parts[1]) / 1e3
    raise RuntimeError(f"-X importtime did not list {package}")


def run(ctx: Context) -> list[Row]:
    env = _environment()
    say(f"{SCENARIO}: {len(SNIPPETS)} snippets x {ctx.rounds} rounds, a new process each")
    for snippet in SNIPPETS:  # writes the bytecode cache
        _cold(snippet.code, env)
    rows = {(s.case, s.key): Row(SCENARIO, s.case, s.key, s.label, s.role) for s in SNIPPETS}
    for _round, snippet in rotations(SNIPPETS, ctx.rounds):
        row = rows[snippet.case, snippet.key]
        wall, rss = _cold(snippet.code, env)
        row.samples.setdefault("wall_ms", []).append(wall)
        row.samples.setdefault("peak_rss_mb", []).append(rss)
        if snippet.package is not None:
            value = importtime_ms(snippet.package, env)
            row.samples.setdefault("importtime_ms", []).append(value)
    return list(rows.values())
