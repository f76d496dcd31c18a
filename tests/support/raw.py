"""A tiny scripted raw-socket server: each connection is handed to a function that writes
whatever bytes it likes (drip, never read, a gzip bomb, broken framing, a malformed status
line). Standard library only; bound before its thread starts.

    with RawServer(lambda conn: (read_head(conn), conn.sendall(b"HTTP/1.1 200 OK\r\n..."))):
        ...
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import zlib
from collections.abc import Callable
from functools import lru_cache
from types import TracebackType
from typing import Self

__all__ = ["RawServer", "drip", "gzip_bomb", "read_head", "read_request", "response"]

Handler = Callable[[socket.socket], object]


def read_head(conn: socket.socket, limit: int = 1 << 20) -> bytes:
    """Read up to the end of the request's header block (b"" if the client hung up)."""
    data = b""
    while b"\r\n\r\n" not in data and len(data) < limit:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    return data


def read_request(conn: socket.socket) -> bytes:
    """Head and Content-Length body of one request (what came, if the client hung up first)."""
    data = read_head(conn)
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return data
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def response(status: int = 200, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status} X"]
    all_headers = {"Content-Length": str(len(body))}
    all_headers.update(headers or {})
    lines += [f"{name}: {value}" for name, value in all_headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


@lru_cache(maxsize=2)
def gzip_bomb(decoded_size: int = 1 << 30) -> bytes:
    """A gzip stream of ``decoded_size`` zero bytes (1 GiB -> about 1 MB), made in pieces."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1 << 20)
    parts = []
    for _ in range(decoded_size // len(block)):
        parts.append(compressor.compress(block))
    parts.append(compressor.flush())
    return b"".join(parts)


class RawServer:
    """Hands each accepted connection to ``handler`` (or, in a subclass, to ``_handle``)."""

    def __init__(self, handler: Handler | None = None) -> None:
        self.handler = handler
        self._sock = socket.create_server(("127.0.0.1", 0), backlog=64)
        self._sock.settimeout(0.05)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._conns: list[socket.socket] = []
        self.connections = 0
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        port: int = self._sock.getsockname()[1]
        return port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def hold(self, seconds: float = 30.0) -> None:
        """Keep a connection open (and unread) until the server stops or time runs out."""
        self._stop.wait(seconds)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            with self._lock:
                self.connections += 1
                number = self.connections
                self._conns.append(conn)
            threading.Thread(target=self._serve, args=(conn, number), daemon=True).start()

    def _handle(self, conn: socket.socket, number: int) -> None:
        """Serve one connection (``number``: 1 for the first accepted): the handler's job."""
        if self.handler is not None:
            self.handler(conn)

    def _serve(self, conn: socket.socket, number: int) -> None:
        try:
            conn.settimeout(30)
            self._handle(conn, number)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                conn.close()

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


def drip(body: bytes, every: float) -> Handler:
    """Answer with a proper Content-Length, then send the body one byte every ``every`` s."""

    def handler(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(response(200, b"", {"Content-Length": str(len(body))}))
        for byte in body:
            time.sleep(every)
            conn.sendall(bytes([byte]))

    return handler
