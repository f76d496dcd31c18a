"""A bare client for tests of the generated room alone: bearer auth, no retries, no extras."""

from __future__ import annotations

import httpx

from arize_api._base_client import BaseClient


class PlainClient(BaseClient):
    """Sends generated operations straight through httpx, sync and async."""

    def __init__(self, base_url: str, api_key: str = "test-key") -> None:
        headers = {"Authorization": f"Bearer {api_key}"}
        self._sync = httpx.Client(base_url=base_url, headers=headers, timeout=30)
        self._async = httpx.AsyncClient(base_url=base_url, headers=headers, timeout=30)

    def get_httpx_client(self) -> httpx.Client:
        return self._sync

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        return self._async

    def close(self) -> None:
        self._sync.close()

    async def aclose(self) -> None:
        await self._async.aclose()
