"""The engine's answers: ``RawResponse`` (what the wire read) and ``Response[T]`` (parsed).

Small, immutable, httpx-free objects. The names of their members follow httpx's
(``status_code``, ``headers``, ``content``, ``json()``, ``text``) so code written against an
httpx response reads the same. Secrets never show: ``RequestInfo.headers`` holds the request's
headers with every credential masked.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, Generic, TypeVar

import attrs

__all__ = ["RawResponse", "RequestInfo", "Response"]

T = TypeVar("T")
MASK = "****"


# Request header names whose values are credentials, wherever they come from.
SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "grpc-metadata-space", "x-api-key", "api-key"}
)


class RequestInfo:
    """What was sent: method, URL and headers (credentials masked).

    Built for every request, read only when something goes wrong: the masked headers and the
    list of secrets are worked out on first use.
    """

    __slots__ = ("_headers", "_known", "_masked", "_secrets", "method", "path", "url")

    def __init__(
        self,
        method: str,
        url: str,
        path: str,
        headers: Mapping[str, str],
        secrets: tuple[str, ...] = (),
    ) -> None:
        self.method = method
        self.url = url
        self.path = path
        self._headers = headers
        self._known = secrets
        self._masked: dict[str, str] | None = None
        self._secrets: tuple[str, ...] | None = None

    def __repr__(self) -> str:
        return f"<RequestInfo {self.method} {self.url}>"

    def __reduce__(self) -> tuple[object, ...]:
        # A pickled request (inside a pickled error) keeps no credential.
        return (RequestInfo, (self.method, self.url, self.path, self.headers))

    @property
    def headers(self) -> Mapping[str, str]:
        """The request's headers, names lower-cased (as a response's), every credential
        shown as ``****``."""
        if self._masked is None:
            masked = {}
            for name, value in self._headers.items():
                key = name.lower()
                masked[key] = MASK if key in SECRET_HEADERS else value
            self._masked = masked
        return self._masked

    @property
    def secrets(self) -> tuple[str, ...]:
        """The credential values this request carried (the client's, and any user header's)."""
        if self._secrets is None:
            found = list(self._known)
            for name, value in self._headers.items():
                if name.lower() in SECRET_HEADERS:
                    for secret in (value, value.removeprefix("Bearer ").strip()):
                        if len(secret) >= 4 and secret not in found:
                            found.append(secret)
            self._secrets = tuple(found)
        return self._secrets

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text


@attrs.frozen(slots=True, repr=False)
class RawResponse:
    """One HTTP answer as read: status, lower-cased headers, the decoded body."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes
    request: RequestInfo
    elapsed: float = 0.0
    """Seconds from sending the request to having read the whole answer."""
    undecodable: str | None = None
    """Why a compressed body could not be decoded (then ``content`` is empty)."""

    def __repr__(self) -> str:
        return f"<RawResponse [{self.status_code}] {self.request.method} {self.request.path}>"

    @property
    def reason_phrase(self) -> str:
        try:
            return HTTPStatus(self.status_code).phrase
        except ValueError:
            return ""

    @property
    def request_id(self) -> str | None:
        return self.headers.get("x-request-id")

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.content)


@attrs.frozen(slots=True, repr=False)
class Response(Generic[T]):
    """A parsed answer with its status, headers and raw body (``*_detailed`` and
    ``with_raw_response`` calls return these)."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes
    parsed: T
    request_id: str | None = None
    elapsed: float = 0.0

    def __repr__(self) -> str:
        return f"<Response [{self.status_code}] {type(self.parsed).__name__}>"
