"""Running the mock: serve() in a thread, the pytest fixture, and every operation routed."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from arize_api.mock import MockServer, MockState, create_app, serve
from arize_api.mock.spec import load_spec

pytest_plugins = ["arize_api.mock.pytest_plugin"]

OPERATIONS = load_spec().operations


def test_fixture_starts_from_the_seed(arize_mock: MockServer) -> None:
    state = arize_mock.state
    assert state.datasets == {} and state.records() == []
    assert list(state.spaces) == [arize_mock.space_id]
    assert arize_mock.journal == []


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.operation_id)
def test_every_operation_is_served(arize_mock: MockServer, op: object) -> None:
    path = op.path.replace("{", "").replace("}", "")  # type: ignore[attr-defined]
    headers = {"Authorization": f"Bearer {arize_mock.api_key}"}
    with httpx.Client(base_url=arize_mock.base_url, headers=headers) as http:
        answer = http.request(op.method, path, json={})  # type: ignore[attr-defined]
    assert answer.status_code in op.statuses, answer.text  # type: ignore[attr-defined]
    assert answer.headers["x-request-id"].startswith("req_")


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
