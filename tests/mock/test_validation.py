"""Validation: RFC 9457 problems with the reference's slugs, 400, 422 and 409, and /v1/log rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

import arize_api
from arize_api.api.datasets import create_dataset
from arize_api.api.experiments import list_experiments
from arize_api.mock import MockServer
from arize_api.models import CreateDatasetRequest
from tests.support.mock_fixtures import Connect, dataset_body, raw

pytest_plugins = ["arize_api.mock.pytest_plugin", "tests.support.mock_fixtures"]

ERRORS = "https://arize.com/docs/ax/rest-reference/errors#"


def _problem(answer: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = answer.json()
    assert problem["type"] == ERRORS + slug
    assert problem["status"] == status and problem["title"] and problem["detail"]
    assert problem["request_id"] == answer.headers["x-request-id"]
    assert problem["instance"] == answer.request.url.path
    return problem


@pytest.mark.parametrize(
    "content",
    [b"{", b"", b"[]", b'"text"', b'{"name": NaN}', b"\xff\xfe"],
    ids=["truncated", "empty", "array", "string", "nan", "not-utf8"],
)
def test_unparseable_bodies_are_400(arize_mock: MockServer, content: bytes) -> None:
    with raw(arize_mock) as http:
        answer = http.post(
            "/v2/datasets", content=content, headers={"Content-Type": "application/json"}
        )
    _problem(answer, 400, "invalid-request")


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"name": 5}, "/name"),
        ({"examples": "rows"}, "/examples"),
        ({"examples": [1, 2]}, "/examples/0"),
        ({"space_id": None}, "/space_id"),
    ],
)
def test_wrong_types_are_400(arize_mock: MockServer, change: dict[str, Any], pointer: str) -> None:
    with raw(arize_mock) as http:
        answer = http.post("/v2/datasets", json={**dataset_body(arize_mock), **change})
    problem = _problem(answer, 400, "invalid-request")
    assert pointer in [e["pointer"] for e in problem["errors"]]


def test_missing_required_member_is_400(arize_mock: MockServer) -> None:
    body = dataset_body(arize_mock)
    del body["examples"]
    with raw(arize_mock) as http:
        problem = _problem(http.post("/v2/datasets", json=body), 400, "invalid-request")
    assert "'examples' is a required property" in problem["detail"]


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"examples": []}, "at least 1 items"),
        ({"examples": [{"q": i} for i in range(1001)]}, "at most 1000 items"),
        ({"examples": [{"id": "mine", "q": 1}]}, "system-managed"),
        ({"examples": [{"q": 1}, {"created_at": "2024-01-01T00:00:00Z"}]}, "/examples/1"),
        ({"examples": [{"updated_at": "x"}]}, "system-managed"),
        ({"examples": [{}]}, "/examples/0: at least 1 member required"),
        ({"unexpected": True}, "'unexpected' was unexpected"),
        ({"name": "   "}, "must not be blank"),
    ],
    ids=[
        "none",
        "1001",
        "id",
        "created_at",
        "updated_at",
        "empty-row",
        "unknown-member",
        "blank-name",
    ],
)
def test_rule_violations_are_422(arize_mock: MockServer, body: dict[str, Any], needle: str) -> None:
    with raw(arize_mock) as http:
        answer = http.post("/v2/datasets", json={**dataset_body(arize_mock), **body})
    assert needle in _problem(answer, 422, "validation-error")["detail"]
    assert arize_mock.state.datasets == {}


def test_rules_on_example_inserts_updates_and_runs(arize_mock: MockServer) -> None:
    with raw(arize_mock) as http:
        dataset = http.post("/v2/datasets", json=dataset_body(arize_mock)).json()
        examples = f"/v2/datasets/{dataset['id']}/examples"
        _problem(http.post(examples, json={"examples": [{"id": "x"}]}), 422, "validation-error")
        rows = [{"id": "a", "updated_at": "now"}]
        _problem(http.patch(examples, json={"examples": rows}), 422, "validation-error")
        rows = [{"id": "a"}, {"id": "a"}]
        _problem(http.patch(examples, json={"examples": rows}), 422, "validation-error")
        _problem(http.patch(examples, json={"examples": [{"q": 1}]}), 400, "invalid-request")
        body = {
            "name": "e",
            "dataset_id": dataset["id"],
            "experiment_runs": [{"output": "o", "id": "x"}],
        }
        _problem(http.post("/v2/experiments", json=body), 422, "validation-error")
        body["experiment_runs"] = [{"output": "o"}]  # a dataset's runs name an example
        _problem(http.post("/v2/experiments", json=body), 422, "validation-error")
        body["experiment_runs"] = [{"output": "o"}]
        body["name"] = 'say "hi"'
        _problem(http.post("/v2/experiments", json=body), 422, "validation-error")  # pattern
        body = {"name": "e", "experiment_runs": [{"output": "o"}]}
        assert (
            "dataset_id or a space_id"
            in _problem(http.post("/v2/experiments", json=body), 422, "validation-error")["detail"]
        )


def test_duplicate_names_are_409(arize_mock: MockServer) -> None:
    with raw(arize_mock) as http:
        first = http.post("/v2/datasets", json=dataset_body(arize_mock, "same")).json()
        _problem(
            http.post("/v2/datasets", json=dataset_body(arize_mock, "same")),
            409,
            "resource-conflict",
        )
        other = http.post("/v2/datasets", json=dataset_body(arize_mock, "other")).json()
        _problem(
            http.patch(f"/v2/datasets/{other['id']}", json={"name": "same"}),
            409,
            "resource-conflict",
        )
        space = {"name": "Mock Space", "organization_id": arize_mock.org_id}
        _problem(http.post("/v2/spaces", json=space), 409, "resource-conflict")
        _problem(
            http.post("/v2/organizations", json={"name": "Mock Organization"}),
            409,
            "resource-conflict",
        )
        body = {"examples": [{"id": "x"}], "new_version": "v1"}
        _problem(
            http.patch(f"/v2/datasets/{first['id']}/examples", json=body), 409, "resource-conflict"
        )
        runs = {
            "name": "e",
            "dataset_id": first["id"],
            "experiment_runs": [{"example_id": "x", "output": "o"}],
        }
        assert http.post("/v2/experiments", json=runs).status_code == 201
        _problem(http.post("/v2/experiments", json=runs), 409, "resource-conflict")
        # the same name in another space is fine
        space_id = http.post("/v2/spaces", json={**space, "name": "second"}).json()["id"]
        assert (
            http.post(
                "/v2/datasets", json={**dataset_body(arize_mock, "same"), "space_id": space_id}
            ).status_code
            == 201
        )


def test_statuses_the_operation_does_not_declare_fall_back(
    connect: Connect, arize_mock: MockServer
) -> None:
    client = connect()
    # listExperiments declares no 422: "both filters" becomes the declared 400
    with pytest.raises(arize_api.BadRequestError, match="not both"):
        list_experiments.sync(client=client, dataset_id="a", space_id=arize_mock.space_id)
    with raw(arize_mock) as http:
        ids = [
            http.post("/v2/projects", json={"name": n, "space_id": arize_mock.space_id}).json()[
                "id"
            ]
            for n in "ab"
        ]
        # updateProject declares no 409: a duplicate name is the declared 422
        problem = _problem(
            http.patch(f"/v2/projects/{ids[1]}", json={"name": "a"}), 422, "validation-error"
        )
        assert "already exists" in problem["detail"]


@pytest.mark.parametrize(
    "params",
    [{"limit": "abc"}, {"limit": "0"}, {"project_type": "ROBOT"}, {"name": "x" * 256}],
    ids=["limit-text", "limit-0", "bad-enum", "long-name"],
)
def test_bad_query_parameters_are_400(arize_mock: MockServer, params: dict[str, str]) -> None:
    with raw(arize_mock) as http:
        _problem(http.get("/v2/projects", params=params), 400, "invalid-request")


def test_unknown_routes_and_methods_are_problems(arize_mock: MockServer) -> None:
    with raw(arize_mock) as http:
        _problem(http.get("/v2/nothing"), 404, "resource-not-found")
        _problem(http.get("/v2/datasets/"), 404, "resource-not-found")  # no slash redirects
        answer = http.put("/v2/datasets")
        assert (
            answer.status_code == 405
            and answer.headers["content-type"] == "application/problem+json"
        )
        assert "GET" in answer.headers["allow"]


def test_problem_members_reach_the_client(connect: Connect, arize_mock: MockServer) -> None:
    client = connect()
    with pytest.raises(arize_api.UnprocessableEntityError) as caught:
        create_dataset.sync(
            client=client, body=CreateDatasetRequest.from_dict(dataset_body(arize_mock, rows=0))
        )
    error = caught.value
    assert error.type == ERRORS + "validation-error"
    assert error.request_id and error.request_id.startswith("req_")
    assert error.extra["errors"][0]["pointer"] == "/examples"


# -- /v1/log ---------------------------------------------------------------------------------


def _log(mock: MockServer, record: Any) -> httpx.Response:
    headers = {"Authorization": mock.api_key, "Grpc-Metadata-space_id": mock.space_id}
    with httpx.Client(base_url=mock.base_url) as http:
        if isinstance(record, bytes):
            return http.post("/v1/log", content=record, headers=headers)
        return http.post("/v1/log", json=record, headers=headers)


def _ago(**delta: float) -> str:
    return (datetime.now(UTC) - timedelta(**delta)).isoformat().replace("+00:00", "Z")


def _prediction(**fields: Any) -> dict[str, Any]:
    return {
        "model_id": "m",
        "prediction_id": "p",
        "prediction": {"prediction_label": {"numeric": 2.0}, **fields},
    }


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (b"{", "the body is not valid JSON"),
        ({"model_id": "m"}, "log must include prediction or actual"),
        ({"model_id": "m", "prediction_and_actual": {}}, "log must include prediction or actual"),
        (_prediction(features={"f": {"bool": True}}), "invalid feature type"),
        (_prediction(features={"f": {"int": 3}}), "invalid feature type"),
        (_prediction(features={"f": {}}), "invalid feature type"),
        (_prediction(features={"f": {"string": "a", "double": 1.0}}), "invalid feature type"),
        ({"model_id": "m", "prediction": {"features": {}}}, "invalid label type"),
        (
            {**_prediction(), "actual": {"actual_label": {"categorical": "x"}}},
            "invalid label type",
        ),
        (_prediction(timestamp=_ago(days=91)), "timestamp must range from now back to T-90 days"),
        (_prediction(timestamp=_ago(days=-1)), "timestamp must range from now back to T-90 days"),
        (_prediction(timestamp="yesterday"), "timestamp must be an RFC 3339 date-time"),
        ({**_prediction(), "model_type": "numeric"}, "invalid record"),
    ],
    ids=[
        "not-json",
        "empty",
        "empty-pair",
        "bool-feature",
        "int-as-number",
        "empty-feature",
        "two-values",
        "no-label",
        "label-mismatch",
        "too-old",
        "future",
        "bad-timestamp",
        "unknown-field",
    ],
)
def test_v1_rejections(arize_mock: MockServer, record: Any, message: str) -> None:
    answer = _log(arize_mock, record)
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()["code"] == 3
    assert answer.json()["message"].startswith(message)
    assert arize_mock.state.records() == []


def test_v1_accepts_and_stores_verbatim(arize_mock: MockServer) -> None:
    prediction = _prediction(
        timestamp=_ago(days=89),
        features={
            "age": {"int": "42"},
            "state": {"string": "CA"},
            "e": {"embedding": {"vector": [0.1, 0.2]}},
        },
        tags={"region": {"string": "us"}},
    )
    actual = {
        "model_id": "m",
        "prediction_id": "p",
        "actual": {"actual_label": {"score_categorical": {"category": {"category": "yes"}}}},
    }
    both = {
        "model_id": "m",
        "prediction_and_actual": {
            "prediction": {"prediction_label": {"binary": True}},
            "actual": {"actual_label": {"binary": False}},
        },
        "environment_params": {"training": {}},
    }
    for record in (prediction, actual, both):
        answer = _log(arize_mock, record)
        assert (answer.status_code, answer.json()) == (200, {})
    assert [r["record"] for r in arize_mock.state.records()] == [prediction, actual, both]
    with httpx.Client(base_url=arize_mock.base_url) as control:
        stored = control.get("/_mock/v1/records").json()["records"]
        assert [r["record"] for r in stored] == [prediction, actual, both]
        assert stored[0]["space_id"] == arize_mock.space_id
        control.delete("/_mock/v1/records").raise_for_status()
        assert control.get("/_mock/v1/records").json() == {"records": []}


def _annotation_config(mock: MockServer, **members: Any) -> httpx.Response:
    with raw(mock) as http:
        return http.post(
            "/v2/annotation-configs", json={"name": "q", "space_id": mock.space_id, **members}
        )


@pytest.mark.parametrize(
    ("members", "status", "pointer", "detail"),
    [
        (
            {"annotation_config_type": "NOPE"},
            400,
            "/annotation_config_type",
            "must be one of 'CATEGORICAL', 'CONTINUOUS', 'FREEFORM', got 'NOPE'",
        ),
        ({}, 400, "", "'annotation_config_type' is a required property"),
        (
            {"annotation_config_type": "CONTINUOUS", "minimum_score": 0},
            400,
            "",
            "'maximum_score' is a required property",
        ),
        (
            {"annotation_config_type": "CATEGORICAL", "values": "good"},
            400,
            "/values",
            "expected array, got string",
        ),
        (
            {"annotation_config_type": "FREEFORM", "colour": "red"},
            422,
            "",
            "'colour' was unexpected",
        ),
    ],
    ids=["unknown-kind", "no-kind", "named-kind-missing-member", "named-kind-wrong-type", "extra"],
)
def test_a_union_body_is_judged_against_the_kind_it_names(
    arize_mock: MockServer, members: dict[str, Any], status: int, pointer: str, detail: str
) -> None:
    answer = _annotation_config(arize_mock, **members)
    slug = "invalid-request" if status == 400 else "validation-error"
    problem = _problem(answer, status, slug)
    assert detail in problem["detail"]
    assert problem["errors"][0]["pointer"] == pointer
    assert "allowed shape" not in problem["detail"]
