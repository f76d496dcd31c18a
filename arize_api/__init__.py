"""arize_api: an async-first, typed client for the Arize REST API."""

from ._client import ArizeClient, AsyncArizeClient
from ._config import REGIONS
from ._engine import RetryPolicy
from ._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    ArizeError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    InternalServerError,
    InvalidRequestError,
    LogManyError,
    MissingMemberError,
    ModelValidationError,
    NotFoundError,
    PaginationError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from ._pagination import AsyncPaginator, SyncPaginator
from ._release_stage import AlphaOperationWarning
from ._version import __version__
from .types import UNSET, Unset

__all__ = [
    "REGIONS",
    "UNSET",
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AlphaOperationWarning",
    "ArizeClient",
    "ArizeError",
    "AsyncArizeClient",
    "AsyncPaginator",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "InternalServerError",
    "InvalidRequestError",
    "LogManyError",
    "MissingMemberError",
    "ModelValidationError",
    "NotFoundError",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "RetryPolicy",
    "SyncPaginator",
    "UnprocessableEntityError",
    "Unset",
    "__version__",
]
