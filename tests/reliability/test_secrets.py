"""Secrets: the API key shows nowhere a person or a log collector could see it.

Every reliability test already runs under `leak_guard` (every logger at DEBUG, every record
searched). Here one broad run per client covers every outcome (success, retries, each error
family, timeouts, drops, v1 logging, pagination errors, refused connections, bad settings, a
plain-http warning, a cancelled call), then searches log records, exceptions (str, repr and
formatted traceback), reprs and warnings. Redirects to another origin never carry the key.
"""

from __future__ import annotations

import asyncio
import json
import logging
import warnings
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from arize_api import (
    APIStatusError,
    ArizeClient,
    ArizeError,
    AsyncArizeClient,
)
from arize_api.api.datasets import create_dataset, get_dataset, list_datasets
from arize_api.api.v1 import log_record
from arize_api.models import CreateDatasetRequest, V1Record
from arize_api.v1 import record
from tests.support.clients import Flavour, refused_url
from tests.support.payloads import SPACE_ID, dataset_json
from tests.support.reliability import (
    API_KEY,
    SECRETS,
    SPACE_KEY,
    LeakGuard,
    exception_texts,
    make_client,
    one_typed_error,
    secret_hits,
)
from tests.support.scripted import Reply, ScriptedServer

pytest_plugins = ["tests.support.clients", "tests.support.reliability"]
pytestmark = [pytest.mark.usefixtures("clean_env", "leak_guard"), pytest.mark.timeout(60)]

PROBLEM = {"Content-Type": "application/problem+json"}


def _script(server: ScriptedServer) -> None:
    def problem(status: int, **members: Any) -> Reply:
        return Reply(status, body=json.dumps({"title": f"t{status}", **members}), headers=PROBLEM)

    server.add("GET", "/v2/datasets/ok", json=dataset_json("ok"))
    server.add("GET", "/v2/datasets/flaky", problem(503), Reply(200, json=dataset_json("flaky")))
    server.add(
        "GET",
        "/v2/datasets/limited",
        Reply(429, json={}, headers={"Retry-After": "0"}),
        Reply(200, json=dataset_json("limited")),
    )
    server.add("GET", "/v2/datasets/missing", problem(404, detail="no such dataset"))
    server.add("GET", "/v2/datasets/denied", problem(401, detail="invalid credential"))
    server.add("GET", "/v2/datasets/forbidden", problem(403, error_code="NO_ACCESS"))
    server.add("GET", "/v2/datasets/html", Reply(502, body="<html>Bad Gateway</html>"))
    server.add("GET", "/v2/datasets/slow", Reply(200, json=dataset_json("slow"), delay=10))
    server.add("GET", "/v2/datasets/dropped", Reply.close_connection())
    server.add("GET", "/v2/datasets/reset", Reply.reset_connection())
    server.add("GET", "/v2/datasets/cut", Reply(200, json=dataset_json("cut"), truncate_body_to=9))
    server.add(
        "GET",
        "/v2/datasets/malformed",
        Reply(200, body=b"{nope", headers={"Content-Type": "application/json"}),
    )
    server.add("GET", "/v2/datasets/partial", Reply(200, json={"id": "partial"}))
    server.add(
        "GET", "/v2/datasets/moved", Reply(302, headers={"Location": "http://127.0.0.1:9/x"})
    )
    server.add("POST", "/v2/datasets", problem(500, detail="boom"))
    server.add("POST", "/v1/log", Reply(200, json={}))
    server.add(
        "GET",
        "/v2/datasets",
        Reply(200, json={"datasets": [dataset_json("a")], "pagination": {"has_more": True}}),
    )


CALLS = ("ok", "flaky", "limited", "missing", "denied", "forbidden", "html", "slow", "dropped",
         "reset", "cut", "malformed", "partial", "moved")  # fmt: skip


def test_the_key_appears_nowhere_after_a_broad_run(
    flavour: Flavour,
    server: ScriptedServer,
    leak_guard: LeakGuard,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    _script(server)
    errors: list[BaseException] = []
    results: list[Any] = []

    def attempt(action: Callable[[], Any]) -> None:
        try:
            results.append(action())
        except Exception as exc:
            errors.append(exc)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client = make_client(
            flavour, server.url, space_id=SPACE_ID, space_key=SPACE_KEY, timeout=0.3
        )
        copy = flavour.adopt(client.with_options(max_retries=0))
        for name in CALLS:
            attempt(lambda name=name: flavour.call_detailed(get_dataset, name, client=client))
        attempt(lambda: flavour.call(get_dataset, "missing", client=copy))
        body = CreateDatasetRequest(name="n", space_id=SPACE_ID, examples=[])
        attempt(lambda: flavour.call(create_dataset, client=client, body=body))
        attempt(lambda: flavour.call(log_record, client=client, body=V1Record(model_id="m")))
        rec = record("m", prediction_label=0.5, prediction_id="p1")
        attempt(lambda: flavour.run(client.log(rec)) if flavour.is_async else client.log(rec))
        paginator = client.paginate(list_datasets, space_id=SPACE_ID)
        _, pagination_error = flavour.collect(paginator)
        errors.append(pagination_error)
        refused = make_client(flavour, refused_url(), max_retries=1)
        attempt(lambda: flavour.call(get_dataset, "x", client=refused))
        if flavour.is_async:

            async def cut_short() -> Any:
                async with asyncio.timeout(0.05):
                    return await get_dataset.asyncio("slow", client=client)

            attempt(lambda: flavour.run(cut_short()))
        cls = flavour.client_class
        for bad in (
            {"region": "mars-north-1"},
            {"base_url": "ftp://arize.example.com"},
            {"region": "eu-west-1a", "base_url": "https://arize.example.com"},
            {"timeout": -1},
            {"max_retries": "2"},
        ):
            attempt(lambda bad=bad: cls(api_key=API_KEY, space_key=SPACE_KEY, **bad))
        attempt(lambda: cls(api_key=f" {API_KEY}"))
        insecure = make_client(flavour, "http://arize.example.com", space_key=SPACE_KEY)
        closed = make_client(flavour, server.url)
        flavour.close(closed)
        attempt(lambda: flavour.call(get_dataset, "ok", client=closed))

    # The run did what it should: the key went out, and there is plenty to search.
    sent = [r.header("Authorization") for r in server.requests]
    assert f"Bearer {API_KEY}" in sent and API_KEY in sent  # v2 bearer, v1 raw
    # Each an ArizeError, except the caller's own asyncio.timeout (TimeoutError).
    assert len(errors) >= 20 and all(isinstance(e, ArizeError | TimeoutError) for e in errors)
    assert len(results) >= 4
    assert any("unencrypted" in str(w.message) for w in caught)
    # Log records searched as they were emitted: one DEBUG line per request of ours, plus the
    # retries (httpx no longer carries the requests, so it logs none of its own).
    assert leak_guard.scanned >= 25

    places: dict[str, str] = {"caplog.text": caplog.text}
    for i, record_ in enumerate(caplog.records):
        places[f"record {i} {record_.name}"] = record_.getMessage() + repr(record_.args)
    for i, error in enumerate(errors):
        for j, text in enumerate(exception_texts(error)):
            places[f"error {i} {type(error).__name__} {j}"] = text
        request = getattr(error, "request", None)
        places[f"error {i} request"] = repr(request)
        places[f"error {i} request headers"] = repr(getattr(request, "headers", None))
        response = getattr(error, "response", None)
        places[f"error {i} response"] = repr(response)
        if response is not None:
            places[f"error {i} response request headers"] = repr(response.request.headers)
    for i, result in enumerate(results):
        places[f"result {i}"] = repr(result)
    for name, obj in {
        "client": client,
        "copy": copy,
        "insecure": insecure,
        "paginator": paginator,
        "config": client.config,
        "engine settings": client._engine.core.settings,
    }.items():
        places[f"repr({name})"] = repr(obj)
        places[f"str({name})"] = str(obj)
    for i, warning in enumerate(caught):
        places[f"warning {i}"] = f"{warning.message} {warning.filename}"
    leaks = [where for where, text in places.items() if secret_hits(text)]
    assert leaks == [], f"a secret leaked into: {leaks}"


def test_a_server_echoing_the_key_does_not_put_it_in_error_messages(
    flavour: Flavour, server: ScriptedServer, leak_guard: LeakGuard
) -> None:
    server.add(
        "GET",
        "/v2/datasets/d1",
        Reply(401, json={"title": "Unauthorized", "detail": f"invalid token Bearer {API_KEY}"}),
    )
    server.add("GET", "/v2/datasets/d2", Reply(200, body=f"<html>token {API_KEY}</html>"))
    client = make_client(flavour, server.url)
    for dataset_id in ("d1", "d2"):
        with pytest.raises(ArizeError) as info:
            flavour.call(get_dataset, dataset_id, client=client)
        assert secret_hits(*exception_texts(info.value)) == []


# ------------------------------------------------------------------------------- redirects


@pytest.fixture
def elsewhere() -> Any:
    with ScriptedServer() as other:
        other.add("GET", "/v2/datasets/d1", json=dataset_json("d1"))
        other.add("POST", "/v1/log", json={})
        yield other


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirect_to_another_origin_is_not_followed_by_default(
    flavour: Flavour, server: ScriptedServer, elsewhere: ScriptedServer, status: int
) -> None:
    server.add(
        "GET",
        "/v2/datasets/d1",
        Reply(status, headers={"Location": elsewhere.url + "/v2/datasets/d1"}),
    )
    client = make_client(flavour, server.url)
    error = one_typed_error(lambda: flavour.call(get_dataset, "d1", client=client), APIStatusError)
    assert error.status == status
    assert str(error).startswith(f"{status} GET /v2/datasets/d1")
    assert len(server.requests) == 1
    assert elsewhere.requests == []  # nothing, let alone the key, went to the other host


def _user_http_client(flavour: Flavour) -> Any:
    return (
        httpx.AsyncClient(follow_redirects=True)
        if flavour.is_async
        else httpx.Client(follow_redirects=True)
    )


@pytest.mark.parametrize("status", [302, 307, 308])
def test_a_user_client_that_follows_redirects_still_never_follows_ours(
    flavour: Flavour, server: ScriptedServer, elsewhere: ScriptedServer, status: int
) -> None:
    """The wire sends with follow_redirects=False whatever the client says: no host but the
    configured one sees the key, the space key or a v1 body; the redirect is a typed error."""
    target = elsewhere.url
    server.add(
        "GET", "/v2/datasets/d1", Reply(status, headers={"Location": target + "/v2/datasets/d1"})
    )
    server.add("POST", "/v1/log", Reply(status, headers={"Location": target + "/v1/log"}))
    user = _user_http_client(flavour)
    client = make_client(
        flavour, server.url, http_client=user, space_id=SPACE_ID, space_key=SPACE_KEY
    )
    try:
        error = one_typed_error(
            lambda: flavour.call(get_dataset, "d1", client=client), APIStatusError
        )
        assert error.status == status
        record = V1Record(model_id="m", prediction_id="p")
        error = one_typed_error(
            lambda: flavour.call(log_record, client=client, body=record), APIStatusError
        )
        assert error.status == status
    finally:
        flavour.close(client)
        if flavour.is_async:
            flavour.run(user.aclose())
        else:
            user.close()
    assert [r.header("Authorization") for r in server.requests] == [f"Bearer {API_KEY}", API_KEY]
    assert elsewhere.requests == []


@pytest.mark.parametrize("cls", [ArizeClient, AsyncArizeClient])
def test_reprs_never_show_secrets(cls: type[Any]) -> None:
    client = cls(api_key=API_KEY, space_key=SPACE_KEY, base_url="https://arize.example.com")
    texts = [repr(client), str(client), repr(client.config), str(client.config)]
    texts += [repr(client.with_options(timeout=3)), repr(client.config.timeout)]
    assert secret_hits(*texts) == []
    assert "****" in repr(client)
    assert client.config.api_key == API_KEY  # kept intact where it is needed
    assert set(SECRETS) >= {API_KEY, SPACE_KEY}


def test_secret_search_itself_finds_a_planted_key(leak_guard: LeakGuard) -> None:
    """The guard is live: a record carrying the key is caught (then forgotten for this test)."""
    logging.getLogger("arize_api.test").debug("planted %s", API_KEY)
    assert leak_guard.scanner.hits
    leak_guard.scanner.hits.clear()
