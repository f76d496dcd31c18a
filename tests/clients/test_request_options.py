"""Per-request options, observed at a scripted server: on namespace methods and operations.

`timeout=`, `max_retries=`, `extra_headers=`, `extra_query=` and `extra_body=` are accepted by
every namespace method and every generated operation, typed (a misspelt option fails type
checking) and checked at run time; `with_options()` takes explicit keywords only.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from arize_api import APITimeoutError, InternalServerError
from arize_api.api.datasets import get_dataset
from arize_api.models import UpdateDatasetRequest
from tests.support import clients as client_support
from tests.support.clients import Flavour
from tests.support.payloads import dataset_json
from tests.support.scripted import Reply, ScriptedServer

flavour = client_support.flavour
server = client_support.server
clean_env = client_support.clean_env
pytestmark = [pytest.mark.timeout(60), pytest.mark.usefixtures("clean_env")]


def call(flavour: Flavour, awaitable_or_value: object) -> object:
    return flavour.run(awaitable_or_value) if flavour.is_async else awaitable_or_value


def test_timeout_per_request_overrides_the_clients(
    flavour: Flavour, server: ScriptedServer
) -> None:
    server.add("GET", "/v2/datasets/d1", Reply(200, json=dataset_json(), delay=2.0))
    client = flavour.client(base_url=server.url, timeout=30, max_retries=0)
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        call(flavour, client.datasets.get("d1", timeout=0.3))
    assert time.monotonic() - started < 1.5


def test_max_retries_per_request(flavour: Flavour, server: ScriptedServer) -> None:
    server.add("GET", "/v2/datasets/d1", Reply(503))
    client = flavour.client(base_url=server.url, max_retries=0)
    with pytest.raises(InternalServerError):
        call(flavour, client.datasets.get("d1", max_retries=3))
    assert len(server.requests) == 4
    with pytest.raises(InternalServerError):
        call(flavour, client.datasets.get("d1"))
    assert len(server.requests) == 5


def test_extra_headers_query_and_body_reach_the_server(
    flavour: Flavour, server: ScriptedServer
) -> None:
    server.add("PATCH", "/v2/datasets/d1", json=dataset_json())
    client = flavour.client(base_url=server.url)
    call(
        flavour,
        client.datasets.update(
            "d1",
            body=UpdateDatasetRequest(name="renamed"),
            extra_headers={"X-Trace": "t-1"},
            extra_query={"dry_run": True, "tag": ["a", "b"]},
            extra_body={"note": "beta member"},
        ),
    )
    (request,) = server.requests
    assert request.header("X-Trace") == "t-1"
    assert request.query == {"dry_run": ["true"], "tag": ["a", "b"]}
    assert json.loads(request.body) == {"name": "renamed", "note": "beta member"}


def test_operation_functions_take_the_options_too(flavour: Flavour, server: ScriptedServer) -> None:
    server.add("GET", "/v2/datasets/d1", json=dataset_json())
    client = flavour.client(base_url=server.url)
    response = flavour.call_detailed(
        get_dataset, client=client, dataset_id="d1", extra_headers={"X-Op": "1"}
    )
    assert response.status_code == 200 and response.parsed.id == "d1"
    assert server.requests[0].header("X-Op") == "1"


def test_an_unknown_option_is_a_type_error_and_nothing_is_sent(
    flavour: Flavour, server: ScriptedServer
) -> None:
    client = flavour.client(base_url=server.url)
    with pytest.raises(TypeError, match="timout"):
        call(flavour, client.datasets.get("d1", timout=3))  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="timout"):
        client.with_options(timout=3)  # type: ignore[call-arg]
    assert server.requests == []


TYPO = """
from arize_api import ArizeClient

client = ArizeClient(api_key="k", base_url="http://127.0.0.1:9")
client.with_options(timout=3)
client.datasets.get("d1", timout=3)
client.datasets.get("d1", timeout=3, extra_headers={"X-A": "1"})
"""


def test_a_misspelt_option_fails_mypy_strict(tmp_path: Path) -> None:
    script = tmp_path / "typo.py"
    script.write_text(TYPO)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(script)],
        capture_output=True,
        text=True,
        timeout=240,
    )
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 2, result.stdout
    assert all('"timout"' in line for line in errors), result.stdout
