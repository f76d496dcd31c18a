"""An httpx sync transport that moves bytes with urllib3.

httpx's own sync transport (httpcore) costs more CPU per request than urllib3, and its
connection pool takes one lock for every request and every response it hands back: with a few
dozen threads sending at once, threads spend most of their time queued on that lock (bench/,
scenario 2: 64 threads got a fifth of the official SDK's calls per second, which sends
through urllib3). This keeps the httpx API that the generated code speaks and swaps only the
wire, as the async client does with aiohttp. urllib3 errors are mapped onto httpx's exception
types with care for the distinction the retry policy relies on: an error raised before the
request was sent (``ConnectError``, ``ConnectTimeout``, ``PoolTimeout``) versus after (read
errors, a server that disconnected), because only the former is safe to repeat for a write.
urllib3's own retries and redirects are off: the retry layer above owns both decisions.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    EmptyPoolError,
    LocationValueError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)
from urllib3.exceptions import HTTPError as Urllib3Error

__all__ = ["Urllib3Transport"]

_NO_BODY_STATUSES = frozenset({204, 304})


@contextmanager
def _mapped_errors(request: httpx.Request) -> Iterator[None]:
    """Re-raise urllib3 errors as httpx ones; anything ambiguous counts as possibly sent."""
    try:
        yield
    except EmptyPoolError as exc:
        raise httpx.PoolTimeout(str(exc) or "no connection free", request=request) from exc
    except NewConnectionError as exc:  # a subclass of ConnectTimeoutError: first
        raise httpx.ConnectError(str(exc), request=request) from exc
    except ConnectTimeoutError as exc:
        raise httpx.ConnectTimeout(str(exc) or "connect timed out", request=request) from exc
    except SSLError as exc:  # the TLS handshake: nothing of the request went out
        raise httpx.ConnectError(str(exc), request=request) from exc
    except ReadTimeoutError as exc:
        raise httpx.ReadTimeout(str(exc) or "timed out", request=request) from exc
    except LocationValueError as exc:
        raise httpx.UnsupportedProtocol(str(exc), request=request) from exc
    except ProtocolError as exc:
        raise httpx.RemoteProtocolError(
            f"connection broken before a complete response: {exc}", request=request
        ) from exc
    except (Urllib3Error, OSError) as exc:
        raise httpx.ReadError(str(exc) or type(exc).__name__, request=request) from exc


def _check_framing(request: httpx.Request, response: urllib3.BaseHTTPResponse) -> None:
    """Refuse an answer whose end cannot be known: a bad length, or none at all.

    Python's HTTP parser takes a header block cut off by a closed connection for a complete
    one and then reads the body until the connection closes; so does a reply whose
    ``Content-Length`` is not a number. httpx's own transport and aiohttp refuse both
    (a connection error, retried when safe). Here the same: a body must carry a valid
    ``Content-Length`` or chunked encoding unless it has none (HEAD, 1xx, 204, 304). A body
    delimited only by the connection closing is refused too: it cannot be told apart from
    one cut short, and the Arize API never sends one.
    """
    status = response.status
    if request.method == "HEAD" or status < 200 or status in _NO_BODY_STATUSES:
        return
    headers = response.headers
    lengths = headers.getlist("content-length")
    if lengths:
        values = {part.strip() for value in lengths for part in value.split(",")}
        length, *others = values
        if others or not (length.isascii() and length.isdigit()):
            raise httpx.RemoteProtocolError(
                f"malformed Content-Length in the response: {', '.join(lengths)!r}",
                request=request,
            )
        return
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return
    raise httpx.RemoteProtocolError(
        "the response has neither a Content-Length nor chunked encoding: its end cannot be "
        "told from a connection cut short (or its header block was cut off)",
        request=request,
    )


class _ResponseStream(httpx.SyncByteStream):
    def __init__(self, response: urllib3.BaseHTTPResponse, request: httpx.Request) -> None:
        self._response = response
        self._request = request
        self._complete = False

    def __iter__(self) -> Iterator[bytes]:
        # One read of the whole body: the retry layer above holds all of it anyway.
        with _mapped_errors(self._request):
            body = self._response.read(decode_content=False)
        self._complete = True
        if body:
            yield body

    def close(self) -> None:
        if not self._complete:  # cut short: the connection may hold the rest, drop it
            self._response.close()
        self._response.release_conn()


class Urllib3Transport(httpx.BaseTransport):
    """Sync transport over urllib3 connection pools (one of ``limits`` per origin).

    The TLS context is httpx's own (``httpx.create_ssl_context``: the same CA bundle and
    environment variables as ``httpx.HTTPTransport``), made on the first HTTPS request.
    """

    def __init__(
        self,
        *,
        limits: httpx.Limits,
        verify: bool | ssl.SSLContext = True,
    ) -> None:
        self._verify = verify
        self._ssl_context: ssl.SSLContext | None = None
        self._maxsize = limits.max_connections or 10
        self._block = limits.max_connections is not None  # a hard limit, as httpx's pool has
        self._pools: dict[tuple[str, str, int | None], urllib3.HTTPConnectionPool] = {}
        self._timeouts: dict[tuple[float | None, float | None], urllib3.Timeout] = {}
        self._lock = threading.Lock()

    def _pool(self, scheme: str, host: str, port: int | None) -> urllib3.HTTPConnectionPool:
        key = (scheme, host, port)
        pool = self._pools.get(key)
        if pool is None:
            with self._lock:
                pool = self._pools.get(key)
                if pool is None:
                    options: dict[str, Any] = {
                        "maxsize": self._maxsize,
                        "block": self._block,
                        "retries": False,
                    }
                    if scheme == "https":
                        pool = urllib3.HTTPSConnectionPool(
                            host, port, ssl_context=self._context(), **options
                        )
                    else:
                        pool = urllib3.HTTPConnectionPool(host, port, **options)
                    self._pools[key] = pool
        return pool

    def _timeout(self, timeouts: dict[str, float | None]) -> urllib3.Timeout:
        key = (timeouts.get("connect"), timeouts.get("read"))
        timeout = self._timeouts.get(key)
        if timeout is None:
            timeout = self._timeouts[key] = urllib3.Timeout(connect=key[0], read=key[1])
        return timeout

    def _context(self) -> ssl.SSLContext:  # under self._lock
        if self._ssl_context is None:
            verify = self._verify
            self._ssl_context = (
                verify
                if isinstance(verify, ssl.SSLContext)
                else httpx.create_ssl_context(verify=verify)
            )
        return self._ssl_context

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if url.scheme not in ("http", "https"):
            raise httpx.UnsupportedProtocol(
                f"request URL has an unsupported protocol '{url.scheme}://'", request=request
            )
        if not url.host:
            raise httpx.UnsupportedProtocol("request URL is missing a host", request=request)
        timeouts = request.extensions.get("timeout", {})
        body = request.read()
        raw = request.headers.raw
        headers: dict[str, str] | urllib3.HTTPHeaderDict = {
            key.decode("latin-1"): value.decode("latin-1") for key, value in raw
        }
        if len(headers) != len(raw) or len({key.lower() for key in headers}) != len(raw):
            headers = urllib3.HTTPHeaderDict()  # a name given twice: keep every value
            for key, value in raw:
                headers.add(key.decode("latin-1"), value.decode("latin-1"))
        with _mapped_errors(request):
            pool = self._pool(url.scheme, url.host, url.port)
            response = pool.urlopen(
                request.method,
                url.raw_path.decode("ascii"),
                body=body or None,
                headers=headers,
                retries=False,
                redirect=False,
                assert_same_host=False,
                timeout=self._timeout(timeouts),
                pool_timeout=timeouts.get("pool"),
                preload_content=False,
                decode_content=False,
                enforce_content_length=True,
            )
        try:
            _check_framing(request, response)
        except httpx.RemoteProtocolError:
            response.close()
            response.release_conn()
            raise
        return httpx.Response(
            response.status,
            headers=[
                (key.encode("latin-1"), value.encode("latin-1"))
                for key, value in response.headers.iteritems()
            ],
            stream=_ResponseStream(response, request),
            extensions={
                "http_version": b"HTTP/1.1",
                "reason_phrase": (response.reason or "").encode("latin-1"),
            },
        )

    def close(self) -> None:
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()
