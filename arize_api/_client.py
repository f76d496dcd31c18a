"""The two clients: configuration, auth, the retrying transport and lifecycle.

Both are accepted as ``client=`` by every generated operation. A client owns one connection
pool; ``with_options()`` copies share it, and only the original closes it.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterable, Iterable, Mapping
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any, Self

import attrs
import httpx

from ._auth import ArizeAuth
from ._base_client import BaseClient
from ._config import NOT_GIVEN, ClientConfig, NotGiven, resolve_config
from ._errors import ArizeError
from ._fast_httpx import FastAsyncClient, FastClient
from ._pagination import AsyncPaginator, SyncPaginator
from ._transport import (
    AsyncClientTransport,
    AsyncRetryTransport,
    ClientTransport,
    RetryPolicy,
    RetryTransport,
)
from ._version import __version__
from .api import AsyncResources, SyncResources

if TYPE_CHECKING:  # v1 logging (and its models) loads on the first log() / log_many()
    from .v1._bulk import LogSummary, Progress, RecordLike

__all__ = ["DEFAULT_LIMITS", "ArizeClient", "AsyncArizeClient"]

DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=100)
# sys.version's first word is platform.python_version(), without importing platform (8 ms)
USER_AGENT = f"arize-api/{__version__} Python/{sys.version.split()[0]} httpx/{httpx.__version__}"


def _urllib3_transport(limits: httpx.Limits) -> httpx.BaseTransport:
    # Imported here: async users never need urllib3 (20 ms of import).
    from ._urllib3_transport import Urllib3Transport

    return Urllib3Transport(limits=limits)


def _aiohttp_transport(limits: httpx.Limits) -> httpx.AsyncBaseTransport:
    # Imported here: aiohttp takes a quarter of a second to import, and sync users never need it.
    from ._aiohttp_transport import AiohttpTransport

    return AiohttpTransport(limits=limits)


class _Pool:
    """The wire transport a client and its copies share, and whether its owner closed it."""

    def __init__(self, transport: Any) -> None:
        self.transport = transport  # a user-supplied client's adapter never closes it
        self.closed = False


class _ClientBase(BaseClient):
    _config: ClientConfig
    _retry_policy: RetryPolicy
    _pool: _Pool
    _owns_pool: bool
    _closed: bool = False

    def _setup(
        self,
        *,
        api_key: str | None,
        region: str | None,
        base_url: str | None,
        space_id: str | None,
        space_key: str | None,
        timeout: float | httpx.Timeout | NotGiven | None,
        max_retries: int | NotGiven,
        default_headers: Mapping[str, str] | None,
        retry_policy: RetryPolicy | None,
        warn_alpha: bool,
    ) -> None:
        self._config = resolve_config(
            api_key=api_key,
            region=region,
            base_url=base_url,
            space_id=space_id,
            space_key=space_key,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            warn_alpha=warn_alpha,
        )
        policy = retry_policy or RetryPolicy()
        self._retry_policy = attrs.evolve(policy, max_retries=self._config.max_retries)

    def __repr__(self) -> str:
        config = self._config
        where = f"region={config.region!r}" if config.region else f"base_url={config.base_url!r}"
        return f"{type(self).__name__}({where}, api_key='****', max_retries={config.max_retries})"

    @property
    def config(self) -> ClientConfig:
        """The resolved settings (the key is masked in its repr)."""
        return self._config

    @property
    def base_url(self) -> str:
        return self._config.base_url

    @property
    def is_closed(self) -> bool:
        return self._closed or self._pool.closed

    def _adopt_pool(self, pool: _Pool | None, fresh: Any) -> None:
        """Use ``pool`` (a copy's shared one) or, for a new client, one around ``fresh``."""
        self._owns_pool = pool is None
        self._pool = pool if pool is not None else fresh()

    def _mark_closed(self) -> bool:
        """Mark this client closed; True if the shared pool should be closed too."""
        if self.is_closed:
            return False
        self._closed = True
        if self._owns_pool:
            self._pool.closed = True
        return self._owns_pool

    def _client_kwargs(self) -> dict[str, Any]:
        config = self._config
        return {
            "base_url": config.base_url,
            "headers": {"User-Agent": USER_AGENT, **config.default_headers},
            "auth": ArizeAuth(
                config.api_key,
                base_url=config.base_url,
                space_id=config.space_id,
                space_key=config.space_key,
            ),
            "timeout": config.timeout,
            "follow_redirects": False,
        }

    def _options(self, changes: dict[str, Any]) -> dict[str, Any]:
        config = self._config
        current: dict[str, Any] = {
            "api_key": config.api_key,
            "region": config.region,
            "base_url": None if config.region else config.base_url,
            "space_id": config.space_id,
            "space_key": config.space_key,
            "timeout": config.timeout,
            "max_retries": config.max_retries,
            "default_headers": config.default_headers,
            "retry_policy": self._retry_policy,
            "warn_alpha": config.warn_alpha,
        }
        unknown = set(changes) - set(current)
        if unknown:
            raise TypeError(f"with_options() got unknown option(s): {', '.join(sorted(unknown))}")
        if "region" in changes and "base_url" not in changes:
            current["base_url"] = None
        if "base_url" in changes and "region" not in changes:
            current["region"] = None
        if "default_headers" in changes:
            changes["default_headers"] = {**config.default_headers, **changes["default_headers"]}
        return {**current, **changes}

    def _check_open(self) -> None:
        if self.is_closed:
            raise ArizeError(
                f"this {type(self).__name__} is closed; create a new one (or use it in a "
                "`with` block that encloses every call)"
            )


class ArizeClient(SyncResources, _ClientBase):
    """Synchronous Arize client: ``client.datasets.list(...)``, or ``client=`` to any ``sync()``.

    Args:
        api_key: Arize user key, service key or OAuth token (default: ``ARIZE_API_KEY``).
        region: one of ``REGIONS`` (default: ``ARIZE_REGION``, else the global host).
        base_url: a private or on-premise host (default: ``ARIZE_BASE_URL``); not with region.
        space_id, space_key: space identification for ``/v1/log`` (``ARIZE_SPACE_ID``/``_KEY``).
        timeout: seconds or an ``httpx.Timeout`` (default 60 s, 10 s to connect).
        max_retries: retries of a failed request that is safe to repeat (default 2).
        default_headers: extra headers sent on every request.
        http_client: your own ``httpx.Client`` to send through (its pool, proxies and TLS).
        retry_policy: backoff settings; ``max_retries`` takes precedence for the count.
        warn_alpha: warn once per process on each alpha-stage operation (default True).
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        region: str | None = None,
        base_url: str | None = None,
        space_id: str | None = None,
        space_key: str | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.Client | None = None,
        retry_policy: RetryPolicy | None = None,
        warn_alpha: bool = True,
        _pool: _Pool | None = None,
    ) -> None:
        self._setup(
            api_key=api_key,
            region=region,
            base_url=base_url,
            space_id=space_id,
            space_key=space_key,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            retry_policy=retry_policy,
            warn_alpha=warn_alpha,
        )
        self._adopt_pool(
            _pool,
            lambda: (
                _Pool(ClientTransport(http_client))
                if http_client is not None
                else _Pool(_urllib3_transport(DEFAULT_LIMITS))
            ),
        )
        self._http = FastClient(
            transport=RetryTransport(
                self._pool.transport, self._retry_policy, warn_alpha=self._config.warn_alpha
            ),
            **self._client_kwargs(),
        )

    def get_httpx_client(self) -> httpx.Client:
        self._check_open()
        return self._http

    def with_options(self, **changes: Any) -> ArizeClient:
        """A copy with some settings changed, sharing this client's connection pool."""
        self._check_open()
        return ArizeClient(**self._options(changes), _pool=self._pool)

    def paginate(
        self,
        operation: ModuleType,
        *,
        max_items: int | None = None,
        cursor: str | None = None,
        pages: bool = False,
        **params: Any,
    ) -> SyncPaginator[Any, Any]:
        """Iterate every item of a list operation, following cursors page by page."""
        return SyncPaginator(
            self, operation, params, max_items=max_items, cursor=cursor, pages=pages
        )

    def log(self, record: RecordLike) -> str:
        """Send one v1 record (``arize_api.v1.record(...)``); return its prediction id."""
        from .v1 import _bulk

        return _bulk.log_one(self, record)

    def log_many(
        self,
        records: Iterable[RecordLike],
        *,
        concurrency: int = 8,
        progress: Progress | bool | None = None,
    ) -> LogSummary:
        """Send many v1 records, ``concurrency`` at a time; every record is sent or reported.

        ``records`` may be any iterable, a generator included: it is consumed lazily.
        ``progress`` is a callback taking the running ``LogSummary``, or True for a tqdm bar.
        """
        from .v1 import _bulk

        return _bulk.log_many(self, records, concurrency=concurrency, progress=progress)

    def close(self) -> None:
        """Close the connection pool (copies from ``with_options`` leave it to the original)."""
        if self._mark_closed():
            self._http.close()

    def __enter__(self) -> Self:
        self._check_open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncArizeClient(AsyncResources, _ClientBase):
    """Asynchronous Arize client: ``await client.datasets.get(...)``, or ``client=`` to asyncio().

    Takes the same arguments as ``ArizeClient``; ``http_client`` is an ``httpx.AsyncClient``.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        region: str | None = None,
        base_url: str | None = None,
        space_id: str | None = None,
        space_key: str | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        retry_policy: RetryPolicy | None = None,
        warn_alpha: bool = True,
        _pool: _Pool | None = None,
    ) -> None:
        self._setup(
            api_key=api_key,
            region=region,
            base_url=base_url,
            space_id=space_id,
            space_key=space_key,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            retry_policy=retry_policy,
            warn_alpha=warn_alpha,
        )
        self._adopt_pool(
            _pool,
            lambda: (
                _Pool(AsyncClientTransport(http_client))
                if http_client is not None
                else _Pool(_aiohttp_transport(DEFAULT_LIMITS))
            ),
        )
        self._http = FastAsyncClient(
            transport=AsyncRetryTransport(
                self._pool.transport, self._retry_policy, warn_alpha=self._config.warn_alpha
            ),
            **self._client_kwargs(),
        )

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        self._check_open()
        return self._http

    def with_options(self, **changes: Any) -> AsyncArizeClient:
        """A copy with some settings changed, sharing this client's connection pool."""
        self._check_open()
        return AsyncArizeClient(**self._options(changes), _pool=self._pool)

    def paginate(
        self,
        operation: ModuleType,
        *,
        max_items: int | None = None,
        cursor: str | None = None,
        pages: bool = False,
        **params: Any,
    ) -> AsyncPaginator[Any, Any]:
        """``async for`` over every item of a list operation, following cursors page by page."""
        return AsyncPaginator(
            self, operation, params, max_items=max_items, cursor=cursor, pages=pages
        )

    async def log(self, record: RecordLike) -> str:
        """Send one v1 record (``arize_api.v1.record(...)``); return its prediction id."""
        from .v1 import _bulk

        return await _bulk.alog_one(self, record)

    async def log_many(
        self,
        records: Iterable[RecordLike] | AsyncIterable[RecordLike],
        *,
        concurrency: int = 8,
        progress: Progress | bool | None = None,
    ) -> LogSummary:
        """Send many v1 records with at most ``concurrency`` in flight; none is lost.

        ``records`` may be any iterable or async iterable and is consumed lazily, so a
        generator of millions of records runs in constant memory.
        """
        from .v1 import _bulk

        return await _bulk.alog_many(self, records, concurrency=concurrency, progress=progress)

    async def aclose(self) -> None:
        """Close the connection pool (copies from ``with_options`` leave it to the original)."""
        if self._mark_closed():
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        self._check_open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
