"""The wires: move the bytes of one attempt (urllib3, aiohttp, or a user's httpx client).

A room of its own: nothing here imports the rest of ``arize_api``. The engine hands a wire a
:class:`WireRequest` and gets a :class:`WireResponse` or a :class:`WireError` back.
"""

from ._types import (
    DEFAULT_MAX_RESPONSE_BYTES,
    CertTypes,
    ConnectionSettings,
    VerifyTypes,
    WireBodyTooLarge,
    WireConnectError,
    WireDecodeError,
    WireError,
    WireInvalidRequest,
    WireProtocolError,
    WireRequest,
    WireResponse,
    WireTimeout,
    WireTLSError,
    proxy_for,
    ssl_context_for,
)

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "CertTypes",
    "ConnectionSettings",
    "VerifyTypes",
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
    "proxy_for",
    "ssl_context_for",
]
