"""``python -m bench.profile``: where arize_api's own per-call cost goes (scenarios 1 and 2).

Three views, printed as markdown:

1. A ladder of layers, each adding one piece of arize_api on top of the last, timed the way
   scenario 1 times calls (client CPU per call, median of alternating rounds): the difference
   between two rungs is what that layer costs.
2. Micro-timings of the pieces that do not need a socket: JSON decoding, model parsing,
   timestamp parsing.
3. cProfile of ``get_dataset`` sync (sequential) and async (64 in flight), self time grouped by
   where the code lives (httpx, httpcore, aiohttp, our transport and auth, generated code,
   models, timestamps, ...). cProfile inflates code that makes many small Python calls, so
   read the shares as a ranking and the ladder as the measurement.
"""

from __future__ import annotations

import asyncio
import cProfile
import json
import pstats
import statistics
import sys
import timeit
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from . import bodies
from .contenders import (
    PATH,
    OurWireAsync,
    OurWireSync,
    RawAiohttp,
    RawHttpx,
    RawHttpxAsync,
    RawUrllib3,
)
from .server import BenchServer
from .stats import rotations, timed

CALLS = 1_000
ROUNDS = 5


def _engine_only(flavour: str, base_url: str) -> Any:
    """The engine over its wire with a parser that stops at JSON: no typed model."""
    from arize_api import ArizeClient, AsyncArizeClient
    from arize_api.api.datasets import get_dataset

    client = (ArizeClient if flavour == "sync" else AsyncArizeClient)(
        api_key=bodies.API_KEY, base_url=base_url, trust_env=False
    )
    parts = {"method": "get", "url": PATH}
    op = get_dataset.OP

    def parse(response: Any) -> Any:
        return response.json()

    if flavour == "sync":
        return lambda: client._request(op, parts, parse, {})

    async def get() -> Any:
        return await client._arequest(op, parts, parse, {})

    return get


def _ladder_sync(base_url: str) -> list[tuple[str, Callable[[], Any]]]:
    from arize_api import ArizeClient
    from arize_api.api.datasets import get_dataset

    ours = ArizeClient(api_key=bodies.API_KEY, base_url=base_url, trust_env=False)
    return [
        ("raw urllib3: request + json.loads", RawUrllib3(base_url).get),
        ("raw httpx.Client: get + .json()", RawHttpx(base_url).get),
        ("arize_api's urllib3 wire alone", OurWireSync(base_url).get),
        ("+ engine (request built once, retry loop, errors)", _engine_only("sync", base_url)),
        (
            "+ Dataset.from_dict: get_dataset.sync (whole generated op)",
            lambda: get_dataset.sync(client=ours, dataset_id=bodies.GET_DATASET_ID),
        ),
    ]


async def _ladder_async(base_url: str) -> list[tuple[str, Callable[[], Any]]]:
    from arize_api import AsyncArizeClient
    from arize_api.api.datasets import get_dataset

    ours = AsyncArizeClient(api_key=bodies.API_KEY, base_url=base_url, trust_env=False)

    async def op_get() -> Any:
        return await get_dataset.asyncio(client=ours, dataset_id=bodies.GET_DATASET_ID)

    return [
        ("raw aiohttp: get + json.loads", RawAiohttp(base_url).get),
        ("raw httpx.AsyncClient (httpcore wire)", RawHttpxAsync(base_url).get),
        ("arize_api's aiohttp wire alone", OurWireAsync(base_url).get),
        ("+ engine", _engine_only("async", base_url)),
        ("+ Dataset.from_dict: get_dataset.asyncio (whole generated op)", op_get),
    ]


def _cpu_us(run: Callable[[], None]) -> float:
    with timed() as sample:
        run()
    return sample["cpu"] / CALLS * 1e6


def ladder(base_url: str, loop: asyncio.AbstractEventLoop) -> str:
    rungs = _ladder_sync(base_url)
    arungs = loop.run_until_complete(_ladder_async(base_url))

    def sync_run(get: Callable[[], Any]) -> Callable[[], None]:
        def run() -> None:
            for _ in range(CALLS):
                get()

        return run

    def async_run(get: Callable[[], Any]) -> Callable[[], None]:
        async def many() -> None:
            for _ in range(CALLS):
                await get()

        return lambda: loop.run_until_complete(many())

    runs = [(name, sync_run(get)) for name, get in rungs]
    runs += [(name, async_run(get)) for name, get in arungs]
    for _name, run in runs:  # warm-up: connections, lazy imports
        run()
    samples: dict[str, list[float]] = defaultdict(list)
    for _round, (name, run) in rotations(runs, ROUNDS):
        samples[name].append(_cpu_us(run))
    lines = [
        "### Layer ladder (client CPU µs per sequential get_dataset call)",
        "",
        "| layer | CPU µs/call | added by this layer |",
        "|---|---|---|",
    ]
    previous: float | None = None
    for index, (name, _run) in enumerate(runs):
        value = statistics.median(samples[name])
        if index == len(rungs):
            lines.append("| **async** | | |")
            previous = None
        added = "" if previous is None else f"{value - previous:+.0f}"
        lines.append(f"| {name} | {value:.0f} | {added} |")
        previous = value
    return "\n".join(lines) + "\n"


def micro() -> str:
    from arize_api._datetime import parse_datetime
    from arize_api.models import Dataset, ListDatasetExamplesResponse

    dataset_json = json.dumps(bodies.dataset())
    dataset = json.loads(dataset_json)
    example = bodies.example(1)
    items = bodies.page_items_json(500)
    page = json.loads(b'{"examples":[' + items + b'],"pagination":{"has_more":false}}')
    stamp = "2025-03-14T09:26:53.589793Z"
    cases: list[tuple[str, Callable[[], Any], int]] = [
        ("json.loads(Dataset body, 0.8 KB)", lambda: json.loads(dataset_json), 20_000),
        ("Dataset.from_dict (3 versions, 8 timestamps)", lambda: Dataset.from_dict(dataset), 5_000),
        ("DatasetExample.from_dict (1 annotation)", lambda: _example(example), 5_000),
        (
            "ListDatasetExamplesResponse.from_dict, 500 examples (per item)",
            lambda: ListDatasetExamplesResponse.from_dict(page),
            20,
        ),
        ("arize_api._datetime.parse_datetime", lambda: parse_datetime(stamp), 50_000),
        ("datetime.fromisoformat (3.11)", lambda: _fromisoformat(stamp), 50_000),
        ("dateutil isoparse", lambda: _isoparse(stamp), 20_000),
    ]
    lines = ["### Micro-timings (no socket)", "", "| piece | µs |", "|---|---|"]
    for name, call, number in cases:
        best = min(timeit.repeat(call, number=number, repeat=5)) / number * 1e6
        if "per item" in name:
            best /= 500
        lines.append(f"| {name} | {best:.2f} |")
    return "\n".join(lines) + "\n"


def _example(data: dict[str, Any]) -> Any:
    from arize_api.models import DatasetExample

    return DatasetExample.from_dict(data)


def _fromisoformat(value: str) -> Any:
    import datetime

    return datetime.datetime.fromisoformat(value)


def _isoparse(value: str) -> Any:
    from dateutil.parser import isoparse

    return isoparse(value)


CATEGORIES = [  # (substring of the code's file, category); first match wins
    ("arize_api/_datetime", "arize_api timestamps (_datetime)"),
    ("dateutil", "dateutil"),
    ("arize_api/models", "arize_api generated models"),
    ("arize_api/types", "arize_api generated models"),
    ("arize_api/api/", "arize_api generated operations"),
    ("arize_api/_errors", "arize_api errors"),
    ("arize_api/_engine", "arize_api engine"),
    ("arize_api/_response", "arize_api engine"),
    ("arize_api/_release_stage", "arize_api release-stage check"),
    ("arize_api/_wires", "arize_api wires"),
    ("site-packages/urllib3/", "urllib3"),
    ("arize_api/", "arize_api other"),
    ("site-packages/httpx/", "httpx client machinery"),
    ("site-packages/httpcore/", "httpcore (httpx's wire)"),
    ("site-packages/h11/", "h11 (HTTP/1.1 parsing)"),
    ("site-packages/anyio/", "anyio"),
    ("site-packages/aiohttp/", "aiohttp"),
    ("site-packages/yarl/", "yarl / multidict"),
    ("site-packages/multidict/", "yarl / multidict"),
    ("site-packages/attr", "attrs"),
    ("/json/", "json"),
    ("/asyncio/", "asyncio event loop"),
    ("bench/", "bench driver"),
]


def _category(filename: str, name: str) -> str:
    if filename == "~":  # a built-in: classify by what it is
        lowered = name.lower()
        if any(word in lowered for word in ("socket", "recv", "send", "select", "epoll", "poll")):
            return "socket and poll syscalls"
        if "json" in lowered or "scanner" in lowered or "decode" in lowered:
            return "json"
        return "other built-ins"
    for needle, category in CATEGORIES:
        if needle in filename:
            return category
    return "stdlib / other"


def profile_table(title: str, run: Callable[[], None], calls: int, top: int = 12) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    stats = pstats.Stats(profiler)
    by_category: dict[str, float] = defaultdict(float)
    functions = []
    for (filename, _line, name), row in stats.stats.items():  # type: ignore[attr-defined]
        tottime = row[2]
        by_category[_category(filename, name)] += tottime
        functions.append((tottime, f"{_short(filename)}:{name}"))
    total = sum(by_category.values())
    lines = [
        f"### cProfile: {title}",
        "",
        f"Total profiled time {total / calls * 1e6:.0f} µs per call (cProfile overhead included).",
        "",
        "| where | µs/call | share |",
        "|---|---|---|",
    ]
    for category, seconds in sorted(by_category.items(), key=lambda kv: -kv[1]):
        lines.append(f"| {category} | {seconds / calls * 1e6:.0f} | {seconds / total:.0%} |")
    lines += ["", "| top functions by self time | µs/call |", "|---|---|"]
    for seconds, name in sorted(functions, reverse=True)[:top]:
        lines.append(f"| `{name}` | {seconds / calls * 1e6:.1f} |")
    return "\n".join(lines) + "\n"


def _short(filename: str) -> str:
    for marker in ("site-packages/", "/main/", "/lib/python3.11/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def profiles(base_url: str, loop: asyncio.AbstractEventLoop) -> list[str]:
    from arize_api import ArizeClient, AsyncArizeClient
    from arize_api.api.datasets import get_dataset

    sync_client = ArizeClient(api_key=bodies.API_KEY, base_url=base_url)
    async_client = AsyncArizeClient(api_key=bodies.API_KEY, base_url=base_url)
    calls = 2_000

    def sync_run() -> None:
        for _ in range(calls):
            get_dataset.sync(client=sync_client, dataset_id=bodies.GET_DATASET_ID)

    async def wide(width: int) -> None:
        left = calls

        async def worker() -> None:
            nonlocal left
            while left > 0:
                left -= 1
                await get_dataset.asyncio(client=async_client, dataset_id=bodies.GET_DATASET_ID)

        await asyncio.gather(*(worker() for _ in range(width)))

    sync_run()
    loop.run_until_complete(wide(64))
    return [
        profile_table("ArizeClient get_dataset.sync, sequential", sync_run, calls),
        profile_table(
            "AsyncArizeClient get_dataset.asyncio, 64 in flight",
            lambda: loop.run_until_complete(wide(64)),
            calls,
        ),
    ]


def main() -> None:
    loop = asyncio.new_event_loop()
    with BenchServer() as server:
        parts = [ladder(server.base_url, loop), micro(), *profiles(server.base_url, loop)]
    loop.close()
    sys.stdout.write("\n".join(parts))


if __name__ == "__main__":
    main()
