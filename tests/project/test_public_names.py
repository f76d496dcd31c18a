"""Public exceptions are named ``arize_api.<Name>`` (tracebacks, reprs, pickle) and pickle back.

Errors come from real calls over loopback sockets: the mock (a duplicate name is a 409), a
scripted server (a 404 with a request id, a 2xx that does not parse) and a closed port.
"""

from __future__ import annotations

import itertools
import pickle
import pickletools
import socket
import traceback
from collections.abc import Iterator

import pytest

import arize_api
import arize_api.v1
from arize_api import (
    APIConnectionError,
    APIResponseValidationError,
    ArizeClient,
    ArizeError,
    ConfigurationError,
    ConflictError,
    LogManyError,
    NotFoundError,
)
from arize_api.mock import MockServer
from arize_api.models import CreateProjectRequest
from tests.support.scripted import Reply, ScriptedServer

pytest_plugins = ["arize_api.mock.pytest_plugin"]

PUBLIC_EXCEPTIONS = [
    value
    for name in arize_api.__all__
    if isinstance(value := getattr(arize_api, name), type) and issubclass(value, BaseException)
]
KEY = "sk-public-names-0123456789"


def test_every_exported_exception_is_named_where_it_is_imported_from() -> None:
    assert len(PUBLIC_EXCEPTIONS) >= 18
    for cls in PUBLIC_EXCEPTIONS:
        assert cls.__module__ == "arize_api", cls
        assert getattr(arize_api, cls.__qualname__) is cls
        assert repr(cls) == f"<class 'arize_api.{cls.__qualname__}'>"
    # the same class through its other public home
    assert arize_api.v1.LogManyError is LogManyError


def _conflict(mock: MockServer) -> ConflictError:
    with ArizeClient(api_key=mock.api_key, base_url=mock.base_url) as client:
        body = CreateProjectRequest(name="twice", space_id=mock.space_id)
        client.projects.create(body=body)
        with pytest.raises(ConflictError) as caught:
            client.projects.create(body=body)
    return caught.value


def test_a_traceback_names_arize_api_conflict_error(arize_mock: MockServer) -> None:
    error = _conflict(arize_mock)
    text = "".join(traceback.format_exception(error))
    assert text.splitlines()[-1].startswith("arize_api.ConflictError: 409 POST /v2/projects")
    assert "_errors" not in text.splitlines()[-1]
    assert repr(error).startswith('ConflictError("409 POST /v2/projects')


def _dotted_pairs(data: bytes) -> set[str]:
    """Each two strings in a row in the pickle joined by a dot: its globals among them."""
    strings = [arg for _op, arg, _pos in pickletools.genops(data) if isinstance(arg, str)]
    return {f"{first}.{second}" for first, second in itertools.pairwise(strings)}


def _same(original: BaseException, copy: BaseException) -> None:
    assert type(copy) is type(original)
    assert str(copy) == str(original)
    assert copy.args == original.args


def test_a_conflict_error_from_the_mock_pickles_back(arize_mock: MockServer) -> None:
    error = _conflict(arize_mock)
    data = pickle.dumps(error)
    assert "arize_api.ConflictError" in _dotted_pairs(data)  # by its public name
    copy = pickle.loads(data)
    _same(error, copy)
    assert (copy.status, copy.title, copy.detail) == (error.status, error.title, error.detail)
    assert copy.response.status_code == 409
    assert copy.response.content == error.response.content
    assert copy.response.request.url == error.response.request.url
    assert isinstance(copy, arize_api.APIStatusError)


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as scripted:
        yield scripted


def test_status_and_validation_errors_pickle_back_without_the_key(server: ScriptedServer) -> None:
    server.add(
        "GET",
        "/v2/datasets/gone",
        Reply(
            404,
            json={"title": "Not Found", "detail": "no such dataset"},
            headers={"x-request-id": "req-7"},
        ),
    )
    server.add("GET", "/v2/datasets/bad", Reply(200, json={"id": "bad"}))  # members missing
    errors: list[ArizeError] = []
    with ArizeClient(api_key=KEY, base_url=server.url, max_retries=0) as client:
        with pytest.raises(NotFoundError) as not_found:
            client.datasets.get("gone")
        errors.append(not_found.value)
        with pytest.raises(APIResponseValidationError) as invalid:
            client.datasets.get("bad")
        errors.append(invalid.value)
    assert server.requests[0].header("authorization") == f"Bearer {KEY}"
    for error in errors:
        data = pickle.dumps(error)
        assert KEY.encode() not in data  # the request's Authorization header is masked
        copy = pickle.loads(data)
        _same(error, copy)
        assert copy.status == error.status
        assert copy.response.request.headers["authorization"] == "****"
    assert pickle.loads(pickle.dumps(errors[0])).request_id == "req-7"


def test_connection_configuration_and_log_many_errors_pickle_back(arize_mock: MockServer) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with (
        ArizeClient(api_key=KEY, base_url=f"http://127.0.0.1:{port}", max_retries=0) as client,
        pytest.raises(APIConnectionError) as refused,
    ):
        client.datasets.get("any")
    with pytest.raises(ConfigurationError) as misconfigured:
        ArizeClient(api_key=KEY, region="mars-1")

    def records() -> Iterator[dict[str, object]]:
        yield {"model_id": "m", "prediction_label": 0.5}
        raise RuntimeError("the cursor went away")

    with (
        ArizeClient(
            api_key=arize_mock.api_key, base_url=arize_mock.base_url, space_id=arize_mock.space_id
        ) as client,
        pytest.raises(LogManyError) as stopped,
    ):
        client.log_many(records())

    for error in (refused.value, misconfigured.value, stopped.value):
        data = pickle.dumps(error)
        assert KEY.encode() not in data
        _same(error, pickle.loads(data))
    assert f":{port}/" in pickle.loads(pickle.dumps(refused.value)).request.url
    summary = pickle.loads(pickle.dumps(stopped.value)).summary
    assert (summary.total, summary.sent) == (1, 1)
