"""What the API reads but cannot create, made for tests and demos: spans, monitors, dashboards.

Spans arrive through OpenTelemetry, monitors and dashboards through the UI; the mock takes
them from here (``MockServer.add_spans``/``add_monitor``/``add_dashboard`` or the control
plane's ``POST /_mock/spans|monitors|dashboards``). Each is checked against its schema in
``openapi.yaml`` (``Span``, ``Monitor``, ``Widget``) as the API would show it; a ValueError
says what is wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .models import rfc3339
from .resources import spans
from .spec import Spec
from .state import MockState
from .validation import describe

__all__ = ["add_dashboard", "add_monitor", "add_spans"]

JSON = dict[str, Any]
MONITOR_DEFAULTS: Mapping[str, Any] = {
    "type": "PERFORMANCE",
    "metric": "ACCURACY",
    "status": "NO_DATA",
    "threshold": {"type": "MANUAL_SINGLE", "operator": "LESS_THAN", "value": 0.9},
    "notifications_enabled": False,
    "manual_evaluation_enabled": False,
    "model_versions": [],
}
WIDGET_DEFAULTS: Mapping[str, Any] = {
    "type": "TEXT",
    "title": "Notes",
    "content": "",
    "grid_position": [0, 0, 6, 4],
    "creation_status": "PUBLISHED",
}


def _checked(spec: Spec, schema: str, value: Any, what: str) -> JSON:
    """``value`` as the API shows it, if it is a valid ``schema`` as given (no member filled
    in for it); else a ValueError naming the first problems."""
    validator = spec.validator("components", "schemas", schema, formats=True)
    errors = list(validator.iter_errors(value))
    if errors:
        raise ValueError(f"{what}: " + "; ".join(describe(e) for e in errors[:3]))
    return dict(spec.renderer.render({"$ref": f"#/components/schemas/{schema}"}, value))


def _project(state: MockState, project_id: str) -> Any:
    project = state.projects.get(project_id)
    if project is None:
        raise ValueError(f"no project with id {project_id!r}")
    return project


def add_spans(
    state: MockState, spec: Spec, project_id: str, items: Iterable[Mapping[str, Any]]
) -> int:
    """Store spans (``Span`` objects) in a project; returns how many."""
    with state.lock:
        project = _project(state, project_id)
        checked = [_checked(spec, "Span", span, f"span {n}") for n, span in enumerate(items)]
        return spans.add_spans(state, project, checked)


def _trial(state: MockState, data: Mapping[str, Any]) -> JSON:
    """``data`` as it will be stored, for checking before storing it."""
    now = rfc3339(state.now())
    return {"id": "(new)", "created_at": now, "updated_at": now, **data}


def add_monitor(state: MockState, spec: Spec, project_id: str, **fields: Any) -> JSON:
    """A monitor of a project: a PERFORMANCE (accuracy) monitor unless ``fields`` say
    otherwise; returns it as ``GET /v2/monitors/{id}`` shows it."""
    with state.lock:
        project = _project(state, project_id)
        data = {
            **MONITOR_DEFAULTS,
            "name": f"monitor {len(state.store('monitor')) + 1}",
            "uri": f"https://app.arize.com/models/{project.id}/monitors",
            "created_by_user_id": state.admin.user_id,
            **fields,
            "project_id": project.id,
        }
        _checked(spec, "Monitor", _trial(state, data), "monitor")
        doc = state.add_document(
            "monitor", data, type_name="Monitor", scope=(project.space_id,), owners=(project.id,)
        )
        return _checked(spec, "Monitor", doc.data, "monitor")


def add_dashboard(
    state: MockState,
    spec: Spec,
    space_id: str,
    name: str = "Dashboard",
    widgets: Iterable[Mapping[str, Any]] = ({},),
) -> JSON:
    """A dashboard of a space with ``widgets`` (a TEXT widget unless told otherwise);
    returns ``{"id", "name", "space_id", "widgets": [Widget, ...]}``."""
    with state.lock:
        if space_id not in state.spaces:
            raise ValueError(f"no space with id {space_id!r}")
        base = {"creator_user_id": state.admin.user_id, "dashboard_id": "(new)"}
        items = [{**WIDGET_DEFAULTS, **base, **widget} for widget in widgets]
        for index, data in enumerate(items):
            _checked(spec, "Widget", _trial(state, data), f"widget {index}")
        dashboard = state.add_document(
            "dashboard",
            {"name": name, "space_id": space_id},
            type_name="Dashboard",
            scope=(space_id,),
        )
        shown = []
        for data in items:
            doc = state.add_document(
                "dashboard_widget",
                {**data, "dashboard_id": dashboard.id},
                type_name="DashboardWidget",
                scope=(space_id,),
                owners=(dashboard.id,),
            )
            shown.append(_checked(spec, "Widget", doc.data, "widget"))
        return {"id": dashboard.id, "name": name, "space_id": space_id, "widgets": shown}
