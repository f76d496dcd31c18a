"""Proxies over loopback: a forward proxy started by the test sees the request when it should,
and only then (urllib3 and aiohttp through ``proxy_for``; the httpx wires through the user's
client, made here from the same settings)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import pytest

from arize_api._wires import WireConnectError
from tests.support import EchoServer
from tests.support.proxy import ForwardProxy
from tests.support.tls import TLSEchoServer
from tests.wires.conftest import ALL_WIRES, Caller

pytestmark = pytest.mark.timeout(30)
DEFAULT_WIRES = ("urllib3", "aiohttp")


@pytest.mark.parametrize("kind", ALL_WIRES)
def test_proxy_setting_is_used(kind: str, make_wire: Callable[..., Caller]) -> None:
    with EchoServer() as server, ForwardProxy() as proxy:
        answer = make_wire(kind, proxy=proxy.url).send(f"{server.url}/via?x=1")
        assert json.loads(answer.body)["path"] == "/via"
        assert [(s.method, s.target) for s in proxy.seen] == [("GET", f"{server.url}/via?x=1")]


@pytest.mark.parametrize("kind", ALL_WIRES)
def test_http_proxy_from_the_environment_for_an_http_target(
    kind: str, make_wire: Callable[..., Caller], monkeypatch: pytest.MonkeyPatch
) -> None:
    with EchoServer() as server, ForwardProxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        make_wire(kind).send(f"{server.url}/env")
        assert [s.target for s in proxy.seen] == [f"{server.url}/env"]


@pytest.mark.parametrize("kind", ALL_WIRES)
def test_https_proxy_from_the_environment_tunnels_an_https_target(
    kind: str, make_wire: Callable[..., Caller], monkeypatch: pytest.MonkeyPatch
) -> None:
    with TLSEchoServer() as server, ForwardProxy() as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        wire = make_wire(kind, verify=server.ca_path)
        answer = wire.send(f"{server.url}/secure")
        assert json.loads(answer.body)["path"] == "/secure"
        assert [(s.method, s.target) for s in proxy.seen] == [
            ("CONNECT", f"127.0.0.1:{server.port}")
        ]


@pytest.mark.parametrize("kind", ALL_WIRES)
def test_proxy_credentials_are_sent_as_proxy_authorization(
    kind: str, make_wire: Callable[..., Caller]
) -> None:
    expected = "Basic " + base64.b64encode(b"user:p@ss").decode()
    with EchoServer() as server, TLSEchoServer() as tls, ForwardProxy(("user", "p@ss")) as proxy:
        wire = make_wire(kind, proxy=proxy.url_with("user", "p%40ss"), verify=tls.ca_path)
        assert wire.send(f"{server.url}/plain").status == 200
        assert wire.send(f"{tls.url}/tunnelled").status == 200
        assert [s.method for s in proxy.seen] == ["GET", "CONNECT"]
        assert all(s.headers["proxy-authorization"] == expected for s in proxy.seen)
        # the origin never sees the proxy's credentials
        assert all("proxy-authorization" not in s.headers for s in server.seen + tls.seen)


@pytest.mark.parametrize("kind", DEFAULT_WIRES)
def test_wrong_proxy_credentials(kind: str, make_wire: Callable[..., Caller]) -> None:
    with EchoServer() as server, TLSEchoServer() as tls, ForwardProxy(("user", "right")) as proxy:
        wire = make_wire(kind, proxy=proxy.url_with("user", "wrong"), verify=tls.ca_path)
        assert wire.send(f"{server.url}/plain").status == 407  # the proxy's own answer
        with pytest.raises(WireConnectError) as caught:
            wire.send(f"{tls.url}/tunnelled")  # the CONNECT refused: nothing reached the origin
        assert caught.value.sent is False
        assert "407" in str(caught.value)
        assert "wrong" not in repr(caught.value) + str(caught.value)


@pytest.mark.parametrize("kind", ALL_WIRES)
@pytest.mark.parametrize("no_proxy", ["127.0.0.1", "*", "127.0.0.0/8", "localhost,127.0.0.1"])
def test_no_proxy_naming_the_host_goes_direct(
    kind: str, no_proxy: str, make_wire: Callable[..., Caller], monkeypatch: pytest.MonkeyPatch
) -> None:
    if kind in ("httpx", "async_httpx") and "/" in no_proxy:
        pytest.skip("httpx's own NO_PROXY handling has no CIDR blocks")
    with EchoServer() as server, ForwardProxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("NO_PROXY", no_proxy)
        assert make_wire(kind).send(f"{server.url}/direct").status == 200
        assert proxy.seen == []
        assert len(server.seen) == 1


@pytest.mark.parametrize("kind", ALL_WIRES)
def test_trust_env_false_ignores_the_environment(
    kind: str, make_wire: Callable[..., Caller], monkeypatch: pytest.MonkeyPatch
) -> None:
    with EchoServer() as server, ForwardProxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("ALL_PROXY", proxy.url)
        assert make_wire(kind, trust_env=False).send(f"{server.url}/direct").status == 200
        assert proxy.seen == []
