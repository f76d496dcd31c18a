"""A loopback forward proxy that records what it saw: absolute-form HTTP requests (forwarded
to the origin, one upstream connection per request, the client connection kept alive) and
CONNECT tunnels (bytes relayed both ways). Optionally demands ``Proxy-Authorization``.

    with ForwardProxy(auth=("user", "p@ss")) as proxy:
        ... proxy.url ...; proxy.seen[0].method == "CONNECT"
"""

from __future__ import annotations

import base64
import contextlib
import selectors
import socket
import threading
from dataclasses import dataclass
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

from .raw import read_head

__all__ = ["ForwardProxy", "ProxySeen"]


@dataclass(frozen=True)
class ProxySeen:
    method: str
    target: str  # "http://127.0.0.1:1234/path" or "127.0.0.1:1234" for CONNECT
    headers: dict[str, str]


def _parse(head: bytes) -> tuple[str, str, dict[str, str], list[tuple[str, str]]]:
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    items = []
    for line in lines[1:]:
        if not line:
            continue
        name, _, value = line.partition(":")
        items.append((name.strip(), value.strip()))
    return method, target, {k.lower(): v for k, v in items}, items


def _read_message(conn: socket.socket, first: bytes) -> tuple[bytes, bytes]:
    """(head, body) of an HTTP message with a Content-Length (0 if none)."""
    data = first
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError("closed mid-head")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError("closed mid-body")
        body += chunk
    return head, body


class ForwardProxy:
    def __init__(self, auth: tuple[str, str] | None = None) -> None:
        self._expected = (
            None if auth is None else "Basic " + base64.b64encode(":".join(auth).encode()).decode()
        )
        self._sock = socket.create_server(("127.0.0.1", 0), backlog=64)
        self._sock.settimeout(0.05)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._seen: list[ProxySeen] = []
        self._conns: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        port: int = self._sock.getsockname()[1]
        return port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url_with(self, user: str, password: str) -> str:
        return f"http://{user}:{password}@127.0.0.1:{self.port}"

    @property
    def seen(self) -> list[ProxySeen]:
        with self._lock:
            return list(self._seen)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            with self._lock:
                self._conns.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(30)
        try:
            while not self._stop.is_set():
                first = read_head(conn)
                if not first:
                    return
                method, target, headers, items = _parse(first.partition(b"\r\n\r\n")[0])
                with self._lock:
                    self._seen.append(ProxySeen(method, target, headers))
                if self._expected is not None and (
                    headers.get("proxy-authorization") != self._expected
                ):
                    conn.sendall(
                        b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                        b'Proxy-Authenticate: Basic realm="test"\r\n'
                        b"Content-Length: 0\r\nConnection: close\r\n\r\n"
                    )
                    return
                if method == "CONNECT":
                    self._tunnel(conn, target)
                    return
                self._forward(conn, first, method, target, items)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                conn.close()

    def _tunnel(self, conn: socket.socket, target: str) -> None:
        host, _, port = target.rpartition(":")
        upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
        with self._lock:
            self._conns.append(upstream)
        conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        selector = selectors.DefaultSelector()
        selector.register(conn, selectors.EVENT_READ, upstream)
        selector.register(upstream, selectors.EVENT_READ, conn)
        try:
            while not self._stop.is_set():
                for key, _ in selector.select(timeout=0.1):
                    source: socket.socket = key.fileobj  # type: ignore[assignment]
                    data = source.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        finally:
            selector.close()
            with contextlib.suppress(OSError):
                upstream.close()

    def _forward(
        self,
        conn: socket.socket,
        first: bytes,
        method: str,
        target: str,
        items: list[tuple[str, str]],
    ) -> None:
        _, body = _read_message(conn, first)
        parts = urlsplit(target)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        kept = [
            (name, value)
            for name, value in items
            if not name.lower().startswith("proxy-") and name.lower() != "connection"
        ]
        head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{n}: {v}\r\n" for n, v in kept)
        head += "Connection: close\r\n\r\n"
        with socket.create_connection((parts.hostname, parts.port or 80), timeout=10) as up:
            up.sendall(head.encode("latin-1") + body)
            answer_head, answer_body = _read_message(up, b"")
        conn.sendall(answer_head + b"\r\n\r\n" + answer_body)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
