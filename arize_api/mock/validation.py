"""Reading a request against its operation in the spec: query parameters and the JSON body.

Status choice follows the reference: 400 when the body cannot be parsed or a value has the
wrong type or shape (including a missing required member); 422 when it parses but breaks a
rule (item counts, lengths, patterns, ranges, unknown members of a closed object). Query
parameters are all-or-nothing typing, so every query problem is a 400. A body that fails a
union is judged against the variant it names (by its constant kind member), so the problem
says what that variant misses, or which kinds there are when it names none of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from jsonschema.exceptions import ValidationError, best_match

from .ids import decode_global_id
from .problems import ApiError, bad_request, errors_member, parse_json, unprocessable
from .render import json_type
from .rules import setting
from .spec import Operation

__all__ = ["check_ids", "describe", "parse_body", "parse_datetime", "parse_query", "pointer"]

# Keywords whose failure means "not the right type/shape", hence 400.
STRUCTURAL = frozenset({"type", "required", "enum", "const", "oneOf", "anyOf", "allOf", "$ref"})
_INTEGER = re.compile(r"-?[0-9]+")
_MAX_REPORTED = 10
_MAX_TEXT = 200


def pointer(error: ValidationError) -> str:
    """JSON pointer of the failing value in the body (``""`` for the root)."""
    return "".join(f"/{part}" for part in error.absolute_path)


def _short(text: str) -> str:
    return text if len(text) <= _MAX_TEXT else text[:_MAX_TEXT] + "..."


def describe(error: ValidationError, where: str | None = None) -> str:
    """A short message for one violation (jsonschema's own can quote megabytes)."""
    where = where or pointer(error) or "the body"
    keyword, limit, value = error.validator, error.validator_value, error.instance
    if keyword == "type":
        return f"{where}: expected {limit}, got {json_type(value)}"
    if keyword in ("minItems", "maxItems") and isinstance(value, list):
        bound = "at least" if keyword == "minItems" else "at most"
        return f"{where}: {bound} {limit} items allowed, got {len(value)}"
    if keyword in ("minLength", "maxLength") and isinstance(value, str):
        bound = "at least" if keyword == "minLength" else "at most"
        return f"{where}: {bound} {limit} characters allowed, got {len(value)}"
    if keyword == "minProperties" and isinstance(value, Mapping):
        noun = "member" if limit == 1 else "members"
        return f"{where}: at least {limit} {noun} required, got {len(value)}"
    if keyword == "maxProperties" and isinstance(value, Mapping):
        schema = error.schema
        if isinstance(schema, Mapping) and schema.get("properties"):  # a protobuf oneof
            return f"{where}: set at most {limit} of these members (a protobuf oneof)"
        return f"{where}: at most {limit} entries allowed, got {len(value)}"
    if keyword in ("oneOf", "anyOf"):
        return _describe_union(error, where)
    return f"{where}: {_short(error.message)}"


def _describe_union(error: ValidationError, where: str) -> str:
    narrowed = _narrow(error)
    if narrowed is not error:
        return describe(narrowed)
    if kinds := _refused_kinds(error):
        allowed = ", ".join(repr(e.validator_value) for e in kinds)
        return f"{pointer(kinds[0])}: must be one of {allowed}, got {kinds[0].instance!r}"
    if not error.context:  # valid under several variants
        return f"{where}: does not match exactly one allowed shape"
    return f"{where}: does not match any allowed shape"


def _branches(error: ValidationError) -> list[list[ValidationError]]:
    by_branch: dict[int, list[ValidationError]] = {}
    for sub in error.context or ():
        by_branch.setdefault(int(sub.relative_schema_path[0]), []).append(sub)
    return list(by_branch.values())


def _refused_kinds(error: ValidationError) -> list[ValidationError]:
    """The const failures on one member, one per variant, when every variant refused the
    kind the body names (the spec's unions tell variants apart by a constant member)."""
    branches = _branches(error)
    kinds = [e for errors in branches for e in errors if e.validator == "const" and e.path]
    if branches and len(kinds) == len(branches) and len({tuple(e.path) for e in kinds}) == 1:
        return kinds
    return []


def _narrow(error: ValidationError) -> ValidationError:
    """The violation that explains a union's failure: against the variant the body names
    when it names one, else the most relevant; the error itself when there is none."""
    if error.validator not in ("oneOf", "anyOf") or _refused_kinds(error):
        return error
    branches = _branches(error)
    named = [errors for errors in branches if not any(e.validator == "const" for e in errors)]
    candidates = named[0] if len(named) == 1 else [e for errors in branches for e in errors]
    best = best_match(candidates) if candidates else None
    return error if best is None else _narrow(best)


def _where(error: ValidationError) -> str:
    kinds = _refused_kinds(error)
    return pointer(kinds[0]) if kinds else pointer(error)


def _report(
    errors: Iterable[ValidationError], *, what: str, unknown: int = 422, status: int | None = None
) -> ApiError:
    """400 for a structural problem, else 422; an unknown member is ``unknown`` (the
    operation's documented status for them); ``status``, when given, for everything."""
    errors = [_narrow(e) for e in errors]
    structural = STRUCTURAL | ({"additionalProperties"} if unknown == 400 else set())
    if status is None:
        status = 400 if any(_structural(e, structural) for e in errors) else 422
    items = [(_where(e), describe(e)) for e in errors[:_MAX_REPORTED]]
    detail = f"{what}: " + "; ".join(message for _, message in items[:3])
    make = bad_request if status == 400 else unprocessable
    return make(detail, errors=errors_member(items))


def _structural(error: ValidationError, structural: frozenset[str]) -> bool:
    """A shape problem (400). A body that sets too few members at its top level (an update
    that changes nothing) is one too (mock README choice); an empty row inside it is not."""
    if error.validator == "minProperties":
        return not error.absolute_path
    return error.validator in structural


def _query_value(name: str, raw: str, schema: Mapping[str, Any]) -> tuple[Any, str | None]:
    """A query string value typed by its schema: ``(value, problem or None)``."""
    kind = schema.get("type")
    if kind == "integer":
        if not _INTEGER.fullmatch(raw.strip()):
            return raw, f"query parameter {name} must be an integer"
        return int(raw), None
    if kind == "boolean":
        if raw not in ("true", "false"):
            return raw, f"query parameter {name} must be true or false"
        return raw == "true", None
    return raw, None


def parse_query(op: Operation, params: Mapping[str, str]) -> dict[str, Any]:
    """Typed query values (spec defaults filled in); 400 for any bad one.

    An array parameter is sent as repeated keys (``?status=ACTIVE&status=INVITED``).
    """
    values: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    getlist = getattr(params, "getlist", None)
    for param in op.query():
        raw = params.get(param.name)
        if raw is None:
            if "default" in param.schema:
                values[param.name] = param.schema["default"]
            elif param.required:
                problems.append((param.name, f"query parameter {param.name} is required"))
            continue
        value: Any
        problem: str | None = None
        if param.schema.get("type") == "array":
            items = param.schema.get("items", {})
            raws = getlist(param.name) if getlist is not None else [raw]
            typed = [_query_value(param.name, text, items) for text in raws]
            value = [item for item, _ in typed]
            problem = next((p for _, p in typed if p is not None), None)
        else:
            value, problem = _query_value(param.name, raw, param.schema)
        if problem is not None:
            problems.append((param.name, problem))
            continue
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
        unknown = int(setting(op.operation_id, "unknown_members", 422))
        status = setting(op.operation_id, "invalid_body")
        raise _report(errors, what="invalid request body", unknown=unknown, status=status)
    if op.partial_update and value == {}:
        raise bad_request("an update must set at least one member")
    return value


def check_ids(op: Operation, *sources: Mapping[str, Any] | None) -> None:
    """400 unless the members the operation's rules name (``id_types``) are well-formed
    global ids of their type, in the path, the query or the body (lists: each item)."""
    expected: Mapping[str, str] = setting(op.operation_id, "id_types") or {}
    for name, type_name in expected.items():
        for source in sources:
            if not isinstance(source, Mapping) or source.get(name) is None:
                continue
            value = source[name]
            for item in value if isinstance(value, list) else [value]:
                decoded = decode_global_id(str(item))
                if decoded is None or type_name not in ("*", decoded[0]):
                    kind = "a global id" if type_name == "*" else f"a {type_name} id"
                    raise bad_request(f"{name} is not {kind}: {_short(str(item))!r}")


def parse_datetime(value: Any, member: str) -> datetime:
    """An RFC 3339 date-time with a time zone from a body or query member; 400 otherwise.

    (Request bodies are validated without format checks, so handlers parse what they use.)
    """
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise bad_request(f"{member} is not an RFC 3339 date-time: {_short(str(value))}") from None
    if moment.tzinfo is None:
        raise bad_request(f"{member} needs a time zone (e.g. Z)")
    return moment
