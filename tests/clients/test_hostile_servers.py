"""The clients against hostile servers and hostile input: one test per row of issue 16's table.

Every server here is a real loopback socket (`tests/support/raw.py` for exact bytes, the
scripted server for JSON); both clients where the case applies. Figures each test exercises
are listed in tests/README.md.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import threading
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest

from arize_api import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    ArizeClient,
    ArizeError,
    AsyncArizeClient,
    ConfigurationError,
    PaginationError,
    ResponseTooLargeError,
)
from arize_api.v1 import record
from tests.support.payloads import dataset_json
from tests.support.raw import RawServer, drip, gzip_bomb, read_head, read_request, response

pytestmark = pytest.mark.timeout(60)
FLAVOURS = ("sync", "async")
KEY = "hostile-key-Zq8W3xLp0N4vB7tR"
SPACE_KEY = "hostile-space-key-Hn5Jm2Kc9"
DATASET = json.dumps(dataset_json("d1")).encode()


def call(flavour: str, base_url: str, run: Callable[[Any], Any], **options: Any) -> Any:
    """``run(client)`` with a fresh client of ``flavour`` (awaited for async); its result."""
    options.setdefault("max_retries", 0)
    if flavour == "sync":
        with ArizeClient(KEY, base_url=base_url, **options) as client:
            return run(client)

    async def main() -> Any:
        async with AsyncArizeClient(KEY, base_url=base_url, **options) as client:
            result = run(client)
            return await result if asyncio.iscoroutine(result) else result

    return asyncio.run(main())


def get_dataset(client: Any) -> Any:
    return client.datasets.get("d1")


def answer(payload: bytes) -> Callable[[socket.socket], None]:
    def handler(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(payload)

    return handler


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_dripping_server_times_out_within_twice_the_timeout(flavour: str) -> None:
    """Row 1: one byte every 0.3 s with timeout=0.5: the deadline covers the whole attempt."""
    with RawServer(drip(response(200, DATASET), every=0.3)) as server:
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            call(flavour, server.url, get_dataset, timeout=0.5)
        assert time.monotonic() - started < 1.0


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_server_that_never_reads_a_big_body_fails_within_seconds(flavour: str) -> None:
    """Row 2: 64 MB POST to a server that never reads, timeout=1."""

    def never_read(conn: socket.socket) -> None:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        server.hold()

    with RawServer(never_read) as server:
        started = time.monotonic()
        with pytest.raises(APIConnectionError):
            call(
                flavour,
                server.url,
                lambda c: c.datasets.update(
                    "d1", body=_update(), extra_body={"x": "y" * 64_000_000}
                ),
                timeout=1,
            )
        assert time.monotonic() - started < 4.0


def _update() -> Any:
    from arize_api.models import UpdateDatasetRequest

    return UpdateDatasetRequest(name="n")


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_gzip_bomb_stops_at_the_cap_with_bounded_memory(flavour: str) -> None:
    """Row 3: a 1 MB gzip reply expanding to 1 GB: capped, memory growth under 300 MB."""
    bomb = gzip_bomb()
    payload = response(200, bomb, {"Content-Encoding": "gzip", "Content-Type": "application/json"})
    with RawServer(answer(payload)) as server:
        tracemalloc.start()
        try:
            with pytest.raises(ResponseTooLargeError) as raised:
                call(flavour, server.url, get_dataset)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < 300 * 2**20
        assert raised.value.limit == 64 * 2**20
        assert "max_response_bytes" in str(raised.value)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_plain_oversize_body_is_refused_at_a_configured_cap(flavour: str) -> None:
    with (
        RawServer(answer(response(200, b"x" * 3_000_000))) as server,
        pytest.raises(ResponseTooLargeError),
    ):
        call(flavour, server.url, get_dataset, max_response_bytes=1_000_000)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_body_that_does_not_decode_is_an_arize_error(flavour: str) -> None:
    """Row 4: `hello` labelled gzip."""
    payload = response(200, b"hello", {"Content-Encoding": "gzip"})
    with (
        RawServer(answer(payload)) as server,
        pytest.raises(APIResponseValidationError, match="does not decode"),
    ):
        call(flavour, server.url, get_dataset)


def _pages(answer_for: Callable[[int], dict[str, Any]]) -> tuple[RawServer, list[int]]:
    served: list[int] = []

    def handler(conn: socket.socket) -> None:
        while read_head(conn):
            served.append(len(served))
            conn.sendall(response(200, json.dumps(answer_for(len(served))).encode()))

    return RawServer(handler), served


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_walk_of_empty_pages_ends_within_the_bound(flavour: str) -> None:
    """Row 5: every page empty with has_more true and a fresh cursor; max_items=5."""
    server, served = _pages(
        lambda n: {"datasets": [], "pagination": {"has_more": True, "next_cursor": f"c{n}"}}
    )
    with server:

        def walk(client: Any) -> Any:
            pages = client.datasets.list(space_id="s", max_items=5)
            if flavour == "sync":
                return list(pages)

            async def collect() -> list[Any]:
                return [item async for item in pages]

            return collect()

        with pytest.raises(PaginationError, match="pages in a row without items"):
            call(flavour, server.url, walk)
        assert len(served) == 20


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_has_more_of_the_wrong_type_never_walks_for_ever(flavour: str) -> None:
    """Row 6: `has_more: "false"` (a string) is refused, not taken as true."""
    server, served = _pages(
        lambda n: {"datasets": [], "pagination": {"has_more": "false", "next_cursor": f"c{n}"}}
    )
    with server:

        def walk(client: Any) -> Any:
            pages = client.datasets.list(space_id="s")
            if flavour == "sync":
                return list(pages)

            async def collect() -> list[Any]:
                return [item async for item in pages]

            return collect()

        with pytest.raises((PaginationError, APIResponseValidationError), match="has_more"):
            call(flavour, server.url, walk)
        assert len(served) == 1


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_member_of_the_wrong_primitive_kind_is_a_validation_error(flavour: str) -> None:
    """Row 7: a 200 `Dataset` with `{"id": 123, "name": ["a"]}` is refused, naming the member."""
    body = json.dumps({**dataset_json("d1"), "id": 123, "name": ["a"]}).encode()
    payload = response(200, body, {"Content-Type": "application/json"})
    with RawServer(answer(payload)) as server, pytest.raises(APIResponseValidationError) as raised:
        call(flavour, server.url, get_dataset)
    assert "Dataset." in str(raised.value) and "expected" in str(raised.value)


@pytest.mark.parametrize("flavour", ["async"])
@pytest.mark.parametrize(
    "payload",
    [
        b"HTTP/1.1 2OO OK\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nBad Header Line\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 9000 + b"\r\nContent-Length: 0\r\n\r\n",
    ],
    ids=["status-line", "bad-header", "huge-header"],
)
def test_a_broken_answer_never_shows_the_key_anywhere_in_the_chain(
    flavour: str, payload: bytes
) -> None:
    """Row 8: the whole exception chain, reprs included, is free of the key."""
    with RawServer(answer(payload)) as server, pytest.raises(ArizeError) as raised:
        call(flavour, server.url, get_dataset)
    assert KEY not in _chain_text(raised.value)


def _chain_text(error: BaseException) -> str:
    texts = []
    seen: set[int] = set()
    todo: list[BaseException | None] = [error]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        texts += [str(current), repr(current), repr(current.args), repr(vars(current))]
        todo += [current.__cause__, current.__context__]
    return "\n".join(texts)


@pytest.mark.parametrize("client_class", [ArizeClient, AsyncArizeClient])
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("space_key", SPACE_KEY + "\n"),
        ("api_key", "abc\x00def-0123456789"),
        ("api_key", "clé-0123456789abcdef"),
        ("space_id", "space\r\nX-Injected: 1"),
    ],
)
def test_header_values_that_http_cannot_carry_are_refused_without_echo(
    client_class: Any, field: str, value: str
) -> None:
    """Rows 9 and 12: CR, LF, NUL or non-ASCII in a key or header is a ConfigurationError."""
    kwargs: dict[str, Any] = {"api_key": KEY, "base_url": "http://127.0.0.1:9", field: value}
    with pytest.raises(ConfigurationError) as raised:
        client_class(**kwargs)
    assert value.strip() not in _chain_text(raised.value)


@pytest.mark.parametrize("client_class", [ArizeClient, AsyncArizeClient])
def test_default_headers_that_http_cannot_carry_are_refused(client_class: Any) -> None:
    with pytest.raises(ConfigurationError, match="default_headers"):
        client_class(KEY, base_url="http://127.0.0.1:9", default_headers={"X-A": "a\nb"})


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_v1_error_shows_no_space_key_in_the_request_headers(flavour: str) -> None:
    """Row 11: `repr(err.response.request.headers)` masks the space key (and the key)."""
    with (
        RawServer(answer(response(400, b"rejected"))) as server,
        pytest.raises(APIStatusError) as raised,
    ):
        call(
            flavour,
            server.url,
            lambda c: c.log(record("m", prediction_label=1.0)),
            space_id="s",
            space_key=SPACE_KEY,
        )
    headers = repr(raised.value.response.request.headers)
    assert SPACE_KEY not in headers and KEY not in headers and "****" in headers
    assert SPACE_KEY not in _chain_text(raised.value)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_huge_problem_and_control_characters_stay_out_of_the_message(flavour: str) -> None:
    """Row 13: a 5 MB `detail`; newlines and ANSI escapes in `title`."""
    problem = {"title": "Bad\nline\x1b[31m red", "detail": "d" * 5_000_000, "status": 400}
    payload = response(
        400, json.dumps(problem).encode(), {"Content-Type": "application/problem+json"}
    )
    with RawServer(answer(payload)) as server, pytest.raises(APIStatusError) as raised:
        call(flavour, server.url, get_dataset)
    text = str(raised.value)
    assert len(text) < 2_000
    assert "\n" not in text and "\x1b" not in text and "\\x1b" in text
    assert raised.value.detail is not None and len(raised.value.detail) == 5_000_000


def test_one_async_client_from_two_event_loops_at_once_works_on_each() -> None:
    """Row 14: two loops in two threads share one AsyncArizeClient."""
    payload = response(200, DATASET, {"Content-Type": "application/json"})

    def handler(conn: socket.socket) -> None:
        while read_head(conn):
            conn.sendall(payload)

    with RawServer(handler) as server:
        client = AsyncArizeClient(KEY, base_url=server.url, max_retries=0)
        outcomes: list[object] = []

        def worker() -> None:
            async def many() -> None:
                for _ in range(100):
                    outcomes.append((await client.datasets.get("d1")).id)

            try:
                asyncio.run(many())
            except BaseException as error:  # recorded, the assertion below names it
                outcomes.append(error)

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        asyncio.run(client.aclose())
    assert outcomes.count("d1") == 200, [o for o in outcomes if o != "d1"][:3]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_after_fork_the_child_gets_its_own_connections() -> None:
    """Row 15: a warmed sync client, then fork: each process gets its own answer."""

    def handler(conn: socket.socket) -> None:
        while head := read_head(conn):
            target = head.split(b" ", 2)[1].decode()
            dataset_id = target.rsplit("/", 1)[-1]
            time.sleep(0.05)
            conn.sendall(response(200, json.dumps(dataset_json(dataset_id)).encode()))

    with RawServer(handler) as server:
        client = ArizeClient(KEY, base_url=server.url, max_retries=0, timeout=5)
        assert client.datasets.get("warm").id == "warm"
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: report its answer through the pipe, then leave at once
            try:
                got = client.datasets.get("child").id
            except BaseException as error:
                got = f"error {type(error).__name__}"
            os.write(write_end, got.encode())
            os._exit(0)
        os.close(write_end)
        assert client.datasets.get("parent").id == "parent"
        os.waitpid(pid, 0)
        with os.fdopen(read_end, "rb") as pipe:
            assert pipe.read().decode() == "child"
        client.close()
