"""Cursor walking for any list operation in the spec, sync and async, one page in memory at a time.

A list operation is a generated module whose response has ``pagination`` (``has_more``,
``next_cursor``) beside one array of items. The cursor goes back either as the ``cursor``
query parameter or, for search operations, as the ``cursor`` member of the JSON body.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Iterator
from types import ModuleType
from typing import Any, Generic, Literal, TypeVar, cast

import attrs

from ._base_client import BaseClient
from ._display import data_frame
from ._errors import PaginationError
from .types import Unset

__all__ = ["AsyncPaginator", "SyncPaginator", "page_to_pandas"]

ItemT = TypeVar("ItemT")
PageT = TypeVar("PageT")


class _Walk:
    """The state of one walk through a list operation; knows nothing of sync or async."""

    def __init__(
        self,
        operation: ModuleType,
        params: dict[str, Any],
        *,
        max_items: int | None,
        cursor: str | None,
    ) -> None:
        if not isinstance(operation, ModuleType) or not hasattr(operation, "sync"):
            raise TypeError(
                "paginate() takes a generated operation module such as "
                f"arize_api.api.datasets.list_datasets, got {operation!r}"
            )
        self.name = operation.__name__.rsplit(".", 1)[-1]
        if max_items is not None and max_items < 0:
            raise ValueError(f"max_items must be >= 0, got {max_items}")
        self.cursor_goes = _cursor_location(operation, self.name, params)
        if self.cursor_goes is None and cursor is not None:
            raise TypeError(f"{self.name} takes no cursor, so a walk cannot start from one")
        self.params = params
        self.max_items = max_items
        self.cursor = cursor
        self.seen_cursors: set[str] = set()
        self.items_yielded = 0
        self.done = max_items == 0
        self.pending_error: PaginationError | None = None

    def request_params(self) -> dict[str, Any]:
        if self.cursor is None:
            return self.params
        if self.cursor_goes == "body":
            body = self.params["body"]
            return {
                **self.params,
                "body": type(body).from_dict({**body.to_dict(), "cursor": self.cursor}),
            }
        return {**self.params, "cursor": self.cursor}

    def accept(self, page: Any) -> list[Any]:
        """Record ``page``; return the items of it to hand out (trimmed to ``max_items``)."""
        items = _items_of(page, self.name)
        if self.max_items is not None:
            items = items[: self.max_items - self.items_yielded]
        self.items_yielded += len(items)
        self._advance(page)
        if self.max_items is not None and self.items_yielded >= self.max_items:
            self.done = True
        return items

    def _advance(self, page: Any) -> None:
        pagination = getattr(page, "pagination", None)
        if pagination is None or isinstance(pagination, Unset) or not pagination.has_more:
            self.done = True
            return
        if self.cursor_goes is None:
            self.pending_error = PaginationError(
                f"{self.name} answered has_more=true after {self.items_yielded} items, but it "
                "takes no cursor to ask for the rest (the API does not page it yet). Narrow the "
                "query if you can; a newer arize-api may know how to page it."
            )
            return
        next_cursor = pagination.next_cursor
        if isinstance(next_cursor, Unset) or not next_cursor:
            self.pending_error = PaginationError(
                f"{self.name} answered has_more=true without a next_cursor after "
                f"{self.items_yielded} items: this endpoint does not page yet, so the rest "
                "cannot be fetched. Narrow the query with filters or raise limit= (up to the "
                "endpoint's maximum) to get everything in one page."
            )
            return
        if next_cursor == self.cursor or next_cursor in self.seen_cursors:
            self.pending_error = PaginationError(
                f"{self.name} returned a cursor it had already returned ({next_cursor[:24]}...) "
                f"after {self.items_yielded} items; stopping rather than looping forever"
            )
            return
        if self.cursor is not None:
            self.seen_cursors.add(self.cursor)
        self.cursor = next_cursor

    def check(self) -> None:
        """Raise the error found on the previous page, if any, before asking for the next."""
        if self.pending_error is not None:
            raise self.pending_error


# A list operation whose API takes no cursor (the tag lists today) is walked as one page.
LIST_PREFIXES = ("list_", "search_")


def _cursor_location(
    operation: ModuleType, name: str, params: dict[str, Any]
) -> Literal["query", "body"] | None:
    """Where the next page's cursor goes: the query, the JSON body, or nowhere (one page)."""
    signature = inspect.signature(operation.sync)
    if "cursor" in params:
        raise TypeError("pass the starting cursor as paginate(..., cursor=...), not as a parameter")
    if "cursor" in signature.parameters:
        return "query"
    body = params.get("body")
    if "body" in signature.parameters and body is not None and _has_field(body, "cursor"):
        return "body"
    if "body" in signature.parameters and body is None:
        raise TypeError(f"{name} takes its filters and cursor in a body: pass body=...")
    if name.startswith(LIST_PREFIXES):
        return None
    raise TypeError(f"{name} is not a list operation; call it directly")


def _has_field(model: Any, name: str) -> bool:
    return attrs.has(type(model)) and name in attrs.fields_dict(type(model))


def _items_of(page: Any, name: str) -> list[Any]:
    lists = [
        value
        for field in attrs.fields(type(page))
        if field.name != "additional_properties"
        and isinstance(value := getattr(page, field.name), list)
    ]
    if len(lists) != 1:
        raise PaginationError(f"{name} answered a page without exactly one list of items")
    return lists[0]


def page_to_pandas(page: Any) -> Any:
    """The items of one list page as a ``pandas.DataFrame`` (the models' ``to_pandas()``)."""
    return data_frame(_items_of(page, type(page).__name__))


class _Paginator(Generic[ItemT, PageT]):
    """What both paginators hold: the operation, its parameters and where to start."""

    def __init__(
        self,
        client: BaseClient,
        operation: ModuleType,
        params: dict[str, Any],
        *,
        max_items: int | None = None,
        cursor: str | None = None,
        pages: bool = False,
    ) -> None:
        self._client = client
        self._operation = operation
        self._params = params
        self._max_items = max_items
        self._cursor = cursor
        self._yield_pages = pages
        self._new_walk()  # validate the arguments now, not at the first iteration

    def __repr__(self) -> str:
        name = self._operation.__name__.rsplit(".", 1)[-1]
        return f"<{type(self).__name__} {name} {self._params}>"

    def _new_walk(self) -> _Walk:
        return _Walk(self._operation, self._params, max_items=self._max_items, cursor=self._cursor)


class SyncPaginator(_Paginator[ItemT, PageT]):
    """Iterates the items of every page; ``.pages()`` iterates whole typed pages instead."""

    def __iter__(self) -> Iterator[ItemT]:
        if self._yield_pages:  # paginate(..., pages=True), whose type parameters are Any
            return cast(Iterator[ItemT], self.pages())
        return self._items()

    def to_pandas(self) -> Any:
        """Every item as one row of a ``pandas.DataFrame`` (needs pandas installed)."""
        return data_frame(list(self._items()))

    def _items(self) -> Iterator[ItemT]:
        for page in self._walk():
            yield from page[1]

    def pages(self) -> Iterator[PageT]:
        """Yield each page as the operation's typed response model."""
        for page, _items in self._walk():
            yield page

    def _walk(self) -> Iterator[tuple[PageT, list[ItemT]]]:
        walk = self._new_walk()
        while not walk.done:
            walk.check()
            page = self._operation.sync(client=self._client, **walk.request_params())
            yield page, walk.accept(page)


class AsyncPaginator(_Paginator[ItemT, PageT]):
    """``async for`` over the items of every page; ``.pages()`` yields whole typed pages."""

    def __aiter__(self) -> AsyncIterator[ItemT]:
        if self._yield_pages:
            return cast(AsyncIterator[ItemT], self.pages())
        return self._items()

    async def to_pandas(self) -> Any:
        """Every item as one row of a ``pandas.DataFrame`` (needs pandas installed)."""
        return data_frame([item async for item in self._items()])

    async def _items(self) -> AsyncIterator[ItemT]:
        async for _page, items in self._walk():
            for item in items:
                yield item

    async def pages(self) -> AsyncIterator[PageT]:
        """Yield each page as the operation's typed response model."""
        async for page, _items in self._walk():
            yield page

    async def _walk(self) -> AsyncIterator[tuple[PageT, list[ItemT]]]:
        walk = self._new_walk()
        while not walk.done:
            walk.check()
            page = await self._operation.asyncio(client=self._client, **walk.request_params())
            yield page, walk.accept(page)
