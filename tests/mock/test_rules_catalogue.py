"""The rule catalogue (``arize_api/mock/rules.yaml``) and the rule tests agree."""

from __future__ import annotations

import importlib
from pathlib import Path

from arize_api.mock.rules import rules
from arize_api.mock.spec import load_spec

HERE = Path(__file__).parent


def _covered() -> dict[str, list[str]]:
    """Rule id -> the tests covering it, over every ``tests/mock/test_rules_*`` module."""
    covered: dict[str, list[str]] = {}
    for path in sorted(HERE.glob("test_rules_*.py")):
        module = importlib.import_module(f"tests.mock.{path.stem}")
        for name, value in vars(module).items():
            for rule_id in getattr(value, "__rules__", ()):
                covered.setdefault(rule_id, []).append(f"{path.stem}::{name}")
    return covered


def test_every_catalogued_rule_has_a_test() -> None:
    covered = _covered()
    missing = [r.id for r in rules() if r.id not in covered]
    assert not missing, f"catalogued rules without a test: {missing}"
    twice = {rule_id: tests for rule_id, tests in covered.items() if len(tests) > 1}
    assert not twice, f"rules with more than one test: {twice}"


def test_every_rule_names_an_operation_of_the_spec() -> None:
    operations = {op.operation_id for op in load_spec().operations}
    unknown = [r.id for r in rules() if r.operation not in operations]
    assert not unknown, f"rules naming no operation of openapi.yaml: {unknown}"


def test_rule_ids_start_with_a_tag_and_their_operation() -> None:
    bad = [r.id for r in rules() if len(r.id.split(".")) != 3]
    assert not bad, f"rule ids not of the form <tag>.<operation>.<rule>: {bad}"
