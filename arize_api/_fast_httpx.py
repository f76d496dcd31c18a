"""httpx clients whose ``request()`` takes a short road for the requests arize_api makes.

``httpx.Client.request()`` is general: it merges URLs, headers, cookies and query parameters
through its parsers, runs the auth flow and redirect loop as generators, copies every header
into an ``email.message.Message`` to look for cookies, and wraps the body stream to time it.
That costs about 150 µs of CPU per request on a 2-core machine: more than aiohttp needs to
send the request and read the answer (bench/, scenario 1). The generated operations only ever
ask for one shape of request: a relative path that is already percent-encoded, primitive
query parameters, a few string headers, a JSON or byte body, and the client's own auth,
timeout and redirect settings. For that shape the clients here build the same
``httpx.Request`` directly and hand it to the same transport (the retry layer), and give back
the same ``httpx.Response``: status, headers, body, ``request``, ``elapsed``,
``next_request`` on a redirect, httpx's log line, cookies kept when the server sets one.

Anything else takes httpx's own road, unchanged: an absolute URL, one with odd characters or
a very long one, files or form data, per-request cookies, auth or timeouts, event hooks,
mounts, a cookie jar that is not empty, a client told to follow redirects, or an auth that is
not ``ArizeAuth``. So does everything when this httpx's URL internals are not the ones this was
written against (checked once per client against httpx's own URL merging).
"""

from __future__ import annotations

import datetime
import logging
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from httpx._client import USE_CLIENT_DEFAULT, ClientState

from ._auth import ArizeAuth
from ._errors import InvalidRequestError

__all__ = ["FastAsyncClient", "FastClient"]

_httpx_logger = logging.getLogger("httpx")
# A path httpx would leave exactly as it is: unreserved and sub-delimiter characters, ":", "@",
# "/" and complete percent-escapes; no dot segments (httpx would resolve them), no query.
_PLAIN_PATH = re.compile(r"/(?:[A-Za-z0-9\-_~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2}|\.(?<!/\.))*")
_PRIMITIVES = (str, int, float)  # bool is an int
_LONG_URL = 8 * 1024


def _plain_headers(headers: Any) -> bool:
    if headers is None:
        return True
    return type(headers) is dict and all(
        type(key) is str and type(value) is str for key, value in headers.items()
    )


def _plain_params(params: Any) -> bool:
    if params is None:
        return True
    return type(params) is dict and all(
        type(key) is str and isinstance(value, _PRIMITIVES) for key, value in params.items()
    )


class _Shortcut:
    """The parts of a short-road request that come from the client rather than the call."""

    def __init__(self, client: httpx.Client | httpx.AsyncClient) -> None:
        self.client = client
        self.works = self.takes_content = False
        try:
            self.works = self._agrees_with_httpx()
            self.takes_content = _content_can_be_taken()
        except Exception:  # httpx internals moved: keep to httpx's own road
            pass

    def _agrees_with_httpx(self) -> bool:
        client = self.client
        samples: list[tuple[str, dict[str, str | bool | float] | None]] = [
            ("/v2/a%2Fb/c", {"x": "1 2", "y": True, "z": 0.5}),
            ("/v1/log", None),
        ]
        for path, params in samples:
            fast = self.url(path, params)
            slow = client._merge_url(path)
            if params is not None:
                slow = slow.copy_merge_params(params)
            if fast is None or fast != slow or fast.raw_path != slow.raw_path:
                return False
        return True

    def usable(self, url: object, params: Any, headers: Any) -> bool:
        """Whether a ``request(method, url, ...)`` with no other options may take the road."""
        client = self.client
        return (
            self.works
            and type(url) is str
            and _PLAIN_PATH.fullmatch(url) is not None
            and _plain_params(params)
            and _plain_headers(headers)
            and type(client._auth) is ArizeAuth
            and not client.follow_redirects
            and not client._event_hooks["request"]
            and not client._event_hooks["response"]
            and not client._mounts
            and not client._params
            and not client.cookies.jar
            and client._state is not ClientState.CLOSED
        )

    def url(self, path: str, params: dict[str, Any] | None) -> httpx.URL:
        """``base_url`` + ``path`` (percent-encoded already) + ``params``, as httpx merges them."""
        base = self.client._base_url._uri_reference
        prefix = base.path if base.path.endswith("/") else base.path + "/"
        query = str(httpx.QueryParams(params)) if params else None
        url = httpx.URL.__new__(httpx.URL)
        url._uri_reference = base._replace(path=prefix + path[1:], query=query, fragment=None)
        return url

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, Any] | None,
        headers: dict[str, str] | None,
        json: Any,
        content: Any,
        extensions: dict[str, Any] | None,
    ) -> httpx.Request | None:
        """The request httpx would build for the same arguments, auth applied; None for a URL
        long enough that httpx's own checks should see it (it refuses a component of 64 KiB).

        Assembles the header list once, in httpx's order: ``Host``, the client's headers
        (updated by the call's), the body's ``Content-Length``/``Content-Type`` where not
        set, then the auth headers; httpx builds it in three passes of its parser.
        """
        client = self.client
        merged = client._headers
        if headers:
            merged = httpx.Headers(merged)
            merged.update(headers)
        extensions = dict(extensions) if extensions else {}
        if "timeout" not in extensions:
            extensions["timeout"] = client.timeout.as_dict()
        full = self.url(url, params)
        if len(full.raw_path) > _LONG_URL:
            return None
        body_headers, stream = httpx._content.encode_request(content=content, json=json)
        raw = merged.raw
        present = {key.lower() for key, _ in raw}
        tail: list[tuple[bytes, bytes]] = []
        for key, value in body_headers.items():
            name = key.lower().encode("ascii")
            if name == b"transfer-encoding" and b"content-length" in present:
                continue
            if name not in present:
                tail.append((key.encode("ascii"), value.encode("ascii")))
                present.add(name)
        head: list[tuple[bytes, bytes]] = []
        if b"host" not in present and full.host:
            head.append((b"Host", full.netloc))
        if (
            b"content-length" not in present
            and b"transfer-encoding" not in present
            and method.upper() in ("POST", "PUT", "PATCH")
        ):
            head.append((b"Content-Length", b"0"))
        auth = client._auth
        assert isinstance(auth, ArizeAuth)
        auth_headers = auth.raw_headers(full.path, present)
        if auth_headers is not None:
            tail += auth_headers
        request = httpx.Request(
            method, full, headers=head + raw + tail, stream=stream, extensions=extensions
        )
        if isinstance(stream, httpx.ByteStream):
            request.read()  # in memory already: as httpx.Request(content=...) does
        if auth_headers is None:
            auth.apply(request)
        return request

    def finish(self, request: httpx.Request, response: httpx.Response, started: float) -> None:
        """What httpx does to a response it got back from the transport, body included.

        A body the transport holds in memory (the retry layer's) and that has no
        ``Content-Encoding`` to undo becomes the response's content directly: what
        ``read()`` would make of it, without its chain of generators.
        """
        client = self.client
        response.request = request
        response.default_encoding = client._default_encoding
        names = {key.lower() for key, _ in response.headers.raw}
        if b"set-cookie" in names:
            client.cookies.extract_cookies(response)
        if _httpx_logger.isEnabledFor(logging.INFO):
            _httpx_logger.info(
                'HTTP Request: %s %s "%s %d %s"',
                request.method,
                request.url,
                response.http_version,
                response.status_code,
                response.reason_phrase,
            )
        if response.has_redirect_location:
            response.next_request = client._build_redirect_request(request, response)
        stream = response.stream
        if (
            self.takes_content
            and type(stream) is httpx.ByteStream
            and b"content-encoding" not in names
            and not response.is_stream_consumed
        ):
            _take_content(response, b"".join(stream))
        response.elapsed = datetime.timedelta(seconds=time.perf_counter() - started)


def _take_content(response: httpx.Response, content: bytes) -> None:
    """Give ``response`` its body as ``read()`` would leave it: content set, stream done."""
    response._content = content
    response.is_stream_consumed = True
    response.is_closed = True


def _content_can_be_taken() -> bool:
    """Whether this httpx keeps a read body where ``_take_content`` puts it."""
    response = httpx.Response(200, stream=httpx.ByteStream(b"{}"))
    _take_content(response, b'{"a": 1}')
    return response.read() == b'{"a": 1}' and response.json() == {"a": 1}


@contextmanager
def _sendable() -> Iterator[None]:
    """Turn httpx's refusal to build a URL (a component over 64 KiB) into a typed error."""
    try:
        yield
    except httpx.InvalidURL as error:
        advice = (
            "; a URL component may be at most 65,536 characters once percent-encoded: "
            "pass shorter or fewer query values"
            if "too long" in str(error)
            else ""
        )
        raise InvalidRequestError(f"cannot send this request: {error}{advice}") from None


class FastClient(httpx.Client):
    """An ``httpx.Client`` whose plain requests skip the machinery they do not use."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shortcut = _Shortcut(self)

    def request(
        self,
        method: str,
        url: httpx.URL | str,
        *,
        content: Any = None,
        data: Any = None,
        files: Any = None,
        json: Any = None,
        params: Any = None,
        headers: Any = None,
        cookies: Any = None,
        auth: Any = USE_CLIENT_DEFAULT,
        follow_redirects: Any = USE_CLIENT_DEFAULT,
        timeout: Any = USE_CLIENT_DEFAULT,
        extensions: Any = None,
    ) -> httpx.Response:
        shortcut = self._shortcut
        request: httpx.Request | None = None
        if (
            data is None
            and files is None
            and cookies is None
            and auth is USE_CLIENT_DEFAULT
            and follow_redirects is USE_CLIENT_DEFAULT
            and timeout is USE_CLIENT_DEFAULT
            and shortcut.usable(url, params, headers)
        ):
            assert isinstance(url, str)
            with _sendable():
                request = shortcut.request(method, url, params, headers, json, content, extensions)
        if request is None:
            with _sendable():
                return super().request(
                    method,
                    url,
                    content=content,
                    data=data,
                    files=files,
                    json=json,
                    params=params,
                    headers=headers,
                    cookies=cookies,
                    auth=auth,
                    follow_redirects=follow_redirects,
                    timeout=timeout,
                    extensions=extensions,
                )
        self._state = ClientState.OPENED
        started = time.perf_counter()
        try:
            response = self._transport.handle_request(request)
        except httpx.RequestError as error:
            error.request = request  # as httpx's request_context() does
            raise
        try:
            shortcut.finish(request, response, started)
            response.read()  # a no-op when finish() took the body
        except BaseException:
            response.close()
            raise
        return response


class FastAsyncClient(httpx.AsyncClient):
    """An ``httpx.AsyncClient`` whose plain requests skip the machinery they do not use."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shortcut = _Shortcut(self)

    async def request(
        self,
        method: str,
        url: httpx.URL | str,
        *,
        content: Any = None,
        data: Any = None,
        files: Any = None,
        json: Any = None,
        params: Any = None,
        headers: Any = None,
        cookies: Any = None,
        auth: Any = USE_CLIENT_DEFAULT,
        follow_redirects: Any = USE_CLIENT_DEFAULT,
        timeout: Any = USE_CLIENT_DEFAULT,
        extensions: Any = None,
    ) -> httpx.Response:
        shortcut = self._shortcut
        request: httpx.Request | None = None
        if (
            data is None
            and files is None
            and cookies is None
            and auth is USE_CLIENT_DEFAULT
            and follow_redirects is USE_CLIENT_DEFAULT
            and timeout is USE_CLIENT_DEFAULT
            and shortcut.usable(url, params, headers)
        ):
            assert isinstance(url, str)
            with _sendable():
                request = shortcut.request(method, url, params, headers, json, content, extensions)
        if request is None:
            with _sendable():
                return await super().request(
                    method,
                    url,
                    content=content,
                    data=data,
                    files=files,
                    json=json,
                    params=params,
                    headers=headers,
                    cookies=cookies,
                    auth=auth,
                    follow_redirects=follow_redirects,
                    timeout=timeout,
                    extensions=extensions,
                )
        self._state = ClientState.OPENED
        started = time.perf_counter()
        try:
            response = await self._transport.handle_async_request(request)
        except httpx.RequestError as error:
            error.request = request  # as httpx's request_context() does
            raise
        try:
            shortcut.finish(request, response, started)
            await response.aread()  # a no-op when finish() took the body
        except BaseException:
            await response.aclose()
            raise
        return response
