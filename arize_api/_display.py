"""How models look in a notebook: short reprs, and rows for pandas.

A generated model's repr names its set fields but summarises what could be large: long
strings are cut, lists show their length and item type, nested models show their first
fields, and the whole line is capped. ``to_dict()`` is there for the full data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from .types import Unset

__all__ = ["data_frame", "model_repr"]

MAX_REPR = 300
MAX_STRING = 40
NESTED_FIELDS = 2
ADDITIONAL = "additional_properties"


def model_repr(model: Any) -> str:
    """``Dataset(id='RGF0...', name='evals', examples=[500 x DatasetExample], ...)``."""
    text = f"{type(model).__name__}({', '.join(_fields(model, depth=0))})"
    return text if len(text) <= MAX_REPR else text[: MAX_REPR - 4] + "...)"


def _fields(model: Any, depth: int) -> list[str]:
    shown = []
    for name, value in _items(model):
        shown.append(f"{name}={_value(value, depth + 1)}")
        if depth > 0 and len(shown) == NESTED_FIELDS:
            shown.append("...")
            break
    return shown


def _items(model: Any) -> list[tuple[str, Any]]:
    """The members worth showing: not a private field (``_explicit_nulls``), not ``UNSET`` (a
    request member not given), not an optional member left at ``None`` (absent)."""
    pairs = [
        (field.name, value)
        for field in attrs.fields(type(model))
        if field.name != ADDITIONAL
        and not field.name.startswith("_")
        and not isinstance(value := getattr(model, field.name), Unset)
        and not (value is None and field.default is None)
    ]
    pairs.extend(getattr(model, ADDITIONAL, {}).items())
    return pairs


def _value(value: Any, depth: int) -> str:
    if isinstance(value, str):
        return repr(value if len(value) <= MAX_STRING else value[:MAX_STRING] + "...")
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if attrs.has(type(value)):
        if depth > 1:
            return f"{type(value).__name__}(...)"
        return f"{type(value).__name__}({', '.join(_fields(value, depth))})"
    if isinstance(value, list):
        return _sequence(value)
    if isinstance(value, dict):
        return "{}" if not value else f"{{{len(value)} keys}}"
    text = repr(value)
    return text if len(text) <= MAX_STRING else text[:MAX_STRING] + "..."


def _sequence(values: list[Any]) -> str:
    if not values:
        return "[]"
    kinds = sorted({type(v).__name__ for v in values})
    if len(values) <= 3 and all(isinstance(v, str | int | float | bool) for v in values):
        return _value_list(values)
    return f"[{len(values)} x {' | '.join(kinds)}]"


def _value_list(values: list[Any]) -> str:
    return "[" + ", ".join(_value(v, depth=2) for v in values) + "]"


def data_frame(rows: list[Any]) -> Any:
    """``rows`` (models or dicts) as a ``pandas.DataFrame``; pandas is an optional extra."""
    try:
        import pandas  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError:
        raise ImportError(
            "to_pandas() needs pandas: pip install 'arize-api[pandas]' (or pip install pandas)"
        ) from None
    return pandas.DataFrame([row.to_dict() if hasattr(row, "to_dict") else row for row in rows])
