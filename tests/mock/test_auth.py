"""Authentication and authorization: 401, 403 versus 404, roles per space and org, /v1/log."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import arize_api
from arize_api.api.datasets import (
    annotate_dataset_examples,
    create_dataset,
    delete_dataset,
    get_dataset,
    list_datasets,
)
from arize_api.api.projects import create_project
from arize_api.api.spaces import add_space_user, delete_space, get_space, update_space
from arize_api.api.v1 import log_record
from arize_api.mock import MockServer
from arize_api.models import (
    AddSpaceUserRequest,
    AnnotateDatasetExamplesRequest,
    CreateDatasetRequest,
    CreateProjectRequest,
    UpdateSpaceRequest,
    V1Record,
)
from tests.support.mock_fixtures import Connect, annotation_config, dataset_body, raw

pytest_plugins = ["arize_api.mock.pytest_plugin", "tests.support.mock_fixtures"]

RECORD = {
    "model_id": "m",
    "prediction_id": "p",
    "prediction": {"prediction_label": {"numeric": 1.0}},
}


def _comparable(problem: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in problem.items() if k not in ("request_id", "instance")}


@pytest.fixture
def dataset(connect: Connect, arize_mock: MockServer) -> Any:
    client = connect()
    return create_dataset.sync(
        client=client, body=CreateDatasetRequest.from_dict(dataset_body(arize_mock))
    )


def test_missing_or_malformed_credentials_are_401(connect: Connect, arize_mock: MockServer) -> None:
    with httpx.Client(base_url=arize_mock.base_url) as http:
        for headers in ({}, {"Authorization": arize_mock.api_key}, {"Authorization": "Basic abc"}):
            answer = http.get("/v2/datasets", headers=headers)
            assert answer.status_code == 401
            assert answer.headers["content-type"] == "application/problem+json"
            assert answer.json()["title"] == "Unauthorized"
    with pytest.raises(arize_api.AuthenticationError):
        list_datasets.sync(client=connect("not-a-key"))


def test_read_only_can_read_but_not_act(
    connect: Connect, arize_mock: MockServer, dataset: Any
) -> None:
    reader = connect(role="read-only")
    assert get_dataset.sync(client=reader, dataset_id=dataset.id).id == dataset.id
    assert [d.id for d in list_datasets.sync(client=reader).datasets] == [dataset.id]
    with pytest.raises(arize_api.PermissionDeniedError, match="READ_ONLY"):
        delete_dataset.sync(client=reader, dataset_id=dataset.id)
    with pytest.raises(arize_api.PermissionDeniedError):
        create_dataset.sync(
            client=reader, body=CreateDatasetRequest.from_dict(dataset_body(arize_mock, "x"))
        )
    with pytest.raises(arize_api.PermissionDeniedError):
        annotate_dataset_examples.sync(
            client=reader,
            dataset_id=dataset.id,
            body=AnnotateDatasetExamplesRequest.from_dict(
                {"annotations": [{"record_id": "r", "values": [{"name": "n", "score": 1}]}]}
            ),
        )


def test_member_writes_content_but_does_not_manage_the_space(
    connect: Connect, arize_mock: MockServer, dataset: Any
) -> None:
    member = connect(role="member")
    created = create_dataset.sync(
        client=member, body=CreateDatasetRequest.from_dict(dataset_body(arize_mock, "m"))
    )
    delete_dataset.sync(client=member, dataset_id=created.id)
    with pytest.raises(arize_api.PermissionDeniedError):
        update_space.sync(
            client=member, space_id=arize_mock.space_id, body=UpdateSpaceRequest(name="mine")
        )
    with pytest.raises(arize_api.PermissionDeniedError):
        delete_space.sync(client=member, space_id=arize_mock.space_id)
    other = arize_mock.state.create_key()
    with pytest.raises(arize_api.PermissionDeniedError):
        add_space_user.sync(
            client=member,
            space_id=arize_mock.space_id,
            body=AddSpaceUserRequest.from_dict(
                {"user_id": other.user_id, "role": {"type": "PREDEFINED", "name": "ADMIN"}}
            ),
        )


def test_annotator_annotates_only(connect: Connect, arize_mock: MockServer, dataset: Any) -> None:
    annotator = connect(role="annotator")
    annotation_config(arize_mock, "n")
    with raw(arize_mock) as http:
        example_id = http.get(f"/v2/datasets/{dataset.id}/examples").json()["examples"][0]["id"]
    annotate_dataset_examples.sync(
        client=annotator,
        dataset_id=dataset.id,
        body=AnnotateDatasetExamplesRequest.from_dict(
            {"annotations": [{"record_id": example_id, "values": [{"name": "n", "text": "t"}]}]}
        ),
    )
    with pytest.raises(arize_api.PermissionDeniedError):
        delete_dataset.sync(client=annotator, dataset_id=dataset.id)


def test_no_access_is_indistinguishable_from_no_such_resource(
    connect: Connect, arize_mock: MockServer, dataset: Any
) -> None:
    outsider_key = arize_mock.state.create_key({arize_mock.space_id: "none"}).api_key
    with raw(arize_mock, outsider_key) as http:
        hidden = http.delete(f"/v2/datasets/{dataset.id}")
        missing = http.delete("/v2/datasets/RGF0YXNldDo5OTk6eHh4eA==")
        assert hidden.status_code == missing.status_code == 404
        assert _comparable(hidden.json()) == _comparable(missing.json())
        assert hidden.headers["content-type"] == "application/problem+json"
        # a list scoped to a space it cannot read is a 404 too; unscoped lists show nothing
        assert http.get("/v2/datasets", params={"space_id": arize_mock.space_id}).status_code == 404
        assert http.get("/v2/datasets").json()["datasets"] == []
    with pytest.raises(arize_api.NotFoundError):
        get_dataset.sync(client=connect(outsider_key), dataset_id=dataset.id)


def test_create_in_an_unreadable_space(connect: Connect, arize_mock: MockServer) -> None:
    outsider = connect(arize_mock.state.create_key().api_key)
    with pytest.raises(arize_api.NotFoundError):
        create_dataset.sync(
            client=outsider, body=CreateDatasetRequest.from_dict(dataset_body(arize_mock))
        )
    # createProject declares no 404, so the mock answers the nearest declared status, 422
    with pytest.raises(arize_api.UnprocessableEntityError, match="space not found"):
        create_project.sync(
            client=outsider, body=CreateProjectRequest(name="p", space_id=arize_mock.space_id)
        )


def test_organization_roles_reach_its_spaces(connect: Connect, arize_mock: MockServer) -> None:
    org_admin = connect(arize_mock.state.create_key({arize_mock.org_id: "admin"}).api_key)
    update_space.sync(
        client=org_admin, space_id=arize_mock.space_id, body=UpdateSpaceRequest(description="x")
    )
    org_member = connect(arize_mock.state.create_key({arize_mock.org_id: "member"}).api_key)
    assert get_space.sync(client=org_member, space_id=arize_mock.space_id).description == "x"
    with pytest.raises(arize_api.PermissionDeniedError):  # a public space is read-only to them
        create_dataset.sync(
            client=org_member, body=CreateDatasetRequest.from_dict(dataset_body(arize_mock))
        )
    update_space.sync(
        client=org_admin, space_id=arize_mock.space_id, body=UpdateSpaceRequest(is_private=True)
    )
    with pytest.raises(arize_api.NotFoundError):
        get_space.sync(client=org_member, space_id=arize_mock.space_id)


def test_keys_from_the_control_plane(
    connect: Connect, arize_mock: MockServer, dataset: Any
) -> None:
    with httpx.Client(base_url=arize_mock.base_url) as control:
        answer = control.post("/_mock/keys", json={"roles": {arize_mock.space_id: "READ_ONLY"}})
        assert answer.status_code == 201
        assert control.post("/_mock/keys", json={"roles": {"nope": "admin"}}).status_code == 422
        assert (
            control.post("/_mock/keys", json={"roles": {arize_mock.space_id: "boss"}}).status_code
            == 422
        )
    reader = connect(answer.json()["api_key"])
    assert get_dataset.sync(client=reader, dataset_id=dataset.id).id == dataset.id


# -- /v1/log: the raw key, space identification, 403 for every failure ----------------------


def _log(
    mock: MockServer, headers: dict[str, str], record: dict[str, Any] = RECORD
) -> httpx.Response:
    with httpx.Client(base_url=mock.base_url) as http:
        return http.post("/v1/log", json=record, headers=headers)


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "must provide authorization header"),
        ({"Authorization": "wrong"}, "invalid api-key"),
        ({"Authorization": "Bearer {key}"}, "invalid api-key"),
        ({"Authorization": "{key}"}, "unable to validate authorization header"),
        (
            {"Authorization": "{key}", "Grpc-Metadata-space_id": "nope"},
            "unable to validate authorization header",
        ),
    ],
    ids=["missing", "unknown-key", "bearer-prefix", "no-space", "unknown-space"],
)
def test_v1_auth_failures_are_403(
    arize_mock: MockServer, headers: dict[str, str], message: str
) -> None:
    filled = {k: v.format(key=arize_mock.api_key) for k, v in headers.items()}
    answer = _log(arize_mock, filled)
    assert answer.status_code == 403
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == {"code": 7, "message": message, "details": []}
    assert arize_mock.state.records() == []


def test_v1_read_only_key_cannot_log(arize_mock: MockServer) -> None:
    key = arize_mock.state.create_key({arize_mock.space_id: "read-only"}).api_key
    answer = _log(arize_mock, {"Authorization": key, "Grpc-Metadata-space_id": arize_mock.space_id})
    assert (answer.status_code, answer.json()["message"]) == (
        403,
        "unable to validate authorization header",
    )


def test_v1_space_by_header_or_by_legacy_space_key(arize_mock: MockServer) -> None:
    sdk8 = {
        "Authorization": arize_mock.api_key,
        "Grpc-Metadata-arize-space-id": arize_mock.space_id,
    }
    assert _log(arize_mock, sdk8).status_code == 200
    space_key = arize_mock.state.spaces[arize_mock.space_id].legacy_key
    answer = _log(
        arize_mock, {"Authorization": arize_mock.api_key}, {**RECORD, "space_key": space_key}
    )
    assert answer.status_code == 200
    assert len(arize_mock.state.records()) == 2


def test_v1_through_the_client(connect: Connect, arize_mock: MockServer) -> None:
    client = connect()  # sends the raw key and Grpc-Metadata-space_id itself
    log_record.sync(client=client, body=V1Record.from_dict(RECORD))
    (stored,) = arize_mock.state.records()
    assert stored["record"] == RECORD and stored["space_id"] == arize_mock.space_id
    stranger = connect("nope")
    with pytest.raises(arize_api.PermissionDeniedError, match="invalid api-key"):
        log_record.sync(client=stranger, body=V1Record.from_dict(RECORD))
