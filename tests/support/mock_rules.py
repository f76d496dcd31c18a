"""What the rule tests (``tests/mock/test_rules_*.py``) share: naming tests after rules.

``@covers(rule_id)`` marks a test as the test of one catalogued rule; its name must be
``test_`` plus the rule id with ``.`` as ``__`` and ``-`` as ``_``. ``covers_each([...])``
parametrises one test over several rules, the rule id being each case's test id.
``test_every_catalogued_rule_has_a_test`` checks that the catalogue and the tests agree.
The ``ctx`` fixture (load this module with ``pytest_plugins``) is a ``Ctx`` on the test's
mock. PYTEST_DONT_REWRITE: modules import it before pytest loads it; it raises, not asserts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import pytest

from arize_api.mock.rules import rules
from tests.support.mock_fixtures import raw

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


JSON = dict[str, Any]


class Ctx:
    """One rule test's view of the mock: HTTP calls as the admin (or another key), and a
    world of one of every resource (``tests/support/mock_world.py``), built on first use."""

    def __init__(self, mock: Any, http: Any) -> None:
        self.mock, self.http = mock, http
        self._world: dict[str, str] | None = None

    @property
    def world(self) -> dict[str, str]:
        if self._world is None:
            from tests.support import mock_world

            self._world = mock_world.build(self.mock)
        return self._world

    @property
    def space_id(self) -> str:
        return str(self.mock.space_id)

    @property
    def org_id(self) -> str:
        return str(self.mock.org_id)

    def path(self, template: str) -> str:
        return template.format_map(self.world) if "{" in template else template

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        params: Any = None,
        key: str | None = None,
    ) -> Any:
        """The response to one request (``body`` as JSON; ``key`` instead of the admin's)."""
        headers = {"Authorization": f"Bearer {key}"} if key else None
        kwargs: JSON = {"params": params, "headers": headers}
        if body is not None:
            kwargs["json"] = body
        return self.http.request(method, self.path(path), **kwargs)

    def ok(self, method: str, path: str, body: Any = None, **options: Any) -> Any:
        """The JSON answer of a request that must succeed (None for an empty answer)."""
        response = self.call(method, path, body, **options)
        if not response.is_success:
            raise AssertionError(f"{method} {path}: {response.status_code} {response.text}")
        return response.json() if response.content else None

    def status(self, method: str, path: str, body: Any = None, **options: Any) -> int:
        return int(self.call(method, path, body, **options).status_code)

    def key(self, role: str = "member", *, org_role: str | None = None) -> str:
        """An API key of a new user with ``role`` in the space (and ``org_role``, default
        the same, in its organization)."""
        roles = {self.space_id: role, self.org_id: org_role or role}
        return str(self.mock.state.create_key(roles).api_key)

    def user(self, role: str = "member") -> str:
        """The id of a new user with ``role`` in the space and its organization."""
        roles = {self.space_id: role, self.org_id: role}
        return str(self.mock.state.create_key(roles).user_id)

    # -- makers ----------------------------------------------------------------------------

    def dataset(self, name: str = "ds", rows: int = 2, space_id: str | None = None) -> JSON:
        examples = [{"question": f"q{i}", "answer": str(i)} for i in range(rows)]
        body = {"name": name, "space_id": space_id or self.space_id, "examples": examples}
        return dict(self.ok("POST", "/v2/datasets", body))

    def examples(self, dataset_id: str) -> list[JSON]:
        return list(self.ok("GET", f"/v2/datasets/{dataset_id}/examples")["examples"])

    def space(self, name: str = "other space") -> str:
        return str(
            self.ok("POST", "/v2/spaces", {"name": name, "organization_id": self.org_id})["id"]
        )

    def tag(self, name: str = "t", space_id: str | None = None) -> str:
        body = {"name": name, "space_id": space_id or self.space_id}
        return str(self.ok("POST", "/v2/tags", body)["id"])

    def project(self, name: str = "p", space_id: str | None = None) -> str:
        body = {"name": name, "space_id": space_id or self.space_id}
        return str(self.ok("POST", "/v2/projects", body)["id"])


@pytest.fixture
def ctx(arize_mock: Any) -> Iterator[Ctx]:
    """A ``Ctx`` on the test's (freshly reset) mock."""
    with raw(arize_mock) as http:
        yield Ctx(arize_mock, http)
