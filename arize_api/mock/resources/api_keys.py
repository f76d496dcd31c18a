"""API keys: user keys (the caller's own) and service keys (a bot user with roles).

The secret is in the create and refresh answers only (their schemas have ``key``; the list's
does not). Every key the state knows is listed, the seeded admin key and the control plane's
included. A user sees and manages their own keys; account admins see all and make service
keys. Refreshing issues a new secret; the old one keeps working for
``grace_period_seconds`` (default 0). A revoked or expired key answers 401.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from ..auth import Action, Role, account_role, authorize, space_role
from ..call import Call, handles
from ..crud import space_for
from ..engine import KINDS, Behaviour, in_account
from ..models import Document, User, rfc3339
from ..problems import not_found, unprocessable
from ..state import redact
from ..validation import parse_datetime
from .members import requested_role

__all__ = ["OwnKeys", "reaches_space"]

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
    """The ``space_id`` filter: keys whose user has a role in the space."""
    space = space_for(call, str(value), Action.READ)
    user = call.state.users.get(str(doc.data.get("user_id")))
    return user is not None and space_role(call.state, user, space) is not Role.NONE


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


def _service_user(call: Call, body: Mapping[str, Any]) -> tuple[User, JSON]:
    """The bot user of a service key, with its roles granted, and its wire form."""
    in_account(call, body, Action.MANAGE)  # account admins only (403)
    state = call.state
    grants: list[tuple[str, Role]] = []
    organizations = []
    for index, item in enumerate(body["organizations"]):
        org = state.orgs.get(str(item["org_id"]))
        if org is None:
            raise not_found("organization")
        authorize(state, call.principal, org, Action.MANAGE, "organization")
        org_role, org_wire = _assign(item.get("role"), DEFAULT_ORG_ROLE)
        grants.append((org.id, org_role))
        spaces = []
        for number, space_item in enumerate(item["spaces"]):
            space = state.spaces.get(str(space_item["space_id"]))
            if space is None or space.org_id != org.id:
                where = f"/organizations/{index}/spaces/{number}/space_id"
                raise unprocessable(f"{where}: no such space in the organization")
            space_role_, space_wire = _assign(space_item.get("role"), DEFAULT_SPACE_ROLE)
            grants.append((space.id, space_role_))
            spaces.append({"space_id": space.id, "role": space_wire})
        organizations.append({"org_id": org.id, "role": org_wire, "spaces": spaces})
    account = body.get("account_role") or {"type": "PREDEFINED", "name": "MEMBER"}
    if account.get("type") != "PREDEFINED" or "name" not in account:
        raise unprocessable("account_role: the mock grants PREDEFINED account roles only")
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
