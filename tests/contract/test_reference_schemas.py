"""Every v2 schema of openapi.yaml is the reference's schema, member by member.

The reference is `../shared/reference/v2-schemas.json` (structural facts of all 455 schemas of
the official client), which CI always has beside the clone. For each schema of the spec (the
`V1*` schemas of `/v1/log` come from `v1-log.md` and are not in it) the test compares the kind
(object, enum, oneOf, anyOf) and:

* objects: the same members in the same order, with the same wire names, required and nullable
  flags, types, formats, `$ref`s, array items, map values, enums, consts and constraints (the
  reference's constraints all hold; the spec may add limits the API documents, and `default`
  (also beside a `$ref`), `uniqueItems`, `minProperties` or `maxProperties`, which the
  reference has no notation for);
  `additionalProperties` as the reference says, except that an object a response can carry
  stays open (the reference's `false` is left out) so a newer server's answer still parses;
* enums: the same values in the same order;
* unions: the same variants in the same order and the same discriminator (property and
  mapping), and each variant's discriminator member is a const of its mapping value.

Two spellings are equivalent by design: a member the reference types as an enum `$ref` plus a
`const` (a discriminator), and a member with a one-value `enum`, are both written as
`{type: string, const: ...}`, the form the generated union parser relies on.

The spec must hold every schema the reference's operations reach (see
`reference_operations.json`), except enums that only ever type such a const (the const says it
all, so the spec has no use for them); `OUT_OF_SCOPE` names what that leaves out.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from tests.support import paths
from tests.support import spec as spec_support

ROOT = paths.ROOT
REFERENCE_PATH = ROOT.parent / "shared" / "reference" / "v2-schemas.json"
if not REFERENCE_PATH.is_file():  # pragma: no cover - CI always has ../shared
    pytest.fail(f"the shared reference is missing: {REFERENCE_PATH}", pytrace=False)
REFERENCE: dict[str, Any] = json.loads(REFERENCE_PATH.read_text(encoding="utf-8"))["schemas"]
OPERATIONS = json.loads((Path(__file__).parent / "reference_operations.json").read_text())[
    "operations"
]
SPEC = spec_support.load_spec()
COMPONENTS: dict[str, Any] = SPEC["components"]["schemas"]
V2_SCHEMAS = sorted(name for name in COMPONENTS if not name.startswith("V1"))
CONSTRAINTS = ("minLength", "maxLength", "pattern", "minimum", "maximum", "minItems", "maxItems")
# Keywords the reference has no notation for that the spec uses to document behaviour.
DOCUMENTED_ONLY = ("default", "uniqueItems", "minProperties", "maxProperties")
# Reference schemas no operation reaches (response or bases the official client has but the
# wire never names) and enums that only type discriminator consts: not in the spec.
OUT_OF_SCOPE = {
    "AnnotateRecordResult": "unreachable: the annotate operations answer 202 without a body",
    "AnnotationBatchResult": "unreachable: the annotate operations answer 202 without a body",
    "AnnotationConfigType": "unreachable: annotation config variants carry one-value consts",
    "EvaluatorVersionCommon": "unreachable: a base of the EvaluatorVersion variants",
    "MonitorBase": "unreachable: a base of the Monitor variants",
    "WidgetSourceFieldKind": "only types the `kind` const of the WidgetSourceField variants",
    "WidgetType": "only types the `type` const of the Widget variants",
}


def _reference_refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        if node.get("type") == "ref":
            found.add(node["ref"])
        for value in node.values():
            found |= _reference_refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= {value} if isinstance(value, str) and value in REFERENCE else set()
            found |= _reference_refs(value)
    return found


def reachable_from_operations() -> set[str]:
    roots = {"ForbiddenProblem"}  # the spec's 403 schema (see test_reference_operations)
    for op in OPERATIONS:
        if op["path"].startswith("/v1/"):
            continue
        roots |= {op["body"], *op["success"].values(), *op["errors"].values()} - {None}
        roots |= {q.get("$ref") or q.get("items", {}).get("$ref") for q in op["query"]} - {None}
    return _closure(roots, lambda name: _reference_refs(REFERENCE[name]))


def const_only_enums(names: set[str]) -> set[str]:
    plain: set[str] = set()
    as_const: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "ref":
                (as_const if "const" in node else plain).add(node["ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for name in names:
        walk(REFERENCE[name].get("fields", []))
    for op in OPERATIONS:
        plain |= {q.get("$ref") or q.get("items", {}).get("$ref") for q in op["query"]} - {None}
    return as_const - plain


def response_schemas() -> set[str]:
    """Component schemas reachable from a response of the spec (success or error)."""
    responses = [
        response
        for item in SPEC["paths"].values()
        for operation in item.values()
        for response in operation["responses"].values()
    ]
    return _closure(_spec_refs(responses), lambda name: _spec_refs(COMPONENTS[name]))


def _closure(roots: Iterable[str], refs_of: Callable[[str], Iterable[str]]) -> set[str]:
    """The schema names ``roots`` reach, following ``refs_of`` until nothing new appears."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(refs_of(name))
    return seen


def _spec_refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        if "$ref" in node:
            target = node["$ref"]
            if target.startswith("#/components/schemas/"):
                return [target.rsplit("/", 1)[-1]]
            return _spec_refs(spec_support.resolve(node))
        return [name for value in node.values() for name in _spec_refs(value)]
    if isinstance(node, list):
        return [name for value in node for name in _spec_refs(value)]
    return []


RESPONSE_SCHEMAS = response_schemas()


# ----------------------------------------------------------------------- both in one notation


def from_reference(field: dict[str, Any]) -> dict[str, Any]:
    """A reference member (or items/values) without its name and required flag."""
    out = {k: v for k, v in field.items() if k not in ("name", "required")}
    out.setdefault("nullable", False)
    if "const" in out:  # an enum $ref fixed to one value: a discriminator
        assert out["type"] == "ref" and out["const"] in REFERENCE[out["ref"]]["values"]
        return {"type": "string", "const": out["const"], "nullable": out["nullable"]}
    if "enum" in out and out["type"] == "string" and len(out["enum"]) == 1:
        return {"type": "string", "const": out["enum"][0], "nullable": out["nullable"]}
    if "items" in out:
        out["items"] = from_reference(out["items"])
    if out["type"] == "object" and out.get("values", {"type": "any"})["type"] == "any":
        out.pop("values", None)
    elif "values" in out:
        out["values"] = from_reference(out["values"])
    if not out.get("constraints"):
        out.pop("constraints", None)
    return out


def from_spec(schema: dict[str, Any]) -> dict[str, Any]:
    """A spec member schema in the reference's notation."""
    schema = {k: v for k, v in schema.items() if k not in ("description", "examples")}
    for keyword in DOCUMENTED_ONLY:  # behaviour the spec documents beyond the reference
        schema.pop(keyword, None)
    if "anyOf" in schema:  # a nullable $ref: anyOf [$ref, null]
        branches = schema.pop("anyOf")
        assert not schema and len(branches) == 2 and branches[1] == {"type": "null"}, branches
        return {**from_spec(branches[0]), "nullable": True}
    if "$ref" in schema:
        assert set(schema) == {"$ref"}, schema
        return {"type": "ref", "ref": spec_support.ref_name(schema), "nullable": False}
    if not schema:
        return {"type": "any", "nullable": False}
    kind = schema.pop("type")
    nullable = isinstance(kind, list)
    if nullable:
        assert len(kind) == 2 and kind[1] == "null", kind
        kind = kind[0]
    out: dict[str, Any] = {"type": kind, "nullable": nullable}
    if "const" in schema:
        assert kind == "string" and set(schema) == {"const"}, schema
        return {**out, "const": schema["const"]}
    if "format" in schema:
        out["format"] = schema.pop("format")
    if "items" in schema:
        out["items"] = from_spec(schema.pop("items"))
    if kind == "object":
        values = schema.pop("additionalProperties")
        if values is not True:
            out["values"] = from_spec(values)
    constraints = {k: schema.pop(k) for k in CONSTRAINTS if k in schema}
    if constraints:
        out["constraints"] = constraints
    assert not schema, f"keywords the reference has no notation for: {schema}"
    return out


def same_member(ours: dict[str, Any], theirs: dict[str, Any]) -> bool:
    """Equal, except that the spec may state constraints the reference does not record.

    Every constraint of the reference must be in the spec with the same value; the spec may add
    more (the limits the API documents, e.g. `minItems: 1`), never change one.
    """
    ours, theirs = dict(ours), dict(theirs)
    own = ours.pop("constraints", {})
    recorded = theirs.pop("constraints", {})
    if any(own.get(k) != v for k, v in recorded.items()):
        return False
    for part in ("items", "values"):
        if part in ours and part in theirs and same_member(ours[part], theirs[part]):
            ours[part] = theirs[part]
    return ours == theirs


# ----------------------------------------------------------------------------------- tests


def test_the_spec_holds_every_schema_the_reference_operations_reach() -> None:
    reachable = reachable_from_operations()
    assert const_only_enums(reachable) == {"WidgetSourceFieldKind", "WidgetType"}
    expected = reachable - const_only_enums(reachable)
    assert sorted(expected - set(V2_SCHEMAS)) == [], "reference schemas missing from the spec"
    assert sorted(set(V2_SCHEMAS) - expected) == [], "spec schemas the operations do not reach"
    assert set(REFERENCE) - expected == set(OUT_OF_SCOPE)
    assert len(V2_SCHEMAS) == 448


@pytest.mark.parametrize("name", V2_SCHEMAS)
def test_schema_matches_the_reference(name: str) -> None:
    assert name in REFERENCE, "not a schema of the reference"
    reference, schema = REFERENCE[name], COMPONENTS[name]
    assert schema.get("description"), "every schema says what it is"
    kind = reference["kind"]
    if kind == "enum":
        assert schema["type"] == "string" and schema["enum"] == reference["values"]
    elif kind in ("oneOf", "anyOf"):
        _check_union(reference, schema)
    else:
        assert kind == "object" and schema["type"] == "object"
        _check_object(name, reference, schema)


def _check_object(name: str, reference: dict[str, Any], schema: dict[str, Any]) -> None:
    fields = reference["fields"]
    properties = schema.get("properties", {})
    assert list(properties) == [f["name"] for f in fields], "members or their order"
    assert schema.get("required", []) == [f["name"] for f in fields if f["required"]]
    for field in fields:
        ours, theirs = from_spec(properties[field["name"]]), from_reference(field)
        assert same_member(ours, theirs), (field["name"], ours, theirs)
    closed = schema.get("additionalProperties", True) is False
    if reference["additional_properties"]:
        assert schema.get("additionalProperties") is True
    elif name in RESPONSE_SCHEMAS:
        assert "additionalProperties" not in schema, "a response object stays open"
    else:
        assert closed, "a request object is closed as the reference says"


def _check_union(reference: dict[str, Any], schema: dict[str, Any]) -> None:
    kind = reference["kind"]
    assert set(schema) == {"description", kind} | (
        {"discriminator"} if reference["discriminator"] else set()
    )
    variants = [spec_support.ref_name(v) if "$ref" in v else from_spec(v) for v in schema[kind]]
    expected = [v if isinstance(v, str) else from_reference(v) for v in reference["variants"]]
    assert variants == expected
    discriminator = reference["discriminator"]
    if discriminator is None:
        return
    prop, mapping = discriminator["property"], discriminator["mapping"]
    assert schema["discriminator"] == {
        "propertyName": prop,
        "mapping": {value: f"#/components/schemas/{target}" for value, target in mapping.items()},
    }
    for value, target in mapping.items():
        member = COMPONENTS[target]["properties"][prop]
        assert member.get("const") == value, f"{target}.{prop} must be the const {value!r}"
        assert prop in COMPONENTS[target]["required"]
