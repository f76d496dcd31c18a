"""Cursor pagination: opaque keyset cursors tied to the query that issued them.

A cursor is base64url JSON naming the last ``seq`` handed out and a fingerprint of the query
(operation and filters); reusing it with other filters is a 400, as is a mangled cursor.
Keyset (not offset) cursors keep pages stable when items are added or deleted in between.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from .problems import bad_request

__all__ = ["Page", "paginate"]

T = TypeVar("T")
Page = tuple[list[T], dict[str, Any]]


def fingerprint(operation: str, filters: Mapping[str, Any]) -> str:
    text = json.dumps([operation, sorted(filters.items())], default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def encode_cursor(after: int, query: str) -> str:
    raw = json.dumps({"after": after, "query": query}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, query: str) -> int:
    """The ``seq`` to continue after; 400 if the cursor is not one of ours for this query."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        after, issued_for = data["after"], data["query"]
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError):
        raise bad_request("cursor is not valid: pass back next_cursor unchanged") from None
    if not isinstance(after, int) or isinstance(after, bool) or issued_for != query:
        raise bad_request("cursor does not belong to this query: keep the same filters")
    return after


def paginate(
    items: Sequence[T],
    *,
    seq: Callable[[T], int],
    limit: int,
    cursor: str | None,
    query: str,
    cursorless: bool = False,
) -> Page[T]:
    """One page of ``items`` (ordered by ``seq``) and its ``pagination`` member.

    ``cursorless`` imitates endpoints that do not page yet: ``has_more`` stays accurate but
    ``next_cursor`` is left out.
    """
    after = decode_cursor(cursor, query) if cursor else None
    rest = [item for item in items if after is None or seq(item) > after]
    page = rest[:limit]
    has_more = len(rest) > limit
    pagination: dict[str, Any] = {"has_more": has_more}
    if has_more and page and not cursorless:
        pagination["next_cursor"] = encode_cursor(seq(page[-1]), query)
    return page, pagination
