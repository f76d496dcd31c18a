"""The async wire: aiohttp, one session per event loop, one deadline per attempt.

Deadline: the whole attempt runs under ``asyncio.timeout`` at the deadline, and aiohttp's own
``ClientTimeout(total=time left)`` as well: waiting for a pooled connection, connecting, TLS,
a proxy tunnel, writing the body (a server that never reads a 64 MB POST fails at the
deadline), waiting, and reading every chunk of the answer.

Body: aiohttp's own decompression is off; the body is read chunk by chunk through
``BodyReader``, which undoes gzip/deflate in bounded steps and stops at the cap, so a small
compressed reply cannot expand without bound.

Loops: an ``aiohttp.ClientSession`` belongs to the loop it was made in, so there is one per
event loop, made on the first call from that loop. Several loops may use one wire at once
(threads each running their own loop). A session is closed by ``aclose()`` when that runs in
its loop, or in its loop from another thread (when that loop is running), or otherwise when
its loop shuts down (``asyncio.run`` closes async generators at the end: each session is held
open by one, see ``_close_with_loop``). Cancelling a ``send`` releases its connection.

``sent``: a connector subclass marks the attempt once a connection is handed over; any failure
before that (DNS, refused, TLS, the proxy's CONNECT, pool wait, connect timeout) has
``sent=False``.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import ssl
import threading
import time
import weakref
from collections.abc import AsyncGenerator
from typing import Any

import aiohttp
import yarl

from ._common import (
    BodyReader,
    clean,
    content_length,
    describe,
    find_ssl_error,
    framing_problem,
    header_values,
    invalid_header,
    is_refused_handshake,
    joined_headers,
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

__all__ = ["AiohttpWire"]

# aiohttp adds these when absent; the wire sends only the caller's headers (plus Host and
# Content-Length), as the sync wire does.
_SKIP_AUTO_HEADERS = ("User-Agent", "Accept", "Accept-Encoding", "Content-Type")
_CLOSE_OTHER_LOOP_S = 5.0


class _Attempt:
    __slots__ = ("connected",)

    def __init__(self) -> None:
        self.connected = False


_current: contextvars.ContextVar[_Attempt | None] = contextvars.ContextVar(
    "arize_api_wire_attempt", default=None
)


class _Connector(aiohttp.TCPConnector):
    """Marks the running attempt once it holds a connection: failures after that may have
    sent something."""

    async def connect(self, *args: Any, **kwargs: Any) -> Any:
        connection = await super().connect(*args, **kwargs)
        attempt = _current.get()
        if attempt is not None:
            attempt.connected = True
        return connection


class _LoopSession:
    __slots__ = ("closer", "loop", "session")

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        session: aiohttp.ClientSession,
        closer: AsyncGenerator[None, None],
    ) -> None:
        self.loop = loop
        self.session = session
        self.closer = closer  # held here: the loop keeps only a weak reference to it


class AiohttpWire:
    """Sends a :class:`WireRequest` with aiohttp; usable from any number of event loops.

    Limits: ``max_connections`` is the connector's total limit (per loop);
    ``keepalive_expiry`` its keep-alive timeout; ``max_keepalive_connections`` is not
    applied (aiohttp has no such knob). Response headers over 8,190 bytes a line are
    refused (aiohttp's limit).
    """

    def __init__(self, settings: ConnectionSettings | None = None) -> None:
        self._settings = settings or ConnectionSettings()
        self._proxy_for = ProxyChooser(self._settings)
        self._lock = threading.Lock()
        self._sessions: dict[asyncio.AbstractEventLoop, _LoopSession] = {}
        self._ssl_context: ssl.SSLContext | None = None
        self._closed = False

    @property
    def settings(self) -> ConnectionSettings:
        return self._settings

    # --- sessions, one per loop --------------------------------------------------------------

    async def _session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        entry = self._sessions.get(loop)
        if entry is not None and not entry.session.closed:
            return entry.session
        if self._closed:
            raise WireConnectError("the wire is closed")
        await self._release_dead_loops()
        settings = self._settings
        with self._lock:
            if self._ssl_context is None:
                self._ssl_context = ssl_context_for(settings)
            context = self._ssl_context
        connector = _Connector(
            limit=settings.max_connections,
            limit_per_host=0,
            keepalive_timeout=settings.keepalive_expiry,
            ssl=context,
        )
        session = aiohttp.ClientSession(
            connector=connector,
            auto_decompress=False,
            cookie_jar=aiohttp.DummyCookieJar(),
            skip_auto_headers=_SKIP_AUTO_HEADERS,
            trust_env=False,  # proxies are chosen here, by proxy_for, per request
            raise_for_status=False,
        )
        # aiohttp quietly sends an idempotent request a second time when a pooled connection
        # turns out dead; the engine above owns retries (counted, logged, bounded). There is
        # no public switch, so this sets the attribute only where it exists.
        if hasattr(session, "_retry_connection"):
            session._retry_connection = False
        closer = _close_with_loop(weakref.ref(self), loop, session)
        with self._lock:
            self._sessions[loop] = _LoopSession(loop, session, closer)
        await anext(closer)
        return session

    def _forget(self, loop: asyncio.AbstractEventLoop, session: aiohttp.ClientSession) -> None:
        with self._lock:
            entry = self._sessions.get(loop)
            if entry is not None and entry.session is session:
                del self._sessions[loop]

    async def _release_dead_loops(self) -> None:
        """Sessions whose loop was closed without closing its async generators: their
        transports cannot be closed through that loop any more; detach them so nothing warns
        of an unclosed session, and let their sockets go with the garbage."""
        with self._lock:
            dead = [entry for entry in self._sessions.values() if entry.loop.is_closed()]
            for entry in dead:
                del self._sessions[entry.loop]
        for entry in dead:
            await _detach(entry.session)

    async def aclose(self) -> None:
        """Close the session of this loop now, those of loops running in other threads in
        their loops, and mark the rest to be closed when their loops end."""
        running = asyncio.get_running_loop()
        with self._lock:
            self._closed = True
            entries = list(self._sessions.values())
            self._sessions.clear()
        for entry in entries:
            loop, session = entry.loop, entry.session
            if session.closed:
                continue
            if loop is running:
                await session.close()
                await entry.closer.aclose()
            elif loop.is_closed():
                await _detach(session)
            elif loop.is_running():
                future = asyncio.run_coroutine_threadsafe(session.close(), loop)
                with contextlib.suppress(TimeoutError, RuntimeError, aiohttp.ClientError, OSError):
                    await asyncio.wait_for(asyncio.wrap_future(future), _CLOSE_OTHER_LOOP_S)
            # else: that loop is idle; its shutdown_asyncgens() closes the session

    # --- one attempt ---------------------------------------------------------------------------

    async def send(self, request: WireRequest) -> WireResponse:
        started = time.monotonic()
        left = request.deadline - started
        if left <= 0:
            raise WireTimeout("the deadline passed before the request was sent", sent=False)
        attempt = _Attempt()
        token = _current.set(attempt)
        error: WireError
        try:
            # aiohttp's total timeout (set in _send) bounds the whole attempt: pool wait,
            # connect, the body sent, the answer read to its end
            return await self._send(request, left, started)
        except WireError:
            raise
        except Exception as exc:
            error = self._classify(exc, request, attempt)
        finally:
            _current.reset(token)
        raise error

    async def _send(self, request: WireRequest, left: float, started: float) -> WireResponse:
        url = request.url
        if not url.startswith(("http://", "https://")):
            raise WireInvalidRequest("the URL is not http:// or https://")
        if bad := invalid_header(request.headers):
            raise bad
        session = await self._session()
        options: dict[str, Any] = {}
        headers = request.headers
        proxy = self._proxy_for(url)
        if proxy is not None:
            bare, credentials = split_proxy_credentials(proxy)
            options["proxy"] = bare
            if credentials is not None:
                value = proxy_authorization(credentials)
                if url.startswith("https://"):  # for the CONNECT only, never for the origin
                    options["proxy_headers"] = {"Proxy-Authorization": value}
                else:  # an http target: the request itself goes to the proxy
                    headers = {**headers, "Proxy-Authorization": value}
        async with session.request(
            request.method,
            # already percent-encoded: yarl must not re-normalise it (it would resolve an
            # encoded "%2E%2E" path segment into "..")
            yarl.URL(url, encoded=True),
            headers=headers,
            data=request.body,
            allow_redirects=False,
            timeout=aiohttp.ClientTimeout(total=left),
            **options,
        ) as response:
            try:
                answer = await self._read(request, response)
            except BaseException:
                response.close()  # cut short: never hand this connection back to the pool
                raise
        answer.elapsed = time.monotonic() - started
        return answer

    async def _read(self, request: WireRequest, response: aiohttp.ClientResponse) -> WireResponse:
        headers = joined_headers(response.headers.items())
        status = response.status
        problem = framing_problem(request.method, status, headers)
        if problem is not None:
            raise WireProtocolError(problem)
        limit = self._settings.max_response_bytes
        length = content_length(headers)
        encoding = headers.get("content-encoding", "identity").strip().lower()
        if encoding in ("", "identity") and length is not None:
            if length > limit:
                raise too_large(limit)
            body = await response.read() if length else b""
            return WireResponse(status, headers, body)
        try:
            reader = BodyReader(headers, limit)
            async for chunk in response.content.iter_any():
                reader.feed(chunk)
            return WireResponse(status, headers, reader.finish())
        except WireDecodeError as error:
            raise error.of_answer(status, headers) from None

    def _classify(self, exc: Exception, request: WireRequest, attempt: _Attempt) -> WireError:
        secrets = header_values(request.headers)
        sent = attempt.connected
        late = time.monotonic() >= request.deadline
        what = describe(exc, secrets)
        error: WireError
        ssl_error = find_ssl_error(exc)
        if isinstance(exc, aiohttp.ClientHttpProxyError):
            # a ClientResponseError: its request_info holds the request's headers; only the
            # status and reason are taken from it
            error = WireConnectError(
                f"the proxy refused the tunnel: {exc.status} {describe_reason(exc, secrets)}",
                sent=False,
            )
            return error
        if isinstance(exc, aiohttp.ClientProxyConnectionError):
            error = WireConnectError(f"could not connect to the proxy: {what}", sent=False)
        elif isinstance(exc, aiohttp.ConnectionTimeoutError) or (late and not sent):
            error = WireTimeout(f"the deadline passed while connecting: {what}", sent=False)
        elif ssl_error is not None and isinstance(ssl_error, ssl.SSLError) and not late:
            refused = not sent or is_refused_handshake(ssl_error)
            return tls_error(ssl_error, sent=not refused, secrets=secrets)
        elif isinstance(exc, aiohttp.ClientConnectorError):
            error = WireConnectError(f"could not connect: {what}", sent=False)
        elif late or isinstance(exc, TimeoutError | aiohttp.ServerTimeoutError):
            error = WireTimeout(f"the deadline passed before the answer was complete: {what}")
        elif isinstance(exc, aiohttp.ServerDisconnectedError):
            error = WireProtocolError("the server disconnected before a complete answer", sent=sent)
        elif isinstance(exc, aiohttp.ClientPayloadError):
            error = WireProtocolError(f"the response body is incomplete: {what}", sent=sent)
        elif isinstance(exc, aiohttp.ClientResponseError):
            # malformed status line, bad or oversized header: never chain it (request_info)
            return WireProtocolError(
                f"malformed response: {describe_reason(exc, secrets)}", sent=sent
            )
        elif isinstance(exc, aiohttp.InvalidURL | aiohttp.NonHttpUrlClientError):
            return WireInvalidRequest("the URL cannot be used")
        elif isinstance(exc, ValueError | UnicodeError | TypeError) and not sent:
            return WireInvalidRequest(
                "a request header or the URL is not valid HTTP (CR, LF, NUL or a character "
                "that cannot be sent)"
            )
        elif isinstance(exc, aiohttp.ClientError | OSError):
            error = WireProtocolError(
                f"the connection failed before a complete answer: {what}", sent=sent
            )
        else:
            error = WireProtocolError(f"unexpected failure: {what}", sent=sent)
        return with_cause(error, exc, secrets)


def describe_reason(exc: aiohttp.ClientResponseError, secrets: list[str]) -> str:
    return clean(str(exc.message or ""), secrets) or type(exc).__name__


async def _detach(session: aiohttp.ClientSession) -> None:
    connector = session.connector
    session.detach()
    if connector is not None:
        with contextlib.suppress(RuntimeError, OSError):  # its loop is gone: nothing to do there
            await connector.close()


async def _close_with_loop(
    wire: weakref.ref[AiohttpWire],
    loop: asyncio.AbstractEventLoop,
    session: aiohttp.ClientSession,
) -> AsyncGenerator[None, None]:
    """Suspended for the session's lifetime; closes it when its event loop shuts down.

    An async generator started in a loop is closed by that loop's ``shutdown_asyncgens()``,
    which ``asyncio.run()`` (and every well-behaved runner) calls before closing the loop.
    """
    try:
        yield
    finally:
        owner = wire()
        if owner is not None:
            owner._forget(loop, session)
        if not session.closed:
            await session.close()
