"""Every discriminated union of openapi.yaml parses each of its kinds into that kind's class.

Spec-driven: for each `oneOf` with a `discriminator`, a model that holds the union (directly,
in a list, or as a nullable member) is parsed with a valid instance of each variant in its
place, then with a kind the spec does not list. The known kinds must come back as their own
generated class, whatever the order of the variants; the unknown one as `UnknownVariant`
with its data kept; and both must write back the JSON they came from.
"""

from __future__ import annotations

import copy
import importlib
import json
from dataclasses import dataclass
from typing import Any

import pytest

from arize_api import models
from arize_api._response import RawResponse, RequestInfo
from arize_api._unions import UnknownVariant
from tests.support import spec as spec_support

SCHEMAS: dict[str, Any] = spec_support.load_spec()["components"]["schemas"]
UNKNOWN_KIND = "A_KIND_FROM_THE_FUTURE"


@dataclass(frozen=True)
class ModelHost:
    """A model with a member that holds the union: ``model.member`` (``in_list``: a list of it)."""

    model: str
    member: str
    in_list: bool

    def parse(self, value: Any) -> Any:
        data = spec_support.build_value({"$ref": f"#/components/schemas/{self.model}"})
        data[self.member] = [value] if self.in_list else value
        parsed = getattr(models, self.model).from_dict(copy.deepcopy(data))
        assert type(parsed).from_dict(parsed.to_dict()) == parsed  # writes back what it read
        held = getattr(parsed, spec_support.python_name(self.member))
        return held[0] if self.in_list else held


@dataclass(frozen=True)
class OperationHost:
    """An operation that answers with the union: its generated response parser."""

    operation: spec_support.Operation

    def parse(self, value: Any) -> Any:
        module = importlib.import_module(self.operation.module_name)
        path = self.operation.path
        request = RequestInfo(self.operation.method, "https://arize.test" + path, path, {})
        content = json.dumps(value).encode()
        response = RawResponse(self.operation.success_status, {}, content, request)
        return module._parse_response(response)


def _refers_to(schema: Any, union: str) -> bool:
    branches = schema.get("oneOf", []) + schema.get("anyOf", [])  # nullable: [union, null]
    return spec_support.ref_name(schema) == union or any(
        spec_support.ref_name(branch) == union for branch in branches
    )


def _host(union: str) -> ModelHost | OperationHost:
    """A model (the first by name) with a member of type ``union`` or list of ``union``; else
    an operation that answers with it."""
    for name in sorted(SCHEMAS):
        for member, schema in SCHEMAS[name].get("properties", {}).items():
            if _refers_to(schema, union):
                return ModelHost(name, member, in_list=False)
            if schema.get("type") == "array" and _refers_to(schema.get("items", {}), union):
                return ModelHost(name, member, in_list=True)
    for operation in spec_support.operations():
        if operation.success_model == union:
            return OperationHost(operation)
    raise LookupError(f"neither a model nor an operation holds {union}")


@dataclass(frozen=True)
class Kind:
    union: str
    discriminator: str
    variant: str  # the variant's schema (and generated class) name

    def value(self) -> dict[str, Any]:
        value = spec_support.build_value({"$ref": f"#/components/schemas/{self.variant}"})
        assert isinstance(value, dict) and self.discriminator in value
        return value


def _kinds() -> list[Kind]:
    kinds = []
    for union, schema in SCHEMAS.items():
        if "discriminator" not in schema:
            continue
        for branch in schema["oneOf"]:
            variant = spec_support.ref_name(branch)
            assert variant, f"{union}: a discriminated variant must be a $ref"
            kinds.append(Kind(union, schema["discriminator"]["propertyName"], variant))
    return kinds


KINDS = _kinds()
UNIONS = sorted({kind.union for kind in KINDS})


def test_the_spec_has_discriminated_unions() -> None:
    assert len(UNIONS) >= 20 and len(KINDS) >= 60


@pytest.mark.parametrize("union", UNIONS)
def test_every_variant_fixes_its_discriminator_to_its_mapping_value(union: str) -> None:
    schema = SCHEMAS[union]
    name = schema["discriminator"]["propertyName"]
    mapping = schema["discriminator"].get("mapping", {})
    assert mapping, f"{union} has no discriminator mapping"
    for value, ref in mapping.items():
        variant = spec_support.resolve({"$ref": ref})
        assert variant["properties"][name].get("const") == value, f"{union}: {ref}"
        assert name in variant.get("required", []), f"{union}: {ref} must require {name}"


@pytest.mark.parametrize("kind", KINDS, ids=[f"{k.union}-{k.variant}" for k in KINDS])
def test_each_kind_parses_into_its_own_class(kind: Kind) -> None:
    parsed = _host(kind.union).parse(kind.value())
    assert type(parsed) is getattr(models, kind.variant)


@pytest.mark.parametrize("kind", KINDS, ids=[f"{k.union}-{k.variant}" for k in KINDS])
def test_each_kind_parses_whatever_the_order_of_its_members(kind: Kind) -> None:
    value = kind.value()
    reordered = dict(reversed(list(value.items())))  # the discriminator first or last
    assert type(_host(kind.union).parse(reordered)) is getattr(models, kind.variant)


@pytest.mark.parametrize("union", UNIONS)
def test_an_unknown_kind_parses_into_an_unknown_variant_with_its_data(union: str) -> None:
    kind = next(k for k in KINDS if k.union == union)
    future = {**kind.value(), kind.discriminator: UNKNOWN_KIND, "added_later": {"x": [1]}}
    parsed = _host(union).parse(future)
    assert isinstance(parsed, UnknownVariant)
    assert parsed.data == future and parsed.to_dict() == future
    assert UNKNOWN_KIND in repr(parsed)


@pytest.mark.parametrize("union", UNIONS)
def test_a_known_kind_missing_a_required_member_is_reported_not_hidden(union: str) -> None:
    """A known kind with a required member missing is malformed: an error, not UnknownVariant."""
    kind = next(
        k
        for k in KINDS
        if k.union == union
        and len(spec_support.resolve({"$ref": f"#/components/schemas/{k.variant}"})["required"]) > 1
    )
    schema = spec_support.resolve({"$ref": f"#/components/schemas/{kind.variant}"})
    value = kind.value()
    missing = next(m for m in schema["required"] if m != kind.discriminator)
    del value[missing]
    with pytest.raises((KeyError, TypeError, ValueError)):
        _host(union).parse(value)
