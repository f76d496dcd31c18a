"""Exception hierarchy, and the mapping from an HTTP error answer to one exception.

Arize answers v2 errors with RFC 9457 problem details (``application/problem+json``);
``/v1/log`` answers with grpc-gateway JSON or plain text. Both become an ``APIStatusError``
subclass chosen by status, carrying whatever the body said.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    from ._response import RawResponse, RequestInfo
    from .v1._bulk import LogSummary

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "ArizeError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "ConstMismatchError",
    "InternalServerError",
    "MissingMemberError",
    "ModelValidationError",
    "NotFoundError",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "UnprocessableEntityError",
    "error_for_response",
    "redact",
]

_EXCERPT = 200
_PROBLEM_MEMBERS = ("type", "title", "status", "detail", "instance")
# What json.loads raises on bodies it cannot read: bad syntax or bytes, or absurd nesting.
JSON_ERRORS = (ValueError, UnicodeDecodeError, RecursionError)


class ArizeError(Exception):
    """Base class of every error this package raises."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickle (multiprocessing, a task queue) would rebuild an error by calling the class
        # with its message, which an APIStatusError (built from a response) or a LogManyError
        # cannot take. Rebuilt without __init__ instead: the same message and attributes.
        # The request on the error (RequestInfo) pickles without its credentials.
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))


def _rebuild(cls: type[ArizeError], args: tuple[Any, ...], state: dict[str, Any]) -> ArizeError:
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class ConfigurationError(ArizeError, ValueError):
    """The client was given settings it cannot work with."""


class InvalidRequestError(ArizeError, ValueError):
    """A call whose arguments make a request that cannot be sent (nothing was sent)."""


class ConstMismatchError(ValueError):
    """A field that the spec fixes to one value (a discriminator) held another.

    Raised while parsing; tells a union parser to try the next variant.
    """


class ModelValidationError(ArizeError, ValueError, TypeError):
    """Data that does not have a model's declared shape: a required member missing, a member
    of the wrong kind (``"Dataset.name: expected a string, got list"``), or no object at all.

    Raised by a generated model's ``from_dict``, and so for a ``dict`` given as ``body=``
    (nothing is sent); from an answer it becomes the ``__cause__`` of an
    ``APIResponseValidationError``. ``model`` and ``member`` name where (``member`` is
    ``None`` when the whole value is not an object).
    """

    def __init__(self, model: str, member: str | None, problem: str) -> None:
        self.model = model
        self.member = member
        where = f"{model}.{member}" if member else model
        self.message = f"{where}: {problem}"
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class MissingMemberError(ModelValidationError, KeyError):
    """A required member is missing (``"CreateDatasetRequest.space_id: required member
    missing"``); also a ``KeyError``, as the bare one it replaces was."""


class APIResponseValidationError(ArizeError):
    """A 2xx answer whose body does not have the shape the spec promises."""

    def __init__(self, response: RawResponse, error: Exception) -> None:
        self.response = response
        self.status = response.status_code
        request = response.request
        undecodable = response.undecodable
        if undecodable:
            what, reason = "cannot be read", str(undecodable)
        elif isinstance(error, RecursionError):
            what, reason = "cannot be read", "JSON nested too deeply"
        elif isinstance(error, json.JSONDecodeError):
            what, reason = "is not valid JSON", str(error)
        elif isinstance(error, MissingMemberError):
            what = "does not match the spec"
            reason = f"missing required field {error.member!r} ({error})"
        elif isinstance(error, ModelValidationError):
            what, reason = "does not match the spec", str(error)
        elif isinstance(error, KeyError):
            what, reason = "does not match the spec", f"missing required field {error}"
        else:
            what, reason = "does not match the spec", str(error)
        message = (
            f"the {response.status_code} answer to {request.method} {request.path} {what}: "
            f"{printable(reason, MEMBER_LIMIT) or type(error).__name__} "
            f"(body starts {_excerpt(response)!r})"
        )
        super().__init__(redact(message, request))


class LogManyError(ArizeError):
    """``log_many`` stopped early because its input or its progress callback raised.

    The requests in flight were let finish and nothing was sent after; ``summary`` (a
    ``LogSummary``) accounts for every item taken, so the input's next item, if any, is the
    one at index ``summary.total``. The original exception is ``__cause__``.
    """

    def __init__(self, what: str, error: BaseException, summary: LogSummary) -> None:
        self.summary = summary
        reason = f"{type(error).__name__}: {error}"
        if len(reason) > _EXCERPT * 2:
            reason = reason[: _EXCERPT * 2] + "..."
        super().__init__(
            f"log_many stopped: {what} raised {reason} after {summary.total} records "
            f"({summary.sent} sent, {summary.failed} failed, nothing sent after that); "
            f"the full account is on this error's .summary"
        )


class PaginationError(ArizeError):
    """A list operation answered in a way that cannot be paged through safely."""


class APIConnectionError(ArizeError):
    """The request did not get an HTTP answer: connection refused, reset, or unreadable."""

    def __init__(self, message: str, *, request: RequestInfo | None = None) -> None:
        super().__init__(message)
        self.request = request


class ResponseTooLargeError(APIConnectionError):
    """The answer's body grew past the client's ``max_response_bytes``; reading stopped there."""

    def __init__(self, message: str, *, limit: int, request: RequestInfo | None = None) -> None:
        super().__init__(message, request=request)
        self.limit = limit


class APITimeoutError(APIConnectionError):
    """The server did not answer within the configured timeout."""


class APIStatusError(ArizeError):
    """The server answered with a non-2xx status.

    Attributes mirror the RFC 9457 problem members; ``extra`` holds any other members
    (for example ``error_code``, or ``deleted_example_ids`` on a partial delete).
    """

    status: int
    title: str | None
    detail: str | None
    type: str | None
    instance: str | None
    request_id: str | None
    extra: dict[str, Any]
    body: object
    response: RawResponse

    def __init__(self, response: RawResponse, body: object = None) -> None:
        self.response = response
        self.status = response.status_code
        self.body = body
        problem = body if isinstance(body, dict) else {}
        request = response.request
        self.title = redact(_str_or_none(problem.get("title")), request)
        # RFC 9457 says `detail`; grpc-gateway (/v1/log) says `message`; other gateways `error`.
        detail = problem.get("detail") or problem.get("message") or problem.get("error")
        self.detail = redact(_str_or_none(detail), request)
        self.type = _str_or_none(problem.get("type"))
        self.instance = _str_or_none(problem.get("instance"))
        self.extra = {k: v for k, v in problem.items() if k not in _PROBLEM_MEMBERS}
        self.request_id = _str_or_none(problem.get("request_id")) or response.headers.get(
            "x-request-id"
        )
        super().__init__(self._message())

    @property
    def status_code(self) -> int:
        """Alias of ``status``, as in httpx."""
        return self.status

    def _message(self) -> str:
        request = self.response.request
        where = f"{request.method} {request.path}"
        parts = (self.title, self.detail)
        summary = " - ".join(printable(part, MEMBER_LIMIT) for part in parts if part)
        if not summary:
            summary = _excerpt(self.response) or self.response.reason_phrase or "no body"
        message = f"{self.status} {where}: {summary}"
        if self.request_id:
            message += f" (request id {printable(self.request_id, 100)})"
        hint = self._hint()
        return redact(f"{message}. {hint}" if hint else message, request)

    def _hint(self) -> str:
        return ""


class BadRequestError(APIStatusError):
    """400: the body could not be parsed or a value had the wrong type."""


class AuthenticationError(APIStatusError):
    """401: the credential is missing, expired or invalid."""

    def _hint(self) -> str:
        return "Check the API key (argument api_key= or ARIZE_API_KEY)"


class PermissionDeniedError(APIStatusError):
    """403: the caller can see the resource but may not perform this action."""


class NotFoundError(APIStatusError):
    """404: no such resource, or the key has no read access to it (Arize does not say which)."""

    def _hint(self) -> str:
        return (
            "A 404 also means the API key cannot read the resource: check the key's access "
            "to the space or project before assuming it does not exist"
        )


class ConflictError(APIStatusError):
    """409: the request clashes with existing state (for example a duplicate name in a space)."""


class UnprocessableEntityError(APIStatusError):
    """422: the body parsed but broke a rule of the API."""


class RateLimitError(APIStatusError):
    """429: too many requests; retried automatically up to ``max_retries``."""


class InternalServerError(APIStatusError):
    """5xx: the server failed; idempotent requests are retried automatically."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def error_for_response(response: RawResponse) -> APIStatusError:
    """Build the exception for a non-2xx ``response`` (its body must already be read)."""
    if response.status_code >= 500:
        cls: type[APIStatusError] = InternalServerError
    else:
        cls = _BY_STATUS.get(response.status_code, APIStatusError)
    return cls(response, _decode(response))


def _decode(response: RawResponse) -> object:
    try:
        return json.loads(response.content) if response.content else None
    except JSON_ERRORS:
        return None


@overload
def redact(text: str, request: RequestInfo) -> str: ...
@overload
def redact(text: None, request: RequestInfo) -> None: ...
def redact(text: str | None, request: RequestInfo) -> str | None:
    """``text`` with every credential the request carried replaced by ``****``."""
    if not text:
        return text
    return request.redact(text)


def _excerpt(response: RawResponse) -> str:
    text = response.content[: _EXCERPT * 4].decode("utf-8", errors="replace")
    return printable(" ".join(text.split()), _EXCERPT)


# A problem member is shown in str(error) up to this length; the whole stays on the error.
MEMBER_LIMIT = 500
_CONTROL = {c: f"\\x{c:02x}" for c in (*range(32), 127)} | {
    ord("\n"): "\\n",
    ord("\r"): "\\r",
    ord("\t"): "\\t",
}


def printable(text: str, limit: int) -> str:
    """``text`` safe for one log line: control characters escaped (no ANSI codes, no forged
    lines), cut to ``limit`` characters with a note of how much more there was."""
    text = text.translate(_CONTROL)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text) - limit:,} more characters on the error object)"


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
