"""The catalogue of the API's observable rules that the mock implements (``rules.yaml``).

One entry per rule: a limit, the status for a situation, uniqueness and its scope, an order,
a default, an idempotent repeat, a cascade or side effect visible through another call, a
time window. Each has an ``id`` (``<tag>.<operation>.<rule>``), the ``operation`` it is
observed on (an operationId of ``openapi.yaml``), its ``kind``, a one-line ``rule`` in the
mock's own words and its ``source`` (the SDK operation whose documentation states it, a file
of the shared reference, or ``mock`` for the mock's own documented choices). The tests over
HTTP that check them are named after them (``tests/mock/test_rules_*.py``).

A rule may carry ``mock`` settings the mock reads where it implements that kind of rule
(``setting``): ``unknown_members`` (the status for unknown body members, 422 unless a rule
says 400); ``invalid_body`` (one status for every violation of the body's schema, where an
operation documents one); ``id_types`` (path, query or body members that must be
well-formed global ids of a type, ``*`` for any: 400 otherwise).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

__all__ = ["KINDS", "Rule", "rules", "setting"]

CATALOGUE = Path(__file__).with_name("rules.yaml")
KINDS = (
    "limit",
    "status",
    "unique",
    "order",
    "default",
    "idempotent",
    "cascade",
    "window",
    "shape",
    "choice",
)


@dataclass(frozen=True)
class Rule:
    id: str
    operation: str
    kind: str
    rule: str
    source: str
    mock: Mapping[str, Any] = field(default_factory=dict)  # settings the mock reads


@cache
def rules() -> tuple[Rule, ...]:
    """Every catalogued rule, in the catalogue's order (checked: unique ids, known kinds)."""
    entries = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    found = tuple(Rule(**entry) for entry in entries)
    ids = [r.id for r in found]
    if len(set(ids)) != len(ids):
        raise ValueError("rules.yaml repeats a rule id")
    if unknown := [r.id for r in found if r.kind not in KINDS]:
        raise ValueError(f"rules.yaml has rules of unknown kinds: {unknown}")
    return found


@cache
def _settings() -> dict[tuple[str, str], Any]:
    return {(r.operation, name): value for r in rules() for name, value in r.mock.items()}


def setting(operation_id: str, name: str, default: Any = None) -> Any:
    """The ``mock`` setting ``name`` a rule of ``operation_id`` gives, else ``default``."""
    return _settings().get((operation_id, name), default)
