"""Lifecycle: close()/aclose(), context managers, closed clients, shared pools, user clients."""

from __future__ import annotations

import asyncio
from typing import Any

import anyio
import httpx
import pytest

from arize_api import ArizeClient, ArizeError, AsyncArizeClient
from arize_api.api.datasets import get_dataset, list_datasets
from tests.support import clients as client_support
from tests.support.clients import API_KEY, FAST_RETRIES, problem_reply
from tests.support.payloads import dataset_json
from tests.support.scripted import Reply, ScriptedServer

# Fixtures from client_support used by this module.
server = client_support.server
clean_env = client_support.clean_env
anyio_backend = client_support.anyio_backend
pytestmark = pytest.mark.usefixtures("clean_env")

CLOSED = r"this (Async)?ArizeClient is closed; create a new one"


@pytest.fixture
def dataset_server(server: ScriptedServer) -> ScriptedServer:
    server.add("GET", "/v2/datasets/d1", json=dataset_json())
    server.add(
        "GET",
        "/v2/datasets",
        json={"datasets": [dataset_json()], "pagination": {"has_more": False}},
    )
    return server


def sync_client(url: str, **kwargs: Any) -> ArizeClient:
    return ArizeClient(api_key=API_KEY, base_url=url, retry_policy=FAST_RETRIES, **kwargs)


def async_client(url: str, **kwargs: Any) -> AsyncArizeClient:
    return AsyncArizeClient(api_key=API_KEY, base_url=url, retry_policy=FAST_RETRIES, **kwargs)


# --------------------------------------------------------------------------- sync


def test_sync_context_manager_closes_and_refuses_new_calls(dataset_server: ScriptedServer) -> None:
    with sync_client(dataset_server.url) as client:
        assert not client.is_closed
        assert get_dataset.sync(client=client, dataset_id="d1").id == "d1"
    assert client.is_closed
    with pytest.raises(ArizeError, match=CLOSED):
        get_dataset.sync(client=client, dataset_id="d1")
    with pytest.raises(ArizeError, match=CLOSED):
        get_dataset.sync_detailed(client=client, dataset_id="d1")
    with pytest.raises(ArizeError, match=CLOSED):
        list(client.paginate(list_datasets))
    with pytest.raises(ArizeError, match=CLOSED):
        client.with_options(max_retries=0)
    with pytest.raises(ArizeError, match=CLOSED), client:
        pass
    client.close()  # closing again is harmless
    assert len(dataset_server.requests) == 1


def test_sync_close(dataset_server: ScriptedServer) -> None:
    client = sync_client(dataset_server.url)
    get_dataset.sync(client=client, dataset_id="d1")
    client.close()
    assert client.is_closed
    with pytest.raises(ArizeError, match="is closed"):
        get_dataset.sync(client=client, dataset_id="d1")


def test_sync_copy_closing_leaves_the_original_open(dataset_server: ScriptedServer) -> None:
    original = sync_client(dataset_server.url)
    try:
        copy = original.with_options(max_retries=0)
        get_dataset.sync(client=copy, dataset_id="d1")
        copy.close()
        assert copy.is_closed
        assert not original.is_closed
        with pytest.raises(ArizeError, match=CLOSED):
            get_dataset.sync(client=copy, dataset_id="d1")
        assert get_dataset.sync(client=original, dataset_id="d1").id == "d1"
        first, second = dataset_server.requests
        assert first.connection_id == second.connection_id  # the pool was not closed
        other = original.with_options(timeout=5)
    finally:
        original.close()
    # Closing the original closes the shared pool: its copies are closed too.
    assert other.is_closed
    with pytest.raises(ArizeError, match=CLOSED):
        get_dataset.sync(client=other, dataset_id="d1")


def test_sync_user_http_client_is_used_and_left_open(server: ScriptedServer) -> None:
    server.add("GET", "/v2/datasets/d1", problem_reply(503), Reply(200, json=dataset_json()))
    server.add("GET", "/ping", json={"ok": True})
    seen: list[str] = []
    user = httpx.Client(event_hooks={"request": [lambda r: seen.append(r.url.path)]})
    with ArizeClient(
        api_key=API_KEY, base_url=server.url, http_client=user, retry_policy=FAST_RETRIES
    ) as client:
        assert get_dataset.sync(client=client, dataset_id="d1").id == "d1"
        copy = client.with_options(default_headers={"X-Copy": "1"})
        assert get_dataset.sync(client=copy, dataset_id="d1").id == "d1"
        copy.close()
    # Every attempt, retries included, went through the user's client.
    assert seen == ["/v2/datasets/d1"] * 3
    assert len(server.requests) == 3
    assert all(r.header("Authorization") == f"Bearer {API_KEY}" for r in server.requests)
    assert server.requests[2].header("X-Copy") == "1"
    assert client.is_closed
    assert not user.is_closed
    assert user.get(server.url + "/ping").json() == {"ok": True}
    user.close()


def test_sync_client_refuses_async_calls() -> None:
    client = ArizeClient(api_key=API_KEY)
    with pytest.raises(TypeError, match="ArizeClient is synchronous"):
        asyncio.run(get_dataset.asyncio("d1", client=client))
    client.close()


# --------------------------------------------------------------------------- async


@pytest.mark.anyio
async def test_async_context_manager_closes_and_refuses_new_calls(
    dataset_server: ScriptedServer,
) -> None:
    async with async_client(dataset_server.url) as client:
        assert not client.is_closed
        assert (await get_dataset.asyncio(client=client, dataset_id="d1")).id == "d1"
    assert client.is_closed
    with pytest.raises(ArizeError, match=CLOSED):
        await get_dataset.asyncio(client=client, dataset_id="d1")
    with pytest.raises(ArizeError, match=CLOSED):
        await get_dataset.asyncio_detailed(client=client, dataset_id="d1")
    with pytest.raises(ArizeError, match=CLOSED):
        _ = [d async for d in client.paginate(list_datasets)]
    with pytest.raises(ArizeError, match=CLOSED):
        client.with_options(max_retries=0)
    with pytest.raises(ArizeError, match=CLOSED):
        async with client:
            pass
    await client.aclose()
    assert len(dataset_server.requests) == 1


@pytest.mark.anyio
async def test_async_aclose(dataset_server: ScriptedServer) -> None:
    client = async_client(dataset_server.url)
    await get_dataset.asyncio(client=client, dataset_id="d1")
    await client.aclose()
    assert client.is_closed
    with pytest.raises(ArizeError, match="is closed"):
        await get_dataset.asyncio(client=client, dataset_id="d1")


@pytest.mark.anyio
async def test_async_copy_closing_leaves_the_original_open(dataset_server: ScriptedServer) -> None:
    original = async_client(dataset_server.url)
    try:
        copy = original.with_options(max_retries=0)
        await get_dataset.asyncio(client=copy, dataset_id="d1")
        await copy.aclose()
        assert copy.is_closed
        assert not original.is_closed
        with pytest.raises(ArizeError, match=CLOSED):
            await get_dataset.asyncio(client=copy, dataset_id="d1")
        assert (await get_dataset.asyncio(client=original, dataset_id="d1")).id == "d1"
        first, second = dataset_server.requests
        assert first.connection_id == second.connection_id
        other = original.with_options(timeout=5)
    finally:
        await original.aclose()
    assert other.is_closed
    with pytest.raises(ArizeError, match=CLOSED):
        await get_dataset.asyncio(client=other, dataset_id="d1")


@pytest.mark.anyio
async def test_async_user_http_client_is_used_and_left_open(server: ScriptedServer) -> None:
    server.add("GET", "/v2/datasets/d1", problem_reply(503), Reply(200, json=dataset_json()))
    server.add("GET", "/ping", json={"ok": True})
    seen: list[str] = []

    async def count(request: httpx.Request) -> None:
        seen.append(request.url.path)

    user = httpx.AsyncClient(event_hooks={"request": [count]})
    async with AsyncArizeClient(
        api_key=API_KEY, base_url=server.url, http_client=user, retry_policy=FAST_RETRIES
    ) as client:
        assert (await get_dataset.asyncio(client=client, dataset_id="d1")).id == "d1"
        copy = client.with_options(default_headers={"X-Copy": "1"})
        assert (await get_dataset.asyncio(client=copy, dataset_id="d1")).id == "d1"
        await copy.aclose()
    assert seen == ["/v2/datasets/d1"] * 3
    assert len(server.requests) == 3
    assert all(r.header("Authorization") == f"Bearer {API_KEY}" for r in server.requests)
    assert server.requests[2].header("X-Copy") == "1"
    assert client.is_closed
    assert not user.is_closed
    assert (await user.get(server.url + "/ping")).json() == {"ok": True}
    await user.aclose()


@pytest.mark.anyio
async def test_async_client_refuses_sync_calls() -> None:
    async with AsyncArizeClient(api_key=API_KEY) as client:
        with pytest.raises(TypeError, match="AsyncArizeClient is asynchronous"):
            get_dataset.sync(client=client, dataset_id="d1")


@pytest.mark.anyio
async def test_async_client_handles_concurrent_calls(server: ScriptedServer) -> None:
    server.add("GET", "/v2/datasets/d1", json=dataset_json())
    results: list[str] = []
    async with async_client(server.url) as client:

        async def one() -> None:
            results.append((await get_dataset.asyncio(client=client, dataset_id="d1")).id)

        async with anyio.create_task_group() as group:
            for _ in range(20):
                group.start_soon(one)
    assert results == ["d1"] * 20
    assert len(server.requests) == 20
