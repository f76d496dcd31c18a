"""A bare client for tests of the generated room alone: no retries, no extras.

It runs the real engine over the httpx wires (a user-supplied client's path), so a test of
the generated code sees exactly what the clients do with an answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import httpx

from arize_api._base_client import BaseClient
from arize_api._engine import AsyncEngine, EngineSettings, SyncEngine
from arize_api._operation import Operation
from arize_api._response import RawResponse, Response
from arize_api._wires.user_httpx import AsyncHttpxWire, HttpxWire

T = TypeVar("T")


class PlainClient(BaseClient):
    """Sends generated operations through httpx, sync and async, with no retries."""

    def __init__(self, base_url: str, api_key: str = "test-key") -> None:
        self._sync = httpx.Client(timeout=30)
        self._async = httpx.AsyncClient(timeout=30)
        settings = EngineSettings(
            base_url=base_url,
            api_key=api_key,
            space_id=None,
            space_key=None,
            timeout=30.0,
            max_retries=0,
            user_agent="arize-api-tests",
            warn_alpha=False,
        )
        self._engine = SyncEngine(settings, HttpxWire(self._sync))
        self._aengine = AsyncEngine(settings, AsyncHttpxWire(self._async))

    def _request(
        self,
        op: Operation,
        parts: Mapping[str, Any],
        parse: Callable[[RawResponse], T],
        options: Mapping[str, Any],
    ) -> Response[T]:
        return self._engine.request(op, parts, parse, options)

    async def _arequest(
        self,
        op: Operation,
        parts: Mapping[str, Any],
        parse: Callable[[RawResponse], T],
        options: Mapping[str, Any],
    ) -> Response[T]:
        return await self._aengine.request(op, parts, parse, options)

    def get_httpx_client(self) -> httpx.Client:
        return self._sync

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        return self._async

    def close(self) -> None:
        self._sync.close()

    async def aclose(self) -> None:
        await self._async.aclose()
