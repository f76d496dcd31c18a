"""Cursor walking for any list operation in the spec, sync and async, one page in memory at a time.

A list operation is a generated module whose ``OP`` says where its cursor goes back (the
``cursor`` query parameter, or the ``cursor`` member of a search's JSON body, or nowhere for a
list that answers one page) and which member of a page holds its items. Every walk ends: a
repeated cursor, ``has_more`` without a cursor, or a long run of empty pages stops it with a
``PaginationError``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator, Iterator, Mapping
from types import ModuleType
from typing import Any, Generic, TypeVar, cast

import attrs

from ._base_client import BaseClient
from ._display import data_frame
from ._errors import PaginationError
from .types import Unset

__all__ = ["MAX_EMPTY_PAGES", "AsyncPaginator", "SyncPaginator", "page_to_pandas"]

# A walk stops after this many pages in a row with no items while has_more stays true: a
# server that pages nothing for ever must not hold a caller for ever.
MAX_EMPTY_PAGES = 20
# Cursors remembered to detect a cycle: the most recent ones, so memory stays bounded.
REMEMBERED_CURSORS = 1_000

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
        max_empty_pages: int = MAX_EMPTY_PAGES,
    ) -> None:
        op = getattr(operation, "OP", None)
        if not isinstance(operation, ModuleType) or op is None:
            raise TypeError(
                "paginate() takes a generated operation module such as "
                f"arize_api.api.datasets.list_datasets, got {operation!r}"
            )
        self.name = op.name
        if op.cursor is None:
            raise TypeError(f"{self.name} is not a list operation; call it directly")
        if max_items is not None and max_items < 0:
            raise ValueError(f"max_items must be >= 0, got {max_items}")
        if "cursor" in params:
            raise TypeError(
                "pass the starting cursor as paginate(..., cursor=...), not as a parameter"
            )
        if op.cursor == "body" and params.get("body") is None:
            raise TypeError(f"{self.name} takes its filters and cursor in a body: pass body=...")
        self.cursor_goes = None if op.cursor == "none" else op.cursor
        if self.cursor_goes is None and cursor is not None:
            raise TypeError(f"{self.name} takes no cursor, so a walk cannot start from one")
        self.items_member: str = op.items
        self.params = params
        self.max_items = max_items
        self.max_empty_pages = max_empty_pages
        self.cursor = cursor
        self.seen_cursors: set[str] = set()
        self._cursor_order: deque[str] = deque()
        self.items_yielded = 0
        self.empty_pages = 0
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
        items = _items_of(page, self.name, self.items_member)
        self.empty_pages = 0 if items else self.empty_pages + 1
        if self.max_items is not None:
            items = items[: self.max_items - self.items_yielded]
        self.items_yielded += len(items)
        self._advance(page)
        if self.max_items is not None and self.items_yielded >= self.max_items:
            self.done = True
        return items

    def _advance(self, page: Any) -> None:
        pagination = getattr(page, "pagination", None)
        if pagination is None or isinstance(pagination, Unset):
            self.done = True
            return
        has_more = pagination.has_more
        if not isinstance(has_more, bool):
            self.pending_error = PaginationError(
                f"{self.name} answered has_more={has_more!r} (a {type(has_more).__name__}, not "
                "a boolean): the answer does not follow the API's paging contract"
            )
            return
        if not has_more:
            self.done = True
            return
        if self.empty_pages >= self.max_empty_pages:
            self.pending_error = PaginationError(
                f"{self.name} answered {self.empty_pages} pages in a row without items while "
                "saying has_more=true; stopping rather than walking for ever"
            )
            return
        if self.cursor_goes is None:
            self.pending_error = PaginationError(
                f"{self.name} answered has_more=true after {self.items_yielded} items, but it "
                "takes no cursor to ask for the rest (the API does not page it yet). Narrow the "
                "query if you can; a newer arize-api may know how to page it."
            )
            return
        next_cursor = pagination.next_cursor
        if not isinstance(next_cursor, str | Unset | None):
            self.pending_error = PaginationError(
                f"{self.name} answered next_cursor={next_cursor!r} (a "
                f"{type(next_cursor).__name__}, not a string)"
            )
            return
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
            self._remember(self.cursor)
        self.cursor = next_cursor

    def _remember(self, cursor: str) -> None:
        self.seen_cursors.add(cursor)
        self._cursor_order.append(cursor)
        if len(self._cursor_order) > REMEMBERED_CURSORS:
            self.seen_cursors.discard(self._cursor_order.popleft())

    def check(self) -> None:
        """Raise the error found on the previous page, if any, before asking for the next."""
        if self.pending_error is not None:
            raise self.pending_error


def _items_of(page: Any, name: str, member: str) -> list[Any]:
    items = getattr(page, member, None)
    if not isinstance(items, list):
        raise PaginationError(f"{name} answered a page whose {member!r} is not a list of items")
    return items


def _only_list(page: Any) -> list[Any]:
    """The one list member of a page model (for ``to_pandas()`` on a page)."""
    lists = [
        value
        for field in attrs.fields(type(page))
        if field.name != "additional_properties"
        and isinstance(value := getattr(page, field.name), list)
    ]
    if len(lists) != 1:
        raise PaginationError(f"{type(page).__name__} is not a page with one list of items")
    return lists[0]


def page_to_pandas(page: Any) -> Any:
    """The items of one list page as a ``pandas.DataFrame`` (the models' ``to_pandas()``)."""
    return data_frame(_only_list(page))


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
        max_empty_pages: int = MAX_EMPTY_PAGES,
        options: Mapping[str, Any] | None = None,
    ) -> None:
        self._client = client
        self._operation = operation
        self._options = dict(options or {})  # per-request options, for every page
        self._max_empty_pages = max_empty_pages
        self._params = params
        self._max_items = max_items
        self._cursor = cursor
        self._yield_pages = pages
        self._new_walk()  # validate the arguments now, not at the first iteration

    def __repr__(self) -> str:
        name = self._operation.__name__.rsplit(".", 1)[-1]
        return f"<{type(self).__name__} {name} {self._params}>"

    def _new_walk(self) -> _Walk:
        return _Walk(
            self._operation,
            self._params,
            max_items=self._max_items,
            cursor=self._cursor,
            max_empty_pages=self._max_empty_pages,
        )


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
            page = self._operation.sync(
                client=self._client, **walk.request_params(), **self._options
            )
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
            page = await self._operation.asyncio(
                client=self._client, **walk.request_params(), **self._options
            )
            yield page, walk.accept(page)
