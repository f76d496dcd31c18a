"""Client settings: argument > environment > default, validated once with actionable messages."""

from __future__ import annotations

import ipaddress
import math
import os
import warnings
from collections.abc import Mapping
from typing import Final

import attrs
import httpx

from ._errors import ConfigurationError

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "GLOBAL_BASE_URL",
    "REGIONS",
    "ClientConfig",
    "NotGiven",
    "base_url_for_region",
    "resolve_config",
]

REGIONS: Final = ("us-central-1a", "us-east-1b", "ca-central-1a", "eu-west-1a")
GLOBAL_BASE_URL: Final = "https://api.arize.com"
DEFAULT_TIMEOUT: Final = 60.0  # seconds an attempt may take, connecting to reading the answer
DEFAULT_MAX_RETRIES: Final = 2

ENV_API_KEY: Final = "ARIZE_API_KEY"
ENV_REGION: Final = "ARIZE_REGION"
ENV_BASE_URL: Final = "ARIZE_BASE_URL"
ENV_SPACE_ID: Final = "ARIZE_SPACE_ID"
ENV_SPACE_KEY: Final = "ARIZE_SPACE_KEY"


class NotGiven:
    """Marks an argument the caller left out (so ``None`` can mean "no timeout")."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()


def _mask(secret: str | None) -> str:
    """Repr of a secret: never the value, at most its last four characters when it is long."""
    if secret is None:
        return "None"
    return repr("****" + secret[-4:]) if len(secret) >= 16 else "'****'"


@attrs.frozen
class ClientConfig:
    """Resolved settings shared by ``ArizeClient`` and ``AsyncArizeClient``."""

    api_key: str = attrs.field(repr=_mask)
    base_url: str
    region: str | None
    space_id: str | None
    space_key: str | None = attrs.field(repr=_mask)
    timeout: float
    max_retries: int
    default_headers: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    warn_alpha: bool = True


def base_url_for_region(region: str) -> str:
    """The base URL of one of Arize's regional hosts."""
    if region not in REGIONS:
        raise ConfigurationError(
            f"unknown region {region!r}; valid regions are {', '.join(REGIONS)} "
            "(or leave region unset for the global host)"
        )
    return f"https://api.{region}.arize.com"


def resolve_config(
    *,
    api_key: str | None = None,
    region: str | None = None,
    base_url: str | None = None,
    space_id: str | None = None,
    space_key: str | None = None,
    timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
    max_retries: int | NotGiven = NOT_GIVEN,
    default_headers: Mapping[str, str] | None = None,
    warn_alpha: bool = True,
    environ: Mapping[str, str] | None = None,
) -> ClientConfig:
    """Merge arguments with ``ARIZE_*`` environment variables and validate the result."""
    env = os.environ if environ is None else environ
    key = api_key if api_key is not None else env.get(ENV_API_KEY)
    if not key or not key.strip():
        raise ConfigurationError(
            f"no API key: pass api_key=... or set the {ENV_API_KEY} environment variable "
            "(a user key, service key or OAuth access token from Arize's settings page)"
        )
    if key != key.strip() or any(ch in key for ch in "\r\n"):
        raise ConfigurationError("the API key has surrounding whitespace or a line break; strip it")
    resolved_region, resolved_base_url = _resolve_location(region, base_url, env)
    space_id = space_id if space_id is not None else env.get(ENV_SPACE_ID)
    space_key = space_key if space_key is not None else env.get(ENV_SPACE_KEY)
    _check_header_value("the API key", key)
    _check_header_value("space_id", space_id)
    _check_header_value("space_key", space_key)
    for name, value in (default_headers or {}).items():
        _check_header_value(f"the header name {name!r}", name)
        _check_header_value(f"default_headers[{name!r}]", value)
    return ClientConfig(
        api_key=key,
        base_url=resolved_base_url,
        region=resolved_region,
        space_id=space_id,
        space_key=space_key,
        timeout=_resolve_timeout(timeout),
        max_retries=_resolve_max_retries(max_retries),
        default_headers=dict(default_headers or {}),
        warn_alpha=bool(warn_alpha),
    )


def _check_header_value(what: str, value: str | None) -> None:
    """Refuse what cannot travel in an HTTP header, without echoing it (it may be a secret)."""
    if value is None:
        return
    if not isinstance(value, str):
        raise ConfigurationError(f"{what} must be a string, got a {type(value).__name__}")
    if (
        value != value.strip()
        or not value.isascii()
        or any(ord(c) < 32 or c == "\x7f" for c in value)
    ):
        raise ConfigurationError(
            f"{what} holds a line break, a control character, surrounding whitespace or a "
            "non-ASCII character, which no HTTP header can carry: check for a stray newline "
            "or a copy-paste mistake (the value is not shown, as it may be a secret)"
        )


def _resolve_location(
    region: str | None, base_url: str | None, env: Mapping[str, str]
) -> tuple[str | None, str]:
    """(region, base URL): from the arguments if either was given, else from the environment."""
    if region is not None or base_url is not None:
        names = "region= and base_url="
    else:
        region, base_url = env.get(ENV_REGION) or None, env.get(ENV_BASE_URL) or None
        names = f"{ENV_REGION} and {ENV_BASE_URL}"
    if region is not None and base_url is not None:
        raise ConfigurationError(
            f"both {names} are set; choose one: a region selects an Arize regional host, "
            "base_url a private or on-premise host"
        )
    if region is not None:
        return region, base_url_for_region(region)
    if base_url is not None:
        return None, _validate_base_url(base_url)
    return None, GLOBAL_BASE_URL


def _validate_base_url(raw: str) -> str:
    if any(ch.isspace() for ch in raw.strip()):
        raise ConfigurationError(f"malformed base_url {raw!r}: it contains whitespace")
    try:
        url = httpx.URL(raw.strip())
    except (httpx.InvalidURL, TypeError) as exc:
        raise ConfigurationError(f"malformed base_url {raw!r}: {exc}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(
            f"malformed base_url {raw!r}: expected http(s)://host[:port], for example "
            "https://arize.mycompany.com"
        )
    if url.userinfo:
        raise ConfigurationError(
            "base_url must not carry credentials (user:password@); pass the key as api_key"
        )
    if url.query or url.fragment:
        raise ConfigurationError(f"base_url {raw!r} must not carry a query string or fragment")
    path = url.path.rstrip("/")
    # Arize documents base URLs with the /v2 suffix; every operation path already starts with /v2.
    if path.endswith("/v2"):
        path = path[: -len("/v2")]
    if url.scheme == "http" and not _is_loopback(url.host):
        warnings.warn(
            f"base_url {url.scheme}://{url.host} is plain http to a non-loopback host: the API key "
            "would travel unencrypted; use https",
            UserWarning,
            stacklevel=6,  # the line that built the client (via resolve_config and _setup)
        )
    return str(url.copy_with(path=path or "/", query=None, fragment=None)).rstrip("/")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def attempt_seconds(timeout: object) -> float:
    """A ``timeout=`` value as the seconds one attempt may take, all phases together.

    A number is that many seconds; an ``httpx.Timeout`` its longest phase. ``None``, or a
    phase without a limit, is refused: a stalled server must not hang a call forever.
    """
    if timeout is None:
        raise ConfigurationError(
            "timeout=None would let a stalled server hang a call forever; pass a number of "
            "seconds (or an httpx.Timeout)"
        )
    if isinstance(timeout, httpx.Timeout):
        phases = {name: getattr(timeout, name) for name in ("connect", "read", "write", "pool")}
        unbounded = [name for name, value in phases.items() if value is None]
        if unbounded:
            raise ConfigurationError(
                f"httpx.Timeout with no {'/'.join(unbounded)} limit would let a stalled server "
                "hang a call forever; give every phase a number of seconds"
            )
        return float(max(phases.values()))
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise ConfigurationError(f"timeout must be a number of seconds, got {timeout!r}")
    if not math.isfinite(timeout) or timeout <= 0:
        raise ConfigurationError(f"timeout must be a positive number of seconds, got {timeout!r}")
    return float(timeout)


def _resolve_timeout(timeout: float | httpx.Timeout | NotGiven | None) -> float:
    return DEFAULT_TIMEOUT if isinstance(timeout, NotGiven) else attempt_seconds(timeout)


def _resolve_max_retries(max_retries: int | NotGiven) -> int:
    if isinstance(max_retries, NotGiven):
        return DEFAULT_MAX_RETRIES
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise ConfigurationError(f"max_retries must be an integer >= 0, got {max_retries!r}")
    return max_retries
