"""Scenario 1, per-call overhead: N sequential ``get_dataset`` calls, sync and async.

Reports wall time and client CPU time (``time.process_time`` of this process) per call.
"""

from __future__ import annotations

from typing import Any

from ..contenders import ASYNC, SYNC, Contender
from ..context import Context
from ..stats import Metric, Row, collect, say, timed

SCENARIO = "1. Per-call overhead"
METRICS = (
    Metric("cpu_us", "client CPU µs/call", higher_is_better=False),
    Metric("wall_us", "wall µs/call", higher_is_better=False),
)
WARMUP = 20


def _per_call(sample: dict[str, float], calls: int) -> dict[str, float]:
    return {
        "cpu_us": sample["cpu"] / calls * 1e6,
        "wall_us": sample["wall"] / calls * 1e6,
        "server_busy": sample["server_busy"],
    }


def run(ctx: Context) -> list[Row]:
    calls = ctx.sizes.overhead_calls
    rows = _sync(ctx, calls) + _async(ctx, calls)
    rows.append(
        Row(
            SCENARIO,
            f"async, {calls:,} calls",
            "official",
            "official SDK",
            "sdk",
            note="n/a: the official SDK has no async client",
        )
    )
    return rows


def _rows(case: str, contenders: list[Contender]) -> dict[str, Row]:
    return {c.key: Row(SCENARIO, case, c.key, c.label, c.role) for c in contenders}


def _sync(ctx: Context, calls: int) -> list[Row]:
    say(f"{SCENARIO}: sync, {calls} calls x {ctx.rounds} rounds")
    getters: dict[str, Any] = {c.key: c.make(ctx.base_url) for c in SYNC}
    for getter in getters.values():
        for _ in range(WARMUP):
            getter.get()

    def one(contender: Contender) -> dict[str, float]:
        get = getters[contender.key].get
        with timed(ctx.server) as sample:
            for _ in range(calls):
                get()
        return _per_call(sample, calls)

    rows = _rows(f"sync, {calls:,} calls", SYNC)
    try:
        collect(rows, ctx.rounds, SYNC, lambda c: c.key, one)
    finally:
        for getter in getters.values():
            getter.close()
    return list(rows.values())


def _async(ctx: Context, calls: int) -> list[Row]:
    say(f"{SCENARIO}: async, {calls} calls x {ctx.rounds} rounds")
    getters: dict[str, Any] = {c.key: ctx.run(c.make(ctx.base_url)) for c in ASYNC}

    async def sequential(getter: Any, count: int) -> None:
        for _ in range(count):
            await getter.get()

    for getter in getters.values():
        ctx.run(sequential(getter, WARMUP))

    def one(contender: Contender) -> dict[str, float]:
        with timed(ctx.server) as sample:
            ctx.run(sequential(getters[contender.key], calls))
        return _per_call(sample, calls)

    rows = _rows(f"async, {calls:,} calls", ASYNC)
    try:
        collect(rows, ctx.rounds, ASYNC, lambda c: c.key, one)
    finally:
        for getter in getters.values():
            ctx.run(getter.close())
    return list(rows.values())
