"""The bench server's own ceiling: a raw-socket load generator that costs next to nothing.

Each of ``connections`` keep-alive sockets sends one prebuilt request, reads the answer (by its
``Content-Length``), sends the next, for ``seconds``. No HTTP library, no JSON decoding: the
requests per second it reaches bound what the server can do on this machine while a client
shares the other core, and the server's CPU per request shows how little of the budget the
server takes in the real scenarios.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any, cast

from . import bodies
from .server import BenchServer


def _request(method: str, path: str, body: bytes = b"") -> bytes:
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {bodies.API_KEY}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


ROUTES: dict[str, bytes] = {
    "GET /v2/datasets/{id}": _request("GET", f"/v2/datasets/{bodies.GET_DATASET_ID}"),
    "GET /v2/datasets/{id}/examples (500 items)": _request(
        "GET", f"/v2/datasets/{bodies.dataset_id(100_000)}/examples?limit={bodies.PAGE_SIZE}"
    ),
    "POST /v1/log": _request("POST", "/v1/log", json.dumps(bodies.record_wire(0)).encode()),
}


class _Conn(asyncio.Protocol):
    def __init__(self, request: bytes, state: dict[str, Any]) -> None:
        self.request = request
        self.state = state
        self.head = b""
        self.body_left = 0  # bytes of the current answer's body still to come
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's are not subclasses
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        while data:
            if self.body_left:  # skip body bytes without copying or scanning them
                taken = min(self.body_left, len(data))
                self.body_left -= taken
                data = data[taken:]
                if not self.body_left:
                    self._answered()
                continue
            head = self.head + data
            end = head.find(b"\r\n\r\n")
            if end < 0:
                self.head = head
                return
            at = head.find(b"Content-Length: ", 0, end)
            self.body_left = int(head[at + 16 : head.find(b"\r\n", at)])
            self.head, data = b"", head[end + 4 :]
            if not self.body_left:
                self._answered()

    def _answered(self) -> None:
        self.state["done"] += 1
        if self.state["running"] and self.transport is not None:
            self.transport.write(self.request)


async def _hammer(port: int, request: bytes, connections: int, seconds: float) -> int:
    loop = asyncio.get_running_loop()
    state: dict[str, Any] = {"done": 0, "running": True}
    transports = []
    for _ in range(connections):
        transport, _protocol = await loop.create_connection(
            lambda: _Conn(request, state), "127.0.0.1", port
        )
        transports.append(transport)
    await asyncio.sleep(seconds)
    state["running"] = False
    done = state["done"]
    for transport in transports:
        transport.close()
    return int(done)


def _new_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def ceiling(
    server: BenchServer, *, connections: int = 64, seconds: float = 1.5
) -> list[dict[str, Any]]:
    """Requests per second and server CPU per request for each route, at full load."""
    results = []
    loop = _new_loop()
    try:
        for route, request in ROUTES.items():
            loop.run_until_complete(_hammer(server.port, request, connections, 0.2))  # warm
            cpu0, wall0 = server.cpu_seconds(), time.perf_counter()
            done = loop.run_until_complete(_hammer(server.port, request, connections, seconds))
            wall, cpu = time.perf_counter() - wall0, server.cpu_seconds() - cpu0
            results.append(
                {
                    "route": route,
                    "requests_per_s": done / wall,
                    "server_cpu_us_per_request": cpu / done * 1e6 if done else float("nan"),
                    "server_cpu_share": cpu / wall,
                }
            )
    finally:
        loop.close()
    return results
