"""Stored documents to wire JSON, through the response schema of the operation answering.

A document keeps everything it was created with (secrets and request-only members included)
plus the server-set members. Rendering it against a response schema, recursively:

- keeps the members the schema declares and drops the others, unless the object is open
  (``additionalProperties: true``, or no ``properties`` at all: free-form maps); a null
  where the schema admits none means "not set" (a PATCH that cleared it);
- answers ``has_<member>`` with whether ``<member>`` was set (``has_api_key``,
  ``has_headers``): the secret itself never leaves, not even through an open object;
- picks the variant of a union by its discriminator (or its ``const`` members);
- fills a required member that is missing with the schema's neutral value: null when
  allowed, else the ``const``/``default``/first ``enum`` value, false, 0 (or ``minimum``),
  "", [] or an object of such values.

So one store serves several views (``Prompt`` and ``PromptWithVersion``, ``Webhook`` and the
``CreateWebhookResponse`` that shows the signing secret once) and every answer has the
spec's shape; the strict mode of the app still checks it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = ["EPOCH", "Renderer", "json_type"]

Schema = Mapping[str, Any]
Resolve = Callable[[Schema], Schema]
EPOCH = "1970-01-01T00:00:00.000000Z"  # a required date-time nothing set
_HAS = "has_"


def _types(schema: Schema) -> tuple[str, ...]:
    kind = schema.get("type")
    if isinstance(kind, str):
        return (kind,)
    if isinstance(kind, list):
        return tuple(str(k) for k in kind)
    if "properties" in schema:
        return ("object",)
    return ()


def json_type(value: Any) -> str:
    """The JSON Schema type name of a decoded JSON value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _is_set(value: Any) -> bool:
    return value not in (None, "", {}, [])


class Renderer:
    """Renders values against schemas of one document (``resolve`` follows its ``$ref``s)."""

    def __init__(self, resolve: Resolve) -> None:
        self.resolve = resolve

    def render(self, schema: Schema, value: Any) -> Any:
        """``value`` in the shape of ``schema`` (see the module docstring)."""
        schema = self.resolve(schema)
        if value is None:
            return None
        branches = self._branches(schema)
        if branches:
            return self.render(self._choose(schema, branches, value), value)
        types = _types(schema)
        if isinstance(value, Mapping) and ("object" in types or not types):
            return self._object(schema, value) if types else dict(value)
        if isinstance(value, list) and "array" in types:
            items = schema.get("items")
            return [self.render(items, item) for item in value] if items else list(value)
        return value

    def default(self, schema: Schema) -> Any:
        """The neutral value of ``schema``, for a required member nothing set."""
        schema = self.resolve(schema)
        if "const" in schema:
            return schema["const"]
        branches = self._branches(schema)
        if self.nullable(schema):
            return None
        if branches:
            return self.default(branches[0])
        if "default" in schema:
            return schema["default"]
        if "enum" in schema:
            return schema["enum"][0]
        kind = next(iter(_types(schema)), "object")
        if kind == "object":
            return self._object(schema, {})
        if kind == "string" and schema.get("format") == "date-time":
            return EPOCH
        neutral: dict[str, Any] = {"array": [], "boolean": False, "string": ""}
        if kind in ("integer", "number"):
            return schema.get("minimum", 0)
        return neutral.get(kind)

    def nullable(self, schema: Schema) -> bool:
        """Whether ``schema`` admits null."""
        schema = self.resolve(schema)
        union = schema.get("oneOf", schema.get("anyOf", []))
        return "null" in _types(schema) or any("null" in _types(self.resolve(b)) for b in union)

    def item_schema(self, schema: Schema, key: str) -> Schema:
        """The schema of the items of array member ``key`` (a list page's items)."""
        items = self.resolve(self.resolve(schema)["properties"][key]).get("items", {})
        return items if isinstance(items, Mapping) else {}

    # -- internals ---------------------------------------------------------------------------

    def _branches(self, schema: Schema) -> list[Schema]:
        union: Sequence[Schema] = schema.get("oneOf", schema.get("anyOf", []))
        return [b for b in union if _types(self.resolve(b)) != ("null",)]

    def _choose(self, schema: Schema, branches: list[Schema], value: Any) -> Schema:
        if not isinstance(value, Mapping):
            actual = json_type(value)
            for branch in branches:
                types = _types(self.resolve(branch))
                if actual in types or (actual == "integer" and "number" in types):
                    return branch
            return branches[0]
        discriminator = schema.get("discriminator")
        if discriminator is not None:
            tag = value.get(discriminator["propertyName"])
            target = discriminator.get("mapping", {}).get(tag)
            if target is not None:
                return {"$ref": target}
        return max(branches, key=lambda branch: self._fit(branch, value))

    def _fit(self, branch: Schema, value: Mapping[str, Any]) -> tuple[int, int, int]:
        """How well ``value`` fits an object variant: its consts, unknown and missing members."""
        schema = self.resolve(branch)
        properties: Mapping[str, Schema] = schema.get("properties", {})
        consts = 0
        for name, prop in properties.items():
            prop = self.resolve(prop)
            if "const" in prop:
                expected = prop["const"]
            elif len(prop.get("enum", ())) == 1:
                expected = prop["enum"][0]
            else:
                continue
            if name in value and value[name] != expected:
                return (-1, 0, 0)
            consts += name in value
        closed = schema.get("additionalProperties") is False
        unknown = sum(1 for name in value if name not in properties) if closed else 0
        missing = sum(1 for name in schema.get("required", []) if name not in value)
        return (consts, -unknown, -missing)

    def _object(self, schema: Schema, value: Mapping[str, Any]) -> dict[str, Any]:
        properties: Mapping[str, Schema] = schema.get("properties", {})
        out: dict[str, Any] = {}
        for name, prop in properties.items():
            if name in value and (value[name] is not None or self.nullable(prop)):
                out[name] = self.render(prop, value[name])
            elif name.startswith(_HAS) and name[len(_HAS) :] in value:
                out[name] = _is_set(value[name[len(_HAS) :]])
        extra = schema.get("additionalProperties")
        secrets = {name[len(_HAS) :] for name in properties if name.startswith(_HAS)}
        rest = {k: v for k, v in value.items() if k not in properties and k not in secrets}
        if extra is True or (not properties and extra is None):
            out.update(rest)
        elif isinstance(extra, Mapping):
            out.update({k: self.render(extra, v) for k, v in rest.items()})
        for name in schema.get("required", []):
            if name not in out:
                out[name] = self.default(properties.get(name, {}))
        return out
