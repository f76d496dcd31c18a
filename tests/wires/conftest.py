"""One way to drive every wire from a sync test: ``make_wire(kind, settings)`` gives a
``Caller`` whose ``send()`` returns a ``WireResponse`` or raises the wire's ``WireError``.

The async wires run in an event loop of their own, in a thread, for the caller's lifetime;
the httpx wires wrap a client made from the same settings (proxy, trust_env, TLS) with
``follow_redirects=True``, to prove the wire never follows one anyway.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future
from typing import Any

import httpx
import pytest

from arize_api._wires import ConnectionSettings, WireRequest, WireResponse, ssl_context_for
from arize_api._wires.async_aiohttp import AiohttpWire
from arize_api._wires.sync_urllib3 import Urllib3Wire
from arize_api._wires.user_httpx import AsyncHttpxWire, HttpxWire

ALL_WIRES = ("urllib3", "aiohttp", "httpx", "async_httpx")
SECRET = "s3cret"
AUTH = {"Authorization": f"Bearer {SECRET}"}


def request(
    url: str,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = 5.0,
) -> WireRequest:
    return WireRequest(method, url, dict(headers or {}), body, time.monotonic() + timeout)


class _LoopThread:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coro: Any, timeout: float = 60.0) -> Any:
        future: Future[Any] = asyncio.run_coroutine_threadsafe(coro, self.loop)
        return future.result(timeout)

    def stop(self) -> None:
        async def _shutdown() -> None:
            await self.loop.shutdown_asyncgens()

        self.run(_shutdown())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()


def _httpx_options(settings: ConnectionSettings) -> dict[str, Any]:
    options: dict[str, Any] = {
        "trust_env": settings.trust_env,
        "follow_redirects": True,
        "proxy": settings.proxy,
    }
    if settings.verify is not True or settings.cert:
        options["verify"] = ssl_context_for(settings)
    return options


class Caller:
    def __init__(self, kind: str, settings: ConnectionSettings) -> None:
        self.kind = kind
        self.settings = settings
        self._loop: _LoopThread | None = None
        self._client: Any = None
        self.wire: Any
        if kind == "urllib3":
            self.wire = Urllib3Wire(settings)
        elif kind == "httpx":
            self._client = httpx.Client(**_httpx_options(settings))
            self.wire = HttpxWire(self._client, max_response_bytes=settings.max_response_bytes)
        else:
            self._loop = _LoopThread()

            async def make() -> Any:
                if kind == "aiohttp":
                    return AiohttpWire(settings)
                self._client = httpx.AsyncClient(**_httpx_options(settings))
                return AsyncHttpxWire(self._client, max_response_bytes=settings.max_response_bytes)

            self.wire = self._loop.run(make())

    @property
    def is_async(self) -> bool:
        return self._loop is not None

    def send_request(self, wire_request: WireRequest) -> WireResponse:
        if self._loop is None:
            result: WireResponse = self.wire.send(wire_request)
            return result
        answer: WireResponse = self._loop.run(self.wire.send(wire_request))
        return answer

    def send(self, url: str, **kwargs: Any) -> WireResponse:
        return self.send_request(request(url, **kwargs))

    def close(self) -> None:
        if self._loop is None:
            self.wire.close()
            if self._client is not None:
                self._client.close()
            return

        async def close() -> None:
            await self.wire.aclose()
            if self._client is not None:
                await self._client.aclose()

        self._loop.run(close())
        self._loop.stop()


@pytest.fixture
def make_wire() -> Iterator[Callable[..., Caller]]:
    callers: list[Caller] = []

    def make(kind: str, settings: ConnectionSettings | None = None, **changes: Any) -> Caller:
        caller = Caller(kind, settings or ConnectionSettings(**changes))
        callers.append(caller)
        return caller

    yield make
    for caller in callers:
        caller.close()


@pytest.fixture(autouse=True)
def _no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests start from an environment without proxy or CA settings; each sets what it needs."""
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "NO_PROXY",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "REQUEST_METHOD",
    ):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
