"""Writes are never duplicated: a create or update that may have reached the server is sent once.

A POST or PATCH answered 5xx, timing out after it was sent, or losing its connection before or
during the answer is not re-sent, even with retries to spare (max_retries=3): the server counts
exactly one. Only a 429 (the server refused before acting) is retried. Checked on the raw
server, which counts bytes received, and on the mock, whose state says what was created.
"""

from __future__ import annotations

import time
from types import ModuleType
from typing import Any

import pytest

from arize_api import (
    APIConnectionError,
    APITimeoutError,
    ArizeError,
    InternalServerError,
)
from arize_api.api.datasets import (
    create_dataset,
    insert_dataset_examples,
    list_datasets,
    update_dataset,
)
from arize_api.api.experiments import create_experiment
from arize_api.api.v1 import log_record
from arize_api.mock import FaultRule, MockServer
from arize_api.models import (
    CreateDatasetRequest,
    CreateDatasetRequestExamplesItem,
    CreateExperimentRequest,
    ExperimentRunInput,
    InsertDatasetExamplesRequest,
    InsertDatasetExamplesRequestExamplesItem,
    UpdateDatasetRequest,
    V1Record,
)
from tests.support.clients import Flavour
from tests.support.payloads import SPACE_ID, dataset_json
from tests.support.reliability import make_client, one_typed_error
from tests.support.scripted_raw import RawReply, ScriptedRawServer

pytest_plugins = [
    "tests.support.clients",
    "tests.support.reliability",
    "arize_api.mock.pytest_plugin",
]
pytestmark = [pytest.mark.usefixtures("clean_env", "leak_guard"), pytest.mark.timeout(30)]

CLIENT_TIMEOUT = 0.3


def _experiment_json() -> dict[str, Any]:
    return {**dataset_json("e1"), "dataset_id": "d1"}


def _version_json() -> dict[str, Any]:
    return {**dataset_json("d1"), "dataset_version_id": "v1", "example_ids": ["x1"]}


# name: (operation, arguments, method, path, success status, success body)
WRITES: dict[str, tuple[ModuleType, dict[str, Any], str, str, int, Any]] = {
    "create_dataset": (
        create_dataset,
        {
            "body": CreateDatasetRequest(
                name="new",
                space_id=SPACE_ID,
                examples=[CreateDatasetRequestExamplesItem.from_dict({"q": "2+2?"})],
            )
        },
        "POST",
        "/v2/datasets",
        201,
        dataset_json("new"),
    ),
    "insert_dataset_examples": (
        insert_dataset_examples,
        {
            "dataset_id": "d1",
            "body": InsertDatasetExamplesRequest(
                examples=[InsertDatasetExamplesRequestExamplesItem.from_dict({"q": "3+3?"})]
            ),
        },
        "POST",
        "/v2/datasets/d1/examples",
        201,
        _version_json(),
    ),
    "update_dataset": (
        update_dataset,
        {"dataset_id": "d1", "body": UpdateDatasetRequest(name="renamed")},
        "PATCH",
        "/v2/datasets/d1",
        200,
        dataset_json("d1", "renamed"),
    ),
    "create_experiment": (
        create_experiment,
        {
            "body": CreateExperimentRequest(
                name="exp", dataset_id="d1", experiment_runs=[ExperimentRunInput(output="4")]
            )
        },
        "POST",
        "/v2/experiments",
        201,
        _experiment_json(),
    ),
    "v1_log_record": (
        log_record,
        {"body": V1Record(model_id="m", prediction_id="p1")},
        "POST",
        "/v1/log",
        200,
        {},
    ),
}

PROBLEM = {"title": "Internal Server Error", "status": 500, "detail": "it broke after writing"}
HTML = "<html><title>502 Bad Gateway</title></html>"
# fault: (the raw reply, the one error it must end in)
FAULTS: dict[str, tuple[RawReply, type[ArizeError]]] = {
    "500": (RawReply.response(500, PROBLEM, reason="Internal Server Error"), InternalServerError),
    "502_html": (
        RawReply.response(502, HTML, reason="Bad Gateway", headers={"Content-Type": "text/html"}),
        InternalServerError,
    ),
    "503": (RawReply.response(503, {"title": "busy"}, reason="Unavailable"), InternalServerError),
    "504": (RawReply.response(504, b"", reason="Gateway Timeout"), InternalServerError),
    "timeout_after_sending": (
        RawReply.response(201, dataset_json("late"), delay=5.0),
        APITimeoutError,
    ),
    "closed_before_answering": (RawReply(b""), APIConnectionError),
    "reset_before_answering": (RawReply(b"", then="reset"), APIConnectionError),
    "closed_mid_headers": (RawReply(b"HTTP/1.1 201 Created\r\nConte"), APIConnectionError),
    "closed_mid_body": (
        RawReply.response(201, b'{"id": "new", "na', content_length=300),
        APIConnectionError,
    ),
}
SOME_FAULTS = ("500", "timeout_after_sending", "closed_mid_body")


def _cases() -> list[Any]:
    cases = [
        pytest.param("create_dataset", fault, id=f"create_dataset-{fault}") for fault in FAULTS
    ]
    for write in WRITES:
        if write != "create_dataset":
            cases += [pytest.param(write, fault, id=f"{write}-{fault}") for fault in SOME_FAULTS]
    return cases


@pytest.mark.parametrize(("write", "fault"), _cases())
def test_write_that_may_have_reached_the_server_is_sent_once(
    flavour: Flavour, write: str, fault: str
) -> None:
    operation, arguments, method, path, _, _ = WRITES[write]
    reply, expected = FAULTS[fault]
    with ScriptedRawServer() as server:
        server.script(path, reply)
        client = make_client(flavour, server.url, timeout=CLIENT_TIMEOUT, max_retries=3)
        started = time.monotonic()
        error = one_typed_error(
            lambda: flavour.call(operation, client=client, **arguments), expected
        )
        assert time.monotonic() - started < 3
        assert f"{method} " in str(error) and path in str(error)
        received = server.requests_to(path)
        assert len(received) == 1, f"the {method} was sent {len(received)} times"
        assert received[0].method == method
        assert received[0].body  # the request had gone out in full


@pytest.mark.parametrize("write", sorted(WRITES))
def test_write_refused_with_429_is_retried_and_succeeds(flavour: Flavour, write: str) -> None:
    operation, arguments, _, path, status, body = WRITES[write]
    limited = RawReply.response(429, {"title": "Too Many Requests"}, headers={"Retry-After": "0"})
    with ScriptedRawServer() as server:
        server.script(path, limited, RawReply.response(status, body, reason="Created"))
        client = make_client(flavour, server.url, max_retries=3)
        response = flavour.call_detailed(operation, client=client, **arguments)
        assert response.status_code == status
        first, second = server.requests_to(path)
        assert first.body == second.body  # the same write, once refused and once done


# ----------------------------------------------------------------------- against the mock


def _datasets_named(flavour: Flavour, client: Any, name: str) -> list[Any]:
    return [d for d in flavour.items(client.paginate(list_datasets, name=name)) if d.name == name]


def _creates(mock: MockServer) -> list[Any]:
    return [e for e in mock.journal if e.operation == "create_dataset"]


def _body(mock: MockServer, name: str) -> CreateDatasetRequest:
    rows = [CreateDatasetRequestExamplesItem.from_dict({"question": "2+2?", "answer": "4"})]
    return CreateDatasetRequest(name=name, space_id=mock.space_id, examples=rows)


def _mock_client(flavour: Flavour, mock: MockServer, **options: Any) -> Any:
    return make_client(flavour, mock.base_url, api_key=mock.api_key, max_retries=3, **options)


def test_mock_create_whose_answer_is_cut_off_after_the_write_exists_once(
    flavour: Flavour, arize_mock: MockServer
) -> None:
    arize_mock.faults.add(FaultRule(operation="create_dataset", drop=True, times=1))
    client = _mock_client(flavour, arize_mock)
    body = _body(arize_mock, f"dropped-{flavour.name}")
    one_typed_error(
        lambda: flavour.call(create_dataset, client=client, body=body), APIConnectionError
    )
    assert len(_creates(arize_mock)) == 1
    assert _creates(arize_mock)[0].dropped
    assert len(_datasets_named(flavour, client, body.name)) == 1


def test_mock_create_answered_500_is_sent_once(flavour: Flavour, arize_mock: MockServer) -> None:
    arize_mock.faults.add(FaultRule(operation="create_dataset", status=500, times=1))
    client = _mock_client(flavour, arize_mock)
    body = _body(arize_mock, f"failed-{flavour.name}")
    error = one_typed_error(
        lambda: flavour.call(create_dataset, client=client, body=body), InternalServerError
    )
    assert error.request_id  # the mock's x-request-id, for a support ticket
    assert len(_creates(arize_mock)) == 1
    assert _datasets_named(flavour, client, body.name) == []


def test_mock_create_rate_limited_is_retried_and_exists_once(
    flavour: Flavour, arize_mock: MockServer
) -> None:
    rule = FaultRule(operation="create_dataset", status=429, retry_after=0, times=2)
    arize_mock.faults.add(rule)
    client = _mock_client(flavour, arize_mock)
    body = _body(arize_mock, f"limited-{flavour.name}")
    created = flavour.call(create_dataset, client=client, body=body)
    assert created.name == body.name
    assert [e.status for e in _creates(arize_mock)] == [429, 429, 201]
    assert [d.id for d in _datasets_named(flavour, client, body.name)] == [created.id]
