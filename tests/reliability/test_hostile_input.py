"""Hostile and bad input: values cannot steer a request; huge or absurd bodies fail cleanly.

Path and query values come from hypothesis (unicode, `/`, `..`, `?`, `#`, `%2F`, control
characters, CR LF, would-be hosts, very long strings). Each must land percent-encoded in its one
path segment or query value: the request keeps its host, its path template and its other
parameters. Checked on the request the client builds (many examples) and on what a real server
received from both clients (fewer examples, over a socket).
"""

from __future__ import annotations

import asyncio
import json
import re
import warnings
from collections.abc import Iterator
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode

import httpx
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from arize_api import (
    APIResponseValidationError,
    ArizeClient,
    ArizeError,
    AsyncArizeClient,
    InternalServerError,
)
from arize_api.api.datasets import (
    delete_dataset,
    get_dataset,
    list_dataset_examples,
    list_datasets,
    search_dataset_examples,
)
from arize_api.api.spaces import remove_space_user
from arize_api.models import SearchDatasetExamplesRequest
from tests.support.clients import Flavour
from tests.support.payloads import dataset_json
from tests.support.reliability import API_KEY, FAST, make_client, one_typed_error
from tests.support.scripted import RecordedRequest, Reply, ScriptedServer

pytest_plugins = ["tests.support.clients", "tests.support.reliability"]
pytestmark = [pytest.mark.usefixtures("clean_env", "leak_guard"), pytest.mark.timeout(60)]

BUILD_EXAMPLES = 200
SOCKET_EXAMPLES = 60  # per client flavour

HOSTILE_PARTS = [
    "/", "//", "..", ".", "../", "/..", "?", "#", "&", "=", "+", ";", ",", "@", ":", "\\",
    "%", "%2F", "%2f", "%2e%2e", "%00", "%0D%0A", "%25", " ", "\t", "\r\n", "\n", "\x00",
    "\x1b", "\x7f", "\u0085", "\u2028", "\u202e", "\ufeff", "ü", "日本", "😀", "ﬁ", "İ",
    "//evil.example", "http://evil.example/", "@evil.example", "evil.example:443",
    "?limit=1000", "#frag", "/v2/spaces", "*", "~", "'", '"', "<script>",
]  # fmt: skip
DOT_SEGMENTS = frozenset({".", ".."})


def _hostile(max_parts: int) -> st.SearchStrategy[str]:
    part = st.one_of(st.sampled_from(HOSTILE_PARTS), st.text(min_size=1, max_size=6))
    return st.lists(part, min_size=1, max_size=max_parts).map("".join)


VALUES = st.one_of(
    _hostile(12),
    st.text(min_size=1, max_size=40),
    # Long, but three of them (up to 12 bytes a character once encoded) stay under httpx's
    # 64 KiB limit on a URL component, which is not the property under test.
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=1500),
).filter(lambda v: v not in DOT_SEGMENTS)  # a separate property below
SOCKET_VALUES = st.one_of(_hostile(8), st.text(min_size=1, max_size=20), st.just("ü/..?#" * 300))

# operation: (positional path parameters, path template split into segments, extra kwargs)
PATH_OPS: dict[str, tuple[ModuleType, list[str], dict[str, Any]]] = {
    "get_dataset": (get_dataset, ["v2", "datasets", "{}"], {}),
    "delete_dataset": (delete_dataset, ["v2", "datasets", "{}"], {}),
    "remove_space_user": (remove_space_user, ["v2", "spaces", "{}", "users", "{}"], {}),
    "search_dataset_examples": (
        search_dataset_examples,
        ["v2", "datasets", "{}", "examples", "search"],
        {"body": SearchDatasetExamplesRequest(filter_="label = 'x'")},
    ),
}
# RFC 3986 pchar: what may stand unencoded in a path segment. httpx sends only unreserved
# characters and escapes; aiohttp's yarl re-quotes and sends some pchars (`@`, `:`, `+`) as is.
PCHAR = re.compile(r"^[A-Za-z0-9\-._~%!$&'()*+,;=:@]*$")


def assert_segments(raw_path: str, template: list[str], values: list[str]) -> None:
    """`raw_path` is the template with each value percent-encoded into its own segment."""
    segments = raw_path.split("/")
    assert segments[0] == "", raw_path
    assert len(segments) == len(template) + 1, f"segment count changed: {raw_path[:200]}"
    given_values = iter(values)
    for segment, expected in zip(segments[1:], template, strict=True):
        assert PCHAR.match(segment), f"unencoded character in {segment[:200]!r}"
        if expected == "{}":
            assert unquote(segment, errors="strict") == next(given_values)
        else:
            assert segment == expected


def path_arguments(name: str, value: str) -> list[str]:
    return ["U3BhY2U6MQ==", value] if name == "remove_space_user" else [value]


@pytest.fixture(scope="module")
def build_clients() -> Iterator[list[ArizeClient]]:
    clients = [
        ArizeClient(api_key=API_KEY),
        ArizeClient(api_key=API_KEY, base_url="https://arize.example.com/prefix/v2"),
    ]
    yield clients
    for client in clients:
        client.close()


@settings(max_examples=BUILD_EXAMPLES, deadline=None)
@given(value=VALUES, other=VALUES, name=st.sampled_from(sorted(PATH_OPS)))
def test_path_values_stay_in_their_segment_of_the_built_request(
    build_clients: list[ArizeClient], value: str, other: str, name: str
) -> None:
    operation, template, extra = PATH_OPS[name]
    args = [other, value] if name == "remove_space_user" else [value]
    for client in build_clients:
        base = httpx.URL(client.base_url)
        request = built(client, operation, operation._get_kwargs(*args, **extra))
        url = request.url
        assert (url.scheme, url.host, url.port) == (base.scheme, base.host, base.port)
        assert url.query == b"" and url.fragment == ""
        raw_path = url.raw_path.decode("ascii")
        prefix = base.path.rstrip("/")
        assert raw_path.startswith(prefix + "/v2/")
        assert_segments(raw_path[len(prefix) :], template, args)


@settings(max_examples=BUILD_EXAMPLES, deadline=None)
@given(space_id=VALUES, name=VALUES, cursor=VALUES, limit=st.integers(1, 100))
def test_query_values_stay_in_their_parameter_of_the_built_request(
    build_clients: list[ArizeClient], space_id: str, name: str, cursor: str, limit: int
) -> None:
    # Three of the long values, percent-encoded (up to 12 bytes a character), can pass httpx's
    # 65,536-character cap on a URL component, which it refuses with InvalidURL before anything
    # is sent: not what this property is about.
    assume(len(urlencode({"s": space_id, "n": name, "c": cursor})) < 65_000)
    for client in build_clients:
        kwargs = list_datasets._get_kwargs(space_id=space_id, name=name, limit=limit, cursor=cursor)
        url = built(client, list_datasets, kwargs).url
        assert url.host == httpx.URL(client.base_url).host
        assert url.raw_path.decode("ascii").split("?")[0].endswith("/v2/datasets")
        pairs = parse_qsl(url.query.decode("ascii"), keep_blank_values=True, strict_parsing=True)
        expected = {"space_id": space_id, "name": name, "limit": str(limit), "cursor": cursor}
        assert sorted(pairs) == sorted(expected.items())


class _Built:
    """What the engine would send, parsed back as a URL (nothing is sent)."""

    def __init__(self, url: str) -> None:
        self.url = httpx.URL(url)


def built(client: ArizeClient, operation: Any, kwargs: dict[str, Any]) -> _Built:
    return _Built(client._engine.core.prepare(operation.OP, kwargs, {}).url)


# ----------------------------------------------------------------------- over a real socket


@pytest.fixture(scope="module")
def echo_server() -> Iterator[ScriptedServer]:
    """Answers any dataset request with a dataset, and any list with an empty page."""

    def answer(request: RecordedRequest) -> Reply:
        if request.path.rstrip("/").endswith("/v2/datasets"):
            return Reply(200, json={"datasets": [], "pagination": {"has_more": False}})
        return Reply(200, json=dataset_json("echo"))

    with ScriptedServer() as server:
        server.fallback = answer
        yield server


@pytest.fixture(scope="module")
def socket_flavours(echo_server: ScriptedServer) -> Iterator[dict[str, Any]]:
    runner = asyncio.Runner()
    sync = ArizeClient(api_key=API_KEY, base_url=echo_server.url, retry_policy=FAST)
    async_ = AsyncArizeClient(api_key=API_KEY, base_url=echo_server.url, retry_policy=FAST)
    yield {"sync": sync, "async": async_, "runner": runner}
    sync.close()
    runner.run(async_.aclose())
    runner.close()


def _send(
    flavours: dict[str, Any], which: str, operation: ModuleType, *args: Any, **kw: Any
) -> Any:
    client = flavours[which]
    if which == "sync":
        return operation.sync(*args, client=client, **kw)
    return flavours["runner"].run(operation.asyncio(*args, client=client, **kw))


@pytest.mark.parametrize("which", ["sync", "async"])
@settings(
    max_examples=SOCKET_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(value=SOCKET_VALUES.filter(lambda v: v not in DOT_SEGMENTS), name=SOCKET_VALUES)
def test_hostile_values_reach_the_server_encoded(
    echo_server: ScriptedServer,
    socket_flavours: dict[str, Any],
    which: str,
    value: str,
    name: str,
) -> None:
    before = len(echo_server.requests)
    assert _send(socket_flavours, which, get_dataset, value).id == "echo"
    _send(socket_flavours, which, list_datasets, name=name, limit=5)
    got = echo_server.requests[before:]
    assert len(got) == 2  # one request each: nothing split, smuggled or retried
    path_request, list_request = got
    assert path_request.method == "GET"
    assert "?" not in path_request.target and "#" not in path_request.target
    assert_segments(path_request.target, ["v2", "datasets", "{}"], [value])
    assert list_request.path == "/v2/datasets"
    query = list_request.target.split("?", 1)[1]
    assert sorted(parse_qsl(query, keep_blank_values=True, strict_parsing=True)) == sorted(
        {"name": name, "limit": "5"}.items()
    )
    for request in got:
        assert request.header("Host") == f"127.0.0.1:{echo_server.port}"
        assert request.header("Authorization") == f"Bearer {API_KEY}"


# "." and ".." as a whole segment would be resolved away by httpx or yarl (remove_space_user
# (s, "..") would send DELETE /v2/spaces/s): they must go out percent-encoded.


@pytest.mark.parametrize("value", sorted(DOT_SEGMENTS))
@pytest.mark.parametrize("name", ["get_dataset", "remove_space_user"])
def test_dot_segment_values_cannot_change_the_built_path(
    build_clients: list[ArizeClient], name: str, value: str
) -> None:
    operation, template, extra = PATH_OPS[name]
    args = path_arguments(name, value)
    client = build_clients[0]
    try:
        request = built(client, operation, operation._get_kwargs(*args, **extra))
    except (ValueError, ArizeError):
        return  # refusing the value before anything is sent is as good as encoding it
    assert_segments(request.url.raw_path.decode("ascii"), template, args)


@pytest.mark.parametrize("value", sorted(DOT_SEGMENTS))
def test_dot_segment_values_cannot_change_the_path_on_the_wire(
    flavour: Flavour, server: ScriptedServer, value: str
) -> None:
    server.fallback = lambda request: Reply(204)
    client = make_client(flavour, server.url)
    try:
        flavour.call_detailed(remove_space_user, "s1", value, client=client)
    except (ValueError, ArizeError):
        assert server.requests == []  # refused before sending
        return
    (request,) = server.requests
    assert (request.method, request.path) != ("DELETE", "/v2/spaces/s1"), "deleted the space"
    assert_segments(request.target, ["v2", "spaces", "{}", "users", "{}"], ["s1", value])


def test_path_parameter_with_query_and_fragment_characters_over_the_wire(
    flavour: Flavour, server: ScriptedServer
) -> None:
    """A hand-picked worst case, every character class at once, on both clients."""
    value = "../../v2/spaces/x?limit=1000&cursor=a#frag%2F\r\nHost: evil.example\x00ü😀"
    server.fallback = lambda request: Reply(
        200, json={"examples": [], "pagination": {"has_more": False}}
    )
    client = make_client(flavour, server.url)
    flavour.call(list_dataset_examples, value, client=client, limit=7)
    (request,) = server.requests
    path, query = request.target.split("?")
    assert_segments(path, ["v2", "datasets", "{}", "examples"], [value])
    assert parse_qsl(query, strict_parsing=True) == [("limit", "7")]
    assert request.header("Host") == f"127.0.0.1:{server.port}"


# ---------------------------------------------------------------- enormous and absurd bodies


MB50 = 50 * 1024 * 1024


def test_50mb_valid_body_parses(flavour: Flavour, server: ScriptedServer) -> None:
    big = dataset_json("big", name="n" * MB50)
    server.add(
        "GET",
        "/v2/datasets/big",
        Reply(200, body=json.dumps(big).encode(), headers={"Content-Type": "application/json"}),
    )
    client = make_client(flavour, server.url, max_retries=0)
    dataset = flavour.call(get_dataset, "big", client=client)
    assert dataset.id == "big" and len(dataset.name) == MB50


@pytest.mark.parametrize("status", [200, 500])
def test_50mb_of_garbage_gives_one_short_typed_error(
    flavour: Flavour, server: ScriptedServer, status: int
) -> None:
    server.add("GET", "/v2/datasets/junk", Reply(status, body=b"\x00garbage " * (MB50 // 9)))
    client = make_client(flavour, server.url, max_retries=0)
    expected = APIResponseValidationError if status == 200 else InternalServerError
    error = one_typed_error(lambda: flavour.call(get_dataset, "junk", client=client), expected)
    assert len(str(error)) < 500  # an excerpt of the body, not 50 MB of it


DEPTH = 100_000
DEEP_ARRAY = b"[" * DEPTH + b"]" * DEPTH
DEEP_OBJECT = b'{"a":' * DEPTH + b"1" + b"}" * DEPTH


def _deep_cases() -> list[Any]:
    valid_prefix = json.dumps(dataset_json("deep"))[:-1].encode() + b', "future": '
    return [
        pytest.param(200, DEEP_ARRAY, APIResponseValidationError, id="200-array"),
        pytest.param(200, DEEP_OBJECT, APIResponseValidationError, id="200-object"),
        pytest.param(
            200,
            valid_prefix + DEEP_ARRAY + b"}",
            APIResponseValidationError,
            id="200-in-unknown-field",
        ),
        pytest.param(500, DEEP_ARRAY, InternalServerError, id="500-array"),
    ]


@pytest.mark.parametrize(("status", "body", "expected"), _deep_cases())
def test_deeply_nested_body_gives_one_typed_error(
    flavour: Flavour, server: ScriptedServer, status: int, body: bytes, expected: type[ArizeError]
) -> None:
    server.add(
        "GET",
        "/v2/datasets/deep",
        Reply(status, body=body, headers={"Content-Type": "application/json"}),
    )
    client = make_client(flavour, server.url, max_retries=0)
    error = one_typed_error(lambda: flavour.call(get_dataset, "deep", client=client), expected)
    assert "deep" in str(error) or str(status) in str(error)


def test_moderately_nested_unknown_field_parses_and_is_kept(
    flavour: Flavour, server: ScriptedServer
) -> None:
    nested: Any = "leaf"
    for _ in range(400):
        nested = {"n": [nested]}
    server.add("GET", "/v2/datasets/d1", json={**dataset_json("d1"), "future": nested})
    client = make_client(flavour, server.url)
    dataset = flavour.call(get_dataset, "d1", client=client)
    assert dataset.additional_properties["future"] == nested


# ------------------------------------------------------------------------ plain http warning


@pytest.mark.parametrize("cls", [ArizeClient, AsyncArizeClient])
@pytest.mark.parametrize(
    "base_url",
    [
        "http://arize.example.com",
        "http://10.0.0.8:8080",
        "http://localhost.evil.example",
        "http://127.0.0.1.nip.io",
        "http://[2001:db8::1]",
        "http://0.0.0.0:8787",
        "HTTP://API.ARIZE.COM/v2",
    ],
)
def test_plain_http_to_a_non_loopback_host_warns_about_the_key(
    cls: type[Any], base_url: str
) -> None:
    with pytest.warns(UserWarning, match="API key would travel unencrypted") as caught:
        client = cls(api_key=API_KEY, base_url=base_url)
    (warning,) = [w for w in caught if "unencrypted" in str(w.message)]
    assert httpx.URL(base_url).host in str(warning.message)
    assert API_KEY not in str(warning.message)
    assert warning.filename == __file__  # it points at the caller's line
    assert "://" in client.base_url


@pytest.mark.parametrize("cls", [ArizeClient, AsyncArizeClient])
@pytest.mark.parametrize(
    "base_url",
    ["https://arize.example.com", "http://127.0.0.1:8787", "http://localhost:1", "http://[::1]:80"],
)
def test_https_or_loopback_does_not_warn(cls: type[Any], base_url: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cls(api_key=API_KEY, base_url=base_url)


def test_plain_http_from_the_environment_warns(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("ARIZE_API_KEY", API_KEY)
    clean_env.setenv("ARIZE_BASE_URL", "http://arize.internal.example")
    with pytest.warns(UserWarning, match="unencrypted"):
        ArizeClient()
