"""Cursor pagination: pages, opaque cursors, the spec's limit bounds, and cursorless has_more."""

from __future__ import annotations

from collections import defaultdict

import httpx
import pytest

import arize_api
from arize_api.api.datasets import (
    create_dataset,
    insert_dataset_examples,
    list_dataset_examples,
    list_datasets,
    search_dataset_examples,
)
from arize_api.api.experiments import create_experiment, list_experiment_runs
from arize_api.mock import FaultRule, MockServer
from arize_api.mock.spec import Operation, load_spec
from arize_api.models import (
    CreateDatasetRequest,
    CreateExperimentRequest,
    InsertDatasetExamplesRequest,
    SearchDatasetExamplesRequest,
)
from tests.support.mock_fixtures import Connect, dataset_body, raw
from tests.support.mock_pending import implemented

pytest_plugins = ["arize_api.mock.pytest_plugin", "tests.support.mock_fixtures"]

LIST_OPERATIONS = [
    op for op in implemented(load_spec().operations) if any(p.name == "limit" for p in op.query())
]


def _datasets(client: arize_api.ArizeClient, mock: MockServer, count: int) -> list[str]:
    return [
        create_dataset.sync(
            client=client, body=CreateDatasetRequest.from_dict(dataset_body(mock, f"ds{i}", rows=1))
        ).id
        for i in range(count)
    ]


def test_pages_follow_cursors_in_order(connect: Connect, arize_mock: MockServer) -> None:
    client = connect()
    ids = _datasets(client, arize_mock, 7)[::-1]  # datasets list newest first
    first = list_datasets.sync(client=client, limit=3)
    assert [d.id for d in first.datasets] == ids[:3]
    assert first.pagination.has_more is True
    cursor = first.pagination.next_cursor
    assert isinstance(cursor, str) and cursor
    second = list_datasets.sync(client=client, limit=3, cursor=cursor)
    assert [d.id for d in second.datasets] == ids[3:6]
    last = list_datasets.sync(client=client, limit=3, cursor=second.pagination.next_cursor)
    assert [d.id for d in last.datasets] == ids[6:]
    assert last.pagination.has_more is False
    assert last.pagination.to_dict() == {"has_more": False}  # no next_cursor at the end
    assert [d.id for d in client.paginate(list_datasets, limit=2)] == ids


def test_cursor_survives_deletes_and_inserts_between_pages(
    connect: Connect, arize_mock: MockServer
) -> None:
    client = connect()
    ids = _datasets(client, arize_mock, 4)[::-1]  # datasets list newest first
    first = list_datasets.sync(client=client, limit=2)
    assert [d.id for d in first.datasets] == ids[:2]
    with raw(arize_mock) as http:
        http.delete(f"/v2/datasets/{ids[0]}").raise_for_status()
        http.delete(f"/v2/datasets/{ids[3]}").raise_for_status()
    _datasets(client, arize_mock, 1)  # newer than the cursor: on no later page
    rest = list_datasets.sync(client=client, limit=10, cursor=first.pagination.next_cursor)
    assert [d.id for d in rest.datasets] == ids[2:3]


def test_default_limit_is_the_specs(connect: Connect, arize_mock: MockServer) -> None:
    client = connect()
    dataset = create_dataset.sync(
        client=client, body=CreateDatasetRequest.from_dict(dataset_body(arize_mock, rows=1000))
    )
    with raw(arize_mock) as http:
        page = http.get(f"/v2/datasets/{dataset.id}/examples").json()
        assert len(page["examples"]) == 50 and page["pagination"]["has_more"] is True
        page = http.get(f"/v2/datasets/{dataset.id}/examples", params={"limit": 500}).json()
        assert len(page["examples"]) == 500
    rows = list(client.paginate(list_dataset_examples, dataset_id=dataset.id, limit=500))
    assert [r["question"] for r in rows] == [f"q{i}" for i in range(1000)]


def test_examples_and_runs_keep_insertion_order_across_pages(
    connect: Connect, arize_mock: MockServer
) -> None:
    client = connect()
    dataset = create_dataset.sync(
        client=client, body=CreateDatasetRequest.from_dict(dataset_body(arize_mock, rows=5))
    )
    insert_dataset_examples.sync(
        client=client,
        dataset_id=dataset.id,
        body=InsertDatasetExamplesRequest.from_dict({"examples": [{"question": "q5"}]}),
    )
    questions = [
        e["question"]
        for e in client.paginate(list_dataset_examples, dataset_id=dataset.id, limit=4)
    ]
    assert questions == [f"q{i}" for i in range(6)]
    runs = [{"example_id": f"e{i}", "output": str(i)} for i in range(7)]
    experiment = create_experiment.sync(
        client=client,
        body=CreateExperimentRequest.from_dict(
            {"name": "e", "dataset_id": dataset.id, "experiment_runs": runs}
        ),
    )
    outputs = [
        r.output
        for r in client.paginate(list_experiment_runs, experiment_id=experiment.id, limit=3)
    ]
    assert outputs == [str(i) for i in range(7)]


def test_search_pages_with_the_cursor_in_the_body(connect: Connect, arize_mock: MockServer) -> None:
    client = connect()
    dataset = create_dataset.sync(
        client=client, body=CreateDatasetRequest.from_dict(dataset_body(arize_mock, rows=9))
    )
    body = SearchDatasetExamplesRequest(filter_="question != 'q4'", limit=3)
    found = list(client.paginate(search_dataset_examples, dataset_id=dataset.id, body=body))
    assert [e["question"] for e in found] == [f"q{i}" for i in range(9) if i != 4]


@pytest.mark.parametrize("op", LIST_OPERATIONS, ids=lambda op: op.operation_id)
def test_limit_bounds_come_from_the_spec(arize_mock: MockServer, op: Operation) -> None:
    (limit,) = [p for p in op.query() if p.name == "limit"]
    path = op.path.format_map(defaultdict(lambda: "x", space_id=arize_mock.space_id))
    body = {} if op.method == "POST" else None  # searches: filters in the body, paging in the query
    with raw(arize_mock) as http:
        for bad in (limit.schema["minimum"] - 1, limit.schema["maximum"] + 1, "ten", "1.5"):
            answer = http.request(op.method, path, params={"limit": bad}, json=body)
            assert answer.status_code == 400, (bad, answer.text)
            assert answer.headers["content-type"] == "application/problem+json"
            assert answer.json()["type"].endswith("#invalid-request")
            assert "limit" in answer.json()["detail"]


def test_bad_cursors_are_400(connect: Connect, arize_mock: MockServer) -> None:
    client = connect()
    dataset_id = _datasets(client, arize_mock, 3)[0]
    runs = [{"example_id": "x", "output": "x"}]
    body = {"name": "e", "dataset_id": dataset_id, "experiment_runs": runs}
    experiment = create_experiment.sync(client=client, body=CreateExperimentRequest.from_dict(body))
    cursor = list_datasets.sync(client=client, limit=1).pagination.next_cursor
    with pytest.raises(arize_api.BadRequestError, match="cursor"):
        list_datasets.sync(client=client, cursor="not-a-cursor!")
    with pytest.raises(arize_api.BadRequestError, match="same filters"):
        list_datasets.sync(client=client, limit=1, cursor=cursor, name="ds")
    with pytest.raises(arize_api.BadRequestError):  # a cursor of another operation
        list_experiment_runs.sync(client=client, experiment_id=experiment.id, cursor=cursor)


def test_has_more_without_cursor_switch(connect: Connect, arize_mock: MockServer) -> None:
    client = connect()
    _datasets(client, arize_mock, 3)
    arize_mock.faults.add(FaultRule(operation="listDatasets", has_more_without_cursor=True))
    page = list_datasets.sync(client=client, limit=2)
    assert page.pagination.has_more is True
    assert page.pagination.to_dict() == {"has_more": True}
    assert list_datasets.sync(client=client, limit=5).pagination.has_more is False  # still accurate
    with pytest.raises(arize_api.PaginationError, match="without a next_cursor"):
        list(client.paginate(list_datasets, limit=2))


def test_has_more_without_cursor_from_the_control_plane(
    connect: Connect, arize_mock: MockServer
) -> None:
    client = connect()
    _datasets(client, arize_mock, 2)
    with httpx.Client(base_url=arize_mock.base_url) as control:
        rule = {"operation": "list_datasets", "has_more_without_cursor": True}
        control.post("/_mock/faults", json={"rules": [rule]}).raise_for_status()
        assert list_datasets.sync(client=client, limit=1).pagination.to_dict() == {"has_more": True}
        control.post("/_mock/reset").raise_for_status()
    assert list_datasets.sync(client=client, limit=1).pagination.has_more is False  # reset cleared
