"""A loopback HTTP/1.1 server that answers from a script, for tests of the client over a socket.

Standard library only. The listening socket is bound (to a free port on 127.0.0.1) before the
serving thread starts, so the server is ready the moment `start()` or `with` returns.

    with ScriptedServer() as server:
        server.add("GET", "/v2/projects/p1", json={"id": "p1"})          # repeated for ever
        server.add("GET", "/flaky", Reply(503), Reply(200, json={}))     # 503, then 200 for ever
        server.add("GET", "/dies", Reply.close_connection(), Reply(200)) # hang up, then answer
        server.add("GET", "/slow", Reply(200, json={}, delay=2.0))       # answer after 2 s
        server.add("POST", "/echo", lambda request: Reply(201, body=request.body))
        server.fallback = lambda request: Reply(418)                     # any other route
        ... use server.url ...
        assert server.requests[0].path == "/v2/projects/p1"

Routes match the method and the path; a path registered with a `?query` matches the whole
request target instead. Each route holds a list of replies, consumed one per request; the last
one repeats unless `repeat_last=False`, after which the route falls through to `fallback`
(default: a 404 problem+json naming the unmatched request). A reply may also be a callable
`(RecordedRequest) -> Reply`.

Connections are kept alive (HTTP/1.1, every answer has a Content-Length) so client connection
pools work; `RecordedRequest.connection_id` tells which connection carried a request. The ways to
misbehave: `Reply.close_connection()` (hang up without answering), `Reply.reset_connection()`
(hang up with a TCP RST), `Reply(..., delay=s)` (wait before answering; `stop()` cuts the wait
short), `Reply(..., truncate_body_to=n)` (announce the full body, send n bytes, hang up) and
`Reply(..., close=True)` (answer with `Connection: close`, then hang up).
"""

from __future__ import annotations

import contextlib
import json as jsonlib
import socket
import struct
import threading
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal, Self
from urllib.parse import parse_qs, urlsplit

__all__ = ["RecordedRequest", "Reply", "ReplySource", "ScriptedServer"]

_NO_JSON: Any = object()


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server received it."""

    method: str
    target: str  # the request target as sent: path and query
    path: str
    query: dict[str, list[str]]
    headers: Message  # case-insensitive: request.headers["content-type"]
    body: bytes
    connection_id: int  # the same for requests carried by the same TCP connection
    http_version: str

    def header(self, name: str, default: str | None = None) -> str | None:
        value = self.headers.get(name)
        return default if value is None else str(value)

    def json(self) -> Any:
        return jsonlib.loads(self.body)


@dataclass(frozen=True)
class Reply:
    """What to answer (or how to misbehave) for one request."""

    status: int = 200
    json: Any = _NO_JSON
    body: bytes | str | None = None
    headers: Mapping[str, str] | Sequence[tuple[str, str]] = ()
    delay: float = 0.0
    action: Literal["respond", "close", "reset"] = "respond"
    truncate_body_to: int | None = None
    close: bool = False

    def __post_init__(self) -> None:
        if self.json is not _NO_JSON and self.body is not None:
            raise ValueError("give json= or body=, not both")

    @classmethod
    def close_connection(cls, *, delay: float = 0.0) -> Reply:
        """Read the request, then close the connection without answering."""
        return cls(action="close", delay=delay)

    @classmethod
    def reset_connection(cls, *, delay: float = 0.0) -> Reply:
        """Read the request, then abort the connection (TCP RST) without answering."""
        return cls(action="reset", delay=delay)

    def header_items(self) -> list[tuple[str, str]]:
        items = self.headers.items() if isinstance(self.headers, Mapping) else self.headers
        return [(str(k), str(v)) for k, v in items]

    def encoded_body(self) -> tuple[bytes, str | None]:
        """The body bytes and the content type they imply (None: none implied)."""
        if self.json is not _NO_JSON:
            return jsonlib.dumps(self.json).encode(), "application/json"
        if isinstance(self.body, str):
            return self.body.encode(), "text/plain; charset=utf-8"
        return self.body or b"", None


ReplySource = Reply | Callable[[RecordedRequest], Reply]


@dataclass
class _Route:
    replies: list[ReplySource]
    repeat_last: bool
    served: int = 0

    def next(self) -> ReplySource | None:
        if self.served < len(self.replies):
            reply = self.replies[self.served]
        elif self.repeat_last and self.replies:
            reply = self.replies[-1]
        else:
            return None
        self.served += 1
        return reply


def _not_found(request: RecordedRequest) -> Reply:
    return Reply(
        404,
        body=jsonlib.dumps(
            {
                "type": "about:blank",
                "title": "Not Found",
                "status": 404,
                "detail": f"scripted server: no reply for {request.method} {request.target}",
            }
        ),
        headers={"Content-Type": "application/problem+json"},
    )


@dataclass
class _State:
    lock: threading.Condition = field(default_factory=threading.Condition)
    routes: dict[tuple[str, str], _Route] = field(default_factory=dict)
    requests: list[RecordedRequest] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    connections: dict[int, socket.socket] = field(default_factory=dict)
    handler_threads: list[threading.Thread] = field(default_factory=list)
    next_connection_id: int = 0
    stopping: threading.Event = field(default_factory=threading.Event)


class ScriptedServer:
    """See the module docstring. Thread-safe; start it once, stop it once."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._host = host
        self._state = _State()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.fallback: Callable[[RecordedRequest], Reply] = _not_found

    # --- life cycle -------------------------------------------------------------------------

    def start(self) -> Self:
        if self._httpd is not None:
            raise RuntimeError("already started")
        httpd = _HTTPServer((self._host, 0), _Handler)  # binds and listens here
        httpd.scripted = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"scripted-server-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving: cut delays short, hang up open connections, join the threads."""
        httpd, thread = self._httpd, self._thread
        if httpd is None or thread is None:
            return
        state = self._state
        state.stopping.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join()
        with state.lock:
            connections = list(state.connections.values())
            threads = list(state.handler_threads)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        for handler_thread in threads:
            handler_thread.join(timeout=5)
        self._httpd = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("not started")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:41234 (no trailing slash)."""
        return f"http://{self._host}:{self.port}"

    # --- script -----------------------------------------------------------------------------

    def add(
        self,
        method: str,
        path: str,
        *replies: ReplySource,
        repeat_last: bool = True,
        **reply_fields: Any,
    ) -> None:
        """Queue replies for `method path`: either Reply objects / callables, or Reply fields.

        `add("GET", "/x", json={...})` is `add("GET", "/x", Reply(json={...}))`. Adding to a route
        that already has replies appends to its queue.
        """
        if replies and reply_fields:
            raise TypeError("give Reply objects or Reply fields, not both")
        queue: list[ReplySource] = list(replies) if replies else [Reply(**reply_fields)]
        key = (method.upper(), path)
        with self._state.lock:
            route = self._state.routes.get(key)
            if route is None:
                self._state.routes[key] = _Route(queue, repeat_last)
            else:
                route.replies.extend(queue)
                route.repeat_last = repeat_last

    def reset(self) -> None:
        """Forget routes, recorded requests and errors (the fallback stays)."""
        with self._state.lock:
            self._state.routes.clear()
            self._state.requests.clear()
            self._state.errors.clear()

    # --- what happened ----------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request received so far, in arrival order."""
        with self._state.lock:
            return list(self._state.requests)

    def requests_to(self, method: str, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method.upper() and r.path == path]

    @property
    def errors(self) -> list[str]:
        """Tracebacks of exceptions raised by reply callables (each answered with a 500)."""
        with self._state.lock:
            return list(self._state.errors)

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> list[RecordedRequest]:
        """Block until at least `count` requests have arrived; raise TimeoutError otherwise."""
        with self._state.lock:
            if not self._state.lock.wait_for(lambda: len(self._state.requests) >= count, timeout):
                raise TimeoutError(f"{len(self._state.requests)} of {count} requests arrived")
            return list(self._state.requests)

    # --- used by the handler ----------------------------------------------------------------

    def _open(self, conn: socket.socket) -> int:
        with self._state.lock:
            self._state.next_connection_id += 1
            cid = self._state.next_connection_id
            self._state.connections[cid] = conn
            self._state.handler_threads.append(threading.current_thread())
            return cid

    def _closed(self, cid: int) -> None:
        with self._state.lock:
            self._state.connections.pop(cid, None)
            current = threading.current_thread()
            self._state.handler_threads = [
                t for t in self._state.handler_threads if t is not current and t.is_alive()
            ]

    def _receive(self, request: RecordedRequest) -> Reply:
        state = self._state
        with state.lock:
            state.requests.append(request)
            state.lock.notify_all()
            route = state.routes.get((request.method, request.target))
            if route is None:
                route = state.routes.get((request.method, request.path))
            source = route.next() if route is not None else None
        if source is None:
            source = self.fallback
        if isinstance(source, Reply):
            return source
        try:
            return source(request)
        except Exception:
            with state.lock:
                state.errors.append(traceback.format_exc())
            return Reply(500, body="scripted server: reply callable raised\n")

    def _wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; False if the server is stopping meanwhile."""
        return not self._state.stopping.wait(seconds)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # stop() joins handler threads itself, with a time limit
    request_queue_size = 128  # listen backlog: bursts of concurrent connects must not stall
    scripted: ScriptedServer

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.to_reset: set[int] = set()  # id() of sockets to abort rather than close
        self.to_reset_lock = threading.Lock()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client hanging up mid-request is routine here, not an error to print

    def shutdown_request(self, request: Any) -> None:
        with self.to_reset_lock:
            abort = id(request) in self.to_reset
            self.to_reset.discard(id(request))
        if abort:  # no FIN first: SO_LINGER 0 makes close() send a RST
            request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_request(request)
        else:
            super().shutdown_request(request)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    timeout = 60  # an idle kept-alive connection is dropped after this many seconds
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        self.connection_id = self.server.scripted._open(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.scripted._closed(self.connection_id)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return b"".join(self._read_chunks())
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _read_chunks(self) -> Iterator[bytes]:
        while True:
            size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return
            yield self.rfile.read(size)
            self.rfile.readline()  # CRLF after the chunk

    def _dispatch(self) -> None:
        scripted = self.server.scripted
        split = urlsplit(self.path)
        request = RecordedRequest(
            method=self.command,
            target=self.path,
            path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            headers=self.headers,
            body=self._read_body(),
            connection_id=self.connection_id,
            http_version=self.request_version,
        )
        reply = scripted._receive(request)
        if reply.delay and not scripted._wait(reply.delay):
            self.close_connection = True
            return
        if reply.action == "close":
            self.close_connection = True
            return
        if reply.action == "reset":
            with self.server.to_reset_lock:
                self.server.to_reset.add(id(self.connection))
            self.close_connection = True
            return
        self._respond(reply)

    def _respond(self, reply: Reply) -> None:
        body, implied_type = reply.encoded_body()
        headers = reply.header_items()
        names = {name.lower() for name, _ in headers}
        self.send_response(reply.status)
        for name, value in headers:
            self.send_header(name, value)
        if implied_type is not None and "content-type" not in names:
            self.send_header("Content-Type", implied_type)
        if "content-length" not in names:
            self.send_header("Content-Length", str(len(body)))
        if reply.close:
            self.send_header("Connection", "close")  # also sets self.close_connection
        self.end_headers()
        if self.command == "HEAD":
            return
        if reply.truncate_body_to is not None:
            body = body[: reply.truncate_body_to]
            self.close_connection = True
        self.wfile.write(body)
        self.wfile.flush()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _dispatch
