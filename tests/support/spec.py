"""Reading `openapi.yaml` for tests: its operations, and valid values built from its schemas.

`operations()` lists every path x method of the spec with what a test needs to call the
generated function for it. `build_value()` makes a small, deterministic instance that is
valid against a JSON Schema of the spec: a request body, a query or path parameter.
It knows only the keywords the spec uses and raises `NotImplementedError` for anything
else (for example a new `pattern`), so a spec change cannot silently produce invalid input.
"""

from __future__ import annotations

import builtins
import datetime as dt
import functools
import keyword
import re
from dataclasses import dataclass
from typing import Any

import yaml

# Generated names (modules, arguments) are the generator's own: `listDatasets` ->
# `list_datasets`, `Grpc-Metadata-space_id` -> `grpc_metadata_space_id`.
from openapi_python_client.strings import snake_case

from tests.support import paths

ROOT = paths.ROOT
SPEC_PATH = ROOT / "openapi.yaml"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Plausible ids (base64 of "Dataset:1" and friends, as Arize ids look) for path parameters.
PATH_PARAM_VALUES = {
    "dataset_id": "RGF0YXNldDox",
    "experiment_id": "RXhwZXJpbWVudDox",
    "org_id": "T3JnYW5pemF0aW9uOjE=",
    "project_id": "UHJvamVjdDox",
    "space_id": "U3BhY2U6MQ==",
    "user_id": "VXNlcjox",
}
DEFAULT_ID = "SWQ6MQ=="

# Strings tried, in order, against a `pattern`; the first that matches is used.
_PATTERN_CANDIDATES = ("example", "42", "A")
# A recent RFC 3339 UTC timestamp (the v1 server only takes the last 90 days).
RECENT_TIMESTAMP = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


@functools.cache
def load_spec() -> dict[str, Any]:
    """The parsed `openapi.yaml` (cached; treat as read-only)."""
    with SPEC_PATH.open(encoding="utf-8") as f:
        spec: dict[str, Any] = yaml.safe_load(f)
    return spec


def resolve(node: Any, spec: dict[str, Any] | None = None) -> Any:
    """Follow `$ref` (local JSON pointers only) until `node` is not a reference.

    Keywords written next to a `$ref` (OpenAPI 3.1 allows `description`, `deprecated`, ...)
    are kept on top of the target.
    """
    spec = spec if spec is not None else load_spec()
    seen: set[str] = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/") or ref in seen:
            raise NotImplementedError(f"unsupported or circular $ref {ref!r}")
        seen.add(ref)
        target: Any = spec
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        node = {**target, **siblings} if siblings else target
    return node


def python_name(name: str) -> str:
    """A member's or argument's generated name: `type` -> `type_`, as the generator suffixes
    Python keywords and builtins (but not `id`)."""
    name = snake_case(name)
    reserved = (set(dir(builtins)) | {"self", "true", "false", "datetime"}) - {"id"}
    return f"{name}_" if name in reserved or keyword.iskeyword(name) else name


def ref_name(schema: dict[str, Any] | None) -> str | None:
    """`FooBar` for a `{"$ref": "#/components/schemas/FooBar"}`, else None."""
    if isinstance(schema, dict) and "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    return None


def variants(schema: dict[str, Any] | None) -> tuple[dict[str, Any], ...]:
    """The non-null branches of a `oneOf`/`anyOf` schema (refs kept); () if it is no union."""
    if schema is None:
        return ()
    resolved = resolve(schema)
    for combinator in ("oneOf", "anyOf"):
        if combinator in resolved:
            return tuple(v for v in resolved[combinator] if resolve(v).get("type") != "null")
    return ()


def model_names(schema: dict[str, Any] | None) -> tuple[str, ...]:
    """The models a value of `schema` parses into: its own, or (flattened) its union's variants'."""
    branches = variants(schema)
    if not branches:
        name = ref_name(schema)
        return (name,) if name else ()
    return tuple(name for branch in branches for name in model_names(branch))


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # "path" | "query" | "header"
    required: bool
    schema: dict[str, Any]

    @property
    def python_name(self) -> str:
        """The argument's name in the generated function."""
        return python_name(self.name)


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str  # upper case
    path: str
    tag: str
    parameters: tuple[Parameter, ...]
    body_schema: dict[str, Any] | None  # unresolved: a $ref to the body model
    success_status: int
    success_schema: dict[str, Any] | None  # unresolved; None when the 2xx has no body
    security: tuple[str, ...]

    @property
    def module_name(self) -> str:
        return f"arize_api.api.{snake_case(self.tag)}.{snake_case(self.operation_id)}"

    @property
    def body_model(self) -> str | None:
        return ref_name(self.body_schema)

    @property
    def success_model(self) -> str | None:
        return ref_name(self.success_schema)


def _json_schema(content: dict[str, Any] | None, where: str) -> dict[str, Any] | None:
    if not content:
        return None
    media = [m for m in content if m == "application/json" or m.endswith("+json")]
    if not media:
        raise NotImplementedError(f"{where}: no JSON media type in {sorted(content)}")
    schema: dict[str, Any] = content[media[0]]["schema"]
    return schema


@functools.cache
def operations() -> tuple[Operation, ...]:
    """Every operation of the spec, in document order."""
    spec = load_spec()
    global_security = spec.get("security", [])
    result = []
    for path, item in spec["paths"].items():
        shared = item.get("parameters", [])
        for method in HTTP_METHODS:
            if method not in item:
                continue
            op = item[method]
            where = f"{method.upper()} {path}"
            merged: dict[tuple[str, str], Parameter] = {}
            for raw in [*shared, *op.get("parameters", [])]:
                p = resolve(raw, spec)
                merged[(p["in"], p["name"])] = Parameter(
                    name=p["name"],
                    location=p["in"],
                    required=bool(p.get("required", False)),
                    schema=p.get("schema", {}),
                )
            body = None
            if "requestBody" in op:
                body = _json_schema(resolve(op["requestBody"], spec).get("content"), where)
            # A range key such as "2XX" stands for its first code.
            keys = {int(str(c).upper().replace("X", "0")): c for c in op["responses"]}
            codes = sorted(code for code in keys if 200 <= code < 300)
            if not codes:
                raise NotImplementedError(f"{where}: no 2xx response")
            success = resolve(op["responses"][keys[codes[0]]], spec)
            security = op.get("security", global_security)
            result.append(
                Operation(
                    operation_id=op["operationId"],
                    method=method.upper(),
                    path=path,
                    tag=op["tags"][0],
                    parameters=tuple(merged.values()),
                    body_schema=body,
                    success_status=codes[0],
                    success_schema=_json_schema(success.get("content"), where),
                    security=tuple(name for req in security for name in req),
                )
            )
    return tuple(result)


# --------------------------------------------------------------------------- value builder


def build_value(schema: dict[str, Any] | bool, *, full: bool = False, _depth: int = 0) -> Any:
    """A deterministic instance valid against `schema` (refs into `openapi.yaml` allowed).

    Minimal by default: objects get their required properties only, arrays `minItems`
    items. With `full=True` objects get every declared property (within `maxProperties`)
    and maps and arrays one entry, which exercises the optional parts of a model too.
    """
    if _depth > 40:
        raise NotImplementedError("schema nests too deep (recursive schema?)")
    schema = resolve(schema)
    if schema is True or schema == {}:
        return "value"
    if isinstance(schema, bool):
        raise NotImplementedError("schema `false` has no valid instance")
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    for combinator in ("oneOf", "anyOf"):
        if combinator in schema:
            variants = [v for v in schema[combinator] if resolve(v).get("type") != "null"]
            return build_value(variants[0], full=full, _depth=_depth + 1)
    if "allOf" in schema:
        raise NotImplementedError("allOf is not supported by the value builder")

    kind = schema.get("type")
    if isinstance(kind, list):
        non_null = [k for k in kind if k != "null"]
        kind = non_null[0]
    if kind is None:
        kind = "object" if "properties" in schema else "string"

    if kind == "string":
        return _string(schema)
    if kind == "integer":
        return _number(schema, integer=True)
    if kind == "number":
        return _number(schema, integer=False)
    if kind == "boolean":
        return True
    if kind == "array":
        count = max(schema.get("minItems", 0), 1 if full else 0)
        if schema.get("uniqueItems") and count > 1:
            raise NotImplementedError("uniqueItems with minItems > 1 needs distinct items")
        return [build_value(schema.get("items", {}), full=full, _depth=_depth + 1)] * count
    if kind == "object":
        return _object(schema, full=full, depth=_depth)
    raise NotImplementedError(f"type {kind!r}")


def _string(schema: dict[str, Any]) -> str:
    fmt = schema.get("format")
    if fmt == "date-time":
        value = RECENT_TIMESTAMP
    elif fmt not in (None, "password"):  # "password" marks a secret; any string is valid
        raise NotImplementedError(f"string format {fmt!r}")
    elif "pattern" in schema:
        matches = [c for c in _PATTERN_CANDIDATES if re.search(schema["pattern"], c)]
        if not matches:
            raise NotImplementedError(f"no candidate string matches pattern {schema['pattern']!r}")
        value = matches[0]
    else:
        value = "example"
    min_len, max_len = schema.get("minLength", 0), schema.get("maxLength")
    if len(value) < min_len:
        value = value + "x" * (min_len - len(value))
    if max_len is not None and len(value) > max_len:
        value = value[:max_len]
    if "pattern" in schema and not re.search(schema["pattern"], value):
        raise NotImplementedError(f"length limits break pattern {schema['pattern']!r}")
    return value


def _number(schema: dict[str, Any], *, integer: bool) -> int | float:
    low = schema.get("minimum")
    high = schema.get("maximum")
    if "exclusiveMinimum" in schema:
        low = schema["exclusiveMinimum"] + (1 if integer else 0.5)
    if "exclusiveMaximum" in schema:
        high = schema["exclusiveMaximum"] - (1 if integer else 0.5)
    value: int | float = low if low is not None else (1 if integer else 0.5)
    if high is not None and value > high:
        value = high
    return int(value) if integer else float(value)


def _object(schema: dict[str, Any], *, full: bool, depth: int) -> dict[str, Any]:
    properties: dict[str, Any] = schema.get("properties", {})
    required: list[str] = list(schema.get("required", []))
    optional = [n for n in properties if n not in required]
    # "at least N members" (minProperties): the first optional ones make up the count.
    least = max(schema.get("minProperties", 0) - len(required), 0)
    names = required + optional if full else required + optional[:least]
    limit = schema.get("maxProperties")
    if limit is not None:
        if len(required) > limit:
            raise NotImplementedError("more required properties than maxProperties")
        names = names[:limit]
    value: dict[str, Any] = {}
    for name in names:
        if name not in properties:  # required but undeclared: any value will do
            value[name] = "value"
            continue
        value[name] = build_value(properties[name], full=full, _depth=depth + 1)
    extra = schema.get("additionalProperties", True)
    room = limit is None or len(value) < limit
    # A map gets one entry when full, and as many as its minProperties asks for in any case.
    wanted = max(schema.get("minProperties", 0) - len(value), 1 if full and room else 0)
    if not properties and extra is not False and wanted:
        if wanted > 1:
            raise NotImplementedError("a map with minProperties > 1")
        key = _map_key(schema.get("propertyNames"))
        value[key] = build_value({} if extra is True else extra, full=full, _depth=depth + 1)
    return value


def _map_key(names_schema: dict[str, Any] | None) -> str:
    key = "key_one"
    if names_schema is None:
        return key
    negated = names_schema.get("not", {})
    if set(names_schema) - {"not"} or set(negated) - {"pattern"}:
        raise NotImplementedError(f"propertyNames {names_schema!r}")
    banned = negated.get("pattern")
    if banned and re.search(banned, key):
        raise NotImplementedError(f"map key {key!r} matches forbidden pattern {banned!r}")
    return key


def parameter_value(param: Parameter) -> Any:
    """A valid value for a path, query or header parameter (an id where the name says so), as
    it goes on the wire: a `date-time` is a string (the generated functions take a datetime)."""
    schema = resolve(param.schema)
    constrained = {"enum", "format", "pattern"} & set(schema)
    plain_string = schema.get("type") == "string" and not constrained
    if param.location == "path" or (plain_string and param.python_name.endswith("_id")):
        for id_name, value in PATH_PARAM_VALUES.items():
            if param.python_name.endswith(id_name):
                return value
        return DEFAULT_ID
    return build_value(schema)


def schema_validator(schema: dict[str, Any]) -> Any:
    """A jsonschema Draft 2020-12 validator for `schema`, resolving refs into the spec."""
    import jsonschema

    root = {**load_spec(), **schema}
    return jsonschema.Draft202012Validator(
        root, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
