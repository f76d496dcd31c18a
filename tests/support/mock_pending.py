"""The operations of openapi.yaml that the mock does not implement yet: THE list to empty.

The spec can grow ahead of the mock (``arize_api.mock``), which answers an operation without a
handler with a 501 problem ("the mock does not implement <operationId> yet"). The mock tests
that go over every operation (``tests/mock/``: ``test_server``, ``test_schemathesis``,
``test_pagination``) skip the operations listed here, through ``implemented()``;
``test_server`` checks that each listed operation answers 501 and that this list is exactly
the set of operations without a handler, so adding a handler fails that test until its
operation is taken off the list, and adding an operation to the spec without a handler fails
it until the operation is listed here (or implemented).

It is empty: the mock implements every operation of the spec. The mechanism stays for the
next time the spec grows ahead of the mock.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

MOCK_PENDING: frozenset[str] = frozenset()


class _HasOperationId(Protocol):
    @property
    def operation_id(self) -> str: ...


Op = TypeVar("Op", bound=_HasOperationId)


def implemented(operations: Iterable[Op]) -> list[Op]:
    """The operations the mock implements (``operation_id`` not in ``MOCK_PENDING``)."""
    return [op for op in operations if op.operation_id not in MOCK_PENDING]
