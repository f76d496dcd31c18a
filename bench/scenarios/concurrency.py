"""Scenario 2, concurrency: 2,000 ``get_dataset`` calls with 1, 8 and 64 in flight.

Async contenders run that many tasks in the one event loop, each taking the next call until
all are done; the sync ones (the official SDK, which has no async client, and ``ArizeClient``
for comparison) run a thread pool of the same width the same way. Reports calls per second
and client CPU per call.
"""

from __future__ import annotations

import asyncio
import itertools
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from ..contenders import ASYNC, Contender, OfficialSync, OursSync
from ..context import Context
from ..stats import Metric, Row, collect, say, timed

SCENARIO = "2. Concurrency"
METRICS = (
    Metric("calls_per_s", "calls/s", higher_is_better=True),
    Metric("cpu_us", "client CPU µs/call", higher_is_better=False),
)


@dataclass(frozen=True)
class Driven:
    contender: Contender
    threads: bool  # a sync client in a thread pool, else async tasks


THREADED = [
    Contender("official_threads", "official SDK, thread pool", "sdk", "sync", OfficialSync),
    Contender("arize_api_threads", "arize_api ArizeClient, thread pool", "ours", "sync", OursSync),
]


async def _tasks(getter: Any, calls: int, width: int) -> None:
    left = calls

    async def worker() -> None:
        nonlocal left
        while left > 0:
            left -= 1
            await getter.get()

    await asyncio.gather(*(worker() for _ in range(width)))


def _threads(pool: ThreadPoolExecutor, getter: Any, calls: int, width: int) -> None:
    taken = itertools.count()  # next() on a count is atomic under the GIL

    def worker() -> None:
        while next(taken) < calls:
            getter.get()

    for future in [pool.submit(worker) for _ in range(width)]:
        future.result()


def run(ctx: Context) -> list[Row]:
    calls = ctx.sizes.concurrency_calls
    driven = [Driven(c, False) for c in ASYNC] + [Driven(c, True) for c in THREADED]
    getters: dict[str, Any] = {}
    for item in driven:
        made = item.contender.make(ctx.base_url)
        getters[item.contender.key] = made if item.threads else ctx.run(made)
    rows: list[Row] = []
    try:
        for width in ctx.sizes.widths:
            say(f"{SCENARIO}: {width} in flight, {calls} calls x {ctx.rounds} rounds")
            with ThreadPoolExecutor(max_workers=width) as pool:
                rows += _width(ctx, driven, getters, pool, calls, width)
    finally:
        for item in driven:
            closed = getters[item.contender.key].close()
            if not item.threads:
                ctx.run(closed)
    return rows


def _width(
    ctx: Context,
    driven: list[Driven],
    getters: dict[str, Any],
    pool: ThreadPoolExecutor,
    calls: int,
    width: int,
) -> list[Row]:
    def go(item: Driven, count: int) -> None:
        getter = getters[item.contender.key]
        if item.threads:
            _threads(pool, getter, count, width)
        else:
            ctx.run(_tasks(getter, count, width))

    for item in driven:  # open the connections this width needs
        go(item, 2 * width)

    counts = {item.contender.key: calls for item in driven}
    counts["httpx_async"] = min(calls, ctx.sizes.slow_calls)  # ~150-500 calls/s: bound the time

    def one(item: Driven) -> dict[str, float]:
        count = counts[item.contender.key]
        with timed(ctx.server) as sample:
            go(item, count)
        return {
            "calls_per_s": count / sample["wall"],
            "cpu_us": sample["cpu"] / count * 1e6,
            "server_busy": sample["server_busy"],
        }

    case = f"{width} in flight, {calls:,} calls a round"
    rows = {
        d.contender.key: Row(SCENARIO, case, d.contender.key, d.contender.label, d.contender.role)
        for d in driven
    }
    if counts["httpx_async"] != calls:
        rows["httpx_async"].note = f"{counts['httpx_async']:,} calls a round, to bound the run time"
    collect(rows, ctx.rounds, driven, lambda d: d.contender.key, one)
    return list(rows.values())
