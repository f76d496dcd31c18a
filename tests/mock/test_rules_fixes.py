"""The four divergences of issue 19, each a catalogued rule tested over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from arize_api.mock import MockServer
from tests.support import mock_world
from tests.support.mock_fixtures import dataset_body, raw
from tests.support.mock_rules import covers

pytest_plugins = ["arize_api.mock.pytest_plugin", "tests.support.mock_fixtures"]


@pytest.fixture
def http(arize_mock: MockServer) -> Iterator[httpx.Client]:
    with raw(arize_mock) as client:
        yield client


def ok(response: httpx.Response) -> Any:
    assert response.is_success, response.text
    return response.json() if response.content else None


def _dataset_with_two_versions(http: httpx.Client, mock: MockServer) -> dict[str, Any]:
    dataset = ok(http.post("/v2/datasets", json=dataset_body(mock, rows=2)))
    examples = ok(http.get(f"/v2/datasets/{dataset['id']}/examples"))["examples"]
    body = {"examples": [{"id": examples[0]["id"], "answer": "x"}], "new_version": "v2"}
    ok(http.patch(f"/v2/datasets/{dataset['id']}/examples", json=body))
    return dict(ok(http.get(f"/v2/datasets/{dataset['id']}")))


@covers("datasets.list.newest-first")
def test_datasets__list__newest_first(http: httpx.Client, arize_mock: MockServer) -> None:
    made = [
        ok(http.post("/v2/datasets", json=dataset_body(arize_mock, f"d{i}")))["id"]
        for i in range(3)
    ]
    listed = [d["id"] for d in ok(http.get("/v2/datasets"))["datasets"]]
    assert listed == made[::-1]


@covers("datasets.get.versions-newest-first")
def test_datasets__get__versions_newest_first(http: httpx.Client, arize_mock: MockServer) -> None:
    dataset = _dataset_with_two_versions(http, arize_mock)
    assert [v["name"] for v in dataset["versions"]] == ["v2", "v1"]


@covers("datasets.list-examples.empty-version-is-latest")
def test_datasets__list_examples__empty_version_is_latest(
    http: httpx.Client, arize_mock: MockServer
) -> None:
    dataset = _dataset_with_two_versions(http, arize_mock)
    path = f"/v2/datasets/{dataset['id']}/examples"
    latest = ok(http.get(path, params={"dataset_version_id": dataset["versions"][0]["id"]}))
    assert ok(http.get(path, params={"dataset_version_id": ""})) == latest
    assert ok(http.get(path)) == latest
    assert latest["examples"][0]["answer"] == "x"


@covers("datasets.insert-examples.empty-version-is-latest")
def test_datasets__insert_examples__empty_version_is_latest(
    http: httpx.Client, arize_mock: MockServer
) -> None:
    dataset = _dataset_with_two_versions(http, arize_mock)
    path = f"/v2/datasets/{dataset['id']}/examples"
    body = {"examples": [{"question": "new"}]}
    answer = ok(http.post(path, params={"dataset_version_id": ""}, json=body))
    assert answer["dataset_version_id"] == dataset["versions"][0]["id"]


@covers("datasets.update-examples.empty-version-is-latest")
def test_datasets__update_examples__empty_version_is_latest(
    http: httpx.Client, arize_mock: MockServer
) -> None:
    dataset = _dataset_with_two_versions(http, arize_mock)
    path = f"/v2/datasets/{dataset['id']}/examples"
    example = ok(http.get(path))["examples"][1]
    body = {"examples": [{"id": example["id"], "answer": "y"}]}
    answer = ok(http.patch(path, params={"dataset_version_id": ""}, json=body))
    assert answer["dataset_version_id"] == dataset["versions"][0]["id"]
    assert answer["example_ids"] == [example["id"]]


@covers("users.create.temporary-password-starts-invited")
def test_users__create__temporary_password_starts_invited(http: httpx.Client) -> None:
    body = {
        "name": "Tess",
        "email": "tess@example.com",
        "role": {"type": "PREDEFINED", "name": "MEMBER"},
        "invite_mode": "TEMPORARY_PASSWORD",
    }
    created = http.post("/v2/users", json=body)
    assert created.status_code == 201
    assert created.json()["status"] == "INVITED"
    assert created.json()["temporary_password"]
    shown = ok(http.get(f"/v2/users/{created.json()['id']}"))
    assert shown["status"] == "INVITED" and "temporary_password" not in shown


@covers("resource-restrictions.delete.keeps-project-children")
def test_resource_restrictions__delete__keeps_project_children(
    http: httpx.Client, arize_mock: MockServer
) -> None:
    world = mock_world.build(arize_mock)
    project = world["project_id"]
    spans = {"project_id": project, "start_time": "2000-01-01T00:00:00Z"}

    def children() -> tuple[int, int, int]:
        return (
            len(ok(http.post("/v2/spans", json=spans))["spans"]),
            len(ok(http.get("/v2/tasks", params={"project_id": project}))["tasks"]),
            len(ok(http.get("/v2/monitors", params={"project_id": project}))["monitors"]),
        )

    before = children()
    assert before == (2, 1, 1)
    ok(http.post("/v2/resource-restrictions", json={"resource_id": project}))
    ok(http.delete(f"/v2/resource-restrictions/{project}"))
    assert children() == before
    assert http.delete(f"/v2/resource-restrictions/{project}").status_code == 404


@covers("resource-restrictions.delete.keeps-prompt-versions")
def test_resource_restrictions__delete__keeps_prompt_versions(
    http: httpx.Client, arize_mock: MockServer
) -> None:
    world = mock_world.build(arize_mock)
    path = f"/v2/prompts/{world['prompt_id']}/versions"
    before = ok(http.get(path))["prompt_versions"]
    assert len(before) == 2
    ok(http.post("/v2/resource-restrictions", json={"resource_id": world["prompt_id"]}))
    ok(http.delete(f"/v2/resource-restrictions/{world['prompt_id']}"))
    assert ok(http.get(path))["prompt_versions"] == before
