"""Projects (tracing and model projects; their global ids decode to ``Model:``): documents of
the catalog (``Kind`` "project"). Projects created through the API are ``APPLICATION``
projects; each experiment gets an ``EXPERIMENT`` traces project (``experiments.py``). What a
project owns (spans, monitors, tasks, restrictions) goes with it.
"""

from __future__ import annotations

from typing import Any

from ..call import Call
from ..engine import Behaviour, Placement
from ..models import Document

__all__ = ["CREATED_TYPE", "Projects"]

CREATED_TYPE = "APPLICATION"


class Projects(Behaviour):
    def prepare(
        self, call: Call, data: dict[str, Any], doc: Document | None, where: Placement
    ) -> None:
        if doc is None:
            data["project_type"] = CREATED_TYPE
