"""`ScriptedRawServer`: raw TCP, one request per connection, answered with exactly the bytes
it is scripted to send, for faults an HTTP server library will not produce: closing
mid-headers, a body shorter than its Content-Length, a malformed status line, a reset.
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import threading
from dataclasses import dataclass
from typing import Any, Literal, Self


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


class ScriptedRawServer:
    """One request per connection, answered from a per-path script; see the module docstring.

    `script(path, *replies)`: replies consumed one per request to `path` (query ignored), the
    last repeating. Anything unscripted gets a 404.
    """

    def __init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0), backlog=128)
        self._sock.settimeout(0.05)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._scripts: dict[str, list[RawReply]] = {}
        self._served: dict[str, int] = {}
        self._conns: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self.requests: list[RawRequest] = []
        self.connections = 0
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def script(self, path: str, *replies: RawReply) -> None:
        with self._lock:
            self._scripts[path] = list(replies)
            self._served[path] = 0

    def requests_to(self, path: str) -> list[RawRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def __enter__(self) -> Self:
        self._acceptor.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._acceptor.join(timeout=5)
        self._sock.close()
        with self._lock:
            conns, threads = list(self._conns), list(self._threads)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                conn.close()
        for thread in threads:
            thread.join(timeout=5)

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            with self._lock:
                self.connections += 1
                number = self.connections
                self._conns.append(conn)
                thread = threading.Thread(target=self._serve, args=(conn, number), daemon=True)
                self._threads.append(thread)
            thread.start()

    def _next_reply(self, path: str) -> RawReply:
        with self._lock:
            replies = self._scripts.get(path)
            if not replies:
                return RawReply.response(404, {"title": "Not Found", "status": 404})
            index = min(self._served[path], len(replies) - 1)
            self._served[path] += 1
            return replies[index]

    def _serve(self, conn: socket.socket, number: int) -> None:
        try:
            conn.settimeout(10)
            request = self._read_request(conn, number)
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
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                conn.close()

    @staticmethod
    def _read_request(conn: socket.socket, number: int) -> RawRequest | None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _version = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0") or 0)
        while len(rest) < length:
            chunk = conn.recv(65536)
            if not chunk:
                break
            rest += chunk
        return RawRequest(method, target, headers, rest[:length], number)
