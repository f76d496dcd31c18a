"""Faults on the wire: every one ends in the right answer after retries or one typed error.

Connection-level faults (closing before answering, mid-headers, mid-body, a reset, a malformed
status line, a lying Content-Length) come from `ScriptedRawServer`, which writes exactly the
bytes it is told to; status and body faults from `ScriptedServer`. Every count is what the server
received. Each test runs with the sync and the async client.
"""

from __future__ import annotations

import email.utils
import json
import logging
import math
import time

import pytest

from arize_api import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    InternalServerError,
    NotFoundError,
    PaginationError,
    RateLimitError,
)
from arize_api.api.datasets import get_dataset, list_datasets
from arize_api.models import Dataset
from tests.support.clients import Flavour
from tests.support.payloads import dataset_json
from tests.support.reliability import make_client, one_typed_error
from tests.support.scripted import Reply, ScriptedServer
from tests.support.scripted_raw import RawReply, ScriptedRawServer

pytest_plugins = ["tests.support.clients", "tests.support.reliability"]
pytestmark = [pytest.mark.usefixtures("clean_env", "leak_guard"), pytest.mark.timeout(30)]

PATH = "/v2/datasets/d1"
GOOD = RawReply.response(200, dataset_json("d1"))
JSON = {"Content-Type": "application/json"}

# Ways a connection can fail before a complete answer arrives.
CONNECTION_FAULTS: dict[str, RawReply] = {
    "closed_before_answering": RawReply(b""),
    "closed_mid_status_line": RawReply(b"HTTP/1.1 20"),
    "closed_mid_headers": RawReply(b"HTTP/1.1 200 OK\r\nContent-Type: appli"),
    "closed_mid_body": RawReply.response(200, b'{"id": "d1", "na', content_length=400),
    "reset_before_answering": RawReply(b"", then="reset"),
    "malformed_status_line": RawReply(b"HTTP/1.1 OK-ish\r\nContent-Length: 0\r\n\r\n"),
    "not_http_at_all": RawReply(b"SSH-2.0-OpenSSH_9.6\r\n\r\n"),
    "bad_content_length": RawReply(b"HTTP/1.1 200 OK\r\nContent-Length: lots\r\n\r\n{}"),
}


def retries_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "arize_api" and r.levelno == logging.INFO and "retry" in r.getMessage()
    ]


# ------------------------------------------------------------------------ connection faults


@pytest.mark.parametrize("fault", sorted(CONNECTION_FAULTS))
def test_connection_fault_then_answer_gives_the_right_result(
    flavour: Flavour, fault: str, caplog: pytest.LogCaptureFixture
) -> None:
    with ScriptedRawServer() as server:
        server.script(PATH, CONNECTION_FAULTS[fault], GOOD)
        client = make_client(flavour, server.url, timeout=5)
        dataset = flavour.call(get_dataset, "d1", client=client)
        assert isinstance(dataset, Dataset)
        assert (dataset.id, dataset.name) == ("d1", "name of d1")
        assert len(server.requests_to(PATH)) == 2


@pytest.mark.parametrize("fault", sorted(CONNECTION_FAULTS))
@pytest.mark.parametrize("max_retries", [0, 2])
def test_persistent_connection_fault_gives_one_connection_error(
    flavour: Flavour, fault: str, max_retries: int
) -> None:
    with ScriptedRawServer() as server:
        server.script(PATH, CONNECTION_FAULTS[fault])
        client = make_client(flavour, server.url, timeout=5, max_retries=max_retries)
        started = time.monotonic()
        error = one_typed_error(
            lambda: flavour.call(get_dataset, "d1", client=client), APIConnectionError
        )
        assert time.monotonic() - started < 5
        message = str(error)
        assert message.startswith(f"GET {server.url}{PATH} failed")
        if max_retries:
            assert f"after {max_retries + 1} attempts" in message
        assert error.request is not None
        # Exactly the attempts the policy allows: no silent extra sends.
        assert len(server.requests_to(PATH)) == max_retries + 1


# ---------------------------------------------------------------------------- status faults


def test_503_then_200_gives_the_right_result_after_one_logged_retry(
    flavour: Flavour, server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.add(
        "GET",
        PATH,
        Reply(503, json={"title": "Service Unavailable", "status": 503}),
        Reply(200, json=dataset_json("d1")),
    )
    client = make_client(flavour, server.url)
    assert flavour.call(get_dataset, "d1", client=client).id == "d1"
    assert len(server.requests) == 2
    (retry,) = retries_logged(caplog)
    assert retry.startswith(f"GET {PATH}: status 503; retry 1 of 2")


def test_persistent_503_gives_one_internal_server_error(
    flavour: Flavour, server: ScriptedServer
) -> None:
    server.add("GET", PATH, Reply(503, json={"title": "Service Unavailable", "status": 503}))
    client = make_client(flavour, server.url)
    error = one_typed_error(
        lambda: flavour.call(get_dataset, "d1", client=client), InternalServerError
    )
    assert error.status == 503
    assert str(error) == f"503 GET {PATH}: Service Unavailable"
    assert len(server.requests) == 3


def test_429_with_retry_after_seconds_waits_then_succeeds(
    flavour: Flavour, server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.add(
        "GET",
        PATH,
        Reply(429, json={"title": "Too Many Requests"}, headers={"Retry-After": "1"}),
        Reply(200, json=dataset_json("d1")),
    )
    client = make_client(flavour, server.url)
    started = time.monotonic()
    assert flavour.call(get_dataset, "d1", client=client).id == "d1"
    assert 0.95 <= time.monotonic() - started < 5
    assert len(server.requests) == 2
    (retry,) = retries_logged(caplog)
    assert "status 429; retry 1 of 2 in 1.00 s" in retry


def test_429_with_retry_after_http_date_waits_then_succeeds(
    flavour: Flavour, server: ScriptedServer
) -> None:
    target = math.floor(time.time()) + 2  # whole seconds: 1-2 s from now
    date = email.utils.formatdate(target, usegmt=True)
    server.add(
        "GET",
        PATH,
        Reply(429, json={"title": "Too Many Requests"}, headers={"Retry-After": date}),
        Reply(200, json=dataset_json("d1")),
    )
    client = make_client(flavour, server.url)
    started = time.monotonic()
    assert flavour.call(get_dataset, "d1", client=client).id == "d1"
    assert 0.9 <= time.monotonic() - started < 5
    assert time.time() >= target - 0.1  # the second request went out at the date, not before
    assert len(server.requests) == 2


def test_persistent_429_gives_one_rate_limit_error(
    flavour: Flavour, server: ScriptedServer
) -> None:
    server.add(
        "GET",
        PATH,
        Reply(
            429,
            body='{"title": "Too Many Requests", "detail": "slow down"}',
            headers={"Content-Type": "application/problem+json", "Retry-After": "0"},
        ),
    )
    client = make_client(flavour, server.url)
    error = one_typed_error(lambda: flavour.call(get_dataset, "d1", client=client), RateLimitError)
    assert (error.status, error.title, error.detail) == (429, "Too Many Requests", "slow down")
    assert len(server.requests) == 3


def test_html_502_then_200_gives_the_right_result(flavour: Flavour, server: ScriptedServer) -> None:
    html = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    server.add(
        "GET",
        PATH,
        Reply(502, body=html, headers={"Content-Type": "text/html"}),
        Reply(200, json=dataset_json("d1")),
    )
    client = make_client(flavour, server.url)
    assert flavour.call(get_dataset, "d1", client=client).id == "d1"
    assert len(server.requests) == 2


def test_persistent_html_502_gives_one_error_with_an_excerpt(
    flavour: Flavour, server: ScriptedServer
) -> None:
    html = "<html>\n<head><title>502 Bad Gateway</title></head>\n" + "<p>x</p>" * 500 + "</html>"
    server.add("GET", PATH, Reply(502, body=html, headers={"Content-Type": "text/html"}))
    client = make_client(flavour, server.url)
    error = one_typed_error(
        lambda: flavour.call(get_dataset, "d1", client=client), InternalServerError
    )
    assert error.status == 502
    assert error.body is None and error.title is None
    message = str(error)
    assert message.startswith(f"502 GET {PATH}: <html> <head><title>502 Bad Gateway</title>")
    assert len(message) < 300  # an excerpt, not the page
    assert len(server.requests) == 3


# --------------------------------------------------------------------------------- timeouts


def test_slower_than_the_timeout_gives_one_timeout_error(
    flavour: Flavour, server: ScriptedServer
) -> None:
    server.add("GET", PATH, Reply(200, json=dataset_json("d1"), delay=10))
    client = make_client(flavour, server.url, timeout=0.3, max_retries=1)
    started = time.monotonic()
    error = one_typed_error(lambda: flavour.call(get_dataset, "d1", client=client), APITimeoutError)
    elapsed = time.monotonic() - started
    assert 0.6 <= elapsed < 4.0  # two attempts of 0.3 s, not the server's 10 s
    assert "timed out after 2 attempts" in str(error)
    assert "raise timeout=" in str(error)
    assert len(server.requests) == 2


def test_slow_then_fast_gives_the_right_result(flavour: Flavour, server: ScriptedServer) -> None:
    server.add(
        "GET",
        PATH,
        Reply(200, json=dataset_json("slow"), delay=10),
        Reply(200, json=dataset_json("d1")),
    )
    client = make_client(flavour, server.url, timeout=0.3)
    started = time.monotonic()
    assert flavour.call(get_dataset, "d1", client=client).id == "d1"
    assert time.monotonic() - started < 4.0
    assert len(server.requests) == 2


def test_headers_then_a_stalled_body_times_out(flavour: Flavour) -> None:
    stalled = RawReply.response(200, b'{"id": "d1"', content_length=300, then="hang")
    with ScriptedRawServer() as server:
        server.script(PATH, stalled, GOOD)
        client = make_client(flavour, server.url, timeout=0.3)
        started = time.monotonic()
        assert flavour.call(get_dataset, "d1", client=client).id == "d1"
        assert 0.3 <= time.monotonic() - started < 4.0
        assert len(server.requests_to(PATH)) == 2
        server.script(PATH, stalled)
        one_typed_error(
            lambda: flavour.call(get_dataset, "d1", client=client.with_options(max_retries=0)),
            APITimeoutError,
        )


# ------------------------------------------------------------------- bad bodies on a 2xx


BAD_2XX: dict[str, tuple[Reply, str]] = {
    "malformed_json": (
        Reply(200, body=b'{"id": "d1", "name": ', headers=JSON),
        "is not valid JSON",
    ),
    "empty_body": (Reply(200, body=b"", headers=JSON), "is not valid JSON"),
    "html_login_page": (
        Reply(
            200,
            body="<html><body>Please sign in</body></html>",
            headers={"Content-Type": "text/html"},
        ),
        "is not valid JSON",
    ),
    "missing_required_field": (
        Reply(200, json={k: v for k, v in dataset_json("d1").items() if k != "name"}),
        "missing required field 'name'",
    ),
    "wrong_field_type": (
        Reply(200, json={**dataset_json("d1"), "created_at": 1714564800}),
        "does not match the spec",
    ),
    "not_a_date": (
        Reply(200, json={**dataset_json("d1"), "created_at": "yesterday"}),
        "does not match the spec",
    ),
    "array_instead_of_object": (Reply(200, json=[dataset_json("d1")]), "does not match the spec"),
    "null": (Reply(200, json=None), "does not match the spec"),
    "bare_string": (Reply(200, json="ok"), "does not match the spec"),
}


@pytest.mark.parametrize("case", sorted(BAD_2XX))
def test_bad_2xx_body_gives_one_validation_error(
    flavour: Flavour, server: ScriptedServer, case: str
) -> None:
    reply, says = BAD_2XX[case]
    server.add("GET", PATH, reply)
    client = make_client(flavour, server.url)
    error = one_typed_error(
        lambda: flavour.call(get_dataset, "d1", client=client), APIResponseValidationError
    )
    message = str(error)
    assert message.startswith(f"the 200 answer to GET {PATH} ")
    assert says in message
    assert "body starts" in message
    assert error.status == 200
    assert len(server.requests) == 1  # a bad body is not retried: it would come back the same


def test_list_page_missing_its_pagination_gives_one_validation_error(
    flavour: Flavour, server: ScriptedServer
) -> None:
    server.add("GET", "/v2/datasets", json={"datasets": [dataset_json("d1")]})
    client = make_client(flavour, server.url)
    error = one_typed_error(
        lambda: flavour.items(client.paginate(list_datasets)), APIResponseValidationError
    )
    assert "missing required field 'pagination'" in str(error)


def test_json_under_a_wrong_content_type_still_parses(
    flavour: Flavour, server: ScriptedServer
) -> None:
    # Lenient by design: the body is JSON of the right shape; the label is wrong.
    body = json.dumps(dataset_json("d1"))
    server.add("GET", PATH, Reply(200, body=body, headers={"Content-Type": "text/plain"}))
    client = make_client(flavour, server.url)
    assert flavour.call(get_dataset, "d1", client=client).id == "d1"
    assert server.requests and len(server.requests) == 1


def test_html_404_gives_one_not_found_error(flavour: Flavour, server: ScriptedServer) -> None:
    server.add(
        "GET", PATH, Reply(404, body="<h1>Not here</h1>", headers={"Content-Type": "text/html"})
    )
    client = make_client(flavour, server.url)
    error = one_typed_error(lambda: flavour.call(get_dataset, "d1", client=client), NotFoundError)
    assert str(error).startswith(f"404 GET {PATH}: <h1>Not here</h1>")


def test_fault_in_the_middle_of_a_walk_is_retried_and_the_walk_completes(
    flavour: Flavour, server: ScriptedServer
) -> None:
    page1 = {"datasets": [dataset_json("a")], "pagination": {"has_more": True, "next_cursor": "c2"}}
    page2 = {"datasets": [dataset_json("b")], "pagination": {"has_more": False}}
    server.add("GET", "/v2/datasets?limit=50", json=page1)
    server.add(
        "GET",
        "/v2/datasets?limit=50&cursor=c2",
        Reply(503, json={"title": "busy"}),
        Reply.close_connection(),
        Reply(200, json=page2),
    )
    client = make_client(flavour, server.url)
    items = flavour.items(client.paginate(list_datasets))
    assert [d.id for d in items] == ["a", "b"]
    assert len(server.requests) == 4


def test_every_fault_ends_in_an_arize_error_never_anything_else(flavour: Flavour) -> None:
    """All the connection faults at once, with every retry exhausted: ArizeError each time."""
    with ScriptedRawServer() as server:
        for name, reply in CONNECTION_FAULTS.items():
            server.script(f"/v2/datasets/{name}", reply)
        client = make_client(flavour, server.url, timeout=2)
        for name in CONNECTION_FAULTS:
            error = one_typed_error(
                lambda name=name: flavour.call(get_dataset, name, client=client),
                APIConnectionError,
            )
            assert f"/v2/datasets/{name}" in str(error)
            assert not isinstance(error, (APIStatusError, PaginationError))
