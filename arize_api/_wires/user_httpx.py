"""Wires over a user's own ``httpx.Client`` / ``httpx.AsyncClient``, through its public API.

The request is built with ``client.build_request`` (so the client's own default headers,
cookies and base settings apply, as the user configured them) and sent with
``client.send(request, stream=True, follow_redirects=False)``: never following a redirect,
even when the client was made with ``follow_redirects=True``. The body is read with
``iter_bytes()``/``aiter_bytes()`` (httpx decodes it) and counted against the cap as it comes.
The per-attempt timeout is ``httpx.Timeout(time left)`` on the request, plus a deadline check
between chunks; the async wire also runs under ``asyncio.timeout`` at the deadline. (httpx's
sync timeouts are per socket operation, so a server that drips its *header block* can hold a
sync attempt past the deadline; a dripped body cannot.)

The user's client is the user's: ``close()`` never closes it.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from typing import Any

import httpx

from ._common import (
    clean,
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
    DEFAULT_MAX_RESPONSE_BYTES,
    TLS_FIX_HINT,
    WireConnectError,
    WireDecodeError,
    WireError,
    WireInvalidRequest,
    WireProtocolError,
    WireRequest,
    WireResponse,
    WireTimeout,
    WireTLSError,
)

__all__ = ["AsyncHttpxWire", "HttpxWire"]

_GRACE_S = 0.1


def _build(client: httpx.Client | httpx.AsyncClient, request: WireRequest, left: float) -> Any:
    return client.build_request(
        request.method,
        request.url,
        headers=dict(request.headers),
        content=request.body,
        timeout=httpx.Timeout(left),
    )


def _start(request: WireRequest) -> tuple[float, float]:
    started = time.monotonic()
    left = request.deadline - started
    if left <= 0:
        raise WireTimeout("the deadline passed before the request was sent", sent=False)
    if bad := invalid_header(request.headers):
        raise bad
    return started, left


class _Collector:
    def __init__(self, request: WireRequest, response: httpx.Response, limit: int) -> None:
        self._deadline = request.deadline
        self._limit = limit
        self._size = 0
        self._chunks: list[bytes] = []
        self.headers = joined_headers(response.headers.multi_items())
        if response.http_version in ("HTTP/1.1", "HTTP/1.0"):
            problem = framing_problem(request.method, response.status_code, self.headers)
            if problem is not None:
                raise WireProtocolError(problem)

    def feed(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._size > self._limit:
            self._chunks.clear()
            raise too_large(self._limit)
        self._chunks.append(chunk)
        if time.monotonic() >= self._deadline:
            raise WireTimeout("the deadline passed before the answer was complete")

    def body(self) -> bytes:
        return self._chunks[0] if len(self._chunks) == 1 else b"".join(self._chunks)


def _undecodable(
    exc: httpx.DecodingError, request: WireRequest, response: httpx.Response, collector: _Collector
) -> WireDecodeError:
    what = describe(exc, header_values(request.headers))
    error = WireDecodeError(f"the response body does not decode: {what}")
    return error.of_answer(response.status_code, collector.headers)


def _classify(exc: Exception, request: WireRequest) -> WireError:
    secrets = header_values(request.headers)
    what = describe(exc, secrets)
    late = time.monotonic() >= request.deadline
    ssl_error = find_ssl_error(exc)
    error: WireError
    if isinstance(exc, httpx.PoolTimeout):
        error = WireTimeout(f"no pooled connection came free before the deadline: {what}")
        error.sent = False
    elif isinstance(exc, httpx.ConnectTimeout):
        error = WireTimeout(f"the deadline passed while connecting: {what}", sent=False)
    elif (
        isinstance(ssl_error, ssl.SSLError)
        and not late
        and (isinstance(exc, httpx.ConnectError) or is_refused_handshake(ssl_error))
    ):
        # a handshake that failed, or a TLS alert (a client certificate the server wanted)
        return tls_error(ssl_error, sent=False, secrets=secrets)
    elif isinstance(exc, httpx.ConnectError):
        text = str(exc)
        if "CERTIFICATE_VERIFY_FAILED" in text:
            return WireTLSError(
                f"TLS certificate verification failed ({clean(text, secrets)}); "
                f"{TLS_FIX_HINT} (on the httpx client passed in)",
                sent=False,
            )
        error = WireConnectError(f"could not connect: {what}", sent=False)
    elif isinstance(exc, httpx.UnsupportedProtocol):
        error = WireInvalidRequest(f"the URL cannot be used: {what}")
    elif isinstance(exc, httpx.TimeoutException) or late or isinstance(exc, TimeoutError):
        error = WireTimeout(f"the deadline passed before the answer was complete: {what}")
    elif isinstance(exc, httpx.DecodingError):
        error = WireDecodeError(f"the response body does not decode: {what}")
    elif isinstance(exc, httpx.InvalidURL):
        return WireInvalidRequest("the URL cannot be used")
    elif isinstance(exc, ValueError | UnicodeError | TypeError):
        # httpx's header encoding errors carry the value itself
        return WireInvalidRequest(
            "a request header or the URL is not valid HTTP (CR, LF, NUL or a character that "
            "cannot be sent)"
        )
    elif isinstance(exc, httpx.RemoteProtocolError | httpx.LocalProtocolError):
        error = WireProtocolError(f"malformed or incomplete response: {what}")
    else:
        error = WireProtocolError(f"the connection failed before a complete answer: {what}")
    return with_cause(error, exc, secrets)


class HttpxWire:
    """Sends through a user-supplied ``httpx.Client`` (its transport, proxies, TLS, limits)."""

    def __init__(
        self, client: httpx.Client, *, max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    ) -> None:
        self.client = client
        self._limit = max_response_bytes

    def send(self, request: WireRequest) -> WireResponse:
        error: WireError
        try:
            return self._send(request)
        except WireError:
            raise
        except Exception as exc:
            error = _classify(exc, request)
        raise error

    def _send(self, request: WireRequest) -> WireResponse:
        started, left = _start(request)
        client = self.client
        response = client.send(_build(client, request, left), stream=True, follow_redirects=False)
        try:
            collector = _Collector(request, response, self._limit)
            try:
                for chunk in response.iter_bytes():
                    collector.feed(chunk)
            except httpx.DecodingError as exc:
                raise _undecodable(exc, request, response, collector) from None
        finally:
            response.close()
        return WireResponse(
            response.status_code, collector.headers, collector.body(), time.monotonic() - started
        )

    def close(self) -> None:
        """Nothing to close: the client belongs to whoever made it."""


class AsyncHttpxWire:
    """Sends through a user-supplied ``httpx.AsyncClient``."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self.client = client
        self._limit = max_response_bytes

    async def send(self, request: WireRequest) -> WireResponse:
        error: WireError
        try:
            started, left = _start(request)
            try:
                asyncio.get_running_loop()
            except RuntimeError:  # not asyncio (trio, through anyio): httpx's timeouts only
                return await self._send(request, started, left)
            # a little after the deadline: httpx's own connect and pool timeouts (which know
            # that nothing was sent) fire first when they apply; this bounds everything else
            async with asyncio.timeout(left + _GRACE_S):
                return await self._send(request, started, left)
        except WireError:
            raise
        except Exception as exc:
            error = _classify(exc, request)
        raise error

    async def _send(self, request: WireRequest, started: float, left: float) -> WireResponse:
        client = self.client
        response = await client.send(
            _build(client, request, left), stream=True, follow_redirects=False
        )
        try:
            collector = _Collector(request, response, self._limit)
            try:
                async for chunk in response.aiter_bytes():
                    collector.feed(chunk)
            except httpx.DecodingError as exc:
                raise _undecodable(exc, request, response, collector) from None
        finally:
            await response.aclose()
        return WireResponse(
            response.status_code, collector.headers, collector.body(), time.monotonic() - started
        )

    async def aclose(self) -> None:
        """Nothing to close: the client belongs to whoever made it."""
