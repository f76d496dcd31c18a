"""Running the mock: serve() in a thread, the pytest fixture, and every operation routed."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import httpx
import pytest

from arize_api.mock import MockServer, MockState, create_app, serve
from arize_api.mock.handlers import handlers_for
from arize_api.mock.spec import Spec, load_spec
from tests.support import spec as spec_support
from tests.support.mock_pending import MOCK_PENDING, implemented

pytest_plugins = ["arize_api.mock.pytest_plugin"]

OPERATIONS = load_spec().operations
PENDING: list[Any] = [
    op for op in spec_support.operations() if op.operation_id in MOCK_PENDING
] or [pytest.param(None, marks=pytest.mark.skip(reason="MOCK_PENDING is empty: all implemented"))]


def test_fixture_starts_from_the_seed(arize_mock: MockServer) -> None:
    state = arize_mock.state
    assert state.datasets == {} and state.records() == []
    assert list(state.spaces) == [arize_mock.space_id]
    assert arize_mock.journal == []


@pytest.mark.parametrize("op", implemented(OPERATIONS), ids=lambda op: op.operation_id)
def test_every_operation_is_served(arize_mock: MockServer, op: object) -> None:
    path = op.path.replace("{", "").replace("}", "")  # type: ignore[attr-defined]
    headers = {"Authorization": f"Bearer {arize_mock.api_key}"}
    with httpx.Client(base_url=arize_mock.base_url, headers=headers) as http:
        answer = http.request(op.method, path, json={})  # type: ignore[attr-defined]
    assert answer.status_code in op.statuses, answer.text  # type: ignore[attr-defined]
    assert answer.headers["x-request-id"].startswith("req_")


def test_pending_list_is_exactly_the_operations_without_a_handler() -> None:
    handlers = handlers_for(load_spec())
    unhandled = {op.operation_id for op in OPERATIONS if op.operation_id not in handlers}
    assert sorted(MOCK_PENDING - unhandled) == [], "handled now: take these off MOCK_PENDING"
    assert sorted(unhandled - MOCK_PENDING) == [], "no handler: implement, or list as pending"


def test_an_operation_without_a_handler_answers_501() -> None:
    document = copy.deepcopy(load_spec().document)
    document["paths"]["/v2/widgets"] = {
        "get": {
            "operationId": "listWidgets",
            "summary": "List widgets",
            "tags": ["widgets"],
            "responses": {
                "200": {"description": "Success."},
                "401": {"$ref": "#/components/responses/Unauthorized"},
            },
        }
    }

    async def call(api_key: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=create_app(spec=Spec(document)))
        headers = {"Authorization": f"Bearer {api_key}"}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://mock", headers=headers
        ) as http:
            return await http.get("/v2/widgets")

    assert asyncio.run(call("wrong-key")).status_code == 401  # authenticated like the rest
    answer = asyncio.run(call("arize-mock-admin-key"))
    assert answer.status_code == 501
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["detail"] == "the mock does not implement listWidgets yet"


@pytest.mark.parametrize("op", PENDING, ids=lambda op: getattr(op, "operation_id", "none"))
def test_a_pending_operation_answers_501_saying_so(
    arize_mock: MockServer, op: spec_support.Operation
) -> None:
    """A valid request to an operation without a handler: a 501 problem naming it."""
    values = {p.name: spec_support.parameter_value(p) for p in op.parameters}
    path = op.path.format(**{p.name: values[p.name] for p in op.parameters if p.location == "path"})
    query = {p.name: values[p.name] for p in op.parameters if p.location == "query" and p.required}
    body = None if op.body_schema is None else spec_support.build_value(op.body_schema)
    headers = {"Authorization": f"Bearer {arize_mock.api_key}"}
    with httpx.Client(base_url=arize_mock.base_url, headers=headers) as http:
        answer = http.request(op.method, path, params=query, json=body)
    assert answer.status_code == 501, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["status"] == 501 and problem["title"] == "Not Implemented"
    assert problem["detail"] == f"the mock does not implement {op.operation_id} yet"


def test_servers_run_side_by_side_with_their_own_state() -> None:
    with serve(env={}) as first, serve(env={}, seed=1) as second:
        assert first.base_url != second.base_url
        assert first.space_id != second.space_id  # another seed, other ids
        headers = {"Authorization": f"Bearer {first.api_key}"}
        body = {"name": "only here", "space_id": first.space_id, "examples": [{"a": 1}]}
        assert (
            httpx.post(first.base_url + "/v2/datasets", json=body, headers=headers).status_code
            == 201
        )
        assert len(first.state.datasets) == 1 and second.state.datasets == {}
        url = first.base_url
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/_mock/info")


def test_given_state_and_custom_key() -> None:
    state = MockState(seed=None, api_key="my-key")
    with serve(state=state, env={}) as mock:
        assert mock.state is state and mock.api_key == "my-key"
        info = httpx.get(mock.base_url + "/_mock/info").json()
        assert info == {
            "api_key": "my-key",
            "user_id": state.admin.user_id,
            "org_id": mock.org_id,
            "space_id": mock.space_id,
        }


def test_app_is_plain_asgi() -> None:
    async def first_organization() -> str:
        transport = httpx.ASGITransport(app=create_app())
        headers = {"Authorization": "Bearer arize-mock-admin-key"}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://mock", headers=headers
        ) as http:
            answer = await http.get("/v2/organizations")
        name: str = answer.json()["organizations"][0]["name"]
        return name

    assert asyncio.run(first_organization()) == "Mock Organization"


def test_an_app_serves_the_spec_it_is_given() -> None:
    """Handlers are taken per app: a spec without getDataset gets no handler for it (its
    path and method are not routed), while an app of the full spec, made in the same
    process, still serves it."""
    document = copy.deepcopy(load_spec().document)
    del document["paths"]["/v2/datasets/{dataset_id}"]["get"]
    smaller = Spec(document)
    assert "getDataset" not in handlers_for(smaller)
    assert "getDataset" in handlers_for(load_spec())

    async def get_a_dataset(app: Any) -> tuple[int, int]:
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": "Bearer arize-mock-admin-key"}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://mock", headers=headers
        ) as http:
            listed = await http.get("/v2/datasets")
            answer = await http.get("/v2/datasets/RGF0YXNldDoxOmFCY0Q=")
        return listed.status_code, answer.status_code

    assert asyncio.run(get_a_dataset(create_app(spec=smaller))) == (200, 405)
    assert asyncio.run(get_a_dataset(create_app())) == (200, 404)
