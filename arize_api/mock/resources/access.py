"""Roles, role bindings and resource restrictions: who may do what, account-wide.

Roles are account-wide: the predefined ones (seeded, ``is_predefined``) cannot change (403);
a custom role bound anywhere cannot be deleted (409); annotator accounts cannot read roles
(403). A role binding gives a user a role on a space or project, whose id must be of that
type (400); only admins of its space see and manage it (others, and unknown bindings: 404),
and binding on a resource that does not exist is a 403. A restricted project, dashboard or
prompt (and what it owns) is seen by the admins of its space only (``auth``); only those
types can be restricted (another global id: 400). Bindings are recorded and listed; access
in the mock comes from memberships and restrictions, not from bindings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..auth import Action, Role, authorize, can, role_for
from ..call import Call, handles
from ..engine import KINDS, Behaviour, Placement
from ..ids import decode_global_id
from ..models import Document
from ..problems import bad_request, conflict, forbidden, not_found

__all__ = ["Bindings", "Roles", "known_user", "on_bound_resource", "on_restricted_resource"]

JSON = dict[str, Any]


class Roles(Behaviour):
    """Predefined roles are fixed; permissions are a set; annotators do not read roles."""

    def visible(self, call: Call, doc: Document) -> bool:
        if call.principal.role == Role.ANNOTATOR.value:
            raise forbidden("your account role does not read roles")
        return True

    def prepare(self, call: Call, data: JSON, doc: Document | None, where: Placement) -> None:
        if doc is not None and doc.data.get("is_predefined"):
            raise forbidden("predefined roles cannot be changed")
        data["is_predefined"] = False
        data["permissions"] = list(dict.fromkeys(data["permissions"]))

    def deleting(self, call: Call, doc: Document) -> None:
        if doc.data.get("is_predefined"):
            raise forbidden("predefined roles cannot be deleted")


BOUND_TYPES = {"SPACE": "Space", "PROJECT": "Model"}  # resource_type -> its global-id type


def on_bound_resource(call: Call, body: Mapping[str, Any], action: Action) -> Placement:
    """A binding lives with the space or project it is on (admin there, else 403; also 403
    for a resource that does not exist); its id must be of the resource type (400)."""
    resource_type, resource_id = str(body["resource_type"]), str(body["resource_id"])
    decoded = decode_global_id(resource_id)
    if decoded is None or decoded[0] != BOUND_TYPES[resource_type]:
        raise bad_request(f"resource_id is not the id of a {resource_type.lower()}")
    space = call.state.spaces.get(resource_id)
    project = call.state.projects.get(resource_id)
    target = space if resource_type == "SPACE" else project
    if target is None or not can(role_for(call.state, call.principal, target), Action.MANAGE):
        raise forbidden("you may not bind roles on this resource")
    if project is not None and resource_type == "PROJECT":
        return Placement((project.space_id,), (project.id,))
    return Placement((resource_id,))


def known_user(call: Call, value: Any) -> None:
    """The ``user_id`` filter of role bindings names a user of the account (404)."""
    if str(value) not in call.state.users:
        raise not_found("user")


class Bindings(Behaviour):
    """An existing role and user; one binding per user and resource (409); seen by admins
    of its space only."""

    def visible(self, call: Call, doc: Document) -> bool:
        return can(role_for(call.state, call.principal, doc), Action.MANAGE)

    def prepare(self, call: Call, data: JSON, doc: Document | None, where: Placement) -> None:
        if call.state.document("role", str(data["role_id"])) is None:
            raise not_found("role")
        if doc is not None:
            return
        if data["user_id"] not in call.state.users:
            raise not_found("user")
        for other in call.state.store("role_binding").values():
            if (other.data["user_id"], other.data["resource_id"]) == (
                data["user_id"],
                data["resource_id"],
            ):
                raise conflict("the user already has a role binding on this resource")


RESTRICTABLE = ("Model", "Dashboard", "Prompt")  # the global-id types a restriction takes


def _restrictable(call: Call, resource_id: str) -> tuple[str, Document]:
    """The project, dashboard or prompt ``resource_id`` names, with its restriction type
    (400 for an id of another type)."""
    decoded = decode_global_id(resource_id)
    if decoded is None or decoded[0] not in RESTRICTABLE:
        raise bad_request("only projects, dashboards and prompts can be restricted")
    if (project := call.state.projects.get(resource_id)) is not None:
        return "PROJECT", project
    for kind, restriction_type in (("dashboard", "DASHBOARD"), ("prompt", "PROMPT")):
        if (doc := call.state.document(kind, resource_id)) is not None:
            return restriction_type, doc
    raise not_found("resource")


def on_restricted_resource(call: Call, body: Mapping[str, Any], action: Action) -> Placement:
    """A restriction lives with the resource it restricts (``action`` needed there)."""
    _type, resource = _restrictable(call, str(body["resource_id"]))
    authorize(call.state, call.principal, resource, action, "resource")
    return Placement((resource.space_id,), (resource.id,))


def restriction_of(call: Call, resource_id: str) -> Document | None:
    """The restriction on ``resource_id``, if it is restricted."""
    for doc in call.state.store(KINDS["resource_restriction"].name).values():
        if doc.data["resource_id"] == resource_id:
            return doc
    return None


@handles("createResourceRestriction")
def restrict(call: Call) -> Any:
    """Idempotent: restricting a restricted resource answers its restriction (200 always).

    A restriction has an id of its own and is owned by the resource, so it goes with the
    resource, and lifting it touches nothing the resource owns."""
    kind = KINDS["resource_restriction"]
    resource_id = str(call.body["resource_id"])
    resource_type, _resource = _restrictable(call, resource_id)
    placement = on_restricted_resource(call, call.body, kind.manage)
    doc = restriction_of(call, resource_id)
    if doc is None:
        doc = call.state.add_document(
            kind.name,
            {"resource_type": resource_type, "resource_id": resource_id},
            scope=placement.scope,
            owners=placement.owners,
        )
    return call.render(kind.view(call, doc))


@handles("deleteResourceRestriction")
def lift(call: Call) -> None:
    """404 unless the resource is restricted (and the caller may see it)."""
    kind = KINDS["resource_restriction"]
    doc = restriction_of(call, call.path["resource_id"])
    if doc is None:
        raise not_found("resource restriction")
    authorize(call.state, call.principal, doc, kind.manage, "resource restriction")
    call.state.delete_document(doc)
