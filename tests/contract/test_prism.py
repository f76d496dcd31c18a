"""Contract test: every operation of `openapi.yaml`, called through its generated functions
against Prism serving the same spec, sync and async, static and dynamic.

For each operation the test sends valid inputs (built from the spec by `spec_support`):
every path parameter, every query and header parameter (optional ones too, so Prism
validates them all) and a request body made with the generated model's `from_dict`.
Prism checks the request against the spec, so a 2xx without an `sl-violations` header
means it was accepted; the answer must then parse into the operation's success model.
Static mode answers with the schema's example; dynamic mode (`prism mock -d`) makes up a
random response each time, so that run checks the models against arbitrary valid data.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

import arize_api.api
import arize_api.models
from arize_api import APIStatusError
from tests.conftest import PrismServer
from tests.support import spec as spec_support
from tests.support.calls import Call, expected_names, prepare
from tests.support.plain_client import PlainClient

OPERATIONS = spec_support.operations()
IDS = [op.operation_id for op in OPERATIONS]
WITH_BODY = [op for op in OPERATIONS if op.body_schema is not None]
API_KEY = "test-key"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=["static", "dynamic"])
def prism(request: pytest.FixtureRequest) -> PrismServer:
    """Each Prism server in turn (the session-scoped servers from conftest)."""
    server: PrismServer = request.getfixturevalue(f"prism_{request.param}")
    return server


class ContractClient(PlainClient):
    """PlainClient (the engine sends the credential each operation's scheme asks for) that
    keeps the last answer, so that a parse failure can show what Prism sent."""

    def __init__(self, base_url: str) -> None:
        super().__init__(base_url, api_key=API_KEY)
        self.last_response: httpx.Response | None = None
        sync_client, async_client = self.get_httpx_client(), self.get_async_httpx_client()
        sync_client.event_hooks = {"response": [self._remember]}
        async_client.event_hooks = {"response": [self._aremember]}

    def _remember(self, response: httpx.Response) -> None:
        response.read()
        self.last_response = response

    async def _aremember(self, response: httpx.Response) -> None:
        await response.aread()
        self.last_response = response


def _where(call: Call, server: PrismServer) -> str:
    mode = "dynamic" if server.dynamic else "static"
    return f"{call.op.operation_id} ({call.op.method} {call.op.path}) against {mode} Prism"


def _describe_exchange(response: httpx.Response | None) -> str:
    if response is None:
        return "  (no answer recorded)"
    request = response.request
    return (
        f"  request: {request.method} {request.url}\n"
        f"  request body: {request.content.decode(errors='replace') or '(none)'}\n"
        f"  answer: {response.status_code} {response.headers.get('content-type')}\n"
        f"  answer body: {response.text or '(empty)'}"
    )


def _failure(call: Call, server: PrismServer, client: ContractClient, exc: Exception) -> str:
    if isinstance(exc, APIStatusError):
        violations = exc.response.headers.get("sl-violations", "(none listed)")
        return (
            f"{_where(call, server)} rejected the request: {exc}\n"
            f"  sl-violations: {violations}\n{_describe_exchange(exc.response)}"
        )
    return (
        f"{_where(call, server)}: the answer did not parse into "
        f"{expected_names(call.expected)}: {type(exc).__name__}: {exc}\n"
        f"{_describe_exchange(client.last_response)}"
    )


def _check_detailed(call: Call, server: PrismServer, client: ContractClient, result: Any) -> None:
    response = client.last_response
    assert response is not None
    context = f"{_where(call, server)}\n{_describe_exchange(response)}"
    assert 200 <= int(result.status_code) < 300, context
    assert int(result.status_code) == call.op.success_status, context
    assert "sl-violations" not in response.headers, (
        f"{context}\n  sl-violations: {response.headers['sl-violations']}"
    )
    _check_parsed(call, result.parsed, context)


def _check_parsed(call: Call, parsed: Any, context: str) -> None:
    if call.expected is None:
        assert parsed is None, context
    else:
        assert isinstance(parsed, call.expected), (
            f"{context}\n  parsed into {type(parsed).__name__}, not {expected_names(call.expected)}"
        )


def _run_sync(call: Call, server: PrismServer) -> None:
    client = ContractClient(server.url)
    try:
        for send, check in (
            (call.module.sync_detailed, _check_detailed),
            (call.module.sync, None),
        ):
            try:
                result = send(client=client, **call.kwargs)
            except Exception as exc:
                raise AssertionError(_failure(call, server, client, exc)) from exc
            if check is not None:
                check(call, server, client, result)
            else:
                _check_parsed(call, result, _where(call, server))
    finally:
        client.close()


async def _run_async(call: Call, server: PrismServer) -> None:
    client = ContractClient(server.url)
    sends: list[Callable[..., Awaitable[Any]]] = [
        call.module.asyncio_detailed,
        call.module.asyncio,
    ]
    try:
        for send in sends:
            try:
                result = await send(client=client, **call.kwargs)
            except Exception as exc:
                raise AssertionError(_failure(call, server, client, exc)) from exc
            if send is call.module.asyncio_detailed:
                _check_detailed(call, server, client, result)
            else:
                _check_parsed(call, result, _where(call, server))
    finally:
        await client.aclose()
        client.close()


# --------------------------------------------------------------------------------- tests


def test_spec_operations_match_generated_modules() -> None:
    """Each spec operation has its module under arize_api/api/, and nothing else is there."""
    assert len(set(IDS)) == len(IDS), "duplicate operationId in openapi.yaml"
    from_spec = {op.module_name for op in OPERATIONS}
    generated = set()
    for info in pkgutil.walk_packages(arize_api.api.__path__, prefix="arize_api.api."):
        if info.ispkg:
            continue
        # Private helpers are not operations, unless they look like one.
        private = any(part.startswith("_") for part in info.name.split("."))
        if not private or hasattr(importlib.import_module(info.name), "OP"):
            generated.add(info.name)
    assert sorted(from_spec - generated) == [], "operations without a generated module"
    assert sorted(generated - from_spec) == [], "generated modules without an operation"
    for op in OPERATIONS:
        module = importlib.import_module(op.module_name)
        constants = (module.OP.name, module.OP.method, module.OP.path)
        assert constants == (spec_support.snake_case(op.operation_id), op.method, op.path)
        for name in ("sync", "sync_detailed", "asyncio", "asyncio_detailed"):
            assert callable(getattr(module, name, None)), f"{op.module_name}.{name}"


@pytest.mark.parametrize("full", [False, True], ids=["minimal", "full"])
@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_built_inputs_are_valid(op: spec_support.Operation, full: bool) -> None:
    """The value builder's own check: what it makes validates against the spec's schemas."""
    for param in op.parameters:
        value = spec_support.parameter_value(param)
        errors = [e.message for e in spec_support.schema_validator(param.schema).iter_errors(value)]
        assert not errors, f"{op.operation_id} parameter {param.name}={value!r}: {errors}"
    if op.body_schema is not None:
        body = spec_support.build_value(op.body_schema, full=full)
        validator = spec_support.schema_validator(op.body_schema)
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
        assert not errors, f"{op.operation_id} body {body!r}: {errors}"


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_operation_sync(op: spec_support.Operation, prism: PrismServer) -> None:
    _run_sync(prepare(op), prism)


@pytest.mark.anyio
@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
async def test_operation_async(op: spec_support.Operation, prism: PrismServer) -> None:
    await _run_async(prepare(op), prism)


# Every branch of a union request body, each with every optional property set.
FULL_BODIES = [
    (op, variant)
    for op in WITH_BODY
    for variant in range(max(1, len(spec_support.variants(op.body_schema))))
]


@pytest.mark.parametrize(
    ("op", "variant"),
    FULL_BODIES,
    ids=[
        op.operation_id + (f"-{spec_support.model_names(op.body_schema)[v]}" if v else "")
        for op, v in FULL_BODIES
    ],
)
def test_full_request_body_accepted(
    op: spec_support.Operation, variant: int, prism_static: PrismServer
) -> None:
    """Bodies with every optional property set (within maxProperties) are accepted too, for
    every branch of a union body."""
    _run_sync(prepare(op, full_body=True, variant=variant), prism_static)


OPTIONAL_BODY = [
    op
    for op in OPERATIONS
    if op.body_schema is not None
    and not spec_support.resolve(
        spec_support.load_spec()["paths"][op.path][op.method.lower()]["requestBody"]
    ).get("required", False)
]


@pytest.mark.parametrize("op", OPTIONAL_BODY, ids=[op.operation_id for op in OPTIONAL_BODY])
def test_an_optional_body_can_be_left_out(
    op: spec_support.Operation, prism_static: PrismServer
) -> None:
    """Without `body=` nothing is sent: no JSON (not even `null`) and no Content-Type."""
    call = prepare(op)
    kwargs = {k: v for k, v in call.kwargs.items() if k != "body"}
    request = call.module._get_kwargs(**kwargs)
    assert "json" not in request and "Content-Type" not in request.get("headers", {})
    _run_sync(Call(op=op, module=call.module, kwargs=kwargs, expected=call.expected), prism_static)
