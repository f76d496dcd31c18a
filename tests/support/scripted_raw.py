"""`ScriptedRawServer`: raw TCP, one request per connection, answered with exactly the bytes
it is scripted to send, for faults an HTTP server library will not produce: closing
mid-headers, a body shorter than its Content-Length, a malformed status line, a reset.
"""

from __future__ import annotations

import json
import socket
import struct
from dataclasses import dataclass
from typing import Any, Literal

from tests.support.raw import RawServer, read_request


@dataclass(frozen=True)
class RawRequest:
    method: str
    target: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    connection: int

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]


@dataclass(frozen=True)
class RawReply:
    """Bytes to send after reading the request (after `delay`), then what to do with the socket.

    `then`: "close" (FIN), "reset" (RST) or "hang" (keep the socket open, say nothing more,
    until the server stops).
    """

    data: bytes = b""
    delay: float = 0.0
    then: Literal["close", "reset", "hang"] = "close"

    @classmethod
    def response(
        cls,
        status: int = 200,
        body: bytes | str | Any = b"",
        *,
        reason: str = "OK",
        headers: dict[str, str] | None = None,
        content_length: int | None = None,
        then: Literal["close", "reset", "hang"] = "close",
        delay: float = 0.0,
    ) -> RawReply:
        """A well-formed HTTP/1.1 answer (Connection: close), or one with a lying length."""
        if isinstance(body, str):
            raw = body.encode()
        elif isinstance(body, bytes):
            raw = body
        else:
            raw = json.dumps(body).encode()
        hdrs = {"Content-Type": "application/json", "Connection": "close", **(headers or {})}
        hdrs["Content-Length"] = str(len(raw) if content_length is None else content_length)
        head = f"HTTP/1.1 {status} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in hdrs.items())
        return cls(head.encode() + b"\r\n" + raw, delay=delay, then=then)


class ScriptedRawServer(RawServer):
    """One request per connection, answered from a per-path script; see the module docstring.

    A `RawServer` whose handler reads the request and sends the next scripted reply.
    `script(path, *replies)`: replies consumed one per request to `path` (query ignored), the
    last repeating. Anything unscripted gets a 404.
    """

    def __init__(self) -> None:
        self._scripts: dict[str, list[RawReply]] = {}
        self._served: dict[str, int] = {}
        self.requests: list[RawRequest] = []
        super().__init__()

    def script(self, path: str, *replies: RawReply) -> None:
        with self._lock:
            self._scripts[path] = list(replies)
            self._served[path] = 0

    def requests_to(self, path: str) -> list[RawRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def _next_reply(self, path: str) -> RawReply:
        with self._lock:
            replies = self._scripts.get(path)
            if not replies:
                return RawReply.response(404, {"title": "Not Found", "status": 404})
            index = min(self._served[path], len(replies) - 1)
            self._served[path] += 1
            return replies[index]

    def _handle(self, conn: socket.socket, number: int) -> None:
        request = _parse_request(read_request(conn), number)
        if request is None:
            return
        with self._lock:
            self.requests.append(request)
        reply = self._next_reply(request.path)
        if reply.delay and self._stop.wait(reply.delay):
            return
        if reply.data:
            conn.sendall(reply.data)
        if reply.then == "hang":
            self._stop.wait()
        elif reply.then == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def _parse_request(data: bytes, number: int) -> RawRequest | None:
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return None  # the client hung up before the end of its headers
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return RawRequest(method, target, headers, body, number)
