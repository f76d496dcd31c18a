"""Auth and default headers, as the server received them: bearer on /v2, the raw key on /v1/log."""

from __future__ import annotations

import platform
import re

import pytest

import arize_api
from arize_api.api.datasets import create_dataset, get_dataset, list_datasets
from arize_api.api.v1 import log_record
from arize_api.models import CreateDatasetRequest, Dataset, V1Record
from tests.support import clients as client_support
from tests.support.clients import API_KEY, DATASET_ID, Flavour
from tests.support.payloads import SPACE_ID, dataset_json
from tests.support.scripted import ScriptedServer

# Fixtures from client_support used by this module.
flavour = client_support.flavour
server = client_support.server
clean_env = client_support.clean_env
pytestmark = pytest.mark.usefixtures("clean_env")

RECORD = V1Record(model_id="churn-model", prediction_id="p-1")


def test_v2_requests_carry_a_bearer_token(flavour: Flavour, server: ScriptedServer) -> None:
    server.add("GET", "/v2/datasets/d1", json=dataset_json())
    server.add("GET", "/v2/datasets", json={"datasets": [], "pagination": {"has_more": False}})
    server.add("POST", "/v2/datasets", status=201, json=dataset_json())
    client = flavour.client(base_url=server.url, space_id=SPACE_ID)
    flavour.call(get_dataset, client=client, dataset_id="d1")
    flavour.call(list_datasets, client=client, space_id=SPACE_ID)
    body = CreateDatasetRequest(name="n", space_id=SPACE_ID, examples=[])
    flavour.call(create_dataset, client=client, body=body)
    assert len(server.requests) == 3
    for request in server.requests:
        assert request.header("Authorization") == f"Bearer {API_KEY}"
        # Space identification is a v1 matter only.
        assert request.header("Grpc-Metadata-space_id") is None


def test_v1_log_carries_the_raw_key_and_the_space_id(
    flavour: Flavour, server: ScriptedServer
) -> None:
    server.add("POST", "/v1/log", json={})
    client = flavour.client(base_url=server.url, space_id=SPACE_ID)
    assert flavour.call(log_record, client=client, body=RECORD) is None  # a 2xx carries nothing
    (request,) = server.requests
    assert request.path == "/v1/log"
    assert request.header("Authorization") == API_KEY
    assert request.header("Grpc-Metadata-space_id") == SPACE_ID
    assert request.json() == {"model_id": "churn-model", "prediction_id": "p-1"}


def test_v1_log_without_space_id_sends_no_space_header(
    flavour: Flavour, server: ScriptedServer
) -> None:
    server.add("POST", "/v1/log", json={})
    client = flavour.client(base_url=server.url)
    flavour.call(log_record, client=client, body=RECORD)
    (request,) = server.requests
    assert request.header("Authorization") == API_KEY
    assert request.header("Grpc-Metadata-space_id") is None


def test_v1_space_id_given_per_call_wins(flavour: Flavour, server: ScriptedServer) -> None:
    server.add("POST", "/v1/log", json={})
    client = flavour.client(base_url=server.url, space_id=SPACE_ID)
    flavour.call(log_record, client=client, body=RECORD, grpc_metadata_space_id="per-call")
    (request,) = server.requests
    assert request.headers.get_all("Grpc-Metadata-space_id") == ["per-call"]


def test_v1_space_key_is_sent_when_configured(flavour: Flavour, server: ScriptedServer) -> None:
    """As the 6.x-7.x SDKs did: the space key in Grpc-Metadata-space, on /v1 only."""
    server.add("POST", "/v1/log", json={})
    server.add("GET", "/v2/datasets/d1", json=dataset_json())
    client = flavour.client(base_url=server.url, space_key="space-key-abc123")
    flavour.call(log_record, client=client, body=RECORD)
    flavour.call(get_dataset, client=client, dataset_id="d1")
    v1, v2 = server.requests
    assert v1.headers.get_all("Grpc-Metadata-space") == ["space-key-abc123"]
    assert v1.header("Grpc-Metadata-space_id") is None
    assert v2.header("Grpc-Metadata-space") is None


def test_user_agent_names_package_and_python(flavour: Flavour, server: ScriptedServer) -> None:
    server.add("GET", "/v2/datasets/d1", json=dataset_json())
    client = flavour.client(base_url=server.url)
    flavour.call(get_dataset, client=client, dataset_id="d1")
    agent = server.requests[0].header("User-Agent")
    assert agent is not None
    assert re.search(rf"\barize-api/{re.escape(arize_api.__version__)}\b", agent)
    assert f"Python/{platform.python_version()}" in agent


def test_default_headers_are_sent(flavour: Flavour, server: ScriptedServer) -> None:
    server.add("GET", "/v2/datasets/d1", json=dataset_json())
    server.add("POST", "/v1/log", json={})
    client = flavour.client(base_url=server.url, default_headers={"X-Team": "ml-platform"})
    flavour.call(get_dataset, client=client, dataset_id="d1")
    flavour.call(log_record, client=client, body=RECORD)
    assert [r.header("X-Team") for r in server.requests] == ["ml-platform", "ml-platform"]


def test_prism_accepts_both_credential_forms(flavour: Flavour, prism_static_url: str) -> None:
    """Prism enforces the spec's security schemes: 401/403 if the credential were missing."""
    client = flavour.client(base_url=prism_static_url, space_id=SPACE_ID)
    assert isinstance(flavour.call(get_dataset, client=client, dataset_id=DATASET_ID), Dataset)
    assert flavour.call(log_record, client=client, body=RECORD) is None
