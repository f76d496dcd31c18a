"""TLS against an HTTPS server whose CA is made at test time (trustme)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from arize_api._wires import ConnectionSettings, WireError, WireTLSError
from tests.support.tls import TLSEchoServer
from tests.wires.conftest import ALL_WIRES, Caller

pytestmark = pytest.mark.timeout(30)


@pytest.mark.parametrize("kind", ALL_WIRES)
def test_verification_fails_by_default_and_says_how_to_fix_it(
    kind: str, make_wire: Callable[..., Caller]
) -> None:
    with TLSEchoServer() as server:
        with pytest.raises(WireTLSError) as caught:
            make_wire(kind).send(f"{server.url}/x")
        error = caught.value
        assert error.sent is False
        message = str(error)
        assert "verify=" in message
        assert "SSL_CERT_FILE" in message
        assert "CERTIFICATE_VERIFY_FAILED" in message or "certificate verif" in message
        assert server.seen == []


@pytest.mark.parametrize("kind", ALL_WIRES)
def test_verify_with_a_ca_path(kind: str, make_wire: Callable[..., Caller]) -> None:
    with TLSEchoServer() as server:
        answer = make_wire(kind, verify=server.ca_path).send(f"{server.url}/ca")
        assert json.loads(answer.body)["path"] == "/ca"


@pytest.mark.parametrize("kind", ALL_WIRES)
def test_verify_with_an_ssl_context(kind: str, make_wire: Callable[..., Caller]) -> None:
    with TLSEchoServer() as server:
        wire = make_wire(kind, verify=server.client_context())
        assert wire.send(f"{server.url}/ctx").status == 200


@pytest.mark.parametrize("kind", ALL_WIRES)
def test_ssl_cert_file_from_the_environment(
    kind: str, make_wire: Callable[..., Caller], monkeypatch: pytest.MonkeyPatch
) -> None:
    with TLSEchoServer() as server:
        monkeypatch.setenv("SSL_CERT_FILE", server.ca_path)
        assert make_wire(kind).send(f"{server.url}/env").status == 200


@pytest.mark.parametrize("kind", ["urllib3", "aiohttp"])
def test_ssl_cert_file_is_ignored_without_trust_env(
    kind: str, make_wire: Callable[..., Caller], monkeypatch: pytest.MonkeyPatch
) -> None:
    with TLSEchoServer() as server:
        monkeypatch.setenv("SSL_CERT_FILE", server.ca_path)
        with pytest.raises(WireTLSError):
            make_wire(kind, trust_env=False).send(f"{server.url}/env")


@pytest.mark.parametrize("kind", ALL_WIRES)
def test_verify_false_skips_checks(kind: str, make_wire: Callable[..., Caller]) -> None:
    with TLSEchoServer() as server:
        assert make_wire(kind, verify=False).send(f"{server.url}/any").status == 200


@pytest.mark.parametrize("kind", ALL_WIRES)
def test_a_server_requiring_a_client_certificate(
    kind: str, make_wire: Callable[..., Caller]
) -> None:
    with TLSEchoServer(require_client_cert=True) as server:
        with_cert = make_wire(kind, verify=server.ca_path, cert=server.client_cert_path)
        assert with_cert.send(f"{server.url}/mtls").status == 200
        without = make_wire(kind, verify=server.ca_path)
        with pytest.raises(WireError) as caught:
            without.send(f"{server.url}/mtls")
        assert isinstance(caught.value, WireTLSError), repr(caught.value)
        assert "cert=" in str(caught.value)
        assert [s.target for s in server.seen] == ["/mtls"]  # only the one with a certificate


def test_a_missing_ca_path_is_named() -> None:
    from arize_api._wires import ssl_context_for

    with pytest.raises(ValueError, match="no CA bundle"):
        ssl_context_for(ConnectionSettings(verify="/nonexistent/ca.pem"))
