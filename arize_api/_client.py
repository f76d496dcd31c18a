"""The two clients: configuration, the engine and its wire, and lifecycle.

Both are accepted as ``client=`` by every generated operation. A client owns one wire (its
connection pool); ``with_options()`` copies share it, and only the original closes it.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterable, Callable, Iterable, Mapping
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

import attrs
import httpx

from ._base_client import BaseClient
from ._config import NOT_GIVEN, ClientConfig, NotGiven, resolve_config
from ._engine import AsyncEngine, EngineSettings, RetryPolicy, SyncEngine
from ._errors import ArizeError, ConfigurationError
from ._pagination import MAX_EMPTY_PAGES, AsyncPaginator, SyncPaginator
from ._version import __version__
from ._wires import DEFAULT_MAX_RESPONSE_BYTES, CertTypes, ConnectionSettings, VerifyTypes
from .api import AsyncResources, SyncResources

if TYPE_CHECKING:  # v1 logging (and its models) loads on the first log() / log_many()
    from ._engine import AsyncWire, SyncWire
    from ._operation import Operation
    from ._response import RawResponse, Response
    from .v1._bulk import LogSummary, Progress, RecordLike

__all__ = ["ArizeClient", "AsyncArizeClient"]

T = TypeVar("T")
# sys.version's first word is platform.python_version(), without importing platform (8 ms)
USER_AGENT = f"arize-api/{__version__} Python/{sys.version.split()[0]}"


def _connection_settings(
    *,
    proxy: str | None,
    trust_env: bool,
    verify: VerifyTypes,
    cert: CertTypes | None,
    limits: httpx.Limits | None,
    max_response_bytes: int,
) -> ConnectionSettings:
    """The wire's settings, as httpx names them; a ``ConfigurationError`` when one is wrong."""
    extra: dict[str, Any] = {}
    if limits is not None:
        if limits.max_connections is not None:
            extra["max_connections"] = limits.max_connections
        if limits.max_keepalive_connections is not None:
            extra["max_keepalive_connections"] = limits.max_keepalive_connections
        if limits.keepalive_expiry is not None:
            extra["keepalive_expiry"] = limits.keepalive_expiry
    try:
        return ConnectionSettings(
            proxy=proxy,
            trust_env=trust_env,
            verify=verify,
            cert=cert,
            max_response_bytes=max_response_bytes,
            **extra,
        )
    except (TypeError, ValueError) as error:
        raise ConfigurationError(f"bad connection setting: {error}") from None


class _Pool:
    """The wire a client and its copies share, and whether its owner closed it."""

    def __init__(self, wire: Any) -> None:
        self.wire = wire  # a user-supplied client's wire never closes that client
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

    def _engine_settings(self) -> EngineSettings:
        config = self._config
        return EngineSettings(
            base_url=config.base_url,
            api_key=config.api_key,
            space_id=config.space_id,
            space_key=config.space_key,
            timeout=config.timeout,
            max_retries=config.max_retries,
            default_headers=config.default_headers,
            user_agent=USER_AGENT,
            retry_policy=self._retry_policy,
            warn_alpha=config.warn_alpha,
        )

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

    def _adopt_pool(self, pool: _Pool | None, fresh: Callable[[], Any]) -> None:
        """Use ``pool`` (a copy's shared one) or, for a new client, a fresh wire."""
        self._owns_pool = pool is None
        self._pool = pool if pool is not None else _Pool(fresh())

    def _mark_closed(self) -> bool:
        """Mark this client closed; True if the shared wire should be closed too."""
        if self.is_closed:
            return False
        self._closed = True
        if self._owns_pool:
            self._pool.closed = True
        return self._owns_pool

    def _changed(self, changes: dict[str, Any]) -> dict[str, Any]:
        """This client's settings with ``changes`` (given options only) applied."""
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
        changes = {k: v for k, v in changes.items() if not isinstance(v, NotGiven)}
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
        timeout: seconds one attempt may take, connecting to reading the whole answer
            (default 60); an ``httpx.Timeout`` counts as its longest phase.
        max_retries: retries of a failed request that is safe to repeat (default 2).
        default_headers: extra headers sent on every request.
        proxy: a proxy URL (``http://user:pass@proxy:3128``); else, with ``trust_env``,
            ``HTTPS_PROXY`` / ``HTTP_PROXY`` / ``ALL_PROXY`` and ``NO_PROXY``.
        trust_env: read proxies and ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` from the environment.
        verify: True (certifi's CAs), False, a CA bundle file or directory, or an
            ``ssl.SSLContext``.
        cert: a client certificate: a file, ``(cert, key)`` or ``(cert, key, password)``.
        limits: ``httpx.Limits`` for the connection pool.
        max_response_bytes: the largest decoded answer accepted (default 64 MiB).
        http_client: your own ``httpx.Client`` to send through instead (its pool, proxies and
            TLS; the connection settings above then do not apply).
        retry_policy: backoff settings; ``max_retries`` takes precedence for the count.
        warn_alpha: warn once per process on each alpha-stage operation (default True).
    """

    _engine: SyncEngine

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
        proxy: str | None = None,
        trust_env: bool = True,
        verify: VerifyTypes = True,
        cert: CertTypes | None = None,
        limits: httpx.Limits | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
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

        def fresh() -> SyncWire:
            if http_client is not None:
                from ._wires.user_httpx import HttpxWire

                return HttpxWire(http_client, max_response_bytes=max_response_bytes)
            # Imported here: async users never need urllib3 (20 ms of import).
            from ._wires.sync_urllib3 import Urllib3Wire

            settings = _connection_settings(
                proxy=proxy,
                trust_env=trust_env,
                verify=verify,
                cert=cert,
                limits=limits,
                max_response_bytes=max_response_bytes,
            )
            return Urllib3Wire(settings)

        self._adopt_pool(_pool, fresh)
        self._engine = SyncEngine(self._engine_settings(), self._pool.wire)

    def _request(
        self,
        op: Operation,
        parts: Mapping[str, Any],
        parse: Callable[[RawResponse], T],
        options: Mapping[str, Any],
    ) -> Response[T]:
        self._check_open()
        return self._engine.request(op, parts, parse, options)

    def with_options(
        self,
        *,
        api_key: str | NotGiven = NOT_GIVEN,
        region: str | NotGiven | None = NOT_GIVEN,
        base_url: str | NotGiven | None = NOT_GIVEN,
        space_id: str | NotGiven | None = NOT_GIVEN,
        space_key: str | NotGiven | None = NOT_GIVEN,
        timeout: float | httpx.Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        retry_policy: RetryPolicy | NotGiven = NOT_GIVEN,
        warn_alpha: bool | NotGiven = NOT_GIVEN,
    ) -> ArizeClient:
        """A copy with some settings changed, sharing this client's connection pool."""
        self._check_open()
        changed = self._changed(
            {
                "api_key": api_key,
                "region": region,
                "base_url": base_url,
                "space_id": space_id,
                "space_key": space_key,
                "timeout": timeout,
                "max_retries": max_retries,
                "default_headers": default_headers,
                "retry_policy": retry_policy,
                "warn_alpha": warn_alpha,
            }
        )
        return ArizeClient(**changed, _pool=self._pool)

    def paginate(
        self,
        operation: ModuleType,
        *,
        max_items: int | None = None,
        cursor: str | None = None,
        pages: bool = False,
        max_empty_pages: int = MAX_EMPTY_PAGES,
        **params: Any,
    ) -> SyncPaginator[Any, Any]:
        """Iterate every item of a list operation, following cursors page by page."""
        return SyncPaginator(
            self,
            operation,
            params,
            max_items=max_items,
            cursor=cursor,
            pages=pages,
            max_empty_pages=max_empty_pages,
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
            self._engine.close()

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

    _engine: AsyncEngine

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
        proxy: str | None = None,
        trust_env: bool = True,
        verify: VerifyTypes = True,
        cert: CertTypes | None = None,
        limits: httpx.Limits | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
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

        def fresh() -> AsyncWire:
            if http_client is not None:
                from ._wires.user_httpx import AsyncHttpxWire

                return AsyncHttpxWire(http_client, max_response_bytes=max_response_bytes)
            # Imported here: aiohttp takes a quarter of a second to import, and sync users
            # never need it.
            from ._wires.async_aiohttp import AiohttpWire

            settings = _connection_settings(
                proxy=proxy,
                trust_env=trust_env,
                verify=verify,
                cert=cert,
                limits=limits,
                max_response_bytes=max_response_bytes,
            )
            return AiohttpWire(settings)

        self._adopt_pool(_pool, fresh)
        self._engine = AsyncEngine(self._engine_settings(), self._pool.wire)

    async def _arequest(
        self,
        op: Operation,
        parts: Mapping[str, Any],
        parse: Callable[[RawResponse], T],
        options: Mapping[str, Any],
    ) -> Response[T]:
        self._check_open()
        return await self._engine.request(op, parts, parse, options)

    def with_options(
        self,
        *,
        api_key: str | NotGiven = NOT_GIVEN,
        region: str | NotGiven | None = NOT_GIVEN,
        base_url: str | NotGiven | None = NOT_GIVEN,
        space_id: str | NotGiven | None = NOT_GIVEN,
        space_key: str | NotGiven | None = NOT_GIVEN,
        timeout: float | httpx.Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        retry_policy: RetryPolicy | NotGiven = NOT_GIVEN,
        warn_alpha: bool | NotGiven = NOT_GIVEN,
    ) -> AsyncArizeClient:
        """A copy with some settings changed, sharing this client's connection pool."""
        self._check_open()
        changed = self._changed(
            {
                "api_key": api_key,
                "region": region,
                "base_url": base_url,
                "space_id": space_id,
                "space_key": space_key,
                "timeout": timeout,
                "max_retries": max_retries,
                "default_headers": default_headers,
                "retry_policy": retry_policy,
                "warn_alpha": warn_alpha,
            }
        )
        return AsyncArizeClient(**changed, _pool=self._pool)

    def paginate(
        self,
        operation: ModuleType,
        *,
        max_items: int | None = None,
        cursor: str | None = None,
        pages: bool = False,
        max_empty_pages: int = MAX_EMPTY_PAGES,
        **params: Any,
    ) -> AsyncPaginator[Any, Any]:
        """``async for`` over every item of a list operation, following cursors page by page."""
        return AsyncPaginator(
            self,
            operation,
            params,
            max_items=max_items,
            cursor=cursor,
            pages=pages,
            max_empty_pages=max_empty_pages,
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
            await self._engine.aclose()

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
