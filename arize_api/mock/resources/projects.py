"""Projects (tracing and model projects; their global ids decode to ``Model:``)."""

from __future__ import annotations

from typing import Any

from ..auth import Action
from ..call import Call, handles
from ..crud import Collection, check_name, in_spaces, space_for, tag_handlers
from ..models import Project
from ..state import MockState

PROJECTS: Collection[Project] = Collection(
    what="project",
    plural="projects",
    id_param="project_id",
    store=lambda state: state.projects,
    unique_within=lambda project: project.space_id,
)
# Projects created through the API are tracing projects of applications.
CREATED_TYPE = "APPLICATION"


@handles("listProjects")
def list_projects(call: Call) -> Any:
    projects = in_spaces(call, call.state.projects.values())
    if (project_type := call.query.get("project_type")) is not None:
        projects = [p for p in projects if p.project_type == project_type]
    return PROJECTS.list(call, projects, Project.to_wire)


@handles("createProject")
def create_project(call: Call) -> Any:
    space = space_for(call, call.body["space_id"], Action.WRITE)
    name = check_name(call.body["name"], PROJECTS.what)
    PROJECTS.ensure_unique(call.state, space.id, name)
    return call.state.create_project(space, name, CREATED_TYPE).to_wire()


get_project = PROJECTS.getter("getProject", Project.to_wire)
update_project = PROJECTS.updater("updateProject", Project.to_wire)
delete_project = PROJECTS.deleter("deleteProject", MockState.delete_project)
project_tags = tag_handlers(PROJECTS, "listProjectTags", "addProjectTags", "removeProjectTags")
