"""Which generated model classes are request models, from openapi.yaml.

A request model is one a request body can hold: every object schema reachable from an
operation's ``requestBody`` (through ``$ref``s and inline members), and the classes the
generator makes for the inline object schemas inside them. The others are response models.
No object schema is both (``overlap`` says which ones would be; ``tools/generate.py`` refuses
to generate then).

The templates read the set as ``REQUEST_MODELS`` (``_facts.jinja``): a request model keeps
``UNSET`` for a member the caller did not give (a PATCH sends only what was set) and has a
``TypedDict`` twin; a response model reads an absent member as ``None``.

    python tools/model_roles.py  # the counts: request models, response members typed Unset (0)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["overlap", "request_models", "schemas_reached"]

REF_PREFIX = "#/components/schemas/"


def request_models(spec: dict[str, Any]) -> set[str]:
    """Class names of the request models: component schemas and their inline classes."""
    components: dict[str, Any] = spec["components"]["schemas"]
    names: set[str] = set()
    for name in schemas_reached(spec, "requestBody"):
        schema = components[name]
        if _is_object(schema):
            names.add(name)
            names |= {inline for inline, _ in _inline_models(name, schema)}
    return names


def overlap(spec: dict[str, Any]) -> set[str]:
    """Object schemas reachable from both a request body and a response."""
    components: dict[str, Any] = spec["components"]["schemas"]
    both = schemas_reached(spec, "requestBody") & schemas_reached(spec, "responses")
    return {name for name in both if _is_object(components[name])}


def schemas_reached(spec: dict[str, Any], part: str) -> set[str]:
    """Component schema names reachable from the ``part`` (``requestBody`` or ``responses``)
    of any operation."""
    seen: set[str] = set()
    for item in spec["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "responses" in operation:
                _walk(spec, operation.get(part, {}), seen)
    return seen


def _walk(spec: dict[str, Any], node: Any, seen: set[str]) -> None:
    if isinstance(node, list):
        for value in node:
            _walk(spec, value, seen)
        return
    if not isinstance(node, dict):
        return
    ref = node.get("$ref")
    if isinstance(ref, str):
        if ref.startswith(REF_PREFIX):
            name = ref.removeprefix(REF_PREFIX)
            if name not in seen:
                seen.add(name)
                _walk(spec, spec["components"]["schemas"][name], seen)
        elif ref.startswith("#/components/"):
            target: Any = spec
            for key in ref.removeprefix("#/").split("/"):
                target = target[key]
            _walk(spec, target, seen)
    for key, value in node.items():
        if key != "$ref":
            _walk(spec, value, seen)


def _is_object(schema: dict[str, Any]) -> bool:
    if "$ref" in schema or "enum" in schema or any(k in schema for k in ("oneOf", "anyOf")):
        return False
    return schema.get("type") == "object" or "properties" in schema


def _pascal(word: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in word.split("_"))


def _inline_models(owner: str, schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The generator's names for the inline object schemas of ``owner``: ``<Owner><Prop>``,
    ``<Owner><Prop>Item`` for an array's items, ``<Owner><Prop>Type<n>`` for a union's
    (or a nullable object's) branches."""
    for prop, sub in (schema.get("properties") or {}).items():
        if not isinstance(sub, dict):
            continue
        base = owner + _pascal(prop)
        types = sub.get("type")
        branches = sub.get("oneOf") or sub.get("anyOf")
        if isinstance(types, list) and "object" in types and "null" in types:
            branch = {**sub, "type": "object"}
            yield base + "Type0", branch
            yield from _inline_models(base + "Type0", branch)
        elif isinstance(branches, list):
            for index, branch in enumerate(branches):
                if isinstance(branch, dict) and _is_object(branch):
                    yield f"{base}Type{index}", branch
                    yield from _inline_models(f"{base}Type{index}", branch)
        elif _is_object(sub):
            yield base, sub
            yield from _inline_models(base, sub)
        elif types == "array" and isinstance(sub.get("items"), dict) and _is_object(sub["items"]):
            yield base + "Item", sub["items"]
            yield from _inline_models(base + "Item", sub["items"])


def main() -> None:
    """Print how many classes are request models, and how many response-model members are
    typed with ``Unset`` in the generated package (it must be 0)."""
    import sys
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    import arize_api.models as models

    requests = request_models(yaml.safe_load((root / "openapi.yaml").read_text()))
    classes = {
        name: obj
        for name in models.__all__
        if isinstance(obj := getattr(models, name), type) and hasattr(obj, "from_dict")
    }
    members = [
        str(annotation)
        for name, cls in classes.items()
        if name not in requests
        for annotation in cls.__annotations__.values()
    ]
    unset = sum("Unset" in annotation for annotation in members)
    print(f"{len(requests)} request models of {len(classes)} models")
    print(f"response-model members typed with Unset: {unset} of {len(members)}")


if __name__ == "__main__":
    main()
