"""Organizations and their members: documents of the catalog (``Kind`` "organization").

Anyone may create an organization and becomes its admin; names are unique in the account;
the description defaults to empty. Deleting one deletes its spaces and their contents.
Adding a member again changes their role; removing one removes them from the organization's
spaces too, with their role bindings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..auth import Action
from ..call import Call, handles
from ..engine import Placement
from ..models import Document, Organization
from ..problems import not_found
from .members import Membered, check_fits, membered, requested_role, requested_user

__all__ = ["Organizations", "anyone"]

JSON = dict[str, Any]


def anyone(call: Call, body: Mapping[str, Any], action: Action) -> Placement:
    """Organizations are made by any user of the account."""
    return Placement(())


class Organizations(Membered):
    def deleting(self, call: Call, doc: Document) -> None:
        assert isinstance(doc, Organization)
        call.state.delete_org(doc)


@handles("addOrganizationUser")
def add_organization_user(call: Call) -> Any:
    org = membered(call, "organization", Organization)
    user = requested_user(call)
    role = requested_role(call.body["role"])
    check_fits(user, role)
    membership = call.state.grant(user.id, org.id, role)
    assert membership is not None
    return membership.to_wire("organization_id", org.id)


@handles("removeOrganizationUser")
def remove_organization_user(call: Call) -> None:
    org = membered(call, "organization", Organization)
    if call.path["user_id"] not in org.members:
        raise not_found("user")
    call.state.remove_member(org, call.path["user_id"])  # and from its spaces
