"""What the request engine needs to know about one operation, written once from openapi.yaml.

Each generated operation module holds one ``Operation`` as ``OP`` (``tools/generate.py``
derives every fact from the spec, in one place) and hands it to the engine with the call's
arguments. The engine and the paginator read facts from here and nowhere else: nothing is
guessed from an operation's name or its Python signature.
"""

from __future__ import annotations

from typing import Literal

import attrs

__all__ = ["CursorPlace", "Operation"]

CursorPlace = Literal["query", "body", "none"]


@attrs.frozen(slots=True)
class Operation:
    """Facts about one operation of the spec."""

    name: str
    """The operation id in snake case (``get_dataset``): the module's name."""
    method: str
    """``GET``, ``POST``, ...: upper case."""
    path: str
    """The path template, ``/v2/datasets/{dataset_id}``."""
    success: tuple[int, int]
    """The statuses that parse as success, an inclusive range (``(200, 200)``, ``(200, 299)``)."""
    errors: frozenset[int]
    """The error statuses the spec declares (any other is mapped by its family)."""
    idempotent: bool
    """Safe to send again: GET, PUT, DELETE, or a POST the spec marks ``x-idempotent``."""
    retry_whole_on_503: bool
    """A 503 means "partly done, send the whole request again" (the spec declares a 503)."""
    stage: str | None = None
    """``x-release-stage``: ``alpha``, ``beta``, ``legacy``; None when stable."""
    cursor: CursorPlace | None = None
    """Where a list's cursor goes back (``none``: pages, but takes no cursor); None: not a list."""
    items: str | None = None
    """The member of a page that holds its items; None when the operation does not page."""
    legacy_auth: bool = False
    """``/v1`` scheme: the raw key in ``Authorization`` plus the space headers, no ``Bearer``."""

    def is_success(self, status: int) -> bool:
        low, high = self.success
        return low <= status <= high
