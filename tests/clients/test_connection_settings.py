"""The clients honour the connection settings users expect, over real loopback sockets.

A forward proxy and an HTTPS server with a CA made at test time (trustme) are started by
each test; a client sends one `/v1/log` record (any 2xx is accepted, so the echo server's
answer does) and the test checks who saw it. Both clients, every case.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from arize_api import APIConnectionError, ArizeClient, AsyncArizeClient
from arize_api.v1 import record
from tests.support import EchoServer
from tests.support.proxy import ForwardProxy
from tests.support.tls import TLSEchoServer

pytestmark = pytest.mark.timeout(30)
FLAVOURS = ("sync", "async")
KEY = "connection-settings-key-0123"
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "SSL_CERT_FILE")


@pytest.fixture(autouse=True)
def no_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def log_one(flavour: str, base_url: str, **settings: Any) -> str:
    """Send one record with a fresh client of ``flavour``; its prediction id."""
    item = record("m", prediction_label=1.0, prediction_id="conn")
    if flavour == "sync":
        with ArizeClient(KEY, base_url=base_url, max_retries=0, **settings) as client:
            return client.log(item)

    async def run() -> str:
        async with AsyncArizeClient(KEY, base_url=base_url, max_retries=0, **settings) as client:
            return await client.log(item)

    return asyncio.run(run())


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_proxy_argument_carries_the_request(flavour: str) -> None:
    with EchoServer() as server, ForwardProxy() as proxy:
        assert log_one(flavour, server.url, proxy=proxy.url) == "conn"
        assert [(s.method, s.target) for s in proxy.seen] == [("POST", f"{server.url}/v1/log")]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_proxy_credentials_reach_the_proxy_only(flavour: str) -> None:
    with EchoServer() as server, ForwardProxy() as proxy:
        log_one(flavour, server.url, proxy=proxy.url_with("user", "pa55"))
        (seen,) = proxy.seen
        assert seen.headers["proxy-authorization"].startswith("Basic ")
        assert all("proxy-authorization" not in s.headers for s in server.seen)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_http_proxy_from_the_environment(flavour: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with EchoServer() as server, ForwardProxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        log_one(flavour, server.url)
        assert len(proxy.seen) == 1


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_https_proxy_from_the_environment_tunnels(
    flavour: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with TLSEchoServer() as server, ForwardProxy() as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        log_one(flavour, server.url, verify=server.ca_path)
        assert [s.method for s in proxy.seen] == ["CONNECT"]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_no_proxy_and_trust_env_false_bypass_the_proxy(
    flavour: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with EchoServer() as server, ForwardProxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        log_one(flavour, server.url, trust_env=False)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        log_one(flavour, server.url)
        assert proxy.seen == [] and len(server.seen) == 2


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_private_ca_fails_by_default_with_a_fix_in_the_message(flavour: str) -> None:
    with TLSEchoServer() as server:
        with pytest.raises(APIConnectionError) as raised:
            log_one(flavour, server.url)
        assert "verify=" in str(raised.value)
        assert KEY not in str(raised.value)
        assert server.seen == []


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_verify_takes_a_ca_path_a_context_or_ssl_cert_file(
    flavour: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with TLSEchoServer() as server:
        assert log_one(flavour, server.url, verify=server.ca_path) == "conn"
        assert log_one(flavour, server.url, verify=server.client_context()) == "conn"
        monkeypatch.setenv("SSL_CERT_FILE", server.ca_path)
        assert log_one(flavour, server.url) == "conn"
        assert len(server.seen) == 3


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_server_requiring_a_client_certificate_accepts_cert(flavour: str) -> None:
    with TLSEchoServer(require_client_cert=True) as server:
        assert log_one(flavour, server.url, verify=server.ca_path, cert=server.client_cert_path)
        with pytest.raises(APIConnectionError):
            log_one(flavour, server.url, verify=server.ca_path)
