"""Annotating dataset examples, experiment runs and spans: upsert per annotation name.

Names must be annotation configs of the space (422). Records the target does not have are
ignored for examples and runs; spans are all-or-nothing (404 if any is missing)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .call import Call
from .models import rfc3339
from .problems import errors_member, not_found, unprocessable

__all__ = ["annotate"]

JSON = dict[str, Any]
_VALUE_KEYS = ("score", "label", "text")


def annotate(
    call: Call,
    annotations_of: Callable[[str], dict[str, JSON] | None],
    what: str,
    space_id: str,
    *,
    all_or_nothing: bool = False,
) -> None:
    """Apply the body's annotations; ``annotations_of(record_id)`` is None for unknown records,
    which are skipped (or, ``all_or_nothing``, make the whole request a 404).

    Every value must carry a score, a label or a text, and name a config of ``space_id``.
    """
    requests: list[JSON] = call.body["annotations"]
    configs = {
        doc.name for doc in call.state.store("annotation_config").values() if space_id in doc.scope
    }
    problems = []
    for index, request in enumerate(requests):
        for number, value in enumerate(request["values"]):
            where = f"/annotations/{index}/values/{number}"
            if not any(key in value for key in _VALUE_KEYS):
                problems.append((where, "an annotation needs a score, a label or a text"))
            if value["name"] not in configs:
                problems.append((f"{where}/name", "no annotation config of this name here"))
    if problems:
        detail = "; ".join(f"{pointer}: {message}" for pointer, message in problems[:3])
        raise unprocessable(detail, errors=errors_member(problems[:10]))
    missing = [r["record_id"] for r in requests if annotations_of(r["record_id"]) is None]
    if missing and all_or_nothing:
        raise not_found(f"{what} {missing[0]}")
    user, now = call.principal, rfc3339(call.state.now())
    for request in requests:
        target = annotations_of(request["record_id"])
        if target is None:
            continue  # not a record of this target: ignored, as documented
        for value in request["values"]:
            target[value["name"]] = {
                **value,
                "updated_at": now,
                "annotator": {"id": user.id, "email": user.email},
            }
