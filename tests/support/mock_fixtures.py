"""Helpers and fixtures shared by the tests of ``arize_api.mock``.

Load it with ``pytest_plugins = ["arize_api.mock.pytest_plugin", "tests.support.mock_fixtures"]``;
the ``arize_mock`` fixture comes from the mock's own plugin. Test modules also import the
helpers below, before pytest loads this as a plugin, hence PYTEST_DONT_REWRITE (it asserts
nothing).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any, Protocol

import httpx
import pytest

import arize_api
from arize_api.mock import MockServer

# Retries quick enough for tests; Retry-After is still honoured as sent.
FAST_RETRIES = arize_api.RetryPolicy(initial_delay=0.01, max_delay=0.05)


def client_for(
    mock: MockServer, api_key: str | None = None, **options: Any
) -> arize_api.ArizeClient:
    """An ArizeClient on the mock, as the admin unless ``api_key`` is given."""
    options.setdefault("retry_policy", FAST_RETRIES)
    return arize_api.ArizeClient(
        api_key=api_key or mock.api_key,
        base_url=mock.base_url,
        space_id=mock.space_id,
        **options,
    )


def raw(mock: MockServer, api_key: str | None = None) -> httpx.Client:
    """A plain httpx client with the bearer header, for what the typed client cannot send."""
    headers = {"Authorization": f"Bearer {api_key or mock.api_key}"}
    return httpx.Client(base_url=mock.base_url, headers=headers, trust_env=False)


def decoded(global_id: str) -> str:
    return base64.b64decode(global_id).decode()


def dataset_body(mock: MockServer, name: str = "qa", rows: int = 3, **extra: Any) -> dict[str, Any]:
    examples = [{"question": f"q{i}", "answer": str(i)} for i in range(rows)]
    return {"name": name, "space_id": mock.space_id, "examples": examples, **extra}


def annotation_config(mock: MockServer, name: str, space_id: str | None = None) -> str:
    """A FREEFORM annotation config ``name`` in the space: annotations must name one."""
    body = {
        "name": name,
        "space_id": space_id or mock.space_id,
        "annotation_config_type": "FREEFORM",
    }
    with raw(mock) as http:
        return str(http.post("/v2/annotation-configs", json=body).raise_for_status().json()["id"])


class Connect(Protocol):
    """Makes clients on the mock: ``connect()`` (admin), ``connect(key)``, ``connect(role=...)``."""

    def __call__(
        self, api_key: str | None = None, *, role: str | None = None, **options: Any
    ) -> arize_api.ArizeClient: ...


@pytest.fixture
def connect(arize_mock: MockServer) -> Iterator[Connect]:
    """Clients on the test's mock, closed when the test ends."""
    opened: list[arize_api.ArizeClient] = []

    def make(
        api_key: str | None = None, *, role: str | None = None, **options: Any
    ) -> arize_api.ArizeClient:
        if role is not None:
            api_key = arize_mock.state.create_key({arize_mock.space_id: role}).api_key
        client = client_for(arize_mock, api_key, **options)
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.close()
