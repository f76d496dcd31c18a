"""Pieces every wire shares: framing rules, bounded decoding, clean error text and causes."""

from __future__ import annotations

import re
import ssl
import zlib
from collections.abc import Iterable, Iterator, Mapping
from typing import TypeVar

from ._types import (
    TLS_FIX_HINT,
    WireBodyTooLarge,
    WireDecodeError,
    WireError,
    WireInvalidRequest,
    WireTLSError,
)

NO_BODY_STATUSES = frozenset({204, 304})
#: decoded bytes produced per step of decompression: what a tiny compressed chunk can grow to
#: before the cap is checked again
DECODE_STEP = 64 * 1024
_MAX_DETAIL = 300
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

E = TypeVar("E", bound=WireError)


def framing_problem(method: str, status: int, headers: Mapping[str, str]) -> str | None:
    """Why an answer's end cannot be known, or None when it can.

    A body must carry one valid ``Content-Length`` or chunked encoding, unless it has none
    (HEAD, 1xx, 204, 304). A body delimited only by the connection closing cannot be told
    from one cut short (or from a header block cut off), and the Arize API never sends one.
    ``headers`` have lower-cased names, repeats joined with ", ".
    """
    if method == "HEAD" or status < 200 or status in NO_BODY_STATUSES:
        return None
    length = headers.get("content-length")
    if length is not None:
        values = {part.strip() for part in length.split(",")}
        if len(values) != 1 or not all(v.isascii() and v.isdigit() for v in values):
            return "malformed Content-Length in the response"
        return None
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return None
    return (
        "the response has neither a Content-Length nor chunked encoding: its end cannot be "
        "told from a connection cut short (or its header block was cut off)"
    )


def content_length(headers: Mapping[str, str]) -> int | None:
    value = headers.get("content-length")
    if value is None:
        return None
    value = value.split(",")[0].strip()
    return int(value) if value.isascii() and value.isdigit() else None


def joined_headers(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Lower-cased names; a name given more than once gets its values joined with ", "."""
    headers: dict[str, str] = {}
    for name, value in items:
        key = name.lower()
        previous = headers.get(key)
        headers[key] = value if previous is None else f"{previous}, {value}"
    return headers


def too_large(limit: int) -> WireBodyTooLarge:
    return WireBodyTooLarge(
        f"the response body is larger than the {limit:,}-byte cap (max_response_bytes); "
        "reading stopped there",
        limit=limit,
    )


def clean(text: str, secrets: Iterable[str] = ()) -> str:
    """Text from a library's exception made fit for our message: every request header value
    (of 4 characters or more) replaced, control characters escaped, length bounded."""
    for secret in secrets:
        if len(secret) >= 4 and secret in text:
            text = text.replace(secret, "[redacted]")
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    if len(text) > _MAX_DETAIL:
        text = text[:_MAX_DETAIL] + "..."
    return text


def header_values(headers: Mapping[str, str]) -> list[str]:
    """Every request header value, its token after a scheme ("Bearer s3cret" -> "s3cret"),
    and their escaped forms (as a library's repr of the bytes would show them)."""
    values = []
    for value in headers.values():
        forms = [value]
        token = value.partition(" ")[2]
        if token:
            forms.append(token)
        for form in forms:
            values.append(form)
            escaped = form.encode("unicode_escape").decode("ascii")
            if escaped != form:
                values.append(escaped)
    return sorted(values, key=len, reverse=True)


_INVALID_HEADER_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]|[^\x00-\xff]")
_VALID_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


# Headers already found sendable: most repeat on every request (User-Agent, Authorization),
# so each is checked once. Bounded: cleared when full.
_CHECKED_HEADERS: set[tuple[str, str]] = set()
_CHECKED_LIMIT = 1024


def invalid_header(headers: Mapping[str, str]) -> WireInvalidRequest | None:
    """A header the wire will not send (CR, LF, NUL or another control character, a character
    beyond latin-1, a name that is not an HTTP token), as an error naming only the header."""
    checked = _CHECKED_HEADERS
    for item in headers.items():
        if item in checked:
            continue
        name, value = item
        if not _VALID_HEADER_NAME.fullmatch(name):
            return WireInvalidRequest("a request header name is not a valid HTTP token")
        if _INVALID_HEADER_VALUE.search(value):
            return WireInvalidRequest(
                f"the value of request header {name!r} holds a character that cannot be sent "
                "(CR, LF, NUL, another control character, or one beyond latin-1); the value "
                "is not shown"
            )
        if len(checked) >= _CHECKED_LIMIT:
            checked.clear()
        checked.add(item)
    return None


def describe(exc: BaseException, secrets: Iterable[str] = ()) -> str:
    text = str(exc)
    name = type(exc).__name__
    return f"{name}: {clean(text, secrets)}" if text else name


def safe_cause(exc: BaseException | None, secrets: Iterable[str] = ()) -> OSError | None:
    """A clean copy of the first standard-library ``OSError`` in ``exc``'s chain (its errno and
    text, nothing else), or None. Third-party exceptions are never chained: some (aiohttp's
    ``ClientResponseError``, its ``ConnectionKey``) carry request headers or proxy passwords
    in their repr."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and type(exc).__module__ in ("builtins", "ssl", "socket"):
            cls: type[OSError] = type(exc)
            args = tuple(
                clean(a, secrets) if isinstance(a, str) else a
                for a in exc.args
                if isinstance(a, int | str)
            )
            try:
                copy = cls(*args)
            except Exception:
                return None
            copy.__suppress_context__ = True
            return copy
        inner = getattr(exc, "os_error", None)  # aiohttp's connector errors
        following: BaseException | None = exc.__cause__ or exc.__context__
        exc = inner if isinstance(inner, BaseException) else following
    return None


def with_cause(error: E, cause: BaseException | None, secrets: Iterable[str] = ()) -> E:
    error.__cause__ = safe_cause(cause, secrets)
    error.__suppress_context__ = True
    return error


def find_ssl_error(exc: BaseException | None) -> ssl.SSLError | None:
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, ssl.SSLError | ssl.CertificateError):
            return exc
        inner = getattr(exc, "os_error", None) or getattr(exc, "reason", None)
        if isinstance(inner, BaseException) and id(inner) not in seen:
            exc = inner
            continue
        for arg in getattr(exc, "args", ()):  # urllib3 wraps: ProtocolError(msg, SSLError(..))
            if isinstance(arg, BaseException) and id(arg) not in seen:
                exc = arg
                break
        else:
            exc = exc.__cause__ or exc.__context__
    return None


def is_refused_handshake(error: ssl.SSLError) -> bool:
    """A TLS alert from the server (e.g. "certificate required" under TLS 1.3, which a client
    sees only when it first reads): the server refused the handshake, so it never took the
    request, even though its bytes may have left."""
    reason = (getattr(error, "reason", None) or str(error)).upper()
    return "ALERT" in reason


def tls_error(error: ssl.SSLError, *, sent: bool, secrets: Iterable[str] = ()) -> WireTLSError:
    reason = getattr(error, "reason", None) or ""
    text = clean(str(error), secrets)
    if isinstance(error, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in text:
        message = f"TLS certificate verification failed ({text}); {TLS_FIX_HINT}"
    elif "CERTIFICATE_REQUIRED" in reason.upper() or "CERTIFICATE_REQUIRED" in text.upper():
        message = (
            f"the server requires a client certificate ({text}); pass cert='client.pem' (key and "
            "chain) or cert=('cert.pem', 'key.pem')"
        )
    elif "BAD_CERTIFICATE" in text.upper() or "UNKNOWN_CA" in text.upper():
        message = (
            f"the server refused the client certificate ({text}); check cert= is one its CA issued"
        )
    else:
        message = f"the TLS handshake failed ({text}); {TLS_FIX_HINT}"
    return with_cause(WireTLSError(message, sent=sent), error, secrets)


# --- bounded decoding ------------------------------------------------------------------------


class _Inflater:
    """One zlib layer (gzip, or deflate with or without its zlib wrapper), bounded per step."""

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding in ("gzip", "x-gzip")
        self._raw_fallback = not self._gzip  # "deflate" is sent both wrapped and raw
        self._started = False
        self._new()

    def _new(self) -> None:
        self._z = zlib.decompressobj(31 if self._gzip else 15)

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            try:
                out = self._z.decompress(data, DECODE_STEP)
            except zlib.error:
                if self._raw_fallback and not self._started:
                    self._raw_fallback = False
                    self._z = zlib.decompressobj(-15)
                    continue
                raise
            self._started = True
            if out:
                yield out
            if self._z.eof:
                rest = self._z.unused_data
                if rest and self._gzip:  # a second gzip member
                    self._new()
                    data = rest
                    continue
                if rest.strip(b"\x00"):
                    raise zlib.error("data after the end of the compressed stream")
                return
            data = self._z.unconsumed_tail

    def finish(self) -> Iterator[bytes]:
        if not self._started:  # an empty body
            return
        out = self._z.flush()
        if out:
            yield out
        if not self._z.eof:
            raise zlib.error("the compressed stream ends early")


class BodyReader:
    """Collects a body chunk by chunk, undoing ``Content-Encoding`` (gzip, deflate; layered
    as listed) in bounded steps, and stops at ``limit`` decoded bytes."""

    def __init__(self, headers: Mapping[str, str], limit: int) -> None:
        self._limit = limit
        self._size = 0
        self._chunks: list[bytes] = []
        layers = []
        for raw in reversed(headers.get("content-encoding", "").split(",")):
            name = raw.strip().lower()
            if not name or name == "identity":
                continue
            if name not in ("gzip", "x-gzip", "deflate"):
                raise WireDecodeError(f"unsupported Content-Encoding {clean(name)!r}")
            layers.append(_Inflater(name))
        self._layers = layers

    def _keep(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self._limit:
            self._chunks.clear()
            raise too_large(self._limit)
        self._chunks.append(data)

    def _through(self, index: int, data: bytes) -> None:
        if index == len(self._layers):
            self._keep(data)
            return
        for piece in self._layers[index].feed(data):
            self._through(index + 1, piece)

    def feed(self, data: bytes) -> None:
        if not self._layers:
            self._keep(data)
            return
        try:
            self._through(0, data)
        except zlib.error as exc:
            raise _decode_error(exc) from None

    def finish(self) -> bytes:
        try:
            for index, layer in enumerate(self._layers):
                for piece in layer.finish():
                    self._through(index + 1, piece)
        except zlib.error as exc:
            raise _decode_error(exc) from None
        chunks = self._chunks
        if len(chunks) == 1:
            return chunks[0]
        return b"".join(chunks)


def _decode_error(exc: zlib.error) -> WireDecodeError:
    return WireDecodeError(f"the response body does not decode as its Content-Encoding says: {exc}")
