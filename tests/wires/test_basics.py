"""The contract every wire keeps, over a real loopback server."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

import pytest

from arize_api._wires import WireProtocolError
from tests.support import EchoServer
from tests.support.raw import RawServer, read_request, response
from tests.wires.conftest import ALL_WIRES, Caller

pytestmark = pytest.mark.timeout(30)


@pytest.mark.parametrize("kind", ALL_WIRES)
def test_get_and_post_answer_with_lowercased_joined_headers(
    kind: str, make_wire: Callable[..., Caller]
) -> None:
    with EchoServer() as server:
        wire = make_wire(kind)
        answer = wire.send(f"{server.url}/v2/things?a=1", headers={"X-Id": "7"})
        assert answer.status == 200
        assert answer.headers["x-repeated"] == "a, b"
        assert answer.headers["content-type"] == "application/json"
        echoed = json.loads(answer.body)
        assert (echoed["path"], echoed["query"], echoed["headers"]["x-id"]) == (
            "/v2/things",
            {"a": "1"},
            "7",
        )
        assert answer.elapsed > 0
        posted = wire.send(f"{server.url}/p", method="POST", body=b"x" * 1000)
        assert json.loads(posted.body)["body_len"] == 1000


@pytest.mark.parametrize("kind", ["urllib3", "aiohttp"])
def test_the_default_wires_add_only_host_and_content_length(
    kind: str, make_wire: Callable[..., Caller]
) -> None:
    with EchoServer() as server:
        wire = make_wire(kind)
        wire.send(f"{server.url}/a", headers={"X-Mine": "1"})
        wire.send(f"{server.url}/b", method="POST", headers={"X-Mine": "1"}, body=b"{}")
        get, post = server.seen
        assert set(get.headers) == {"host", "x-mine"}
        assert set(post.headers) == {"host", "x-mine", "content-length"}


@pytest.mark.parametrize("kind", ALL_WIRES)
def test_connections_are_kept_alive_between_calls(
    kind: str, make_wire: Callable[..., Caller]
) -> None:
    with EchoServer() as server:
        wire = make_wire(kind)
        for _ in range(3):
            wire.send(f"{server.url}/x")
        assert len({seen.connection for seen in server.seen}) == 1


@pytest.mark.parametrize("kind", ALL_WIRES)
def test_a_body_whose_end_cannot_be_known_is_refused(
    kind: str, make_wire: Callable[..., Caller]
) -> None:
    def no_length(conn):  # type: ignore[no-untyped-def]
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello")

    def bad_length(conn):  # type: ignore[no-untyped-def]
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5x\r\n\r\nhello")

    for handler in (no_length, bad_length):
        with RawServer(handler) as server:
            with pytest.raises(WireProtocolError) as caught:
                make_wire(kind).send(f"{server.url}/x")
            assert caught.value.sent is True


@pytest.mark.parametrize("kind", ALL_WIRES)
def test_a_204_and_a_head_need_no_framing(kind: str, make_wire: Callable[..., Caller]) -> None:
    def no_content(conn):  # type: ignore[no-untyped-def]
        read_request(conn)
        conn.sendall(b"HTTP/1.1 204 No Content\r\n\r\n")

    with RawServer(no_content) as server:
        answer = make_wire(kind).send(f"{server.url}/x", method="DELETE")
        assert (answer.status, answer.body) == (204, b"")


@pytest.mark.parametrize("kind", ["urllib3", "httpx"])
def test_a_sync_wire_serves_many_threads_at_once(
    kind: str, make_wire: Callable[..., Caller]
) -> None:
    with EchoServer() as server:
        wire = make_wire(kind, max_connections=8)
        failures: list[BaseException] = []
        answers: list[str] = []
        lock = threading.Lock()

        def worker(n: int) -> None:
            try:
                for i in range(10):
                    answer = wire.send(f"{server.url}/t?who={n}-{i}")
                    with lock:
                        answers.append(json.loads(answer.body)["query"]["who"])
            except BaseException as exc:  # pragma: no cover - reported below
                failures.append(exc)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)
        assert not failures
        assert sorted(answers) == sorted(f"{n}-{i}" for n in range(16) for i in range(10))


def test_raw_response_helper_is_well_formed() -> None:
    assert response(201, b"ok", {"X": "1"}).startswith(b"HTTP/1.1 201 X\r\nContent-Length: 2")
