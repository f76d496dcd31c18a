"""Users of the (single) mock account, keyed by email.

Every user reads the user list; account admins invite, change and delete users (a user may
change their own name and developer flag, and reset their own password). Inviting an email
that already has an invitation answers that user with 200; an active user's email is a 409.
``NONE`` adds an ``ACTIVE`` user; ``EMAIL_LINK`` and ``TEMPORARY_PASSWORD`` invitations start
``INVITED`` (the latter answers the temporary password, once).
"""

from __future__ import annotations

from typing import Any

from ..auth import Action, Role, account_role
from ..call import Answer, Call, handles
from ..crud import contains, page_of
from ..engine import in_account
from ..models import User
from ..problems import conflict, forbidden, not_found, unprocessable

__all__: list[str] = []

PENDING = ("INVITED", "EXPIRED")


def _user(call: Call) -> User:
    user = call.state.users.get(call.path["user_id"])
    if user is None:
        raise not_found("user")
    return user


def _admin_or_self(call: Call, user: User) -> None:
    if account_role(call.principal) is not Role.ADMIN and call.principal.id != user.id:
        raise forbidden("only account admins manage other users")


@handles("listUsers")
def list_users(call: Call) -> Any:
    users = sorted(call.state.users.values(), key=lambda u: u.seq)
    if (email := call.query.get("email")) is not None:
        users = [u for u in users if contains(u.email, email)]
    if (statuses := call.query.get("status")) is not None:
        users = [u for u in users if u.status in statuses]
    return page_of(
        call,
        "users",
        users,
        order=lambda u: (u.seq,),  # creation date ascending
        render=lambda u: call.render_item("users", u.to_wire()),
    )


@handles("createUser")
def create_user(call: Call) -> Answer:
    in_account(call, call.body, Action.MANAGE)
    email = str(call.body["email"]).strip()
    if "@" not in email.strip("@"):
        raise unprocessable(f"{email[:100]!r} is not an email address")
    existing = next(
        (u for u in call.state.users.values() if u.email.casefold() == email.casefold()), None
    )
    if existing is not None:
        if existing.status in PENDING:
            return Answer(200, call.render(existing.to_wire(), 200))
        raise conflict("a user with this email already exists")
    role = call.body["role"]
    custom = None
    if role["type"] == "CUSTOM" or "id" in role:
        found = call.state.document("role", str(role.get("id")))
        if found is None or found.data.get("is_predefined"):
            raise not_found("custom role")
        custom = {"type": "CUSTOM", "id": found.id, "name": found.name}
    mode = call.body["invite_mode"]
    user = call.state.add_user(
        email,
        name=str(call.body["name"]),
        role="MEMBER" if custom else str(role["name"]),
        status="ACTIVE" if mode == "NONE" else "INVITED",
    )
    user.custom_role = custom
    answer = {**user.to_wire(), "invite_mode": mode}
    if mode == "TEMPORARY_PASSWORD":
        answer["temporary_password"] = call.state.ids.token("tmp-")
    return Answer(201, call.render(answer, 201))


@handles("getUser")
def get_user(call: Call) -> Any:
    return call.render(_user(call).to_wire())


@handles("updateUser")
def update_user(call: Call) -> Any:
    user = _user(call)
    _admin_or_self(call, user)
    if "name" in call.body:
        if not str(call.body["name"]).strip():
            raise unprocessable("name must not be blank")
        user.name = call.body["name"]
    if "is_developer" in call.body:
        user.is_developer = call.body["is_developer"]
    return call.render(user.to_wire())


@handles("deleteUser")
def delete_user(call: Call) -> None:
    user = _user(call)
    in_account(call, {}, Action.MANAGE)
    if user.id == call.principal.id:
        raise forbidden("you cannot delete your own user")
    call.state.delete_user(user)


@handles("resendUserInvitation")
def resend_invitation(call: Call) -> None:
    user = _user(call)
    in_account(call, {}, Action.MANAGE)
    if user.status not in PENDING:
        raise unprocessable("the user has accepted their invitation already")
    user.status = "INVITED"


@handles("resetUserPassword")
def reset_password(call: Call) -> None:
    user = _user(call)
    _admin_or_self(call, user)
    if user.status != "ACTIVE":
        raise unprocessable("only active users have a password to reset")
