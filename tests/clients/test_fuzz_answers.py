"""Whatever bytes a server answers with, a call ends in a parsed result or an ``ArizeError``.

A loopback server sends hypothesis-generated status lines, headers and bodies (valid ones,
near misses and garbage); both clients call ``datasets.get`` against it. Bounded: a fixed
number of examples, small bodies, a short timeout, no retries.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arize_api import ArizeClient, ArizeError, AsyncArizeClient
from arize_api.models import Dataset
from tests.support.payloads import dataset_json
from tests.support.raw import RawServer, read_head

pytestmark = pytest.mark.timeout(240)
KEY = "fuzz-key-7Gq2Lw9Xc4Vb"
EXAMPLES = 60

_STATUS_LINES = st.one_of(
    st.builds(lambda code: f"HTTP/1.1 {code} X", st.integers(100, 599)),
    st.sampled_from(["HTTP/1.1 200 OK", "HTTP/1.0 200 OK", "HTTP/1.1 204 No Content"]),
    st.sampled_from(["HTTP/1.1 2OO OK", "HTTP/2 200", "ICY 200 OK", "HTTP/1.1", ""]),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30),
)
_HEADER_NAMES = st.sampled_from(
    ["Content-Type", "Content-Encoding", "Transfer-Encoding", "Content-Length", "X-Request-Id",
     "Retry-After", "Location", "X-Any", "Bad Name", ""]
)  # fmt: skip
_HEADER_VALUES = st.one_of(
    st.sampled_from(["application/json", "gzip", "deflate", "chunked", "br", "0", "5", "-1"]),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=10,
)
_BODIES = st.one_of(
    st.just(json.dumps(dataset_json("d1")).encode()),
    st.builds(lambda value: json.dumps(value).encode(), _JSON),
    st.binary(max_size=300),
)


@st.composite
def answers(draw: st.DrawFn) -> bytes:
    status = draw(_STATUS_LINES)
    headers = draw(st.lists(st.tuples(_HEADER_NAMES, _HEADER_VALUES), max_size=5))
    body = draw(_BODIES)
    if draw(st.booleans()):  # mostly well framed, sometimes not at all
        headers.append(("Content-Length", str(len(body))))
    head = "\r\n".join([status, *(f"{n}: {v}" for n, v in headers)])
    return head.encode("latin-1", errors="replace") + b"\r\n\r\n" + body


class _Answers:
    """A server that answers each request with the answer the test set last."""

    def __init__(self) -> None:
        self.payload = b""
        self.lock = threading.Lock()
        self.server = RawServer(self._handle)

    def _handle(self, conn: socket.socket) -> None:
        if read_head(conn):
            with self.lock:
                conn.sendall(self.payload)
            conn.shutdown(socket.SHUT_WR)


@pytest.fixture(scope="module")
def answering() -> Any:
    answers_server = _Answers()
    with answers_server.server:
        yield answers_server


def _outcome(flavour: str, url: str) -> object:
    options: dict[str, Any] = {"base_url": url, "max_retries": 0, "timeout": 2}
    if flavour == "sync":
        with ArizeClient(KEY, **options) as client:
            return client.datasets.get("d1")

    async def main() -> object:
        async with AsyncArizeClient(KEY, **options) as client:
            return await client.datasets.get("d1")

    return asyncio.run(main())


@pytest.mark.parametrize("flavour", ["sync", "async"])
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(payload=answers())
def test_every_answer_is_a_result_or_an_arize_error(
    answering: _Answers, flavour: str, payload: bytes
) -> None:
    with answering.lock:
        answering.payload = payload
    try:
        result = _outcome(flavour, answering.server.url)
    except ArizeError as error:
        assert KEY not in str(error) and KEY not in repr(error.__cause__)
    else:
        assert isinstance(result, Dataset)
