"""Round-trip every generated model on examples generated from its own schema in openapi.yaml.

For each object schema (each `components.schemas` entry that is neither an enum nor a
oneOf/anyOf union, plus the inline object schemas the generator turns into classes of their own)
hypothesis draws JSON instances valid for the schema (`strategy_of` below; every instance is
checked against the schema before use); for each instance `data`:

* `x = Model.from_dict(data)` must parse;
* `Model.from_dict(x.to_dict()) == x`, also after a trip through `json.dumps`/`json.loads`;
* `x.to_dict()` must validate against the schema (JSON Schema 2020-12, date-time checked);
* `x.to_dict()` must carry the same JSON as `data`: no member dropped, added or changed, date-times
  allowed to change spelling only (`Z` -> `+00:00`, fractions cut to microseconds) but not instant
  or offset.

Date-times cover RFC 3339 `date-time` (`T`/`t`, 0 to 9 fraction digits, `Z`/`z` or numeric
offsets including `-00:00`). hypothesis-jsonschema would be the usual tool, but its latest release
(0.23.1) breaks on current hypothesis, hence the small translator below.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import math
import typing
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from dateutil.parser import isoparse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

import arize_api.models as models
from tests.support import paths

SPEC_PATH = paths.SPEC_PATH
SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
COMPONENTS: dict[str, Any] = SPEC["components"]["schemas"]
REF_PREFIX = "#/components/schemas/"
DEFS_PREFIX = "#/$defs/"

FORMAT_CHECKER = FormatChecker()
# Without rfc3339-validator installed, jsonschema silently accepts any string as a date-time.
assert "date-time" in FORMAT_CHECKER.checkers, "install rfc3339-validator (dev extra)"

ROUNDTRIP_SETTINGS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)

# Keywords that annotate without constraining.
# `default` only documents a value (the spec writes it beside a `$ref` too); it constrains nothing.
ANNOTATIONS = frozenset(
    {"description", "deprecated", "discriminator", "title", "example", "examples", "$comment"}
    | {"default"}
)


# --------------------------------------------------------------------------------------------
# Which schemas are models
# --------------------------------------------------------------------------------------------


def is_enum(schema: dict[str, Any]) -> bool:
    return "enum" in schema


def is_union(schema: dict[str, Any]) -> bool:
    return any(k in schema for k in ("oneOf", "anyOf", "allOf"))


def is_object_model(schema: dict[str, Any]) -> bool:
    """A schema the generator turns into an attrs class of its own."""
    if "$ref" in schema or is_enum(schema) or is_union(schema):
        return False
    return schema.get("type") == "object" or "properties" in schema


def pascal(word: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in word.split("_"))


def inline_models(class_name: str, schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(class name, schema) of the inline object schemas of a model that become classes.

    openapi-python-client names them after the owner and the property: `<Owner><Prop>` for an
    object-valued property, `<Owner><Prop>Item` for an array of objects, and `<Owner><Prop>Type0`
    for a nullable object (`type: [object, 'null']`: the class is the object branch).
    """
    for prop, sub in schema.get("properties", {}).items():
        types = sub.get("type")
        if isinstance(types, list) and sorted(types) == ["null", "object"]:
            name = class_name + pascal(prop) + "Type0"
            branch = {**sub, "type": "object"}
            yield name, branch
            yield from inline_models(name, branch)
        elif is_object_model(sub):
            name = class_name + pascal(prop)
            yield name, sub
            yield from inline_models(name, sub)
        elif sub.get("type") == "array" and is_object_model(sub.get("items", {})):
            name = class_name + pascal(prop) + "Item"
            yield name, sub["items"]
            yield from inline_models(name, sub["items"])


OBJECT_SCHEMAS = sorted(name for name, schema in COMPONENTS.items() if is_object_model(schema))
ENUM_SCHEMAS = sorted(name for name, schema in COMPONENTS.items() if is_enum(schema))
INLINE_SCHEMAS: dict[str, tuple[str, dict[str, Any]]] = {
    inline_name: (owner, sub)
    for owner in OBJECT_SCHEMAS
    for inline_name, sub in inline_models(owner, COMPONENTS[owner])
}


def generated_model_classes() -> set[str]:
    """Names in `arize_api.models.__all__` that are model classes (enums are Literal aliases)."""
    names = set()
    for name in models.__all__:
        obj = getattr(models, name)
        if isinstance(obj, type) and hasattr(obj, "from_dict") and hasattr(obj, "to_dict"):
            names.add(name)
    return names


# --------------------------------------------------------------------------------------------
# Validation: each schema as a self-contained JSON Schema 2020-12 document, refs into $defs
# --------------------------------------------------------------------------------------------


def rewrite_refs(node: Any) -> Any:
    """Copy of `node` with every `#/components/schemas/X` ref pointing at `#/$defs/X`."""
    if isinstance(node, dict):
        out = {k: rewrite_refs(v) for k, v in node.items()}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF_PREFIX):
            out["$ref"] = DEFS_PREFIX + ref[len(REF_PREFIX) :]
        return out
    if isinstance(node, list):
        return [rewrite_refs(v) for v in node]
    return node


DEFS = rewrite_refs(COMPONENTS)


def validation_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A self-contained JSON Schema 2020-12 document for a component or inline schema."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **rewrite_refs(schema),
        "$defs": DEFS,
    }


def make_validator(schema: dict[str, Any] | bool) -> Draft202012Validator:
    if isinstance(schema, bool):
        return Draft202012Validator(schema)
    return Draft202012Validator(validation_schema(schema), format_checker=FORMAT_CHECKER)


# --------------------------------------------------------------------------------------------
# Strategies: JSON Schema -> hypothesis, for the keywords this spec uses
# --------------------------------------------------------------------------------------------
# hypothesis-jsonschema 0.23.1, the latest release, fails on current hypothesis (it calls
# `many.more()`, gone from hypothesis' internals), so this small translator does the job. It
# refuses any keyword it does not know, so a spec change cannot make it draw invalid data
# silently, and every instance drawn is validated against the real schema before use.

KNOWN_KEYWORDS = ANNOTATIONS | {
    "$ref", "type", "const", "enum", "anyOf", "oneOf", "not", "format", "pattern",
    "minLength", "maxLength", "minimum", "maximum", "items", "minItems", "maxItems",
    "properties", "required", "additionalProperties", "maxProperties", "minProperties",
    "propertyNames", "uniqueItems",
}  # fmt: skip
# Bounds that keep examples small: a test of parsing, not of size.
EXTRA_TEXT = 12
EXTRA_ITEMS = 3
EXTRA_MEMBERS = 3

JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=EXTRA_TEXT)
)
ANY_JSON = st.recursive(
    JSON_LEAVES,
    lambda children: (
        st.lists(children, max_size=EXTRA_ITEMS)
        | st.dictionaries(st.text(max_size=EXTRA_TEXT), children, max_size=EXTRA_MEMBERS)
    ),
    max_leaves=8,
)


def rfc3339_date_times() -> st.SearchStrategy[str]:
    """RFC 3339 section 5.6 `date-time` strings (leap seconds left out: Python has none).

    0 to 9 fraction digits (servers written in Go send nanoseconds), `Z` or a numeric offset,
    `-00:00` included; `T`/`Z` in either case, as RFC 3339 allows.
    """
    digits = "0123456789"
    fraction = st.one_of(
        st.just(""),
        st.integers(1, 9).flatmap(
            lambda n: st.text(digits, min_size=n, max_size=n).map(lambda s: "." + s)
        ),
    )
    numeric_offset = st.builds(
        lambda sign, h, m: f"{sign}{h:02d}:{m:02d}",
        st.sampled_from("+-"),
        st.integers(0, 23),
        st.integers(0, 59),
    )
    zulu = st.sampled_from("Zz")
    return st.builds(
        lambda d, s, h, mi, se, fr, off: f"{d.isoformat()}{s}{h:02d}:{mi:02d}:{se:02d}{fr}{off}",
        # One day's margin at both ends keeps every offset's UTC instant representable.
        st.dates(min_value=dt.date(1, 1, 2), max_value=dt.date(9999, 12, 30)),
        st.sampled_from("Tt"),
        st.integers(0, 23),
        st.integers(0, 59),
        st.integers(0, 59),
        fraction,
        st.one_of(zulu, numeric_offset),
    )


def resolve(schema: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    ref = schema.get("$ref")
    if ref is None:
        return None, schema
    assert ref.startswith(REF_PREFIX), ref
    siblings = {k for k in schema if k != "$ref"} - ANNOTATIONS
    assert not siblings, f"constraints beside $ref {ref}: {siblings}"
    name = ref[len(REF_PREFIX) :]
    return name, COMPONENTS[name]


def one_variant_valid(variants: list[dict[str, Any]]) -> Any:
    checkers = [make_validator(v).is_valid for v in variants]
    return lambda value: sum(check(value) for check in checkers) == 1


def strategy_of(schema: Any, seen: tuple[str, ...] = ()) -> st.SearchStrategy[Any]:
    """A strategy drawing JSON values valid for `schema` (refs into `COMPONENTS`)."""
    if schema is True or schema == {}:
        return ANY_JSON
    if schema is False:
        return st.nothing()
    name, schema = resolve(schema)
    if name is not None:
        assert name not in seen, f"recursive schema {(*seen, name)}: needs st.deferred"
        return strategy_of(schema, (*seen, name))
    unknown = set(schema) - KNOWN_KEYWORDS
    assert not unknown, f"no strategy for keywords {sorted(unknown)} in {schema}"

    if "not" in schema:
        rest = {k: v for k, v in schema.items() if k != "not"}
        excluded = make_validator(schema["not"]).is_valid
        return strategy_of(rest, seen).filter(lambda v: not excluded(v))
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    for union in ("anyOf", "oneOf"):
        if union in schema:
            siblings = set(schema) - {union} - ANNOTATIONS
            assert not siblings, f"constraints beside {union}: {siblings}"
            variants = schema[union]
            drawn = st.one_of([strategy_of(v, seen) for v in variants])
            return drawn.filter(one_variant_valid(variants)) if union == "oneOf" else drawn

    types = schema.get("type")
    if types is None:
        types = ["object"] if "properties" in schema else None
    if types is None:
        assert set(schema) <= ANNOTATIONS, f"untyped schema with constraints: {schema}"
        return ANY_JSON
    if isinstance(types, str):
        types = [types]
    return st.one_of([typed_strategy(t, schema, seen) for t in types])


def typed_strategy(
    type_: str, schema: dict[str, Any], seen: tuple[str, ...]
) -> st.SearchStrategy[Any]:
    if type_ == "null":
        return st.none()
    if type_ == "boolean":
        return st.booleans()
    if type_ == "integer":
        return st.integers(schema.get("minimum"), schema.get("maximum"))
    if type_ == "number":
        low, high = schema.get("minimum"), schema.get("maximum")
        return st.integers(low, high) | st.floats(low, high, allow_nan=False, allow_infinity=False)
    if type_ == "string":
        return string_strategy(schema)
    if type_ == "array":
        low = schema.get("minItems", 0)
        high = min(schema.get("maxItems", low + EXTRA_ITEMS), low + EXTRA_ITEMS)
        items = strategy_of(schema.get("items", True), seen)
        if schema.get("uniqueItems"):
            distinct = lambda v: json.dumps(v, sort_keys=True)  # noqa: E731 - items may be dicts
            return st.lists(items, min_size=low, max_size=high, unique_by=distinct)
        return st.lists(items, min_size=low, max_size=high)
    if type_ == "object":
        return object_strategy(schema, seen)
    raise AssertionError(f"unknown type {type_!r}")


def string_strategy(schema: dict[str, Any]) -> st.SearchStrategy[str]:
    fmt = schema.get("format")
    if fmt == "date-time":
        assert set(schema) - ANNOTATIONS <= {"type", "format"}, schema
        return rfc3339_date_times()
    # "password" only marks a secret for display; any string is valid.
    assert fmt in (None, "password"), f"no strategy for string format {fmt!r}"
    low = schema.get("minLength", 0)
    high = min(schema.get("maxLength", low + EXTRA_TEXT), low + EXTRA_TEXT)
    pattern = schema.get("pattern")
    if pattern is None:
        return st.text(min_size=low, max_size=high)
    # JSON Schema patterns are unanchored searches; ours are anchored, so draw full matches.
    assert pattern.startswith("^") and pattern.endswith("$"), pattern
    return st.from_regex(pattern[1:-1], fullmatch=True).filter(lambda s: low <= len(s) <= high)


def object_strategy(schema: dict[str, Any], seen: tuple[str, ...]) -> st.SearchStrategy[Any]:
    properties: dict[str, Any] = schema.get("properties", {})
    required: list[str] = schema.get("required", [])
    assert set(required) <= set(properties), f"required but undeclared: {schema}"
    optional = [p for p in properties if p not in required]
    max_members = schema.get("maxProperties")
    additional = schema.get("additionalProperties", True)
    names_ok = make_validator(schema.get("propertyNames", True)).is_valid
    extra_names = st.text(min_size=1, max_size=EXTRA_TEXT).filter(
        lambda n: n not in properties and names_ok(n)
    )
    member = {p: strategy_of(properties[p], seen) for p in properties}
    extra_value = strategy_of(additional, seen) if additional is not False else None

    @st.composite
    def draw_object(draw: st.DrawFn) -> dict[str, Any]:
        room = EXTRA_MEMBERS + len(properties) if max_members is None else max_members
        room -= len(required)
        assert room >= 0, schema
        chosen: list[str] = []
        least = max(schema.get("minProperties", 0) - len(required), 0)
        if optional:
            chosen = draw(
                st.lists(st.sampled_from(optional), unique=True, min_size=least, max_size=room)
            )
        out = {p: draw(member[p]) for p in [*required, *chosen]}
        room -= len(chosen)
        short = max(schema.get("minProperties", 0) - len(out), 0)  # a map's "at least N"
        if extra_value is not None and room > 0:
            extras = draw(
                st.dictionaries(
                    extra_names, extra_value, min_size=short, max_size=min(room, EXTRA_MEMBERS)
                )
            )
            out.update(extras)
        return out

    return draw_object()


_STRATEGIES: dict[str, st.SearchStrategy[Any]] = {}


def strategy_for(model_name: str) -> st.SearchStrategy[Any]:
    if model_name not in _STRATEGIES:
        _STRATEGIES[model_name] = strategy_of(schema_of(model_name))
    return _STRATEGIES[model_name]


def schema_of(model_name: str) -> dict[str, Any]:
    if model_name in COMPONENTS:
        return COMPONENTS[model_name]
    return INLINE_SCHEMAS[model_name][1]


@functools.cache
def validator_for(model_name: str) -> Draft202012Validator:
    return make_validator(schema_of(model_name))


# --------------------------------------------------------------------------------------------
# JSON comparison: the same document, date-times compared as instants with offsets
# --------------------------------------------------------------------------------------------


def _as_date_time(value: str) -> dt.datetime | None:
    if not FORMAT_CHECKER.conforms(value, "date-time"):
        return None
    return isoparse(value)


def assert_same_json(original: Any, dumped: Any, path: str = "$") -> None:
    """`dumped` must say what `original` said; a date-time may be re-spelt, not changed."""
    if isinstance(original, dict):
        assert isinstance(dumped, dict), f"{path}: object became {dumped!r}"
        assert set(dumped) == set(original), (
            f"{path}: members differ: lost {sorted(set(original) - set(dumped))}, "
            f"gained {sorted(set(dumped) - set(original))}"
        )
        for key, value in original.items():
            assert_same_json(value, dumped[key], f"{path}.{key}")
    elif isinstance(original, list):
        assert isinstance(dumped, list), f"{path}: array became {dumped!r}"
        assert len(dumped) == len(original), f"{path}: length {len(original)} -> {len(dumped)}"
        for i, (a, b) in enumerate(zip(original, dumped, strict=True)):
            assert_same_json(a, b, f"{path}[{i}]")
    elif isinstance(original, str) and isinstance(dumped, str) and original != dumped:
        before, after = _as_date_time(original), _as_date_time(dumped)
        assert before is not None and after is not None, f"{path}: {original!r} -> {dumped!r}"
        # Both sides hold microseconds at most: isoparse cuts a longer fraction, as the models do.
        assert after == before and after.utcoffset() == before.utcoffset(), (
            f"{path}: date-time {original!r} -> {dumped!r}"
        )
    elif isinstance(original, bool) or isinstance(dumped, bool):
        assert type(original) is type(dumped) and original == dumped, (
            f"{path}: {original!r} -> {dumped!r}"
        )
    elif isinstance(original, int | float) and isinstance(dumped, int | float):
        assert original == dumped or (math.isnan(original) and math.isnan(dumped)), (
            f"{path}: {original!r} -> {dumped!r}"
        )
    else:
        assert type(original) is type(dumped) and original == dumped, (
            f"{path}: {original!r} -> {dumped!r}"
        )


# --------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------

ALL_MODELS = OBJECT_SCHEMAS + sorted(INLINE_SCHEMAS)


def test_component_schemas_are_valid_json_schema_2020_12() -> None:
    # Checked once here: checking each per-model document (all of $defs inside) is slow.
    Draft202012Validator.check_schema({"$defs": DEFS})


def test_spec_has_object_schemas() -> None:
    assert len(OBJECT_SCHEMAS) > 50
    assert "Project" in OBJECT_SCHEMAS
    assert "SpaceRoleAssignment" not in OBJECT_SCHEMAS  # a oneOf
    assert "ProjectType" not in OBJECT_SCHEMAS  # an enum
    assert "V1PredictionFeatures" in INLINE_SCHEMAS


def test_every_object_schema_has_a_model_class() -> None:
    classes = generated_model_classes()
    missing = sorted(set(ALL_MODELS) - classes)
    assert not missing, f"schemas without a generated model class: {missing}"


def test_every_model_class_has_a_schema() -> None:
    classes = generated_model_classes()
    orphans = sorted(classes - set(ALL_MODELS))
    assert not orphans, f"model classes with no object schema in openapi.yaml: {orphans}"


@pytest.mark.parametrize("enum_name", ENUM_SCHEMAS)
def test_enum_literal_lists_the_spec_values(enum_name: str) -> None:
    alias = getattr(models, enum_name)
    assert set(typing.get_args(alias)) == set(COMPONENTS[enum_name]["enum"])


@pytest.mark.parametrize("model_name", ALL_MODELS)
@ROUNDTRIP_SETTINGS
@given(data=st.data())
def test_roundtrip(model_name: str, data: st.DataObject) -> None:
    model = getattr(models, model_name)
    validator = validator_for(model_name)
    instance = data.draw(strategy_for(model_name), label="instance")
    # The generator must only produce valid data, or a failure below would prove nothing.
    validator.validate(instance)
    pristine = copy.deepcopy(instance)

    x = model.from_dict(instance)
    assert instance == pristine, "from_dict mutated its input"
    dumped = x.to_dict()

    # 1. The round trip, in memory and through JSON text as on the wire.
    assert model.from_dict(dumped) == x
    wire = json.loads(json.dumps(dumped, allow_nan=False))
    assert model.from_dict(wire) == x
    # The path a response takes: the freshly decoded body is taken apart, not copied.
    assert model._parse(copy.deepcopy(wire), True) == x
    # 2. What to_dict() sends is valid for the schema.
    errors = sorted(validator.iter_errors(wire), key=lambda e: list(e.absolute_path))
    assert not errors, "to_dict() invalid for the schema:\n" + "\n".join(
        f"  at {list(e.absolute_path)}: {e.message}" for e in errors
    )
    # 3. Nothing lost, added or changed, and dumping again changes nothing.
    assert_same_json(instance, wire)
    assert model.from_dict(wire).to_dict() == dumped


def test_date_time_strategy_draws_valid_rfc3339() -> None:
    @settings(max_examples=200, deadline=None, database=None)
    @given(rfc3339_date_times())
    def check(value: str) -> None:
        assert FORMAT_CHECKER.conforms(value, "date-time"), value

    check()


# RFC 3339 section 5.6: "T" and "Z" may alternatively be lower case, and JSON Schema's date-time
# format (jsonschema's checker too) accepts them. Python 3.11's datetime.fromisoformat rejects a
# lower-case "z"; the models parse through arize_api._datetime.parse_datetime, which falls back
# to dateutil. Pinned here as well as drawn above, so a regression names itself.
RFC3339_SPELLINGS = [
    ("2024-05-01T12:34:56z", "2024-05-01T12:34:56+00:00"),
    ("2024-05-01t12:34:56Z", "2024-05-01T12:34:56+00:00"),
    ("2024-05-01t12:34:56.123456789z", "2024-05-01T12:34:56.123456+00:00"),
    ("2024-05-01T12:34:56.5-00:00", "2024-05-01T12:34:56.500000+00:00"),
    ("2024-05-01T23:30:00+05:30", "2024-05-01T23:30:00+05:30"),
]


@pytest.mark.parametrize(("value", "written"), RFC3339_SPELLINGS)
def test_rfc3339_spellings_parse_and_write_back(value: str, written: str) -> None:
    data = {"id": "p", "name": "n", "space_id": "s", "created_at": value}
    validator_for("Project").validate(data)

    project = models.Project.from_dict(data)

    assert project.created_at == isoparse(value)
    assert project.created_at.utcoffset() == isoparse(value).utcoffset()
    assert project.to_dict()["created_at"] == written
