"""Building one v1 record: plain arguments in, validated proto-JSON out."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal

import attrs

from ._labels import LABEL_TYPES, LabelType, infer_label_type, label_to_wire
from ._values import values_to_wire

__all__ = ["Environment", "LogRecord", "record"]

Environment = Literal["production", "training", "validation"]
ENVIRONMENTS: Final = ("production", "training", "validation")
MAX_AGE: Final = timedelta(days=90)
MAX_FUTURE_SKEW: Final = timedelta(minutes=10)
MAX_PREDICTION_ID: Final = 512


@attrs.frozen(repr=False)
class LogRecord:
    """A validated ``/v1/log`` record, ready to send with ``client.log()`` or ``log_many()``."""

    prediction_id: str
    wire: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The record's JSON body (a copy)."""
        return dict(self.wire)

    def __repr__(self) -> str:
        parts = [f"model_id={self.wire.get('model_id')!r}", f"prediction_id={self.prediction_id!r}"]
        parts += [key for key in ("prediction", "actual") if key in self.wire]
        if "prediction_and_actual" in self.wire:
            parts += ["prediction", "actual"]
        parts.append(next(iter(self.wire.get("environment_params", {"production": {}}))))
        return f"LogRecord({', '.join(parts)})"


def record(
    model_id: str,
    *,
    prediction_label: object = None,
    actual_label: object = None,
    label_type: LabelType | None = None,
    prediction_id: str | None = None,
    model_version: str | None = None,
    features: Mapping[str, object] | None = None,
    tags: Mapping[str, object] | None = None,
    environment: Environment = "production",
    batch_id: str | None = None,
    timestamp: datetime | float | None = None,
) -> LogRecord:
    """Build and validate one v1 record; raises ``ValueError``/``TypeError`` naming the field.

    Labels: a number (numeric), a bool (binary), a str (categorical), or for score-categorical
    a class, a score, a ``(class, score)`` tuple or a ``ScoreCategorical``. Pass
    ``label_type=`` to say the kind explicitly (and have a mismatching value rejected).
    """
    if not isinstance(model_id, str) or not model_id:
        raise ValueError("model_id must be a non-empty string (the model's name in Arize)")
    if prediction_label is None and actual_label is None:
        raise ValueError(
            "a record needs a prediction_label or an actual_label (or both): the server rejects "
            "a log with neither"
        )
    if environment not in ENVIRONMENTS:
        raise ValueError(
            f"environment must be one of {', '.join(ENVIRONMENTS)}; got {environment!r}"
        )
    if environment != "production" and actual_label is None:
        raise ValueError(
            f"{environment} records must carry an actual_label as well as a prediction"
        )
    if environment == "validation" and not batch_id:
        raise ValueError("validation records need a batch_id naming the validation batch")
    if batch_id is not None and environment != "validation":
        raise ValueError("batch_id applies to validation records only")
    kind = _label_type(prediction_label, actual_label, label_type)
    pid = _prediction_id(prediction_id)
    when = _timestamp(timestamp)

    wire: dict[str, Any] = {"model_id": model_id, "prediction_id": pid}
    prediction: dict[str, Any] | None = None
    actual: dict[str, Any] | None = None
    if prediction_label is not None:
        prediction = {"prediction_label": label_to_wire(prediction_label, kind, "prediction_label")}
        if model_version is not None:
            prediction["model_version"] = model_version
        if features:
            prediction["features"] = values_to_wire(features, "features")
        if tags:
            prediction["tags"] = values_to_wire(tags, "tags")
        if when is not None:
            prediction["timestamp"] = when
    elif features:
        raise ValueError("features describe a prediction: pass a prediction_label with them")
    if actual_label is not None:
        actual = {"actual_label": label_to_wire(actual_label, kind, "actual_label")}
        if tags and prediction is None:
            actual["tags"] = values_to_wire(tags, "tags")
        if when is not None:
            actual["timestamp"] = when
    if prediction is not None and actual is not None:
        wire["prediction_and_actual"] = {"prediction": prediction, "actual": actual}
    elif prediction is not None:
        wire["prediction"] = prediction
    else:
        wire["actual"] = actual
    wire["environment_params"] = (
        {"validation": {"batch_id": batch_id}} if environment == "validation" else {environment: {}}
    )
    return LogRecord(prediction_id=pid, wire=wire)


def _label_type(prediction: object, actual: object, declared: LabelType | None) -> LabelType:
    if declared is not None:
        if declared not in LABEL_TYPES:
            raise ValueError(
                f"label_type must be one of {', '.join(LABEL_TYPES)}; got {declared!r}"
            )
        return declared
    kinds = {infer_label_type(v) for v in (prediction, actual) if v is not None}
    if len(kinds) > 1:
        raise TypeError(
            "prediction_label and actual_label are of different kinds "
            f"({', '.join(sorted(kinds))}); pass label_type= to say which"
        )
    return kinds.pop()


def _prediction_id(prediction_id: str | None) -> str:
    if prediction_id is None:
        return str(uuid.uuid4())
    if not isinstance(prediction_id, str) or not 1 <= len(prediction_id) <= MAX_PREDICTION_ID:
        got = (
            f"{len(prediction_id)} characters" if isinstance(prediction_id, str) else prediction_id
        )
        raise ValueError(
            f"prediction_id must be a string of 1..{MAX_PREDICTION_ID} characters; got {got!r}"
        )
    return prediction_id


def _timestamp(value: datetime | float | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        when = value.astimezone(UTC)  # a naive datetime is local time, as in Python itself
    elif isinstance(value, int | float) and not isinstance(value, bool):
        when = datetime.fromtimestamp(value, UTC)
    else:
        raise TypeError(
            f"timestamp must be a datetime or epoch seconds, got {type(value).__name__}"
        )
    now = datetime.now(UTC)
    if when < now - MAX_AGE:
        raise ValueError(
            f"timestamp {when.isoformat()} is more than 90 days old; Arize accepts records "
            "from now back to 90 days"
        )
    if when > now + MAX_FUTURE_SKEW:
        raise ValueError(f"timestamp {when.isoformat()} is in the future (beyond clock skew)")
    return when.isoformat()  # the form the generated model writes back, so the wire matches
