"""Settings without sockets: proxy choice from the environment, credentials, TLS contexts,
the errors' shape."""

from __future__ import annotations

import pickle
import ssl

import pytest

from arize_api._wires import (
    DEFAULT_MAX_RESPONSE_BYTES,
    ConnectionSettings,
    WireBodyTooLarge,
    WireConnectError,
    WireError,
    WireProtocolError,
    WireTimeout,
    WireTLSError,
    proxy_for,
    ssl_context_for,
)
from arize_api._wires._types import proxy_authorization, split_proxy_credentials

pytestmark = pytest.mark.timeout(10)
HTTP, HTTPS = "http://api.example.com/v2/x", "https://api.example.com/v2/x"


def test_explicit_proxy_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://env:1")
    monkeypatch.setenv("NO_PROXY", "*")
    settings = ConnectionSettings(proxy="http://mine:3128")
    assert proxy_for(HTTPS, settings) == "http://mine:3128"
    assert proxy_for(HTTPS, ConnectionSettings(proxy="mine:3128")) == "http://mine:3128"


def test_the_environment_by_scheme(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://plain:1")
    monkeypatch.setenv("https_proxy", "secure:2")
    settings = ConnectionSettings()
    assert proxy_for(HTTP, settings) == "http://plain:1"
    assert proxy_for(HTTPS, settings) == "http://secure:2"
    assert proxy_for(HTTPS, ConnectionSettings(trust_env=False)) is None


def test_all_proxy_covers_both(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALL_PROXY", "http://all:1")
    assert proxy_for(HTTP, ConnectionSettings()) == "http://all:1"
    assert proxy_for(HTTPS, ConnectionSettings()) == "http://all:1"


@pytest.mark.parametrize(
    ("no_proxy", "url", "bypassed"),
    [
        ("*", HTTPS, True),
        ("example.com", HTTPS, True),
        (".example.com", HTTPS, True),
        ("*.example.com", HTTPS, True),
        ("api.example.com", HTTPS, True),
        ("other.com, example.com", HTTPS, True),
        ("ample.com", HTTPS, False),
        ("api.example.com:443", HTTPS, False),  # the URL names no port
        ("api.example.com:8443", "https://api.example.com:8443/", True),
        ("10.0.0.0/8", "http://10.1.2.3/", True),
        ("10.0.0.0/8", "http://11.1.2.3/", False),
        ("10.1.2.3", "http://10.1.2.3:9/", True),
        ("::1", "http://[::1]:8080/", True),
        ("[::1]:8080", "http://[::1]:8080/", True),
        ("", HTTPS, False),
    ],
)
def test_no_proxy(no_proxy: str, url: str, bypassed: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALL_PROXY", "http://proxy:1")
    monkeypatch.setenv("NO_PROXY", no_proxy)
    assert (proxy_for(url, ConnectionSettings()) is None) is bypassed


def test_proxy_credentials_are_split_and_unquoted() -> None:
    bare, credentials = split_proxy_credentials("http://us%3Aer:p%40ss@proxy:3128")
    assert (bare, credentials) == ("http://proxy:3128", ("us:er", "p@ss"))
    assert split_proxy_credentials("http://proxy:1") == ("http://proxy:1", None)
    assert proxy_authorization(("user", "pass")) == "Basic dXNlcjpwYXNz"


def test_tls_contexts(monkeypatch: pytest.MonkeyPatch) -> None:
    default = ssl_context_for(ConnectionSettings())
    assert default.verify_mode == ssl.CERT_REQUIRED and default.check_hostname
    off = ssl_context_for(ConnectionSettings(verify=False))
    assert off.verify_mode == ssl.CERT_NONE and not off.check_hostname
    mine = ssl.create_default_context()
    assert ssl_context_for(ConnectionSettings(verify=mine)) is mine
    with pytest.raises(TypeError):
        ssl_context_for(ConnectionSettings(verify=3))  # type: ignore[arg-type]


def test_settings_are_checked_and_the_cap_is_64_mib() -> None:
    assert ConnectionSettings().max_response_bytes == DEFAULT_MAX_RESPONSE_BYTES == 64 * 2**20
    with pytest.raises(ValueError):
        ConnectionSettings(max_connections=0)
    with pytest.raises(AttributeError):
        ConnectionSettings().proxy = "x"  # type: ignore[misc]


def test_errors_carry_sent_and_survive_pickling() -> None:
    assert WireConnectError("x").sent is False
    assert WireTLSError("x").sent is False and isinstance(WireTLSError("x"), WireConnectError)
    assert WireProtocolError("x").sent is True
    assert WireTimeout("x", sent=False).sent is False
    big = WireBodyTooLarge("too big", limit=10)
    copy = pickle.loads(pickle.dumps(big))
    assert (type(copy), str(copy), copy.limit, copy.sent) == (WireBodyTooLarge, "too big", 10, True)
    assert all(
        issubclass(cls, WireError) for cls in (WireConnectError, WireTimeout, WireBodyTooLarge)
    )
