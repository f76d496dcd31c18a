"""Fault injection, observed by the client: retried 503s, honoured Retry-After, rate limits,
latency, dropped connections; set by arguments, the environment or the control plane."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx
import pytest

import arize_api
from arize_api.api.datasets import create_dataset, list_datasets
from arize_api.api.spaces import get_space
from arize_api.api.v1 import log_record
from arize_api.mock import FaultRule, Faults, MockServer, RateLimit, serve
from arize_api.models import CreateDatasetRequest, V1Record
from tests.support.mock_fixtures import Connect, client_for, dataset_body

pytest_plugins = ["arize_api.mock.pytest_plugin", "tests.support.mock_fixtures"]


def _statuses(mock: MockServer, operation: str) -> list[int]:
    return [e.status for e in mock.journal if e.operation == operation]


def test_next_n_503s_are_retried_by_the_client(connect: Connect, arize_mock: MockServer) -> None:
    arize_mock.faults.add(FaultRule(operation="listDatasets", status=503, times=2))
    page = list_datasets.sync(client=connect(max_retries=2))
    assert page.datasets == []
    assert _statuses(arize_mock, "list_datasets") == [503, 503, 200]
    assert arize_mock.faults.rules == []  # used up


def test_503s_beyond_the_retry_budget_raise(connect: Connect, arize_mock: MockServer) -> None:
    arize_mock.faults.add(FaultRule(path="/v2/spaces/*", status=503))
    with pytest.raises(arize_api.InternalServerError) as caught:
        get_space.sync(client=connect(max_retries=1), space_id=arize_mock.space_id)
    assert caught.value.status == 503
    assert caught.value.request_id == caught.value.response.headers["x-request-id"]
    assert _statuses(arize_mock, "get_space") == [503, 503]


def test_a_create_is_not_repeated_after_a_503(connect: Connect, arize_mock: MockServer) -> None:
    arize_mock.faults.add(FaultRule(operation="create_dataset", status=503, times=1))
    body = CreateDatasetRequest.from_dict(dataset_body(arize_mock))
    with pytest.raises(arize_api.InternalServerError):
        create_dataset.sync(client=connect(), body=body)
    assert _statuses(arize_mock, "create_dataset") == [503]


def test_429_retry_after_is_honoured(connect: Connect, arize_mock: MockServer) -> None:
    arize_mock.faults.add(FaultRule(operation="create_dataset", status=429, retry_after=1, times=1))
    started = time.monotonic()
    created = create_dataset.sync(
        client=connect(), body=CreateDatasetRequest.from_dict(dataset_body(arize_mock))
    )
    waited = time.monotonic() - started
    assert created.name == "qa"
    assert _statuses(arize_mock, "create_dataset") == [429, 201]  # a 429 is safe to retry
    assert 1.0 <= waited < 5.0


def test_rate_limit_per_key_with_retry_after(connect: Connect, arize_mock: MockServer) -> None:
    arize_mock.faults.set_rate_limit(RateLimit(requests=2, per=60))
    client = connect(max_retries=0)
    list_datasets.sync(client=client)
    list_datasets.sync(client=client)
    with pytest.raises(arize_api.RateLimitError) as caught:
        list_datasets.sync(client=client)
    assert 55 <= int(caught.value.response.headers["retry-after"]) <= 60
    assert caught.value.response.headers["content-type"] == "application/problem+json"
    list_datasets.sync(client=connect(role="admin"))  # another key has its own window


def test_latency_is_added(connect: Connect, arize_mock: MockServer) -> None:
    arize_mock.faults.add(FaultRule(operation="get_space", latency=0.3))
    client = connect()
    started = time.monotonic()
    get_space.sync(client=client, space_id=arize_mock.space_id)
    assert time.monotonic() - started >= 0.3


def test_dropped_connection_mid_response(arize_mock: MockServer) -> None:
    arize_mock.faults.add(FaultRule(operation="list_datasets", drop=True, times=1))
    headers = {"Authorization": f"Bearer {arize_mock.api_key}"}
    with pytest.raises(httpx.RemoteProtocolError, match="without sending complete message body"):
        httpx.get(arize_mock.base_url + "/v2/datasets", headers=headers)


def test_a_create_cut_mid_answer_is_reported_not_resent(
    connect: Connect, arize_mock: MockServer
) -> None:
    """The write happened; only the answer was lost, so the create must not be sent again."""
    arize_mock.faults.add(FaultRule(operation="create_dataset", drop=True, times=1))
    body = CreateDatasetRequest.from_dict(dataset_body(arize_mock))
    with pytest.raises(arize_api.APIConnectionError, match=r"POST .*/v2/datasets failed"):
        create_dataset.sync(client=connect(), body=body)
    assert [d.name for d in arize_mock.state.datasets.values()] == ["qa"]


def test_a_read_cut_mid_answer_is_retried(connect: Connect, arize_mock: MockServer) -> None:
    arize_mock.faults.add(FaultRule(operation="list_datasets", drop=True, times=1))
    page = list_datasets.sync(client=connect())
    assert isinstance(page.datasets, list)


def test_faults_on_v1_use_its_error_format(connect: Connect, arize_mock: MockServer) -> None:
    arize_mock.faults.add(FaultRule(path="/v1/log", status=500, times=1))
    record = V1Record.from_dict(
        {"model_id": "m", "prediction": {"prediction_label": {"numeric": 1}}}
    )
    with pytest.raises(arize_api.InternalServerError) as caught:
        log_record.sync(client=connect(), body=record)
    assert caught.value.response.headers["content-type"] == "application/json"
    assert caught.value.body["code"] == 13


def test_seeded_rates_repeat() -> None:
    def decisions(seed: int) -> list[int | None]:
        faults = Faults([FaultRule(status=503, rate=0.5)], seed=seed)
        return [faults.decide("get_space", "GET", "/v2/spaces/x", "k").status for _ in range(40)]

    assert decisions(7) == decisions(7)
    assert decisions(7) != decisions(8)
    assert 5 < decisions(7).count(503) < 35


def test_rules_match_operation_path_and_method() -> None:
    rule = FaultRule(operation="getSpace", method="get", status=500)
    assert rule.operation == "get_space" and rule.method == "GET"
    assert rule.matches("get_space", "GET", "/v2/spaces/1")
    assert not rule.matches("get_space", "PATCH", "/v2/spaces/1")
    assert FaultRule(path="/v2/datasets/*/examples", latency=1).matches(
        "x", "GET", "/v2/datasets/a/examples"
    )
    with pytest.raises(ValueError, match="needs an effect"):
        FaultRule(operation="get_space")
    with pytest.raises(ValueError, match="rate"):
        FaultRule(status=500, rate=2)


def test_faults_from_the_environment() -> None:
    env = {
        "ARIZE_MOCK_ERROR_RATE": "1",
        "ARIZE_MOCK_ERROR_STATUS": "502",
        "ARIZE_MOCK_LATENCY_MS": "5",
        "ARIZE_MOCK_RATE_LIMIT": "100/60",
        "ARIZE_MOCK_HAS_MORE_WITHOUT_CURSOR": "list_datasets, listProjects",
        "ARIZE_MOCK_FAULTS": '[{"operation": "get_space", "status": 418}]',
    }
    faults = Faults.from_env(env)
    described = faults.to_dict()
    assert described["rate_limit"] == {"requests": 100, "per": 60.0}
    assert [r.get("status") for r in described["rules"]] == [None, 502, None, None, 418]
    with pytest.raises(ValueError, match="ARIZE_MOCK_DROP_RATE"):
        Faults.from_env({"ARIZE_MOCK_DROP_RATE": "often"})
    with serve(env={"ARIZE_MOCK_ERROR_RATE": "1", "ARIZE_MOCK_ERROR_STATUS": "500"}) as mock:
        with client_for(mock, max_retries=0) as client:
            with pytest.raises(arize_api.InternalServerError):
                list_datasets.sync(client=client)
            mock.faults.clear()
            list_datasets.sync(client=client)
        mock.reset()  # back to the environment's faults
        assert len(mock.faults.rules) == 1


def test_faults_through_the_control_plane(connect: Connect, arize_mock: MockServer) -> None:
    client = connect(max_retries=0)
    with httpx.Client(base_url=arize_mock.base_url) as control:
        rule = {"operation": "list_datasets", "status": 503, "times": 1}
        answer = control.post("/_mock/faults", json={"rules": [rule], "rate_limit": None})
        assert answer.json()["rules"][0]["times"] == 1
        with pytest.raises(arize_api.InternalServerError):
            list_datasets.sync(client=client)
        list_datasets.sync(client=client)
        assert control.get("/_mock/faults").json() == {"rules": [], "rate_limit": None}
        bad = control.post("/_mock/faults", json={"rules": [{"operation": "x", "colour": 1}]})
        assert bad.status_code == 422 and "colour" in bad.json()["detail"]
        assert control.post("/_mock/faults", json={"rules": [{"status": 99}]}).status_code == 422
        assert control.post("/_mock/faults", content=b"{").status_code == 400
        control.post("/_mock/faults", json={"rules": [{"status": 500}]})
        assert control.get("/_mock/info").status_code == 200  # the control plane is exempt
        control.delete("/_mock/faults")
        list_datasets.sync(client=client)


def test_command_line_server_prints_its_credentials() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "arize_api.mock", "--port", "0", "--log-level", "warning"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("Arize mock server on http://127.0.0.1:")
        url = first.split()[-1]
        lines = [process.stdout.readline() for _ in range(3)]
        assert "arize-mock-admin-key" in lines[0] and "space id" in lines[1]
        space_id = lines[1].split()[2]
        answer = httpx.get(
            f"{url}/v2/spaces/{space_id}", headers={"Authorization": "Bearer arize-mock-admin-key"}
        )
        assert answer.status_code == 200 and answer.json()["name"] == "Mock Space"
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
