"""Polymorphic (``oneOf``) values the client does not know yet (a hook used by generated models)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from ._errors import ConstMismatchError

__all__ = ["UnknownVariant", "check_nothing_dropped", "unmatched_variant"]


@attrs.define(eq=True)
class UnknownVariant:
    """A polymorphic value whose discriminator this client's spec does not list.

    The server added a kind this version does not know; the data is kept as sent (``data``,
    ``to_dict()``, ``obj["key"]``) instead of failing the whole response.
    """

    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return dict(self.data)

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def __repr__(self) -> str:
        kind = next(
            (f"{k}={v!r}" for k, v in self.data.items() if isinstance(v, str) and k in _TAGS), ""
        )
        return f"UnknownVariant({kind or f'{len(self.data)} fields'})"


_TAGS = frozenset({"type", "kind", "key_type", "provider", "auth_type", "experiment_type"})


def check_nothing_dropped(data: Mapping[str, Any], parsed: Any) -> None:
    """Raise ``ValueError`` if parsing ``data`` as a closed variant dropped some of its members.

    A closed model (``additionalProperties: false``) ignores members it does not declare, so in a
    union without a discriminator the first variant whose required members are present would
    win and silently lose the rest; a variant that cannot hold everything is not the match.
    """
    lost = set(data) - set(parsed.to_dict())
    if lost:
        names = ", ".join(sorted(map(repr, lost)))
        raise ValueError(f"{type(parsed).__name__} has no member {names}")


def unmatched_variant(data: object, failures: list[Exception], polymorphic: bool) -> UnknownVariant:
    """What a union parser returns when no variant accepted ``data``.

    Only an object that every variant turned down for its discriminator (a const mismatch)
    is unknown; any other failure means the data is malformed for the variant it names, and
    that error is raised so the caller learns what is missing.
    """
    # A bare TypeError() is the generated "not a JSON object" check: no detail worth raising.
    structural = [e for e in failures if str(e) and not isinstance(e, ConstMismatchError)]
    if polymorphic and isinstance(data, Mapping) and failures and not structural:
        return UnknownVariant(dict(data))
    if structural:
        raise structural[0]
    raise TypeError(
        f"{type(data).__name__} value matches none of the expected types: {data!r:.200}"
    )
