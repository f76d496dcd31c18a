"""Users of the (single) mock account, keyed by email.

Account admins and members read users (annotators: 403 on the list, 404 on a user); admins
invite any role, members MEMBER or ANNOTATOR only, annotators no one. Inviting an email
that has an ``INVITED`` invitation answers it with 200; an ``EXPIRED`` one is invited anew
(201); an active or blocked user's email is a 409. ``NONE`` adds an ``ACTIVE`` user;
``EMAIL_LINK`` and ``TEMPORARY_PASSWORD`` invitations start ``INVITED`` (the latter answers
the temporary password, once). Deleting blocks: keys, memberships and role bindings go, the
user is no longer shown, and deleting again is a 204. Names are stripped, 1 to 255
characters; only admins change ``is_developer``, reset passwords or resend invitations.
"""

from __future__ import annotations

from typing import Any

from ..auth import Action, Role, account_role
from ..call import Answer, Call, handles
from ..crud import contains, page_of
from ..engine import in_account
from ..models import User
from ..problems import bad_request, conflict, forbidden, not_found, unprocessable

__all__: list[str] = []

READERS = ("ADMIN", "MEMBER")  # account roles that read users


def _user(call: Call) -> User:
    """The user the path names; 404 if none, or if the caller may not read users."""
    user = call.state.users.get(call.path["user_id"])
    if user is None or call.principal.role not in READERS:
        raise not_found("user")
    return user


def _admin(call: Call, what: str) -> None:
    if account_role(call.principal) is not Role.ADMIN:
        raise forbidden(f"only account admins {what}")


@handles("listUsers")
def list_users(call: Call) -> Any:
    if call.principal.role not in READERS:
        raise forbidden("your account role does not read users")
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
        render=lambda u: call.render_item("users", u.data),
    )


def _with_email(users: dict[str, User], email: str) -> User | None:
    return next((u for u in users.values() if u.email.casefold() == email.casefold()), None)


@handles("createUser")
def create_user(call: Call) -> Answer:
    role = call.body["role"]
    if call.principal.role not in READERS:
        raise forbidden("your account role does not invite users")
    if call.principal.role != "ADMIN" and role.get("name") not in ("MEMBER", "ANNOTATOR"):
        raise forbidden("account members invite MEMBER or ANNOTATOR users only")
    email = str(call.body["email"]).strip()
    if "@" not in email.strip("@"):
        raise unprocessable(f"{email[:100]!r} is not an email address")
    if _with_email(call.state.blocked_users, email) is not None:
        raise conflict("this user was deactivated and cannot be invited again")
    existing = _with_email(call.state.users, email)
    if existing is not None and existing.status == "INVITED" and call.body["invite_mode"] != "NONE":
        return Answer(200, call.render(existing.data, 200))
    if existing is not None and existing.status != "EXPIRED":
        raise conflict("a user with this email already exists")
    if existing is not None:  # an expired invitation: a new one replaces it
        call.state.delete_user(existing)
        call.state.blocked_users.pop(existing.id)
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
    answer = {**user.data, "invite_mode": mode}
    if mode == "TEMPORARY_PASSWORD":
        answer["temporary_password"] = call.state.ids.token("tmp-")
    return Answer(201, call.render(answer, 201))


@handles("getUser")
def get_user(call: Call) -> Any:
    return call.render(_user(call).data)


@handles("updateUser")
def update_user(call: Call) -> Any:
    user = _user(call)
    if "is_developer" in call.body:
        _admin(call, "change whether a user is a developer")
    elif call.principal.id != user.id:
        _admin(call, "rename other users")
    if "name" in call.body:
        name = str(call.body["name"]).strip()
        if not name:
            raise bad_request("name must not be blank")
        user.name = name
    if "is_developer" in call.body:
        user.is_developer = call.body["is_developer"]
    return call.render(user.data)


@handles("deleteUser")
def delete_user(call: Call) -> None:
    """Blocks the user; blocking a blocked user again is a 204."""
    in_account(call, {}, Action.MANAGE)
    if call.path["user_id"] in call.state.blocked_users:
        return
    user = _user(call)
    if user.id == call.principal.id:
        raise forbidden("you cannot delete your own user")
    call.state.delete_user(user)


@handles("resendUserInvitation")
def resend_invitation(call: Call) -> None:
    user = _user(call)
    in_account(call, {}, Action.MANAGE)
    if user.status != "INVITED":
        raise bad_request("only a pending (INVITED) user's invitation can be resent")


@handles("resetUserPassword")
def reset_password(call: Call) -> None:
    user = _user(call)
    _admin(call, "reset passwords")
    if user.status != "ACTIVE":
        raise bad_request("only a verified (ACTIVE) user has a password to reset")
