"""Event loops: the async client across successive loops; the sync client inside a running one.

Notebooks and scripts that call `asyncio.run()` more than once hand the same AsyncArizeClient
to a new event loop each time; Jupyter runs cells inside a loop, where people call the sync
client. Every call here is bounded by `run_bounded` (a thread joined with a time limit), so a
hang fails the test instead of stalling the run.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import warnings
from typing import Any

import httpx
import pytest

from arize_api import ArizeClient, ArizeError, AsyncArizeClient
from arize_api.api.datasets import get_dataset, list_datasets
from arize_api.v1 import record
from tests.support.payloads import SPACE_ID, dataset_json
from tests.support.reliability import API_KEY, FAST, run_bounded
from tests.support.scripted import Reply, ScriptedServer

pytest_plugins = ["tests.support.clients", "tests.support.reliability"]
pytestmark = [pytest.mark.usefixtures("clean_env", "leak_guard"), pytest.mark.timeout(60)]

LOOPS = 5


@pytest.fixture
def datasets(server: ScriptedServer) -> ScriptedServer:
    server.fallback = lambda request: Reply(200, json=dataset_json(request.path.rsplit("/", 1)[-1]))
    page1 = {"datasets": [dataset_json("a")], "pagination": {"has_more": True, "next_cursor": "c"}}
    page2 = {"datasets": [dataset_json("b")], "pagination": {"has_more": False}}
    server.add("GET", "/v2/datasets?limit=50", json=page1)
    server.add("GET", "/v2/datasets?limit=50&cursor=c", json=page2)
    server.add("POST", "/v1/log", json={})
    return server


def test_async_client_used_from_successive_event_loops(datasets: ScriptedServer) -> None:
    # Made outside any loop, as at the top of a notebook or a module.
    client = AsyncArizeClient(api_key=API_KEY, base_url=datasets.url, retry_policy=FAST)
    copy = client.with_options(timeout=5)  # shares the pool, so it moves loops too

    for n in range(LOOPS):

        async def use(n: int = n) -> tuple[list[str], list[str]]:
            ids = [f"loop{n}-{i}" for i in range(10)]
            got = await asyncio.gather(*(get_dataset.asyncio(i, client=client) for i in ids))
            walk = [d.id async for d in copy.paginate(list_datasets)]
            return [d.id for d in got], walk

        got, walk = run_bounded(use, 10)
        assert got == [f"loop{n}-{i}" for i in range(10)]
        assert walk == ["a", "b"]

    run_bounded(client.aclose, 10)  # closing from yet another loop neither hangs nor raises
    assert client.is_closed and copy.is_closed
    assert len(datasets.requests) == LOOPS * 12

    async def after_close() -> Any:
        return await get_dataset.asyncio("x", client=client)

    with pytest.raises(ArizeError, match="is closed"):
        run_bounded(after_close, 10)


def test_moving_to_a_new_loop_leaves_nothing_unclosed_behind(
    datasets: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    client = AsyncArizeClient(api_key=API_KEY, base_url=datasets.url, retry_policy=FAST)

    async def call() -> str:
        return (await get_dataset.asyncio("d1", client=client)).id

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            assert run_bounded(call, 10) == "d1"
        run_bounded(client.aclose, 10)
        gc.collect()
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    unclosed = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert (errors, unclosed) == ([], [])


def test_async_client_closed_in_the_loop_that_used_it_then_reused_is_refused(
    datasets: ScriptedServer,
) -> None:
    async def first() -> str:
        async with AsyncArizeClient(api_key=API_KEY, base_url=datasets.url) as client:
            holder.append(client)
            return (await get_dataset.asyncio("d1", client=client)).id

    holder: list[AsyncArizeClient] = []
    assert run_bounded(first, 10) == "d1"

    async def second() -> Any:
        return await get_dataset.asyncio("d1", client=holder[0])

    with pytest.raises(ArizeError, match="is closed"):
        run_bounded(second, 10)


def test_user_http_client_across_event_loops_works_or_fails_clearly(
    datasets: ScriptedServer,
) -> None:
    user = httpx.AsyncClient()
    client = AsyncArizeClient(
        api_key=API_KEY, base_url=datasets.url, http_client=user, retry_policy=FAST
    )

    async def call() -> str:
        return (await get_dataset.asyncio("d1", client=client)).id

    assert run_bounded(call, 10) == "d1"
    try:
        assert run_bounded(call, 10) == "d1"  # works ...
    except ArizeError as error:  # ... or says what is wrong
        assert "loop" in str(error)


def test_sync_client_inside_a_running_event_loop(datasets: ScriptedServer) -> None:
    """As in a Jupyter cell: sync calls from code that runs inside an event loop."""
    client = ArizeClient(
        api_key=API_KEY, base_url=datasets.url, space_id=SPACE_ID, retry_policy=FAST
    )

    async def cell() -> tuple[str, list[str], str, Any]:
        asyncio.get_running_loop()  # we are inside a loop
        background = asyncio.create_task(asyncio.sleep(0.01))  # and the loop has other work
        one = get_dataset.sync("d1", client=client).id
        walk = [d.id for d in client.paginate(list_datasets)]
        logged = client.log(record("m", prediction_label=1.0, prediction_id="p1"))
        summary = client.log_many(
            [record("m", prediction_label=float(i), prediction_id=f"p{i}") for i in range(5)],
            concurrency=2,
        )
        await background
        return one, walk, logged, summary

    with client:
        one, walk, logged, summary = run_bounded(cell, 20)
    assert (one, walk, logged) == ("d1", ["a", "b"], "p1")
    assert (summary.sent, summary.failed) == (5, 0)


def test_sync_client_from_a_worker_thread_of_a_running_loop(datasets: ScriptedServer) -> None:
    """`await asyncio.to_thread(sync_call)`: the usual way to call blocking code from async."""
    with ArizeClient(api_key=API_KEY, base_url=datasets.url, retry_policy=FAST) as client:

        async def main() -> list[str]:
            calls = [asyncio.to_thread(get_dataset.sync, f"t{i}", client=client) for i in range(8)]
            return [d.id for d in await asyncio.gather(*calls)]

        assert run_bounded(main, 20) == [f"t{i}" for i in range(8)]
