"""Shared pieces of the client-layer tests (`tests/engine/`, `tests/clients/`, ...).

`flavour` runs one test body twice, through `ArizeClient` and through `AsyncArizeClient`:
`flavour.call(get_dataset, client=c, dataset_id="d1")` is `get_dataset.sync(...)` for the sync
flavour and `get_dataset.asyncio(...)` awaited on one event loop (kept for the whole test, so
the async client's connection pool lives on a single loop) for the async flavour. Every client
a flavour makes is closed when the test ends.

Fixtures are imported by the test modules that use them (`from tests.support.clients import
flavour, server, ...`), so each module says what it relies on.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterable, Iterable, Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest

from arize_api import ArizeClient, AsyncArizeClient, RetryPolicy
from tests.support import free_port
from tests.support.scripted import Reply, ScriptedServer

# Distinctive, so that a search for it in logs, reprs and messages cannot hit by accident.
API_KEY = "arz-live-Q7v2K9xPz4mW8cT1-SECRET-5e0d"
DATASET_ID = "RGF0YXNldDox"
# Retries in milliseconds rather than seconds; max_retries still comes from the client.
FAST_RETRIES = RetryPolicy(initial_delay=0.01, max_delay=0.05)
ENV_VARS = ("ARIZE_API_KEY", "ARIZE_REGION", "ARIZE_BASE_URL", "ARIZE_SPACE_ID", "ARIZE_SPACE_KEY")

AnyClient = ArizeClient | AsyncArizeClient


def problem_reply(status: int, *, headers: dict[str, str] | None = None, **members: Any) -> Reply:
    """An RFC 9457 problem answer."""
    body = {"title": f"title {status}", "status": status, **members}
    return Reply(
        status,
        body=json.dumps(body),
        headers={"Content-Type": "application/problem+json", **(headers or {})},
    )


def refused_url() -> str:
    """A loopback URL where nothing listens (a port that was just free)."""
    return f"http://127.0.0.1:{free_port()}"


class _ForwardToLocal(httpx.BaseTransport):
    """Records each request's URL, then sends it to a local server instead of its real host."""

    def __init__(self, local_url: str, seen: list[httpx.URL]) -> None:
        self._local = httpx.URL(local_url)
        self._seen = seen
        self._inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._seen.append(request.url)
        request.url = request.url.copy_with(
            scheme=self._local.scheme, host=self._local.host, port=self._local.port
        )
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


class _AsyncForwardToLocal(httpx.AsyncBaseTransport):
    def __init__(self, local_url: str, seen: list[httpx.URL]) -> None:
        self._local = httpx.URL(local_url)
        self._seen = seen
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._seen.append(request.url)
        request.url = request.url.copy_with(
            scheme=self._local.scheme, host=self._local.host, port=self._local.port
        )
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


class Flavour:
    """Sync or async calls behind one interface; closes what it made when the test ends."""

    def __init__(self, name: str) -> None:
        assert name in ("sync", "async")
        self.name = name
        self.is_async = name == "async"
        self._runner = asyncio.Runner() if self.is_async else None
        self._clients: list[AnyClient] = []
        self._http_clients: list[httpx.Client | httpx.AsyncClient] = []

    def __repr__(self) -> str:
        return f"<Flavour {self.name}>"

    @property
    def client_class(self) -> type[AnyClient]:
        return AsyncArizeClient if self.is_async else ArizeClient

    def client(self, base_url: str | None = None, **kwargs: Any) -> Any:
        """A client of this flavour: the test key and fast retries unless told otherwise.

        The one-time alpha-operation notice is off: it is process-wide state that the tests
        of that notice own, and nothing here is about it.
        """
        kwargs.setdefault("api_key", API_KEY)
        kwargs.setdefault("retry_policy", FAST_RETRIES)
        kwargs.setdefault("warn_alpha", False)
        client = self.client_class(base_url=base_url, **kwargs)
        self._clients.append(client)
        return client

    def adopt(self, client: AnyClient) -> AnyClient:
        """Close `client` (e.g. a with_options copy) at the end of the test too."""
        self._clients.append(client)
        return client

    def forwarding_http_client(self, local_url: str) -> tuple[Any, list[httpx.URL]]:
        """A user-supplied httpx client that records request URLs and sends them to `local_url`."""
        seen: list[httpx.URL] = []
        http_client: httpx.Client | httpx.AsyncClient
        if self.is_async:
            http_client = httpx.AsyncClient(transport=_AsyncForwardToLocal(local_url, seen))
        else:
            http_client = httpx.Client(transport=_ForwardToLocal(local_url, seen))
        self._http_clients.append(http_client)
        return http_client, seen

    def run(self, awaitable: Any) -> Any:
        assert self._runner is not None
        return self._runner.run(awaitable)

    def call(self, operation: ModuleType, *args: Any, **kwargs: Any) -> Any:
        """`operation.sync(...)`, or `operation.asyncio(...)` run to completion."""
        if self.is_async:
            return self.run(operation.asyncio(*args, **kwargs))
        return operation.sync(*args, **kwargs)

    def call_detailed(self, operation: ModuleType, *args: Any, **kwargs: Any) -> Any:
        if self.is_async:
            return self.run(operation.asyncio_detailed(*args, **kwargs))
        return operation.sync_detailed(*args, **kwargs)

    def collect(self, iterable: Iterable[Any] | AsyncIterable[Any]) -> tuple[list[Any], Any]:
        """Everything `iterable` yields and the exception that ended it (None if none)."""
        got: list[Any] = []
        if not self.is_async:
            assert isinstance(iterable, Iterable)
            try:
                for item in iterable:
                    got.append(item)
            except Exception as exc:
                return got, exc
            return got, None

        async def drain() -> Any:
            assert isinstance(iterable, AsyncIterable)
            try:
                async for item in iterable:
                    got.append(item)
            except Exception as exc:
                return exc
            return None

        return got, self.run(drain())

    def items(self, iterable: Iterable[Any] | AsyncIterable[Any]) -> list[Any]:
        got, error = self.collect(iterable)
        if error is not None:
            raise error
        return got

    def first(self, iterable: Iterable[Any] | AsyncIterable[Any]) -> Any:
        """The first thing `iterable` yields, without asking for more."""
        if not self.is_async:
            assert isinstance(iterable, Iterable)
            return next(iter(iterable))
        assert isinstance(iterable, AsyncIterable)
        return self.run(anext(aiter(iterable)))

    def close(self, client: AnyClient) -> None:
        if isinstance(client, AsyncArizeClient):
            self.run(client.aclose())
        else:
            client.close()

    def finish(self) -> None:
        for client in reversed(self._clients):
            self.close(client)
        for http_client in self._http_clients:
            if isinstance(http_client, httpx.AsyncClient):
                self.run(http_client.aclose())
            else:
                http_client.close()
        if self._runner is not None:
            self._runner.close()


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=False)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No ARIZE_* variable from the machine running the tests leaks into them."""
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest, clean_env: pytest.MonkeyPatch) -> Iterator[Flavour]:
    """Each flavour in turn (a test may parametrize it indirectly to mark one of them)."""
    f = Flavour(request.param)
    try:
        yield f
    finally:
        f.finish()


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as s:
        yield s
