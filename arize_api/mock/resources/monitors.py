"""Monitors: read through the API (list, get, tags), made by the control plane.

A monitor lives in a project (``project_id``) and is seen by readers of its space. The list
filters that are not plain members look inside the monitor: ``dimension_category`` and
``dimension_name`` its ``dimension``, the ``*_metric`` filters its ``metric`` (for monitors
of the matching type), ``project_name`` its project's name (exact, case-sensitive);
``project_id`` must name a readable project (404, as in every list). A caller who reads no
space at all gets 403 from the list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..auth import Action, can, space_role
from ..call import Call, handles
from ..engine import KINDS, Filter, Placement
from ..models import Document
from ..problems import forbidden
from . import spans

__all__ = ["FILTERS", "in_project"]

JSON = dict[str, Any]


def in_project(call: Call, body: Mapping[str, Any], action: Action) -> Placement:
    """In the space of the body's ``project_id``, owned by the project."""
    project = spans.project_for(call, str(body["project_id"]), action)
    return Placement((project.space_id,), (project.id,))


def _dimension(member: str) -> Filter:
    def test(call: Call, doc: Document, item: JSON, value: Any) -> bool:
        dimension = item.get("dimension") or {}
        return bool(dimension.get(member) == value)

    return test


def _metric(monitor_type: str) -> Filter:
    def test(call: Call, doc: Document, item: JSON, value: Any) -> bool:
        return item.get("type") == monitor_type and item.get("metric") == value

    return test


def _project_name(call: Call, doc: Document, item: JSON, value: Any) -> bool:
    project = call.state.projects.get(str(item.get("project_id")))
    return project is not None and project.name == value


@handles("listMonitors")
def list_monitors(call: Call) -> Any:
    state, user = call.state, call.principal
    if not any(can(space_role(state, user, space), Action.READ) for space in state.spaces.values()):
        raise forbidden("you can read monitors in no space")
    return KINDS["monitor"].listing(call)


FILTERS: Mapping[str, Filter] = {
    "dimension_category": _dimension("category"),
    "dimension_name": _dimension("name"),
    "data_quality_metric": _metric("DATA_QUALITY"),
    "performance_metric": _metric("PERFORMANCE"),
    "drift_metric": _metric("DRIFT"),
    "project_name": _project_name,
}
