"""The ASGI app: one route per operation in openapi.yaml, all served by one generic endpoint.

Per request: faults (latency, injected status, rate limit) -> authentication -> query and
body checked against the spec -> the operation's handler (a 501 problem for an operation that
has none), under the state lock -> an audit-log entry -> the success status the spec declares
(or the one the handler chose among two), or the error as a problem (v2) or grpc-gateway JSON
(v1).
In ``strict`` mode every JSON answer is checked against its response schema, so a handler
that drifts from the spec fails loudly with a 500 instead of misleading a client.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections import deque
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from .auth import authenticate
from .call import Answer, Call, Handler, not_implemented
from .control import control_routes
from .faults import Faults, Verdict
from .handlers import handlers_for
from .problems import ApiError, json_response
from .spec import Operation, Spec, load_spec
from .state import MockState
from .validation import check_ids, describe, parse_body, parse_query

__all__ = ["Exchange", "MockRuntime", "create_app"]

logger = logging.getLogger("arize_api.mock")


@dataclass(frozen=True)
class Exchange:
    """One request the mock answered (faults included), for tests to count retries."""

    operation: str
    method: str
    path: str
    status: int
    dropped: bool = False


class MockRuntime:
    """What every endpoint shares: state, faults, spec, its handlers, strictness and a
    journal of requests."""

    JOURNAL_SIZE = 10_000

    def __init__(self, state: MockState, faults: Faults, spec: Spec, strict: bool) -> None:
        self.state = state
        self.faults = faults
        self.spec = spec
        self.strict = strict
        self.handlers: dict[str, Handler] = handlers_for(spec)
        self.journal: deque[Exchange] = deque(maxlen=self.JOURNAL_SIZE)


def _request_id() -> str:
    return "req_" + secrets.token_hex(8)


def _retry_after(seconds: float) -> str:
    return str(int(seconds)) if float(seconds).is_integer() else f"{seconds:g}"


class OperationEndpoint:
    """The raw ASGI endpoint of one operation (raw so that it can drop a connection)."""

    def __init__(self, op: Operation, runtime: MockRuntime) -> None:
        self.op = op
        self.runtime = runtime
        self.handler = runtime.handlers.get(op.operation_id, not_implemented)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        request_id = _request_id()
        client = request.headers.get("authorization") or (
            request.client.host if request.client else ""
        )
        verdict = self.runtime.faults.decide(self.op.name, self.op.method, request.url.path, client)
        if verdict.reasons:
            logger.info("%s %s: fault %s", self.op.method, request.url.path, verdict.reasons)
        if verdict.latency:
            await asyncio.sleep(verdict.latency)
        if verdict.status is not None:
            response = self._injected(verdict, request, request_id)
        else:
            response = await self._respond(request, request_id, verdict)
        response.headers["x-request-id"] = request_id
        self.runtime.journal.append(
            Exchange(
                self.op.name, self.op.method, request.url.path, response.status_code, verdict.drop
            )
        )
        if verdict.drop:
            await _drop_midway(response, send)
        else:
            await response(scope, receive, send)

    def _injected(self, verdict: Verdict, request: Request, request_id: str) -> Response:
        assert verdict.status is not None
        headers = {}
        if verdict.retry_after is not None:
            headers["retry-after"] = _retry_after(verdict.retry_after)
        error = ApiError(verdict.status, "injected by the mock's fault settings", headers=headers)
        return self._render(error, verdict.status, request, request_id)

    async def _respond(self, request: Request, request_id: str, verdict: Verdict) -> Response:
        op, state = self.op, self.runtime.state
        raw = await request.body()
        try:
            with state.instant():
                call = Call(
                    op=op,
                    state=state,
                    user=None
                    if op.legacy
                    else authenticate(state, request.headers.get("authorization")),
                    path=request.path_params,
                    query=parse_query(op, request.query_params),
                    body=None if op.legacy else parse_body(op, raw),
                    raw_body=raw,
                    headers=request.headers,
                    cursorless=verdict.has_more_without_cursor,
                    partial=verdict.partial,
                    spec=self.runtime.spec,
                    client_ip=request.client.host if request.client else "",
                )
                check_ids(op, call.path, call.query, call.body)
                result = self.handler(call)
                if call.user is not None:
                    state.audit(call.user, op, call.client_ip, call.path)
        except ApiError as error:
            return self._render(error, error.declared_status(op.statuses), request, request_id)
        except Exception:  # a bug in the mock: say so, never hang or crash the server
            logger.exception("%s failed", op.operation_id)
            bug = ApiError(500, f"the mock failed handling {op.operation_id}; see its log")
            return self._render(bug, 500, request, request_id)
        status = op.success_status
        if isinstance(result, Answer):
            status, result = result.status, result.body
        if result is None:
            return Response(status_code=status)
        response = json_response(result, status)
        return self._checked(response, request, request_id)

    def _render(self, error: ApiError, status: int, request: Request, request_id: str) -> Response:
        if self.op.legacy:
            return error.grpc(status)
        response = error.problem(status, instance=request.url.path, request_id=request_id)
        return self._checked(response, request, request_id)

    def _checked(self, response: Response, request: Request, request_id: str) -> Response:
        """In strict mode, a 500 instead of an answer that breaks the spec."""
        validator = self.op.responses.get(response.status_code)
        if not self.runtime.strict or validator is None:
            return response
        errors = list(validator.iter_errors(json.loads(bytes(response.body))))
        if not errors:
            return response
        detail = "; ".join(describe(e) for e in errors[:3])
        logger.error("%s answered against the spec: %s", self.op.operation_id, detail)
        error = ApiError(500, f"mock response does not match openapi.yaml: {detail}")
        return error.problem(500, instance=request.url.path, request_id=request_id)


async def _drop_midway(response: Response, send: Send) -> None:
    """Send the status line, headers and half the body, then let the connection close."""
    body = bytes(response.body)
    headers = [(k, v) for k, v in response.raw_headers if k.lower() != b"content-length"]
    headers.append((b"content-length", str(max(len(body), 2)).encode()))
    await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
    # Returning now leaves the response incomplete: the server closes the connection.


async def _unrouted(request: Request, exc: Exception) -> Response:
    """404/405 for paths and methods the spec does not have, as problems."""
    assert isinstance(exc, HTTPException)
    error = ApiError(exc.status_code, exc.detail, headers=exc.headers)
    request_id = _request_id()
    response = error.problem(exc.status_code, instance=request.url.path, request_id=request_id)
    response.headers["x-request-id"] = request_id
    return response


def create_app(
    *,
    state: MockState | None = None,
    faults: Faults | None = None,
    spec: Spec | None = None,
    strict: bool = True,
) -> Starlette:
    """An ASGI app serving every operation of ``spec`` (default: the project's openapi.yaml).

    An operation without a handler is routed and validated like the others, then answered
    with a 501 problem (``call.not_implemented``). ``state`` and ``faults`` default to a fresh
    seeded state and no faults; the app keeps them as ``app.state.mock`` (a ``MockRuntime``).
    """
    spec = spec or load_spec()
    state = state or MockState()
    faults = faults or Faults()
    runtime = MockRuntime(state, faults, spec, strict)
    routes: list[Any] = [
        Route(op.path, OperationEndpoint(op, runtime), methods=[op.method])
        for op in spec.operations
    ]
    routes.extend(control_routes(state, faults, spec))
    app = Starlette(routes=routes, exception_handlers={HTTPException: _unrouted})
    app.router.redirect_slashes = False
    app.state.mock = runtime
    return app
