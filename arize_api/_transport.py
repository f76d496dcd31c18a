"""The one request pipeline under both clients: retries with backoff, logging, connection errors.

Sits between httpx's client (which has already applied base URL, headers, auth and timeout)
and whatever moves bytes: httpx's own transport, the aiohttp-backed one, or a user's client.
Status codes are not turned into exceptions here: the generated operations do that through
``errors.error_for_response`` once retries are exhausted.

The body is read here, inside the retry loop, so a connection that drops mid-body is a
transport failure like any other (retried when safe, else ``APIConnectionError``) rather
than an httpx error escaping later from the client's own read.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from typing import Final

import attrs
import httpx

from ._errors import UNDECODABLE_BODY, APIConnectionError, APITimeoutError, ArizeError
from ._release_stage import notice_release_stage
from .api._stages import RETRY_WHOLE_ON_503

__all__ = [
    "AsyncClientTransport",
    "AsyncRetryTransport",
    "ClientTransport",
    "RetryPolicy",
    "RetryTransport",
]

logger = logging.getLogger("arize_api")

RETRYABLE_STATUSES: Final = frozenset({429, 500, 502, 503, 504})
IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# POST operations that only read (filters in the body) are as safe to repeat as a GET.
READ_ONLY_OPERATION_PREFIXES: Final = ("list_", "search_")
# Raised before any byte of the request reached the server: safe to retry even a create.
NOT_SENT_ERRORS: Final = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@attrs.frozen
class RetryPolicy:
    """When and how long to wait before trying a request again.

    Idempotent requests (GET, PUT, DELETE, and read-only POSTs such as searches) are retried
    on connection errors, timeouts, 429 and 500/502/503/504. Requests that create or change
    something (POST, PATCH) are retried only when the server cannot have acted on them: a 429,
    or a connection that failed before the request was sent. A write is never duplicated.
    The exception: operations whose spec declares a 503 use it for "partly done, send the whole
    request again" (``POST /v2/webhooks/{id}/test``), so it is retried on 503.
    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0

    def is_idempotent(self, request: httpx.Request) -> bool:
        if request.method in IDEMPOTENT_METHODS:
            return True
        return _operation(request).startswith(READ_ONLY_OPERATION_PREFIXES)

    def backoff(self, retry: int) -> float:
        """Exponential backoff with full jitter in its upper half, capped at ``max_delay``."""
        ceiling = min(self.max_delay, self.initial_delay * 2.0**retry)
        return ceiling * (0.5 + random.random() / 2)

    def delay_after_response(
        self, request: httpx.Request, response: httpx.Response, retry: int
    ) -> float | None:
        """Seconds to wait before retry number ``retry + 1``, or None to accept ``response``."""
        if retry >= self.max_retries or response.status_code not in RETRYABLE_STATUSES:
            return None
        if not self._may_repeat(request, response.status_code):
            return None
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        return self.backoff(retry)

    def _may_repeat(self, request: httpx.Request, status: int) -> bool:
        """Whether a request answered ``status`` (retryable) may be sent again."""
        if status == 429 or self.is_idempotent(request):
            return True  # a 429 was refused before it was acted on
        return status == 503 and _operation(request) in RETRY_WHOLE_ON_503

    def delay_after_error(
        self, request: httpx.Request, error: httpx.TransportError, retry: int
    ) -> float | None:
        """Seconds to wait before retrying after ``error``, or None to give up."""
        if retry >= self.max_retries:
            return None
        if isinstance(error, NOT_SENT_ERRORS) or self.is_idempotent(request):
            return self.backoff(retry)
        return None


def _operation(request: httpx.Request) -> str:
    """The generated operation that built ``request`` (``""`` for any other request)."""
    operation = request.extensions.get("arize_operation", "")
    return operation if isinstance(operation, str) else ""


def parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` as seconds from now: delta-seconds or an HTTP date; None if absent or bad."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class _Attempts:
    """Bookkeeping for one logical request across its attempts (shared by sync and async)."""

    def __init__(self, policy: RetryPolicy, request: httpx.Request) -> None:
        self.policy = policy
        self.request = request
        self.retries = 0
        self.started = time.perf_counter()

    def after_response(self, response: httpx.Response) -> float | None:
        delay = self.policy.delay_after_response(self.request, response, self.retries)
        if delay is None:
            self._log_done(response)
        else:
            self._log_retry(f"status {response.status_code}", delay, response)
        return delay

    def after_error(self, error: httpx.TransportError) -> float | None:
        delay = self.policy.delay_after_error(self.request, error, self.retries)
        if delay is not None:
            self._log_retry(type(error).__name__, delay, None)
        return delay

    def failure(self, error: httpx.TransportError) -> APIConnectionError:
        request = self.request
        where = f"{request.method} {request.url.scheme}://{request.url.netloc.decode()}{request.url.path}"
        tries = f" after {self.retries + 1} attempts" if self.retries else ""
        if isinstance(error, httpx.TimeoutException):
            return APITimeoutError(
                f"{where} timed out{tries} ({type(error).__name__}); raise timeout= on the client "
                "or with_options(timeout=...) if the server is known to be slow",
                request=request,
            )
        detail = str(error) or type(error).__name__
        return APIConnectionError(f"{where} failed{tries}: {detail}", request=request)

    def _log_done(self, response: httpx.Response) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> %d in %.1f ms (retries: %d, request id: %s)",
                self.request.method,
                self.request.url.path,
                response.status_code,
                (time.perf_counter() - self.started) * 1000,
                self.retries,
                response.headers.get("x-request-id", "-"),
            )

    def _log_retry(self, reason: str, delay: float, response: httpx.Response | None) -> None:
        self.retries += 1
        logger.info(
            "%s %s: %s; retry %d of %d in %.2f s (request id: %s)",
            self.request.method,
            self.request.url.path,
            reason,
            self.retries,
            self.policy.max_retries,
            delay,
            response.headers.get("x-request-id", "-") if response is not None else "-",
        )


_ENCODING_HEADERS: Final = frozenset({"content-encoding", "content-length"})


def _buffered(response: httpx.Response, raw: bytes) -> httpx.Response:
    """``response`` with its body held in memory, decoded here when it is compressed.

    Decoding inside the pipeline keeps a body that cannot be decoded (``hello`` labelled gzip)
    from raising a bare httpx error later: the answer keeps its status, with an empty body and
    the reason in ``extensions[UNDECODABLE_BODY]``. An operation with nothing to read in its
    answer (a 2xx of ``/v1/log``) then still succeeds; one with a body to parse raises
    ``APIResponseValidationError`` saying so.
    """
    if "content-encoding" not in response.headers:
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=httpx.ByteStream(raw),
            extensions=response.extensions,
        )
    encoded = httpx.Response(
        response.status_code, headers=response.headers, stream=httpx.ByteStream(raw)
    )
    extensions = dict(response.extensions)
    try:
        body = encoded.read()
    except httpx.DecodingError as error:
        body = b""
        encoding = response.headers["content-encoding"]
        extensions[UNDECODABLE_BODY] = (
            f"its body is labelled {encoding} but does not decode: {error}"
        )
    headers = [
        (k, v) for k, v in response.headers.multi_items() if k.lower() not in _ENCODING_HEADERS
    ]
    return httpx.Response(
        response.status_code, headers=headers, content=body, extensions=extensions
    )


def _read(response: httpx.Response) -> httpx.Response:
    stream = response.stream
    if not isinstance(stream, httpx.SyncByteStream):
        raise TypeError(f"a sync transport returned a {type(stream).__name__} body")
    try:
        return _buffered(response, b"".join(stream))
    finally:
        stream.close()


async def _aread(response: httpx.Response) -> httpx.Response:
    stream = response.stream
    if not isinstance(stream, httpx.AsyncByteStream):
        raise TypeError(f"an async transport returned a {type(stream).__name__} body")
    try:
        return _buffered(response, b"".join([chunk async for chunk in stream]))
    finally:
        await stream.aclose()


class RetryTransport(httpx.BaseTransport):
    """Wraps a sync transport with the retry policy, logging and connection-error mapping."""

    def __init__(
        self, inner: httpx.BaseTransport, policy: RetryPolicy, *, warn_alpha: bool = True
    ) -> None:
        self.inner = inner
        self.policy = policy
        self.warn_alpha = warn_alpha

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.warn_alpha:
            notice_release_stage(request)
        attempts = _Attempts(self.policy, request)
        while True:
            try:
                response = _read(self.inner.handle_request(request))
            except httpx.TransportError as error:
                delay = attempts.after_error(error)
                if delay is None:
                    raise attempts.failure(error) from error
            else:
                delay = attempts.after_response(response)
                if delay is None:
                    return response
            time.sleep(delay)

    def close(self) -> None:
        self.inner.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """Wraps an async transport with the retry policy, logging and connection-error mapping."""

    def __init__(
        self, inner: httpx.AsyncBaseTransport, policy: RetryPolicy, *, warn_alpha: bool = True
    ) -> None:
        self.inner = inner
        self.policy = policy
        self.warn_alpha = warn_alpha

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.warn_alpha:
            notice_release_stage(request)
        attempts = _Attempts(self.policy, request)
        while True:
            try:
                response = await _aread(await self.inner.handle_async_request(request))
            except httpx.TransportError as error:
                delay = attempts.after_error(error)
                if delay is None:
                    raise attempts.failure(error) from error
            else:
                delay = attempts.after_response(response)
                if delay is None:
                    return response
            import asyncio  # here, not at the top: sync users need not load it (15 ms)

            await asyncio.sleep(delay)

    async def aclose(self) -> None:
        await self.inner.aclose()


class ClientTransport(httpx.BaseTransport):
    """Sends through a user-supplied ``httpx.Client`` (its pool, proxies, TLS and hooks)."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.client.send(request, stream=True)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=response.stream,
            extensions=response.extensions,
        )

    def close(self) -> None:
        """The user's client is theirs to close."""


class AsyncClientTransport(httpx.AsyncBaseTransport):
    """Sends through a user-supplied ``httpx.AsyncClient``."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = await self.client.send(request, stream=True)
        except RuntimeError as error:
            if "loop is closed" not in str(error):
                raise
            raise ArizeError(
                "the httpx.AsyncClient given as http_client= holds connections from an event "
                "loop that has closed, and an httpx.AsyncClient works in one event loop only: "
                "create it (and the AsyncArizeClient) inside the loop that uses it, or leave "
                "out http_client= (the default transport follows the running loop)"
            ) from error
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=response.stream,
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        """The user's client is theirs to close."""
