"""The control plane under ``/_mock``: reset, faults, keys, tags and logged /v1 records.

No authentication (it is a test fixture's remote control); faults never apply to it.

    GET    /_mock/info          ready-made admin key, user, organization and space ids
    POST   /_mock/reset         back to the seed data and the configured faults
    GET    /_mock/faults        active fault rules and rate limit
    POST   /_mock/faults        {"rules": [rule, ...], "rate_limit": {"requests", "per"} | null}
    DELETE /_mock/faults        remove every fault and the rate limit
    POST   /_mock/keys          {"roles": {space_or_org_id: role}, "email"?} -> a new user's key
    POST   /_mock/tags          {"space_id", "name", "color"?, "description"?} -> a Tag
    POST   /_mock/spans         {"project_id", "spans": [Span, ...]} -> {"added": n}
    POST   /_mock/monitors      {"project_id", ...Monitor members} -> a Monitor
    POST   /_mock/dashboards    {"space_id", "name"?, "widgets"?: [...]} -> the dashboard
    GET    /_mock/v1/records    {"records": [...]}: what /v1/log accepted, oldest first
    DELETE /_mock/v1/records    forget them
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import seeding
from .faults import FaultRule, Faults, RateLimit
from .problems import ApiError, bad_request, json_response, not_found, parse_json, unprocessable
from .spec import Spec
from .state import MockState

__all__ = ["control_routes"]

Endpoint = Callable[[Request], Awaitable[Response]]


async def _body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        data = parse_json(raw)
    except (ValueError, UnicodeDecodeError):
        raise bad_request("the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise bad_request("the body must be a JSON object")
    return data


def _guard(handler: Callable[[Request], Awaitable[Any]], status: int = 200) -> Endpoint:
    """Run ``handler``; its result is the JSON answer, bad input a problem."""

    async def endpoint(request: Request) -> Response:
        request_id = "req_" + secrets.token_hex(8)
        try:
            result = await handler(request)
        except ApiError as error:
            return error.problem(error.status, instance=request.url.path, request_id=request_id)
        except (ValueError, KeyError, TypeError) as error:
            problem = unprocessable(str(error))
            return problem.problem(422, instance=request.url.path, request_id=request_id)
        if result is None:
            return Response(status_code=204)
        return json_response(result, status)

    return endpoint


def control_routes(state: MockState, faults: Faults, spec: Spec) -> list[Route]:
    """The ``/_mock`` routes for one state and fault set."""

    def info() -> dict[str, Any]:
        return {
            "api_key": state.admin.api_key,
            "user_id": state.admin.user_id,
            "org_id": state.org_id,
            "space_id": state.space_id,
        }

    async def get_info(request: Request) -> Any:
        return info()

    async def reset(request: Request) -> Any:
        state.reset()
        faults.reset()
        return info()

    async def get_faults(request: Request) -> Any:
        return faults.to_dict()

    async def add_faults(request: Request) -> Any:
        body = await _body(request)
        unknown = set(body) - {"rules", "rate_limit"}
        if unknown:
            raise unprocessable(f"unknown member(s): {', '.join(sorted(unknown))}")
        rules = [FaultRule.from_dict(rule) for rule in body.get("rules", [])]
        if "rate_limit" in body:
            limit = body["rate_limit"]
            faults.set_rate_limit(RateLimit(**limit) if limit is not None else None)
        faults.add(*rules)
        return faults.to_dict()

    async def clear_faults(request: Request) -> Any:
        faults.clear()
        return faults.to_dict()

    async def create_key(request: Request) -> Any:
        body = await _body(request)
        credentials = state.create_key(body.get("roles") or {}, email=body.get("email"))
        return {
            "api_key": credentials.api_key,
            "user_id": credentials.user_id,
            "email": credentials.email,
        }

    async def create_tag(request: Request) -> Any:
        body = await _body(request)
        with state.lock:
            space = state.spaces.get(str(body.get("space_id")))
            if space is None:
                raise not_found("space")
            tag = state.create_tag(
                space,
                str(body["name"]),
                color=body.get("color"),
                description=body.get("description"),
            )
            return spec.renderer.render({"$ref": "#/components/schemas/Tag"}, tag.data)

    async def add_spans(request: Request) -> Any:
        body = await _body(request)
        items = body.get("spans")
        if not isinstance(items, list):
            raise unprocessable("spans must be a list of Span objects")
        return {"added": seeding.add_spans(state, spec, str(body.get("project_id")), items)}

    async def add_monitor(request: Request) -> Any:
        body = await _body(request)
        project_id = str(body.pop("project_id", None))
        return seeding.add_monitor(state, spec, project_id, **body)

    async def add_dashboard(request: Request) -> Any:
        body = await _body(request)
        widgets = body.get("widgets", [{}])
        if not isinstance(widgets, list):
            raise unprocessable("widgets must be a list")
        name = str(body.get("name", "Dashboard"))
        return seeding.add_dashboard(state, spec, str(body.get("space_id")), name, widgets)

    async def records(request: Request) -> Any:
        return {"records": state.records()}

    async def clear_records(request: Request) -> Any:
        with state.lock:
            state.logged_records.clear()

    return [
        Route("/_mock/info", _guard(get_info), methods=["GET"]),
        Route("/_mock/reset", _guard(reset), methods=["POST"]),
        Route("/_mock/faults", _guard(get_faults), methods=["GET"]),
        Route("/_mock/faults", _guard(add_faults), methods=["POST"]),
        Route("/_mock/faults", _guard(clear_faults), methods=["DELETE"]),
        Route("/_mock/keys", _guard(create_key, 201), methods=["POST"]),
        Route("/_mock/tags", _guard(create_tag, 201), methods=["POST"]),
        Route("/_mock/spans", _guard(add_spans, 201), methods=["POST"]),
        Route("/_mock/monitors", _guard(add_monitor, 201), methods=["POST"]),
        Route("/_mock/dashboards", _guard(add_dashboard, 201), methods=["POST"]),
        Route("/_mock/v1/records", _guard(records), methods=["GET"]),
        Route("/_mock/v1/records", _guard(clear_records), methods=["DELETE"]),
    ]
