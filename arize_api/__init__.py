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
    ResponseTooLargeError,
    UnprocessableEntityError,
)
from ._logs import configure_from_env
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
    "ResponseTooLargeError",
    "RetryPolicy",
    "SyncPaginator",
    "UnprocessableEntityError",
    "Unset",
    "__version__",
]

# Tracebacks and reprs name the public exceptions where users import them from
# (arize_api.ConflictError, not arize_api._errors.ConflictError); pickle finds them here too.
for _name in __all__:
    _value = globals()[_name]
    if isinstance(_value, type) and issubclass(_value, BaseException):
        _value.__module__ = __name__
del _name, _value

configure_from_env()  # ARIZE_LOG=debug|info: the arize_api logger's output on stderr
