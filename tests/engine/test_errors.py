"""Typed errors: one class per status family with the RFC 9457 members, from real HTTP answers."""

from __future__ import annotations

import json

import pytest

from arize_api import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ArizeError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from arize_api._wires import WireConnectError, WireError
from arize_api.api.datasets import get_dataset, list_datasets
from arize_api.api.v1 import log_record
from arize_api.models import V1Record
from tests.support import clients as client_support
from tests.support.clients import API_KEY, DATASET_ID, Flavour, problem_reply, refused_url
from tests.support.payloads import dataset_json
from tests.support.scripted import Reply, ScriptedServer

# Fixtures from client_support used by this module.
flavour = client_support.flavour
server = client_support.server
clean_env = client_support.clean_env
pytestmark = pytest.mark.usefixtures("clean_env")

STATUS_CLASSES = [
    (400, BadRequestError),
    (401, AuthenticationError),
    (403, PermissionDeniedError),
    (404, NotFoundError),
    (409, ConflictError),
    (422, UnprocessableEntityError),
    (429, RateLimitError),
    (500, InternalServerError),
    (501, InternalServerError),
    (502, InternalServerError),
    (503, InternalServerError),
    (504, InternalServerError),
]
PROBLEM_MEMBERS = {"type", "title", "status", "detail", "instance"}


def _get_error(flavour: Flavour, server: ScriptedServer, *replies: Reply) -> APIStatusError:
    server.add("GET", "/v2/datasets/d1", *replies)
    client = flavour.client(base_url=server.url, max_retries=0)
    with pytest.raises(APIStatusError) as info:
        flavour.call(get_dataset, client=client, dataset_id="d1")
    return info.value


@pytest.mark.parametrize(("status", "cls"), STATUS_CLASSES)
def test_status_maps_to_its_class_with_problem_members(
    flavour: Flavour, server: ScriptedServer, status: int, cls: type[APIStatusError]
) -> None:
    reply = problem_reply(
        status,
        type="https://arize.com/problems/example",
        title="Something specific",
        detail="Here is what went wrong",
        instance="/v2/datasets/d1",
        request_id="req-body-42",
        error_code="E_SPECIFIC",
        limits={"per_minute": 60},
    )
    error = _get_error(flavour, server, reply)
    assert type(error) is cls
    assert isinstance(error, ArizeError)
    assert error.status == status
    assert error.status_code == status
    assert error.title == "Something specific"
    assert error.detail == "Here is what went wrong"
    assert error.type == "https://arize.com/problems/example"
    assert error.instance == "/v2/datasets/d1"
    assert error.request_id == "req-body-42"
    assert error.extra["error_code"] == "E_SPECIFIC"
    assert error.extra["limits"] == {"per_minute": 60}
    assert not PROBLEM_MEMBERS & set(error.extra)
    assert error.response.status_code == status
    message = str(error)
    assert message.startswith(f"{status} GET /v2/datasets/d1: ")
    assert "Something specific - Here is what went wrong" in message
    assert "req-body-42" in message
    assert len(server.requests) == 1


def test_request_id_comes_from_the_header_when_the_body_has_none(
    flavour: Flavour, server: ScriptedServer
) -> None:
    reply = problem_reply(409, detail="duplicate name", headers={"X-Request-Id": "req-hdr-7"})
    error = _get_error(flavour, server, reply)
    assert isinstance(error, ConflictError)
    assert error.request_id == "req-hdr-7"
    assert "(request id req-hdr-7)" in str(error)


def test_status_outside_the_families_is_a_plain_api_status_error(
    flavour: Flavour, server: ScriptedServer
) -> None:
    error = _get_error(flavour, server, problem_reply(418, detail="teapot"))
    assert type(error) is APIStatusError
    assert error.status == 418
    assert error.detail == "teapot"


def test_not_found_message_mentions_read_access(flavour: Flavour, server: ScriptedServer) -> None:
    error = _get_error(flavour, server, problem_reply(404, detail="dataset not found"))
    assert isinstance(error, NotFoundError)
    message = str(error)
    assert "dataset not found" in message
    assert "cannot read" in message
    assert "access" in message


def test_authentication_error_points_at_the_key(flavour: Flavour, server: ScriptedServer) -> None:
    error = _get_error(flavour, server, problem_reply(401, detail="invalid token"))
    assert "ARIZE_API_KEY" in str(error)


NGINX_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)


def test_html_error_body_gives_a_typed_error_with_an_excerpt(
    flavour: Flavour, server: ScriptedServer
) -> None:
    reply = Reply(502, body=NGINX_502, headers={"Content-Type": "text/html"})
    error = _get_error(flavour, server, reply)
    assert isinstance(error, InternalServerError)
    assert error.status == 502
    assert error.title is None
    assert error.detail is None
    assert error.body is None
    assert error.extra == {}
    message = str(error)
    assert message.startswith("502 GET /v2/datasets/d1: ")
    assert "<title>502 Bad Gateway</title>" in message
    assert "nginx" in message
    assert "\n" not in message


def test_plain_text_error_body_gives_a_typed_error(
    flavour: Flavour, server: ScriptedServer
) -> None:
    error = _get_error(flavour, server, Reply(403, body="forbidden by corporate proxy"))
    assert isinstance(error, PermissionDeniedError)
    assert "forbidden by corporate proxy" in str(error)


def test_long_error_body_is_cut_to_a_short_excerpt(
    flavour: Flavour, server: ScriptedServer
) -> None:
    error = _get_error(flavour, server, Reply(400, body="x" * 20_000))
    assert isinstance(error, BadRequestError)
    message = str(error)
    assert "xxxx..." in message
    assert len(message) < 400


def test_empty_error_body_gives_the_reason_phrase(flavour: Flavour, server: ScriptedServer) -> None:
    error = _get_error(flavour, server, Reply(404))
    assert isinstance(error, NotFoundError)
    assert error.body is None
    assert str(error).startswith("404 GET /v2/datasets/d1: Not Found")
    assert "cannot read" in str(error)


def test_json_error_body_that_is_not_a_problem(flavour: Flavour, server: ScriptedServer) -> None:
    error = _get_error(flavour, server, Reply(422, json=["not", "a", "problem"]))
    assert isinstance(error, UnprocessableEntityError)
    assert error.body == ["not", "a", "problem"]
    assert error.title is None
    assert error.extra == {}
    assert '["not", "a", "problem"]' in str(error)


@pytest.mark.parametrize(("status", "cls"), [(400, BadRequestError), (403, PermissionDeniedError)])
def test_v1_grpc_gateway_error_body(
    flavour: Flavour, server: ScriptedServer, status: int, cls: type[APIStatusError]
) -> None:
    text = "log must include prediction or actual"
    server.add("POST", "/v1/log", status=status, json={"code": 3, "message": text})
    client = flavour.client(base_url=server.url, max_retries=0)
    with pytest.raises(cls) as info:
        flavour.call(log_record, client=client, body=V1Record(model_id="m"))
    assert info.value.detail == text
    assert info.value.extra["code"] == 3
    assert text in str(info.value)


@pytest.mark.parametrize("detailed", [False, True], ids=["plain", "detailed"])
def test_errors_raise_and_never_return_none(
    flavour: Flavour, server: ScriptedServer, detailed: bool
) -> None:
    """sync()/asyncio() and the *_detailed() variants raise; none returns a None result."""
    server.add("GET", "/v2/datasets/d1", problem_reply(404, detail="gone"))
    server.add("GET", "/v2/datasets/d2", Reply(204))
    client = flavour.client(base_url=server.url, max_retries=0)
    send = flavour.call_detailed if detailed else flavour.call
    with pytest.raises(NotFoundError):
        send(get_dataset, client=client, dataset_id="d1")
    # A success status other than the documented one is not silently turned into None either.
    with pytest.raises(APIStatusError) as info:
        send(get_dataset, client=client, dataset_id="d2")
    assert info.value.status == 204


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (404, NotFoundError),
        (429, RateLimitError),
    ],
)
def test_prism_error_answers_parse_into_typed_errors(
    flavour: Flavour, prism_static_url: str, code: int, cls: type[APIStatusError]
) -> None:
    """Prism answers the spec's own problem example for the status asked for with `Prefer`."""
    client = flavour.client(
        base_url=prism_static_url, max_retries=0, default_headers={"Prefer": f"code={code}"}
    )
    with pytest.raises(cls) as info:
        flavour.call(get_dataset, client=client, dataset_id=DATASET_ID)
    error = info.value
    assert error.status == code
    assert isinstance(error.title, str)
    assert error.response.headers["content-type"].startswith("application/problem+json")


# --------------------------------------------------------------------------- no HTTP answer


@pytest.mark.parametrize("max_retries", [0, 2])
def test_connection_refused_is_an_api_connection_error(flavour: Flavour, max_retries: int) -> None:
    url = refused_url()
    client = flavour.client(base_url=url, max_retries=max_retries)
    with pytest.raises(APIConnectionError) as info:
        flavour.call(get_dataset, client=client, dataset_id="d1")
    error = info.value
    assert not isinstance(error, APITimeoutError)
    assert not isinstance(error, APIStatusError)
    message = str(error)
    assert message.startswith(f"GET {url}/v2/datasets/d1 failed")
    if max_retries:
        assert "after 3 attempts" in message
    assert error.request is not None
    assert isinstance(error.__cause__, WireConnectError)


def test_timeout_is_an_api_timeout_error(flavour: Flavour, server: ScriptedServer) -> None:
    server.add("GET", "/v2/datasets/d1", Reply(200, json=dataset_json(), delay=10))
    client = flavour.client(base_url=server.url, timeout=0.2, max_retries=0)
    with pytest.raises(APITimeoutError) as info:
        flavour.call(get_dataset, client=client, dataset_id="d1")
    assert isinstance(info.value, APIConnectionError)
    assert "timed out" in str(info.value)
    assert "timeout=" in str(info.value)
    assert len(server.requests) == 1


def test_per_copy_timeout_override(flavour: Flavour, server: ScriptedServer) -> None:
    """with_options(timeout=...) is the per-call override: only the copy times out."""
    server.add("GET", "/v2/datasets/d1", Reply(200, json=dataset_json(), delay=0.5))
    client = flavour.client(base_url=server.url, max_retries=0)
    hasty = flavour.adopt(client.with_options(timeout=0.1))
    with pytest.raises(APITimeoutError):
        flavour.call(get_dataset, client=hasty, dataset_id="d1")
    assert flavour.call(get_dataset, client=client, dataset_id="d1").id == "d1"


def test_truncated_body_is_an_api_connection_error(
    flavour: Flavour, server: ScriptedServer
) -> None:
    server.add("GET", "/v2/datasets/d1", Reply(200, json=dataset_json(), truncate_body_to=10))
    client = flavour.client(base_url=server.url, max_retries=0)
    with pytest.raises(APIConnectionError) as info:
        flavour.call(get_dataset, client=client, dataset_id="d1")
    assert not isinstance(info.value, APITimeoutError)
    assert str(info.value).startswith(f"GET {server.url}/v2/datasets/d1 failed")
    assert isinstance(info.value.__cause__, WireError)
    assert len(server.requests) == 1


def test_problem_body_is_kept_verbatim(flavour: Flavour, server: ScriptedServer) -> None:
    problem = {"title": "Partial delete", "status": 409, "deleted_example_ids": ["e1"]}
    error = _get_error(flavour, server, Reply(409, body=json.dumps(problem)))
    assert error.body == problem
    assert error.extra == {"deleted_example_ids": ["e1"]}


def test_a_query_too_long_to_send_is_a_typed_error_and_nothing_is_sent(
    flavour: Flavour, server: ScriptedServer
) -> None:
    client = flavour.client(base_url=server.url)
    with pytest.raises(InvalidRequestError) as info:
        flavour.call(list_datasets, client=client, space_id="s1", name="日本" * 12_000)
    assert isinstance(info.value, ValueError)
    assert "'query' too long" in str(info.value)
    assert "pass shorter or fewer query values" in str(info.value)
    assert API_KEY not in str(info.value)
    assert server.requests == []
