"""Every fact the runtime needs about an operation, derived from openapi.yaml in this one place.

``tools/generate.py`` hands the result to the templates (as ``FACTS`` in a generated
``_facts.jinja``), which write it into each operation module as ``OP`` and use it to shape the
namespaces; nothing else reads the spec for these facts.
"""

from __future__ import annotations

from typing import Any

# An operation's name is the generator's own name for it.
from openapi_python_client.strings import snake_case

__all__ = ["operation_facts"]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
V1_SCHEME = "v1ApiKey"


def operation_facts(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``{operation name: facts}`` for every operation of ``spec``."""
    facts: dict[str, dict[str, Any]] = {}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                name = snake_case(operation["operationId"])
                facts[name] = _facts(spec, name, method.upper(), path, operation)
    return facts


def _facts(
    spec: dict[str, Any], name: str, method: str, path: str, operation: dict[str, Any]
) -> dict[str, Any]:
    responses: dict[str, Any] = operation["responses"]
    success_keys = [key for key in responses if key.startswith("2")]
    low = min(_status_range(key)[0] for key in success_keys)
    high = max(_status_range(key)[1] for key in success_keys)
    idempotent = operation.get("x-idempotent", method in SAFE_METHODS)
    # Only a read is walked page by page: a write that answers in a page's shape (attaching
    # tags answers the tag list) returns that answer as it is.
    cursor, items = (
        _paging(spec, operation, responses[success_keys[0]]) if idempotent else (None, None)
    )
    security = operation.get("security", spec.get("security", []))
    return {
        "name": name,
        "method": method,
        "path": path,
        "success": (low, high),
        "errors": sorted(int(key) for key in responses if not key.startswith("2")),
        "idempotent": bool(idempotent),
        # The API answers 503 for "partly done, send the whole request again", and only the
        # operations where that can happen declare it.
        "retry_whole_on_503": "503" in responses,
        "stage": operation.get("x-release-stage"),
        "cursor": cursor,
        "items": items,
        "legacy_auth": any(V1_SCHEME in scheme for scheme in security),
    }


def _status_range(key: str) -> tuple[int, int]:
    """``"201"`` is (201, 201); a range key ``"2XX"`` is (200, 299)."""
    if key.upper().endswith("XX"):
        first = int(key[0]) * 100
        return first, first + 99
    return int(key), int(key)


def _paging(
    spec: dict[str, Any], operation: dict[str, Any], success: dict[str, Any]
) -> tuple[str | None, str | None]:
    """Where the cursor goes back and which member holds the items; (None, None): no paging.

    A page is an object answer with a ``pagination`` member beside one array member. The
    cursor goes back as the ``cursor`` query parameter, or as the ``cursor`` member of the
    JSON body (searches); a page taking neither is walked as one page (``"none"``).
    """
    answer = _schema(spec, _resolve(spec, success).get("content", {}).get("application/json"))
    members: dict[str, Any] = answer.get("properties", {})
    if "pagination" not in members:
        return None, None
    arrays = [m for m, s in members.items() if _resolve(spec, s).get("type") == "array"]
    if len(arrays) != 1:
        raise ValueError(f"{operation['operationId']}: a page needs exactly one array member")
    parameters = [_resolve(spec, p) for p in operation.get("parameters", [])]
    if any(p["in"] == "query" and p["name"] == "cursor" for p in parameters):
        return "query", arrays[0]
    body = _schema(
        spec,
        _resolve(spec, operation.get("requestBody", {})).get("content", {}).get("application/json"),
    )
    if "cursor" in body.get("properties", {}):
        return "body", arrays[0]
    return "none", arrays[0]


def _schema(spec: dict[str, Any], media: dict[str, Any] | None) -> dict[str, Any]:
    return _resolve(spec, media["schema"]) if media and "schema" in media else {}


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node
