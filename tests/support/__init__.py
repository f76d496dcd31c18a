"""Shared test support: loopback servers (echo, raw scripted, forward proxy, TLS) and helpers.

Every server binds 127.0.0.1 port 0 (a port free at run time) before its thread starts, so it
is ready when its constructor or ``with`` returns; nothing sleeps to wait for a server.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

__all__ = ["EchoServer", "Seen", "free_port", "refused_port", "wait_until"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def refused_port() -> Iterator[int]:
    """A port bound (so nothing else takes it) but not listening: connecting is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0, step: float = 0.005) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


@dataclass
class Seen:
    """One request as the echo server received it."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    connection: int


class _EchoHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _EchoHTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {key.lower(): value for key, value in self.headers.items()}
        seen = Seen(self.command, self.path, headers, body, id(self.connection))
        with self.server.lock:
            self.server.seen.append(seen)
        parts = urlsplit(self.path)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        if parts.path.startswith("/status/"):
            status = int(parts.path.rsplit("/", 1)[1])
            self.send_response(status)
            self.send_header("Location", query.get("to", "/echo"))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        payload = json.dumps(
            {
                "method": self.command,
                "path": parts.path,
                "query": query,
                "headers": headers,
                "body_len": len(body),
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("X-Repeated", "a")
        self.send_header("X-Repeated", "b")
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _answer


class _EchoHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _EchoHandler)
        self.lock = threading.Lock()
        self.seen: list[Seen] = []

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up, a failed TLS handshake: the tests look at the client


class EchoServer:
    """HTTP/1.1 keep-alive server: ``/anything`` answers JSON describing the request
    (method, path, query, lower-cased headers, body length); ``/status/<n>?to=<url>`` answers
    ``n`` with that ``Location``. Every request is recorded in ``seen``."""

    scheme = "http"

    def __init__(self) -> None:
        self._server = self._make()
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def _make(self) -> _EchoHTTPServer:
        return _EchoHTTPServer()

    @property
    def port(self) -> int:
        port: int = self._server.server_address[1]
        return port

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    @property
    def seen(self) -> list[Seen]:
        with self._server.lock:
            return list(self._server.seen)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
