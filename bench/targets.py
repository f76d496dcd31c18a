"""The targets of issues 6 and 15, checked against the medians of a run."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .stats import Row

MEMORY_NOISE_MB = 5.0  # growth from 10k to 100k items below this counts as flat


@dataclass(frozen=True)
class Verdict:
    target: str
    measured: str
    status: str  # "met", "missed", or "not measured"


class _Find:
    def __init__(self, rows: Sequence[Row]) -> None:
        self.rows = rows

    def __call__(self, scenario: str, case: str, key: str, metric: str) -> float | None:
        for row in self.rows:
            if row.scenario.startswith(scenario) and row.case.startswith(case) and row.key == key:
                return row.median(metric)
        return None

    def cases(self, scenario: str) -> list[str]:
        seen: list[str] = []
        for row in self.rows:
            if row.scenario.startswith(scenario) and row.case not in seen:
                seen.append(row.case)
        return seen


def _verdict(target: str, ok: bool, measured: str) -> Verdict:
    return Verdict(target, measured, "met" if ok else "**missed**")


def _guard(target: str, check: Callable[[], Verdict]) -> Verdict:
    try:
        return check()
    except (TypeError, ZeroDivisionError, IndexError, StopIteration):  # a figure is missing
        return Verdict(target, "—", "not measured")


def evaluate(rows: Sequence[Row]) -> list[Verdict]:
    find = _Find(rows)
    return [
        _guard(SYNC_CPU, lambda: _sync_cpu(find)),
        _guard(SYNC_URLLIB3, lambda: _sync_vs_urllib3(find)),
        _guard(ASYNC_AIOHTTP, lambda: _async_64(find, "aiohttp", 0.8, ASYNC_AIOHTTP)),
        _guard(ASYNC_AIOHTTP_15, lambda: _async_64(find, "aiohttp", 0.75, ASYNC_AIOHTTP_15)),
        _guard(ASYNC_SDK, lambda: _async_64(find, "official_threads", 1.5, ASYNC_SDK)),
        _guard(PAGES_SYNC, lambda: _pages(find, "arize_api", "urllib3", PAGES_SYNC)),
        _guard(PAGES_ASYNC, lambda: _pages(find, "arize_api_async", "aiohttp", PAGES_ASYNC)),
        _guard(PAGES_15_SYNC, lambda: _pages(find, "arize_api", "urllib3", PAGES_15_SYNC, 0.6)),
        _guard(
            PAGES_15_ASYNC,
            lambda: _pages(find, "arize_api_async", "aiohttp", PAGES_15_ASYNC, 0.6),
        ),
        _guard(PAGES_FLAT, lambda: _flat(find)),
        _guard(BULK, lambda: _bulk(find)),
        _guard(IMPORT_SDK, lambda: _import_vs_sdk(find)),
        _guard(IMPORT_300, lambda: _import_300(find)),
    ]


SYNC_CPU = "1: sync client CPU per call ≤ 1.10x raw httpx"
ASYNC_AIOHTTP = "2: async calls/s at 64 in flight ≥ 0.8x raw aiohttp"
ASYNC_SDK = "2: async calls/s at 64 in flight ≥ 1.5x official SDK with 64 threads"
PAGES_SYNC = "3: sync paginate items/s ≥ 0.9x raw urllib3 cursor loop (same transport)"
PAGES_ASYNC = "3: async paginate items/s ≥ 0.9x raw aiohttp cursor loop (same transport)"
PAGES_FLAT = f"3: pagination memory flat from 10k to 100k items (growth ≤ {MEMORY_NOISE_MB:.0f} MB)"
SYNC_URLLIB3 = "15: sync client CPU per call ≤ 1.25x raw urllib3"
ASYNC_AIOHTTP_15 = "15: async calls/s at 64 in flight ≥ 0.75x raw aiohttp"
PAGES_15_SYNC = "15: sync paginate items/s ≥ 0.6x raw urllib3 cursor loop at 100,000 items"
PAGES_15_ASYNC = "15: async paginate items/s ≥ 0.6x raw aiohttp cursor loop at 100,000 items"
BULK = "4: log_many at concurrency 32 ≥ 2x official SDK streaming logger"
IMPORT_SDK = "5: import + client ≥ 5x faster than the official SDK's"
IMPORT_300 = "5: import + client < 300 ms (whole cold process)"


def _sync_cpu(find: _Find) -> Verdict:
    ours = find("1.", "sync", "arize_api", "cpu_us")
    httpx = find("1.", "sync", "httpx", "cpu_us")
    official = find("1.", "sync", "official", "cpu_us")
    urllib3 = find("1.", "sync", "urllib3", "cpu_us")
    ratio = ours / httpx
    return _verdict(
        SYNC_CPU,
        ratio <= 1.10,
        f"{ratio:.2f}x ({ours:.0f} vs {httpx:.0f} µs); {ours / official:.2f}x the official SDK "
        f"({official:.0f} µs), {ours / urllib3:.2f}x raw urllib3 ({urllib3:.0f} µs)",
    )


def _sync_vs_urllib3(find: _Find) -> Verdict:
    ours = find("1.", "sync", "arize_api", "cpu_us")
    urllib3 = find("1.", "sync", "urllib3", "cpu_us")
    wire = find("1.", "sync", "wire_urllib3", "cpu_us")
    ratio = ours / urllib3
    return _verdict(
        SYNC_URLLIB3,
        ratio <= 1.25,
        f"{ratio:.2f}x ({ours:.0f} vs {urllib3:.0f} µs; our wire alone {wire:.0f} µs)",
    )


def _async_64(find: _Find, other: str, factor: float, target: str) -> Verdict:
    case = next(case for case in find.cases("2.") if case.startswith("64 "))
    ours = find("2.", case, "arize_api_async", "calls_per_s")
    theirs = find("2.", case, other, "calls_per_s")
    ratio = ours / theirs
    return _verdict(target, ratio >= factor, f"{ratio:.2f}x ({ours:,.0f} vs {theirs:,.0f} /s)")


def _pages(find: _Find, ours_key: str, raw_key: str, target: str, factor: float = 0.9) -> Verdict:
    case = find.cases("3.")[-1]  # the largest N
    ours = find("3.", case, ours_key, "items_per_s")
    raw = find("3.", case, raw_key, "items_per_s")
    ratio = ours / raw
    return _verdict(
        target, ratio >= factor, f"{ratio:.2f}x at {case} ({ours:,.0f} vs {raw:,.0f} items/s)"
    )


def _flat(find: _Find) -> Verdict:
    small, large = find.cases("3.")[0], find.cases("3.")[-1]
    parts, ok = [], True
    for key, name in (("arize_api", "sync"), ("arize_api_async", "async")):
        low = find("3.", small, key, "rss_growth_mb")
        high = find("3.", large, key, "rss_growth_mb")
        ok = ok and high - low <= MEMORY_NOISE_MB
        parts.append(f"{name} {low:.1f} → {high:.1f} MB")
    return _verdict(PAGES_FLAT, ok, "peak RSS growth " + ", ".join(parts))


def _bulk(find: _Find) -> Verdict:
    case = next(case for case in find.cases("4.") if case.startswith("concurrency 32"))
    ours = find("4.", case, "arize_api_async", "records_per_s")
    threads = find("4.", case, "arize_api", "records_per_s")
    official = find("4.", case, "official", "records_per_s")
    ratio = ours / official
    return _verdict(
        BULK,
        ratio >= 2.0,
        f"async {ratio:.2f}x ({ours:,.0f} vs {official:,.0f} records/s); sync client "
        f"(threads) {threads / official:.2f}x",
    )


def _import_vs_sdk(find: _Find) -> Verdict:
    ours = find("5.", "import +", "arize_api", "wall_ms")
    official = find("5.", "import +", "official", "wall_ms")
    ratio = official / ours
    return _verdict(
        IMPORT_SDK, ratio >= 5.0, f"{ratio:.1f}x faster ({ours:,.0f} vs {official:,.0f} ms)"
    )


def _import_300(find: _Find) -> Verdict:
    ours = find("5.", "import +", "arize_api", "wall_ms")
    bare = find("5.", "import only", "python", "wall_ms")
    httpx = find("5.", "import +", "httpx", "wall_ms")
    return _verdict(
        IMPORT_300,
        ours < 300,
        f"{ours:,.0f} ms (bare interpreter {bare:,.0f} ms, httpx + client {httpx:,.0f} ms)",
    )
