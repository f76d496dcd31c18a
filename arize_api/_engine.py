"""The one request pipeline: build a request once, send it with retries, map every failure.

A generated operation hands the engine its ``Operation`` facts (``OP``), the request parts it
built from the call's arguments (path, query, headers, JSON body) and its parser. The engine
then, in one pass forward:

1. builds the request once: URL, headers (auth by ``OP.legacy_auth``), body bytes, and the
   per-request options (``timeout``, ``max_retries``, ``extra_*``);
2. sends it through the wire with one deadline per attempt, retrying above the wire as
   ``RetryPolicy`` decides from ``OP`` (never a write that may have reached the server);
3. maps every failure to an ``ArizeError`` and every non-2xx answer to an ``APIStatusError``;
4. gives a 2xx ``RawResponse`` to the parser and returns a ``Response``.

``_Core`` makes every decision; ``SyncEngine`` and ``AsyncEngine`` only drive it (send, sleep).
"""

from __future__ import annotations

import email.utils
import json
import logging
import math
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final, Protocol, TypedDict, TypeVar
from urllib.parse import quote

import attrs
import httpx

from ._config import attempt_seconds
from ._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    ArizeError,
    InvalidRequestError,
    ResponseTooLargeError,
    error_for_response,
)
from ._operation import Operation
from ._release_stage import notice_release_stage
from ._response import RawResponse, RequestInfo, Response
from ._wires import (
    WireBodyTooLarge,
    WireDecodeError,
    WireError,
    WireInvalidRequest,
    WireRequest,
    WireResponse,
    WireTimeout,
)

__all__ = [
    "AsyncEngine",
    "EngineSettings",
    "RequestOptions",
    "RetryPolicy",
    "SyncEngine",
    "TimeoutLike",
]

logger = logging.getLogger("arize_api")

T = TypeVar("T")
TimeoutLike = float | httpx.Timeout
Parser = Callable[[RawResponse], T]

RETRYABLE_STATUSES: Final = frozenset({429, 500, 502, 503, 504})
# A URL component longer than this is refused by every HTTP stack we know of (httpx says so).
MAX_QUERY_LENGTH: Final = 65_536
V1_SPACE_ID_HEADER: Final = "Grpc-Metadata-space_id"
V1_SPACE_KEY_HEADER: Final = "Grpc-Metadata-space"  # the space key, as SDK 6.x-7.x send it


class RequestOptions(TypedDict, total=False):
    """Per-request options every operation and namespace method takes as keywords."""

    timeout: TimeoutLike
    """Seconds this attempt may take, all of it: connect, send, wait, read."""
    max_retries: int
    """Retries of this request when it is safe to repeat."""
    extra_headers: Mapping[str, str]
    """Headers to add (or override) on this request."""
    extra_query: Mapping[str, object]
    """Query parameters to add to this request."""
    extra_body: Mapping[str, object]
    """Members to add to this request's JSON body."""


OPTION_NAMES: Final = frozenset(RequestOptions.__annotations__)


@attrs.frozen
class RetryPolicy:
    """When and how long to wait before trying a request again.

    Operations that are safe to repeat (``Operation.idempotent``: GET, PUT, DELETE, and POSTs
    the spec marks ``x-idempotent``, such as searches) are retried on connection errors,
    timeouts, 429 and 500/502/503/504. Others (creates, updates) are retried only when the
    server cannot have acted on them: a 429, or a connection that failed before the request was
    sent. A write is never duplicated. Operations whose spec declares a 503 use it for "partly
    done, send the whole request again", so they are retried on 503 too.
    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0

    def backoff(self, retry: int) -> float:
        """Exponential backoff with full jitter in its upper half, capped at ``max_delay``."""
        ceiling = min(self.max_delay, self.initial_delay * 2.0**retry)
        return ceiling * (0.5 + random.random() / 2)

    def delay_after_status(
        self, op: Operation, response: RawResponse, retry: int, max_retries: int
    ) -> float | None:
        """Seconds before retry ``retry + 1`` after ``response``; None: accept it."""
        status = response.status_code
        if retry >= max_retries or status not in RETRYABLE_STATUSES:
            return None
        if not (status == 429 or op.idempotent or (status == 503 and op.retry_whole_on_503)):
            return None
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        return self.backoff(retry)

    def delay_after_error(
        self, op: Operation, error: WireError, retry: int, max_retries: int
    ) -> float | None:
        """Seconds before retrying after ``error``; None: give up."""
        if retry >= max_retries or isinstance(error, WireBodyTooLarge | WireDecodeError):
            return None
        if isinstance(error, WireInvalidRequest):
            return None
        if not error.sent or op.idempotent:
            return self.backoff(retry)
        return None


def parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` as seconds from now: delta-seconds or an HTTP date; None if absent or bad."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


@attrs.frozen
class EngineSettings:
    """What every request of one client shares, resolved once at construction."""

    base_url: str
    api_key: str = attrs.field(repr=False)
    space_id: str | None
    space_key: str | None = attrs.field(repr=False)
    timeout: float
    max_retries: int
    default_headers: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    user_agent: str = ""
    retry_policy: RetryPolicy = RetryPolicy()
    warn_alpha: bool = True


@attrs.define(slots=True)
class _Prepared:
    op: Operation
    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None
    timeout: float
    max_retries: int
    info: RequestInfo


class _Core:
    """Every decision of the pipeline, free of I/O: shared by the sync and async drivers."""

    def __init__(self, settings: EngineSettings) -> None:
        self.settings = settings
        base = {
            "User-Agent": settings.user_agent,
            "Accept": "application/json, application/problem+json",
            "Accept-Encoding": "gzip, deflate",
            **settings.default_headers,
        }
        self._v2_headers = {**base, "Authorization": f"Bearer {settings.api_key}"}
        self._v1_headers = {**base, "Authorization": settings.api_key}
        if settings.space_id:
            self._v1_headers[V1_SPACE_ID_HEADER] = settings.space_id
        if settings.space_key:
            self._v1_headers[V1_SPACE_KEY_HEADER] = settings.space_key
        self._secrets = tuple(
            s for s in {settings.api_key, settings.space_key or ""} if len(s) >= 4
        )
        self._base_url = settings.base_url.rstrip("/")

    # ------------------------------------------------------------------ building

    def prepare(
        self, op: Operation, parts: Mapping[str, Any], options: Mapping[str, Any]
    ) -> _Prepared:
        if options and not OPTION_NAMES.issuperset(options):
            unknown = ", ".join(sorted(set(options) - OPTION_NAMES))
            raise TypeError(
                f"{op.name}() got unknown option(s): {unknown}; the per-request options are "
                f"{', '.join(sorted(OPTION_NAMES))}"
            )
        if self.settings.warn_alpha and op.stage == "alpha":
            notice_release_stage(op)
        headers = dict(self._v1_headers if op.legacy_auth else self._v2_headers)
        given = parts.get("headers")
        if given:
            headers.update(given)
        extra_headers = options.get("extra_headers")
        if extra_headers:
            headers.update(extra_headers)
        url = self._base_url + parts["url"]
        query = encode_query(parts.get("params"), options.get("extra_query"))
        if query:
            if len(query) > MAX_QUERY_LENGTH:
                raise InvalidRequestError(
                    f"cannot send this request: URL component 'query' too long "
                    f"({len(query):,} characters); a URL component may be at most "
                    f"{MAX_QUERY_LENGTH:,} characters once percent-encoded: pass shorter or "
                    "fewer query values"
                )
            url = f"{url}?{query}"
        body = encode_body(op, parts, options.get("extra_body"))
        if body is not None and "Content-Type" not in headers:
            headers["Content-Type"] = "application/json"
        timeout = options.get("timeout")
        max_retries = options.get("max_retries")
        if max_retries is not None and (
            isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0
        ):
            raise TypeError(f"max_retries must be an integer >= 0, got {max_retries!r}")
        info = RequestInfo(op.method, url, parts["url"], headers, self._secrets)
        return _Prepared(
            op=op,
            method=op.method,
            url=url,
            headers=headers,
            body=body,
            timeout=self.settings.timeout if timeout is None else attempt_seconds(timeout),
            max_retries=self.settings.max_retries if max_retries is None else max_retries,
            info=info,
        )

    def wire_request(self, prepared: _Prepared) -> WireRequest:
        return WireRequest(
            method=prepared.method,
            url=prepared.url,
            headers=prepared.headers,
            body=prepared.body,
            deadline=time.monotonic() + prepared.timeout,
        )

    # ------------------------------------------------------------------ deciding

    def raw(self, prepared: _Prepared, response: WireResponse) -> RawResponse:
        return RawResponse(
            status_code=response.status,
            headers=response.headers,
            content=response.body,
            request=prepared.info,
            elapsed=response.elapsed,
        )

    def after_response(self, prepared: _Prepared, raw: RawResponse, retry: int) -> float | None:
        policy = self.settings.retry_policy
        delay = policy.delay_after_status(prepared.op, raw, retry, prepared.max_retries)
        if delay is None:
            _log_done(prepared, raw, retry)
        else:
            _log_retry(prepared, f"status {raw.status_code}", delay, retry, raw.request_id)
        return delay

    def after_error(self, prepared: _Prepared, error: WireError, retry: int) -> float | None:
        policy = self.settings.retry_policy
        delay = policy.delay_after_error(prepared.op, error, retry, prepared.max_retries)
        if delay is not None:
            _log_retry(prepared, type(error).__name__.removeprefix("Wire"), delay, retry, None)
        return delay

    def undecodable(self, prepared: _Prepared, error: WireDecodeError) -> RawResponse | None:
        """An answer whose status was read but whose body would not decode, as a response
        with no body: a 2xx that promises nothing (``/v1/log``) still succeeds."""
        status = error.status
        if status is None:
            return None
        return RawResponse(
            status_code=status,
            headers=error.headers or {},
            content=b"",
            request=prepared.info,
            undecodable=prepared.info.redact(error.message),
        )

    def failure(self, prepared: _Prepared, error: WireError, retry: int) -> ArizeError:
        info = prepared.info
        where = f"{info.method} {info.url.split('?', 1)[0]}"
        tries = f" after {retry + 1} attempts" if retry else ""
        detail = info.redact(error.message or type(error).__name__)
        if isinstance(error, WireTimeout):
            return APITimeoutError(
                f"{where} timed out{tries}: {detail}; raise timeout= (seconds per attempt) on "
                "the client, with_options() or this call if the server is known to be slow",
                request=info,
            )
        if isinstance(error, WireBodyTooLarge):
            return ResponseTooLargeError(
                f"{where}: {detail}; raise max_response_bytes= on the client if such an "
                "answer is expected",
                limit=error.limit,
                request=info,
            )
        if isinstance(error, WireInvalidRequest):
            return InvalidRequestError(f"cannot send {where}: {detail}")
        return APIConnectionError(f"{where} failed{tries}: {detail}", request=info)

    def finish(self, prepared: _Prepared, raw: RawResponse, parse: Parser[T]) -> Response[T]:
        """The parsed answer, or the error a non-2xx answer (or an unreadable body) means."""
        if not 200 <= raw.status_code < 300:
            raise error_for_response(raw)
        try:
            parsed = parse(raw)
        except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as error:
            raise APIResponseValidationError(raw, error) from error
        return Response(
            status_code=raw.status_code,
            headers=raw.headers,
            content=raw.content,
            parsed=parsed,
            request_id=raw.request_id,
            elapsed=raw.elapsed,
        )


class SyncWire(Protocol):
    def send(self, request: WireRequest) -> WireResponse: ...
    def close(self) -> None: ...


class AsyncWire(Protocol):
    async def send(self, request: WireRequest) -> WireResponse: ...
    async def aclose(self) -> None: ...


class SyncEngine:
    """Drives ``_Core`` with a blocking wire (urllib3, or a user's ``httpx.Client``)."""

    def __init__(self, settings: EngineSettings, wire: SyncWire) -> None:
        self.core = _Core(settings)
        self.wire = wire

    def request(
        self,
        op: Operation,
        parts: Mapping[str, Any],
        parse: Parser[T],
        options: Mapping[str, Any],
    ) -> Response[T]:
        core = self.core
        prepared = core.prepare(op, parts, options)
        retry = 0
        while True:
            try:
                raw = core.raw(prepared, self.wire.send(core.wire_request(prepared)))
            except WireDecodeError as error:
                got = core.undecodable(prepared, error)
                if got is None:
                    raise core.failure(prepared, error, retry) from error
                raw = got
            except WireError as error:
                delay = core.after_error(prepared, error, retry)
                if delay is None:
                    raise core.failure(prepared, error, retry) from error
                time.sleep(delay)
                retry += 1
                continue
            delay = core.after_response(prepared, raw, retry)
            if delay is None:
                return core.finish(prepared, raw, parse)
            time.sleep(delay)
            retry += 1

    def close(self) -> None:
        self.wire.close()


class AsyncEngine:
    """Drives ``_Core`` with an asyncio wire (aiohttp, or a user's ``httpx.AsyncClient``)."""

    def __init__(self, settings: EngineSettings, wire: AsyncWire) -> None:
        self.core = _Core(settings)
        self.wire = wire

    async def request(
        self,
        op: Operation,
        parts: Mapping[str, Any],
        parse: Parser[T],
        options: Mapping[str, Any],
    ) -> Response[T]:
        core = self.core
        prepared = core.prepare(op, parts, options)
        retry = 0
        while True:
            try:
                raw = core.raw(prepared, await self.wire.send(core.wire_request(prepared)))
            except WireDecodeError as error:
                got = core.undecodable(prepared, error)
                if got is None:
                    raise core.failure(prepared, error, retry) from error
                raw = got
            except WireError as error:
                delay = core.after_error(prepared, error, retry)
                if delay is None:
                    raise core.failure(prepared, error, retry) from error
                await _asleep(delay)
                retry += 1
                continue
            delay = core.after_response(prepared, raw, retry)
            if delay is None:
                return core.finish(prepared, raw, parse)
            await _asleep(delay)
            retry += 1

    async def aclose(self) -> None:
        await self.wire.aclose()


def _asleep(delay: float) -> Awaitable[None]:
    import asyncio  # here, not at the top: sync users need not load it (15 ms)

    return asyncio.sleep(delay)


# ---------------------------------------------------------------------- request parts


def encode_query(params: Mapping[str, Any] | None, extra: Mapping[str, object] | None) -> str:
    """``params`` then ``extra`` as a query string; lists become repeated keys, as httpx does."""
    if not params and not extra:
        return ""
    pairs: list[str] = []
    for source in (params, extra):
        if not source:
            continue
        for key, value in source.items():
            name = quote(str(key), safe="")
            for item in value if isinstance(value, list | tuple) else (value,):
                pairs.append(f"{name}={quote(_query_value(item), safe='')}")
    return "&".join(pairs)


def _query_value(value: object) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    return str(value)


def encode_body(
    op: Operation, parts: Mapping[str, Any], extra: Mapping[str, object] | None
) -> bytes | None:
    """The JSON body as bytes (compact, UTF-8), with ``extra_body`` merged into its top level."""
    if "json" not in parts:
        if not extra:
            return None
        body: Any = dict(extra)
    else:
        body = parts["json"]
        if extra:
            if not isinstance(body, dict):
                raise InvalidRequestError(
                    f"extra_body= adds members to a JSON object, but {op.name} sends a "
                    f"{type(body).__name__}"
                )
            body = {**body, **extra}
    try:
        return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
    except (TypeError, ValueError) as error:
        raise InvalidRequestError(
            f"cannot send {op.name}: its body is not JSON ({error})"
        ) from None


# ---------------------------------------------------------------------- logging


def _log_done(prepared: _Prepared, raw: RawResponse, retry: int) -> None:
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "%s %s -> %d in %.1f ms (retries: %d, request id: %s)",
            prepared.method,
            prepared.info.path,
            raw.status_code,
            raw.elapsed * 1000,
            retry,
            raw.request_id or "-",
        )


def _log_retry(
    prepared: _Prepared, reason: str, delay: float, retry: int, request_id: str | None
) -> None:
    logger.info(
        "%s %s: %s; retry %d of %d in %.2f s (request id: %s)",
        prepared.method,
        prepared.info.path,
        reason,
        retry + 1,
        prepared.max_retries,
        delay,
        request_id or "-",
    )
