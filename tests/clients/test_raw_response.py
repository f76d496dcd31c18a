"""``with_raw_response``: every namespace method has a twin returning the whole ``Response``."""

from __future__ import annotations

import inspect
from functools import cached_property
from typing import Any

import pytest

from arize_api import ArizeClient, AsyncArizeClient
from arize_api.models import Dataset
from tests.support import clients as client_support
from tests.support.clients import Flavour
from tests.support.payloads import dataset_json
from tests.support.scripted import Reply, ScriptedServer

flavour = client_support.flavour
server = client_support.server
clean_env = client_support.clean_env
pytestmark = [pytest.mark.timeout(30), pytest.mark.usefixtures("clean_env")]


def namespaces(namespace: object) -> list[object]:
    found = []
    for name, member in inspect.getmembers(type(namespace)):
        if isinstance(member, cached_property) and name != "with_raw_response":
            child = getattr(namespace, name)
            found += [child, *namespaces(child)]
    return found


def methods(namespace: object) -> dict[str, Any]:
    return {
        name: member
        for name, member in inspect.getmembers(type(namespace), inspect.isfunction)
        if not name.startswith("_")
    }


@pytest.mark.parametrize("client_class", [ArizeClient, AsyncArizeClient])
def test_every_namespace_method_has_a_raw_twin_with_its_parameters(client_class: Any) -> None:
    client = client_class(api_key="raw-twins-0000", base_url="http://127.0.0.1:9")
    checked = 0
    for namespace in namespaces(client):
        raw = methods(namespace.with_raw_response)  # type: ignore[attr-defined]
        for name, method in methods(namespace).items():
            twin = inspect.signature(raw[name]).parameters
            own = inspect.signature(method).parameters
            assert [p for p in own if p != "max_items"] == list(twin), name
            assert "Response[" in str(inspect.signature(raw[name]).return_annotation)
            checked += 1
    assert checked == 161


def test_a_raw_get_has_status_headers_request_id_and_the_model(
    flavour: Flavour, server: ScriptedServer
) -> None:
    server.add(
        "GET", "/v2/datasets/d1", Reply(200, json=dataset_json(), headers={"X-Request-Id": "r-9"})
    )
    client = flavour.client(base_url=server.url)
    result = client.datasets.with_raw_response.get("d1", extra_headers={"X-A": "1"})
    response = flavour.run(result) if flavour.is_async else result
    assert response.status_code == 200 and response.request_id == "r-9"
    assert response.headers["x-request-id"] == "r-9"
    assert isinstance(response.parsed, Dataset) and response.parsed.id == "d1"
    assert server.requests[0].header("X-A") == "1"
