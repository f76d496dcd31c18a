"""Bounded, decoded bodies: a gzip bomb stops at the cap with bounded memory; an oversize
plain body stops at the cap; a body that does not decode is a WireDecodeError."""

from __future__ import annotations

import gzip
import socket
import tracemalloc
import zlib
from collections.abc import Callable

import pytest

from arize_api._wires import DEFAULT_MAX_RESPONSE_BYTES, WireBodyTooLarge, WireDecodeError
from tests.support.raw import RawServer, gzip_bomb, read_request, response
from tests.wires.conftest import ALL_WIRES, Caller

pytestmark = pytest.mark.timeout(30)
GZIP = {"Content-Encoding": "gzip", "Content-Type": "application/json"}


def _serve(body: bytes, headers: dict[str, str] | None = None) -> Callable[[socket.socket], None]:
    def handler(conn: socket.socket) -> None:
        while read_request(conn).strip():
            conn.sendall(response(200, body, headers))

    return handler


@pytest.mark.parametrize("kind", ALL_WIRES)
def test_a_gzip_bomb_stops_at_the_default_cap_with_bounded_memory(
    kind: str, make_wire: Callable[..., Caller]
) -> None:
    bomb = gzip_bomb(1 << 30)  # 1 GiB of zeros, about 1 MB on the wire
    assert len(bomb) < 2 * 1024 * 1024
    with RawServer(_serve(bomb, GZIP)) as server:
        wire = make_wire(kind)
        tracemalloc.start()
        try:
            with pytest.raises(WireBodyTooLarge) as caught:
                wire.send(f"{server.url}/bomb", headers={"Accept-Encoding": "gzip"}, timeout=20)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert caught.value.limit == DEFAULT_MAX_RESPONSE_BYTES
    assert peak < 300 * 1024 * 1024, f"peak {peak / 2**20:.0f} MiB"


@pytest.mark.parametrize("kind", ALL_WIRES)
def test_a_plain_body_over_the_cap(kind: str, make_wire: Callable[..., Caller]) -> None:
    with RawServer(_serve(b"y" * 5000)) as server:
        wire = make_wire(kind, max_response_bytes=1000)
        with pytest.raises(WireBodyTooLarge) as caught:
            wire.send(f"{server.url}/big")
        assert caught.value.limit == 1000
        assert "1,000" in str(caught.value)


@pytest.mark.parametrize("kind", ALL_WIRES)
def test_a_chunked_body_over_the_cap(kind: str, make_wire: Callable[..., Caller]) -> None:
    def chunked(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in range(10):
            conn.sendall(b"400\r\n" + b"z" * 0x400 + b"\r\n")
        conn.sendall(b"0\r\n\r\n")

    with RawServer(chunked) as server, pytest.raises(WireBodyTooLarge):
        make_wire(kind, max_response_bytes=4096).send(f"{server.url}/c")


@pytest.mark.parametrize("kind", ALL_WIRES)
def test_a_body_at_the_cap_is_fine(kind: str, make_wire: Callable[..., Caller]) -> None:
    body = gzip.compress(b"q" * 1000)
    with RawServer(_serve(body, GZIP)) as server:
        wire = make_wire(kind, max_response_bytes=1000)
        assert wire.send(f"{server.url}/ok").body == b"q" * 1000


@pytest.mark.parametrize("kind", ALL_WIRES)
def test_hello_labelled_gzip_is_a_decode_error(kind: str, make_wire: Callable[..., Caller]) -> None:
    with RawServer(_serve(b"hello", GZIP)) as server:
        with pytest.raises(WireDecodeError) as caught:
            make_wire(kind).send(f"{server.url}/liar")
        assert caught.value.sent is True


@pytest.mark.parametrize("kind", ALL_WIRES)
@pytest.mark.parametrize("encoding", ["gzip", "deflate", "deflate-raw"])
def test_compressed_bodies_are_decoded(
    kind: str, encoding: str, make_wire: Callable[..., Caller]
) -> None:
    payload = b'{"items": [' + b"1, " * 5000 + b"1]}"
    if encoding == "gzip":
        body = gzip.compress(payload)
    elif encoding == "deflate":
        body = zlib.compress(payload)
    else:
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        body = compressor.compress(payload) + compressor.flush()
    label = encoding.removesuffix("-raw")
    with RawServer(_serve(body, {"Content-Encoding": label})) as server:
        answer = make_wire(kind).send(f"{server.url}/z", headers={"Accept-Encoding": label})
        assert answer.body == payload
