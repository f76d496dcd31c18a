"""API keys: user keys (the caller's own) and service keys (a bot user with roles).

The secret is in the create and refresh answers only (their schemas have ``key``; the list's
does not). Every key the state knows is listed, the seeded admin key and the control plane's
included. A user sees and manages their own keys; account admins see all and make service
keys, as does anyone who is a member (or admin) of every space the key joins, granting no role
above their own (422). Roles default to MEMBER in spaces, READ_ONLY in organizations and
MEMBER in the account. Refreshing issues a new secret; the old one keeps working for
``grace_period_seconds`` (default 0); a key with an expiry is refreshed with one no later
(422). Filtering by ``user_id`` is for account admins (403), unless with ``space_id``, which
lists service keys. A revoked or expired key answers 401.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from ..auth import Action, Role, account_role, at_most, org_role, space_role
from ..call import Call, handles
from ..crud import space_for
from ..engine import KINDS, Behaviour
from ..models import Document, User, rfc3339
from ..problems import forbidden, not_found, unprocessable
from ..state import redact
from ..validation import parse_datetime
from .members import requested_role

__all__ = ["OwnKeys", "admins_filter_users", "creator_or_user", "reaches_space"]

JSON = dict[str, Any]
DEFAULT_SPACE_ROLE = Role.MEMBER
DEFAULT_ORG_ROLE = Role.READ_ONLY


def _is_admin(call: Call) -> bool:
    return account_role(call.principal) is Role.ADMIN


class OwnKeys(Behaviour):
    """Visible to their user and to account admins; service keys show their bot user."""

    def visible(self, call: Call, doc: Document) -> bool:
        return _is_admin(call) or doc.data.get("user_id") == call.principal.id

    def view(self, call: Call, doc: Document) -> JSON:
        bot = doc.private.get("bot")
        return {"bot_user": bot} if bot is not None else {}


def reaches_space(call: Call, doc: Document, view: JSON, value: Any) -> bool:
    """The ``space_id`` filter: keys whose user has a role in the space (service keys only,
    unless ``key_type`` says otherwise)."""
    space = space_for(call, str(value), Action.READ)
    if "key_type" not in call.query and doc.data.get("key_type") != "SERVICE":
        return False
    user = call.state.users.get(str(doc.data.get("user_id")))
    return user is not None and space_role(call.state, user, space) is not Role.NONE


def admins_filter_users(call: Call, value: Any) -> None:
    """The ``user_id`` filter is for account admins, unless with ``space_id`` (403)."""
    if "space_id" not in call.query and not _is_admin(call):
        raise forbidden("only account admins list the keys of a user")


def creator_or_user(call: Call, doc: Document, view: JSON, value: Any) -> bool:
    """``user_id``: a user's keys, or (with ``space_id``) the service keys they created."""
    member = "created_by_user_id" if "space_id" in call.query else "user_id"
    return bool(doc.data.get(member) == value)


def _expiry(call: Call, value: Any) -> datetime | None:
    if value is None:
        return None
    moment = parse_datetime(value, "expires_at")
    if moment <= call.state.now():
        raise unprocessable("expires_at must be in the future")
    return moment


def _assign(assignment: Mapping[str, Any] | None, default: Role) -> tuple[Role, JSON]:
    role = requested_role(assignment) if assignment else default
    return role, {"type": "PREDEFINED", "name": role.value}


def _no_higher(role: Role, own: Role, where: str) -> None:
    """422 unless ``role`` is at or below the caller's ``own`` role."""
    if not at_most(role, own):
        raise unprocessable(f"{where}: you may not grant {role.value}, above your {own.value}")


def _service_user(call: Call, body: Mapping[str, Any]) -> tuple[User, JSON]:
    """The bot user of a service key, with its roles granted, and its wire form."""
    state, caller = call.state, call.principal
    grants: list[tuple[str, Role]] = []
    organizations = []
    for index, item in enumerate(body["organizations"]):
        org = state.orgs.get(str(item["org_id"]))
        if org is None or org_role(state, caller, org) is Role.NONE:
            raise not_found("organization")
        granted, org_wire = _assign(item.get("role"), DEFAULT_ORG_ROLE)
        _no_higher(granted, org_role(state, caller, org), f"/organizations/{index}/role")
        grants.append((org.id, granted))
        spaces = []
        for number, space_item in enumerate(item["spaces"]):
            space = state.spaces.get(str(space_item["space_id"]))
            where = f"/organizations/{index}/spaces/{number}"
            if space is None or space.org_id != org.id:
                raise unprocessable(f"{where}/space_id: no such space in the organization")
            own = space_role(state, caller, space)
            if not at_most(Role.MEMBER, own):  # SERVICE_KEY_CREATE: members and admins
                raise forbidden("creating service keys needs membership of each space")
            space_role_, space_wire = _assign(space_item.get("role"), DEFAULT_SPACE_ROLE)
            _no_higher(space_role_, own, f"{where}/role")
            grants.append((space.id, space_role_))
            spaces.append({"space_id": space.id, "role": space_wire})
        organizations.append({"org_id": org.id, "role": org_wire, "spaces": spaces})
    account = body.get("account_role") or {"type": "PREDEFINED", "name": "MEMBER"}
    if account.get("type") != "PREDEFINED" or "name" not in account:
        raise unprocessable("account_role: the mock grants PREDEFINED account roles only")
    if account["name"] == "ADMIN" and caller.role != "ADMIN":
        raise unprocessable("account_role: you may not grant ADMIN, above your own role")
    bot = state.add_user(
        f"service-{len(state.users) + 1}@bots.arize-mock.local",
        name=str(body["name"]),
        role=str(account["name"]),
    )
    for scope_id, role in grants:
        state.grant(bot.id, scope_id, role)
    wire = {
        "id": bot.id,
        "name": bot.name,
        "account_role": {"type": "PREDEFINED", "name": bot.role},
        "organizations": organizations,
    }
    return bot, wire


@handles("createApiKey")
def create_key(call: Call) -> Any:
    body: JSON = call.body
    expires = _expiry(call, body.get("expires_at"))
    user, bot = call.principal, None
    if body["key_type"] == "SERVICE":
        user, bot = _service_user(call, body)
    key = call.state.ids.token("ak-")
    doc = call.state.register_key(key, user, name=str(body["name"]), key_type=body["key_type"])
    doc.data["created_by_user_id"] = call.principal.id
    for member in ("description", "expires_at"):
        if member in body:
            doc.data[member] = body[member]
    if expires is not None:
        call.state.key_expiry[key] = expires
    if bot is not None:
        doc.private["bot"] = bot
    return call.render(KINDS["api_key"].view(call, doc))


@handles("refreshApiKey")
def refresh_key(call: Call) -> Any:
    doc = KINDS["api_key"].get(call)
    if doc.data["status"] != "ACTIVE":
        raise unprocessable("a revoked key cannot be refreshed")
    body: JSON = call.body or {}
    expires = _expiry(call, body.get("expires_at"))
    if (current := doc.data.get("expires_at")) is not None:
        if expires is None:
            raise unprocessable("the key expires: give the new one an expires_at (no later)")
        if expires > parse_datetime(current, "expires_at"):
            raise unprocessable("expires_at may not be later than the key's own expiry")
    state, old = call.state, str(doc.data["key"])
    grace = int(body.get("grace_period_seconds") or 0)
    if grace:
        until = state.now() + timedelta(seconds=grace)
        state.key_expiry[old] = min(until, state.key_expiry.get(old, until))
    else:
        state.keys.pop(old, None)
        state.key_expiry.pop(old, None)
    new = state.ids.token("ak-")
    state.keys[new] = str(doc.data["user_id"])
    if expires is not None:
        doc.data["expires_at"] = body["expires_at"]
    elif "expires_at" in doc.data:
        expires = parse_datetime(doc.data["expires_at"], "expires_at")
    if expires is not None:
        state.key_expiry[new] = expires
    doc.data.update(key=new, redacted_key=redact(new), updated_at=rfc3339(state.now()))
    return call.render(KINDS["api_key"].view(call, doc))


@handles("revokeApiKey")
def revoke_key(call: Call) -> None:
    """Idempotent: the key stops working at once."""
    doc = KINDS["api_key"].get(call)
    doc.data["status"] = "REVOKED"
    call.state.keys.pop(str(doc.data["key"]), None)
    call.state.key_expiry.pop(str(doc.data["key"]), None)
