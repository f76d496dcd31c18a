"""Load: many concurrent calls on one client each get their own answer.

The server is a lean aiohttp.web app in a subprocess that echoes the requested id back (so a
mixed-up answer shows) and counts connections, so the client's pool bound can be checked from
the other side of the socket.
"""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from arize_api import ArizeClient, AsyncArizeClient
from arize_api._wires import ConnectionSettings
from arize_api.api.datasets import get_dataset, list_datasets
from tests.support.aioserver import PAGE_SIZE, PAGES, AioServer
from tests.support.reliability import API_KEY, FAST, run_bounded

pytest_plugins = ["tests.support.clients", "tests.support.reliability", "tests.support.aioserver"]
pytestmark = [pytest.mark.usefixtures("clean_env", "leak_guard"), pytest.mark.timeout(90)]

POOL = ConnectionSettings().max_connections
ASYNC_CALLS = 5_000
THREADS = 16
CALLS_PER_THREAD = 100


def test_5000_concurrent_async_calls_over_a_pool_of_100(aio: AioServer) -> None:
    ids = [f"load-{i}" for i in range(ASYNC_CALLS)]

    async def main() -> tuple[list[str], list[str], float]:
        async with AsyncArizeClient(api_key=API_KEY, base_url=aio.url, retry_policy=FAST) as c:
            started = time.monotonic()
            got = await asyncio.gather(*(get_dataset.asyncio(i, client=c) for i in ids))
            elapsed = time.monotonic() - started
        return [d.id for d in got], [d.name for d in got], elapsed

    got_ids, names, elapsed = run_bounded(main, 60)
    assert got_ids == ids  # every call got its own answer, in its own place
    assert names == [f"name of {i}" for i in ids]
    assert elapsed < 45
    stats = aio.stats()
    assert stats["requests"] == ASYNC_CALLS  # none lost, none repeated
    assert stats["peak_open"] <= POOL + 1  # the pool bound (+1: the test's control connection)
    assert stats["connections"] <= POOL + 1  # and connections were kept alive and reused


def test_concurrent_async_walks_each_get_their_own_pages(aio: AioServer) -> None:
    names = [f"walk-{i}" for i in range(200)]

    async def main() -> list[list[str]]:
        async with AsyncArizeClient(api_key=API_KEY, base_url=aio.url, retry_policy=FAST) as c:

            async def walk(name: str) -> list[str]:
                return [d.id async for d in c.paginate(list_datasets, name=name, limit=PAGE_SIZE)]

            return await asyncio.gather(*(walk(n) for n in names))

    walks = run_bounded(main, 60)
    for name, ids in zip(names, walks, strict=True):
        assert ids == [f"{name}-p{p}-i{k}" for p in range(PAGES) for k in range(PAGE_SIZE)]
    assert aio.stats()["requests"] == len(names) * PAGES


def test_sync_client_shared_by_16_threads(aio: AioServer) -> None:
    barrier = threading.Barrier(THREADS)
    with ArizeClient(api_key=API_KEY, base_url=aio.url, retry_policy=FAST) as client:

        def work(thread: int) -> list[tuple[str, str]]:
            barrier.wait(timeout=10)  # all threads start together
            out = []
            for i in range(CALLS_PER_THREAD):
                wanted = f"t{thread}-c{i}"
                dataset = get_dataset.sync(wanted, client=client)
                out.append((wanted, dataset.id))
                if i % 25 == 0:  # walks interleaved with the single calls
                    walk = [d.id for d in client.paginate(list_datasets, name=wanted)]
                    assert len(walk) == PAGE_SIZE * PAGES and walk[0].startswith(wanted)
            return out

        started = time.monotonic()
        with ThreadPoolExecutor(THREADS) as pool:
            results = list(pool.map(work, range(THREADS), timeout=60))
        elapsed = time.monotonic() - started
    pairs = [pair for result in results for pair in result]
    assert len(pairs) == THREADS * CALLS_PER_THREAD
    assert all(wanted == got for wanted, got in pairs)
    assert elapsed < 45
    stats = aio.stats()
    walks = THREADS * (CALLS_PER_THREAD // 25)
    assert stats["requests"] == THREADS * CALLS_PER_THREAD + walks * PAGES
    assert stats["peak_open"] <= THREADS + 1
