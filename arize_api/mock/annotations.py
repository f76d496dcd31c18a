"""Annotating dataset examples and experiment runs: upsert per annotation name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .call import Call
from .models import rfc3339
from .problems import errors_member, unprocessable

__all__ = ["annotate"]

JSON = dict[str, Any]
_VALUE_KEYS = ("score", "label", "text")


def annotate(
    call: Call, annotations_of: Callable[[str], dict[str, JSON] | None], what: str
) -> None:
    """Apply the body's annotations; ``annotations_of(record_id)`` is None for unknown records.

    All-or-nothing: every record must exist and every value carry a score, label or text.
    """
    requests: list[JSON] = call.body["annotations"]
    problems = []
    for index, request in enumerate(requests):
        if annotations_of(request["record_id"]) is None:
            problems.append((f"/annotations/{index}/record_id", f"no such {what}"))
        for number, value in enumerate(request["values"]):
            if not any(key in value for key in _VALUE_KEYS):
                where = f"/annotations/{index}/values/{number}"
                problems.append((where, "an annotation needs a score, a label or a text"))
    if problems:
        detail = "; ".join(f"{pointer}: {message}" for pointer, message in problems[:3])
        raise unprocessable(detail, errors=errors_member(problems[:10]))
    user, now = call.principal, rfc3339(call.state.now())
    for request in requests:
        target = annotations_of(request["record_id"])
        assert target is not None
        for value in request["values"]:
            target[value["name"]] = {
                **value,
                "updated_at": now,
                "annotator": {"id": user.id, "email": user.email},
            }
