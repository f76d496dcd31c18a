"""One request as handlers see it, and the table from operationId to handler."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .models import User
from .problems import ApiError
from .spec import Operation
from .state import MockState

__all__ = ["HANDLERS", "Call", "Handler", "handler_for", "handles", "not_implemented"]


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

    @property
    def principal(self) -> User:
        if self.user is None:
            raise RuntimeError(f"{self.op.operation_id} has no authenticated user")
        return self.user


# A handler returns the success body (JSON-able), or None for operations without one.
Handler = Callable[[Call], Any]
HANDLERS: dict[str, Handler] = {}


def handles(*operation_ids: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of ``operation_ids``."""

    def register(handler: Handler) -> Handler:
        for operation_id in operation_ids:
            if operation_id in HANDLERS:
                raise ValueError(f"{operation_id} already has a handler")
            HANDLERS[operation_id] = handler
        return handler

    return register


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


def handler_for(operation_id: str) -> Handler:
    """The handler registered for ``operation_id``, or ``not_implemented``."""
    return HANDLERS.get(operation_id, not_implemented)
