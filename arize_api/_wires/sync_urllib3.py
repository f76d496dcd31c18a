"""The sync wire: urllib3 pools, one deadline per attempt, bounded decoded bodies.

How the deadline covers the whole attempt with a library whose timeouts are per socket
operation: the pool wait gets ``pool_timeout`` = time left; connecting gets a connect timeout
of time left; every ``send`` of the request sets the socket timeout to the time left first;
and every ``recv`` of the answer (status line, headers and body alike: the response object
reads through a small raw-IO wrapper) does the same and refuses to start once the deadline has
passed. So a server that drips one byte every 0.3 s fails at the deadline, not after the
whole body, and a server that never reads the body fails when ``sendall`` runs out of time.
DNS resolution (``getaddrinfo``) cannot be interrupted and is the one step outside.

Which step failed decides ``sent``: each attempt keeps, per thread, whether the request itself
has started going out (``send`` outside ``connect``; a proxy ``CONNECT`` is part of
connecting). urllib3's own retries and redirects are off: the engine above owns both.

Fork: pools are per process. A child after ``os.fork()`` drops the parent's pools without
touching them (their locks may be held by a thread that does not exist in the child) and
makes its own; it never reads an answer meant for the parent.
"""

from __future__ import annotations

import functools
import http.client
import io
import math
import os
import socket
import ssl
import threading
import time
import weakref
from typing import Any

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    DecodeError,
    EmptyPoolError,
    HTTPError,
    LocationValueError,
    NewConnectionError,
    ProxyError,
    ProxySchemeUnknown,
    ReadTimeoutError,
)
from urllib3.util import SKIP_HEADER

from ._common import (
    BodyReader,
    content_length,
    describe,
    find_ssl_error,
    framing_problem,
    header_values,
    invalid_header,
    is_refused_handshake,
    tls_error,
    too_large,
    with_cause,
)
from ._types import (
    ConnectionSettings,
    ProxyChooser,
    WireConnectError,
    WireDecodeError,
    WireError,
    WireInvalidRequest,
    WireProtocolError,
    WireRequest,
    WireResponse,
    WireTimeout,
    proxy_authorization,
    split_proxy_credentials,
    ssl_context_for,
)

__all__ = ["Urllib3Wire"]

_READ_SIZE = 64 * 1024


class _Attempt:
    __slots__ = ("deadline", "sent")

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.sent = False


_local = threading.local()


def _attempt() -> _Attempt | None:
    return getattr(_local, "attempt", None)


class _DeadlineIO(io.RawIOBase):
    """A socket reader that gives each ``recv`` only the time left of the attempt."""

    def __init__(self, raw: Any, sock: Any, deadline: float) -> None:
        self._raw = raw  # the socket's own SocketIO: it holds the socket's makefile reference
        self._sock = sock
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the attempt's deadline passed while reading the response")
        self._sock.settimeout(left)
        result: int | None = self._raw.readinto(buffer)
        return result

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


class _DeadlineResponse(http.client.HTTPResponse):
    def __init__(self, sock: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        attempt = _attempt()
        if attempt is not None:
            raw = self.fp.detach()
            self.fp = io.BufferedReader(_DeadlineIO(raw, sock, attempt.deadline), _READ_SIZE)


class _ConnectionMixin:
    """Deadline on every send, and the record of whether the request started to go out."""

    sock: Any
    response_class: Any = _DeadlineResponse
    _connecting = False
    idle_since = 0.0
    keepalive_expiry = 5.0

    def connect(self) -> None:
        self._connecting = True
        try:
            super().connect()  # type: ignore[misc]
        finally:
            self._connecting = False

    def send(self, data: Any) -> None:
        attempt = _attempt()
        if attempt is not None:
            if self.sock is None:
                self.connect()
            left = attempt.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the attempt's deadline passed while sending the request")
            self.sock.settimeout(left)
            if not self._connecting:
                attempt.sent = True
        super().send(data)  # type: ignore[misc]

    @property
    def is_connected(self) -> bool:
        if self.idle_since and time.monotonic() - self.idle_since > self.keepalive_expiry:
            return False  # idle for longer than keepalive_expiry: make a new one
        connected: bool = super().is_connected  # type: ignore[misc]
        return connected


class _HTTPConnection(_ConnectionMixin, HTTPConnection):
    pass


class _HTTPSConnection(_ConnectionMixin, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


_POOL_CLASSES = {"http": _HTTPPool, "https": _HTTPSPool}


@functools.lru_cache(maxsize=256)
def _rounded_timeout(hundredths: int) -> urllib3.Timeout:
    return urllib3.Timeout(connect=hundredths / 100, read=hundredths / 100)


def _timeout(left: float) -> urllib3.Timeout:
    """urllib3's per-phase bound for an attempt with ``left`` seconds, rounded up to 10 ms so
    one object serves many requests (the exact deadline is enforced on every send and recv)."""
    return _rounded_timeout(math.ceil(left * 100))


def _split_origin(url: str) -> tuple[str, str]:
    """``("http://host:port", "/path?query")`` of an absolute URL."""
    slash = url.find("/", url.find("://") + 3)
    return (url, "/") if slash < 0 else (url[:slash], url[slash:])


_wires: weakref.WeakSet[Urllib3Wire] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for wire in list(_wires):
        wire._forget_pools()


os.register_at_fork(after_in_child=_after_fork_in_child)


class Urllib3Wire:
    """Sends a :class:`WireRequest` with urllib3; thread-safe, fork-aware.

    Limits: one pool per origin (and per proxy), each holding at most ``max_connections``
    connections (a hard limit: a thread waits for one, up to the deadline);
    ``max_keepalive_connections`` is not applied (urllib3 keeps what its pool holds), and a
    connection idle longer than ``keepalive_expiry`` is replaced rather than reused.

    Sent as given: ``request.headers``, plus ``Host`` and ``Content-Length`` (urllib3 adds
    no ``User-Agent`` or ``Accept-Encoding`` of its own here). gzip/deflate (and br/zstd
    when their packages are installed) are decoded.
    """

    def __init__(self, settings: ConnectionSettings | None = None) -> None:
        self._settings = settings or ConnectionSettings()
        self._proxy_for = ProxyChooser(self._settings)
        self._lock = threading.Lock()
        self._managers: dict[str | None, urllib3.PoolManager] = {}
        # Direct (unproxied) pools by origin: urlopen on the pool skips the PoolManager's
        # parsing of the whole URL and its pool-key lookup on every request (~30 µs).
        self._pools: dict[str, HTTPConnectionPool] = {}
        self._ssl_context: ssl.SSLContext | None = None
        self._pid = os.getpid()
        self._closed = False
        _wires.add(self)

    @property
    def settings(self) -> ConnectionSettings:
        return self._settings

    def _forget_pools(self) -> None:
        """In a forked child: let go of the parent's pools without using them (or their
        locks); their sockets are closed when collected, never shut down or read."""
        self._lock = threading.Lock()
        self._managers = {}
        self._pools = {}
        self._pid = os.getpid()

    def _manager(self, proxy: str | None) -> urllib3.PoolManager:
        manager = self._managers.get(proxy)
        if manager is not None:
            return manager
        with self._lock:
            manager = self._managers.get(proxy)
            if manager is not None:
                return manager
            if self._closed:
                raise WireConnectError("the wire is closed")
            settings = self._settings
            if self._ssl_context is None:
                self._ssl_context = ssl_context_for(settings)
            options: dict[str, Any] = {
                "num_pools": 32,
                "maxsize": settings.max_connections,
                "block": True,
                "retries": False,
                "ssl_context": self._ssl_context,
            }
            if proxy is None:
                manager = urllib3.PoolManager(**options)
            else:
                bare, credentials = split_proxy_credentials(proxy)
                headers = {}
                if credentials is not None:
                    headers["Proxy-Authorization"] = proxy_authorization(credentials)
                manager = urllib3.ProxyManager(
                    bare,
                    proxy_headers=headers,
                    proxy_ssl_context=self._ssl_context,
                    **options,
                )
            manager.pool_classes_by_scheme = _POOL_CLASSES
            self._managers[proxy] = manager
            return manager

    def _direct_pool(self, origin: str) -> HTTPConnectionPool:
        pool: HTTPConnectionPool = self._manager(None).connection_from_url(origin)
        with self._lock:
            self._pools[origin] = pool
        return pool

    def send(self, request: WireRequest) -> WireResponse:
        if os.getpid() != self._pid:
            self._forget_pools()
        started = time.monotonic()
        attempt = _Attempt(request.deadline)
        previous = _attempt()
        _local.attempt = attempt
        error: WireError
        try:
            return self._send(request, attempt, started)
        except WireError:
            raise
        except Exception as exc:
            error = self._classify(exc, request, attempt)
        finally:
            _local.attempt = previous
        raise error

    def _send(self, request: WireRequest, attempt: _Attempt, started: float) -> WireResponse:
        left = request.deadline - started
        if left <= 0:
            raise WireTimeout("the deadline passed before the request was sent", sent=False)
        url = request.url
        if not url.startswith(("http://", "https://")):
            raise WireInvalidRequest("the URL is not http:// or https://")
        if bad := invalid_header(request.headers):
            raise bad
        proxy = self._proxy_for(url)
        headers = request.headers
        keys = {key.lower() for key in headers}
        if "user-agent" not in keys or "accept-encoding" not in keys:
            headers = dict(headers)
            if "user-agent" not in keys:
                headers["User-Agent"] = SKIP_HEADER
            if "accept-encoding" not in keys:
                headers["Accept-Encoding"] = SKIP_HEADER
        opener: Any
        if proxy is None:
            origin, target = _split_origin(url)
            opener = self._pools.get(origin)
            if opener is None or opener.pool is None:  # new, or closed (evicted by the manager)
                opener = self._direct_pool(origin)
        else:
            opener, target = self._manager(proxy), url
        response = opener.urlopen(
            request.method,
            target,
            body=request.body,
            headers=headers,
            retries=False,
            redirect=False,
            assert_same_host=False,
            timeout=_timeout(left),
            pool_timeout=left,
            preload_content=False,
            decode_content=False,
            enforce_content_length=True,
        )
        try:
            answer = self._read(request, response)
        except BaseException:
            response.close()  # cut short: the connection may hold the rest, drop it
            response.release_conn()
            raise
        connection = response.connection
        if isinstance(connection, _ConnectionMixin):
            connection.idle_since = time.monotonic()
            connection.keepalive_expiry = self._settings.keepalive_expiry
        response.release_conn()
        answer.elapsed = time.monotonic() - started
        return answer

    def _read(self, request: WireRequest, response: urllib3.BaseHTTPResponse) -> WireResponse:
        headers = {key.lower(): value for key, value in response.headers.itermerged()}
        status = response.status
        problem = framing_problem(request.method, status, headers)
        if problem is not None:
            raise WireProtocolError(problem)
        try:
            return self._read_body(response, status, headers)
        except WireDecodeError as error:
            raise error.of_answer(status, headers) from None

    def _read_body(
        self, response: urllib3.BaseHTTPResponse, status: int, headers: dict[str, str]
    ) -> WireResponse:
        limit = self._settings.max_response_bytes
        length = content_length(headers)
        encoding = headers.get("content-encoding", "identity").strip().lower()
        if encoding in ("", "identity") and length is not None:
            if length > limit:
                raise too_large(limit)
            body = response.read(decode_content=False) if length else b""
            return WireResponse(status, headers, body)
        if encoding in ("gzip", "x-gzip", "deflate", "identity", ""):
            reader = BodyReader(headers, limit)  # our own bounded decoder
            while True:
                chunk = response.read(_READ_SIZE, decode_content=False)
                if not chunk:
                    break
                reader.feed(chunk)
            return WireResponse(status, headers, reader.finish())
        # anything else urllib3 may know (br, zstd): its own decoder, read in bounded steps
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = response.read(_READ_SIZE, decode_content=True)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise too_large(limit)
            chunks.append(chunk)
        return WireResponse(status, headers, b"".join(chunks))

    def _classify(self, exc: Exception, request: WireRequest, attempt: _Attempt) -> WireError:
        secrets = header_values(request.headers)
        sent = attempt.sent
        late = time.monotonic() >= request.deadline
        what = describe(exc, secrets)
        error: WireError
        if isinstance(exc, EmptyPoolError):
            error = WireTimeout(
                "no pooled connection came free before the deadline (max_connections)",
                sent=False,
            )
        elif isinstance(exc, ProxySchemeUnknown):
            error = WireInvalidRequest(f"unsupported proxy: {what}")
        elif isinstance(exc, NewConnectionError) and not late:
            error = WireConnectError(f"could not connect: {what}", sent=False)
        elif isinstance(exc, ConnectTimeoutError) or (late and not sent):
            error = WireTimeout(f"the deadline passed while connecting: {what}", sent=False)
        elif ssl_error := find_ssl_error(exc):
            if isinstance(ssl_error, ssl.SSLError) and not late:
                refused = not sent or is_refused_handshake(ssl_error)
                return tls_error(ssl_error, sent=not refused, secrets=secrets)
            error = WireTimeout(f"the deadline passed: {what}", sent=sent)
        elif isinstance(exc, ProxyError):
            error = WireConnectError(f"the proxy refused the connection: {what}", sent=sent)
        elif late or isinstance(exc, ReadTimeoutError | socket.timeout):
            error = WireTimeout(f"the deadline passed before the answer was complete: {what}")
        elif isinstance(exc, DecodeError):
            error = WireDecodeError(f"the response body does not decode: {what}")
        elif isinstance(exc, LocationValueError):
            error = WireInvalidRequest(f"the URL cannot be used: {what}")
        elif isinstance(exc, ValueError | UnicodeError) and not sent:
            # http.client's "Invalid header value b'...'" echoes the value: never repeat it
            error = WireInvalidRequest(
                "a request header or the URL is not valid HTTP (CR, LF, NUL or a character "
                "outside latin-1)"
            )
            return error
        elif isinstance(exc, HTTPError | OSError | http.client.HTTPException):
            error = WireProtocolError(
                f"the connection failed before a complete answer: {what}", sent=sent
            )
        else:
            error = WireProtocolError(f"unexpected failure: {what}", sent=sent)
        return with_cause(error, exc, secrets)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            managers, self._managers = list(self._managers.values()), {}
            self._pools = {}
        for manager in managers:
            manager.clear()

    def __enter__(self) -> Urllib3Wire:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
