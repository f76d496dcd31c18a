"""What the rule tests (``tests/test_mock_rules_*.py``) share: naming tests after rules.

``@covers(rule_id)`` marks a test as the test of one catalogued rule; its name must be
``test_`` plus the rule id with ``.`` as ``__`` and ``-`` as ``_``. ``covers_each([...])``
parametrises one test over several rules, the rule id being each case's test id.
``test_every_catalogued_rule_has_a_test`` checks that the catalogue and the tests agree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import pytest

from arize_api.mock.rules import rules

F = TypeVar("F", bound=Callable[..., Any])
KNOWN = {r.id for r in rules()}


def test_name(rule_id: str) -> str:
    """The name of the test of ``rule_id``."""
    return "test_" + rule_id.replace(".", "__").replace("-", "_")


def _check(rule_ids: Sequence[str]) -> None:
    if unknown := [r for r in rule_ids if r not in KNOWN]:
        raise ValueError(f"not in arize_api/mock/rules.yaml: {unknown}")


def covers(rule_id: str) -> Callable[[F], F]:
    """Mark the decorated test as the test of ``rule_id`` (named after it)."""
    _check([rule_id])

    def mark(test: F) -> F:
        if test.__name__ != test_name(rule_id):
            raise ValueError(f"the test of {rule_id} must be named {test_name(rule_id)}")
        test.__rules__ = (rule_id,)  # type: ignore[attr-defined]
        return test

    return mark


def covers_each(cases: Sequence[tuple[str, Any]], argname: str = "case") -> Callable[[F], F]:
    """Parametrise the decorated test over ``(rule_id, case)`` pairs, test ids = rule ids."""
    rule_ids = [rule_id for rule_id, _ in cases]
    _check(rule_ids)

    def mark(test: F) -> F:
        test.__rules__ = tuple(rule_ids)  # type: ignore[attr-defined]
        params = [pytest.param(case, id=rule_id) for rule_id, case in cases]
        return pytest.mark.parametrize(argname, params)(test)  # type: ignore[no-any-return]

    return mark
