"""Scenario 3, auto-pagination: walk N dataset examples, 500 a page, each walk in a new process.

A fresh interpreter per walk makes the memory figure clean: after imports, client set-up and a
two-page warm-up walk, the peak resident set (``VmHWM``) is read; the growth of that peak
over the real walk is what iterating N items cost in memory. Flat means the growth at
N = 100,000 is no larger than at 10,000 (beyond noise): the client holds one page, not all.

Contenders: ``client.paginate`` (sync and async), the same generated operation in a
hand-written cursor loop (so paginate()'s own cost shows apart from building typed pages),
raw cursor loops on httpx, urllib3 and aiohttp (JSON decoded, every item visited), and the
official SDK's manual cursor loop over ``client.datasets.list_examples`` (which posts to
``/examples/search``; same pages).

``python -m bench.scenarios.pagination CONTENDER TOTAL BASE_URL`` runs one walk and prints JSON.
"""

from __future__ import annotations

import asyncio
import gc
import json
import subprocess
import sys
import time
from collections.abc import Callable

from .. import ROOT, bodies
from ..contenders import HEADERS, official_client
from ..context import Context
from ..stats import Metric, Row, rotations, say
from .imports import peak_rss_mb

SCENARIO = "3. Auto-pagination"
METRICS = (
    Metric("items_per_s", "items/s", higher_is_better=True),
    Metric("rss_growth_mb", "peak RSS growth MB", higher_is_better=False, ratios=False),
)
WARMUP_TOTAL = 2 * bodies.PAGE_SIZE

CONTENDERS = [  # key, label, role
    ("httpx", "raw httpx cursor loop", "httpx"),
    ("urllib3", "raw urllib3 cursor loop", "raw"),
    ("arize_api", "arize_api ArizeClient.paginate", "ours"),
    ("arize_api_loop", "arize_api operation, hand-written cursor loop", "ours"),
    ("aiohttp", "raw aiohttp cursor loop", "raw"),
    ("arize_api_async", "arize_api AsyncArizeClient.paginate", "ours"),
    ("official", "official SDK cursor loop", "sdk"),
]


def _path(total: int) -> str:
    return f"/v2/datasets/{bodies.dataset_id(total)}/examples"


def _walk_httpx(base_url: str) -> Callable[[int], int]:
    import httpx

    client = httpx.Client(base_url=base_url, headers=HEADERS)

    def walk(total: int) -> int:
        count, params = 0, {"limit": bodies.PAGE_SIZE}
        while True:
            page = client.get(_path(total), params=params).raise_for_status().json()
            for _item in page["examples"]:
                count += 1
            if not page["pagination"]["has_more"]:
                return count
            params = {"limit": bodies.PAGE_SIZE, "cursor": page["pagination"]["next_cursor"]}

    return walk


def _walk_urllib3(base_url: str) -> Callable[[int], int]:
    import urllib3

    pool = urllib3.connection_from_url(base_url, headers=HEADERS)

    def walk(total: int) -> int:
        count, fields = 0, {"limit": bodies.PAGE_SIZE}
        while True:
            response = pool.request("GET", _path(total), fields=fields)
            if response.status != 200:
                raise RuntimeError(f"status {response.status}")
            page = json.loads(response.data)
            for _item in page["examples"]:
                count += 1
            if not page["pagination"]["has_more"]:
                return count
            fields = {"limit": bodies.PAGE_SIZE, "cursor": page["pagination"]["next_cursor"]}

    return walk


def _walk_ours(base_url: str) -> Callable[[int], int]:
    from arize_api import ArizeClient
    from arize_api.api.datasets import list_dataset_examples

    client = ArizeClient(api_key=bodies.API_KEY, base_url=base_url)

    def walk(total: int) -> int:
        count = 0
        items = client.paginate(
            list_dataset_examples, dataset_id=bodies.dataset_id(total), limit=bodies.PAGE_SIZE
        )
        for _item in items:
            count += 1
        return count

    return walk


def _walk_ours_by_hand(base_url: str) -> Callable[[int], int]:
    """The generated operation in a cursor loop: what paginate() costs beyond the typed pages."""
    from arize_api import ArizeClient
    from arize_api.api.datasets import list_dataset_examples

    client = ArizeClient(api_key=bodies.API_KEY, base_url=base_url)

    def walk(total: int) -> int:
        count, cursor = 0, None
        while True:
            options = {} if cursor is None else {"cursor": cursor}
            page = list_dataset_examples.sync(
                bodies.dataset_id(total), client=client, limit=bodies.PAGE_SIZE, **options
            )
            for _item in page.examples:
                count += 1
            if not page.pagination.has_more:
                return count
            cursor = page.pagination.next_cursor

    return walk


def _walk_official(base_url: str) -> Callable[[int], int]:
    datasets = official_client(base_url).datasets

    def walk(total: int) -> int:
        count, cursor = 0, None
        while True:
            page = datasets.list_examples(
                dataset=bodies.dataset_id(total), limit=bodies.PAGE_SIZE, cursor=cursor
            )
            for _item in page.examples:
                count += 1
            if not page.pagination.has_more:
                return count
            cursor = page.pagination.next_cursor

    return walk


def _walk_aiohttp(base_url: str) -> Callable[[int], int]:
    import aiohttp

    loop = asyncio.new_event_loop()

    async def walk_async(total: int) -> int:
        async with aiohttp.ClientSession(headers=HEADERS) as session:
            count, params = 0, {"limit": bodies.PAGE_SIZE}
            while True:
                async with session.get(base_url + _path(total), params=params) as response:
                    response.raise_for_status()
                    page = json.loads(await response.read())
                for _item in page["examples"]:
                    count += 1
                if not page["pagination"]["has_more"]:
                    return count
                params = {"limit": bodies.PAGE_SIZE, "cursor": page["pagination"]["next_cursor"]}

    return lambda total: loop.run_until_complete(walk_async(total))


def _walk_ours_async(base_url: str) -> Callable[[int], int]:
    from arize_api import AsyncArizeClient
    from arize_api.api.datasets import list_dataset_examples

    loop = asyncio.new_event_loop()
    client = AsyncArizeClient(api_key=bodies.API_KEY, base_url=base_url)

    async def walk_async(total: int) -> int:
        count = 0
        items = client.paginate(
            list_dataset_examples, dataset_id=bodies.dataset_id(total), limit=bodies.PAGE_SIZE
        )
        async for _item in items:
            count += 1
        return count

    return lambda total: loop.run_until_complete(walk_async(total))


WALKS: dict[str, Callable[[str], Callable[[int], int]]] = {
    "httpx": _walk_httpx,
    "urllib3": _walk_urllib3,
    "arize_api": _walk_ours,
    "arize_api_loop": _walk_ours_by_hand,
    "aiohttp": _walk_aiohttp,
    "arize_api_async": _walk_ours_async,
    "official": _walk_official,
}


def child(key: str, total: int, base_url: str) -> dict[str, float]:
    """One walk in this (fresh) process: set up, warm up, then measure."""
    walk = WALKS[key](base_url)
    if walk(WARMUP_TOTAL) != WARMUP_TOTAL:
        raise RuntimeError("warm-up walk came back short")
    gc.collect()
    base = peak_rss_mb()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    count = walk(total)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    if count != total:
        raise RuntimeError(f"{key} walked {count} items of {total}")
    return {
        "items_per_s": total / wall,
        "rss_growth_mb": peak_rss_mb() - base,
        "cpu_us_per_item": cpu / total * 1e6,
        "rss_base_mb": base,
    }


def _spawn(key: str, total: int, base_url: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.scenarios.pagination", key, str(total), base_url],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise RuntimeError(f"pagination walk {key} N={total} failed:\n{done.stderr[-2000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run(ctx: Context) -> list[Row]:
    rows: dict[tuple[int, str], Row] = {}
    for total in ctx.sizes.page_totals:
        for key, label, role in CONTENDERS:
            case = f"N = {total:,} items"
            rows[total, key] = Row(SCENARIO, case, key, label, role)
    say(
        f"{SCENARIO}: N in {ctx.sizes.page_totals}, {len(CONTENDERS)} contenders x "
        f"{ctx.rounds} rounds, one process each"
    )
    for _round, (key, _label, _role) in rotations(CONTENDERS, ctx.rounds):
        for total in ctx.sizes.page_totals:
            server0 = ctx.server.cpu_seconds()
            result = _spawn(key, total, ctx.base_url)
            # the walk's wall time, though the server also served the warm-up: an upper bound
            walk_wall = total / result["items_per_s"]
            result["server_busy"] = (ctx.server.cpu_seconds() - server0) / walk_wall
            row = rows[total, key]
            for metric, value in result.items():
                row.samples.setdefault(metric, []).append(value)
    return list(rows.values())


def main(argv: list[str]) -> None:
    key, total, base_url = argv
    print(json.dumps(child(key, int(total), base_url)))


if __name__ == "__main__":
    main(sys.argv[1:])
