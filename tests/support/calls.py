"""Ready-made calls of the spec's operations: each operation's module, valid arguments and the
model its answer must parse into (shared by the contract and pagination tests)."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import typing
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import arize_api.models
from tests.support import spec as spec_support


@dataclass(frozen=True)
class Call:
    """One operation, ready to call: its module, arguments and expected success model."""

    op: spec_support.Operation
    module: ModuleType
    kwargs: dict[str, Any]
    expected: tuple[type, ...] | None  # the model, or a union's variant models
    variant: int = 0  # which branch of a union request body was sent


def prepare(op: spec_support.Operation, *, full_body: bool = False, variant: int = 0) -> Call:
    """The call of `op`; a union (oneOf/anyOf) request body is built from branch `variant`."""
    module = importlib.import_module(op.module_name)
    signature = inspect.signature(module.sync_detailed)
    kwargs: dict[str, Any] = {}
    for param in op.parameters:
        assert param.python_name in signature.parameters, (
            f"{op.operation_id}: {param.location} parameter {param.name!r} has no argument "
            f"{param.python_name!r} in {module.__name__}.sync_detailed{signature}"
        )
        value = spec_support.parameter_value(param)
        if spec_support.resolve(param.schema).get("format") == "date-time":
            value = dt.datetime.fromisoformat(value)  # the generated argument is a datetime
        kwargs[param.python_name] = value
    if op.body_schema is not None:
        assert op.body_model, f"{op.operation_id}: request body schema is not a $ref"
        body_schema = (spec_support.variants(op.body_schema) or (op.body_schema,))[variant]
        model_name = spec_support.ref_name(body_schema)
        assert model_name, f"{op.operation_id}: request body branch {variant} is not a $ref"
        model = getattr(arize_api.models, model_name)
        hint = typing.get_type_hints(module.sync_detailed)["body"]
        assert hint is model or model in typing.get_args(hint), (
            f"{op.operation_id}: body is annotated {hint}, expected {model}"
        )
        kwargs["body"] = model.from_dict(spec_support.build_value(body_schema, full=full_body))
    unfilled = [
        name
        for name, p in signature.parameters.items()
        if name != "client"
        and p.default is inspect.Parameter.empty
        and p.kind is not inspect.Parameter.VAR_KEYWORD  # **options: per-request options
        and name not in kwargs
    ]
    assert not unfilled, f"{op.operation_id}: no value for required arguments {unfilled}"
    expected = None
    if op.success_schema is not None:
        assert op.success_model, f"{op.operation_id}: success schema is not a $ref"
        names = spec_support.model_names(op.success_schema)
        expected = tuple(getattr(arize_api.models, name) for name in names)
    return Call(op=op, module=module, kwargs=kwargs, expected=expected, variant=variant)


def expected_names(expected: tuple[type, ...] | None) -> str:
    return " | ".join(t.__name__ for t in expected) if expected else "None"
