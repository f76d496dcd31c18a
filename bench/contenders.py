"""The clients compared, each reduced to "fetch the dataset and give me its name".

Every contender sends the same request (``GET /v2/datasets/{id}`` with a bearer key and a
user agent), decodes the JSON and returns ``name``; the raw ones stop there, ``arize_api`` and
the official SDK also build their typed model. Connection pools are the same size everywhere
(``arize_api``'s default, 100), so no pool limit binds at the widths measured (64 at most).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

from . import bodies

POOL = 100
PATH = f"/v2/datasets/{bodies.GET_DATASET_ID}"
HEADERS = {"Authorization": f"Bearer {bodies.API_KEY}", "User-Agent": "arize-api-bench"}

Role = Literal["httpx", "sdk", "ours", "raw"]


class SyncGetter(Protocol):
    def get(self) -> str: ...
    def close(self) -> None: ...


class AsyncGetter(Protocol):
    async def get(self) -> str: ...
    async def close(self) -> None: ...


@dataclass(frozen=True)
class Contender:
    key: str
    label: str
    role: Role
    flavour: Literal["sync", "async"]
    make: Callable[[str], Any]  # base_url -> SyncGetter, or an awaitable AsyncGetter


def _check(status: int, name: str) -> str:
    if status != 200 or name != bodies.DATASET_NAME:
        raise RuntimeError(f"unexpected answer: status {status}, name {name!r}")
    return name


class RawUrllib3:
    def __init__(self, base_url: str) -> None:
        import urllib3

        url = urlsplit(base_url)
        self.pool = urllib3.HTTPConnectionPool(
            url.hostname, url.port, maxsize=POOL, headers=HEADERS
        )

    def get(self) -> str:
        response = self.pool.request("GET", PATH)
        return _check(response.status, json.loads(response.data)["name"])

    def close(self) -> None:
        self.pool.close()


class RawHttpx:
    def __init__(self, base_url: str, transport: Any = None) -> None:
        import httpx

        limits = httpx.Limits(max_connections=POOL, max_keepalive_connections=POOL)
        self.client = httpx.Client(
            base_url=base_url, headers=HEADERS, limits=limits, transport=transport
        )

    def get(self) -> str:
        response = self.client.get(PATH)
        return _check(response.status_code, response.json()["name"])

    def close(self) -> None:
        self.client.close()


class OurWireSync:
    """arize_api's urllib3 wire alone: no engine, no model (what the engine adds is the gap)."""

    def __init__(self, base_url: str) -> None:
        from arize_api._wires import ConnectionSettings
        from arize_api._wires.sync_urllib3 import Urllib3Wire

        self.wire = Urllib3Wire(ConnectionSettings(max_connections=POOL, trust_env=False))
        self.url = base_url + PATH

    def get(self) -> str:
        from arize_api._wires import WireRequest

        request = WireRequest("GET", self.url, HEADERS, None, time.monotonic() + 60)
        response = self.wire.send(request)
        return _check(response.status, json.loads(response.body)["name"])

    def close(self) -> None:
        self.wire.close()


class OursSync:
    def __init__(self, base_url: str) -> None:
        from arize_api import ArizeClient
        from arize_api.api.datasets import get_dataset

        self.client = ArizeClient(api_key=bodies.API_KEY, base_url=base_url)
        self.operation = get_dataset

    def get(self) -> str:
        dataset = self.operation.sync(client=self.client, dataset_id=bodies.GET_DATASET_ID)
        return _check(200, dataset.name)

    def close(self) -> None:
        self.client.close()


def official_client(base_url: str, **options: Any) -> Any:
    """The official SDK's client, pointed at the loopback server (and nowhere else)."""
    from arize import ArizeClient

    logging.getLogger("arize").setLevel(logging.ERROR)  # its once-per-process beta notices
    url = urlsplit(base_url)
    if url.hostname != "127.0.0.1":
        raise ValueError("the bench only talks to 127.0.0.1")
    return ArizeClient(
        api_key=bodies.API_KEY,
        api_host=url.hostname,
        api_scheme="http",
        api_port=url.port,
        connection_pool_maxsize=POOL,
        enable_caching=False,
        **options,
    )


class OfficialSync:
    def __init__(self, base_url: str) -> None:
        self.client = official_client(base_url)
        self.datasets = self.client.datasets

    def get(self) -> str:
        return _check(200, self.datasets.get(dataset=bodies.GET_DATASET_ID).name)

    def close(self) -> None:
        """The SDK's client has no close(); its pool goes with it."""


class RawAiohttp:
    def __init__(self, base_url: str) -> None:
        import aiohttp

        connector = aiohttp.TCPConnector(limit=POOL)
        self.session = aiohttp.ClientSession(connector=connector, headers=HEADERS)
        self.url = base_url + PATH

    async def get(self) -> str:
        async with self.session.get(self.url) as response:
            body = await response.read()
            return _check(response.status, json.loads(body)["name"])

    async def close(self) -> None:
        await self.session.close()


class RawHttpxAsync:
    def __init__(self, base_url: str, transport: Any = None) -> None:
        import httpx

        limits = httpx.Limits(max_connections=POOL, max_keepalive_connections=POOL)
        self.client = httpx.AsyncClient(
            base_url=base_url, headers=HEADERS, limits=limits, transport=transport
        )

    async def get(self) -> str:
        response = await self.client.get(PATH)
        return _check(response.status_code, response.json()["name"])

    async def close(self) -> None:
        await self.client.aclose()


class OurWireAsync:
    """arize_api's aiohttp wire alone: no engine, no model."""

    def __init__(self, base_url: str) -> None:
        from arize_api._wires import ConnectionSettings
        from arize_api._wires.async_aiohttp import AiohttpWire

        self.wire = AiohttpWire(ConnectionSettings(max_connections=POOL, trust_env=False))
        self.url = base_url + PATH

    async def get(self) -> str:
        from arize_api._wires import WireRequest

        request = WireRequest("GET", self.url, HEADERS, None, time.monotonic() + 60)
        response = await self.wire.send(request)
        return _check(response.status, json.loads(response.body)["name"])

    async def close(self) -> None:
        await self.wire.aclose()


class OursAsync:
    def __init__(self, base_url: str) -> None:
        from arize_api import AsyncArizeClient
        from arize_api.api.datasets import get_dataset

        self.client = AsyncArizeClient(api_key=bodies.API_KEY, base_url=base_url)
        self.operation = get_dataset

    async def get(self) -> str:
        dataset = await self.operation.asyncio(client=self.client, dataset_id=bodies.GET_DATASET_ID)
        return _check(200, dataset.name)

    async def close(self) -> None:
        await self.client.aclose()


async def _async(factory: Callable[[str], Any], base_url: str) -> Any:
    return factory(base_url)  # aiohttp sessions must be made inside the running loop


def _in_loop(factory: Callable[[str], Any]) -> Callable[[str], Awaitable[Any]]:
    return lambda base_url: _async(factory, base_url)


SYNC = [
    Contender("urllib3", "raw urllib3", "raw", "sync", RawUrllib3),
    Contender("httpx", "raw httpx", "httpx", "sync", RawHttpx),
    Contender("wire_urllib3", "arize_api's urllib3 wire alone", "raw", "sync", OurWireSync),
    Contender("arize_api", "arize_api ArizeClient", "ours", "sync", OursSync),
    Contender("official", "official SDK", "sdk", "sync", OfficialSync),
]
ASYNC = [
    Contender("aiohttp", "raw aiohttp", "raw", "async", _in_loop(RawAiohttp)),
    Contender("httpx_async", "raw httpx.AsyncClient", "httpx", "async", _in_loop(RawHttpxAsync)),
    Contender(
        "wire_aiohttp", "arize_api's aiohttp wire alone", "raw", "async", _in_loop(OurWireAsync)
    ),
    Contender(
        "arize_api_async", "arize_api AsyncArizeClient", "ours", "async", _in_loop(OursAsync)
    ),
]
