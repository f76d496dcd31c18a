"""Organizations and their members."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..auth import Action
from ..call import Call, handles
from ..crud import Collection, check_name
from ..models import Organization
from ..problems import not_found
from ..state import MockState
from .members import check_fits, requested_role, requested_user

ORGS: Collection[Organization] = Collection(
    what="organization",
    plural="organizations",
    id_param="org_id",
    store=lambda state: state.orgs,
    unique_within=lambda org: "",  # organization names are unique service-wide
    manage=Action.MANAGE,
)


@handles("listOrganizations")
def list_organizations(call: Call) -> Any:
    return ORGS.list(call, call.state.orgs.values(), Organization.to_wire)


@handles("createOrganization")
def create_organization(call: Call) -> Any:
    name = check_name(call.body["name"], ORGS.what)
    ORGS.ensure_unique(call.state, "", name)
    org = call.state.create_org(name, call.body.get("description", ""), call.principal)
    return org.to_wire()


def _apply(call: Call, org: Organization, body: Mapping[str, Any]) -> None:
    if "description" in body:
        org.description = body["description"] or ""


get_organization = ORGS.getter("getOrganization", Organization.to_wire)
update_organization = ORGS.updater("updateOrganization", Organization.to_wire, _apply)
delete_organization = ORGS.deleter("deleteOrganization", MockState.delete_org)


@handles("addOrganizationUser")
def add_organization_user(call: Call) -> Any:
    org = ORGS.get(call, Action.MANAGE)
    user = requested_user(call)
    role = requested_role(call.body["role"])
    check_fits(user, role)
    membership = call.state.grant(user.id, org.id, role)
    assert membership is not None
    return membership.to_wire("organization_id", org.id)


@handles("removeOrganizationUser")
def remove_organization_user(call: Call) -> None:
    org = ORGS.get(call, Action.MANAGE)
    if call.path["user_id"] not in org.members:
        raise not_found("user")
    call.state.remove_member(org, call.path["user_id"])  # and from its spaces
