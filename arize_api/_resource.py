"""Bases of the generated namespaces (``client.datasets``, ``client.datasets.examples``)."""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ._pagination import AsyncPaginator, SyncPaginator
from .types import Unset

if TYPE_CHECKING:
    from ._client import ArizeClient, AsyncArizeClient

__all__ = ["AsyncResource", "SyncResource"]

RAW = "with_raw_response"  # every namespace has it: not listed in reprs


def _start(cursor: str | Unset | None) -> str | None:
    return None if isinstance(cursor, Unset) else cursor


class SyncResource:
    """A group of operations bound to one ``ArizeClient``."""

    def __init__(self, client: ArizeClient) -> None:
        self._client = client

    def __repr__(self) -> str:
        methods = sorted(n for n in vars(type(self)) if not n.startswith("_") and n != RAW)
        return f"<{type(self).__name__}: {', '.join(methods)}>"

    def _paginate(
        self,
        operation: ModuleType,
        *,
        max_items: int | None,
        cursor: str | Unset | None = None,
        options: Mapping[str, Any],
        **params: Any,
    ) -> SyncPaginator[Any, Any]:
        return SyncPaginator(
            self._client,
            operation,
            params,
            max_items=max_items,
            cursor=_start(cursor),
            options=options,
        )


class AsyncResource:
    """A group of operations bound to one ``AsyncArizeClient``; calls are coroutines."""

    def __init__(self, client: AsyncArizeClient) -> None:
        self._client = client

    def __repr__(self) -> str:
        methods = sorted(n for n in vars(type(self)) if not n.startswith("_") and n != RAW)
        return f"<{type(self).__name__}: {', '.join(methods)}>"

    def _paginate(
        self,
        operation: ModuleType,
        *,
        max_items: int | None,
        cursor: str | Unset | None = None,
        options: Mapping[str, Any],
        **params: Any,
    ) -> AsyncPaginator[Any, Any]:
        return AsyncPaginator(
            self._client,
            operation,
            params,
            max_items=max_items,
            cursor=_start(cursor),
            options=options,
        )
