"""Cursor pagination: opaque keyset cursors tied to the query that issued them.

Items are ordered by a sort key (a tuple of strings and integers: a creation sequence, an
``updated_at`` then the sequence, a start time then ids), ascending or newest first, as each
list documents. A cursor is base64url JSON naming the key of the last item handed out and a
fingerprint of the query (operation and filters); reusing it with other filters is a 400, as
is a mangled cursor. Keyset (not offset) cursors keep pages stable when items are added or
deleted in between.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from .problems import bad_request

__all__ = ["Key", "Page", "paginate"]

T = TypeVar("T")
Page = tuple[list[T], dict[str, Any]]
Key = tuple[str | int, ...]


def fingerprint(operation: str, filters: Mapping[str, Any]) -> str:
    text = json.dumps([operation, sorted(filters.items())], default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def encode_cursor(after: Key, query: str) -> str:
    raw = json.dumps({"after": list(after), "query": query}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _is_key(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(part, str | int) and not isinstance(part, bool) for part in value
    )


def decode_cursor(cursor: str, query: str) -> Key:
    """The sort key to continue after; 400 if the cursor is not one of ours for this query."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        after, issued_for = data["after"], data["query"]
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError):
        raise bad_request("cursor is not valid: pass back next_cursor unchanged") from None
    if not _is_key(after) or issued_for != query:
        raise bad_request("cursor does not belong to this query: keep the same filters")
    return tuple(after)


def paginate(
    items: Sequence[T],
    *,
    key: Callable[[T], Key],
    limit: int,
    cursor: str | None,
    query: str,
    cursorless: bool = False,
    newest_first: bool = False,
) -> Page[T]:
    """One page of ``items`` ordered by ``key`` (descending with ``newest_first``) and its
    ``pagination`` member.

    ``cursorless`` imitates endpoints that do not page yet: ``has_more`` stays accurate but
    ``next_cursor`` is left out.
    """
    after = decode_cursor(cursor, query) if cursor else None
    ordered = sorted(items, key=key, reverse=newest_first)
    rest = [item for item in ordered if after is None or _beyond(key(item), after, newest_first)]
    page = rest[:limit]
    has_more = len(rest) > limit
    pagination: dict[str, Any] = {"has_more": has_more}
    if has_more and page and not cursorless:
        pagination["next_cursor"] = encode_cursor(key(page[-1]), query)
    return page, pagination


def _beyond(key: Key, after: Key, newest_first: bool) -> bool:
    """Whether an item with ``key`` comes after the cursor's item ``after``."""
    try:
        return key < after if newest_first else key > after
    except TypeError:  # a cursor of this query's fingerprint but another key shape
        raise bad_request("cursor is not valid: pass back next_cursor unchanged") from None
