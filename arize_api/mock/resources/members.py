"""Role assignments in membership requests, shared by spaces and organizations.

Adding a member again changes their role (an upsert). Users whose account role is
``ANNOTATOR`` take the ``ANNOTATOR`` role and no other; other users never take it (400)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from ..auth import Action, Role
from ..call import Call
from ..engine import KINDS, Behaviour, Placement
from ..models import Document, Organization, Space, User
from ..problems import bad_request, not_found, unprocessable

__all__ = ["Membered", "check_fits", "membered", "requested_role", "requested_user"]

M = TypeVar("M", Organization, Space)


class Membered(Behaviour):
    """What organizations and spaces share: an empty description by default (null clears it
    to empty), no creator member, and their creator becomes their admin."""

    def prepare(
        self, call: Call, data: dict[str, Any], doc: Document | None, where: Placement
    ) -> None:
        data.pop("created_by_user_id", None)
        if data.get("description") is None:
            data["description"] = ""

    def created(self, call: Call, doc: Document, body: Mapping[str, Any]) -> None:
        call.state.grant(call.principal.id, doc.id, Role.ADMIN)


def membered(call: Call, kind: str, model: type[M]) -> M:
    """The organization or space the path names, for managing its members."""
    doc = KINDS[kind].get(call, Action.MANAGE)
    assert isinstance(doc, model)
    return doc


def requested_role(assignment: Mapping[str, Any]) -> Role:
    """The predefined role of an assignment request (memberships take no custom roles)."""
    kind = assignment.get("type")
    if kind == "CUSTOM" or "id" in assignment:
        if kind == "PREDEFINED":
            raise unprocessable("a PREDEFINED role assignment names the role with name, not id")
        if "id" not in assignment:
            raise unprocessable("a CUSTOM role assignment needs the custom role's id")
        raise unprocessable(
            f"custom role {str(assignment['id'])[:64]!r} cannot be assigned here: "
            "memberships in the mock take PREDEFINED roles"
        )
    return Role(assignment["name"])


def requested_user(call: Call) -> User:
    """The user a membership request names (body ``user_id`` or the path), 404 if unknown."""
    user_id = call.path.get("user_id") or call.body["user_id"]
    user = call.state.users.get(user_id)
    if user is None:
        raise not_found("user")
    return user


def check_fits(user: User, role: Role) -> None:
    """400 unless ``role`` fits the user's account role (annotators annotate, only they)."""
    annotator = user.role == Role.ANNOTATOR.value
    if annotator != (role is Role.ANNOTATOR):
        raise bad_request(
            "users with the ANNOTATOR account role take the ANNOTATOR role, and only they do"
        )
