"""Spaces and their members: documents of the catalog (``Kind`` "space", scoped to their
organization).

A space is created by those who may write in its organization, who become its admin; names
are unique in the organization; the description defaults to empty (null clears it to
empty) and the settings to the mock's defaults. Deleting one deletes its contents. Members
must belong to the space's organization first (400); adding one again changes their role;
removing one removes their role bindings on the space.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..auth import Action
from ..call import Call, handles
from ..engine import Placement, in_org
from ..models import Document, Space
from ..problems import bad_request, not_found
from ..stores import SPACE_SETTINGS
from .members import Membered, check_fits, membered, requested_role, requested_user

__all__ = ["Spaces", "in_organization"]

JSON = dict[str, Any]
_IN_ORG = in_org()


def in_organization(call: Call, body: Mapping[str, Any], action: Action) -> Placement:
    """In the organization the body names; creating there needs write access to it."""
    return _IN_ORG(call, body, Action.WRITE if action is Action.MANAGE else action)


class Spaces(Membered):
    def prepare(self, call: Call, data: JSON, doc: Document | None, where: Placement) -> None:
        super().prepare(call, data, doc, where)
        if doc is None:
            data.setdefault("is_private", False)
            for key, value in SPACE_SETTINGS.items():
                data.setdefault(key, value)

    def created(self, call: Call, doc: Document, body: Mapping[str, Any]) -> None:
        doc.private["legacy_key"] = call.state.ids.token("sk-")
        super().created(call, doc, body)

    def deleting(self, call: Call, doc: Document) -> None:
        assert isinstance(doc, Space)
        call.state.delete_space(doc)


@handles("addSpaceUser")
def add_space_user(call: Call) -> Any:
    space = membered(call, "space", Space)
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
    space = membered(call, "space", Space)
    if call.path["user_id"] not in space.members:
        raise not_found("user")
    call.state.remove_member(space, call.path["user_id"])
