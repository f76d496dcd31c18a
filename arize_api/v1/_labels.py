"""Label kinds for v1 records, and how a plain Python value becomes one on the wire."""

from __future__ import annotations

import math
from typing import Any, Final, Literal

import attrs

__all__ = ["LABEL_TYPES", "LabelType", "ScoreCategorical", "label_to_wire"]

LabelType = Literal["numeric", "score_categorical", "binary", "categorical"]
LABEL_TYPES: Final[tuple[LabelType, ...]] = (
    "numeric",
    "score_categorical",
    "binary",
    "categorical",
)


@attrs.frozen
class ScoreCategorical:
    """A score-categorical label: a class, a score, or a class with its score (probability)."""

    category: str | None = None
    score: float | None = None

    def __attrs_post_init__(self) -> None:
        if self.category is None and self.score is None:
            raise ValueError("ScoreCategorical needs a category, a score, or both")


def infer_label_type(value: object) -> LabelType:
    """The label kind a plain value stands for: bool, number, str or (class, score)."""
    if isinstance(value, bool):
        return "binary"
    if isinstance(value, int | float):
        return "numeric"
    if isinstance(value, str):
        return "categorical"
    if isinstance(value, ScoreCategorical | tuple):
        return "score_categorical"
    raise TypeError(
        f"cannot tell the label kind of {type(value).__name__} {value!r}: use a bool (binary), "
        "a number (numeric), a str (categorical), or a (class, score) tuple / ScoreCategorical"
    )


def label_to_wire(value: object, label_type: LabelType, field: str) -> dict[str, Any]:
    """The proto-JSON ``PredictionLabel``/``ActualLabel`` for ``value`` of kind ``label_type``."""
    if label_type == "numeric":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _wrong_kind(field, value, label_type, "an int or float")
        if not math.isfinite(value):
            raise ValueError(f"{field}: {value!r} is not a finite number")
        return {"numeric": float(value)}
    if label_type == "binary":
        if not isinstance(value, bool):
            raise _wrong_kind(field, value, label_type, "True or False")
        return {"binary": value}
    if label_type == "categorical":
        if not isinstance(value, str):
            raise _wrong_kind(field, value, label_type, "a str class name")
        return {"categorical": value}
    return {"score_categorical": _score_categorical(value, field)}


def _score_categorical(value: object, field: str) -> dict[str, Any]:
    if isinstance(value, tuple):
        if len(value) != 2:
            raise _wrong_kind(field, value, "score_categorical", "a (class, score) pair")
        value = ScoreCategorical(category=value[0], score=value[1])
    elif isinstance(value, str):
        value = ScoreCategorical(category=value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        value = ScoreCategorical(score=value)
    if not isinstance(value, ScoreCategorical):
        raise _wrong_kind(field, value, "score_categorical", "a class, a score or (class, score)")
    category, score = value.category, value.score
    if category is not None and not isinstance(category, str):
        raise _wrong_kind(field, category, "score_categorical", "a str class")
    if score is not None and (
        isinstance(score, bool) or not isinstance(score, int | float) or not math.isfinite(score)
    ):
        raise _wrong_kind(field, score, "score_categorical", "a finite float score")
    if category is not None and score is not None:
        return {"score_category": {"category": category, "score": float(score)}}
    if category is not None:
        return {"category": {"category": category}}
    return {"score_value": {"value": float(score)}}  # type: ignore[arg-type]


def _wrong_kind(field: str, value: object, label_type: str, expected: str) -> TypeError:
    return TypeError(
        f"{field}: {value!r} ({type(value).__name__}) is not a {label_type} label; "
        f"label_type={label_type!r} needs {expected}"
    )
