"""openapi.yaml, read once: the operations the mock serves and validators for their schemas.

The mock is driven by the same document the client is generated from, so routes, parameter
bounds (``limit`` ranges and defaults), request-body rules and declared statuses can never
drift from the spec. Response bodies are built by hand and checked against it.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .render import Renderer

__all__ = ["SPEC_ENV", "Operation", "Parameter", "Spec", "load_spec", "snake_case"]

SPEC_ENV = "ARIZE_MOCK_SPEC"
_SPEC_URI = "urn:arize-api:openapi"
_METHODS = ("get", "put", "post", "patch", "delete")


def snake_case(name: str) -> str:
    """``listDatasets`` -> ``list_datasets`` (already-snake names pass through)."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def status_code(key: str) -> int:
    """A response key as a status: ``"201"`` is 201, a range such as ``"2XX"`` its first code."""
    return int(key.upper().replace("X", "0"))


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


@dataclass(frozen=True)
class Parameter:
    """One query, path or header parameter, with its (local-ref-resolved) schema."""

    name: str
    location: str
    required: bool
    schema: Mapping[str, Any]
    validator: Validator = field(repr=False, compare=False)


@dataclass(frozen=True)
class Operation:
    """One method on one path of the spec."""

    operation_id: str
    method: str
    path: str
    parameters: tuple[Parameter, ...]
    body: Validator | None = field(repr=False)
    body_required: bool
    success_status: int
    statuses: frozenset[int]
    responses: Mapping[int, Validator | None] = field(repr=False)
    legacy: bool  # /v1 style: raw API key, grpc-gateway error bodies
    # the JSON Schema (unresolved) of each response body, for rendering stored documents
    schemas: Mapping[int, Mapping[str, Any]] = field(default_factory=dict, repr=False)
    # a PATCH whose body is an object of optional members: an empty one changes nothing
    partial_update: bool = False

    @property
    def name(self) -> str:
        """The snake_case name the generated client uses (``list_datasets``)."""
        return snake_case(self.operation_id)

    def query(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "query")


class Spec:
    """The parsed document plus one validator per schema location that the mock uses."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self._registry: Registry[Any] = Registry().with_resource(_SPEC_URI, resource)
        self.operations = tuple(self._operations())
        self.by_id = {op.operation_id: op for op in self.operations}
        self.renderer = Renderer(self.resolve)

    def validator(self, *pointer: str, formats: bool = False) -> Validator:
        """A validator for the schema at ``pointer`` (a path of keys into the document)."""
        schema = {"$ref": f"{_SPEC_URI}#/{_pointer(*pointer)}"}
        checker = FormatChecker() if formats else None
        return Draft202012Validator(schema, registry=self._registry, format_checker=checker)

    def resolve(self, node: Mapping[str, Any]) -> Mapping[str, Any]:
        """Follow local ``$ref``s until a concrete object."""
        while "$ref" in node:
            target: Any = self.document
            for part in str(node["$ref"]).removeprefix("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def _operations(self) -> list[Operation]:
        ops = []
        default_security = self.document.get("security", [])
        for path, item in self.document["paths"].items():
            for method in _METHODS:
                raw = item.get(method)
                if raw is None:
                    continue
                where = ("paths", path, method)
                security = raw.get("security", default_security)
                ops.append(
                    Operation(
                        operation_id=raw["operationId"],
                        method=method.upper(),
                        path=path,
                        parameters=self._parameters(where, raw),
                        body=self._body(where, raw),
                        body_required=bool(
                            self.resolve(raw.get("requestBody", {})).get("required")
                        ),
                        success_status=min(
                            status_code(s) for s in raw["responses"] if s.startswith("2")
                        ),
                        statuses=frozenset(status_code(s) for s in raw["responses"]),
                        responses=self._responses(where, raw),
                        legacy=any("v1ApiKey" in scheme for scheme in security),
                        schemas=self._schemas(raw),
                        partial_update=method == "patch" and self._all_optional(raw),
                    )
                )
        return ops

    def _parameters(self, where: tuple[str, ...], raw: Mapping[str, Any]) -> tuple[Parameter, ...]:
        params = []
        for index, ref in enumerate(raw.get("parameters", [])):
            param = self.resolve(ref)
            params.append(
                Parameter(
                    name=param["name"],
                    location=param["in"],
                    required=bool(param.get("required")),
                    schema=self.resolve(param.get("schema", {})),
                    validator=self.validator(*where, "parameters", str(index), "schema"),
                )
            )
        return tuple(params)

    def _all_optional(self, raw: Mapping[str, Any]) -> bool:
        """Whether the JSON body is an object with members, none of them required (or a
        union of such objects)."""
        content = self.resolve(raw.get("requestBody", {})).get("content", {})
        schema = self.resolve(content.get("application/json", {}).get("schema", {}))
        branches = [self.resolve(b) for b in schema.get("oneOf", schema.get("anyOf", []))]
        return all(
            bool(b.get("properties")) and not b.get("required") for b in branches or [schema]
        )

    def _body(self, where: tuple[str, ...], raw: Mapping[str, Any]) -> Validator | None:
        if "requestBody" not in raw:
            return None
        body = self.resolve(raw["requestBody"])
        if "application/json" not in body.get("content", {}):
            return None
        if "$ref" in raw["requestBody"]:
            ref = str(raw["requestBody"]["$ref"]).removeprefix("#/").split("/")
            return self.validator(*ref, "content", "application/json", "schema")
        return self.validator(*where, "requestBody", "content", "application/json", "schema")

    def _schemas(self, raw: Mapping[str, Any]) -> dict[int, Mapping[str, Any]]:
        out: dict[int, Mapping[str, Any]] = {}
        for status, ref in raw["responses"].items():
            content = self.resolve(ref).get("content", {})
            media = next(iter(content), None)
            if media is not None and "schema" in content[media]:
                out[status_code(status)] = content[media]["schema"]
        return out

    def _responses(
        self, where: tuple[str, ...], raw: Mapping[str, Any]
    ) -> dict[int, Validator | None]:
        out: dict[int, Validator | None] = {}
        for status, ref in raw["responses"].items():
            response = self.resolve(ref)
            content = response.get("content", {})
            media = next(iter(content), None)
            if media is None or "schema" not in content[media]:
                out[status_code(status)] = None
                continue
            if "$ref" in ref:
                base = str(ref["$ref"]).removeprefix("#/").split("/")
            else:
                base = [*where, "responses", status]
            out[status_code(status)] = self.validator(
                *base, "content", media, "schema", formats=True
            )
        return out


def spec_path() -> Path:
    """Where openapi.yaml is: ``$ARIZE_MOCK_SPEC``, beside this module, or the repository root."""
    if os.environ.get(SPEC_ENV):
        return Path(os.environ[SPEC_ENV])
    here = Path(__file__).resolve().parent
    for candidate in (here / "openapi.yaml", here.parent.parent / "openapi.yaml"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        "arize_api.mock needs openapi.yaml: set ARIZE_MOCK_SPEC to its path, or ship it "
        "as arize_api/mock/openapi.yaml"
    )


@functools.cache
def load_spec(path: Path | None = None) -> Spec:
    """Parse the spec once per process (about 0.2 s) and build its validators."""
    source = path or spec_path()
    with source.open(encoding="utf-8") as handle:
        document = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return Spec(document)
