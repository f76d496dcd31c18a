"""Schemathesis against the mock: every answer conforms to openapi.yaml and none is a 5xx.

Positive and negative cases for every operation the mock implements (those not listed in
``tests/mock_pending.py``), over real HTTP. Most generated ids would only ever meet 404s, so a
deterministic three in four of them are swapped for ids of a small graph of real resources
(rebuilt whenever the fuzzer deletes part of it): that way 2xx answers are checked against their
schemas too.

Bounded so it stays well under a minute: ``ARIZE_MOCK_FUZZ_EXAMPLES`` (default 25) per
operation and mode, derandomized so CI runs repeat, and without schemathesis' coverage
phase for ``/v1/log``, whose large record schema alone yields ~3000 boundary cases (20 s).
``ARIZE_MOCK_FUZZ_DEEP=1`` randomizes and restores that phase, for exploring locally.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
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
from tests.mock_pending import MOCK_PENDING

SPEC = Path(__file__).resolve().parent.parent / "openapi.yaml"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = int(os.environ.get("ARIZE_MOCK_FUZZ_EXAMPLES", "25"))
DEEP = os.environ.get("ARIZE_MOCK_FUZZ_DEEP", "") == "1"

_v1_coverage = {"include-path": "/v1/log", "phases": {"coverage": {"enabled": DEEP}}}
schema = schemathesis.openapi.from_path(
    SPEC, config=schemathesis.Config.from_dict({"operations": [_v1_coverage]})
)
if MOCK_PENDING:  # operations the mock answers 501 for now (see tests/mock_pending.py)
    schema = schema.exclude(operation_id=sorted(MOCK_PENDING))
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


class Graph:
    """Real resources whose ids replace generated ones; rebuilt when the fuzzer deletes them."""

    def __init__(self, mock: MockServer) -> None:
        self.mock = mock
        self.ids: dict[str, str] = {}
        self.tag_ids: list[str] = []

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
                )
            )
        if not intact:
            self.mock.reset()
            self._build()

    def _build(self) -> None:
        mock = self.mock
        headers = {"Authorization": f"Bearer {mock.api_key}"}
        with httpx.Client(base_url=mock.base_url, headers=headers, trust_env=False) as http:
            rows = [{"question": f"q{i}", "answer": str(i)} for i in range(3)]
            body: dict[str, Any] = {"name": "fuzz", "space_id": mock.space_id, "examples": rows}
            dataset = http.post("/v2/datasets", json=body).raise_for_status().json()
            examples = http.get(f"/v2/datasets/{dataset['id']}/examples").json()["examples"]
            runs = [{"example_id": e["id"], "output": "out"} for e in examples]
            body = {"name": "fuzz", "dataset_id": dataset["id"], "experiment_runs": runs}
            experiment = http.post("/v2/experiments", json=body).raise_for_status().json()
            runs_path = f"/v2/experiments/{experiment['id']}/runs"
            http_runs = http.get(runs_path).json()["experiment_runs"]
            body = {"name": "fuzz", "space_id": mock.space_id}
            project = http.post("/v2/projects", json=body).raise_for_status().json()
        member = mock.state.create_key({mock.space_id: "member", mock.org_id: "member"})
        with mock.state.lock:
            self.tag_ids = [t.id for t in mock.state.tags.values()]
        self.ids = {
            "space_id": mock.space_id,
            "org_id": mock.org_id,
            "organization_id": mock.org_id,
            "dataset_id": dataset["id"],
            "dataset_version_id": dataset["versions"][0]["id"],
            "experiment_id": experiment["id"],
            "project_id": project["id"],
            "user_id": member.user_id,
            "example_id": examples[0]["id"],
            "run_id": http_runs[0]["id"],
        }

    def swap(self, case: schemathesis.Case) -> None:
        """Replace three in four generated ids (chosen by a hash of the case) with real ones."""
        for name, value in (case.path_parameters or {}).items():
            if name in self.ids and _chosen(name, value):
                case.path_parameters[name] = self.ids[name]
        if isinstance(case.body, dict):
            for name, value in list(case.body.items()):
                if name in self.ids and isinstance(value, str) and _chosen(name, value):
                    case.body[name] = self.ids[name]
                if name == "tag_ids" and isinstance(value, list) and _chosen(name, value):
                    case.body[name] = self.tag_ids[: max(1, len(value) % 4)]
            record_id = self.ids["run_id" if "/runs/" in case.path else "example_id"]
            annotations = case.body.get("annotations")
            for item in annotations if isinstance(annotations, list) else []:
                value = item.get("record_id") if isinstance(item, dict) else None
                if isinstance(value, str) and _chosen("record_id", value):
                    item["record_id"] = record_id


def _chosen(name: str, value: object) -> bool:
    return zlib.crc32(f"{name}={value!r}".encode()) % 4 != 0


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
    mock = fuzz_target.mock
    if case.path.startswith("/v1/"):
        headers = {"Authorization": mock.api_key}
        if not (case.headers or {}).get("Grpc-Metadata-space_id"):
            headers["Grpc-Metadata-space_id"] = mock.space_id
    else:
        headers = {"Authorization": f"Bearer {mock.api_key}"}
    case.call_and_validate(base_url=mock.base_url, headers=headers, checks=CHECKS)
