"""Spaces and their members."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..auth import Action
from ..call import Call, handles
from ..crud import Collection, check_name, org_for
from ..models import Space
from ..problems import bad_request, not_found
from ..state import MockState
from .members import check_fits, requested_role, requested_user

SPACES: Collection[Space] = Collection(
    what="space",
    plural="spaces",
    id_param="space_id",
    store=lambda state: state.spaces,
    unique_within=lambda space: space.org_id,
    manage=Action.MANAGE,
)
SETTINGS = (
    "default_llm_integration",
    "ml_models_enabled",
    "gradient_start_color",
    "gradient_end_color",
    "default_agent_runtime",
)


@handles("listSpaces")
def list_spaces(call: Call) -> Any:
    spaces = list(call.state.spaces.values())
    if (org_id := call.query.get("org_id")) is not None:
        org = org_for(call, org_id, Action.READ)
        spaces = [s for s in spaces if s.org_id == org.id]
    return SPACES.list(call, spaces, Space.to_wire)


@handles("createSpace")
def create_space(call: Call) -> Any:
    org = org_for(call, call.body["organization_id"], Action.WRITE)
    name = check_name(call.body["name"], SPACES.what)
    SPACES.ensure_unique(call.state, org.id, name)
    space = call.state.create_space(
        org,
        name,
        call.principal,
        description=call.body.get("description", ""),
        is_private=call.body.get("is_private", False),
    )
    return space.to_wire()


def _apply(call: Call, space: Space, body: Mapping[str, Any]) -> None:
    if "description" in body:
        space.description = body["description"] or ""
    if "is_private" in body:
        space.is_private = body["is_private"]
    space.settings.update({key: body[key] for key in SETTINGS if key in body})


get_space = SPACES.getter("getSpace", Space.to_wire)
update_space = SPACES.updater("updateSpace", Space.to_wire, _apply)
delete_space = SPACES.deleter("deleteSpace", MockState.delete_space)


@handles("addSpaceUser")
def add_space_user(call: Call) -> Any:
    space = SPACES.get(call, Action.MANAGE)
    user = requested_user(call)
    role = requested_role(call.body["role"])
    if user.id not in call.state.orgs[space.org_id].members:
        raise bad_request("the user must be a member of the space's organization first")
    check_fits(user, role)
    membership = call.state.grant(user.id, space.id, role)
    assert membership is not None
    return membership.to_wire("space_id", space.id)


@handles("removeSpaceUser")
def remove_space_user(call: Call) -> None:
    space = SPACES.get(call, Action.MANAGE)
    if call.path["user_id"] not in space.members:
        raise not_found("user")
    call.state.remove_member(space, call.path["user_id"])
