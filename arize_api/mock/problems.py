"""Errors as the real service sends them: RFC 9457 problems on /v2, grpc-gateway JSON on /v1."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from starlette.responses import Response

__all__ = [
    "PROBLEM_JSON",
    "ApiError",
    "bad_request",
    "conflict",
    "forbidden",
    "json_response",
    "not_found",
    "unprocessable",
]

PROBLEM_JSON = "application/problem+json"
ERRORS_DOC = "https://arize.com/docs/ax/rest-reference/errors#"
# The slugs the reference documents; other statuses get no `type` (RFC 9457: about:blank).
SLUGS: Mapping[int, str] = {
    400: "invalid-request",
    404: "resource-not-found",
    409: "resource-conflict",
    422: "validation-error",
}
# grpc-gateway's status codes for the HTTP statuses /v1/log answers with.
GRPC_CODES: Mapping[int, int] = {400: 3, 401: 16, 403: 7, 404: 5, 429: 8, 500: 13, 503: 14}
# When an operation does not declare a status, answer the nearest one it does declare.
FALLBACKS: Mapping[int, tuple[int, ...]] = {
    409: (422, 400),
    404: (422, 400),
    422: (400,),
    403: (404,),
}


class ApiError(Exception):
    """An error answer: raised anywhere in a handler, rendered once by the app."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        title: str | None = None,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title
        self.headers = dict(headers or {})
        self.extra = extra

    def declared_status(self, declared: frozenset[int]) -> int:
        """This error's status, or the closest one the operation declares."""
        if self.status in declared or not declared:
            return self.status
        for candidate in FALLBACKS.get(self.status, ()):
            if candidate in declared:
                return candidate
        return self.status

    def problem(self, status: int, *, instance: str, request_id: str) -> Response:
        """The v2 form: ``application/problem+json``."""
        body: dict[str, Any] = {}
        if status in SLUGS:
            body["type"] = ERRORS_DOC + SLUGS[status]
        body["title"] = self.title if self.title and status == self.status else _phrase(status)
        body["status"] = status
        body["detail"] = self.detail
        body["instance"] = instance
        body["request_id"] = request_id
        body.update(self.extra)
        return json_response(body, status, media_type=PROBLEM_JSON, headers=self.headers)

    def grpc(self, status: int) -> Response:
        """The /v1 form: grpc-gateway's ``{"code", "message", "details"}``."""
        body = {"code": GRPC_CODES.get(status, 2), "message": self.detail, "details": []}
        return json_response(body, status, headers=self.headers)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _reject_constant(value: str) -> float:
    raise ValueError(f"{value} is not valid JSON")


def parse_json(raw: bytes) -> Any:
    """Strict JSON: no NaN/Infinity; raises ValueError."""
    value = json.loads(raw, parse_constant=_reject_constant)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("number out of range")
    return value


def json_response(
    body: Any,
    status: int = 200,
    *,
    media_type: str = "application/json",
    headers: Mapping[str, str] | None = None,
) -> Response:
    content = json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return Response(content.encode(), status, headers=dict(headers or {}), media_type=media_type)


def bad_request(detail: str, **extra: Any) -> ApiError:
    return ApiError(400, detail, title="Invalid request", **extra)


def unprocessable(detail: str, **extra: Any) -> ApiError:
    return ApiError(422, detail, title="Validation error", **extra)


def not_found(what: str = "resource") -> ApiError:
    return ApiError(404, f"{what} not found", title="Resource not found")


def forbidden(detail: str) -> ApiError:
    return ApiError(403, detail, title="Forbidden")


def conflict(detail: str) -> ApiError:
    return ApiError(409, detail, title="Resource conflict")


def errors_member(items: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    """The ``errors`` extension member: one ``{pointer, detail}`` per violation."""
    return [{"pointer": pointer, "detail": detail} for pointer, detail in items]
