"""One deadline per attempt: it bounds the whole attempt, not each socket operation."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from arize_api._wires import WireConnectError, WireError, WireTimeout
from tests.support import refused_port
from tests.support.raw import RawServer, drip, read_head, read_request, response
from tests.wires.conftest import ALL_WIRES, Caller, request

pytestmark = pytest.mark.timeout(30)


def _timed(call: Callable[[], object]) -> tuple[BaseException, float]:
    started = time.monotonic()
    with pytest.raises(WireError) as caught:
        call()
    return caught.value, time.monotonic() - started


@pytest.mark.parametrize("kind", ALL_WIRES)
def test_a_dripped_body_fails_within_twice_the_deadline(
    kind: str, make_wire: Callable[..., Caller]
) -> None:
    with RawServer(drip(b"x" * 40, every=0.3)) as server:
        wire = make_wire(kind)
        error, took = _timed(lambda: wire.send(f"{server.url}/drip", timeout=0.5))
        assert isinstance(error, WireTimeout), repr(error)
        assert error.sent is True
        assert took < 1.0


def _drip_head(conn: socket.socket) -> None:
    read_request(conn)
    for byte in response(200, b"{}"):
        time.sleep(0.1)
        conn.sendall(bytes([byte]))


@pytest.mark.parametrize("kind", ["urllib3", "aiohttp", "async_httpx"])
def test_a_dripped_header_block_fails_within_twice_the_deadline(
    kind: str, make_wire: Callable[..., Caller]
) -> None:
    with RawServer(_drip_head) as server:
        wire = make_wire(kind)
        error, took = _timed(lambda: wire.send(f"{server.url}/drip", timeout=0.5))
        assert isinstance(error, WireTimeout), repr(error)
        assert took < 1.0


@pytest.mark.parametrize("kind", ALL_WIRES)
def test_a_server_that_never_reads_a_big_body_fails_by_the_deadline(
    kind: str, make_wire: Callable[..., Caller]
) -> None:
    server = RawServer(lambda conn: server.hold())  # accepts, never reads
    with server:
        wire = make_wire(kind)
        body = b"x" * (64 * 1024 * 1024)
        error, took = _timed(
            lambda: wire.send(f"{server.url}/up", method="POST", body=body, timeout=1.0)
        )
        assert isinstance(error, WireTimeout), repr(error)
        assert error.sent is True
        assert took < 3.0


@pytest.mark.parametrize("kind", ALL_WIRES)
def test_a_refused_connection_was_not_sent(kind: str, make_wire: Callable[..., Caller]) -> None:
    with refused_port() as port:
        with pytest.raises(WireConnectError) as caught:
            make_wire(kind).send(f"http://127.0.0.1:{port}/x", timeout=5)
        assert caught.value.sent is False


@pytest.fixture
def black_hole() -> Iterator[int]:
    """A listening socket whose accept queue is full and never drained: a further SYN is
    dropped, so connecting hangs until the client gives up."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(8):
        filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.settimeout(0.3)
    try:
        probe.connect(("127.0.0.1", port))
        blocked = False
    except (TimeoutError, OSError):
        blocked = True
    finally:
        probe.close()
    try:
        if not blocked:
            pytest.skip("this kernel accepts connections past a full backlog")
        yield port
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


@pytest.mark.parametrize("kind", ALL_WIRES)
def test_a_connect_that_hangs_times_out_as_not_sent(
    kind: str, make_wire: Callable[..., Caller], black_hole: int
) -> None:
    wire = make_wire(kind)
    error, took = _timed(lambda: wire.send(f"http://127.0.0.1:{black_hole}/x", timeout=0.5))
    assert isinstance(error, WireTimeout), repr(error)
    assert error.sent is False
    assert took < 1.5


@pytest.mark.parametrize("kind", ALL_WIRES)
def test_waiting_for_a_pooled_connection_times_out_as_not_sent(
    kind: str, make_wire: Callable[..., Caller]
) -> None:
    release = threading.Event()

    def slow(conn: socket.socket) -> None:
        read_head(conn)
        release.wait(10)
        conn.sendall(response(200, b"{}"))

    with RawServer(slow) as server:
        wire = make_wire(kind, max_connections=1)
        if kind in ("httpx", "async_httpx"):
            pytest.skip("the user's client has its own limits")
        first = threading.Thread(target=lambda: wire.send(f"{server.url}/hold", timeout=10))
        first.start()
        try:
            assert _wait_connections(server, 1)
            error, took = _timed(lambda: wire.send(f"{server.url}/queued", timeout=0.5))
            assert isinstance(error, WireTimeout), repr(error)
            assert error.sent is False
            assert took < 1.5
            assert server.connections == 1
        finally:
            release.set()
            first.join(timeout=10)


def _wait_connections(server: RawServer, count: int) -> bool:
    from tests.support import wait_until

    return wait_until(lambda: server.connections >= count)


@pytest.mark.parametrize("kind", ALL_WIRES)
def test_a_deadline_already_past_sends_nothing(kind: str, make_wire: Callable[..., Caller]) -> None:
    with RawServer(lambda conn: None) as server:
        wire = make_wire(kind)
        past = request(f"{server.url}/x")
        past.deadline = time.monotonic() - 1
        with pytest.raises(WireTimeout) as caught:
            wire.send_request(past)
        assert caught.value.sent is False
        assert server.connections == 0
