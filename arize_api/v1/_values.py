"""Feature and tag values: plain Python values mapped to the proto ``Value`` kinds."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs

__all__ = ["Embedding", "values_to_wire"]

MAX_EMBEDDING_FEATURES: Final = 30
MAX_EMBEDDING_DIMENSION: Final = 20_000
MAX_TAG_LENGTH: Final = 20_000
RESERVED_TAGS: Final = frozenset(
    {"total_token_count", "prompt_token_count", "response_token_count", "response_latency_ms"}
)


@attrs.frozen
class Embedding:
    """An embedding feature: the vector, and optionally the raw tokens or a link to the data."""

    vector: Sequence[float]
    data: Sequence[str] | None = None
    link_to_data: str | None = None


def values_to_wire(values: Mapping[str, object], field: str) -> dict[str, dict[str, Any]]:
    """``features`` or ``tags`` as a map of proto ``Value`` objects, validating as it goes."""
    if not isinstance(values, Mapping):
        raise TypeError(f"{field} must be a mapping of name to value, got {type(values).__name__}")
    wire = {}
    embeddings = 0
    for name, value in values.items():
        where = f"{field}[{name!r}]"
        if not isinstance(name, str) or not name:
            raise TypeError(f"{field}: names must be non-empty strings, got {name!r}")
        if field == "tags" and name in RESERVED_TAGS:
            raise ValueError(f"{where}: {name!r} is a reserved tag name; choose another")
        wire[name] = _value(value, where)
        if "embedding" in wire[name]:
            embeddings += 1
        if field == "tags" and len(str(value)) > MAX_TAG_LENGTH:
            raise ValueError(f"{where}: tag values may hold at most {MAX_TAG_LENGTH} characters")
    if embeddings > MAX_EMBEDDING_FEATURES:
        raise ValueError(f"{field}: at most {MAX_EMBEDDING_FEATURES} embedding features per record")
    return wire


def _value(value: object, where: str) -> dict[str, Any]:
    if isinstance(value, bool):  # the SDK sends booleans as strings
        return {"string": str(value)}
    if isinstance(value, int):
        return {"int": str(value)}
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{where}: {value!r} cannot be sent (JSON has no NaN or infinity)")
        return {"double": value}
    if isinstance(value, str):
        return {"string": value}
    if isinstance(value, Embedding):
        return {"embedding": _embedding(value, where)}
    if isinstance(value, list | tuple):
        if value and all(isinstance(v, str) for v in value):
            return {"multi_value": {"values": list(value)}}
        if value and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
            return {"embedding": _embedding(Embedding(vector=value), where)}
    raise TypeError(
        f"{where}: unsupported value type {type(value).__name__}; use str, int, float, bool, "
        "a non-empty list of str, or an Embedding (a list of floats is an embedding vector)"
    )


def _embedding(embedding: Embedding, where: str) -> dict[str, Any]:
    vector = [float(v) for v in embedding.vector]
    if not vector or len(vector) > MAX_EMBEDDING_DIMENSION:
        raise ValueError(f"{where}: an embedding vector needs 1..{MAX_EMBEDDING_DIMENSION} values")
    if not all(math.isfinite(v) for v in vector):
        raise ValueError(f"{where}: embedding vectors must hold finite numbers")
    wire: dict[str, Any] = {"vector": vector}
    if embedding.data is not None:
        wire["raw_data"] = {"tokenArray": {"tokens": list(embedding.data)}}
    if embedding.link_to_data is not None:
        wire["link_to_data"] = embedding.link_to_data
    return wire
