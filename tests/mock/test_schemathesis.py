"""Schemathesis against the mock: every answer conforms to openapi.yaml and none is a 5xx.

Positive and negative cases for every operation the mock implements (those not listed in
``tests/support/mock_pending.py``), over real HTTP. Most generated ids would only ever meet
404s, so a deterministic three in four of them are swapped for ids of a small graph of real
resources (rebuilt whenever the fuzzer deletes part of it): that way 2xx answers are checked
against their schemas too.

Bounded so it stays near a minute for all 161 operations: ``ARIZE_MOCK_FUZZ_EXAMPLES``
(default 15) per operation and mode, derandomized so CI runs repeat, and without
schemathesis' coverage phase (its deterministic boundary cases, about eight per schema
node) for operations whose request body has more than ``COVERAGE_NODES`` members in all:
``/v1/log``'s record alone yields ~3000 cases (20 s), ``POST /v2/tasks`` ~1100; together the
ten largest bodies made two thirds of the requests. ``ARIZE_MOCK_FUZZ_DEEP=1`` randomizes and
restores that phase everywhere, for exploring locally.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from arize_api.mock import MockServer, serve
from tests.support import mock_world, paths
from tests.support import spec as spec_support
from tests.support.mock_pending import MOCK_PENDING

SPEC = paths.SPEC_PATH
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = int(os.environ.get("ARIZE_MOCK_FUZZ_EXAMPLES", "15"))
DEEP = os.environ.get("ARIZE_MOCK_FUZZ_DEEP", "") == "1"

COVERAGE_NODES = 40


def _members(node: Any, seen: frozenset[str] = frozenset()) -> int:
    """How many object members a schema has in all, through refs, unions and arrays."""
    ref = node.get("$ref") if isinstance(node, dict) else None
    if ref in seen:
        return 0
    seen = seen | {ref} if ref else seen
    node = spec_support.resolve(node)
    if not isinstance(node, dict):
        return 0
    branches = [b for key in ("oneOf", "anyOf", "allOf") for b in node.get(key, [])]
    members = node.get("properties") or {}
    total = sum(_members(b, seen) for b in branches) + len(members)
    total += sum(_members(m, seen) for m in members.values())
    return total + (_members(node["items"], seen) if "items" in node else 0)


_large_bodies = sorted(
    op.operation_id
    for op in spec_support.operations()
    if op.body_schema is not None and _members(op.body_schema) > COVERAGE_NODES
)
_coverage = {"include-operation-id": _large_bodies, "phases": {"coverage": {"enabled": DEEP}}}
schema = schemathesis.openapi.from_path(
    SPEC, config=schemathesis.Config.from_dict({"operations": [_coverage]})
)
if MOCK_PENDING:  # operations the mock answers 501 for now (see tests/support/mock_pending.py)
    schema = schema.exclude(operation_id=sorted(MOCK_PENDING))
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


class Graph:
    """Real resources whose ids replace generated ones; rebuilt when the fuzzer deletes them."""

    # Path parameters whose name means different things under different paths.
    BY_PATH = (
        ("/v2/prompt-versions/", "version_id", "prompt_version_id"),
        ("/v2/evaluator-versions/", "version_id", "evaluator_version_id"),
        ("/v2/ai-integrations/", "integration_id", "ai_integration_id"),
        ("/v2/task-runs/", "run_id", "task_run_id"),
        ("/v2/role-bindings", "resource_id", "space_id"),
    )

    def __init__(self, mock: MockServer) -> None:
        self.mock = mock
        self.ids: dict[str, str] = {}
        self.tag_ids: list[str] = []
        self.documents: dict[str, str] = {}  # document kind -> id that must still exist

    def ensure(self) -> None:
        state = self.mock.state
        with state.lock:
            intact = bool(self.ids) and all(
                self.ids[name] in store
                for name, store in (
                    ("space_id", state.spaces),
                    ("dataset_id", state.datasets),
                    ("experiment_id", state.experiments),
                    ("project_id", state.projects),
                    ("user_id", state.users),
                )
            )
            intact = intact and all(t in state.tags for t in self.tag_ids)
            intact = intact and all(
                state.document(kind, doc_id) is not None for kind, doc_id in self.documents.items()
            )
        if not intact:
            self.mock.reset()
            self._build()

    def _build(self) -> None:
        self.ids = mock_world.build(self.mock)
        with self.mock.state.lock:
            self.tag_ids = [t.id for t in self.mock.state.tags.values()]
        self.documents = {kind: self.ids[f"{kind}_id"] for kind in mock_world.KEY_DOCUMENTS}

    def _id(self, name: str, path: str) -> str | None:
        for prefix, param, key in self.BY_PATH:
            if param == name and path.startswith(prefix):
                return self.ids[key]
        return self.ids.get(name)

    def swap(self, case: schemathesis.Case) -> None:
        """Replace three in four generated ids (chosen by a hash of the case) with real ones."""
        for name, value in (case.path_parameters or {}).items():
            real = self._id(name, case.path)
            if real is not None and _chosen(name, value):
                case.path_parameters[name] = real
        if isinstance(case.body, dict):
            for name, value in list(case.body.items()):
                real = self._id(name, case.path)
                if real is not None and isinstance(value, str) and _chosen(name, value):
                    case.body[name] = real
                if name == "tag_ids" and isinstance(value, list) and _chosen(name, value):
                    case.body[name] = self.tag_ids[: max(1, len(value) % 4)]
            record_id = self.ids["run_id" if "/runs/" in case.path else "example_id"]
            if case.path.startswith("/v2/spans"):
                record_id = "span-1"
            annotations = case.body.get("annotations")
            for item in annotations if isinstance(annotations, list) else []:
                value = item.get("record_id") if isinstance(item, dict) else None
                if isinstance(value, str) and _chosen("record_id", value):
                    item["record_id"] = record_id


def _chosen(name: str, value: object) -> bool:
    return zlib.crc32(f"{name}={value!r}".encode()) % 4 != 0


# Headers that frame the HTTP message; a generated value would be refused by the server
# (plain text, "Invalid HTTP request received.") before the mock's app sees the request.
FRAMING = frozenset({"transfer-encoding", "content-length", "connection", "host"})


@pytest.fixture(scope="module")
def fuzz_target() -> Iterator[Graph]:
    with serve(env={}, log_level="critical") as mock:
        yield Graph(mock)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=not DEEP,
    suppress_health_check=list(HealthCheck),
)
def test_mock_conforms_to_openapi(case: schemathesis.Case, fuzz_target: Graph) -> None:
    fuzz_target.ensure()
    fuzz_target.swap(case)
    if case.headers:  # HTTP framing is not an API input: uvicorn refuses a bad one itself
        case.headers = {k: v for k, v in case.headers.items() if k.lower() not in FRAMING}
    mock = fuzz_target.mock
    if case.path.startswith("/v1/"):
        headers = {"Authorization": mock.api_key}
        if not (case.headers or {}).get("Grpc-Metadata-space_id"):
            headers["Grpc-Metadata-space_id"] = mock.space_id
    else:
        headers = {"Authorization": f"Bearer {mock.api_key}"}
    case.call_and_validate(base_url=mock.base_url, headers=headers, checks=CHECKS)
