"""One request as handlers see it, and how a function says which operations it handles.

``@handles(...)`` only marks a function; the table from operationId to handler is built per
app from the spec it serves (``handlers.handlers_for``), so nothing is registered at import.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .models import User
from .problems import ApiError
from .spec import Operation, Spec
from .state import MockState

__all__ = ["Answer", "Call", "Handler", "handled_operations", "handles", "not_implemented"]


@dataclass(frozen=True)
class Answer:
    """A success body with a status of the handler's choosing, for operations that declare
    two (``POST /v2/users``: 200 for an existing invitation, 201 for a new user)."""

    status: int
    body: Any


@dataclass
class Call:
    """A parsed, authenticated request: what a handler needs and nothing of HTTP."""

    op: Operation
    state: MockState
    user: User | None  # None on legacy (/v1) operations, which authenticate themselves
    path: Mapping[str, str]
    query: Mapping[str, Any]
    body: Any
    raw_body: bytes
    headers: Mapping[str, str]
    cursorless: bool = False  # a fault asked lists to omit next_cursor
    partial: bool = False  # a fault asked a bulk delete to stop half-way (503 + what was done)
    spec: Spec | None = None  # to render stored documents through the response schemas
    client_ip: str = ""

    @property
    def principal(self) -> User:
        if self.user is None:
            raise RuntimeError(f"{self.op.operation_id} has no authenticated user")
        return self.user

    def render(self, value: Any, status: int | None = None) -> Any:
        """``value`` in the shape of this operation's response schema (``render.py``)."""
        schema = self.op.schemas.get(status or self.op.success_status)
        if schema is None or self.spec is None:
            return value
        return self.spec.renderer.render(schema, value)

    def render_item(self, key: str, value: Any) -> Any:
        """``value`` in the shape of an item of the response's array member ``key``."""
        schema = self.op.schemas.get(self.op.success_status)
        if schema is None or self.spec is None:
            return value
        renderer = self.spec.renderer
        return renderer.render(renderer.item_schema(schema, key), value)


# A handler returns the success body (JSON-able), None for operations without one, or an
# Answer when it picks between two success statuses.
Handler = Callable[[Call], Any]
_MARK = "__mock_operations__"


def handles(*operation_ids: str) -> Callable[[Handler], Handler]:
    """Mark the decorated function as the handler of ``operation_ids`` (``handlers.py``
    finds it in its module when an app is made)."""

    def mark(handler: Handler) -> Handler:
        setattr(handler, _MARK, (*handled_operations(handler), *operation_ids))
        return handler

    return mark


def handled_operations(value: Any) -> tuple[str, ...]:
    """The operations ``value`` was marked to handle (none for anything else)."""
    marked = getattr(value, _MARK, ())
    return tuple(marked) if isinstance(marked, tuple) else ()


def not_implemented(call: Call) -> Any:
    """The answer to an operation of openapi.yaml that has no handler yet: a 501 problem.

    The spec can grow ahead of the mock; routing, authentication and request validation still
    apply (they come from the spec), so only the behaviour is missing, and the answer says so.
    """
    raise ApiError(
        501,
        f"the mock does not implement {call.op.operation_id} yet",
        title="Not Implemented",
    )
