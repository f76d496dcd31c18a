"""Scenario 4, bulk v1 logging: records per second at concurrency 1, 8, 32 and 64.

Every contender starts from the same plain values per record (``bodies.record_kwargs``) and
posts one record per request to ``/v1/log``:

- ``arize_api``: ``record(...)`` built lazily by a generator, sent by ``log_many`` (the async
  client's tasks, and the sync client's threads);
- raw httpx and raw aiohttp: the equivalent proto-JSON dict posted by that many tasks;
- the official SDK: ``client.ml.log_stream(...)`` (its streaming logger: a thread pool of
  ``stream_max_workers`` posting through requests-futures), every future then awaited.

Every record must come back 200, or the run stops.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from typing import Any

from .. import bodies
from ..contenders import POOL, official_client
from ..context import Context
from ..stats import Metric, Row, collect, say, timed

SCENARIO = "4. Bulk v1 logging"
METRICS = (
    Metric("records_per_s", "records/s", higher_is_better=True),
    Metric("cpu_us", "client CPU µs/record", higher_is_better=False),
)
V1_HEADERS = {
    "Authorization": bodies.API_KEY,
    "Grpc-Metadata-space_id": bodies.SPACE_ID,
    "Content-Type": "application/json",
}

CONTENDERS = [  # key, label, role
    ("httpx_async", "raw httpx.AsyncClient", "httpx"),
    ("aiohttp", "raw aiohttp", "raw"),
    ("arize_api_async", "arize_api AsyncArizeClient.log_many", "ours"),
    ("arize_api", "arize_api ArizeClient.log_many (threads)", "ours"),
    ("official", "official SDK log_stream", "sdk"),
]


def _records(count: int) -> Iterator[Any]:
    from arize_api.v1 import record

    for index in range(count):
        yield record(bodies.MODEL_ID, **bodies.record_kwargs(index))


async def _raw_tasks(post: Callable[[dict[str, Any]], Any], count: int, width: int) -> None:
    taken = 0

    async def worker() -> None:
        nonlocal taken
        while taken < count:
            index, taken = taken, taken + 1
            status = await post(bodies.record_wire(index))
            if status != 200:
                raise RuntimeError(f"/v1/log answered {status}")

    await asyncio.gather(*(worker() for _ in range(width)))


class _Senders:
    """The clients of every contender (official ones per width: it sizes its pool at start)."""

    def __init__(self, ctx: Context) -> None:
        import aiohttp
        import httpx

        from arize_api import ArizeClient, AsyncArizeClient

        self.ctx = ctx
        limits = httpx.Limits(max_connections=POOL, max_keepalive_connections=POOL)
        self.httpx = httpx.AsyncClient(base_url=ctx.base_url, headers=V1_HEADERS, limits=limits)

        async def session() -> aiohttp.ClientSession:
            connector = aiohttp.TCPConnector(limit=POOL)
            return aiohttp.ClientSession(connector=connector, headers=V1_HEADERS)

        self.aiohttp = ctx.run(session())
        options = {"api_key": bodies.API_KEY, "base_url": ctx.base_url, "space_id": bodies.SPACE_ID}
        self.ours_async = AsyncArizeClient(**options)
        self.ours = ArizeClient(**options)
        self.official: dict[int, Any] = {}

    def send(self, key: str, count: int, width: int) -> None:
        ctx = self.ctx
        if key == "httpx_async":
            ctx.run(_raw_tasks(self._post_httpx, count, width))
        elif key == "aiohttp":
            ctx.run(_raw_tasks(self._post_aiohttp, count, width))
        elif key == "arize_api_async":
            summary = ctx.run(self.ours_async.log_many(_records(count), concurrency=width))
            _check(summary.sent, summary.failed, count)
        elif key == "arize_api":
            summary = self.ours.log_many(_records(count), concurrency=width)
            _check(summary.sent, summary.failed, count)
        else:
            self._official(count, width)

    async def _post_httpx(self, body: dict[str, Any]) -> int:
        response = await self.httpx.post("/v1/log", json=body)
        return response.status_code

    async def _post_aiohttp(self, body: dict[str, Any]) -> int:
        url = self.ctx.base_url + "/v1/log"
        async with self.aiohttp.post(url, data=json.dumps(body).encode()) as response:
            await response.read()
            return response.status

    def _official(self, count: int, width: int) -> None:
        from arize.ml.types import Environments, ModelTypes

        client = self.official.get(width)
        if client is None:
            client = self.official[width] = official_client(
                self.ctx.base_url, stream_max_workers=width
            )
        ml = client.ml
        futures = [
            ml.log_stream(
                space_id=bodies.SPACE_ID,
                model_name=bodies.MODEL_ID,
                model_type=ModelTypes.SCORE_CATEGORICAL,
                environment=Environments.PRODUCTION,
                **bodies.record_kwargs(index),
            )
            for index in range(count)
        ]
        ok = sum(future.result().status_code == 200 for future in futures)
        _check(ok, count - ok, count)

    def close(self) -> None:
        self.ctx.run(self.httpx.aclose())
        self.ctx.run(self.aiohttp.close())
        self.ctx.run(self.ours_async.aclose())
        self.ours.close()


def _check(sent: int, failed: int, count: int) -> None:
    if sent != count or failed:
        raise RuntimeError(f"logged {sent} of {count} records ({failed} failed)")


def run(ctx: Context) -> list[Row]:
    senders = _Senders(ctx)
    rows: list[Row] = []
    try:
        for width in ctx.sizes.log_widths:
            rows += _width(ctx, senders, width)
    finally:
        senders.close()
    return rows


def _width(ctx: Context, senders: _Senders, width: int) -> list[Row]:
    count = ctx.sizes.log_records_serial if width == 1 else ctx.sizes.log_records
    counts = {key: count for key, _, _ in CONTENDERS}
    counts["httpx_async"] = min(count, ctx.sizes.log_records_slow)  # bounds the run time
    say(f"{SCENARIO}: concurrency {width}, {count} records x {ctx.rounds} rounds")
    for key, _label, _role in CONTENDERS:  # warm-up: connections, lazy imports
        senders.send(key, 2 * width, width)

    def one(key: str) -> dict[str, float]:
        with timed(ctx.server) as sample:
            senders.send(key, counts[key], width)
        return {
            "records_per_s": counts[key] / sample["wall"],
            "cpu_us": sample["cpu"] / counts[key] * 1e6,
            "server_busy": sample["server_busy"],
        }

    case = f"concurrency {width}, {count:,} records a round"
    rows = {key: Row(SCENARIO, case, key, label, role) for key, label, role in CONTENDERS}
    if counts["httpx_async"] != count:
        rows[
            "httpx_async"
        ].note = f"{counts['httpx_async']:,} records a round, to bound the run time"
    collect(rows, ctx.rounds, [key for key, _, _ in CONTENDERS], lambda key: key, one)
    return list(rows.values())
