"""Checks the generated models and operations make on what they are given (hooks for templates/).

The generated ``from_dict`` tests each declared ``string``/``integer``/``number``/``boolean``
member inline with a cheap ``isinstance``/``type`` test and calls in here only to build the
error (or, for an integer sent as ``3.0``, to take it). A ``bool`` is not an integer nor a
number, an ``int`` is not a string, a float with a fraction is not an integer, an ``int`` is a
number. Operations turn a ``dict`` given for a model into that model through its own
``from_dict`` (``as_model``), and refuse a path parameter that is not a non-empty string
(``path_value``) before anything is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from ._errors import MissingMemberError, ModelValidationError

__all__ = [
    "as_int",
    "as_mapping",
    "as_model",
    "as_number",
    "check_items",
    "missing_member",
    "not_a_body",
    "not_a_timestamp",
    "path_value",
    "wrong_kind",
]


M = TypeVar("M")


def _kind(value: object) -> str:
    return "null" if value is None else type(value).__name__


def wrong_kind(model: str, member: str, expected: str, value: object) -> ModelValidationError:
    """``Dataset.name: expected a string, got list``."""
    return ModelValidationError(model, member, f"expected {expected}, got {_kind(value)}")


def missing_member(model: str, error: KeyError) -> MissingMemberError:
    """The error for a ``KeyError`` from popping a required member while parsing ``model``."""
    member = str(error.args[0]) if error.args else "?"
    return MissingMemberError(model, member, "required member missing")


def not_a_timestamp(model: str, member: str, error: Exception) -> ModelValidationError:
    """A date or date-time member its parser refused (not a string, or not RFC 3339)."""
    return ModelValidationError(model, member, f"expected an RFC 3339 timestamp ({error})")


def as_int(model: str, member: str, value: object) -> int:
    """``value`` as an integer: an ``int`` (not a ``bool``) or a float without a fraction."""
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise wrong_kind(model, member, "an integer", value)


def as_number(model: str, member: str, value: object) -> float:
    """``value`` as a number: a ``float`` or an ``int``, not a ``bool``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    raise wrong_kind(model, member, "a number", value)


_ITEM_CHECKS: dict[str, tuple[str, Callable[[object], bool]]] = {
    "str": ("a string", lambda v: isinstance(v, str)),
    "int": ("an integer", lambda v: type(v) is int),
    "float": ("a number", lambda v: type(v) is float or type(v) is int),
    "bool": ("a boolean", lambda v: type(v) is bool),
}


def check_items(model: str, member: str, values: list[Any], kind: str) -> None:
    """Raise unless every item of a list member holds ``kind`` (``str``, ``int``, ...)."""
    expected, ok = _ITEM_CHECKS[kind]
    for index, value in enumerate(values):
        if not ok(value):
            if kind == "int" and isinstance(value, float) and value.is_integer():
                values[index] = int(value)
                continue
            raise wrong_kind(model, f"{member}[{index}]", expected, value)


def as_mapping(model: str, value: object) -> Mapping[str, Any]:
    """``value`` if it is an object (a mapping), else the error naming ``model``."""
    if isinstance(value, Mapping):
        return value
    raise ModelValidationError(model, None, f"expected an object, got {_kind(value)}")


def as_model(cls: type[M], value: object, what: str) -> M:
    """``value`` as a ``cls``: a ``cls`` as it is, a ``dict`` (any mapping) through
    ``cls.from_dict`` (so the model's own checks apply), another model through its
    ``to_dict()`` and then ``cls.from_dict``; anything else is a ``TypeError`` naming ``what``
    and the expected type."""
    if isinstance(value, cls):
        return value
    to_dict = None if isinstance(value, Mapping) else getattr(value, "to_dict", None)
    if callable(to_dict):
        value = to_dict()  # another model of the same shape (two schemas, one form)
    if isinstance(value, Mapping):
        parsed: M = cls.from_dict(value)  # type: ignore[attr-defined]
        return parsed
    raise TypeError(
        f"{what} must be a {cls.__name__} or a dict of the same shape, got {_kind(value)}"
    )


def not_a_body(expected: list[str], value: object) -> TypeError:
    """The error for a ``body=`` of a union operation that is neither a variant nor a dict."""
    names = " or ".join(expected)
    return TypeError(f"body must be a {names} or a dict of the same shape, got {_kind(value)}")


def path_value(name: str, value: object) -> str:
    """A path parameter's value, checked before anything is sent: a non-empty string."""
    if isinstance(value, str):
        if value:
            return value
        raise ValueError(f"{name} must not be empty")
    raise TypeError(f"{name} must be a str, got {_kind(value)}")
