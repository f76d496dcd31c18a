"""The small base every client shares with the generated operations (the ``client=`` argument).

A generated operation builds its request parts and hands them, with its ``OP`` facts and its
parser, to ``client._request`` (sync) or ``client._arequest`` (async): the one engine of that
client does the rest. Asking a client for the other flavour raises a ``TypeError`` saying
which to use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from ._operation import Operation
    from ._response import RawResponse, Response

T = TypeVar("T")


class BaseClient:
    """What a generated operation needs from ``client=``."""

    def _request(
        self,
        op: Operation,
        parts: Mapping[str, Any],
        parse: Callable[[RawResponse], T],
        options: Mapping[str, Any],
    ) -> Response[T]:
        raise TypeError(
            f"{type(self).__name__} is asynchronous: call the operation's asyncio() or "
            "asyncio_detailed(), or use ArizeClient for sync() and sync_detailed()"
        )

    async def _arequest(
        self,
        op: Operation,
        parts: Mapping[str, Any],
        parse: Callable[[RawResponse], T],
        options: Mapping[str, Any],
    ) -> Response[T]:
        raise TypeError(
            f"{type(self).__name__} is synchronous: call the operation's sync() or "
            "sync_detailed(), or use AsyncArizeClient for asyncio() and asyncio_detailed()"
        )
