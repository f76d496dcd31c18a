"""The table from operationId to handler, built per app from the spec it serves.

Handlers are module-level functions marked with ``@handles`` (``call.py``) in the modules of
``resources/`` and ``v1_log``, plus the generic handlers each ``Kind`` of the catalog gives
for the operations the spec has (``engine.generic_handlers``). Nothing is registered at
import: ``create_app(spec=...)`` builds the table for its spec, so a spec with fewer, more or
other operations gets exactly the handlers it can use (the others answer 501).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from types import ModuleType
from typing import Any

from .call import Handler, handled_operations
from .engine import generic_handlers
from .spec import Spec

__all__ = ["handlers_for"]


def _modules() -> Iterator[ModuleType]:
    from . import resources, v1_log

    yield v1_log
    for info in pkgutil.iter_modules(resources.__path__):
        yield importlib.import_module(f"{resources.__name__}.{info.name}")


def _marked(value: Any) -> Iterator[Handler]:
    """The handlers a module-level value holds: itself, or those of a tuple of handlers."""
    for item in value if isinstance(value, tuple) else (value,):
        if callable(item) and handled_operations(item):
            yield item


def declared() -> dict[str, Handler]:
    """Every handler the resource modules declare, by operationId (two for one: an error)."""
    table: dict[str, Handler] = {}
    for module in _modules():
        for value in vars(module).values():
            for handler in _marked(value):
                for operation_id in handled_operations(handler):
                    if table.get(operation_id, handler) is not handler:
                        raise ValueError(f"{operation_id} has two handlers")
                    table[operation_id] = handler
    return table


def handlers_for(spec: Spec) -> dict[str, Handler]:
    """The handler of each operation of ``spec`` the mock implements, by operationId."""
    from .resources.catalog import CATALOG

    table = declared()
    for kind in CATALOG:
        for operation_id, handler in generic_handlers(kind, spec).items():
            table.setdefault(operation_id, handler)
    return {
        op.operation_id: table[op.operation_id]
        for op in spec.operations
        if op.operation_id in table
    }
