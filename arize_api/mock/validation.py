"""Reading a request against its operation in the spec: query parameters and the JSON body.

Status choice follows the reference: 400 when the body cannot be parsed or a value has the
wrong type or shape (including a missing required member); 422 when it parses but breaks a
rule (item counts, lengths, patterns, ranges, unknown members of a closed object). Query
parameters are all-or-nothing typing, so every query problem is a 400.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from jsonschema.exceptions import ValidationError

from .problems import ApiError, bad_request, errors_member, parse_json, unprocessable
from .spec import Operation

__all__ = ["describe", "parse_body", "parse_query", "pointer"]

# Keywords whose failure means "not the right type/shape", hence 400.
STRUCTURAL = frozenset({"type", "required", "enum", "const", "oneOf", "anyOf", "allOf", "$ref"})
_INTEGER = re.compile(r"-?[0-9]+")
_MAX_REPORTED = 10
_MAX_TEXT = 200


def pointer(error: ValidationError) -> str:
    """JSON pointer of the failing value in the body (``""`` for the root)."""
    return "".join(f"/{part}" for part in error.absolute_path)


def _json_type(value: Any) -> str:
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


def _short(text: str) -> str:
    return text if len(text) <= _MAX_TEXT else text[:_MAX_TEXT] + "..."


def describe(error: ValidationError, where: str | None = None) -> str:
    """A short message for one violation (jsonschema's own can quote megabytes)."""
    where = where or pointer(error) or "the body"
    keyword, limit, value = error.validator, error.validator_value, error.instance
    if keyword == "type":
        return f"{where}: expected {limit}, got {_json_type(value)}"
    if keyword in ("minItems", "maxItems") and isinstance(value, list):
        bound = "at least" if keyword == "minItems" else "at most"
        return f"{where}: {bound} {limit} items allowed, got {len(value)}"
    if keyword in ("minLength", "maxLength") and isinstance(value, str):
        bound = "at least" if keyword == "minLength" else "at most"
        return f"{where}: {bound} {limit} characters allowed, got {len(value)}"
    if keyword == "maxProperties":
        return f"{where}: set at most {limit} of these members (a protobuf oneof)"
    if keyword in ("oneOf", "anyOf"):
        return f"{where}: does not match any allowed shape"
    return f"{where}: {_short(error.message)}"


def _report(errors: Iterable[ValidationError], *, what: str) -> ApiError:
    errors = list(errors)
    status = 400 if any(e.validator in STRUCTURAL for e in errors) else 422
    items = [(pointer(e), describe(e)) for e in errors[:_MAX_REPORTED]]
    detail = f"{what}: " + "; ".join(message for _, message in items[:3])
    make = bad_request if status == 400 else unprocessable
    return make(detail, errors=errors_member(items))


def parse_query(op: Operation, params: Mapping[str, str]) -> dict[str, Any]:
    """Typed query values (spec defaults filled in); 400 for any bad one."""
    values: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for param in op.query():
        raw = params.get(param.name)
        if raw is None:
            if "default" in param.schema:
                values[param.name] = param.schema["default"]
            elif param.required:
                problems.append((param.name, f"query parameter {param.name} is required"))
            continue
        value: Any = raw
        if param.schema.get("type") == "integer":
            if not _INTEGER.fullmatch(raw.strip()):
                problems.append((param.name, f"query parameter {param.name} must be an integer"))
                continue
            value = int(raw)
        for error in param.validator.iter_errors(value):
            problems.append((param.name, describe(error, f"query parameter {param.name}")))
        values[param.name] = value
    if problems:
        detail = "; ".join(message for _, message in problems)
        raise bad_request(detail, errors=errors_member(problems))
    return values


def parse_body(op: Operation, raw: bytes) -> Any:
    """The JSON body, checked against the operation's request schema (None if it has none)."""
    if op.body is None:
        return None
    if not raw.strip():
        if op.body_required:
            raise bad_request("a JSON request body is required")
        return None
    try:
        value = parse_json(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad_request(f"the request body is not valid JSON: {_short(str(exc))}") from None
    errors = sorted(op.body.iter_errors(value), key=lambda e: (len(e.absolute_path), str(e)))
    if errors:
        raise _report(errors, what="invalid request body")
    return value
