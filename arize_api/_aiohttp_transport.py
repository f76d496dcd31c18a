"""An httpx async transport that moves bytes with aiohttp.

httpx's own async transport spends several milliseconds of CPU per request once many are in
flight; aiohttp's connection pool does not (see bench/). This keeps the httpx API that the
generated code speaks and swaps only the wire. aiohttp errors are mapped onto httpx's
exception types with care for one distinction the retry policy relies on: an error raised
before the request was sent (``ConnectError``, ``ConnectTimeout``) versus after (read errors,
a server that disconnected), because only the former is safe to repeat for a write.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from contextlib import contextmanager, suppress

import aiohttp
import httpx
import yarl

__all__ = ["AiohttpTransport"]


@contextmanager
def _mapped_errors(request: httpx.Request) -> Iterator[None]:
    """Re-raise aiohttp errors as httpx ones; anything ambiguous counts as possibly sent."""
    try:
        yield
    except aiohttp.ConnectionTimeoutError as exc:
        raise httpx.ConnectTimeout(str(exc) or "connect timed out", request=request) from exc
    except (aiohttp.SocketTimeoutError, aiohttp.ServerTimeoutError, TimeoutError) as exc:
        raise httpx.ReadTimeout(str(exc) or "timed out", request=request) from exc
    except aiohttp.ClientConnectorError as exc:
        raise httpx.ConnectError(str(exc), request=request) from exc
    except aiohttp.ServerDisconnectedError as exc:
        raise httpx.RemoteProtocolError(
            "server disconnected without a complete response", request=request
        ) from exc
    except aiohttp.ClientPayloadError as exc:
        raise httpx.RemoteProtocolError(
            f"incomplete response body: {exc}", request=request
        ) from exc
    except aiohttp.ClientResponseError as exc:
        raise httpx.RemoteProtocolError(
            f"malformed response: {exc.message}", request=request
        ) from exc
    except (aiohttp.InvalidURL, aiohttp.NonHttpUrlClientError) as exc:
        raise httpx.UnsupportedProtocol(str(exc), request=request) from exc
    except (aiohttp.ClientOSError, aiohttp.ClientConnectionError) as exc:
        raise httpx.ReadError(str(exc) or type(exc).__name__, request=request) from exc


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, response: aiohttp.ClientResponse, request: httpx.Request) -> None:
        self._response = response
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        # One read of the whole body: the retry layer above holds all of it anyway, and one
        # await costs less than a loop of chunks (bench/, scenario 2).
        with _mapped_errors(self._request):
            body = await self._response.read()
        if body:
            yield body

    async def aclose(self) -> None:
        self._response.release()


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Async transport over an ``aiohttp.ClientSession``, one session per event loop.

    A session belongs to the loop it was made in; when the client is used from a new loop
    (notebooks, successive ``asyncio.run`` calls) a fresh session is made for it, and the
    old one is closed as its loop shuts down (see ``_close_with_loop``).
    """

    def __init__(
        self,
        *,
        limits: httpx.Limits,
        verify: bool | ssl.SSLContext = True,
    ) -> None:
        self._limit = limits.max_connections or 0
        self._keepalive = limits.keepalive_expiry
        self._ssl: bool | ssl.SSLContext = verify
        self._loop: asyncio.AbstractEventLoop | None = None
        self._session: aiohttp.ClientSession | None = None
        self._closer: AsyncGenerator[None, None] | None = None

    async def _session_for_running_loop(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is not None and self._loop is loop and not self._session.closed:
            return self._session
        self._abandon_session()
        connector = aiohttp.TCPConnector(
            limit=self._limit,
            keepalive_timeout=self._keepalive if self._keepalive is not None else 15.0,
            ssl=self._ssl,
        )
        session = aiohttp.ClientSession(
            connector=connector, auto_decompress=False, cookie_jar=aiohttp.DummyCookieJar()
        )
        # aiohttp quietly re-sends an idempotent request once when a connection drops;
        # the retry layer above owns retries (counted, logged, bounded by max_retries).
        if hasattr(session, "_retry_connection"):
            session._retry_connection = False
        self._session, self._loop = session, loop
        self._closer = _close_with_loop(session)
        await anext(self._closer)
        return session

    def _abandon_session(self) -> None:
        """Let go of a session from another loop; close its sockets if that loop cannot."""
        session, self._session = self._session, None
        closer, self._closer = self._closer, None
        if session is not None and not session.closed:
            # Its loop ended without shutting down its async generators (or runs elsewhere):
            # close the connector's transports now rather than leak them.
            connector = session.connector
            session.detach()
            if connector is not None:
                connector.close()
        if closer is not None:
            _finish(closer)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        session = await self._session_for_running_loop()
        timeouts = request.extensions.get("timeout", {})
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=timeouts.get("pool"),
            sock_connect=timeouts.get("connect"),
            sock_read=timeouts.get("read"),
        )
        body = await request.aread()
        with _mapped_errors(request):
            response = await session.request(
                request.method,
                # httpx has already percent-encoded the URL; yarl must not re-normalise it
                # (it would resolve an encoded "%2E%2E" path segment into "..").
                yarl.URL(str(request.url), encoded=True),
                headers=request.headers.multi_items(),
                data=body or None,
                allow_redirects=False,
                timeout=timeout,
                skip_auto_headers=("Content-Type",),
            )
        return httpx.Response(
            response.status,
            headers=response.raw_headers,
            stream=_ResponseStream(response, request),
            extensions={
                "http_version": b"HTTP/1.1",
                "reason_phrase": (response.reason or "").encode(),
            },
        )

    async def aclose(self) -> None:
        session, self._session = self._session, None
        closer, self._closer = self._closer, None
        if session is None or session.closed:
            if closer is not None:
                _finish(closer)
            return
        if self._loop is asyncio.get_running_loop():
            await session.close()
            if closer is not None:
                await closer.aclose()
        else:
            self._session, self._closer = session, closer
            self._abandon_session()


async def _close_with_loop(session: aiohttp.ClientSession) -> AsyncGenerator[None, None]:
    """Suspended for the session's lifetime; closes it when its event loop shuts down.

    An async generator started in a loop is closed by that loop's ``shutdown_asyncgens()``,
    which ``asyncio.run()`` (and every well-behaved runner) calls before closing the loop,
    so a session left behind when a client moves on to a new loop is closed in its own loop.
    """
    try:
        yield
    finally:
        if not session.closed:
            await session.close()


def _finish(closer: AsyncGenerator[None, None]) -> None:
    """End a ``_close_with_loop`` generator whose session is already closed, from any loop.

    With the session closed its ``finally`` does not await, so one step completes it; left
    to the garbage collector, it would be handed to its (maybe closed) loop to finish.
    """
    with suppress(StopIteration):
        closer.aclose().send(None)
