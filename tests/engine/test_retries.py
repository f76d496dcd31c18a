"""Retries: what is repeated, what never is, Retry-After, the cap, and the log line per retry.

Every count is what the scripted server actually received. Backoff is shrunk to milliseconds
with a fast RetryPolicy; the only timing assertions measure Retry-After waits.
"""

from __future__ import annotations

import email.utils
import logging
import math
import time

import pytest

from arize_api import (
    APIConnectionError,
    APITimeoutError,
    InternalServerError,
    RateLimitError,
    RetryPolicy,
)
from arize_api._engine import parse_retry_after
from arize_api.api.datasets import (
    create_dataset,
    delete_dataset,
    get_dataset,
    search_dataset_examples,
    update_dataset,
)
from arize_api.api.v1 import log_record
from arize_api.api.webhooks import test_webhook as webhook_test
from arize_api.models import (
    CreateDatasetRequest,
    Dataset,
    ListDatasetExamplesResponse,
    SearchDatasetExamplesRequest,
    UpdateDatasetRequest,
    V1Record,
)
from tests.support import clients as client_support
from tests.support import spec as spec_support
from tests.support.clients import Flavour, problem_reply, refused_url
from tests.support.payloads import SPACE_ID, dataset_json, example_json
from tests.support.scripted import Reply, ScriptedServer

# Fixtures from client_support used by this module.
flavour = client_support.flavour
server = client_support.server
clean_env = client_support.clean_env
pytestmark = pytest.mark.usefixtures("clean_env")

PATH = "/v2/datasets/d1"
CREATE = CreateDatasetRequest(name="new dataset", space_id=SPACE_ID, examples=[])
SEARCH = SearchDatasetExamplesRequest(filter_="label = 'cat'", limit=10)


def retry_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [
        r
        for r in caplog.records
        if r.name == "arize_api" and r.levelno == logging.INFO and "retry" in r.getMessage()
    ]


@pytest.fixture
def log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG, logger="arize_api")
    return caplog


# --------------------------------------------------------------------------- statuses


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_get_is_retried_on_retryable_status(
    flavour: Flavour, server: ScriptedServer, log: pytest.LogCaptureFixture, status: int
) -> None:
    server.add(
        "GET",
        PATH,
        problem_reply(status, headers={"X-Request-Id": "req-first"}),
        Reply(200, json=dataset_json(), headers={"X-Request-Id": "req-second"}),
    )
    client = flavour.client(base_url=server.url)
    dataset = flavour.call(get_dataset, client=client, dataset_id="d1")
    assert isinstance(dataset, Dataset)
    assert len(server.requests) == 2
    (record,) = retry_records(log)
    message = record.getMessage()
    assert message.startswith(f"GET {PATH}: status {status}; retry 1 of 2 in ")
    assert "request id: req-first" in message
    done = [r.getMessage() for r in log.records if "->" in r.getMessage()]
    assert len(done) == 1
    assert done[0].startswith(f"GET {PATH} -> 200 in ")
    assert "(retries: 1, request id: req-second)" in done[0]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
def test_client_errors_are_not_retried(
    flavour: Flavour, server: ScriptedServer, log: pytest.LogCaptureFixture, status: int
) -> None:
    server.add("GET", PATH, problem_reply(status), Reply(200, json=dataset_json()))
    client = flavour.client(base_url=server.url)
    with pytest.raises(Exception) as info:
        flavour.call(get_dataset, client=client, dataset_id="d1")
    assert getattr(info.value, "status", None) == status
    assert len(server.requests) == 1
    assert retry_records(log) == []


@pytest.mark.parametrize("max_retries", [0, 1, 3])
def test_retries_are_capped_by_max_retries(
    flavour: Flavour, server: ScriptedServer, log: pytest.LogCaptureFixture, max_retries: int
) -> None:
    server.add("GET", PATH, problem_reply(503))
    client = flavour.client(base_url=server.url, max_retries=max_retries)
    with pytest.raises(InternalServerError):
        flavour.call(get_dataset, client=client, dataset_id="d1")
    assert len(server.requests) == max_retries + 1
    messages = [r.getMessage() for r in retry_records(log)]
    assert len(messages) == max_retries
    for n, message in enumerate(messages, start=1):
        assert f"retry {n} of {max_retries}" in message


def test_rate_limit_gives_up_after_max_retries(flavour: Flavour, server: ScriptedServer) -> None:
    server.add("GET", PATH, problem_reply(429, headers={"Retry-After": "0"}))
    client = flavour.client(base_url=server.url, max_retries=2)
    with pytest.raises(RateLimitError):
        flavour.call(get_dataset, client=client, dataset_id="d1")
    assert len(server.requests) == 3


def test_with_options_max_retries_applies_to_the_copy_only(
    flavour: Flavour, server: ScriptedServer
) -> None:
    server.add("GET", PATH, problem_reply(503))
    client = flavour.client(base_url=server.url, max_retries=2)
    no_retries = flavour.adopt(client.with_options(max_retries=0))
    with pytest.raises(InternalServerError):
        flavour.call(get_dataset, client=no_retries, dataset_id="d1")
    assert len(server.requests) == 1
    with pytest.raises(InternalServerError):
        flavour.call(get_dataset, client=client, dataset_id="d1")
    assert len(server.requests) == 4


# --------------------------------------------------------------------------- Retry-After


def test_retry_after_seconds_is_honoured(
    flavour: Flavour, server: ScriptedServer, log: pytest.LogCaptureFixture
) -> None:
    server.add(
        "GET",
        PATH,
        problem_reply(429, headers={"Retry-After": "1"}),
        Reply(200, json=dataset_json()),
    )
    client = flavour.client(base_url=server.url)
    started = time.monotonic()
    flavour.call(get_dataset, client=client, dataset_id="d1")
    waited = time.monotonic() - started
    assert 0.95 <= waited < 4.0
    assert len(server.requests) == 2
    (record,) = retry_records(log)
    assert "status 429; retry 1 of 2 in 1.00 s" in record.getMessage()


def test_retry_after_http_date_is_honoured(flavour: Flavour, server: ScriptedServer) -> None:
    # HTTP dates have whole seconds: two seconds past the current one is 1-2 s from now.
    target = math.floor(time.time()) + 2
    date = email.utils.formatdate(target, usegmt=True)
    server.add(
        "GET",
        PATH,
        problem_reply(503, headers={"Retry-After": date}),
        Reply(200, json=dataset_json()),
    )
    client = flavour.client(base_url=server.url)
    started = time.monotonic()
    flavour.call(get_dataset, client=client, dataset_id="d1")
    waited = time.monotonic() - started
    assert 0.9 <= waited < 5.0
    assert time.time() >= target - 0.1
    assert len(server.requests) == 2


def test_retry_after_is_capped_by_the_policy(
    flavour: Flavour, server: ScriptedServer, log: pytest.LogCaptureFixture
) -> None:
    server.add(
        "GET",
        PATH,
        problem_reply(429, headers={"Retry-After": "3600"}),
        Reply(200, json=dataset_json()),
    )
    policy = RetryPolicy(initial_delay=0.01, max_delay=0.05, max_retry_after=0.2)
    client = flavour.client(base_url=server.url, retry_policy=policy)
    started = time.monotonic()
    flavour.call(get_dataset, client=client, dataset_id="d1")
    assert time.monotonic() - started < 3.0
    assert len(server.requests) == 2
    (record,) = retry_records(log)
    assert "retry 1 of 2 in 0.20 s" in record.getMessage()


def test_parse_retry_after() -> None:
    assert parse_retry_after(None) is None
    assert parse_retry_after("") is None
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("1.5") == 1.5
    assert parse_retry_after("-3") == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    future = email.utils.formatdate(time.time() + 100, usegmt=True)
    seconds = parse_retry_after(future)
    assert seconds is not None
    assert 95 <= seconds <= 100


def test_backoff_is_exponential_capped_and_jittered() -> None:
    policy = RetryPolicy(initial_delay=0.5, max_delay=8.0)
    for retry, ceiling in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (10, 8.0)]:
        delays = {policy.backoff(retry) for _ in range(50)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1  # jitter


# --------------------------------------------------------------------------- writes


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_creating_post_is_not_resent_after_a_server_error(
    flavour: Flavour, server: ScriptedServer, log: pytest.LogCaptureFixture, status: int
) -> None:
    server.add("POST", "/v2/datasets", problem_reply(status), Reply(201, json=dataset_json("new")))
    client = flavour.client(base_url=server.url, max_retries=3)
    with pytest.raises(InternalServerError) as info:
        flavour.call(create_dataset, client=client, body=CREATE)
    assert info.value.status == status
    assert len(server.requests) == 1
    assert retry_records(log) == []


def test_creating_post_is_retried_on_429(
    flavour: Flavour, server: ScriptedServer, log: pytest.LogCaptureFixture
) -> None:
    server.add(
        "POST",
        "/v2/datasets",
        problem_reply(429, headers={"Retry-After": "0"}),
        Reply(201, json=dataset_json("new")),
    )
    client = flavour.client(base_url=server.url)
    dataset = flavour.call(create_dataset, client=client, body=CREATE)
    assert isinstance(dataset, Dataset)
    assert dataset.id == "new"
    first, second = server.requests
    assert first.body == second.body
    assert first.json()["name"] == "new dataset"
    (record,) = retry_records(log)
    assert record.getMessage().startswith("POST /v2/datasets: status 429; retry 1 of 2")


def test_patch_is_not_resent_after_a_server_error(flavour: Flavour, server: ScriptedServer) -> None:
    server.add("PATCH", PATH, problem_reply(503), Reply(200, json=dataset_json()))
    client = flavour.client(base_url=server.url)
    with pytest.raises(InternalServerError):
        flavour.call(update_dataset, "d1", client=client, body=UpdateDatasetRequest(name="x"))
    assert len(server.requests) == 1


def test_v1_log_is_not_resent_after_a_server_error(
    flavour: Flavour, server: ScriptedServer
) -> None:
    server.add("POST", "/v1/log", Reply(500, json={"message": "Internal service error"}))
    client = flavour.client(base_url=server.url)
    with pytest.raises(InternalServerError):
        flavour.call(log_record, client=client, body=V1Record(model_id="m"))
    assert len(server.requests) == 1


def test_a_post_whose_spec_declares_503_is_retried_on_it(
    flavour: Flavour, server: ScriptedServer, log: pytest.LogCaptureFixture
) -> None:
    # POST /v2/webhooks/{id}/test answers 503 for "partly done, send the whole request again".
    answer = spec_support.build_value({"$ref": "#/components/schemas/TestWebhookResponse"})
    server.add("POST", "/v2/webhooks/w1/test", problem_reply(503), Reply(200, json=answer))
    client = flavour.client(base_url=server.url)
    flavour.call(webhook_test, "w1", client=client)
    assert len(server.requests) == 2
    (record,) = retry_records(log)
    assert "status 503; retry 1 of 2" in record.getMessage()
    server.reset()
    server.add("POST", "/v2/webhooks/w1/test", problem_reply(500))  # only 503 means "again"
    with pytest.raises(InternalServerError):
        flavour.call(webhook_test, "w1", client=client)
    assert len(server.requests) == 1


def test_search_post_is_retried_on_503(
    flavour: Flavour, server: ScriptedServer, log: pytest.LogCaptureFixture
) -> None:
    path = "/v2/datasets/d1/examples/search"
    page = {"examples": [example_json("e1")], "pagination": {"has_more": False}}
    server.add("POST", path, problem_reply(503), Reply(200, json=page))
    client = flavour.client(base_url=server.url)
    result = flavour.call(search_dataset_examples, "d1", client=client, body=SEARCH)
    assert isinstance(result, ListDatasetExamplesResponse)
    assert [e.id for e in result.examples] == ["e1"]
    first, second = server.requests
    assert first.json() == second.json() == {"filter": "label = 'cat'", "limit": 10}
    assert len(retry_records(log)) == 1


def test_delete_is_retried_on_503(flavour: Flavour, server: ScriptedServer) -> None:
    server.add("DELETE", PATH, problem_reply(503), Reply(204))
    client = flavour.client(base_url=server.url)
    assert flavour.call(delete_dataset, "d1", client=client) is None
    assert len(server.requests) == 2


# --------------------------------------------------------------------------- lost connections


@pytest.mark.parametrize(
    "drop", [Reply.close_connection(), Reply.reset_connection()], ids=["closed", "reset"]
)
@pytest.mark.parametrize("flavour", ["sync", "async"], indirect=True)
def test_get_is_retried_when_the_connection_drops(
    flavour: Flavour, server: ScriptedServer, log: pytest.LogCaptureFixture, drop: Reply
) -> None:
    server.add("GET", PATH, drop, Reply(200, json=dataset_json()))
    client = flavour.client(base_url=server.url)
    assert flavour.call(get_dataset, client=client, dataset_id="d1").id == "d1"
    assert len(server.requests) == 2
    (record,) = retry_records(log)  # the retry is ours, so it is logged
    assert record.getMessage().startswith(f"GET {PATH}: ")
    assert "retry 1 of 2" in record.getMessage()


@pytest.mark.parametrize("flavour", ["sync", "async"], indirect=True)
def test_dropped_get_with_no_retries_is_sent_once(flavour: Flavour, server: ScriptedServer) -> None:
    server.add("GET", PATH, Reply.close_connection())
    client = flavour.client(base_url=server.url, max_retries=0)
    with pytest.raises(APIConnectionError):
        flavour.call(get_dataset, client=client, dataset_id="d1")
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "drop", [Reply.close_connection(), Reply.reset_connection()], ids=["closed", "reset"]
)
def test_creating_post_is_not_resent_when_the_connection_drops(
    flavour: Flavour, server: ScriptedServer, log: pytest.LogCaptureFixture, drop: Reply
) -> None:
    server.add("POST", "/v2/datasets", drop, Reply(201, json=dataset_json("new")))
    client = flavour.client(base_url=server.url, max_retries=3)
    with pytest.raises(APIConnectionError) as info:
        flavour.call(create_dataset, client=client, body=CREATE)
    assert not isinstance(info.value, APITimeoutError)
    assert str(info.value).startswith(f"POST {server.url}/v2/datasets failed")
    assert len(server.requests) == 1
    assert retry_records(log) == []


def test_creating_post_is_retried_when_it_was_never_sent(
    flavour: Flavour, log: pytest.LogCaptureFixture
) -> None:
    """Connection refused: the server cannot have acted on it, so even a create is retried."""
    client = flavour.client(base_url=refused_url(), max_retries=2)
    with pytest.raises(APIConnectionError) as info:
        flavour.call(create_dataset, client=client, body=CREATE)
    assert "after 3 attempts" in str(info.value)
    messages = [r.getMessage() for r in retry_records(log)]
    assert len(messages) == 2
    assert all(m.startswith("POST /v2/datasets: ConnectError; retry") for m in messages)


def test_get_is_retried_after_a_timeout(
    flavour: Flavour, server: ScriptedServer, log: pytest.LogCaptureFixture
) -> None:
    server.add(
        "GET", PATH, Reply(200, json=dataset_json(), delay=10), Reply(200, json=dataset_json())
    )
    client = flavour.client(base_url=server.url, timeout=0.2)
    assert flavour.call(get_dataset, client=client, dataset_id="d1").id == "d1"
    assert len(server.requests) == 2
    (record,) = retry_records(log)
    assert "Timeout; retry 1 of 2" in record.getMessage()


def test_creating_post_is_not_resent_after_a_timeout(
    flavour: Flavour, server: ScriptedServer
) -> None:
    server.add("POST", "/v2/datasets", Reply(201, json=dataset_json("new"), delay=10))
    client = flavour.client(base_url=server.url, timeout=0.2, max_retries=3)
    with pytest.raises(APITimeoutError):
        flavour.call(create_dataset, client=client, body=CREATE)
    assert len(server.requests) == 1


def test_get_is_retried_when_the_body_is_cut_off(
    flavour: Flavour, server: ScriptedServer, log: pytest.LogCaptureFixture
) -> None:
    server.add(
        "GET",
        PATH,
        Reply(200, json=dataset_json(), truncate_body_to=10),
        Reply(200, json=dataset_json()),
    )
    client = flavour.client(base_url=server.url)
    assert flavour.call(get_dataset, client=client, dataset_id="d1").id == "d1"
    assert len(server.requests) == 2
    (record,) = retry_records(log)
    assert "ProtocolError; retry 1 of 2" in record.getMessage()


def test_creating_post_is_not_resent_when_the_body_is_cut_off(
    flavour: Flavour, server: ScriptedServer
) -> None:
    """The server acted (it began answering 201): never repeat the create."""
    server.add(
        "POST",
        "/v2/datasets",
        Reply(201, json=dataset_json("new"), truncate_body_to=10),
        Reply(201, json=dataset_json("new")),
    )
    client = flavour.client(base_url=server.url, max_retries=3)
    with pytest.raises(APIConnectionError):
        flavour.call(create_dataset, client=client, body=CREATE)
    assert len(server.requests) == 1
