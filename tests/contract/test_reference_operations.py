"""openapi.yaml has exactly the reference's operations, each as the reference describes it.

`reference_operations.json` is the operation table of the shared reference (`v2-operations.md`:
160 operations) plus the legacy `POST /v1/log`, written out as data. Any operation missing from
the spec or not in the reference fails, and so does any difference in operation id, release
stage, success statuses and bodies, request body, query parameters or declared errors.

One deliberate difference, checked as such: the reference gives every 403 the schema `Problem`
and also says that plan and entitlement refusals are 403s shaped as `ForbiddenProblem` (a
`Problem` with four optional members more); the spec declares `ForbiddenProblem` for 403, which
accepts every `Problem` and types those members.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.support import spec as spec_support

REFERENCE = json.loads(
    (Path(__file__).resolve().parent / "reference_operations.json").read_text(encoding="utf-8")
)["operations"]
SPEC = spec_support.load_spec()
FORBIDDEN_SCHEMA = "ForbiddenProblem"  # the spec's 403 schema; the reference says Problem


def camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(word.capitalize() for word in rest)


def spec_operations() -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): operation
        for path, item in SPEC["paths"].items()
        for method, operation in item.items()
        if method in spec_support.HTTP_METHODS
    }


OPERATIONS = spec_operations()
IDS = [f"{op['method']} {op['path']}" for op in REFERENCE]


def test_the_reference_list_is_whole() -> None:
    assert len(REFERENCE) == 161
    assert len({(op["method"], op["path"]) for op in REFERENCE}) == 161
    assert sum(op["path"].startswith("/v2/") for op in REFERENCE) == 160


def test_the_spec_has_exactly_the_reference_operations() -> None:
    reference = {(op["method"], op["path"]) for op in REFERENCE}
    assert sorted(reference - set(OPERATIONS)) == [], "operations missing from openapi.yaml"
    assert sorted(set(OPERATIONS) - reference) == [], "operations not in the reference"


def _schema_name(node: dict[str, Any] | None) -> str | None:
    return spec_support.ref_name(node) if node is not None else None


def _content_schema(response: dict[str, Any]) -> tuple[str | None, str | None]:
    """(media type, schema name) of a response or request body; (None, None) without content."""
    content = spec_support.resolve(response).get("content")
    if not content:
        return None, None
    ((media, body),) = content.items()
    return media, _schema_name(body.get("schema"))


def _query_schema(parameter: dict[str, Any]) -> dict[str, Any]:
    """A spec query parameter in the reference file's notation (refs by name)."""
    schema = dict(parameter["schema"])
    out: dict[str, Any] = {"name": parameter["name"], "required": parameter.get("required", False)}
    if "$ref" in schema:
        out["$ref"] = spec_support.ref_name(schema)
        return out
    if schema.get("type") == "array":
        items = dict(schema.pop("items"))
        if "$ref" in items:
            items = {"$ref": spec_support.ref_name(items)}
        schema["items"] = items
        assert (parameter.get("style"), parameter.get("explode")) == ("form", True), (
            f"{parameter['name']}: arrays go as repeated keys (style form, explode true)"
        )
    out.update(schema)
    return out


@pytest.mark.parametrize("reference", REFERENCE, ids=IDS)
def test_each_operation_is_as_the_reference_says(reference: dict[str, Any]) -> None:
    operation = OPERATIONS.get((reference["method"], reference["path"]))
    if operation is None:
        pytest.fail("not in openapi.yaml (see test_the_spec_has_exactly_the_reference_operations)")
    assert operation["operationId"] == camel(reference["operation_id"])
    assert operation.get("x-release-stage") == reference["stage"]

    responses = operation["responses"]
    success = {code: _content_schema(r) for code, r in responses.items() if code.startswith("2")}
    assert {code: name for code, (_, name) in success.items()} == reference["success"]
    assert {media for media, _ in success.values()} <= {None, "application/json"}

    errors = {code: _content_schema(r) for code, r in responses.items() if not code.startswith("2")}
    expected_errors = dict(reference["errors"])
    legacy = reference["path"].startswith("/v1/")
    if "403" in expected_errors and not legacy:
        assert expected_errors["403"] == "Problem"
        expected_errors["403"] = FORBIDDEN_SCHEMA
    assert {code: name for code, (_, name) in errors.items()} == expected_errors
    media = "application/json" if legacy else "application/problem+json"
    assert {m for m, _ in errors.values()} == {media}

    body = operation.get("requestBody")
    if body is None:
        assert reference["body"] is None
    else:
        assert _content_schema(body) == ("application/json", reference["body"])
        assert spec_support.resolve(body).get("required", False) == reference["body_required"]

    parameters = [spec_support.resolve(p) for p in operation.get("parameters", [])]
    query = [_query_schema(p) for p in parameters if p["in"] == "query"]
    assert query == reference["query"]
    path = [p for p in parameters if p["in"] == "path"]
    assert [p["name"] for p in path] == re.findall(r"\{(\w+)\}", reference["path"])
    assert all(p["required"] is True and p["schema"] == {"type": "string"} for p in path)
