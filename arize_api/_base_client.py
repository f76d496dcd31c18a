"""The small base every client shares with the generated operations (the ``client=`` argument)."""

from __future__ import annotations

import httpx


class BaseClient:
    """What a generated operation needs from ``client=``: an httpx client for its flavour.

    ``ArizeClient`` provides the sync one and ``AsyncArizeClient`` the async one; asking
    a client for the other flavour raises a ``TypeError`` that says which to use.
    """

    def get_httpx_client(self) -> httpx.Client:
        """The ``httpx.Client`` that ``sync()`` / ``sync_detailed()`` send through."""
        raise TypeError(
            f"{type(self).__name__} is asynchronous: call the operation's asyncio() or "
            "asyncio_detailed(), or use ArizeClient for sync() and sync_detailed()"
        )

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        """The ``httpx.AsyncClient`` that ``asyncio()`` / ``asyncio_detailed()`` send through."""
        raise TypeError(
            f"{type(self).__name__} is synchronous: call the operation's sync() or "
            "sync_detailed(), or use AsyncArizeClient for asyncio() and asyncio_detailed()"
        )
