"""The short road of FastClient/FastAsyncClient builds exactly the request httpx would build.

Every request is sent twice, through a plain ``httpx.Client`` and through the fast one, both
configured alike over a transport that records what it is handed; the two must agree on
method, URL, headers (order included), body and extensions. The cases the short road does
not take (hooks, cookies, redirects followed, absolute URLs) must still behave as httpx does.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arize_api import InvalidRequestError
from arize_api._auth import ArizeAuth
from arize_api._fast_httpx import FastAsyncClient, FastClient

BASE = "http://127.0.0.1:9/prefix"


class Recorder(httpx.BaseTransport, httpx.AsyncBaseTransport):
    def __init__(self, answer: httpx.Response | None = None) -> None:
        self.seen: list[httpx.Request] = []
        self.answer = answer

    def _respond(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        if self.answer is not None:
            return httpx.Response(
                self.answer.status_code,
                headers=self.answer.headers,
                stream=httpx.ByteStream(self.answer.content),
            )
        return httpx.Response(200, json={"ok": True}, headers={"x-request-id": "r1"})

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._respond(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return self._respond(request)


def _pair(**options: Any) -> tuple[httpx.Client, FastClient, Recorder, Recorder]:
    slow_seen, fast_seen = Recorder(), Recorder()
    common = {
        "base_url": BASE,
        "headers": {"User-Agent": "arize-api/test"},
        "auth": ArizeAuth("key-1", base_url=BASE, space_id="space-1"),
        "timeout": 12.5,
        **options,
    }
    return (
        httpx.Client(transport=slow_seen, **common),
        FastClient(transport=fast_seen, **common),
        slow_seen,
        fast_seen,
    )


def _same(a: httpx.Request, b: httpx.Request) -> None:
    assert a.method == b.method
    assert str(a.url) == str(b.url)
    assert a.url.raw_path == b.url.raw_path
    assert a.headers.raw == b.headers.raw
    assert a.read() == b.read()
    assert a.extensions == b.extensions


def test_the_short_road_is_open_with_this_httpx() -> None:
    _, fast, _, _ = _pair()
    assert fast._shortcut.works


segment = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12
)
primitive = st.one_of(
    st.text(max_size=10),
    st.integers(),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
)


@settings(max_examples=150, deadline=None)
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "get", "post"]),
    segments=st.lists(segment, min_size=1, max_size=3),
    params=st.one_of(st.none(), st.dictionaries(st.text(min_size=1, max_size=6), primitive)),
    body=st.one_of(
        st.none(),
        st.tuples(st.just("json"), st.dictionaries(st.text(max_size=5), primitive)),
        st.tuples(st.just("content"), st.binary(max_size=20)),
    ),
    v1=st.booleans(),
    headers=st.one_of(
        st.none(),
        st.dictionaries(
            st.sampled_from(["Content-Type", "X-Extra", "user-agent", "Grpc-Metadata-space_id"]),
            st.text(alphabet="abcdefgh/-; =0123", max_size=12),
        ),
    ),
)
def test_requests_match_httpx(
    method: str,
    segments: list[str],
    params: dict[str, Any] | None,
    body: tuple[str, Any] | None,
    v1: bool,
    headers: dict[str, str] | None,
) -> None:
    from urllib.parse import quote

    path = ("/v1/" if v1 else "/v2/") + "/".join(quote(s, safe="") for s in segments)
    kwargs: dict[str, Any] = {
        "params": params,
        "headers": headers,
        "extensions": {"arize_operation": "op"},
    }
    if body is not None:
        kwargs[body[0]] = body[1]
    slow, fast, slow_seen, fast_seen = _pair()
    slow_response = slow.request(method, path, **kwargs)
    fast_response = fast.request(method, path, **kwargs)
    _same(slow_seen.seen[0], fast_seen.seen[0])
    assert fast_response.status_code == slow_response.status_code
    assert fast_response.content == slow_response.content
    assert fast_response.headers.raw == slow_response.headers.raw


def test_async_requests_match_httpx() -> None:
    async def run() -> None:
        slow_seen, fast_seen = Recorder(), Recorder()
        common: dict[str, Any] = {
            "base_url": BASE,
            "auth": ArizeAuth("key-1", base_url=BASE),
        }
        async with (
            httpx.AsyncClient(transport=slow_seen, **common) as slow,
            FastAsyncClient(transport=fast_seen, **common) as fast,
        ):
            for client in (slow, fast):
                response = await client.request(
                    "POST", "/v2/things", json={"a": [1, 2]}, params={"limit": 5}
                )
                assert response.json() == {"ok": True}
                assert response.request is not None
            assert response.elapsed.total_seconds() >= 0  # the fast one's (set on every answer)
        _same(slow_seen.seen[0], fast_seen.seen[0])

    asyncio.run(run())


def test_response_carries_what_httpx_sets(caplog: pytest.LogCaptureFixture) -> None:
    _, fast, _, seen = _pair()
    with caplog.at_level(logging.INFO, logger="httpx"):
        response = fast.get("/v2/x")
    assert response.request is seen.seen[0]
    assert response.elapsed.total_seconds() >= 0
    assert response.is_closed
    assert response.json() == {"ok": True}
    assert 'HTTP Request: GET http://127.0.0.1:9/prefix/v2/x "HTTP/1.1 200 OK"' in caplog.text


def test_redirect_is_returned_with_its_next_request() -> None:
    answer = httpx.Response(307, headers={"Location": "/prefix/v2/elsewhere"})
    fast = FastClient(base_url=BASE, auth=ArizeAuth("k", base_url=BASE), transport=Recorder(answer))
    response = fast.get("/v2/x")
    assert response.status_code == 307
    assert response.next_request is not None
    assert response.next_request.url.path == "/prefix/v2/elsewhere"


def test_cookies_set_by_the_server_are_sent_back() -> None:
    answer = httpx.Response(200, headers={"Set-Cookie": "session=abc; Path=/"})
    recorder = Recorder(answer)
    fast = FastClient(base_url=BASE, auth=ArizeAuth("k", base_url=BASE), transport=recorder)
    fast.get("/v2/a")
    fast.get("/v2/b")
    assert "cookie" not in recorder.seen[0].headers
    assert recorder.seen[1].headers["cookie"] == "session=abc"


def test_event_hooks_still_run() -> None:
    called: list[str] = []
    fast = FastClient(
        base_url=BASE,
        auth=ArizeAuth("k", base_url=BASE),
        transport=Recorder(),
        event_hooks={"request": [lambda r: called.append(r.url.path)]},
    )
    fast.get("/v2/a")
    assert called == ["/prefix/v2/a"]


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:9/prefix/v2/abs", "/v2/with space", "/v2/./dots", "/v2/q?x=1", "/v2/é"],
)
def test_other_shapes_take_httpx_own_road(url: str) -> None:
    slow, fast, slow_seen, fast_seen = _pair()
    slow.get(url)
    fast.get(url)
    _same(slow_seen.seen[0], fast_seen.seen[0])


def test_per_request_options_take_httpx_own_road() -> None:
    slow, fast, slow_seen, fast_seen = _pair()
    for client in (slow, fast):
        client.get("/v2/x", headers={"X-Extra": "1"}, timeout=3.0)
    _same(slow_seen.seen[0], fast_seen.seen[0])
    assert fast_seen.seen[0].headers["x-extra"] == "1"


def test_closed_client_refuses_as_httpx_does() -> None:
    _, fast, _, _ = _pair()
    fast.close()
    with pytest.raises(RuntimeError, match="closed"):
        fast.get("/v2/x")


def test_transport_errors_carry_the_request() -> None:
    class Failing(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("refused")

    fast = FastClient(base_url=BASE, auth=ArizeAuth("k", base_url=BASE), transport=Failing())
    with pytest.raises(httpx.ConnectError) as caught:
        fast.get("/v2/x")
    assert caught.value.request.url.path == "/prefix/v2/x"


@pytest.mark.parametrize("path", ["/v2/x", "/v1/log"])
def test_a_default_authorization_header_is_replaced_as_httpx_would(path: str) -> None:
    slow, fast, slow_seen, fast_seen = _pair(
        headers={"Authorization": "old", "Grpc-Metadata-space": "mine"}
    )
    for client in (slow, fast):
        client.post(path, json={"a": 1})
    _same(slow_seen.seen[0], fast_seen.seen[0])


def test_the_body_is_taken_without_reading_it_twice() -> None:
    answer = httpx.Response(200, content=b'{"ok": true}')
    fast = FastClient(base_url=BASE, auth=ArizeAuth("k", base_url=BASE), transport=Recorder(answer))
    assert fast._shortcut.takes_content
    response = fast.get("/v2/x")
    assert response.is_stream_consumed and response.is_closed
    assert response.content == response.read() == b'{"ok": true}'


def test_a_very_long_url_meets_httpx_own_checks_and_becomes_a_typed_error() -> None:
    slow, fast, _, fast_seen = _pair()
    huge = {"q": "日本" * 12_000}
    with pytest.raises(httpx.InvalidURL, match="too long"):
        slow.get("/v2/x", params=huge)
    with pytest.raises(InvalidRequestError, match=r"too long.*shorter or fewer query values"):
        fast.get("/v2/x", params=huge)
    assert fast_seen.seen == []
