"""Who is calling and what they may do: API keys, roles per space/organization, 401/403/404.

A key belongs to a user; a user holds a predefined role per space and per organization.
A space role comes from the user's membership of the space; failing that, organization
admins are admins of every space and other organization members may read its public spaces.
An organization is readable by its members and by members of any of its spaces.
Account-wide resources (users, roles, role bindings, unscoped integrations) are readable by
every user of the (single) mock account and changed by its admins (account role ``ADMIN``).
A document scoped to several spaces or organizations takes the best role over them.

The seed's decision logic: may act -> proceed; may read but not act -> 403; may not read
(or it does not exist) -> 404, with the same body either way.
"""

from __future__ import annotations

from enum import Enum, StrEnum
from typing import TYPE_CHECKING

from .models import Document, Organization, Resource, Space, User
from .problems import ApiError, forbidden, not_found

if TYPE_CHECKING:
    from .state import MockState

__all__ = [
    "Action",
    "Role",
    "account_role",
    "authenticate",
    "authorize",
    "can",
    "org_role",
    "parse_role",
    "role_for",
    "scope_role",
    "space_role",
]


class Role(StrEnum):
    """Predefined roles (``UserSpaceRole`` / ``OrganizationRole``) plus NONE for no access."""

    ADMIN = "ADMIN"
    MEMBER = "MEMBER"
    ANNOTATOR = "ANNOTATOR"
    READ_ONLY = "READ_ONLY"
    NONE = "NONE"


class Action(Enum):
    READ = "read"
    ANNOTATE = "annotate"
    WRITE = "write"  # create, change or delete content (datasets, experiments, projects, tags)
    MANAGE = "manage"  # change or delete the space/organization itself, manage its members


_ALLOWED: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.MEMBER: frozenset({Action.READ, Action.ANNOTATE, Action.WRITE}),
    Role.ANNOTATOR: frozenset({Action.READ, Action.ANNOTATE}),
    Role.READ_ONLY: frozenset({Action.READ}),
    Role.NONE: frozenset(),
}


def can(role: Role, action: Action) -> bool:
    return action in _ALLOWED[role]


def parse_role(text: str) -> Role:
    """``"read-only"``, ``"READ_ONLY"``, ``"admin"`` ... -> Role; ValueError otherwise."""
    try:
        return Role(text.strip().upper().replace("-", "_").replace(" ", "_"))
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise ValueError(f"unknown role {text!r}; expected one of {names}") from None


def authenticate(state: MockState, header: str | None) -> User:
    """The user behind ``Authorization: Bearer <key>``; 401 if missing or unknown."""
    scheme, _, token = (header or "").partition(" ")
    if not header:
        raise ApiError(401, "missing Authorization header; send 'Authorization: Bearer <key>'")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "the Authorization header must be 'Bearer <api key>'")
    user_id = state.key_user(token.strip())
    if user_id is None:
        raise ApiError(401, "the API key is not valid")
    return state.users[user_id]


def org_role(state: MockState, user: User, org: Organization) -> Role:
    membership = org.members.get(user.id)
    if membership is not None:
        return Role(membership.role)
    for space in state.spaces.values():
        if space.org_id == org.id and user.id in space.members:
            return Role.READ_ONLY
    return Role.NONE


def space_role(state: MockState, user: User, space: Space) -> Role:
    membership = space.members.get(user.id)
    if membership is not None:
        return Role(membership.role)
    org = state.orgs.get(space.org_id)
    org_membership = org.members.get(user.id) if org else None
    if org_membership is None:
        return Role.NONE
    if org_membership.role == Role.ADMIN:
        return Role.ADMIN
    return Role.NONE if space.is_private else Role.READ_ONLY


def account_role(user: User) -> Role:
    """Over account-wide resources: admins manage them, every other user reads them."""
    return Role.ADMIN if user.role == Role.ADMIN else Role.READ_ONLY


_RANK = (Role.NONE, Role.READ_ONLY, Role.ANNOTATOR, Role.MEMBER, Role.ADMIN)


def at_most(role: Role, limit: Role) -> bool:
    """Whether ``role`` grants no more than ``limit`` does."""
    return _RANK.index(role) <= _RANK.index(limit)


def scope_role(state: MockState, user: User, scope_id: str) -> Role:
    """The user's role in one space or organization (NONE if it does not exist)."""
    if (space := state.spaces.get(scope_id)) is not None:
        return space_role(state, user, space)
    if (org := state.orgs.get(scope_id)) is not None:
        return org_role(state, user, org)
    return Role.NONE


def role_for(state: MockState, user: User, resource: Resource | Document) -> Role:
    """The user's role over ``resource``: its own for spaces/orgs, else its scope's.

    A restricted resource (``POST /v2/resource-restrictions``), and what it owns, is seen by
    the admins of its space only.
    """
    if isinstance(resource, Organization):
        return org_role(state, user, resource)
    if isinstance(resource, Space):
        return space_role(state, user, resource)
    if isinstance(resource, Document):
        if not resource.scope:
            return account_role(user)
        roles = [scope_role(state, user, scope_id) for scope_id in resource.scope]
        role = max(roles, key=_RANK.index)
    else:
        space = state.spaces.get(getattr(resource, "space_id", ""))
        role = space_role(state, user, space) if space else Role.NONE
    if role is not Role.ADMIN and _restricted(state, resource):
        return Role.NONE
    return role


def _restricted(state: MockState, resource: Resource | Document) -> bool:
    restrictions = state.docs.get("resource_restriction")
    if not restrictions:
        return False
    owners = resource.owners if isinstance(resource, Document) else ()
    keys = {resource.id, *owners}
    return any(r.data["resource_id"] in keys for r in restrictions.values())


def authorize(
    state: MockState, user: User, resource: Resource | Document, action: Action, what: str
) -> None:
    """Raise 404 if ``user`` cannot read ``resource``, 403 if it can but may not act."""
    role = role_for(state, user, resource)
    if not can(role, Action.READ):
        raise not_found(what)
    if not can(role, action):
        raise forbidden(f"your role ({role.value}) does not allow this action on the {what}")
