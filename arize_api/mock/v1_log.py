"""Legacy ``POST /v1/log``: one ML record, the raw key in ``Authorization``, grpc-gateway errors.

Checks, in the order the service applies them, with the seed's statuses and messages:
403 ``must provide authorization header`` / ``invalid api-key`` / ``unable to validate
authorization header`` (no known space id header or body ``space_key`` the key may write to);
400 for a body that is not a ``V1Record``, ``invalid feature type`` for a bad feature value,
``log must include prediction or actual``, ``invalid label type`` (mock wording: a prediction
or actual without exactly one label, or the two of different kinds), and ``timestamp must
range from now back to T-90 days``. Accepted records are stored verbatim in
``MockState.logged_records``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from .auth import Action, can, space_role
from .call import Call, handles
from .models import LoggedRecord, Space
from .problems import ApiError, parse_json
from .validation import describe, pointer

__all__ = ["MAX_AGE", "SPACE_ID_HEADERS"]

SPACE_ID_HEADERS = ("grpc-metadata-space_id", "grpc-metadata-arize-space-id")
MAX_AGE = timedelta(days=90)
CLOCK_SKEW = timedelta(minutes=5)
_INVALID = object()
JSON = dict[str, Any]


def _forbidden(message: str) -> ApiError:
    return ApiError(403, message)


def _rejected(message: str) -> ApiError:
    return ApiError(400, message)


def _space(call: Call, record: Any) -> Space:
    """The space the record goes to, which the key's user must be allowed to write."""
    key = call.headers.get("authorization")
    if not key:
        raise _forbidden("must provide authorization header")
    user_id = call.state.key_user(key.strip())
    if user_id is None:
        raise _forbidden("invalid api-key")
    space = None
    space_id = next((call.headers[h] for h in SPACE_ID_HEADERS if call.headers.get(h)), None)
    if space_id is not None:
        space = call.state.spaces.get(space_id.strip())
    elif isinstance(record, Mapping) and isinstance(record.get("space_key"), str):
        space = next(
            (s for s in call.state.spaces.values() if s.legacy_key == record["space_key"]), None
        )
    user = call.state.users[user_id]
    if space is None or not can(space_role(call.state, user, space), Action.WRITE):
        raise _forbidden("unable to validate authorization header")
    return space


def _parts(record: Mapping[str, Any]) -> tuple[JSON | None, JSON | None]:
    """(prediction, actual), wherever the record carries them."""
    both = record.get("prediction_and_actual") or {}
    return record.get("prediction") or both.get("prediction"), record.get("actual") or both.get(
        "actual"
    )


def _label_kind(part: Mapping[str, Any], field: str) -> str | None:
    label = part.get(field) or part.get("label") or {}
    return next(iter(label)) if len(label) == 1 else None


def _timestamps(record: Mapping[str, Any]) -> Iterator[Any]:
    prediction, actual = _parts(record)
    for part in (prediction, actual, record.get("feature_importances")):
        if part and "timestamp" in part:
            yield part["timestamp"]


def _check_schema(call: Call, record: Any) -> None:
    assert call.op.body is not None
    errors = sorted(call.op.body.iter_errors(record), key=lambda e: len(e.absolute_path))
    if not errors:
        return
    if any("/features/" in pointer(e) for e in errors):
        raise _rejected("invalid feature type")
    raise _rejected(f"invalid record: {describe(errors[0])}")


def _check_rules(record: Mapping[str, Any], now: datetime) -> None:
    prediction, actual = _parts(record)
    if prediction is None and actual is None:
        raise _rejected("log must include prediction or actual")
    for part in (prediction, actual):
        for value in ((part or {}).get("features") or {}).values():
            if not value:
                raise _rejected("invalid feature type")
    kinds = []
    if prediction is not None:
        kinds.append(_label_kind(prediction, "prediction_label"))
    if actual is not None:
        kinds.append(_label_kind(actual, "actual_label"))
    if None in kinds or len(set(kinds)) > 1:
        raise _rejected("invalid label type")
    for text in _timestamps(record):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise _rejected("timestamp must be an RFC 3339 date-time") from None
        if moment.tzinfo is None:
            raise _rejected("timestamp must be an RFC 3339 date-time with an offset")
        if not now - MAX_AGE <= moment <= now + CLOCK_SKEW:
            raise _rejected("timestamp must range from now back to T-90 days")


@handles("logRecord")
def log_record(call: Call) -> Any:
    try:
        record: Any = parse_json(call.raw_body)
    except (ValueError, UnicodeDecodeError):
        record = _INVALID
    space = _space(call, record)
    if record is _INVALID:
        raise _rejected("the body is not valid JSON")
    _check_schema(call, record)
    now = call.state.now()
    _check_rules(record, now)
    call.state.logged_records.append(
        LoggedRecord(space_id=space.id, received_at=now, record=record)
    )
    return {}
