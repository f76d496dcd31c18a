"""What every wire speaks: settings in, one request in, one response or one error out.

A wire moves the bytes of one attempt and nothing more: it never retries, never follows a
redirect, never parses JSON. The engine above builds a :class:`WireRequest` once (absolute
URL, final headers, body bytes, the deadline of this attempt) and gets back a
:class:`WireResponse` (status, lower-cased headers, the decoded body) or a :class:`WireError`
whose ``sent`` tells whether the request can have reached the server (the fact a retry of a
write depends on).

Nothing here imports the rest of ``arize_api``: the wires are a room of their own.
"""

from __future__ import annotations

import base64
import ipaddress
import os
import ssl
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "ConnectionSettings",
    "ProxyChooser",
    "WireBodyTooLarge",
    "WireConnectError",
    "WireDecodeError",
    "WireError",
    "WireInvalidRequest",
    "WireProtocolError",
    "WireRequest",
    "WireResponse",
    "WireTLSError",
    "WireTimeout",
    "proxy_authorization",
    "proxy_for",
    "split_proxy_credentials",
    "ssl_context_for",
]

#: 64 MiB. The largest answers of the Arize REST API are pages of a list (at most a few hundred
#: records of a few KB each: well under 10 MB) and single spans or experiment runs (KBs); v1
#: logging answers are a few hundred bytes. 64 MiB is several times anything a real answer
#: approaches, small enough that a hostile or broken server cannot make a client hold more
#: than that (a 1 MB gzip reply that expands to 1 GB stops here), and large enough that
#: nobody should ever need to raise it for real traffic.
DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024


# What verify= and cert= take: bool, a CA bundle file or directory, or an SSLContext; a
# certificate file, (cert, key) or (cert, key, password).
VerifyTypes = bool | str | ssl.SSLContext
CertTypes = str | tuple[str, str] | tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class ConnectionSettings:
    """How a wire connects: proxy, TLS, pool limits, the decoded-body cap.

    - ``proxy``: a proxy URL for every request (``http://user:pass@proxy:3128``; credentials,
      percent-encoded, are sent as ``Proxy-Authorization: Basic``). It wins over the
      environment.
    - ``trust_env``: read ``HTTPS_PROXY``/``HTTP_PROXY``/``ALL_PROXY``/``NO_PROXY`` (either
      case) and ``SSL_CERT_FILE``/``SSL_CERT_DIR``, as httpx does.
    - ``verify``: ``True`` (certifi's CA bundle, or the environment's), ``False`` (no checks
      at all), a path to a CA bundle file or a CA directory, or an ``ssl.SSLContext`` used as
      given.
    - ``cert``: a client certificate: a PEM file with the key and chain, ``(cert, key)`` or
      ``(cert, key, password)``.
    - ``max_connections`` / ``max_keepalive_connections`` / ``keepalive_expiry``: pool limits
      as httpx's ``Limits`` (each wire applies what its library can; see the wire's notes).
    - ``max_response_bytes``: the cap on a *decoded* response body, enforced while reading
      and while decompressing (see :data:`DEFAULT_MAX_RESPONSE_BYTES` for why 64 MiB).
    """

    proxy: str | None = None
    trust_env: bool = True
    verify: VerifyTypes = True
    cert: CertTypes | None = None
    max_connections: int = 100
    max_keepalive_connections: int = 20
    keepalive_expiry: float = 5.0
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES

    def __post_init__(self) -> None:
        if self.max_connections < 1:
            raise ValueError("max_connections must be at least 1")
        if self.max_keepalive_connections < 0:
            raise ValueError("max_keepalive_connections must not be negative")
        if self.keepalive_expiry < 0:
            raise ValueError("keepalive_expiry must not be negative")
        if self.max_response_bytes < 0:
            raise ValueError("max_response_bytes must not be negative")


@dataclass(slots=True)
class WireRequest:
    """One attempt, built once by the engine.

    ``url`` is absolute and already percent-encoded (the wire sends it as it is); ``headers``
    are the final ones (the wire adds only ``Host`` and ``Content-Length``); ``deadline`` is a
    ``time.monotonic()`` instant by which the whole attempt must be over: waiting for a pooled
    connection, connecting, TLS, sending the body, waiting for and reading the whole answer.
    """

    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes | None
    deadline: float


@dataclass(slots=True)
class WireResponse:
    """A whole answer: names of ``headers`` lower-cased, repeats joined with ``", "``;
    ``body`` decoded (``Content-Encoding`` undone); ``elapsed`` in seconds."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    elapsed: float = field(default=0.0)


# --- errors ----------------------------------------------------------------------------------


class WireError(Exception):
    """A failure of one attempt. ``sent`` is False only when nothing of the request can have
    reached the server (DNS failure, refused, TLS handshake, proxy refused the tunnel, pool or
    connect timeout): only then may a write be sent again without risk of doing it twice.

    The message never holds a header value; the ``__cause__``, when there is one, is a plain
    standard-library ``OSError`` rebuilt from its arguments (never a third-party exception,
    some of which carry the request's headers), and ``__context__`` is left empty.
    """

    default_sent = True

    def __init__(self, message: str, *, sent: bool | None = None) -> None:
        super().__init__(message)
        self.sent: bool = self.default_sent if sent is None else sent

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, dict(self.__dict__)))


def _rebuild(cls: type[WireError], message: str, state: dict[str, Any]) -> WireError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class WireConnectError(WireError):
    """No connection could be made (DNS, refused, unreachable, the proxy refused the tunnel)."""

    default_sent = False


class WireTLSError(WireConnectError):
    """The TLS handshake failed: most often a certificate the CA bundle in use does not trust."""


class WireTimeout(WireError):
    """The attempt's deadline passed (``sent`` False for pool and connect timeouts)."""


class WireProtocolError(WireError):
    """The answer broke HTTP: malformed status line or header, a header block too large, a
    body whose end cannot be known, or a connection cut before the answer was complete."""


class WireDecodeError(WireError):
    """The body does not decode as its ``Content-Encoding`` says (or names one not supported).

    ``status`` and ``headers`` are the answer's, when its head was read: an answer that
    promises no body can still be taken for what its status says.
    """

    status: int | None = None
    headers: Mapping[str, str] | None = None

    def of_answer(self, status: int, headers: Mapping[str, str]) -> WireDecodeError:
        self.status, self.headers = status, headers
        return self


class WireBodyTooLarge(WireError):
    """The decoded body went over ``limit`` bytes; reading stopped there."""

    def __init__(self, message: str, *, limit: int, sent: bool | None = None) -> None:
        super().__init__(message, sent=sent)
        self.limit = limit


class WireInvalidRequest(WireError):
    """The wire refused to send the request (a URL it cannot use, a header value that is not
    valid HTTP): nothing was sent. The message does not echo the offending value."""

    default_sent = False


# --- proxies ---------------------------------------------------------------------------------


def proxy_for(
    url: str, settings: ConnectionSettings, environ: Mapping[str, str] | None = None
) -> str | None:
    """The proxy URL to reach ``url`` through, or None for a direct connection.

    As httpx: ``settings.proxy`` wins; else, when ``trust_env``, ``HTTPS_PROXY`` for https
    targets, ``HTTP_PROXY`` for http ones, ``ALL_PROXY`` for both (either case, lower case
    first, as the standard library reads them), unless ``NO_PROXY`` names the host: ``*``,
    a host or domain (``example.com`` also covers ``api.example.com``; a leading ``.`` or
    ``*.`` is allowed), optionally with ``:port``, an IP address or a CIDR block. A proxy
    given without a scheme is taken as ``http://``.
    """
    if settings.proxy:
        return _with_scheme(settings.proxy)
    if not settings.trust_env:
        return None
    proxies = urllib.request.getproxies_environment()
    if not proxies:
        return None
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    proxy = proxies.get(scheme) or proxies.get("all")
    if not proxy:
        return None
    if _bypassed(parts.hostname or "", parts.port, proxies.get("no", "")):
        return None
    return _with_scheme(proxy)


class ProxyChooser:
    """``proxy_for`` for one wire: the environment read once, when the wire is made (as an
    httpx client reads it), and the choice remembered per origin."""

    __slots__ = ("_cache", "_environ", "_settings")

    def __init__(self, settings: ConnectionSettings) -> None:
        self._settings = settings
        self._environ: dict[str, str] = (
            urllib.request.getproxies_environment()
            if settings.trust_env and not settings.proxy
            else {}
        )
        self._cache: dict[str, str | None] = {}

    def __call__(self, url: str) -> str | None:
        if not self._environ and not self._settings.proxy:
            return None
        end = url.find("/", url.find("//") + 2)
        origin = url if end < 0 else url[:end]
        try:
            return self._cache[origin]
        except KeyError:
            pass
        proxy = proxy_for(url, self._settings, self._environ)
        if len(self._cache) < 1024:
            self._cache[origin] = proxy
        return proxy


def _with_scheme(proxy: str) -> str:
    return proxy if "://" in proxy else f"http://{proxy}"


def _bypassed(host: str, port: int | None, no_proxy: str) -> bool:
    host = host.lower().strip("[]")
    if not host or not no_proxy:
        return False
    try:
        address: ipaddress.IPv4Address | ipaddress.IPv6Address | None = ipaddress.ip_address(host)
    except ValueError:
        address = None
    for raw in no_proxy.split(","):
        entry = raw.strip().lower()
        if not entry:
            continue
        if entry == "*":
            return True
        entry_port: int | None = None
        if entry.startswith("["):  # [::1]:8080
            bracket = entry.find("]")
            rest = entry[bracket + 1 :]
            if rest.startswith(":") and rest[1:].isdigit():
                entry_port = int(rest[1:])
            entry = entry[1:bracket]
        elif entry.count(":") == 1:  # host:port (a bare IPv6 address has more colons)
            name, _, port_text = entry.partition(":")
            if port_text.isdigit():
                entry, entry_port = name, int(port_text)
        if entry_port is not None and entry_port != port:
            continue
        if address is not None:
            try:
                if address in ipaddress.ip_network(entry, strict=False):
                    return True
            except ValueError:
                pass
            continue
        entry = entry.removeprefix("*").removeprefix(".")
        if entry and (host == entry or host.endswith("." + entry)):
            return True
    return False


def split_proxy_credentials(proxy: str) -> tuple[str, tuple[str, str] | None]:
    """``http://user:p%40ss@host:3128`` -> (``http://host:3128``, ("user", "p@ss"))."""
    parts = urlsplit(proxy)
    if parts.username is None and parts.password is None:
        return proxy, None
    netloc = parts.netloc.rpartition("@")[2]
    bare = parts._replace(netloc=netloc).geturl()
    return bare, (unquote(parts.username or ""), unquote(parts.password or ""))


def proxy_authorization(credentials: tuple[str, str]) -> str:
    """The ``Proxy-Authorization`` value for (user, password): ``Basic <base64>``."""
    token = base64.b64encode(":".join(credentials).encode("utf-8")).decode("ascii")
    return f"Basic {token}"


# --- TLS -------------------------------------------------------------------------------------


def ssl_context_for(settings: ConnectionSettings) -> ssl.SSLContext:
    """The one TLS context of a wire, as httpx makes it.

    ``verify=True``: ``SSL_CERT_FILE`` or ``SSL_CERT_DIR`` when set and ``trust_env``, else
    certifi's bundle. ``verify=False``: no certificate or host name checks. A path: a CA
    bundle file, or a directory of hashed CA files. An ``ssl.SSLContext``: used as given
    (``cert``, if also given, is loaded into it, as httpx does). ``cert`` loads the client
    certificate chain. A missing CA path is a ``ValueError`` naming the path.
    """
    verify = settings.verify
    context: ssl.SSLContext
    if isinstance(verify, ssl.SSLContext):
        context = verify
    elif verify is False:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif verify is True:
        cert_file = os.environ.get("SSL_CERT_FILE") if settings.trust_env else None
        cert_dir = os.environ.get("SSL_CERT_DIR") if settings.trust_env else None
        if cert_file and os.path.isfile(cert_file):
            context = ssl.create_default_context(cafile=cert_file)
        elif cert_dir and os.path.isdir(cert_dir):
            context = ssl.create_default_context(capath=cert_dir)
        else:
            import certifi

            context = ssl.create_default_context(cafile=certifi.where())
    elif isinstance(verify, str):
        if os.path.isdir(verify):
            context = ssl.create_default_context(capath=verify)
        elif os.path.isfile(verify):
            context = ssl.create_default_context(cafile=verify)
        else:
            raise ValueError(f"verify={verify!r}: no CA bundle file or directory at that path")
    else:
        raise TypeError("verify must be a bool, a CA bundle path or an ssl.SSLContext")
    if not isinstance(verify, ssl.SSLContext):
        context.set_alpn_protocols(["http/1.1"])
    cert = settings.cert
    if cert:
        if isinstance(cert, str):
            context.load_cert_chain(cert)
        elif len(cert) == 2:
            context.load_cert_chain(cert[0], cert[1])
        else:
            context.load_cert_chain(cert[0], cert[1], cert[2])
    return context


TLS_FIX_HINT = (
    "if the server uses a private CA, pass verify='/path/to/ca-bundle.pem' (a CA bundle file "
    "or directory) or an ssl.SSLContext, or set SSL_CERT_FILE / SSL_CERT_DIR (read when "
    "trust_env=True); verify=False turns checking off (not for production)"
)
