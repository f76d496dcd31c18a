"""The API key never shows: not in any log record (DEBUG on everywhere), exception, repr or warning.

A run of calls covering successes, retries, every kind of failure and bad settings is made
with a distinctive key; then everything a user could see is searched for it.
"""

from __future__ import annotations

import logging
import traceback
import warnings
from collections.abc import Callable
from typing import Any

import pytest

from arize_api import ArizeClient, AsyncArizeClient, ConfigurationError
from arize_api.api.datasets import create_dataset, get_dataset, list_datasets
from arize_api.api.v1 import log_record
from arize_api.models import CreateDatasetRequest, V1Record
from tests.support import clients as client_support
from tests.support.clients import API_KEY, Flavour, problem_reply, refused_url
from tests.support.payloads import SPACE_ID, dataset_json
from tests.support.scripted import Reply, ScriptedServer

# Fixtures from client_support used by this module.
flavour = client_support.flavour
server = client_support.server
clean_env = client_support.clean_env
pytestmark = pytest.mark.usefixtures("clean_env")

SPACE_KEY = "spk-Hq3LwZ8vN2rT6yB0-SPACEKEY-77a1"
SECRETS = (API_KEY, SPACE_KEY)
LOGGERS = (None, "arize_api", "httpx", "httpcore", "aiohttp", "asyncio")


def _script(server: ScriptedServer) -> None:
    server.add(
        "GET",
        "/v2/datasets/d1",
        problem_reply(503, headers={"X-Request-Id": "req-1"}),
        Reply(200, json=dataset_json()),
    )
    server.add(
        "GET",
        "/v2/datasets/d2",
        problem_reply(429, headers={"Retry-After": "0"}),
        Reply(200, json=dataset_json("d2")),
    )
    server.add("GET", "/v2/datasets/gone", problem_reply(404, detail="no such dataset"))
    server.add("GET", "/v2/datasets/denied", problem_reply(401, detail="invalid credential"))
    server.add("GET", "/v2/datasets/html", Reply(502, body="<html><h1>Bad Gateway</h1></html>"))
    server.add("GET", "/v2/datasets/slow", Reply(200, json=dataset_json(), delay=10))
    server.add("GET", "/v2/datasets/dropped", Reply.close_connection())
    server.add("GET", "/v2/datasets/cut", Reply(200, json=dataset_json(), truncate_body_to=5))
    server.add("POST", "/v2/datasets", problem_reply(500, detail="boom"))
    server.add("POST", "/v1/log", json={})
    server.add(
        "GET",
        "/v2/datasets",
        Reply(200, json={"datasets": [dataset_json()], "pagination": {"has_more": True}}),
    )


def _texts_of_exception(error: BaseException) -> list[str]:
    return [str(error), repr(error), "".join(traceback.format_exception(error))]


def _texts_of_record(record: logging.LogRecord) -> list[str]:
    return [record.getMessage(), str(record.msg), repr(record.args), repr(vars(record))]


def test_secrets_appear_nowhere(
    flavour: Flavour, server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    _script(server)
    errors: list[BaseException] = []

    def attempt(action: Callable[[], Any]) -> None:
        try:
            action()
        except Exception as exc:
            errors.append(exc)

    client = flavour.client(
        base_url=server.url, space_id=SPACE_ID, space_key=SPACE_KEY, timeout=0.3
    )
    copy = flavour.adopt(client.with_options(max_retries=0))
    body = CreateDatasetRequest(name="n", space_id=SPACE_ID, examples=[])
    for dataset_id in ("d1", "d2", "gone", "denied", "html", "slow", "dropped", "cut"):
        attempt(lambda d=dataset_id: flavour.call(get_dataset, client=client, dataset_id=d))
    attempt(lambda: flavour.call(get_dataset, client=copy, dataset_id="gone"))
    attempt(lambda: flavour.call(create_dataset, client=client, body=body))
    attempt(lambda: flavour.call(log_record, client=client, body=V1Record(model_id="m")))
    paginator = client.paginate(list_datasets, space_id=SPACE_ID)
    _, pagination_error = flavour.collect(paginator)
    assert pagination_error is not None
    errors.append(pagination_error)
    refused = flavour.client(base_url=refused_url(), api_key=API_KEY)
    attempt(lambda: flavour.call(get_dataset, client=refused, dataset_id="d1"))
    closed = flavour.client(base_url=server.url)
    flavour.close(closed)
    attempt(lambda: flavour.call(get_dataset, client=closed, dataset_id="d1"))

    cls = flavour.client_class
    for bad in (
        {"region": "mars-north-1"},
        {"base_url": "ftp://arize.example.com"},
        {"region": "eu-west-1a", "base_url": "https://arize.example.com"},
        {"timeout": None},
        {"max_retries": -1},
    ):
        attempt(lambda bad=bad: cls(api_key=API_KEY, space_key=SPACE_KEY, **bad))
    attempt(lambda: cls(api_key=API_KEY + "\n"))

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        insecure = flavour.client(base_url="http://arize.example.com", space_key=SPACE_KEY)

    # The run did what it was meant to: the key went out, and there is plenty to search.
    sent = [r.header("Authorization") for r in server.requests]
    assert f"Bearer {API_KEY}" in sent
    assert API_KEY in sent  # the raw form, on /v1/log
    assert len(errors) >= 15
    assert sum(isinstance(e, ConfigurationError) for e in errors) == 6
    assert any(r.name == "arize_api" and "retry" in r.getMessage() for r in caplog.records)
    assert any(r.name == "arize_api" and r.levelno == logging.DEBUG for r in caplog.records)
    if not flavour.is_async:
        assert any(r.name.startswith("urllib3") for r in caplog.records)  # the sync wire
    assert caught, "the plain-http warning was expected"

    places: dict[str, str] = {}
    for i, record in enumerate(caplog.records):
        for j, text in enumerate(_texts_of_record(record)):
            places[f"log record {i} ({record.name}) part {j}"] = text
    places["caplog.text"] = caplog.text
    for i, error in enumerate(errors):
        for j, text in enumerate(_texts_of_exception(error)):
            places[f"exception {i} ({type(error).__name__}) part {j}"] = text
    for name, obj in {
        "client": client,
        "copy": copy,
        "insecure": insecure,
        "paginator": paginator,
    }.items():
        places[f"repr({name})"] = repr(obj)
        places[f"str({name})"] = str(obj)
    for name, config in {"client": client.config, "copy": copy.config}.items():
        places[f"repr({name}.config)"] = repr(config)
        places[f"str({name}.config)"] = str(config)
    for i, warning in enumerate(caught):
        places[f"warning {i}"] = str(warning.message)

    leaks = [where for where, text in places.items() for secret in SECRETS if secret in text]
    assert leaks == [], f"a secret leaked into: {leaks}"


@pytest.mark.parametrize("cls", [ArizeClient, AsyncArizeClient])
def test_key_is_masked_in_reprs(cls: type[Any]) -> None:
    client = cls(api_key=API_KEY, space_key=SPACE_KEY, region="eu-west-1a")
    assert "api_key='****'" in repr(client)
    assert "region='eu-west-1a'" in repr(client)
    assert "api_key='****" in repr(client.config)
    for secret in SECRETS:
        assert secret not in repr(client)
        assert secret not in repr(client.config)
    short = cls(api_key="short-key")
    assert "short-key" not in repr(short.config)
    # The key itself is intact where it is needed.
    assert client.config.api_key == API_KEY
