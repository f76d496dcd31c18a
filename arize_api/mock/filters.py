"""The ``filter`` of the search operations: a small, documented subset of a query language.

    filter   := cond ( AND cond )*
    cond     := field op literal
    field    := name ( "." name )*              a (nested) member of the returned item
                                                (span attributes: attributes.llm.model_name)
    op       := = | == | != | < | <= | > | >= | contains
    literal  := 'text' | "text" | number | true | false | null

The real service's filter language is not in the reference; anything outside this subset is
a 422, so a test never silently gets an unfiltered answer.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any

from .problems import unprocessable

__all__ = ["Predicate", "compile_filter"]

Predicate = Callable[[Mapping[str, Any]], bool]

_COND = re.compile(
    r"""\s*(?P<field>[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)\s*
        (?P<op>==|=|!=|<=|>=|<|>|contains\b)\s*
        (?P<literal>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?
           |true\b|false\b|null\b)\s*""",
    re.VERBOSE | re.IGNORECASE,
)
_AND = re.compile(r"\s*and\b", re.IGNORECASE)
_MISSING = object()

_ORDERING: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _literal(text: str) -> Any:
    if text[0] == "'":
        return json.loads('"' + text[1:-1].replace('"', '\\"').replace("\\'", "'") + '"')
    return json.loads(text.lower() if text.isalpha() else text)


def _lookup(item: Any, path: str) -> Any:
    """The member at a dotted ``path``; a member whose own name has dots (span attributes
    such as ``llm.model_name``) matches too: ``attributes.llm.model_name``."""
    if not isinstance(item, Mapping):
        return _MISSING
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        key = ".".join(parts[:cut])
        if key in item:
            if cut == len(parts):
                return item[key]
            found = _lookup(item[key], ".".join(parts[cut:]))
            if found is not _MISSING:
                return found
    return _MISSING


def _condition(path: str, op: str, expected: Any) -> Predicate:
    op = op.lower()

    def test(item: Mapping[str, Any]) -> bool:
        value = _lookup(item, path)
        if value is _MISSING:
            return op == "!="
        if op in ("=", "=="):
            return bool(value == expected)
        if op == "!=":
            return bool(value != expected)
        if op == "contains":
            return isinstance(value, str) and isinstance(expected, str) and expected in value
        numbers = all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in (value, expected)
        )
        same_text = isinstance(value, str) and isinstance(expected, str)
        return (numbers or same_text) and _ORDERING[op](value, expected)

    return test


def compile_filter(text: str | None, *, blank: bool = True) -> Predicate:
    """A predicate over rendered items; 422 if ``text`` is outside the subset above.

    No filter keeps everything; a blank one too, unless ``blank`` is False (the search
    operations refuse a filter that is present but empty: 422)."""
    if text is not None and not text.strip() and not blank:
        raise unprocessable("filter must not be empty: leave it out to find everything")
    if text is None or not text.strip():
        return lambda item: True
    conditions: list[Predicate] = []
    position = 0
    while True:
        match = _COND.match(text, position)
        if match is None:
            raise unprocessable(
                f"unsupported filter at character {position}: {text[position:][:40]!r}"
            )
        try:
            expected = _literal(match["literal"])
        except ValueError:
            raise unprocessable(f"bad literal in filter: {match['literal'][:40]!r}") from None
        conditions.append(_condition(match["field"], match["op"], expected))
        position = match.end()
        if position == len(text):
            break
        joiner = _AND.match(text, position)
        if joiner is None:
            raise unprocessable(f"expected AND at character {position} of the filter")
        position = joiner.end()
    return lambda item: all(condition(item) for condition in conditions)
